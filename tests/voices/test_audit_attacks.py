"""Attacks on a copy of the database that the audit checks must catch.

Each one worked before: a blanked live payload, a cut-off chain with its head rewound, and an
edited consent row (its permitted uses) all verified as intact.
"""

import json

import pytest
from django.urls import reverse

from voices.audit import (
    Event,
    audit_append,
    audit_chain_verify,
    audit_checkpoint_store,
    audit_records_verify,
    checkpoint_parse,
    stored_checkpoints,
)
from voices.models import AuditEntry, AuditHead, ConsentRecord
from voices.services import voice_erase

pytestmark = pytest.mark.django_db


@pytest.fixture
def recorded(alice, make_voice):
    """Two consented voices whose consent.recorded entries are in the chain, as the flow makes."""
    voices = [make_voice(alice, name=n) for n in ("A", "B")]
    for voice in voices:
        audit_append(
            event=Event.CONSENT_RECORDED, consent_public_id=voice.consent.public_id,
            voice_public_id=voice.public_id, actor=f"user:{alice.public_id}",
            payload=voice.consent.audited_fields(),
        )  # fmt: skip
    assert audit_chain_verify().intact and audit_records_verify() == []
    return voices


def test_a_live_consent_s_payload_may_not_be_blanked(recorded):
    consent = recorded[0].consent
    AuditEntry.objects.filter(consent_public_id=consent.public_id).update(payload={})
    report = audit_chain_verify()
    assert not report.intact and report.broken_index == 0
    assert "never erased" in report.reason


def test_an_erased_consent_s_payload_may_be_blanked(recorded):
    voice_erase(voice=recorded[0], reason="deleted by owner", actor="user:test")
    assert AuditEntry.objects.get(index=0).payload == {}
    assert audit_chain_verify().intact
    assert audit_records_verify() == []


def test_cutting_the_newest_entries_and_rewinding_the_head_shows(recorded):
    checkpoint = audit_checkpoint_store()  # the daily checkpoint, in media storage and the log
    assert checkpoint["index"] == 1 and stored_checkpoints() == [checkpoint]
    last = AuditEntry.objects.get(index=1)
    AuditEntry.objects.filter(index=1).delete()
    AuditHead.objects.filter(pk=1).update(last_index=0, last_hash=last.prev_hash)
    report = audit_chain_verify()
    assert not report.intact and report.broken_index == 1
    assert "checkpoint" in report.reason
    # Without the stored checkpoint, one downloaded earlier still shows it.
    assert audit_chain_verify(checkpoints=[]).intact
    assert not audit_chain_verify(checkpoints=[checkpoint]).intact


def test_a_forged_checkpoint_is_not_trusted(recorded):
    forged = {"index": 1, "hash": "0" * 64, "at": "2026-01-01T00:00:00", "signature": "00"}
    with pytest.raises(ValueError, match="signature"):
        checkpoint_parse(json.dumps(forged).encode())
    assert audit_chain_verify(checkpoints=[forged]).intact


def test_rewriting_an_entry_the_checkpoint_saw_shows(recorded):
    checkpoint = audit_checkpoint_store()
    AuditEntry.objects.filter(index=1).update(entry_hash="f" * 64)
    AuditHead.objects.filter(pk=1).update(last_hash="f" * 64)
    assert not audit_chain_verify(checkpoints=[checkpoint]).intact


@pytest.mark.parametrize(
    ("field", "value"),
    [("uses", ["personal", "commercial"]), ("project_name", "Ads"), ("speaker_name", "Mallory")],
)
def test_an_edited_consent_row_differs_from_its_entry(recorded, field, value):
    consent = recorded[1].consent
    ConsentRecord.objects.filter(pk=consent.pk).update(**{field: value})
    assert audit_chain_verify().intact  # the chain itself is untouched
    assert audit_records_verify() == [
        f"{consent.public_id}: the row differs from its consent.recorded entry"
    ]


def test_an_edited_tombstone_differs_from_its_erasure_entry(recorded):
    consent = recorded[0].consent
    voice_erase(voice=recorded[0], reason="deleted by owner", actor="user:test")
    ConsentRecord.objects.filter(pk=consent.pk).update(uses=["commercial"])
    assert audit_records_verify() == [
        f"{consent.public_id}: the tombstone differs from its erasure entry"
    ]


def test_a_deleted_consent_row_shows(recorded):
    consent = recorded[0].consent
    ConsentRecord.objects.filter(pk=consent.pk).delete()
    assert audit_records_verify() == [f"{consent.public_id}: its consent row is missing"]


def test_the_staff_page_checks_rows_and_offers_the_checkpoint(client, staff, recorded):
    client.force_login(staff)
    page = client.get(reverse("voices:staff_audit")).content.decode()
    assert "Intact: all 2 entries verify" in page and "every consent row matches" in page
    download = client.get(reverse("voices:staff_audit_checkpoint"))
    assert download["Content-Disposition"].startswith("attachment;")
    checkpoint = checkpoint_parse(download.content)
    assert checkpoint["index"] == 1

    ConsentRecord.objects.filter(pk=recorded[0].consent.pk).update(uses=["commercial"])
    AuditEntry.objects.filter(index=1).delete()
    AuditHead.objects.filter(pk=1).update(last_index=0)
    page = client.get(reverse("voices:staff_audit")).content.decode()
    assert "the row differs from its consent.recorded entry" in page
    assert "Broken at entry 1" in page
