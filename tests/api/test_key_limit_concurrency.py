"""A key's monthly character limit holds under concurrent requests (run on PostgreSQL in CI)."""

import threading

import pytest
from django.db import connection
from django.test import Client

from billing.selectors import balance_for
from synthesis.models import Job
from synthesis.tasks import run_job
from tests.synthesis.conftest import FIVE_DOLLARS, fund

TEXT = "Nineteen characters"  # 19 billed characters


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_never_take_a_key_past_its_limit(
    keyed, alice, staff, monkeypatch, settings
):
    monkeypatch.setattr(run_job, "delay_on_commit", lambda *a: None)
    settings.SYNTHESIS_MAX_ACTIVE_JOBS = 100
    fund(alice, staff)
    raw = keyed(alice, limit=40).raw
    start, statuses = threading.Barrier(10), []

    def request():
        try:
            start.wait()
            response = Client().post(
                "/v1/tts?async=true", {"text": TEXT}, content_type="application/json",
                headers={"Authorization": f"Bearer {raw}"},
            )  # fmt: skip
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=request) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [202, 202] + [429] * 8
    jobs = Job.objects.all()
    assert sum(job.billable_characters for job in jobs) == 38 <= 40
    assert balance_for(user=alice) == FIVE_DOLLARS - sum(j.estimated_cost_micros for j in jobs)
