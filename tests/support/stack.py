"""The Procfile's processes started for real, and a scratch database and broker to run them on.

Used by the operations tests and by the scripts in `benchmarks/`: `Stack` starts the Procfile's
lines as process groups and stops them together; `scratch_environment` gives them the caller's
PostgreSQL and Redis (a database and key prefix of their own, removed afterwards) or the embedded
default in a scratch folder.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess  # noqa: S404 - we start our own known programs with fixed arguments
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import redis

from synthesis.engine import config as engine_config

REPO_ROOT = Path(__file__).resolve().parents[2]


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


@contextmanager
def scratch_environment(workdir: Path) -> Iterator[dict[str, str]]:
    """The environment of the stack: the caller's services, isolated, and removed afterwards."""
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
    tag = f"scratch_{os.getpid()}_{uuid.uuid4().hex[:6]}"
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
    # The maintenance database: the one in the URL may not exist yet.
    return psycopg.connect(urlunsplit(urlsplit(url)._replace(path="/postgres")), autocommit=True)


def _postgres_create(url: str, name: str) -> str:
    with _postgres_admin(url) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')  # name is ours: scratch_<pid>_<hex>
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _postgres_drop(url: str, name: str) -> None:
    with _postgres_admin(url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _redis_forget(url: str, tag: str) -> None:
    client = redis.Redis.from_url(url)
    for key in client.scan_iter(match=f"{tag}*", count=500):
        client.delete(key)
