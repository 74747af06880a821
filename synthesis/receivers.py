"""Signal receivers: erasing a voice erases the audio generated with it."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from synthesis.models import Job
from synthesis.services import jobs_erase_for_voice


def erase_voice_audio(sender: Any, *, voice_public_id: str, user: Any, **kwargs: Any) -> None:
    jobs_erase_for_voice(user=user, voice_public_id=voice_public_id)


def erase_user_audio(sender: Any, *, instance: Any, **kwargs: Any) -> None:
    """Delete the files of a deleted account's jobs once the deletion commits (rows cascade)."""
    names = [n for n in Job.objects.filter(owner=instance).values_list("audio", flat=True) if n]
    storage = Job._meta.get_field("audio").storage
    transaction.on_commit(lambda: [storage.delete(name) for name in names])
