"""`make loadtest`: the site under gunicorn on 127.0.0.1, driven by 50 clients, healthy and faulty.

Three runs, each against a fresh gunicorn (4 workers, calendarapp/gunicorn.conf.py)
on a free port of 127.0.0.1, on the bench data set (small size):

- `healthy`: the configured database and Redis;
- `redis_hung`: REDIS_URL points at `HungServer`, a local socket that accepts
  connections and never answers; pages not needing Redis keep their latency;
- `database_hung`: DATABASE_URL points at such a socket; every answer is a 503
  within the database timeouts, which this run counts as the expected answer;
- `database_frozen`: DATABASE_URL points at `FreezingProxy`, a relay to the real
  PostgreSQL that stops relaying once the workers are warm, keeping every socket
  open: a server frozen with its connections open. Its kernel still acknowledges
  TCP, so no client timeout tells it from a slow statement: a request on a kept
  connection waits until gunicorn replaces its worker (GUNICORN_TIMEOUT, set to
  `FROZEN_GUNICORN_TIMEOUT` here so the run stays short) and gets no answer; the
  new worker's connect fails within DATABASE_CONNECT_TIMEOUT and answers 503.
  After the load, `/healthz` is asked until it answers, and its answer must be a
  503 within HEALTHZ_TIMEOUT_SECONDS (plus `HEALTHZ_SLACK_MS`).

Each run drives the timeline, Today, a customer's page, a feed, `/api/occurrences`
and `/api/plans/check` round-robin from `CLIENTS` threads for `LOADTEST_SECONDS`
(60 by default), then stops. Each gunicorn worker records the CPU time of every
request it serves (`time.process_time()` in the gunicorn.conf.py hooks that
LOADTEST_CPU_DIR turns on); `read_cpu()` collects the load's requests per endpoint.
`report()` is what `build/loadtest.json` holds; `healthy_failures()` is
what makes the command fail (an error, or a request over `SLOW_MS`, in the
healthy run). Only 127.0.0.1 is ever contacted.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import math
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self
from urllib.parse import urlsplit

HOST = "127.0.0.1"
CLIENTS = 50
WORKERS = 4
DEFAULT_SECONDS = 60
# A request over this long in the healthy run fails the load test.
SLOW_MS = 5000
# A client gives up on an answer after this long (counted as an error), so a run always ends.
CLIENT_TIMEOUT_SECONDS = 6
START_TIMEOUT_SECONDS = 60
# Served by WhiteNoise before anything asks the database or Redis, so it answers in every run.
PROBE_PATH = "/static/css/app.css"
HEALTHY, REDIS_HUNG, DATABASE_HUNG = "healthy", "redis_hung", "database_hung"
DATABASE_FROZEN = "database_frozen"
# The answers each run counts as answered; anything else is an error, and so is no answer
# (None) but with the database frozen, where a request on a frozen connection gets none.
EXPECTED: dict[str, frozenset[int | None]] = {
    HEALTHY: frozenset({200}),
    REDIS_HUNG: frozenset({200}),
    DATABASE_HUNG: frozenset({200, 503}),
    DATABASE_FROZEN: frozenset({503, None}),
}
# Gunicorn's worker timeout in the frozen run (production's is 30 s), and the clients' own
# there, longer so that they see its end: a replaced worker's first request loads the app.
FROZEN_GUNICORN_TIMEOUT = 10
FROZEN_CLIENT_TIMEOUT_SECONDS = FROZEN_GUNICORN_TIMEOUT + 3
HEALTHZ = "healthz"
# What /healthz may take beyond HEALTHZ_TIMEOUT_SECONDS on a loaded 2-core machine: it is
# asked after the load and waits for a worker to finish the frozen requests still queued.
HEALTHZ_SLACK_MS = 3000
# /healthz is asked until one answer comes (a worker may be busy with the load's backlog).
HEALTHZ_ATTEMPTS = 5
# Set in the workers' environment: the folder where each appends its CPU time per request.
CPU_DIR_ENV = "LOADTEST_CPU_DIR"


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None


@dataclass(frozen=True)
class Sample:
    endpoint: str
    status: int | None  # None: no answer (refused, reset or timed out)
    ms: float


def percentile(ordered: Sequence[float], share: float) -> float:
    """The nearest-rank percentile (`share` from 0 to 100) of values sorted ascending; 0 if none."""
    if not ordered:
        return 0.0
    rank = math.ceil(share / 100 * len(ordered))
    return ordered[min(max(rank, 1), len(ordered)) - 1]


def summarise(
    samples: Sequence[Sample],
    seconds: float,
    expected: frozenset[int | None],
    names: Sequence[str],
    cpu: dict[str, list[float]] | None = None,
) -> dict[str, dict[str, float | int]]:
    """Per endpoint: requests, requests per second, p50/p95/p99/max in ms, errors, and the
    workers' CPU ms per request (`cpu_ms` the mean, `cpu_p50_ms` the median) from `cpu`."""
    summary: dict[str, dict[str, float | int]] = {}
    for name in names:
        mine = [sample for sample in samples if sample.endpoint == name]
        times = sorted(sample.ms for sample in mine)
        spent = sorted((cpu or {}).get(name, []))
        summary[name] = {
            "requests": len(mine),
            "rps": round(len(mine) / seconds, 1) if seconds else 0.0,
            "p50_ms": round(percentile(times, 50), 1),
            "p95_ms": round(percentile(times, 95), 1),
            "p99_ms": round(percentile(times, 99), 1),
            "max_ms": round(times[-1], 1) if times else 0.0,
            "errors": sum(1 for sample in mine if sample.status not in expected),
            "cpu_ms": round(sum(spent) / len(spent), 1) if spent else 0.0,
            "cpu_p50_ms": round(percentile(spent, 50), 1),
        }
    return summary


def read_cpu(
    directory: Path, since: float, endpoints: Sequence[Endpoint]
) -> dict[str, list[float]]:
    """The workers' CPU ms per request, by endpoint, of the requests that ended at or after
    `since` (a `time.time()`): the files gunicorn.conf.py's hooks wrote in `directory`."""
    names = {(e.method, urlsplit(e.path).path): e.name for e in endpoints}
    spent: dict[str, list[float]] = {e.name: [] for e in endpoints}
    for path in sorted(directory.glob("cpu-*.tsv")):
        for line in path.read_text().splitlines():
            fields = line.split("\t")
            if len(fields) != 4:
                continue  # a line a worker killed mid-write left torn (the frozen run)
            ended, method, request_path, cpu_ms = fields
            name = names.get((method, request_path))
            if name and float(ended) >= since:
                spent[name].append(float(cpu_ms))
    return spent


def report(runs: Sequence[tuple[str, dict[str, dict[str, float | int]]]]) -> dict[str, Any]:
    """`build/loadtest.json`: `{"runs": [{"name": ..., "endpoints": {name: figures}}]}`."""
    return {"runs": [{"name": name, "endpoints": endpoints} for name, endpoints in runs]}


def healthy_failures(result: dict[str, Any]) -> list[str]:
    """What fails the load test: errors, or a request over SLOW_MS, in the healthy run."""
    failures = []
    for run in result["runs"]:
        if run["name"] != HEALTHY:
            continue
        for name, figures in run["endpoints"].items():
            if figures["errors"]:
                failures.append(f"healthy: {name} had {figures['errors']} errors")
            if figures["max_ms"] > SLOW_MS:
                failures.append(f"healthy: {name} took {figures['max_ms']} ms (over {SLOW_MS})")
    return failures


def frozen_failures(result: dict[str, Any], healthz_timeout_seconds: float) -> list[str]:
    """What fails the load test in the frozen run: `/healthz` not a 503 within its timeout."""
    failures = []
    limit_ms = healthz_timeout_seconds * 1000 + HEALTHZ_SLACK_MS
    for run in result["runs"]:
        if run["name"] != DATABASE_FROZEN:
            continue
        figures = run["endpoints"][HEALTHZ]
        if figures["errors"] or not figures["requests"]:
            failures.append(f"{DATABASE_FROZEN}: /healthz did not answer 503")
        elif figures["max_ms"] > limit_ms:
            failures.append(
                f"{DATABASE_FROZEN}: /healthz took {figures['max_ms']} ms (over {limit_ms:g})"
            )
    return failures


def table(endpoints: dict[str, dict[str, float | int]]) -> str:
    """The figures of one run as aligned text, one endpoint a row."""
    columns = (
        "requests",
        "rps",
        "p50_ms",
        "p95_ms",
        "p99_ms",
        "max_ms",
        "errors",
        "cpu_ms",
        "cpu_p50_ms",
    )
    lines = [f"{'endpoint':<14}" + "".join(f"{column:>11}" for column in columns)]
    for name, figures in endpoints.items():
        lines.append(f"{name:<14}" + "".join(f"{figures[column]:>11}" for column in columns))
    return "\n".join(lines)


def drive(
    port: int,
    endpoints: Sequence[Endpoint],
    seconds: float,
    clients: int = CLIENTS,
    timeout: float = CLIENT_TIMEOUT_SECONDS,
) -> list[Sample]:
    """`clients` threads each asking the endpoints in turn until `seconds` have passed."""
    deadline = time.monotonic() + seconds
    samples: list[Sample] = []
    lock = threading.Lock()

    def client(offset: int) -> None:
        mine = []
        turn = offset
        while time.monotonic() < deadline:
            endpoint = endpoints[turn % len(endpoints)]
            turn += 1
            mine.append(ask(port, endpoint, timeout))
        with lock:
            samples.extend(mine)

    threads = [threading.Thread(target=client, args=(index,)) for index in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return samples


def warm_up(port: int, endpoints: Sequence[Endpoint]) -> None:
    """Each endpoint a few times at once: a worker loads the app on its first request."""
    threads = [
        threading.Thread(target=lambda: [ask(port, endpoint) for endpoint in endpoints])
        for _ in range(WORKERS * 2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def ask(port: int, endpoint: Endpoint, timeout: float = CLIENT_TIMEOUT_SECONDS) -> Sample:
    # A new connection a request: gunicorn's sync workers close each one anyway.
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    started = time.perf_counter()
    status: int | None
    try:
        connection.request(endpoint.method, endpoint.path, endpoint.body, endpoint.headers)
        response = connection.getresponse()
        response.read()
        status = response.status
    except (OSError, http.client.HTTPException):
        status = None
    finally:
        connection.close()
    return Sample(endpoint.name, status, (time.perf_counter() - started) * 1000)


class HungServer:
    """A socket on 127.0.0.1 that accepts every connection and never answers a byte."""

    def __init__(self) -> None:
        self.listener = socket.create_server((HOST, 0), backlog=512)
        self.listener.settimeout(0.2)
        self.port: int = self.listener.getsockname()[1]
        self.held: list[socket.socket] = []
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)

    def _accept(self) -> None:
        while not self.stopped.is_set():
            with contextlib.suppress(TimeoutError):
                client = self.listener.accept()[0]
                self.held.append(client)
                self.accepted(client)

    def accepted(self, client: socket.socket) -> None:
        """What is done with a new connection: nothing, it is held open unanswered."""

    def __enter__(self) -> Self:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopped.set()
        self.thread.join()
        for held in [*self.held, self.listener]:
            held.close()


class FreezingProxy(HungServer):
    """A relay on 127.0.0.1 to a TCP server that, once `freeze()` is called, relays nothing
    more either way and keeps every socket open; connections made after that are held
    unanswered. What a database server frozen with its connections open looks like."""

    def __init__(self, target: tuple[str, int]) -> None:
        super().__init__()
        self.target = target
        self.frozen = threading.Event()

    def freeze(self) -> None:
        self.frozen.set()

    def accepted(self, client: socket.socket) -> None:
        if self.frozen.is_set():
            return
        try:
            upstream = socket.create_connection(self.target)
        except OSError:
            client.close()  # the server itself is down: so is its relay
            return
        self.held.append(upstream)
        for source, sink in ((client, upstream), (upstream, client)):
            threading.Thread(target=self._relay, args=(source, sink), daemon=True).start()

    def _relay(self, source: socket.socket, sink: socket.socket) -> None:
        source.settimeout(0.2)
        while not self.stopped.is_set():
            try:
                data = source.recv(65536)
            except TimeoutError:
                data = None
            except OSError:
                return
            if self.frozen.is_set():
                self.stopped.wait()  # relay nothing more: the peer's bytes stay unanswered
                return
            if data is None:
                continue
            if not data:
                with contextlib.suppress(OSError):
                    sink.shutdown(socket.SHUT_WR)
                return
            with contextlib.suppress(OSError):
                sink.sendall(data)


def free_port() -> int:
    with socket.create_server((HOST, 0)) as probe:
        return int(probe.getsockname()[1])


class Servers:
    """The gunicorns started: each is told to stop as its run ends, all are waited for on leaving.

    A gunicorn takes seconds to exit after its workers have; the next run need not wait.
    """

    def __init__(self) -> None:
        self.stopping: list[subprocess.Popen[bytes]] = []

    def __enter__(self) -> Servers:
        return self

    def __exit__(self, *exc: object) -> None:
        for process in self.stopping:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@contextlib.contextmanager
def gunicorn(base_dir: Path, env: dict[str, str], log: Path, servers: Servers) -> Iterator[int]:
    """Gunicorn with WORKERS workers on a free port of 127.0.0.1; told to stop on leaving."""
    port = free_port()
    environment = {
        **env,
        "GUNICORN_BIND": f"{HOST}:{port}",
        "GUNICORN_WORKERS": str(WORKERS),
        "ALLOWED_HOSTS": HOST,
    }
    config = base_dir / "calendarapp" / "gunicorn.conf.py"
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(config)],
            cwd=base_dir,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_until_answering(port, process, log)
            yield port
        finally:
            # SIGINT: gunicorn's quick shutdown; every client has finished by now.
            process.send_signal(signal.SIGINT)
            servers.stopping.append(process)


def _wait_until_answering(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    """Until a static file is served: the workers are up, whatever the database and Redis do."""
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}; see {log}")
        if ask(port, Endpoint("probe", "GET", PROBE_PATH)).status == 200:
            return
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer within {START_TIMEOUT_SECONDS} s; see {log}")


def seconds_from_environment() -> float:
    value = os.environ.get("LOADTEST_SECONDS", "")
    if not value:
        return DEFAULT_SECONDS
    try:
        seconds = float(value)
    except ValueError:
        seconds = 0
    if seconds <= 0:
        raise ValueError(f"LOADTEST_SECONDS must be a positive number of seconds, not {value!r}")
    return seconds


def run(
    name: str,
    *,
    base_dir: Path,
    env: dict[str, str],
    endpoints: Sequence[Endpoint],
    seconds: float,
    servers: Servers,
    proxy: FreezingProxy | None = None,
) -> dict[str, dict[str, float | int]]:
    """One run: start gunicorn with `env`, warm each worker up, drive the load, stop.

    With a `proxy` (the frozen run), it is frozen once the workers hold their connections,
    and `/healthz` is asked once after the load.
    """
    log = base_dir / "build" / f"loadtest-{name}.log"
    cpu_dir = base_dir / "build" / f"loadtest-cpu-{name}"
    shutil.rmtree(cpu_dir, ignore_errors=True)
    cpu_dir.mkdir(parents=True)
    env = {**env, CPU_DIR_ENV: str(cpu_dir)}
    with gunicorn(base_dir, env, log, servers) as port:
        if EXPECTED[name] == {200} or proxy:
            warm_up(port, endpoints)
        if proxy:
            proxy.freeze()
        timeout = FROZEN_CLIENT_TIMEOUT_SECONDS if proxy else CLIENT_TIMEOUT_SECONDS
        started, since = time.monotonic(), time.time()
        samples = drive(port, endpoints, seconds, timeout=timeout)
        elapsed = time.monotonic() - started
        cpu = read_cpu(cpu_dir, since, endpoints)
        names = [e.name for e in endpoints]
        figures = summarise(samples, elapsed, EXPECTED[name], names, cpu)
        if proxy:
            figures |= summarise([_healthz(port)], elapsed, frozenset({503}), [HEALTHZ])
    return figures


def _healthz(port: int) -> Sample:
    """`/healthz` asked until it answers (at most HEALTHZ_ATTEMPTS times): its first answer."""
    for _ in range(HEALTHZ_ATTEMPTS):
        probe = ask(port, Endpoint(HEALTHZ, "GET", "/healthz"), FROZEN_CLIENT_TIMEOUT_SECONDS)
        if probe.status is not None:
            break
    return probe


def write(result: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(result, indent=2) + "\n")
