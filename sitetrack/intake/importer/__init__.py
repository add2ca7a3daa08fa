"""How one import works: imports no service (services.runs orchestrates it).

An import runs in two phases:

1. **Checking** (checker.py, row_rules.py; nothing written to the real tables but the
   progress counter): the file is read as a stream (pipeline.py, a second process for
   large files), each submission mapped (plan.py), typed (fastclean.py), matched to its
   site and validated with the same rules as the web form (assessments.validation), and
   compared by content hash with what is already stored (identity.py). What must be
   written goes, as it is checked, into temporary tables of this connection
   (staging.py) or, for re-import work, a spool file in the data folder (spool.py), so
   memory stays flat whatever the file's size. Progress (processed/total) is committed
   as it goes (progress.py), so the web page and the CLI can show it.
2. **Saving** (saver.py, bulk_sql.py): in ONE transaction, the staged rows are copied
   into the real tables by the database (INSERT … SELECT) and the spool is written with
   bulk statements. The batch is the whole import: it lands whole or leaves nothing (a
   killed process, a database error, a power cut). Submissions are idempotent by UUID: a
   re-import skips unchanged ones by hash, updates changed ones (recorded in the
   assessment history).

Rows that cannot be used (unknown site or P-code, wrong type, future date, no UUID) are
rejected into the cleaning log with file/sheet/row/column/value/rule; the rest lands,
unless the import was asked to be all-or-nothing. A file that cannot be read at all
(truncated, encrypted, zip bomb, wrong encoding, another form, missing columns) fails
with one clear message and writes nothing.
"""
