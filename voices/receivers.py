"""Signal receivers: a deleted account takes its voices (and their data) with it; a worker that
starts queues the stock voice previews not rendered yet."""

from __future__ import annotations

import logging

from celery.signals import worker_ready
from django.conf import settings
from django.db.models.signals import pre_delete
from django.dispatch import receiver


@receiver(pre_delete, sender=settings.AUTH_USER_MODEL, dispatch_uid="voices.erase_on_user_delete")
def erase_voices_of_deleted_user(sender, instance, **kwargs) -> None:
    from voices.services import user_voices_erase

    user_voices_erase(user=instance)


logger = logging.getLogger(__name__)


@worker_ready.connect(dispatch_uid="voices.queue_missing_previews")
def queue_missing_previews(**kwargs) -> None:
    """Stock voice previews are rendered ahead of any listener, by the workers themselves."""
    if not settings.VOICES_PREVIEWS_AT_WORKER_START:
        return
    from voices.previews import stock_previews_queue_missing

    try:
        queued = stock_previews_queue_missing()
    except Exception:  # A worker must start even when previews cannot be queued right now.
        logger.exception("could not queue the missing stock voice previews")
        return
    if queued:
        logger.info("queued %s stock voice preview(s) to render", len(queued))
