"""The SSML guide's examples. Each is rendered once by a worker and served from storage."""

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

    @property
    def storage_name(self) -> str:
        # The digest changes with the text or the voice, so an edited example is rendered anew.
        digest = hashlib.sha256(f"{self.voice}\0{self.ssml}".encode()).hexdigest()[:16]
        return f"docs/ssml/{self.slug}-{digest}.mp3"


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
    ),
    Example(
        "prosody", "<prosody rate>",
        "Speaking rate: x-slow, slow, medium, fast, x-fast, a percentage (80%, +20%) or a "
        "factor. It multiplies the request's speed.",
        '<speak><prosody rate="slow">This part is slow,</prosody> '
        '<prosody rate="130%">and this part is quicker.</prosody></speak>',
    ),
    Example(
        "emphasis", "<emphasis>",
        "Stress a word or phrase. The default level, moderate, gives every word a stressed "
        "syllable and keeps the sentence flowing: it is heard on words normally said weakly, "
        "like \"the\" or \"is\". Level strong also says them more slowly and louder, set "
        "apart; reduced takes their stress away.",
        '<speak>This is <emphasis>the</emphasis> answer. I said the '
        '<emphasis level="strong">blue</emphasis> one.</speak>',
    ),
    Example(
        "say-as-characters", "<say-as interpret-as=\"characters\">",
        "Spell out letters and digits one by one (also spell-out).",
        '<speak>Your code is <say-as interpret-as="characters">XK7Q</say-as>.</speak>',
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
    ),
    Example(
        "phoneme", "<phoneme alphabet=\"ipa\">",
        "Give the exact pronunciation in IPA for a word the front-end gets wrong.",
        '<speak>You say <phoneme alphabet="ipa" ph="təmˈeɪtoʊ">tomato</phoneme>, '
        'I say <phoneme alphabet="ipa" ph="təmˈɑːtəʊ">tomato</phoneme>.</speak>',
    ),
    Example(
        "lang", "<lang xml:lang>",
        "Switch language for a phrase (en-US, en-GB, es, fr, hi, it, ja, pt-BR, zh).",
        '<speak>In Paris they say <lang xml:lang="fr">bonjour tout le monde</lang>.</speak>',
    ),
    Example(
        "voice", "<voice name>",
        "Switch to another voice mid-document: any stock voice or one of your cloned voices.",
        '<speak>Hello, I am Heart. <voice name="bm_george">And I am George, from London.'
        "</voice></speak>",
    ),
]  # fmt: skip
BY_SLUG = {example.slug: example for example in EXAMPLES}
