"""The dashboard: characters left, recent audio, your voices, and the way to the staff console."""

import pytest
from django.urls import reverse

from billing.services import grant_free_tier
from synthesis import services as synthesis_services
from synthesis.models import Job
from voices.models import Voice

pytestmark = pytest.mark.django_db
URL = reverse("dashboard")


def _job(user, text):
    fields = {
        "voice": "af_heart", "voice_kind": Job.VoiceKind.STOCK, "text": text, "format": "mp3",
        "billable_characters": len(text), "estimated_cost_micros": 1260,
    }  # fmt: skip
    return synthesis_services._job_create(user=user, fields=fields)


def test_it_shows_characters_left_recent_audio_and_voices(client, alice, monkeypatch):
    from synthesis.tasks import run_job

    monkeypatch.setattr(run_job, "delay_on_commit", lambda *a: None)
    grant_free_tier(user=alice)
    _job(alice, "The first thing alice made.")
    voice = Voice.objects.create(
        owner=alice, name="Narrator", status=Voice.Status.READY, tier=Voice.Tier.INSTANT
    )
    client.force_login(alice)

    html = client.get(URL).content.decode()

    # $5 free minus the held 0.126¢: the meter shows what is left of the free tier.
    assert "<strong>166,957</strong>" in html and "of 167,000 free" in html
    assert '<meter class="meter"' in html and 'value="100"' in html
    assert "The first thing alice made." in html
    assert f'href="/synthesis/playground/?voice={voice.public_id}">Use this voice' in html
    assert "Staff console" not in html and ">Staff</a>" not in html


def test_it_shows_the_staff_console_to_staff_only(client, staff, bob):
    client.force_login(staff)
    html = client.get(URL).content.decode()
    assert "Staff console" in html
    assert 'class="nav-staff" href="/voices/staff/consents/"' in html
    client.force_login(bob)
    html = client.get(URL).content.decode()
    assert "Staff console" not in html and "nav-staff" not in html
    assert "Nothing yet." in html
