"""The playground's form in a real browser, without a worker: keyboard, focus, View code,
voice preview, and the player of a finished job."""

import io

import numpy as np
import pytest
import soundfile as sf
from django.core.files.base import ContentFile

from synthesis.models import Job
from tests.support.playground import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _focused(page) -> str:
    return page.evaluate("() => document.activeElement.id || document.activeElement.textContent")


def test_keyboard_users_skip_to_the_content_and_see_where_they_are(
    live_server, page, alice, password
):
    sign_in(page, live_server.url, alice.email, password)
    page.goto(live_server.url + "/synthesis/playground/")
    page.keyboard.press("Tab")
    assert _focused(page) == "Skip to content"
    assert page.locator(".skip-link").is_visible()
    # The text comes before the SSML switch in tab order.
    page.focus("#id_text")
    page.keyboard.press("Tab")
    assert _focused(page) == "id_ssml"
    outline = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, parseFloat(s.outlineWidth), s.outlineColor]; }"
    )
    assert outline[0] == "solid" and outline[1] >= 2
    assert outline[2] == "rgb(79, 70, 229)"  # the brand colour, not #eef0ff on white
    page.focus("#id_speed")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    assert _focused(page) == "id_speed"
    assert page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle") == "solid"


def test_view_code_shows_the_current_settings_as_api_calls(live_server, page, alice, password):
    sign_in(page, live_server.url, alice.email, password)
    page.goto(live_server.url + "/synthesis/playground/?voice=bm_george")
    page.fill("#id_text", "It's a test of the code view.")
    page.select_option("#id_format", "opus")
    page.get_by_role("button", name="View code").click()
    curl = page.text_content("#code-curl-text")
    assert page.locator("#code-dialog").is_visible()
    assert f"{live_server.url}/v1/tts" in curl
    assert '"voice_id":"bm_george"' in curl and '"format":"opus"' in curl
    assert "It'\\''s a test of the code view." in curl  # quoted for the shell
    page.get_by_role("tab", name="OpenAI client").click()
    openai = page.text_content("#code-openai-text")
    assert page.locator("#code-openai").is_visible() and not page.locator("#code-curl").is_visible()
    assert 'voice="bm_george"' in openai and 'response_format="opus"' in openai
    assert 'input="It\'s a test of the code view."' in openai
    # A blend, when there is one, is the voice: in the code too.
    page.get_by_role("button", name="Close").click()
    page.fill("#id_blend", "af_bella(2)+af_sky(1)")
    assert page.locator("#voice-overridden").is_visible()
    page.get_by_role("button", name="View code").click()
    assert '"voice_id":"af_bella(2)+af_sky(1)"' in page.text_content("#code-curl-text")


def test_the_voice_picker_previews_the_chosen_voice_in_place(live_server, page, alice, password):
    sign_in(page, live_server.url, alice.email, password)
    page.goto(live_server.url + "/synthesis/playground/")
    page.select_option("#id_voice", "bf_emma")
    page.get_by_role("button", name="▶ Preview").click()
    src = page.get_attribute("#voice-preview", "src")
    assert src == "/voices/stock/bf_emma/preview/"
    assert page.url.endswith("/synthesis/playground/")
    # Under the picker, what the chosen voice sounds like; a blend replaces it.
    assert page.text_content("#voice-description") == (
        "Mid-pitched female voice, British English (median 184 Hz); moderate pace."
    )
    page.select_option("#id_voice", "bm_lewis")
    assert page.text_content("#voice-description").startswith("Low-pitched male voice")
    page.fill("#id_blend", "af_bella(2)+af_sky(1)")
    assert page.is_hidden("#voice-description")


def test_a_finished_job_reopens_with_its_real_duration_and_plays(
    live_server, page, alice, password
):
    tone = 0.2 * np.sin(np.linspace(0, 2 * np.pi * 220 * 3.0, 72_000)).astype(np.float32)
    buffer = io.BytesIO()
    sf.write(buffer, tone, 24_000, format="WAV", subtype="PCM_16")
    job = Job.objects.create(
        owner=alice, voice="af_heart", voice_kind=Job.VoiceKind.STOCK, format="wav",
        text="<speak>Three <break time='1s'/> seconds.</speak>", ssml=True,
        billable_characters=16, estimated_cost_micros=500, charged_micros=500,
        status=Job.Status.DONE, duration_seconds=3.0,
    )  # fmt: skip
    job.audio.save(f"{job.public_id}.wav", ContentFile(buffer.getvalue()))
    sign_in(page, live_server.url, alice.email, password)
    page.goto(live_server.url + "/synthesis/playground/")
    # History shows what is said, not the markup.
    history = " ".join(page.text_content("#history").split())
    assert "Three seconds. SSML" in history and "<speak>" not in history
    page.get_by_role("link", name="Play “Three seconds.” in the player").click()
    page.wait_for_function(
        "() => { const t = document.querySelector('[data-player-time]');"
        " return t && t.textContent.endsWith('/ 0:03'); }"
    )
    page.wait_for_function("() => window.speekoPlayer.stats.position > 0.2")
    assert page.get_attribute("#player [data-player-toggle]", "aria-label") == "Pause"
