import pytest

from speeko_site.core.models import Canary
from speeko_site.core.services import canary_send
from tests.conftest import wait_until

pytestmark = [pytest.mark.worker]


def test_it_runs_a_task_to_completion_in_a_real_worker_process(celery_worker_process):
    canary = canary_send()

    def completed():
        return Canary.objects.filter(pk=canary.pk, completed_at__isnull=False).first()

    done = wait_until(completed, timeout=60, message=celery_worker_process.log())
    assert done.worker
    assert celery_worker_process.proc.pid != __import__("os").getpid()
    assert "core.canary_complete" in celery_worker_process.log()


@pytest.mark.django_db(transaction=True)
def test_it_does_not_enqueue_when_the_transaction_rolls_back(tmp_path):
    from django.db import transaction

    from speeko_site.core.tasks import canary_complete

    sent = []
    original = canary_complete.apply_async
    canary_complete.apply_async = lambda *a, **k: sent.append(a)
    try:
        with pytest.raises(RuntimeError), transaction.atomic():
            canary_send()
            raise RuntimeError("roll back")
    finally:
        canary_complete.apply_async = original
    assert sent == []
    assert not Canary.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_it_keeps_the_row_when_the_broker_is_down(monkeypatch, caplog):
    from kombu.exceptions import OperationalError

    from speeko_site.core.tasks import canary_complete

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(canary_complete, "delay", broker_down)
    canary = canary_send()  # commits, then fails to queue: no exception reaches the caller
    assert Canary.objects.filter(pk=canary.pk).exists()
    assert "its reconciler will pick the row up" in caplog.text
