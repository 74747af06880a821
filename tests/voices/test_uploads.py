"""Uploads are hostile input: each bad file gets a 4xx saying what to fix, and nothing is kept.

What a header shows is refused in the request; what only decoding shows (a truncated file, too
little speech) is found by the analysis worker, which rejects the sample with the same message,
deletes its file and frees its quota.
"""

import io
import struct

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.voices.conftest import (
    LJ_CONSENT,
    LJ_SAMPLES,
    analyse_pending,
    media_files,
    upload_sample,
)
from voices.models import ConsentRecord, Sample, Voice

pytestmark = pytest.mark.django_db


def _wav_claiming(size: int) -> bytes:
    """A 60-byte WAV whose header claims `size` bytes of audio."""
    fmt = struct.pack("<IHHIIHH", 16, 1, 1, 16000, 32000, 2, 16)
    header = b"RIFF" + struct.pack("<I", min(size + 36, 0xFFFFFFFF)) + b"WAVE" + b"fmt " + fmt
    header += b"data" + struct.pack("<I", min(size, 0xFFFFFFFF))
    return header + b"\x01\x00" * ((60 - len(header)) // 2)


HOSTILE = {
    "zero-length": ("empty.wav", b"", b"is empty"),
    "not audio": ("notes.wav", b"Dear diary, today I uploaded a text file. " * 50, b"not an audio"),
    "wrong extension": ("voice.mp3", b"%PDF-1.4\n" + b"0" * 4000 + b"\n%%EOF\n", b"not an audio"),
    "huge header": ("huge.wav", _wav_claiming(4 * 1024**3 - 64), b"could not be decoded"),
}


_upload = upload_sample


@pytest.mark.parametrize("case", list(HOSTILE))
def test_it_rejects_hostile_samples(client, alice, draft, media, case):
    name, data, message = HOSTILE[case]
    before = media_files(media)
    client.force_login(alice)
    response = _upload(client, draft, name, data)
    assert response.status_code == 400
    assert message in response.content
    assert name.encode() in response.content  # says which file
    assert not Sample.objects.filter(voice=draft).exists()
    assert media_files(media) == before


def test_the_worker_rejects_a_truncated_recording_and_keeps_nothing(
    client, alice, draft, speech, media
):
    from voices.selectors import user_storage_bytes

    data = speech(LJ_CONSENT).read_bytes()
    before, used = media_files(media), user_storage_bytes(user=alice)
    client.force_login(alice)
    # Its header is whole: only decoding shows the missing two thirds, so the request stores it.
    response = _upload(client, draft, "cut.flac", data[: len(data) // 3])
    assert response.status_code == 200
    assert "Analysing…" in response.content.decode()
    assert Sample.objects.get(voice=draft).status == Sample.Status.ANALYSING

    (sample,) = analyse_pending()
    assert sample.status == Sample.Status.REJECTED
    assert "could not be decoded" in sample.error and "Export it again" in sample.error
    assert media_files(media) == before
    assert user_storage_bytes(user=alice) == used
    page = client.get(reverse("voices:clone_samples", args=[draft.public_id]))
    assert "could not be decoded" in page.content.decode()
    assert 'data-verdict="reject"' in page.content.decode()


def test_it_rejects_files_over_the_size_cap(client, alice, draft, speech, settings):
    settings.VOICES_MAX_FILE_BYTES = 50_000
    client.force_login(alice)
    response = _upload(client, draft, "big.flac", speech(LJ_CONSENT).read_bytes())
    assert response.status_code == 400
    assert b"the limit is" in response.content
    assert not Sample.objects.filter(voice=draft).exists()


def test_it_enforces_the_storage_quota(client, alice, draft, speech, settings):
    settings.VOICES_USER_QUOTA_BYTES = 300_000  # alice's draft evidence already uses most of it
    client.force_login(alice)
    response = _upload(client, draft, "more.flac", speech(LJ_CONSENT).read_bytes())
    assert response.status_code == 400
    assert b"storage quota" in response.content


def test_it_judges_audio_by_content_not_by_name(client, alice, draft, speech, media):
    client.force_login(alice)
    response = _upload(client, draft, "notes.txt", speech(LJ_SAMPLES[0]).read_bytes())
    assert response.status_code == 200, response.content.decode()[:500]
    analyse_pending()
    sample = Sample.objects.get(voice=draft)
    assert sample.content_type == "audio/flac"
    assert sample.file.endswith(".flac") and "notes" not in sample.file  # random storage name
    assert sample.speech_seconds > 5
    assert sample.analysis["verdict"] in ("ok", "warn", "reject")
    assert str(media) in str((media / sample.file).resolve())


def _consent_post(client, speech, **extra):
    with speech(LJ_CONSENT).open("rb") as f:
        data = {
            "voice_name": "Linda", "relation": "other", "speaker_name": "Linda Johnson",
            "speaker_email": "linda@example.org", "statement_create": "on",
            "statement_understand": "on", "statement_truthful": "on", "uses": ["personal"],
            "signature": "Alice Example", "recording": f, **extra,
        }  # fmt: skip
        return client.post(reverse("voices:clone"), data)


FAKE_PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer\n%%EOF\n"


def _pdf() -> bytes:
    from pypdf import PdfWriter

    writer, buffer = PdfWriter(), io.BytesIO()
    writer.add_blank_page(595, 842)
    writer.write(buffer)
    return buffer.getvalue()


def _image(kind: str, size=(800, 1000)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, "white").save(buffer, kind)
    return buffer.getvalue()


@pytest.mark.parametrize("kind", ["PNG", "JPEG"])
def test_it_accepts_a_scan_or_photo_of_the_signed_page(client, alice, speech, media, kind):
    client.force_login(alice)
    response = _consent_post(client, speech, document=SimpleUploadedFile("x.bin", _image(kind)))
    assert response.status_code == 302, response.content.decode()[:1000]
    assert ConsentRecord.objects.get().document_type == f"image/{kind.lower()}"


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (SimpleUploadedFile("consent.pdf", b"MZ\x90\x00 definitely not a pdf"), b"readable PDF"),
        (SimpleUploadedFile("consent.pdf", b"%PDF-1.4\n" + b"0" * 100), b"readable PDF"),
        (SimpleUploadedFile("scan.png", b"\x89PNG\r\n\x1a\n" + b"0" * 100), b"readable PDF"),
        # 60 bytes that start and end like a PDF, with no page in between
        (SimpleUploadedFile("consent.pdf", FAKE_PDF), b"readable PDF"),
        (SimpleUploadedFile("scan.jpg", _image("JPEG")[:3000]), b"readable PDF"),
        (SimpleUploadedFile("thumb.png", _image("PNG", (40, 40))), b"readable PDF"),
        (SimpleUploadedFile("consent.pdf", b""), b"is empty"),
        (None, b"Upload the consent document"),
    ],
)
def test_it_rejects_bad_consent_documents(client, alice, speech, media, document, message):
    client.force_login(alice)
    response = _consent_post(client, speech, **({"document": document} if document else {}))
    assert response.status_code == 400
    assert message in response.content
    assert not ConsentRecord.objects.exists() and not Voice.objects.exists()
    assert media_files(media) == []


def test_it_rejects_a_consent_without_a_real_recording(client, alice, media):
    client.force_login(alice)
    data = {
        "voice_name": "x", "relation": "self", "speaker_name": "Alice Example",
        "statement_create": "on", "statement_understand": "on", "statement_truthful": "on",
        "uses": ["personal"], "signature": "Alice Example",
        "recording": SimpleUploadedFile("consent.webm", _wav_claiming(10**9)),
    }  # fmt: skip
    response = client.post(reverse("voices:clone"), data)
    assert response.status_code == 400
    assert b"could not be decoded" in response.content
    assert media_files(media) == []


def test_it_requires_every_statement(client, alice, speech, media):
    client.force_login(alice)
    response = _consent_post(client, speech, statement_understand="")
    assert response.status_code == 400
    assert not ConsentRecord.objects.exists()


def test_it_accepts_a_signed_document_for_someone_else(client, alice, speech, media):

    client.force_login(alice)
    response = _consent_post(client, speech, document=SimpleUploadedFile("signed.pdf", _pdf()))
    assert response.status_code == 302
    consent = ConsentRecord.objects.get()
    assert consent.document_type == "application/pdf" and len(consent.document_sha256) == 64
    assert len(media_files(media)) == 2
