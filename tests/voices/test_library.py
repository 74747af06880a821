"""The stock voice library: all stock voices, filters, search, previews rendered once."""

import pytest
from django.urls import reverse

from voices.previews import stock_preview_name, stock_preview_render
from voices.selectors import stock_voices

pytestmark = pytest.mark.django_db


def test_it_lists_every_stock_voice(client, alice):
    client.force_login(alice)
    response = client.get(reverse("voices:library"))
    assert response.status_code == 200
    assert len(stock_voices()) >= 50
    body = response.content.decode()
    assert f"{len(stock_voices())} voices" in body
    assert 'aria-current="page">Voices' in body


def test_it_filters_by_language_gender_and_search(client, alice):
    client.force_login(alice)
    response = client.get(
        reverse("voices:library"), {"lang": "b", "gender": "female"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="stock-results">')
    expected = stock_voices(lang="b", gender="female")
    assert expected and all(v.id.startswith("bf_") for v in expected)
    assert f"{len(expected)} voice" in body
    assert "am_adam" not in body
    assert [v.id for v in stock_voices(q="bella")] == ["af_bella", "bf_isabella"]


def test_it_renders_a_preview_once_and_serves_it(client, alice, media, settings):
    for folder in ("queue", "control"):  # the broker's folders, as a running worker has them
        (settings.BROKER_DIR / folder).mkdir(parents=True, exist_ok=True)
    client.force_login(alice)
    url = reverse("voices:stock_preview", args=["af_heart"])
    assert stock_preview_name("af_heart") is None
    first = client.get(url)
    assert first.status_code == 503  # queued for a worker
    assert first["Retry-After"]
    name = stock_preview_render(voice_id="af_heart")  # what the worker runs
    assert stock_preview_render(voice_id="af_heart") == name  # second call renders nothing
    served = client.get(url)
    assert served.status_code == 200
    assert len(b"".join(served.streaming_content)) > 2000
    assert client.get(reverse("voices:stock_preview", args=["xx_nobody"])).status_code == 404


def test_every_card_offers_use_this_voice_and_a_preview(client, alice):
    client.force_login(alice)
    body = client.get(reverse("voices:library")).content.decode()
    voices = stock_voices()
    assert body.count(">Use this voice</a>") == len(voices)
    assert body.count("data-preview-src=") == len(voices)
    assert 'href="/synthesis/playground/?voice=bm_george">Use this voice' in body
    # No browser-default <audio> players: one shared player behind the cards' buttons.
    assert body.count("<audio") == 1


def test_a_starting_worker_queues_the_previews_not_rendered_yet(media, settings, monkeypatch):
    from django.core.cache import cache
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from voices.receivers import queue_missing_previews
    from voices.tasks import stock_preview_task

    queued = []
    monkeypatch.setattr(stock_preview_task, "delay", queued.append)
    cache.clear()
    default_storage.save("voices/stock-previews/af_heart.mp3", ContentFile(b"ID3 ready"))

    settings.VOICES_PREVIEWS_AT_WORKER_START = False
    queue_missing_previews()
    assert queued == []

    settings.VOICES_PREVIEWS_AT_WORKER_START = True
    queue_missing_previews()
    ids = [v.id for v in stock_voices()]
    assert sorted(queued) == sorted(set(ids) - {"af_heart"})
    # A second worker starting at once queues nothing twice.
    queue_missing_previews()
    assert len(queued) == len(ids) - 1


def test_every_stock_voice_has_a_measured_one_line_description():
    from voices.stock_profiles import stock_description, stock_profiles

    voices = stock_voices()
    assert len(voices) == 54
    profiles = stock_profiles()
    for voice in voices:
        line = stock_description(voice.id)
        assert voice.id in profiles, voice.id
        assert "\n" not in line and len(line) < 100, line
        assert f"{voice.gender} voice, {voice.language} (median " in line, line
        assert line.split("-pitched")[0] in {"Low", "Mid", "High"}, line
        assert line.endswith(("brisk pace.", "moderate pace.", "unhurried pace.")), line
    # The bands separate what the measures separate: a deep male and a light female voice.
    assert stock_description("bm_lewis").startswith("Low-pitched male voice, British English")
    assert stock_description("jf_tebukuro").startswith("High-pitched female voice, Japanese")
    assert "(median 147 Hz)" in stock_description("af_alloy")
    descriptions = {stock_description(v.id).split(" (")[0] for v in voices}
    assert len(descriptions) > 20  # not one sentence for every voice


def test_the_library_cards_and_the_voice_picker_show_the_descriptions(client, alice):
    from voices.stock_profiles import stock_description

    client.force_login(alice)
    library = client.get(reverse("voices:library")).content.decode()
    picker = client.get(reverse("synthesis:playground")).content.decode()
    voices = stock_voices()
    assert library.count("data-voice-description") == len(voices)
    assert picker.count("data-description=") == len(voices)
    for voice in voices:
        line = stock_description(voice.id)
        assert line in library
        assert f'data-description="{line}"' in picker
