"""Reading in a second process: the file's submissions, read by a forked reader while
the importing process maps, types, validates and stages them."""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import os
import pickle
from collections.abc import Iterable
from operator import attrgetter

import orjson

from sitetrack.intake.importer.identity import stored_json
from sitetrack.intake.readers import Submission

# Files of at least this many rows are read in a second process (forked, so it needs
# nothing pickled to start: it inherits the reader and the known-hash table) while this
# one maps, types, validates and spools: the reading is about a third of an import's
# time. Submissions cross a pipe pickled in chunks; the pipe holds at most a chunk or
# two, so memory stays bounded. The reading process writes nothing anywhere.
PIPELINE_MIN_ROWS = 5000
PIPELINE_CHUNK = 500


PIPELINE_MIN_BYTES = 4 << 20  # when the reader cannot tell its rows in advance
# A Submission as a tuple of its fields, in order (Submission(*item) rebuilds it).
_as_tuple = attrgetter(*(f.name for f in dataclasses.fields(Submission)))


def _pipeline_possible(reader) -> bool:
    import multiprocessing

    total = getattr(reader, "total", 0) or 0
    if not total:
        path = getattr(reader, "path", None)
        with contextlib.suppress(OSError, TypeError):
            if path is not None and os.path.getsize(path) >= PIPELINE_MIN_BYTES:
                total = PIPELINE_MIN_ROWS
    return (
        total >= PIPELINE_MIN_ROWS
        and (os.cpu_count() or 1) > 1
        and "fork" in multiprocessing.get_all_start_methods()
    )


def _produce(reader, receiving, sending) -> None:
    """The reading process: read every submission, send them in chunks. A reader that can
    (`complete`) sends only the raw record, as JSON text; the importing process derives
    the fields from it (which balances the work of the two processes)."""
    receiving.close()
    # What the process inherited is never freed here: keep the cyclic garbage collector
    # off it (walking it would also copy every page shared with the importing process).
    gc.freeze()
    dump = pickle.dumps
    batch: list[Submission] = []
    try:
        if hasattr(reader, "complete"):
            # Fields and repeats are derived from the raw record by the importing process.
            reader.defer_fields = True
        for sub in reader:
            if not sub.skipped:
                sub.raw = stored_json(sub.raw)
            # A plain tuple: pickled in C, several times cheaper than the dataclass.
            batch.append(_as_tuple(sub))
            if len(batch) >= PIPELINE_CHUNK:
                sending.send_bytes(dump(("rows", batch), pickle.HIGHEST_PROTOCOL))
                batch = []
        sending.send_bytes(dump(("rows", batch), pickle.HIGHEST_PROTOCOL))
        sending.send_bytes(dump(("end", None), pickle.HIGHEST_PROTOCOL))
    except (BrokenPipeError, KeyboardInterrupt):
        pass  # the importing process is gone or stopping: nothing to tell
    except BaseException as exc:  # noqa: BLE001 — handed over to the importing process
        try:
            message = dump(("error", exc), pickle.HIGHEST_PROTOCOL)
        except Exception:  # noqa: BLE001 — an exception that cannot be pickled
            message = dump(("error", RuntimeError(repr(exc))), pickle.HIGHEST_PROTOCOL)
        with contextlib.suppress(OSError):
            # The rows read before the error first, as when reading in one process.
            sending.send_bytes(dump(("rows", batch), pickle.HIGHEST_PROTOCOL))
            sending.send_bytes(message)
    finally:
        sending.close()


def submissions(reader) -> Iterable[Submission]:
    """The reader's submissions, read in a second process when that pays (see above)."""
    if not _pipeline_possible(reader):
        yield from reader
        return
    import multiprocessing

    context = multiprocessing.get_context("fork")
    loads = orjson.loads
    receiving, sending = context.Pipe(duplex=False)
    process = context.Process(target=_produce, args=(reader, receiving, sending), daemon=True)
    process.start()
    sending.close()
    try:
        while True:
            try:
                kind, payload = pickle.loads(receiving.recv_bytes())
            except EOFError:
                raise RuntimeError(
                    f"The reading process stopped unexpectedly (exit code {process.exitcode})."
                ) from None
            if kind == "rows":
                complete = getattr(reader, "complete", None)
                for item in payload:
                    sub = Submission(*item)
                    if complete is not None and sub.fields is None:
                        # The raw record came as its JSON text (encoding it is cheaper
                        # for the reading process than pickling the dictionary, and
                        # decoding cheaper here than unpickling it).
                        complete(sub, loads(sub.raw))
                    yield sub
            elif kind == "error":
                raise payload
            else:
                return
    finally:
        receiving.close()
        if process.is_alive():
            process.terminate()
        process.join()
