"""Signal receivers: erasing a voice erases the audio generated with it."""

from __future__ import annotations

from typing import Any

from synthesis.services import jobs_erase_for_voice


def erase_voice_audio(sender: Any, *, voice_public_id: str, user: Any, **kwargs: Any) -> None:
    jobs_erase_for_voice(user=user, voice_public_id=voice_public_id)
