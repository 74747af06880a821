from celery import shared_task

from speeko_site.core.services import canary_complete_now


@shared_task(name="core.canary_complete")
def canary_complete(public_id: str) -> None:
    canary_complete_now(public_id=public_id)
