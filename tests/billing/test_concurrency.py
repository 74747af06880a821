"""Money stays exact when many workers reserve from one account at once."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.db import connection, connections

from billing.exceptions import InsufficientCredits
from billing.models import LedgerEntry, Reservation
from billing.selectors import balance_for
from billing.services import reservation_create

from .factories import fund

ATTEMPTS = 2_000
THREADS = 20
AFFORDABLE = 500
PRICE = 1_234
REPO_ROOT = Path(__file__).resolve().parents[2]


def _attempt_reservations(user, thread_no: int, outcomes: dict, lock: threading.Lock) -> None:
    succeeded = refused = 0
    errors: list[BaseException] = []
    try:
        for i in range(thread_no, ATTEMPTS, THREADS):
            try:
                reservation_create(
                    user=user,
                    amount_micros=PRICE,
                    reference=f"job:{i}",
                    idempotency_key=f"concurrency:{i}",
                )
                succeeded += 1
            except InsufficientCredits:
                refused += 1
            except BaseException as e:  # collected and re-raised in the test thread
                errors.append(e)
    finally:
        connections.close_all()  # this thread's connection only
        with lock:
            outcomes["succeeded"] += succeeded
            outcomes["refused"] += refused
            outcomes["errors"].extend(errors)


@pytest.mark.django_db(transaction=True)
def test_it_sells_exactly_what_the_balance_covers_under_concurrency(alice):
    expected_vendor = os.environ.get("BILLING_EXPECT_DB_VENDOR")
    if expected_vendor:
        assert connection.vendor == expected_vendor
    fund(alice, AFFORDABLE * PRICE)
    outcomes = {"succeeded": 0, "refused": 0, "errors": []}
    lock = threading.Lock()
    threads = [
        threading.Thread(target=_attempt_reservations, args=(alice, n, outcomes, lock))
        for n in range(THREADS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert not any(thread.is_alive() for thread in threads)
    assert outcomes["errors"] == []
    assert outcomes["succeeded"] == AFFORDABLE
    assert outcomes["refused"] == ATTEMPTS - AFFORDABLE
    assert balance_for(user=alice) == 0
    assert Reservation.objects.count() == AFFORDABLE
    entries = LedgerEntry.objects.filter(kind="reservation")
    assert entries.count() == AFFORDABLE
    assert not entries.filter(balance_after_micros__lt=0).exists()
    # Every balance from the full amount down to zero was observed exactly once.
    seen = sorted(entries.values_list("balance_after_micros", flat=True))
    assert seen == [PRICE * n for n in range(AFFORDABLE)]


def test_it_sells_exactly_what_the_balance_covers_on_the_embedded_sqlite(tmp_path):
    """The same scenario on the embedded default (no DATABASE_URL), whatever this suite runs on."""
    # Drop what points at this run's database, cache and run folder (tests.settings exports
    # SPEEKO_TEST_RUN_DIR for worker subprocesses; sharing it would clobber our test database).
    private = {"DATABASE_URL", "REDIS_URL", "SPEEKO_TEST_RUN_DIR"}
    env = {k: v for k, v in os.environ.items() if k not in private}
    env.update(
        SPEEKO_DATA_DIR=str(tmp_path / "data"),
        SPEEKO_TEST_RUN_DIR=str(tmp_path / "run"),
        BILLING_EXPECT_DB_VENDOR="sqlite",
        DJANGO_SETTINGS_MODULE="tests.settings",
    )
    test_id = f"{Path(__file__).relative_to(REPO_ROOT)}::" + (
        "test_it_sells_exactly_what_the_balance_covers_under_concurrency"
    )
    result = subprocess.run(
        [sys.executable, "-m", "pytest", test_id, "-q", "-p", "no:cacheprovider"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    assert "1 passed" in result.stdout
