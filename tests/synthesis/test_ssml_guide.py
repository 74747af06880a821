import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from synthesis.ssml_guide import EXAMPLES

pytestmark = pytest.mark.django_db
STATIC = Path(settings.BASE_DIR) / "static"


def test_it_documents_every_supported_tag(client):
    response = client.get(reverse("synthesis:ssml_guide"))
    assert response.status_code == 200
    body = response.content.decode()
    for tag in ("speak", "break", "prosody", "emphasis", "say-as", "sub", "phoneme", "lang"):
        assert f"&lt;{tag}" in body
    for attribute in ("prosody pitch", "prosody volume", "prosody range", "contour"):
        assert attribute.split()[-1] in body


def test_every_element_and_attribute_the_parser_accepts_is_in_the_guide(client):
    from synthesis.engine.ssml import _ATTRIBUTES

    body = client.get(reverse("synthesis:ssml_guide")).content.decode()
    table = body[body.index('id="supported"') : body.index("</table>")]
    for element, attributes in _ATTRIBUTES.items():
        assert f"&lt;{element}&gt;" in table
        for attribute in attributes:
            assert f"<code>{attribute}" in table, (element, attribute)


def test_each_example_plays_its_pre_rendered_audio_with_and_without_the_tag(client):
    body = client.get(reverse("synthesis:ssml_guide")).content.decode()
    sources = re.findall(r'<audio controls preload="none" src="([^"]+)"', body)
    expected = [
        example.static_name(which) for example in EXAMPLES for which, _ in example.renders()
    ]
    assert len(sources) == len(expected)
    for name in expected:
        # committed and current: the name carries a digest of the example's SSML and voice
        assert (STATIC / name).is_file(), f"{name} missing: run scripts/dev/render_ssml_examples.py"
        assert (STATIC / name).stat().st_size < 64_000
        assert any(src.endswith(name) for src in sources)
    for tag in ("prosody-pitch", "prosody-volume", "prosody-range", "emphasis"):
        assert next(e for e in EXAMPLES if e.slug == tag).before is not None


def test_it_parses_every_example_with_the_engine():
    from synthesis.engine.ssml import parse_ssml

    for example in EXAMPLES:
        for _, ssml in example.renders():
            assert parse_ssml(ssml)
