"""Structured logs: LOG_FORMAT=json gives one JSON object per line, with the job id of job lines."""

from __future__ import annotations

import json
import logging
import subprocess
import sys

import pytest

from speeko_site.core.logging import JobIdFilter, JsonFormatter, job_log_context
from synthesis import services
from tests.conftest import REPO_ROOT, start_worker, wait_until
from tests.ops.conftest import SHORT_TEXT, refreshed


def _record(message: str, **extra) -> logging.LogRecord:
    record = logging.LogRecord("synthesis.services", logging.INFO, __file__, 1, message, (), None)
    for key, value in extra.items():
        setattr(record, key, value)
    JobIdFilter().filter(record)
    return record


def test_it_formats_one_json_object_with_the_job_id_of_the_context():
    with job_log_context("7d3c"):
        line = JsonFormatter().format(_record("hello\nworld"))
    entry = json.loads(line)
    assert "\n" not in line
    assert entry["message"] == "hello\nworld"
    assert entry["level"] == "INFO" and entry["logger"] == "synthesis.services"
    assert entry["job_id"] == "7d3c"
    assert entry["time"].endswith("+00:00")


def test_it_leaves_the_job_id_out_when_there_is_none_and_keeps_tracebacks():
    try:
        raise ValueError("boom")
    except ValueError:
        record = _record("failed", exc_info=sys.exc_info())
    entry = json.loads(JsonFormatter().format(record))
    assert "job_id" not in entry
    assert "ValueError: boom" in entry["exception"]


def test_it_selects_the_format_from_the_environment():
    code = (
        "import django, logging; django.setup();"
        "logging.getLogger('speeko.check').warning('structured %s', 'yes')"
    )
    for fmt, is_json in (("json", True), ("plain", False)):
        result = subprocess.run(
            [sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True,
            env={"PATH": "/usr/bin:/bin", "HOME": str(REPO_ROOT), "LOG_FORMAT": fmt,
                 "DJANGO_SETTINGS_MODULE": "tests.settings"}, timeout=120,
        )  # fmt: skip
        line = result.stderr.strip().splitlines()[-1]
        if is_json:
            assert json.loads(line)["message"] == "structured yes"
        else:
            assert line.endswith("WARNING speeko.check structured yes")


@pytest.mark.worker
@pytest.mark.model
def test_it_tags_a_workers_job_lines_with_the_job_id(customer, tmp_path):
    worker = start_worker(tmp_path, name="json", extra_env={"LOG_FORMAT": "json"})
    try:
        job = services.job_submit(user=customer, text=SHORT_TEXT, voice="af_heart", fmt="mp3")
        wait_until(lambda: refreshed(job).is_terminal, timeout=120, message=worker.log())
        wait_until(lambda: "done" in worker.log(), timeout=30)
    finally:
        worker.stop()
    entries = [json.loads(line) for line in worker.log().splitlines() if line.startswith("{")]
    tagged = [e for e in entries if e.get("job_id") == str(job.public_id)]
    assert any("attempt 1 started" in e["message"] for e in tagged)
    assert any("attempt 1 done" in e["message"] for e in tagged)
    # Lines written outside the job (start-up, other tasks) carry no job id.
    assert any("ready." in e["message"] and "job_id" not in e for e in entries)
