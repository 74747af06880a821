"""The SSML guide's examples, with audio pre-rendered into static/ with and without the tag."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass


@dataclass(frozen=True)
class Example:
    slug: str
    tag: str
    explanation: str
    ssml: str
    voice: str = "af_heart"
    before: str | None = None  # the same words without the tag, for comparison

    def static_name(self, which: str) -> str:
        """The pre-rendered file of the ``before`` or ``after`` SSML, under static/.

        The digest changes with the text or the voice, so an edited example whose audio was
        not rendered again has no file (``scripts/dev/render_ssml_examples.py`` makes them).
        """
        ssml = self.before if which == "before" else self.ssml
        digest = hashlib.sha256(f"{self.voice}\0{ssml}".encode()).hexdigest()[:12]
        return f"{STATIC_DIR}/{self.slug}-{which}-{digest}.mp3"

    @property
    def before_static(self) -> str:
        return self.static_name("before")

    @property
    def after_static(self) -> str:
        return self.static_name("after")

    def renders(self) -> list[tuple[str, str]]:
        """(which, ssml) of each pre-rendered file: the example, and the plain words."""
        return [("before", self.before)] * (self.before is not None) + [("after", self.ssml)]


STATIC_DIR = "synthesis/ssml"
_SENTENCE = "The lighthouse keeper climbed the stairs every evening."


EXAMPLES = [
    Example(
        "speak", "<speak>",
        "The root element. Everything you want spoken goes inside it; plain text outside markup "
        "is read as it is.",
        "<speak>Welcome to Speeko. This sentence is plain text inside speak.</speak>",
    ),
    Example(
        "paragraphs", "<p> and <s>",
        "Paragraphs and sentences. A paragraph ends with a longer pause than a sentence.",
        "<speak><p><s>First paragraph, first sentence.</s><s>Second sentence.</s></p>"
        "<p>A new paragraph starts after a longer pause.</p></speak>",
    ),
    Example(
        "break", "<break>",
        "A pause, by length (time=\"750ms\" or \"2s\", at most 10 s) or by strength "
        "(none, x-weak, weak, medium, strong, x-strong).",
        '<speak>Ready? <break time="1s"/> Go! <break strength="strong"/> And stop.</speak>',
        before="<speak>Ready? Go! And stop.</speak>",
    ),
    Example(
        "prosody", "<prosody rate>",
        "Speaking rate: x-slow, slow, medium, fast, x-fast, a percentage (80%, +20%) or a "
        "factor. It multiplies the request's speed for the words it covers, which stay in "
        "their sentence: no pause and no seam where the rate changes.",
        '<speak><prosody rate="slow">This part is slow,</prosody> '
        '<prosody rate="130%">and this part is quicker.</prosody></speak>',
        before="<speak>This part is slow, and this part is quicker.</speak>",
    ),
    Example(
        "prosody-pitch", "<prosody pitch>",
        "Pitch of any stretch, in any voice or language: semitones (+2st, -3st), a "
        "percentage (+10%, -15%), x-low, low, medium, high, x-high (-6, -3, 0, +3, +6 "
        "semitones), or an absolute pitch (120Hz, 50 to 500 Hz) for the stretch's median. "
        "At most 12 semitones either way; within 6 it lands within a semitone of the request "
        "and keeps the voice recognisably itself. The words keep their place and timing in "
        "the sentence.",
        '<speak>The keeper climbed <prosody pitch="+4st">the stairs every evening'
        '</prosody>, and <prosody pitch="x-low">came down at dawn.</prosody></speak>',
        before="<speak>The keeper climbed the stairs every evening, and came down at dawn."
        "</speak>",
    ),
    Example(
        "prosody-volume", "<prosody volume>",
        "Loudness of any stretch: silent, x-soft (-12 dB), soft (-6 dB), medium, loud "
        "(+4 dB), x-loud (+8 dB) or +/-N dB up to +12 dB. The stretch is that much louder "
        "or softer (within 1 dB, measured as integrated loudness), ramped in and out over "
        "10 ms so there is no click; peaks are kept under full scale. A silent stretch keeps "
        "its time.",
        '<speak><prosody volume="x-soft">The lighthouse keeper</prosody> climbed the stairs '
        '<prosody volume="+6dB">every evening.</prosody></speak>',
        before=f"<speak>{_SENTENCE}</speak>",
    ),
    Example(
        "prosody-range", "<prosody range>",
        "How much the pitch moves: x-low, low, medium, high, x-high (0.4 to 1.8 times the "
        "voice's movement) or a percentage (+50%, -30%). x-low is close to a monotone.",
        '<speak><prosody range="x-low">The lighthouse keeper climbed the stairs</prosody> '
        '<prosody range="x-high">every evening.</prosody></speak>',
        before=f"<speak>{_SENTENCE}</speak>",
    ),
    Example(
        "emphasis", "<emphasis>",
        "Stress a word or phrase the way people do: a higher pitch that moves more, more "
        "energy and a little more time, within the sentence. moderate (the default) raises "
        "the pitch by about 1.5 semitones, the loudness by 2 dB and the length by 8%; strong "
        "by about 2.5 semitones, 4 dB and 15%; reduced lowers pitch and loudness and "
        "shortens the words. Weak words like \"the\" also get a stressed syllable.",
        '<speak>I said the <emphasis level="strong">blue</emphasis> one, not '
        "<emphasis>the</emphasis> green one.</speak>",
        before="<speak>I said the blue one, not the green one.</speak>",
    ),
    Example(
        "say-as-characters", "<say-as interpret-as=\"characters\">",
        "Spell out letters and digits one by one (also spell-out).",
        '<speak>Your code is <say-as interpret-as="characters">XK7Q</say-as>.</speak>',
        before="<speak>Your code is XK7Q.</speak>",
    ),
    Example(
        "say-as-numbers", "<say-as> cardinal, ordinal, digits",
        "Read a number as a quantity, as a rank, or digit by digit.",
        '<speak><say-as interpret-as="cardinal">1234</say-as> people came; you were '
        '<say-as interpret-as="ordinal">3</say-as>rd. PIN: '
        '<say-as interpret-as="digits">2048</say-as>.</speak>',
    ),
    Example(
        "say-as-date", "<say-as interpret-as=\"date\">",
        "Dates with format mdy, dmy, ymd, md, dm or ym; times with interpret-as=\"time\".",
        '<speak>The launch is on <say-as interpret-as="date" format="dmy">14/07/2027</say-as> '
        'at <say-as interpret-as="time">9:30 am</say-as>.</speak>',
    ),
    Example(
        "say-as-telephone", "<say-as interpret-as=\"telephone\">",
        "Read a phone number in digit groups.",
        '<speak>Call <say-as interpret-as="telephone">+1 415 555 0134</say-as>.</speak>',
    ),
    Example(
        "sub", "<sub alias>",
        "Say something other than what is written: abbreviations, symbols, names.",
        '<speak>Speeko runs on <sub alias="World Wide Web Consortium">W3C</sub> '
        "standards.</speak>",
        before="<speak>Speeko runs on W3C standards.</speak>",
    ),
    Example(
        "phoneme", "<phoneme alphabet=\"ipa\">",
        "Give the exact pronunciation in IPA for a word the front-end gets wrong.",
        '<speak>You say <phoneme alphabet="ipa" ph="təmˈeɪtoʊ">tomato</phoneme>, '
        'I say <phoneme alphabet="ipa" ph="təmˈɑːtəʊ">tomato</phoneme>.</speak>',
        before="<speak>You say tomato, I say tomato.</speak>",
    ),
    Example(
        "lang", "<lang xml:lang>",
        "Switch language for a phrase (en-US, en-GB, es, fr, hi, it, ja, pt-BR, zh).",
        '<speak>In Paris they say <lang xml:lang="fr">bonjour tout le monde</lang>.</speak>',
        before="<speak>In Paris they say bonjour tout le monde.</speak>",
    ),
    Example(
        "voice", "<voice name>",
        "Switch to another voice mid-document: any stock voice or one of your cloned voices.",
        '<speak>Hello, I am Heart. <voice name="bm_george">And I am George, from London.'
        "</voice></speak>",
    ),
]  # fmt: skip
BY_SLUG = {example.slug: example for example in EXAMPLES}
