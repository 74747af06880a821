"""Run the whole product on one machine: the web server and the Celery workers, in the foreground.

The children are supervised together: Ctrl+C (or SIGTERM) stops them all, and if one dies the
others are stopped too, so a half-running product never looks healthy.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess  # noqa: S404 - we start our own known programs with fixed arguments
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

# Three workers, as in production: cloning never holds up speech, and an instant clone (under
# three minutes) never waits behind a professional one (up to ten). A cloning worker loads the
# model (~450 MB) on its first job, so an idle one costs little.
SPEECH_QUEUES = "default,synthesis,maintenance"
CLONING_QUEUES = settings.VOICES_CLONE_QUEUES["professional"]
INSTANT_CLONING_QUEUES = settings.VOICES_CLONE_QUEUES["instant"]


def _bin(name: str) -> str:
    """Find a console script of this virtual environment, not some other one on PATH."""
    candidate = os.path.join(os.path.dirname(sys.executable), name)
    if os.path.exists(candidate):
        return candidate
    found = shutil.which(name)
    if not found:
        raise CommandError(f"{name} is not installed in this environment.")
    return found


def _wait_for_port(host: str, port: int, deadline: float, proc: subprocess.Popen) -> bool:
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.2)
    return False


class Command(BaseCommand):
    help = "Start the web server and the Celery workers (with the scheduler) and supervise them."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument(
            "--web-workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2"))
        )
        parser.add_argument(
            "--worker-concurrency",
            type=int,
            default=int(os.environ.get("SPEEKO_WORKER_CONCURRENCY", "1")),
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
        for folder in ("queue", "control"):
            (settings.BROKER_DIR / folder).mkdir(parents=True, exist_ok=True)
        host, port = opts["host"], opts["port"]
        worker = [_bin("celery"), "-A", "speeko_site", "worker", "--loglevel", "INFO"]
        speech_cmd = [
            *worker, "--queues", SPEECH_QUEUES, "--concurrency", str(opts["worker_concurrency"]),
            "--hostname", "speech@%h",
            # The embedded scheduler runs periodic clean-ups; production runs `celery beat` once.
            "--beat", "--schedule", settings.CELERY_BEAT_SCHEDULE_FILENAME,
        ]  # fmt: skip
        cloning_cmd = [*worker, "--queues", CLONING_QUEUES, "--concurrency", "1",
                       "--hostname", "cloning@%h"]  # fmt: skip
        instant_cmd = [*worker, "--queues", INSTANT_CLONING_QUEUES, "--concurrency", "1",
                       "--hostname", "cloning-instant@%h"]  # fmt: skip
        web_cmd = [
            _bin("gunicorn"), "speeko_site.wsgi:application",
            "--bind", f"{host}:{port}",
            # Threads, because streamed audio holds a connection open for the length of a job.
            "--worker-class", "gthread", "--workers", str(opts["web_workers"]), "--threads", "8",
            "--timeout", "120", "--access-logfile", "-", "--no-control-socket",
        ]  # fmt: skip
        procs = {
            "speech worker": subprocess.Popen(speech_cmd, start_new_session=True),  # noqa: S603
            "cloning worker": subprocess.Popen(cloning_cmd, start_new_session=True),  # noqa: S603
            "instant cloning worker": subprocess.Popen(instant_cmd, start_new_session=True),  # noqa: S603
            "web": subprocess.Popen(web_cmd, start_new_session=True),  # noqa: S603
        }
        stopping = False

        def stop(*_: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            if not _wait_for_port(host, port, time.monotonic() + 60, procs["web"]):
                raise CommandError("The web server did not start; see its output above.")
            # Only compares the address to print a friendlier URL; binding is the operator's choice.
            shown = "localhost" if host in {"127.0.0.1", "0.0.0.0"} else host  # noqa: S104 # nosec B104
            self.stdout.write(self.style.SUCCESS(f"Speeko is running at http://{shown}:{port}/"))
            self.stdout.write("Press Ctrl+C to stop the web server and the workers.")
            while not stopping:
                for name, proc in procs.items():
                    if proc.poll() is not None:
                        raise CommandError(f"The {name} exited with code {proc.returncode}.")
                time.sleep(0.5)
        finally:
            self._stop_all(procs)

    def _stop_all(self, procs: dict[str, subprocess.Popen]) -> None:
        # SIGTERM to each leader only: Celery and gunicorn then stop their own children
        # gracefully; the process group is killed only if that takes too long.
        for proc in procs.values():
            if proc.poll() is None:
                proc.terminate()
        deadline = time.monotonic() + 20
        for proc in procs.values():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
