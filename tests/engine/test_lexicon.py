"""Pronunciation rules change what the model is given, and so the audio, in every language."""

import numpy as np
import pytest

from synthesis.engine.lexicon import InvalidLexicon, Lexicon, Rule, parse_pls, rule_checked

IPA = "zˈɔɹbəlɡæk"
# One sentence per language the engine speaks, each holding the word a rule will replace.
SENTENCES = {
    "a": ("We met Speeko yesterday.", "Speeko"),
    "b": ("We met Speeko yesterday.", "Speeko"),
    "e": ("Ayer conocimos a Speeko en Madrid.", "Speeko"),
    "f": ("Hier, nous avons rencontré Speeko à Paris.", "Speeko"),
    "h": ("कल हम Speeko से मिले।", "Speeko"),
    "i": ("Ieri abbiamo incontrato Speeko a Roma.", "Speeko"),
    "j": ("昨日、東京で友達に会いました。", "東京"),
    "p": ("Ontem encontramos Speeko no Rio.", "Speeko"),
    "z": ("昨天我们在北京见面。", "北京"),
}


@pytest.mark.parametrize("lang", sorted(SENTENCES))
def test_a_phoneme_rule_replaces_the_word_s_phonemes_in_every_language(engine, lang):
    sentence, word = SENTENCES[lang]
    plain = " ".join(engine.phonemize(sentence, lang=lang))
    lexicon = Lexicon([Rule(word, phonemes=IPA)])
    ruled = " ".join(engine.phonemize(sentence, lang=lang, lexicon=lexicon))
    assert IPA not in plain and IPA in ruled
    assert ruled != plain


def test_an_alias_is_read_instead_of_the_word(engine):
    lexicon = Lexicon([Rule("WHO", alias="World Health Organization", case_sensitive=True)])
    ruled = " ".join(engine.phonemize("The WHO met. Who knows?", lexicon=lexicon))
    assert "wˈɜɹld" in ruled and "hˈɛlθ" in ruled
    # Case-sensitive: "Who" is not the organisation.
    assert ruled.count("wˈɜɹld") == 1


def test_an_override_changes_the_audio(engine):
    sentence = "We met Speeko yesterday."
    plain = engine.synthesize(sentence)
    ruled = engine.synthesize(sentence, lexicon=Lexicon([Rule("Speeko", phonemes=IPA)]))
    assert len(plain) != len(ruled) or not np.array_equal(plain, ruled)
    again = engine.synthesize(sentence, lexicon=Lexicon([Rule("speeko", phonemes=IPA)]))
    np.testing.assert_array_equal(again, ruled)  # matching ignores case unless told


def test_whole_words_only_and_longest_phrase_first(engine):
    lexicon = Lexicon(
        [Rule("New", alias="Old"), Rule("New York", phonemes="nˈuːjˈɔːk"), Rule("ew", alias="x")]
    )
    ruled = " ".join(engine.phonemize("New York is new. Newest.", lexicon=lexicon))
    assert "nˈuːjˈɔːk" in ruled and "ˈOld" in ruled


def test_rules_are_checked():
    with pytest.raises(InvalidLexicon, match="either phonemes"):
        rule_checked(Rule("x", phonemes="a", alias="b"))
    with pytest.raises(InvalidLexicon, match="no IPA symbol"):
        rule_checked(Rule("x", phonemes="123"))
    with pytest.raises(InvalidLexicon, match="no word"):
        rule_checked(Rule("  ", alias="b"))


PLS = """<?xml version="1.0" encoding="UTF-8"?>
<lexicon version="1.0" xmlns="http://www.w3.org/2005/01/pronunciation-lexicon"
         alphabet="ipa" xml:lang="en-US">
  <lexeme><grapheme>Speeko</grapheme><grapheme>SPEEKO</grapheme>
    <phoneme>spˈikoʊ</phoneme></lexeme>
  <lexeme><grapheme>W3C</grapheme><alias>World Wide Web Consortium</alias></lexeme>
</lexicon>"""


def test_a_pls_file_gives_its_rules():
    rules = parse_pls(PLS.encode())
    assert rules == [
        Rule("Speeko", phonemes="spˈikoʊ"),
        Rule("SPEEKO", phonemes="spˈikoʊ"),
        Rule("W3C", alias="World Wide Web Consortium"),
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<lexicon", "not valid XML"),
        (b"<speak>hi</speak>", "not a PLS lexicon"),
        (PLS.replace('alphabet="ipa"', 'alphabet="x-sampa"').encode(), "only IPA"),
        (b'<!DOCTYPE lexicon [<!ENTITY a "b">]><lexicon/>', "DOCTYPE"),
    ],
)
def test_a_bad_pls_file_is_refused_with_a_reason(data, message):
    with pytest.raises(InvalidLexicon, match=message):
        parse_pls(data)
