"""Load test of the real stack on this machine: `python -m benchmarks.loadtest [--seconds 40]`.

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
import contextlib
import http.client
import json
import os
import statistics
import subprocess  # noqa: S404 - we start our own known programs with fixed arguments
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tests.support.stack import REPO_ROOT, Stack, free_port, scratch_environment

TEXT_500 = (
    "Speeko turns written words into natural speech. This paragraph is a load test: it asks the "
    "service for about five hundred characters of audio, again and again, from several clients at "
    "once. Each request is billed for its characters, streamed while it is synthesised, and stored "
    "when it is finished. The figures printed at the end say how much audio the workers produced, "
    "how quickly the first bytes arrived, and whether every charge matches what was delivered."
)


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
    # A fresh data folder has no stock voice previews, and a starting worker would queue all
    # of them ahead of the measured jobs (one render each, a second or more): the figures
    # are for a running service, which rendered them once long ago.
    extra = {"SPEEKO_ENGINE_THREADS": str(threads), "VOICES_PREVIEWS_AT_WORKER_START": "0"}
    for n in range(workers):
        stack.start_worker(f"worker-{n + 1}", extra)
    stack.start_web(port)


@dataclass
class SignedInStack:
    port: int
    user: object
    key: str
    password: str


@contextlib.contextmanager
def one_worker_stack() -> Iterator[SignedInStack]:
    """gunicorn and one synthesis worker on scratch services, with a customer who has credit,
    an API key and a password; everything is stopped and removed on the way out."""
    with tempfile.TemporaryDirectory(prefix="speeko-bench-") as tmp, \
            scratch_environment(Path(tmp)) as env:  # fmt: skip
        prepare(env)
        stack, port = Stack(env=env, log_dir=Path(tmp)), free_port()
        try:
            start_stack(stack, workers=1, port=port)
            user, key = customer(credit_micros=100_000_000)
            password = "bench-" + key[-12:]
            user.set_password(password)
            user.save(update_fields=["password"])
            yield SignedInStack(port=port, user=user, key=key, password=password)
        finally:
            stack.stop_all()
            from django.db import connections

            connections.close_all()


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
