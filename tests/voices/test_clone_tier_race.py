"""The clone-tier form sent twice: the second submission must not crash the page."""

import pytest
from django.urls import reverse

from billing.pricing import cloning_fee_micros
from billing.selectors import balance_for
from voices.models import Voice
from voices.services import cloning

pytestmark = pytest.mark.django_db


def test_it_shows_the_running_clone_when_another_submission_started_it_first(
    client, alice, funded, make_voice, monkeypatch
):
    funded(alice)
    client.force_login(alice)
    voice = make_voice(alice, status=Voice.Status.DRAFT)
    voice.samples.update(speech_seconds=30)
    real_check = cloning._speech_check

    def first_submission_wins(*, voice, tier):
        real_check(voice=voice, tier=tier)
        # The other submission's request moves the voice on between this one's read and lock.
        Voice.objects.filter(pk=voice.pk).update(status=Voice.Status.PROCESSING)

    monkeypatch.setattr(cloning, "_speech_check", first_submission_wins)
    before = balance_for(user=alice)
    response = client.post(
        reverse("voices:clone_tier", args=[voice.public_id]), {"tier": "instant"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("voices:detail", args=[voice.public_id])
    assert balance_for(user=alice) == before  # this submission charged nothing
    assert cloning_fee_micros("instant") > 0
