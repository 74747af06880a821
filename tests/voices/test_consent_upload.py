"""The consent recording gets only header checks in the request; the clone's worker decodes it.

A recording that passes the header checks and still does not decode fails the clone with a
message that says so, and the fee comes back; the samples' analysis is not held up by it.
"""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

import voices.cloning.audio
import voices.services.cloning
from billing.selectors import balance_for
from tests.voices.conftest import LJ_SAMPLES, STRANGER, analyse_pending, upload_sample
from voices.models import ConsentRecord, Sample, Voice
from voices.services import voice_clone_start
from voices.tasks import voice_clone_task

pytestmark = pytest.mark.django_db


def _no_decoding(*args, **kwargs):
    raise AssertionError("the request decoded audio")


def test_recording_a_consent_decodes_nothing_in_the_request(client, alice, speech, monkeypatch):
    client.force_login(alice)
    page = client.get(reverse("voices:clone"))
    assert page.status_code == 200
    monkeypatch.setattr(voices.cloning.audio, "decode", _no_decoding)
    with speech(STRANGER).open("rb") as f:
        response = client.post(
            reverse("voices:clone"),
            {
                "voice_name": "Linda", "relation": "self", "speaker_name": "Linda Johnson",
                "statement_create": "on", "statement_understand": "on",
                "statement_truthful": "on", "uses": ["personal"], "signature": "Linda Johnson",
                "recording": f,
            },
            HTTP_USER_AGENT="pytest-browser/1.0",
        )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    consent = ConsentRecord.objects.get(voice__owner=alice, voice__name="Linda")
    assert consent.recording_file and consent.recording_bytes > 1000


def test_a_consent_recording_that_does_not_decode_fails_the_clone_and_refunds(
    client, alice, draft, speech, funded, monkeypatch, django_capture_on_commit_callbacks
):
    funded(alice)
    consent = draft.consent
    # Passed the request's header checks, then turns out unreadable: a FLAC header and noise.
    name = consent.recording_file
    default_storage.delete(name)
    default_storage.save(name, ContentFile(b"fLaC" + bytes(range(256)) * 40))
    client.force_login(alice)
    for sample in LJ_SAMPLES:
        upload_sample(client, draft, sample.rsplit("/", 1)[-1], speech(sample).read_bytes())
    analysed = analyse_pending()
    assert [s.status for s in analysed] == [Sample.Status.ANALYSED] * len(LJ_SAMPLES)
    before = balance_for(user=alice)
    monkeypatch.setattr(
        voices.services.cloning,
        "clone_samples",
        lambda **kwargs: pytest.fail("cloned with an unreadable consent"),
    )
    monkeypatch.setattr(voice_clone_task, "apply_async", lambda *a, **k: None)
    with django_capture_on_commit_callbacks(execute=True):
        voice_clone_start(voice=draft, tier="instant")
    assert balance_for(user=alice) < before  # the fee was taken at the start
    voice_clone_task(draft.pk)
    draft.refresh_from_db()
    assert draft.status == Voice.Status.FAILED
    assert "consent recording could not be decoded" in draft.error
    assert "Record the consent again" in draft.error
    assert balance_for(user=alice) == before
