"""The playground marks the word under the playhead, in a real browser."""

import io

import numpy as np
import pytest
import soundfile as sf
from django.core.files.base import ContentFile

from synthesis.models import Job
from tests.support.playground import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WORDS = [["Hello", 0.1, 0.6], ["there,", 0.7, 1.3], ["friend.", 1.5, 2.4]]


def _finished_job(owner) -> Job:
    buffer = io.BytesIO()
    tone = 0.2 * np.sin(2 * np.pi * 220 * np.arange(3 * 24000) / 24000)
    sf.write(buffer, tone.astype(np.float32), 24000, format="WAV", subtype="PCM_16")
    job = Job.objects.create(
        owner=owner, voice="af_heart", voice_kind=Job.VoiceKind.STOCK,
        text="Hello there, friend.", format="wav", billable_characters=20,
        estimated_cost_micros=600, status=Job.Status.DONE, duration_seconds=3.0,
        with_timestamps=True, words=WORDS,
    )  # fmt: skip
    job.audio.save(f"{job.public_id}.wav", ContentFile(buffer.getvalue()))
    return job


def test_the_word_under_the_playhead_is_marked(live_server, page, alice, password):
    job = _finished_job(alice)
    sign_in(page, live_server.url, alice.email, password)
    page.goto(f"{live_server.url}/synthesis/playground/?job={job.public_id}")
    strip = page.wait_for_selector("[data-word-highlight=player]")
    assert strip.inner_text().split() == ["Hello", "there,", "friend."]
    page.wait_for_function(
        "() => window.speekoPlayer && window.speekoPlayer.stats.complete"
        " && window.speekoPlayer.stats.received > 2"
    )

    # The strip follows playback: each word is marked while it is spoken, and only then.
    page.evaluate("() => window.speekoPlayer.playFrom(0)")
    for word, start, end in WORDS:
        page.wait_for_function(
            """([word, start, end]) => {
                const t = window.speekoPlayer.position();
                const marked = [...document.querySelectorAll('.spoken-words .is-spoken')];
                return t > start + 0.05 && t < end - 0.05 && marked.length === 1
                    && marked[0].textContent === word;
            }""",
            arg=[word, start, end],
            polling="raf",
        )
    page.wait_for_function(
        """() => window.speekoPlayer.position() > 2.5
            && !document.querySelector('.spoken-words .is-spoken')""",
        polling="raf",
    )
