"""The guided recording session in Chromium, fed real speech through a fake microphone."""

import shutil

import pytest
import soundfile
from django.test import Client
from django.urls import reverse

from tests.conftest import CHROMIUM_ARGS
from tests.voices.conftest import LJ_SAMPLES, analyse_pending
from voices.models import Sample, Voice

SAVED = (
    "document.querySelector('[data-prompt=\"0\"] [data-status]').textContent.startsWith('Saved')"
)
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def microphone_page(browser, speech, tmp_path):
    """A page whose microphone plays a real recording (Chromium's fake capture device)."""
    # Not the consent recording of make_voice: a sample must be a separate take.
    audio, sr = soundfile.read(speech(LJ_SAMPLES[0]), dtype="int16")
    wav = tmp_path / "mic.wav"
    soundfile.write(wav, audio, sr, subtype="PCM_16")
    executable = shutil.which("chromium") or "/usr/bin/chromium"
    args = [
        *CHROMIUM_ARGS,
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-audio-capture={wav}",
    ]
    mic_browser = browser.browser_type.launch(executable_path=executable, headless=True, args=args)
    context = mic_browser.new_context(permissions=["microphone"])
    page = context.new_page()
    page.set_default_timeout(60_000)
    yield page
    context.close()
    mic_browser.close()


def test_it_records_a_guided_take_and_redoes_it(microphone_page, live_server, alice, make_voice):
    page = microphone_page
    voice = make_voice(alice, status=Voice.Status.DRAFT)
    voice.samples.all().delete()
    client = Client()
    client.force_login(alice)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.goto(live_server.url + reverse("voices:clone_samples", args=[voice.public_id]))
    prompt = page.locator("[data-prompt='0']")
    assert "The birch canoe slid on the smooth planks." in prompt.inner_text()

    for take in (1, 2):  # the second take is a redo of the same sentence
        prompt.get_by_role("button", name="Record" if take == 1 else "Redo").click()
        page.wait_for_timeout(6000)
        prompt.locator("[data-status]").evaluate("el => { el.textContent = '' }")
        prompt.get_by_role("button", name="Stop").click()
        page.wait_for_function(SAVED)
        page.wait_for_timeout(1000)  # the page moves on to the next sentence
        assert prompt.is_hidden()
        page.get_by_role("button", name="Previous").click()
    samples = list(Sample.objects.filter(voice=voice))
    assert len(samples) == 1  # the redo replaced the first take
    assert samples[0].kind == Sample.Kind.RECORDED and samples[0].prompt_index == 0
    assert "Analysing…" in page.locator("#samples").inner_text()
    (analysed,) = analyse_pending()  # what the analysis worker does with the take
    assert analysed.status == Sample.Status.ANALYSED and analysed.speech_seconds > 2
    # The table polls while a take is analysed, and shows its verdict once it is.
    page.locator("#samples [data-verdict]:not([data-verdict=analysing])").wait_for()
    assert "Analysing…" not in page.locator("#samples").inner_text()
    assert "sentence 1" in page.locator("#samples").inner_text()
