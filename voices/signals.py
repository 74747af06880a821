"""Signals other apps listen to.

`voice_erased` is sent with ``voice_public_id`` and ``user`` once a voice's data is gone (deleted by
its owner, revoked by the speaker or staff, or with the owner's account); the synthesis app deletes
the audio generated with the voice.
"""

from django.dispatch import Signal

voice_erased = Signal()
