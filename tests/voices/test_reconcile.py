"""A clone whose message was lost, or whose worker kept dying, is failed and refunded in the end."""

from datetime import timedelta

import pytest
from django.utils import timezone

from billing.selectors import balance_for
from voices.models import Voice
from voices.services import clones_reconcile
from voices.services.cloning import _clone_begin

pytestmark = pytest.mark.django_db


def test_it_fails_and_refunds_only_clones_stuck_past_the_limit(alice, funded, make_voice, settings):
    funded(alice)
    long_ago = timezone.now() - timedelta(seconds=settings.VOICES_CLONE_MAX_SECONDS + 60)
    stuck = make_voice(alice, status=Voice.Status.DRAFT, name="stuck")
    # A draft that waited a day before its clone started only now: not stuck.
    recent = make_voice(alice, status=Voice.Status.DRAFT, name="recent")
    Voice.objects.filter(pk=recent.pk).update(updated_at=long_ago)
    before = balance_for(user=alice)
    _clone_begin(voice=stuck, tier="instant")
    _clone_begin(voice=recent, tier="instant")
    Voice.objects.filter(pk=stuck.pk).update(updated_at=long_ago)

    assert clones_reconcile() == 1
    stuck.refresh_from_db()
    recent.refresh_from_db()
    assert stuck.status == Voice.Status.FAILED
    assert stuck.error == "The cloning job was lost; try again."
    assert recent.status == Voice.Status.PROCESSING
    assert balance_for(user=alice) == before - 500_000  # one fee refunded, one still charged
    assert clones_reconcile() == 0
