"""Deleting or revoking a voice while it is cloning refunds the cloning fee, once."""

import pytest
from django.urls import reverse

from billing.models import LedgerEntry
from billing.selectors import balance_for
from voices.models import Voice
from voices.services import consent_revoke, voice_clone_fail, voice_clone_run
from voices.services.cloning import _clone_begin

pytestmark = pytest.mark.django_db


@pytest.fixture
def cloning(alice, funded, make_voice):
    """A voice whose clone has started (fee charged); returns it and the balance before."""
    funded(alice)
    voice = make_voice(alice, status=Voice.Status.DRAFT)
    before = balance_for(user=alice)
    _clone_begin(voice=voice, tier="instant")
    assert balance_for(user=alice) == before - 500_000
    voice.refresh_from_db()
    return voice, before


def _refunds(voice) -> int:
    return LedgerEntry.objects.filter(kind="refund", reference=voice.public_id).count()


def test_deleting_a_cloning_voice_refunds_once(client, alice, cloning):
    voice, before = cloning
    client.force_login(alice)
    response = client.post(reverse("voices:delete", args=[voice.public_id]))
    assert response.status_code == 302
    assert balance_for(user=alice) == before
    # The worker's message arrives later, or the job is reconciled: no second refund.
    assert voice_clone_run(voice_id=voice.pk) is None
    voice_clone_fail(voice_id=voice.pk, message="lost")
    assert balance_for(user=alice) == before and _refunds(voice) == 1


@pytest.mark.parametrize("by", ["speaker", "staff", "owner"])
def test_revoking_a_cloning_voice_refunds_once(alice, cloning, by):
    voice, before = cloning
    consent_revoke(consent=voice.consent, by=by, actor=f"{by}:test")
    voice.refresh_from_db()
    assert voice.status == Voice.Status.REVOKED
    consent_revoke(consent=voice.consent, by=by, actor=f"{by}:test")  # twice: still once
    voice_clone_fail(voice_id=voice.pk, message="lost")
    assert balance_for(user=alice) == before and _refunds(voice) == 1


def test_a_finished_clone_keeps_its_fee_when_deleted(alice, funded, make_voice):
    funded(alice)
    voice = make_voice(alice, status=Voice.Status.DRAFT)
    before = balance_for(user=alice)
    _clone_begin(voice=voice, tier="instant")
    Voice.objects.filter(pk=voice.pk).update(status=Voice.Status.READY)
    voice.refresh_from_db()
    from voices.services import voice_erase

    voice_erase(voice=voice, reason="deleted by owner", actor="user:test")
    assert balance_for(user=alice) == before - 500_000
