"""Signal receivers: a deleted account takes its voices (and their data) with it."""

from __future__ import annotations

from django.conf import settings
from django.db.models.signals import pre_delete
from django.dispatch import receiver


@receiver(pre_delete, sender=settings.AUTH_USER_MODEL, dispatch_uid="voices.erase_on_user_delete")
def erase_voices_of_deleted_user(sender, instance, **kwargs) -> None:
    from voices.services import user_voices_erase

    user_voices_erase(user=instance)
