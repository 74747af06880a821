import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from synthesis import services
from synthesis.ssml_guide import BY_SLUG, EXAMPLES

pytestmark = pytest.mark.django_db


def test_it_documents_every_supported_tag(client):
    response = client.get(reverse("synthesis:ssml_guide"))
    assert response.status_code == 200
    body = response.content.decode()
    for tag in ("speak", "break", "prosody", "emphasis", "say-as", "sub", "phoneme", "lang"):
        assert f"&lt;{tag}" in body
    assert body.count("▶ Play") == len(EXAMPLES)


def test_it_parses_every_example_with_the_engine():
    from synthesis.engine import get_engine

    for example in EXAMPLES:
        get_engine().stream(example.ssml, voice=example.voice, ssml=True)


def test_it_queues_one_render_however_often_play_is_pressed(client, monkeypatch):
    from synthesis.tasks import ssml_example_render

    sent = []
    monkeypatch.setattr(ssml_example_render, "delay", lambda slug: sent.append(slug))
    default_storage.delete(BY_SLUG["sub"].storage_name)
    for _ in range(3):
        response = client.get(reverse("synthesis:ssml_example_play", args=["sub"]))
        assert response.status_code == 200
        assert b"Rendering" in response.content
    assert sent == ["sub"]
    assert client.get(reverse("synthesis:ssml_example_play", args=["nope"])).status_code == 404


@pytest.mark.model
def test_it_plays_a_rendered_example(client):
    import io

    import soundfile as sf

    name = services.ssml_example_render(slug="break")
    assert services.ssml_example_render(slug="break") == name
    response = client.get(reverse("synthesis:ssml_example_play", args=["break"]))
    assert b"<audio" in response.content
    audio = client.get(reverse("synthesis:ssml_example_audio", args=["break"]))
    data, rate = sf.read(io.BytesIO(b"".join(audio.streaming_content)))
    # Two pauses of about a second each make it clearly longer than the words alone.
    assert len(data) / rate > 2.5
