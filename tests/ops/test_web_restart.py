"""The web process dies while a client is streaming; the client reconnects and gets everything.

A real gunicorn, started from the Procfile's `web` line on a free localhost port, and a real
worker. Audio lives in the relay (spool file or Redis Stream) and then in storage, never in the
web process, so a new web process can serve a reconnecting client from the first byte.
"""

from __future__ import annotations

import http.client
import json

import pytest

from synthesis.models import Job
from tests.conftest import start_worker, wait_until
from tests.ops.conftest import MEDIUM_TEXT, assert_ended_once, refreshed
from tests.support.stack import free_port

pytestmark = [pytest.mark.worker, pytest.mark.model]


def _request(port: int, key: str, method: str, path: str, body: dict | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    headers = {"Authorization": f"Bearer {key}", "Host": "localhost"}
    if body is not None:
        headers["Content-Type"] = "application/json"
    conn.request(method, path, body=json.dumps(body) if body else None, headers=headers)
    return conn, conn.getresponse()


def test_it_lets_a_client_reconnect_after_the_web_process_dies(stack, customer, api_key,
                                                              tmp_path):  # fmt: skip
    worker = start_worker(tmp_path, name="w1")
    try:
        port = free_port()
        web = stack.start_web(port, label="web-1", threads=4)
        request = {"text": MEDIUM_TEXT, "voice_id": "af_heart", "format": "wav"}
        conn, response = _request(port, api_key, "POST", "/v1/tts?async=true", request)
        assert response.status == 202, response.read()
        job = Job.objects.get(public_id=json.loads(response.read())["id"])
        conn.close()

        conn, response = _request(port, api_key, "GET", f"/v1/jobs/{job.public_id}/audio")
        assert response.status == 200
        partial = response.read1(65536)
        assert partial.startswith(b"RIFF")
        web.kill()  # the whole gunicorn process group, mid-stream
        with pytest.raises((OSError, http.client.HTTPException)):
            while response.read1(65536):
                pass
        conn.close()

        stack.start_web(port, label="web-2", threads=4)
        conn, response = _request(port, api_key, "GET", f"/v1/jobs/{job.public_id}/audio")
        assert response.status == 200
        again = response.read()
        conn.close()

        wait_until(lambda: refreshed(job).is_terminal, timeout=180, message=worker.log())
        assert job.status == Job.Status.DONE
        stored = job.audio.open("rb").read()
        assert again == stored
        assert stored.startswith(partial)
        assert_ended_once(job, customer)
    finally:
        worker.stop()
