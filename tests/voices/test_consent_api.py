"""The API reports a consent's checks as the console does."""

import pytest

from speeko_site.api.services import api_key_create
from tests.api.conftest import KeyClient
from voices.models import ConsentRecord

pytestmark = pytest.mark.django_db


def test_it_reports_the_statement_and_speaker_checks(client, alice, make_voice):
    voice = make_voice(alice, verification="pending")
    api = KeyClient(client, api_key_create(user=alice, name="k")[1])
    url = f"/v1/consents/{voice.consent.public_id}"
    before = api.get(url).json()
    assert before["statement_heard"] is None and before["verification"] == "pending"
    ConsentRecord.objects.filter(pk=voice.consent.pk).update(
        code_heard=True, name_heard=False, speaker_match=0.81, verification="needs_review"
    )
    after = api.get(url).json()
    assert after["statement_heard"] is False and after["speaker_match"] == 0.81
    assert after["verification"] == "needs_review"


def test_a_verified_consent_for_someone_else_reads_as_awaiting_review(client, alice, make_voice):
    voice = make_voice(alice, relation="other")
    api = KeyClient(client, api_key_create(user=alice, name="k")[1])
    body = api.get(f"/v1/consents/{voice.consent.public_id}").json()
    assert body["verification"] == "needs_review"
