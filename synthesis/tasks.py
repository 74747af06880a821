from celery import shared_task

from speeko_site.celery import BoundedTask
from synthesis import maintenance, services


class RunJobTask(BoundedTask):
    def on_queue_failure(self, public_id: str, *args, **kwargs) -> None:
        # Someone is waiting on this job's stream: end it and refund now, not minutes later.
        services.job_not_queued(public_id=public_id)


@shared_task(name="synthesis.run_job", base=RunJobTask)
def run_job(public_id: str) -> None:
    services.job_run(public_id=public_id)


@shared_task(name="synthesis.jobs_reconcile")
def jobs_reconcile() -> None:
    maintenance.jobs_reconcile()


@shared_task(name="synthesis.audio_expire")
def audio_expire() -> None:
    maintenance.audio_expire()
