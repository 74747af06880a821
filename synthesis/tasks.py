from celery import shared_task

from synthesis import services


@shared_task(name="synthesis.run_job")
def run_job(public_id: str) -> None:
    services.job_run(public_id=public_id)


@shared_task(name="synthesis.jobs_reconcile")
def jobs_reconcile() -> None:
    services.jobs_reconcile()


@shared_task(name="synthesis.audio_expire")
def audio_expire() -> None:
    services.audio_expire()
