"""A small HTTP/1.1 load client on asyncio streams, with keep-alive.

It keeps `clients` connections busy until `requests` responses have come back, records the
latency of each and counts every failure (a status other than 200, a reset connection, a
timeout). Loopback only: it is a benchmark tool, not a general client. It spends a few
microseconds per request, far less than any Django view, so the server stays the
bottleneck.
"""

from __future__ import annotations

import asyncio
import math
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class LoadResult:
    clients: int
    requests: int = 0
    errors: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)  # seconds
    first_error: str = ""
    truncated: bool = False  # stopped at the time limit before sending every request

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bool, bytes]:
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionError("connection closed before the response")
    status = int(status_line.split()[1])
    length = None
    chunked = False
    close = False
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b"\n", b""):
            break
        name, _, value = line.decode("latin-1").partition(":")
        name, value = name.strip().lower(), value.strip().lower()
        if name == "content-length":
            length = int(value)
        elif name == "transfer-encoding" and "chunked" in value:
            chunked = True
        elif name == "connection" and value == "close":
            close = True
    if chunked:
        body = bytearray()
        while True:
            size = int((await reader.readline()).split(b";")[0], 16)
            if size == 0:
                await reader.readline()
                break
            body += await reader.readexactly(size)
            await reader.readline()
        return status, close, bytes(body)
    if length is not None:
        return status, close, await reader.readexactly(length)
    return status, True, await reader.read()


async def _client(
    host: str,
    port: int,
    paths: list[str],
    headers: str,
    budget: list[int],
    result: LoadResult,
    timeout: float,
    deadline: float,
) -> None:
    reader = writer = None
    while budget[0] > 0:
        if time.perf_counter() > deadline:
            result.truncated = True
            break
        budget[0] -= 1
        path = paths[budget[0] % len(paths)]
        request = f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\n{headers}\r\n".encode()
        started = time.perf_counter()
        try:
            if writer is None:
                reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
            writer.write(request)
            status, close, _ = await asyncio.wait_for(_read_response(reader), timeout)
            elapsed = time.perf_counter() - started
            if status == 200:
                result.latencies.append(elapsed)
            else:
                result.errors += 1
                result.first_error = result.first_error or f"HTTP {status} on {path}"
            if close:
                writer.close()
                reader = writer = None
        except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError, IndexError) as error:
            result.errors += 1
            result.first_error = result.first_error or f"{type(error).__name__} on {path}: {error}"
            if writer is not None:
                writer.close()
            reader = writer = None
        result.requests += 1
    if writer is not None:
        writer.close()


def load(
    host: str,
    port: int,
    paths: list[str],
    *,
    clients: int,
    requests: int,
    headers: dict[str, str] | None = None,
    timeout: float = 60.0,
    max_seconds: float = 120.0,
) -> LoadResult:
    """Send `requests` GETs (cycling over `paths`) from `clients` concurrent connections;
    stop sending after `max_seconds` (the result says it was truncated)."""
    header_text = "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items()) + "Connection: keep-alive\r\n"
    result = LoadResult(clients=clients)
    budget = [requests]

    started = time.perf_counter()
    deadline = started + max_seconds

    async def main() -> None:
        await asyncio.gather(
            *(
                _client(host, port, paths, header_text, budget, result, timeout, deadline)
                for _ in range(clients)
            )
        )

    asyncio.run(main())
    result.seconds = time.perf_counter() - started
    return result


# --- a gunicorn server for a case ---------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    """`gunicorn sitetrack.wsgi` on a free loopback port, against the case's database (the
    environment the runner set). Several worker processes, threads for keep-alive."""

    def __init__(self, *, workers: int = 4, threads: int = 2, logfile: Path | None = None) -> None:
        self.workers = workers
        self.threads = threads
        self.logfile = logfile
        self.port = 0
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60.0) -> None:
        self.port = free_port()
        log = open(self.logfile, "w") if self.logfile else subprocess.DEVNULL  # noqa: SIM115
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "sitetrack.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
                "--worker-class",
                "gthread",
                "--threads",
                str(self.threads),
                "--keep-alive",
                "30",
                "--backlog",
                "256",
                "--log-level",
                "warning",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with status {self.process.returncode}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/health/", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer /health/ within {timeout:.0f}s")

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None


if __name__ == "__main__":  # a quick manual check: python -m bench.loadgen PORT PATH
    port, path = int(sys.argv[1]), sys.argv[2]
    outcome = load("127.0.0.1", port, [path], clients=8, requests=200)
    print(
        f"{outcome.rps:.0f} req/s, p50 {percentile(outcome.latencies, 50) * 1000:.1f} ms, errors {outcome.errors}"
    )


def warm_up(port: int, levels, headers: dict[str, str]) -> None:
    """Send each level's paths from its number of connections before measuring: every
    worker computes its cold pages once (tens of seconds for a national dashboard on
    PostgreSQL, hence the long timeout), and many connections reach every worker (a
    keep-alive connection stays with the worker that accepted it). `levels`: (paths,
    clients) pairs. Raises on the first level with errors."""
    for paths, clients in levels:
        warm = load(
            "127.0.0.1",
            port,
            paths,
            clients=clients,
            requests=max(48, clients),
            headers=headers,
            timeout=300,
            max_seconds=600,
        )
        if warm.errors:
            raise RuntimeError(f"warm-up failed: {warm.first_error}")
