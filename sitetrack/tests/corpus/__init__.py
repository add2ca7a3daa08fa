"""The hostile-input corpus: files and payloads that a careless user or an attacker brings.

`cases.py` builds each one (deterministically, in memory: no binary blobs in the
repository) for one importer; `test_corpus.py` runs every case through its importer, form
or API and checks: no 500 and no traceback, a clear message, nothing written, no import
run left unfinished.
"""
