"""Load test of the real stack on this machine: `python -m synthesis.loadtest [--seconds 40]`.

Starts the processes of the Procfile (gunicorn web + two synthesis workers) on PostgreSQL and
Redis when DATABASE_URL / REDIS_URL are set (in a scratch database and a private Redis key prefix,
both removed afterwards), otherwise on the embedded default in a scratch data folder. It creates a
user with credit and an API key, then runs 1, 4 and 16 concurrent API clients, each asking
`POST /v1/tts` for ~500 characters of speech again and again for a bounded time, and prints:
throughput (seconds of audio per wall second), p50/p95 time to first audio byte, errors (5xx,
broken streams, lost jobs), 429 answers (which carry Retry-After and are honoured), and an
accounting check (settled charges == billable characters produced x price).

Traffic goes to 127.0.0.1 only, and every loop is bounded in count and time. Not a test: the
figures depend on the machine and on whatever else runs on it.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess  # noqa: S404 - we start our own known programs with fixed arguments
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

REPO_ROOT = Path(__file__).resolve().parent.parent
TEXT_500 = (
    "Speeko turns written words into natural speech. This paragraph is a load test: it asks the "
    "service for about five hundred characters of audio, again and again, from several clients at "
    "once. Each request is billed for its characters, streamed while it is synthesised, and stored "
    "when it is finished. The figures printed at the end say how much audio the workers produced, "
    "how quickly the first bytes arrived, and whether every charge matches what was delivered."
)


# --- the stack --------------------------------------------------------------------------------


def procfile(path: Path = REPO_ROOT / "Procfile") -> dict[str, str]:
    """Process name -> command line, as a Procfile runner reads them."""
    commands = {}
    for line in path.read_text().splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        name, _, command = line.partition(":")
        commands[name.strip()] = command.strip()
    return commands


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Process:
    name: str
    popen: subprocess.Popen
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def alive(self) -> bool:
        return self.popen.poll() is None

    def kill(self) -> None:
        """SIGKILL the whole process group: a crash, with no chance to clean up."""
        if self.alive():
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait(timeout=30)
        # The master is reaped first; its workers (same group) can still hold the listening
        # socket for a moment, and a server started on the port meanwhile may share it with
        # them, so a client's connection lands on a dying socket and is reset.
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                os.killpg(self.popen.pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.05)

    def stop(self, timeout: float = 30) -> None:
        if self.alive():
            self.popen.terminate()
            try:
                self.popen.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill()


@dataclass
class Stack:
    """Processes of the Procfile, started with one environment and stopped together."""

    env: dict[str, str]
    log_dir: Path
    processes: list[Process] = field(default_factory=list)

    def start(self, kind: str, *, label: str = "", extra_env: dict[str, str] | None = None,
              ready: str = "") -> Process:  # fmt: skip
        command = procfile()[kind]
        env = {**self.env, **(extra_env or {})}
        env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
        log_path = self.log_dir / f"{label or kind}.log"
        with log_path.open("ab") as log:
            popen = subprocess.Popen(  # noqa: S603
                ["/bin/sh", "-c", f"exec {command}"], cwd=REPO_ROOT, env=env,
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        process = Process(label or kind, popen, log_path)
        self.processes.append(process)
        if ready:
            self.wait_for_log(process, ready)
        return process

    def start_web(self, port: int, *, label: str = "web", threads: int = 16) -> Process:
        extra = {"HOST": "127.0.0.1", "PORT": str(port), "WEB_THREADS": str(threads)}
        web = self.start("web", label=label, extra_env=extra)
        wait_for_port(port, web)
        return web

    def start_worker(self, label: str, extra_env: dict[str, str] | None = None) -> Process:
        return self.start("worker-synthesis", label=label, extra_env=extra_env, ready=" ready.")

    @staticmethod
    def wait_for_log(process: Process, text: str, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while text not in process.log():
            if not process.alive() or time.monotonic() > deadline:
                raise RuntimeError(f"{process.name} did not start:\n{process.log()[-4000:]}")
            time.sleep(0.2)

    def stop_all(self) -> None:
        for process in self.processes:
            if process.alive():
                process.popen.terminate()
        for process in self.processes:
            process.stop(timeout=20)


def wait_for_port(port: int, process: Process, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not process.alive():
            break
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{process.name} is not listening on {port}:\n{process.log()[-4000:]}")


# --- an HTTP client that measures the first audio byte -------------------------------------------


@dataclass
class Result:
    status: int = 0
    ttfb: float | None = None
    seconds: float = 0.0
    audio_bytes: int = 0
    retry_after: str | None = None
    error: str = ""
    error_body: str = ""
    job_id: str = ""


def tts_request(port: int, key: str, text: str, *, fmt: str = "mp3", voice: str = "af_heart",
                timeout: float = 300) -> Result:  # fmt: skip
    """POST /v1/tts and read the streamed audio to the end."""
    body = json.dumps({"text": text, "voice_id": voice, "format": fmt})
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json",
               "Host": "localhost"}  # fmt: skip
    return _timed(port, "POST", "/v1/tts", body, headers, timeout)


def _timed(port: int, method: str, path: str, body: str | None, headers: dict[str, str],
           timeout: float) -> Result:  # fmt: skip
    result = Result()
    started = time.monotonic()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        result.status = response.status
        result.retry_after = response.getheader("Retry-After")
        result.job_id = response.getheader("X-Request-Id") or ""
        if response.status >= 400:
            result.error_body = response.read(300).decode(errors="replace")
            return result
        while chunk := response.read1(65536):
            if result.ttfb is None:
                result.ttfb = time.monotonic() - started
            result.audio_bytes += len(chunk)
    except (OSError, http.client.HTTPException) as e:
        result.error = type(e).__name__
    finally:
        conn.close()
    result.seconds = time.monotonic() - started
    return result


# --- the load test ------------------------------------------------------------------------------


@dataclass
class Phase:
    clients: int
    results: list[Result] = field(default_factory=list)
    wall: float = 0.0
    started_at: float = 0.0


def _client(port: int, key: str, deadline: float, phase: Phase, lock: threading.Lock) -> None:
    # Bounded: stops starting requests at the deadline and never sends more than 1,000.
    for _ in range(1000):
        if time.monotonic() >= deadline:
            return
        # A patient client: a request queued behind others gets no byte until a worker starts
        # it, which under saturation takes longer than a default 60 s read timeout.
        result = tts_request(port, key, TEXT_500, timeout=600)
        with lock:
            phase.results.append(result)
        if result.status == 429:
            wait = float(result.retry_after or 1)
            time.sleep(max(0.0, min(wait, deadline - time.monotonic())))
        elif result.status != 200:
            time.sleep(0.5)


def run_phase(port: int, key: str, clients: int, seconds: float) -> Phase:
    phase, lock = Phase(clients), threading.Lock()
    phase.started_at = time.time()
    started = time.monotonic()
    deadline = started + seconds
    threads = [
        threading.Thread(target=_client, args=(port, key, deadline, phase, lock), daemon=True)
        for _ in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 600)
    phase.wall = time.monotonic() - started
    return phase


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def _jobs_between(user, since: float, until: float):
    from datetime import UTC, datetime

    from synthesis.models import Job

    return Job.objects.filter(
        owner=user,
        created_at__gte=datetime.fromtimestamp(since, tz=UTC),
        created_at__lt=datetime.fromtimestamp(until, tz=UTC),
    )


def report_phase(phase: Phase, user) -> dict:
    ok = [r for r in phase.results if r.status == 200 and not r.error and r.audio_bytes]
    ttfbs = [r.ttfb for r in ok if r.ttfb is not None]
    jobs = _jobs_between(user, phase.started_at, phase.started_at + phase.wall + 1)
    audio = sum(j.duration_seconds for j in jobs if j.status == "done")
    return {
        "clients": phase.clients,
        "requests": len(phase.results),
        "ok": len(ok),
        "audio_seconds": round(audio, 1),
        "wall_seconds": round(phase.wall, 1),
        "throughput": round(audio / phase.wall, 2) if phase.wall else 0.0,
        "ttfb_p50": round(_percentile(ttfbs, 50), 3),
        "ttfb_p95": round(_percentile(ttfbs, 95), 3),
        "http_5xx": sum(1 for r in phase.results if r.status >= 500),
        "http_429": sum(1 for r in phase.results if r.status == 429),
        "429_with_retry_after": sum(1 for r in phase.results if r.status == 429 and r.retry_after),
        "other_4xx": sum(1 for r in phase.results if 400 <= r.status < 500 and r.status != 429),
        "broken_streams": sum(1 for r in phase.results if r.error or (r.status == 200
                                                                      and not r.audio_bytes)),
        "first_5xx": next((r.error_body for r in phase.results if r.status >= 500), ""),
        "first_broken": next((r.error for r in phase.results if r.error), ""),
        "jobs": jobs.count(),
        "jobs_failed": jobs.filter(status="failed").count(),
    }  # fmt: skip


def accounting(user, *, timeout: float = 300) -> dict:
    """Wait for every job to end, then compare what was settled with what was produced."""
    from billing.models import Reservation
    from billing.pricing import tts_cost_micros
    from synthesis.models import Job

    deadline = time.monotonic() + timeout
    active = Job.objects.filter(owner=user, status__in=["queued", "running"])
    while active.exists() and time.monotonic() < deadline:
        time.sleep(1)
    done = list(Job.objects.filter(owner=user, status="done"))
    expected = sum(tts_cost_micros(j.billable_characters, cloned=False) for j in done)
    references = [f"synthesis:{j.public_id}" for j in Job.objects.filter(owner=user)]
    reservations = Reservation.objects.filter(reference__in=references)
    settled = reservations.filter(status="settled")
    charged = sum(r.charged_micros or 0 for r in settled)
    return {
        "lost_jobs": active.count(),
        "done_jobs": len(done),
        "billable_characters": sum(j.billable_characters for j in done),
        "settled_micros": charged,
        "expected_micros": expected,
        "difference_micros": charged - expected,
        "settlements": settled.count(),
        "reservations_still_held": reservations.filter(status="held").count(),
    }


# --- environment: a scratch database and broker prefix ------------------------------------------


@contextmanager
def scratch_environment(workdir: Path) -> Iterator[dict[str, str]]:
    """The environment of the stack: the caller's services, isolated, and removed afterwards."""
    from synthesis.engine import config as engine_config

    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update({
        "DJANGO_SETTINGS_MODULE": "speeko_site.settings",
        "SPEEKO_DATA_DIR": str(workdir / "data"),
        # The model files stay where `make run` installed them.
        "SPEEKO_MODEL_PATH": str(engine_config.model_path()),
        "SPEEKO_VOICES_PATH": str(engine_config.voices_path()),
        "PYTHONPATH": str(REPO_ROOT),
        "SYNTHESIS_MAX_ACTIVE_JOBS": os.environ.get("SYNTHESIS_MAX_ACTIVE_JOBS", "4"),
    })  # fmt: skip
    for folder in ("broker/queue", "broker/control"):
        (workdir / "data" / folder).mkdir(parents=True, exist_ok=True)
    tag = f"loadtest_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    if env.get("REDIS_URL"):
        env["CELERY_BROKER_KEY_PREFIX"] = f"{tag}:"
        env["CACHE_KEY_PREFIX"] = tag
    database_url = env.get("DATABASE_URL", "")
    scratch_db = database_url.startswith(("postgres://", "postgresql://"))
    if scratch_db:
        env["DATABASE_URL"] = _postgres_create(database_url, tag)
    try:
        yield env
    finally:
        if scratch_db:
            _postgres_drop(database_url, tag)
        if env.get("REDIS_URL"):
            _redis_forget(env["REDIS_URL"], tag)


def _postgres_admin(url: str):
    import psycopg

    # The maintenance database: the one in the URL may not exist yet.
    return psycopg.connect(urlunsplit(urlsplit(url)._replace(path="/postgres")), autocommit=True)


def _postgres_create(url: str, name: str) -> str:
    with _postgres_admin(url) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')  # name is ours: loadtest_<pid>_<hex>
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _postgres_drop(url: str, name: str) -> None:
    with _postgres_admin(url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _redis_forget(url: str, tag: str) -> None:
    import redis

    client = redis.Redis.from_url(url)
    for key in client.scan_iter(match=f"{tag}*", count=500):
        client.delete(key)


def prepare(env: dict[str, str]) -> None:
    """Migrate, then load Django in this process against the same database."""
    subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=REPO_ROOT, env=env, check=True,
    )  # fmt: skip
    os.environ.update(env)
    import django

    django.setup()


def customer(*, credit_micros: int) -> tuple[object, str]:
    """A verified user with credit and an API key; returns (user, raw key)."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model

    from billing.services import credits_adjust
    from speeko_site.api.services import api_key_create

    email = f"load-{uuid.uuid4().hex[:8]}@example.com"
    user = get_user_model().objects.create_user(email=email, password=uuid.uuid4().hex)
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
    staff = get_user_model().objects.create_user(
        email=f"staff-{uuid.uuid4().hex[:8]}@example.com", password=uuid.uuid4().hex,
        is_staff=True,
    )  # fmt: skip
    credits_adjust(user=user, amount_micros=credit_micros, memo="load test", staff_user=staff)
    _, raw = api_key_create(user=user, name="load test")
    return user, raw


def start_stack(stack: Stack, *, workers: int, port: int) -> None:
    threads = max(1, (os.cpu_count() or 1) // workers)
    for n in range(workers):
        stack.start_worker(f"worker-{n + 1}", {"SPEEKO_ENGINE_THREADS": str(threads)})
    stack.start_web(port)


def warm_up(port: int, key: str, workers: int) -> None:
    """One short request per worker, so the model load is not counted as latency."""
    threads = [
        threading.Thread(target=tts_request, args=(port, key, "Warming up."))
        for _ in range(workers)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)


def _print_phase(row: dict) -> None:
    print(
        f"{row['clients']:>3} clients | {row['requests']:>4} requests, {row['ok']:>4} ok | "
        f"{row['audio_seconds']:>7.1f} s audio in {row['wall_seconds']:>6.1f} s = "
        f"{row['throughput']:>5.2f} x real time | first byte p50 {row['ttfb_p50']:.2f} s, "
        f"p95 {row['ttfb_p95']:.2f} s | 5xx {row['http_5xx']}, 429 {row['http_429']} "
        f"({row['429_with_retry_after']} with Retry-After), other 4xx {row['other_4xx']}, "
        f"broken streams {row['broken_streams']}, failed jobs {row['jobs_failed']}",
        flush=True,
    )
    if row["first_broken"]:
        print(f"    first broken stream: {row['first_broken']}", flush=True)
    if row["first_5xx"]:
        print(f"    first 5xx answer: {row['first_5xx']!r}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=40.0, help="duration of each phase")
    parser.add_argument("--clients", default="1,4,16", help="comma-separated client counts")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--logs", type=Path, help="keep the processes' logs in this folder")
    args = parser.parse_args(argv)
    if not 1 <= args.seconds <= 900:
        parser.error("--seconds must be between 1 and 900")
    levels = [int(n) for n in args.clients.split(",")]
    if any(not 1 <= n <= 64 for n in levels):
        parser.error("client counts must be between 1 and 64")

    with tempfile.TemporaryDirectory(prefix="speeko-load-") as tmp, \
            scratch_environment(Path(tmp)) as env:  # fmt: skip
        prepare(env)
        from django.db import connection

        shape = f"{connection.vendor} + {'Redis' if env.get('REDIS_URL') else 'file broker'}"
        print(f"Stack: gunicorn gthread + {args.workers} synthesis workers on {shape}; "
              f"{os.cpu_count()} cores; phases of {args.seconds:g} s", flush=True)  # fmt: skip
        if args.logs:
            args.logs.mkdir(parents=True, exist_ok=True)
        stack = Stack(env=env, log_dir=args.logs or Path(tmp))
        port = free_port()
        try:
            start_stack(stack, workers=args.workers, port=port)
            user, key = customer(credit_micros=500_000_000)
            warm_up(port, key, args.workers)
            rows = []
            for clients in levels:
                phase = run_phase(port, key, clients, args.seconds)
                accounting(user, timeout=300)  # drain before the next phase starts
                rows.append(report_phase(phase, user))
                _print_phase(rows[-1])
            books = accounting(user)
        finally:
            stack.stop_all()
            from django.db import connections

            connections.close_all()
        print("Accounting: " + ", ".join(f"{k} {v}" for k, v in books.items()), flush=True)
        bad = (
            sum(r["http_5xx"] + r["broken_streams"] for r in rows)
            + books["lost_jobs"]
            + abs(books["difference_micros"])
            + books["reservations_still_held"]
        )
        print("RESULT: " + ("ok" if bad == 0 else "PROBLEMS (see above)"))
        return 0 if bad == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
