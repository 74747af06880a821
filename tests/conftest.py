"""Fixtures shared by the whole suite: users, a real Celery worker process, a real browser."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

REPO_ROOT = Path(__file__).resolve().parent.parent
WORKER_QUEUES = "default,synthesis,cloning,cloning_instant,maintenance"


def pytest_sessionfinish(session, exitstatus):
    # The run's private folder (broker, media, spool) is only useful while the run lasts; keep
    # it when the run is a worker subprocess's parent that failed, for the logs' sake.
    if exitstatus == 0 and settings.TEST_RUN_DIR.exists():
        shutil.rmtree(settings.TEST_RUN_DIR, ignore_errors=True)
    prefix = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("global_keyprefix")
    if settings.REDIS_URL and prefix:
        import redis

        client = redis.Redis.from_url(settings.REDIS_URL)
        for key in client.scan_iter(match=f"{prefix}*", count=500):
            client.delete(key)


@pytest.fixture
def password() -> str:
    return "correct horse battery staple 42"


def _make_user(email: str, password: str, *, verified: bool = True, **extra):
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(email=email, password=password, **extra)
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=verified)
    return user


@pytest.fixture
def alice(db, password):
    return _make_user("alice@example.com", password)


@pytest.fixture
def bob(db, password):
    return _make_user("bob@example.com", password)


@pytest.fixture
def charlie(db, password):
    return _make_user("charlie@example.com", password)


@pytest.fixture
def staff(db, password):
    return _make_user("staff@example.com", password, is_staff=True, is_superuser=True)


def database_url_for_current_connection() -> str:
    """A DATABASE_URL for the database the tests are using right now (the test database)."""
    params = connection.settings_dict
    if params["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{Path(params['NAME']).resolve()}"
    user = quote(params.get("USER") or "")
    password = quote(params.get("PASSWORD") or "")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = params.get("HOST") or "127.0.0.1"
    port = params.get("PORT") or 5432
    return f"postgres://{auth}{host}:{port}/{params['NAME']}"


def subprocess_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    env["DATABASE_URL"] = database_url_for_current_connection()
    env["PYTHONPATH"] = str(REPO_ROOT)
    env.update(extra)
    return env


class WorkerProcess:
    def __init__(self, proc: subprocess.Popen, log_path: Path) -> None:
        self.proc = proc
        self.log_path = log_path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


def start_worker(
    tmp_path: Path, *, name: str = "w1", extra_env: dict | None = None, queues: str = WORKER_QUEUES
):
    """Start `celery worker` as a separate OS process against the configured broker, taking
    every queue unless `queues` (comma-separated) says otherwise."""
    for folder in ("queue", "control"):
        (settings.BROKER_DIR / folder).mkdir(parents=True, exist_ok=True)
    log_path = tmp_path / f"worker-{name}.log"
    celery = str(Path(sys.executable).with_name("celery"))
    cmd = [
        celery, "-A", "speeko_site", "worker", "--loglevel", "INFO", "--pool", "solo",
        "--queues", queues, "--hostname", f"{name}@%h", "--without-gossip",
        "--without-mingle", "--without-heartbeat",
    ]  # fmt: skip
    log = log_path.open("w")
    proc = subprocess.Popen(  # noqa: S603
        cmd, cwd=REPO_ROOT, env=subprocess_env(**(extra_env or {})), stdout=log, stderr=log
    )
    worker = WorkerProcess(proc, log_path)
    deadline = time.monotonic() + 60
    while "ready." not in worker.log():
        if proc.poll() is not None or time.monotonic() > deadline:
            worker.stop()
            raise RuntimeError(f"Celery worker did not start:\n{worker.log()}")
        time.sleep(0.2)
    return worker


@pytest.fixture
def celery_worker_process(transactional_db, tmp_path) -> Iterator[WorkerProcess]:
    worker = start_worker(tmp_path)
    yield worker
    worker.stop()


def wait_until(predicate, *, timeout: float = 60, interval: float = 0.2, message: str = ""):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(message or f"condition not met within {timeout}s")


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--autoplay-policy=no-user-gesture-required",
]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium") or "/usr/bin/chromium"
    # Playwright runs an event loop in this thread; Django's ORM refuses to run next to one
    # unless told that the test thread is not really async.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()
