"""Reference recordings of a draft voice: analysed on upload, stored, replaced, removed."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from voices.exceptions import UploadRejected
from voices.models import Sample, Voice
from voices.selectors import user_storage_bytes
from voices.services.verification import take_separate_check
from voices.storage import file_save, files_delete, sha256_hex
from voices.uploads import CheckedAudio


def sample_add(
    *,
    voice: Voice,
    checked: CheckedAudio,
    kind: str = Sample.Kind.UPLOAD,
    prompt_index: int | None = None,
    original_name: str = "",
) -> Sample:
    """Analyse and store one reference recording; a new take of a guided prompt replaces the old."""
    draft_check(voice)
    _size_check(voice=voice, adding=len(checked.data))
    take_separate_check(voice=voice, checked=checked)
    analysis = _analyse(checked)  # slow: outside any transaction
    name = file_save(data=checked.data, folder="samples", ext=checked.ext)
    try:
        sample, replaced = _sample_row_create(
            voice=voice, checked=checked, analysis=analysis, name=name, kind=kind,
            prompt_index=prompt_index, original_name=original_name[:120],
        )  # fmt: skip
    except Exception:
        files_delete([name])
        raise
    transaction.on_commit(lambda: files_delete(replaced))
    return sample


@transaction.atomic
def _sample_row_create(*, voice, checked, analysis, name, kind, prompt_index, original_name):
    replaced = []
    if prompt_index is not None:
        old = Sample.objects.select_for_update().filter(voice=voice, prompt_index=prompt_index)
        replaced = [s.file for s in old]
        old.delete()
    sample = Sample.objects.create(
        voice=voice, kind=kind, prompt_index=prompt_index, original_name=original_name, file=name,
        content_type=checked.content_type, size_bytes=len(checked.data),
        sha256=sha256_hex(checked.data), seconds=round(checked.seconds, 2),
        speech_seconds=analysis["speech_seconds"], analysis=analysis,
    )  # fmt: skip
    return sample, replaced


def _analyse(checked: CheckedAudio) -> dict:
    from voices.cloning import analyse
    from voices.cloning.errors import CloningError, NotEnoughSpeech

    try:
        result = analyse([(checked.audio, checked.sample_rate)])
    except NotEnoughSpeech as e:
        raise UploadRejected(
            f"Not enough speech in this recording ({e}). Each file needs at least 3 seconds of "
            "clear speech."
        ) from e
    except CloningError as e:
        raise UploadRejected(f"This recording cannot be used: {e}.") from e
    return {
        "speech_seconds": float(result.speech_seconds),
        "total_seconds": float(result.total_seconds),
        "snr_db": float(result.snr_db),
        "clipping_percent": round(100 * float(result.clipping_ratio), 2),
        "loudness_lufs": float(result.loudness_lufs),
        "consistency": result.consistency,
        "verdict": result.verdict,
        "advice": list(result.advice),
    }


@transaction.atomic
def sample_delete(*, sample: Sample) -> None:
    draft_check(sample.voice)
    name = sample.file
    sample.delete()
    transaction.on_commit(lambda: files_delete([name]))


def draft_check(voice: Voice) -> None:
    if voice.status not in (Voice.Status.DRAFT, Voice.Status.FAILED):
        raise UploadRejected("This voice has already been cloned; its samples can't change.")


def _size_check(*, voice: Voice, adding: int) -> None:
    used = sum(voice.samples.values_list("size_bytes", flat=True))
    if used + adding > settings.VOICES_MAX_VOICE_BYTES:
        limit = settings.VOICES_MAX_VOICE_BYTES // (1024 * 1024)
        raise UploadRejected(
            f"A voice's samples may total at most {limit} MB. Remove a sample or upload a "
            "compressed file (FLAC, OGG, MP3)."
        )
    quota_check(user=voice.owner, adding=adding)


def quota_check(*, user, adding: int) -> None:
    if user_storage_bytes(user=user) + adding > settings.VOICES_USER_QUOTA_BYTES:
        limit = settings.VOICES_USER_QUOTA_BYTES // (1024 * 1024)
        raise UploadRejected(
            f"Your recordings would exceed your {limit} MB storage quota. Delete voices or "
            "drafts you no longer need."
        )
