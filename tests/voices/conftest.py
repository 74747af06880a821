"""Fixtures of the voices tests: private media, real recordings copied at run time, factories."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import numpy as np
import pytest
from django.utils import timezone

from tests.speech import SPEECH_DIR
from voices.models import ConsentRecord, Sample, Voice
from voices.storage import file_save, sha256_hex

# One speaker for samples and consent (LJ Speech), and a stranger (LibriSpeech 103).
LJ_SAMPLES = ["ljspeech/LJ/LJ001-0001.flac", "ljspeech/LJ/LJ001-0003.flac"]
LJ_CONSENT = "ljspeech/LJ/LJ001-0014.flac"
STRANGER = "librispeech_train_clean_100/103/103-1240-0000.flac"


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> Path:
    """Each test gets its own MEDIA_ROOT, so "no files left behind" can be checked exactly."""
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture
def speech(tmp_path):
    """Copy a test recording into the test's folder and return its path."""

    def copy(relative: str) -> Path:
        source = SPEECH_DIR / relative
        target = tmp_path / "speech" / source.name
        target.parent.mkdir(exist_ok=True)
        shutil.copyfile(source, target)
        return target

    return copy


@pytest.fixture
def funded():
    """Give a user the free-tier credit ($5): enough for an instant and not a professional clone."""
    from billing.services import grant_free_tier

    def fund(user):
        grant_free_tier(user=user)
        return user

    return fund


def media_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def _style_bytes() -> bytes:
    buffer = io.BytesIO()
    rng = np.random.default_rng(0)
    np.save(buffer, rng.normal(0, 0.1, (510, 1, 256)).astype(np.float32), allow_pickle=False)
    return buffer.getvalue()


@pytest.fixture
def make_voice(speech):
    """A cloned voice with its consent, sample, style and preview files, without running cloning."""

    def make(
        owner,
        *,
        status=Voice.Status.READY,
        verification=ConsentRecord.Verification.VERIFIED,
        expires_on=None,
        relation=ConsentRecord.Relation.SELF,
        with_consent=True,
        name="Test voice",
    ) -> Voice:
        audio = speech(LJ_CONSENT).read_bytes()
        voice = Voice.objects.create(
            owner=owner, name=name, status=status, tier=Voice.Tier.INSTANT, identity_score=0.5,
            style_file=file_save(data=_style_bytes(), folder="styles", ext="npy"),
            preview_file=file_save(data=b"RIFF-preview", folder="previews", ext="wav"),
        )  # fmt: skip
        Sample.objects.create(
            voice=voice, file=file_save(data=audio, folder="samples", ext="flac"),
            content_type="audio/flac", size_bytes=len(audio), sha256=sha256_hex(audio),
            seconds=9.9, speech_seconds=9.5, analysis={"verdict": "ok", "advice": []},
        )  # fmt: skip
        if with_consent:
            document = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"
            ConsentRecord.objects.create(
                voice=voice, voice_public_id=voice.public_id, user=owner,
                user_public_id=owner.public_id, relation=relation, speaker_name="Linda Johnson",
                speaker_email="linda@example.org" if relation == "other" else "",
                statements=[{"key": "create", "text": "..."}], statement_version="test",
                uses=["personal"], expires_on=expires_on, signature="Alice Example",
                spoken_text="I, Linda Johnson, consent...", spoken_code="123-456",
                recording_file=file_save(data=audio, folder="consent", ext="flac"),
                recording_sha256=sha256_hex(audio), recording_bytes=len(audio),
                document_file=file_save(data=document, folder="consent", ext="pdf"),
                document_sha256=sha256_hex(document), document_type="application/pdf",
                document_bytes=len(document), ip_address="127.0.0.1", user_agent="pytest",
                verification=verification, verified_at=timezone.now(),
            )  # fmt: skip
        return voice

    return make


@pytest.fixture
def draft(alice, make_voice):
    """A draft voice of alice with a consent (recording: LJ_CONSENT) and no samples yet."""
    voice = make_voice(alice, status=Voice.Status.DRAFT)
    voice.samples.all().delete()
    return voice


def upload_sample(client, voice, name: str, data: bytes):
    """Post one sample file to the samples page as the page's htmx form does."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    url = reverse("voices:clone_samples", args=[voice.public_id])
    return client.post(url, {"file": SimpleUploadedFile(name, data)}, HTTP_HX_REQUEST="true")


def poll_clone_page(client, voice: Voice, worker):
    """Open the voice's page and poll its progress partial as the browser does, until done.

    Returns the final partial (HTMX status 286 stops polling) and every status seen on the way.
    """
    from django.urls import reverse

    from tests.conftest import wait_until

    page = client.get(reverse("voices:detail", args=[voice.public_id])).content.decode()
    assert "<progress" in page and "every 1s" in page
    progress_url = reverse("voices:progress", args=[voice.public_id])
    seen: list[int] = []

    def finished():
        response = client.get(progress_url, HTTP_HX_REQUEST="true")
        seen.append(response.status_code)
        return response if response.status_code == 286 else None

    final = wait_until(finished, timeout=600, interval=1, message=worker.log()[-3000:])
    return final, seen


@pytest.fixture(scope="session")
def spoken():
    """Render a sentence with the real engine and a stock voice: (mono float32, sample rate).

    Renders are kept for the whole run: several tests need the same statement.
    """
    from synthesis.engine import SAMPLE_RATE, get_engine

    rendered: dict[tuple[str, str], np.ndarray] = {}

    def say(text: str, voice: str = "af_heart") -> tuple[np.ndarray, int]:
        if (text, voice) not in rendered:
            rendered[text, voice] = get_engine().synthesize(text, voice=voice, speed=1.0)
        return rendered[text, voice], SAMPLE_RATE

    return say


def flac_bytes(audio: np.ndarray, sample_rate: int) -> bytes:
    import soundfile

    buffer = io.BytesIO()
    soundfile.write(buffer, audio, sample_rate, format="FLAC")
    return buffer.getvalue()


def analyse_pending() -> list[Sample]:
    """Do what the analysis worker does for every sample still "analysing", running the
    transaction's on-commit work (the rejected files' deletion) as a real commit would."""
    from django.test import TestCase

    from voices.services.analysis import sample_analyse

    pending = Sample.objects.filter(status=Sample.Status.ANALYSING).values_list("pk", flat=True)
    with TestCase.captureOnCommitCallbacks(execute=True):
        return [sample_analyse(sample_id=pk) for pk in list(pending)]


def broker_stand_in(monkeypatch, task) -> list:
    """What ``task.apply_async`` would send to the broker, as (args, options); nothing is sent."""
    sent: list = []
    monkeypatch.setattr(task, "apply_async", lambda args, kwargs=None, **o: sent.append((args, o)))
    return sent
