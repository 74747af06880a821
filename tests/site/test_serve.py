"""The README's run command on the embedded default: web server and workers come up together,
a task goes through a worker, and Ctrl+C stops everything."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.worker

CANARY = """
import time
from speeko_site.core.models import Canary
from speeko_site.core.services import canary_send
canary = canary_send()
deadline = time.monotonic() + 90
while time.monotonic() < deadline:
    canary.refresh_from_db()
    if canary.completed_at:
        print("canary done by", canary.worker)
        break
    time.sleep(0.2)
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _embedded_env(data_dir) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(SPEEKO_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="speeko_site.settings")
    env.pop("SPEEKO_TEST_RUN_DIR", None)
    return env


def test_it_serves_the_site_with_workers_and_stops_on_ctrl_c(tmp_path):
    env, port = _embedded_env(tmp_path / "data"), _free_port()
    manage = [sys.executable, "manage.py"]
    migrate = subprocess.run(  # noqa: S603
        [*manage, "migrate", "--noinput"], cwd=REPO_ROOT, env=env, capture_output=True, timeout=300
    )
    assert migrate.returncode == 0, migrate.stderr
    log = (tmp_path / "serve.log").open("w")
    serve = subprocess.Popen(  # noqa: S603
        [*manage, "serve", "--port", str(port), "--web-workers", "1"],
        cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while f"running at http://localhost:{port}/" not in (tmp_path / "serve.log").read_text():
            assert serve.poll() is None, (tmp_path / "serve.log").read_text()
            assert time.monotonic() < deadline, "serve did not print its URL"
            time.sleep(0.3)
        page = urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30)  # noqa: S310
        assert page.status == 200 and b"Speeko" in page.read()

        canary = subprocess.run(  # noqa: S603
            [*manage, "shell", "-c", CANARY], cwd=REPO_ROOT, env=env, capture_output=True,
            text=True, timeout=180,
        )  # fmt: skip
        assert "canary done by" in canary.stdout, canary.stdout + canary.stderr
    finally:
        os.killpg(serve.pid, signal.SIGINT)
        serve.wait(timeout=60)
    text = (tmp_path / "serve.log").read_text()
    assert "speech@" in text and "cloning@" in text and "cloning-instant@" in text
    # No web server or worker of this instance is left behind.
    deadline = time.monotonic() + 30
    while _processes_with(env["SPEEKO_DATA_DIR"]) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert _processes_with(env["SPEEKO_DATA_DIR"]) == []


def _processes_with(marker: str) -> list[int]:
    """Processes whose environment names this instance's data folder."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/environ", "rb") as fh:
                if marker.encode() in fh.read():
                    found.append(int(entry))
        except OSError:
            continue
    return found
