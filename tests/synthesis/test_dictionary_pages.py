"""The pronunciation dictionary pages and the playground's choice of one."""

import io

import pytest
from django.urls import reverse

from synthesis.models import Job, PronunciationDictionary
from tests.engine.test_lexicon import PLS
from tests.synthesis.conftest import fund

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_broker(monkeypatch):
    from synthesis.tasks import run_job

    monkeypatch.setattr(run_job, "delay_on_commit", lambda *a: None)


def test_rules_typed_on_the_page_make_a_dictionary_and_then_versions(client, alice):
    client.force_login(alice)
    url = reverse("synthesis:dictionaries")
    assert client.get(url).status_code == 200
    rules = "# brands\nSpeeko = /spˈikoʊ/\nWHO -> World Health Organization\nKokoro == kəkˈɔɹO"
    response = client.post(url, {"name": "Brands", "rules": rules})
    dictionary = PronunciationDictionary.objects.get()
    assert response.status_code == 302 and dictionary.public_id in response["Location"]
    version = dictionary.versions.get()
    assert [r["grapheme"] for r in version.rules] == ["Speeko", "WHO", "Kokoro"]
    assert version.rules[2]["case_sensitive"] is True and version.rules[0]["phonemes"] == "spˈikoʊ"
    page = client.get(reverse("synthesis:dictionary", args=[dictionary.public_id])).content
    assert "Speeko = /spˈikoʊ/".encode() in page  # the editor shows the rules back

    detail = reverse("synthesis:dictionary", args=[dictionary.public_id])
    upload = io.BytesIO(PLS.encode())
    upload.name = "lexicon.pls"
    assert client.post(detail, {"name": "Brands", "pls": upload}).status_code == 302
    dictionary.refresh_from_db()
    assert dictionary.version == 2
    assert dictionary.versions.get(number=2).source == "pls"


def test_a_bad_line_is_shown_with_its_number(client, alice):
    client.force_login(alice)
    response = client.post(
        reverse("synthesis:dictionaries"), {"name": "x", "rules": "ok = /ə/\nno rule here"}
    )
    assert response.status_code == 400
    assert b"Line 2" in response.content
    assert not PronunciationDictionary.objects.exists()


def test_other_accounts_get_404(client, alice, bob):
    client.force_login(alice)
    client.post(reverse("synthesis:dictionaries"), {"name": "A", "rules": "x -> y"})
    dictionary = PronunciationDictionary.objects.get()
    client.force_login(bob)
    assert (
        client.get(reverse("synthesis:dictionary", args=[dictionary.public_id])).status_code == 404
    )
    delete = reverse("synthesis:dictionary_delete", args=[dictionary.public_id])
    assert client.post(delete).status_code == 404
    assert PronunciationDictionary.objects.exists()


def test_the_playground_applies_the_chosen_dictionary(client, alice, staff):
    fund(alice, staff)
    client.force_login(alice)
    client.post(reverse("synthesis:dictionaries"), {"name": "A", "rules": "Speeko = /spˈikO/"})
    dictionary = PronunciationDictionary.objects.get()
    page = client.get(reverse("synthesis:playground")).content.decode()
    assert f'<option value="{dictionary.public_id}"' in page
    client.post(
        reverse("synthesis:playground"),
        {"text": "Hello Speeko.", "voice": "af_heart", "speed": "1.0", "format": "mp3",
         "dictionary": dictionary.public_id},
    )  # fmt: skip
    job = Job.objects.get()
    assert job.dictionaries == [[dictionary.public_id, 1]]
    assert job.lexicon[0]["phonemes"] == "spˈikO"
