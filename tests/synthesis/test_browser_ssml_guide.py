import pytest

from synthesis.ssml_guide import EXAMPLES

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def test_the_guide_fits_a_laptop_screen_and_its_audio_loads(live_server, page):
    page.goto(live_server.url + "/synthesis/ssml/")
    # The viewport is 1,280 px wide: no long line of SSML may widen the page past it.
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    players = page.locator("audio")
    assert players.count() == sum(len(example.renders()) for example in EXAMPLES)
    first = players.first
    first.evaluate("a => { a.preload = 'auto'; a.load(); }")
    page.wait_for_function("a => a.readyState >= 1 && a.duration > 0.5", arg=first.element_handle())
    assert first.evaluate("a => a.error") is None
