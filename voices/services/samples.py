"""Reference recordings of a draft voice: stored on upload (analysed by a worker, see
voices.services.analysis), replaced, removed."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from voices.exceptions import UploadRejected
from voices.models import Sample, Voice
from voices.selectors import user_storage_bytes
from voices.services.verification import take_same_file_check
from voices.storage import file_save, files_delete, sha256_hex
from voices.uploads import ProbedAudio


def sample_add(
    *,
    voice: Voice,
    upload: ProbedAudio,
    kind: str = Sample.Kind.UPLOAD,
    prompt_index: int | None = None,
    original_name: str = "",
    analyse_on_worker: bool = True,
) -> Sample:
    """Store one reference recording, "analysing"; a new take of a guided prompt replaces the old.

    Decoding and analysis (seconds to minutes of CPU) are a worker's: the sample_analyse task is
    queued on commit, unless `analyse_on_worker` is False because the clone task will analyse the
    voice's samples itself before cloning.
    """
    draft_check(voice)
    _size_check(voice=voice, adding=len(upload.data))
    take_same_file_check(voice=voice, data=upload.data)
    name = file_save(data=upload.data, folder="samples", ext=upload.ext)
    try:
        sample, replaced = _sample_row_create(
            voice=voice, upload=upload, name=name, kind=kind, prompt_index=prompt_index,
            original_name=original_name[:120],
        )  # fmt: skip
    except Exception:
        files_delete([name])
        raise
    transaction.on_commit(lambda: files_delete(replaced))
    if analyse_on_worker:
        from voices.tasks import sample_analyse_task

        queue = settings.VOICES_ANALYSIS_QUEUE
        sample_analyse_task.apply_async_on_commit((sample.pk,), queue=queue)
    return sample


@transaction.atomic
def _sample_row_create(*, voice, upload, name, kind, prompt_index, original_name):
    replaced = []
    if prompt_index is not None:
        old = Sample.objects.select_for_update().filter(voice=voice, prompt_index=prompt_index)
        replaced = [s.file for s in old if s.file]
        old.delete()
    sample = Sample.objects.create(
        voice=voice, kind=kind, prompt_index=prompt_index, original_name=original_name, file=name,
        content_type=upload.content_type, size_bytes=len(upload.data),
        sha256=sha256_hex(upload.data), seconds=round(upload.seconds or 0.0, 2),
        speech_seconds=0.0, analysis={}, status=Sample.Status.ANALYSING,
    )  # fmt: skip
    return sample, replaced


@transaction.atomic
def sample_delete(*, sample: Sample) -> None:
    draft_check(sample.voice)
    names = [sample.file] if sample.file else []
    sample.delete()
    transaction.on_commit(lambda: files_delete(names))


@transaction.atomic
def samples_retry_clear(*, voice: Voice) -> int:
    """Before the API's clone request adds its files: a failed voice's samples go (a retry sends
    the whole set again), and a draft's rejected ones (their files are already gone)."""
    draft_check(voice)
    old = voice.samples.all()
    if voice.status != Voice.Status.FAILED:
        old = old.filter(status=Sample.Status.REJECTED)
    names = [name for name in old.values_list("file", flat=True) if name]
    deleted, _ = old.delete()
    transaction.on_commit(lambda: files_delete(names))
    return deleted


def draft_check(voice: Voice) -> None:
    if voice.status not in (Voice.Status.DRAFT, Voice.Status.FAILED):
        raise UploadRejected("This voice has already been cloned; its samples can't change.")


def _size_check(*, voice: Voice, adding: int) -> None:
    kept = voice.samples.exclude(status=Sample.Status.REJECTED)
    used = sum(kept.values_list("size_bytes", flat=True))
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
