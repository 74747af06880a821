"""The consent audit chain: tamper-evident, verifiable after erasure, read-only in the admin."""

import pytest
from django.db import connection
from django.urls import reverse

from voices.audit import Event, audit_append, audit_chain_verify
from voices.models import AuditEntry
from voices.services import voice_erase

pytestmark = pytest.mark.django_db


def _chain(n: int = 5) -> list[AuditEntry]:
    return [
        audit_append(
            event=Event.CONSENT_RECORDED,
            consent_public_id=f"cs_{i:08d}",
            voice_public_id=f"vc_{i:08d}",
            actor="user:test",
            payload={"speaker_name": f"Speaker {i}"},
        )
        for i in range(n)
    ]


def test_an_untouched_chain_is_intact():
    entries = _chain()
    assert [e.index for e in entries] == [0, 1, 2, 3, 4]
    assert entries[1].prev_hash == entries[0].entry_hash
    report = audit_chain_verify()
    assert report.intact and report.checked == 5


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("event", "'consent.approved'"),
        ("voice_public_id", "'vc_someoneelse'"),
        ("payload", '\'{"speaker_name": "Mallory"}\''),
        ("created_at", "'2020-01-01 00:00:00'"),
    ],
)
def test_a_raw_sql_edit_is_detected_at_its_index(column, value):
    _chain()
    table = AuditEntry._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f'UPDATE {table} SET {column} = {value} WHERE "index" = 2')  # noqa: S608
    report = audit_chain_verify()
    assert not report.intact
    assert report.broken_index == 2
    assert report.checked == 2


def test_rehashing_an_edited_entry_still_breaks_the_next_link():
    _chain()
    entry = AuditEntry.objects.get(index=1)
    entry.event = "consent.approved"
    from voices.audit import entry_hash

    entry.entry_hash = entry_hash(
        entry
    )  # without the key this is impossible; with it, still caught
    AuditEntry.objects.filter(pk=entry.pk).update(event=entry.event, entry_hash=entry.entry_hash)
    assert audit_chain_verify().broken_index == 2


def test_deleting_entries_is_detected():
    _chain()
    AuditEntry.objects.filter(index=4).delete()
    assert audit_chain_verify().broken_index == 4
    AuditEntry.objects.filter(index=1).delete()
    assert audit_chain_verify().broken_index == 2


def test_blanking_payloads_for_erasure_keeps_the_chain_intact(alice, make_voice):
    _chain()
    voice = make_voice(alice)
    recorded = audit_append(
        event=Event.CONSENT_RECORDED, consent_public_id=voice.consent.public_id,
        voice_public_id=voice.public_id, payload=voice.consent.audited_fields(),
    )  # fmt: skip
    voice_erase(voice=voice, reason="deleted by owner", actor="user:test")
    recorded.refresh_from_db()
    assert recorded.payload == {}
    assert audit_chain_verify().intact


def test_the_staff_page_reports_intact_or_the_first_broken_entry(client, staff):
    _chain()
    client.force_login(staff)
    assert b"Intact: all 5 entries verify" in client.get(reverse("voices:staff_audit")).content
    AuditEntry.objects.filter(index=3).update(actor="user:mallory")
    body = client.get(reverse("voices:staff_audit")).content.decode()
    assert "Broken at entry 3" in body


def test_the_admin_is_read_only(client, staff):
    entry = _chain(1)[0]
    client.force_login(staff)
    assert client.get(reverse("admin:voices_auditentry_changelist")).status_code == 200
    assert client.get(reverse("admin:voices_auditentry_add")).status_code == 403
    change = client.post(reverse("admin:voices_auditentry_change", args=[entry.pk]), {"event": "x"})
    assert change.status_code == 403 or AuditEntry.objects.get(pk=entry.pk).event != "x"
    delete = client.post(
        reverse("admin:voices_auditentry_delete", args=[entry.pk]), {"post": "yes"}
    )
    assert delete.status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()
