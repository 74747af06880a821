"""The spoken statement: the recogniser must hear the one-time code and the speaker's name."""

import numpy as np
import pytest
import soundfile

from tests.voices.conftest import LJ_CONSENT
from voices.evidence.recognise import transcribe
from voices.evidence.statement import spoken_digits, statement_check, words_of
from voices.prompts import spoken_statement

CODE = "549-674"
NAME = "Linda Johnson"


@pytest.mark.parametrize(
    "said",
    [
        "five four nine, six seven four",
        "549 674",
        "549-674",
        "My code is 549 to 674.",
        "five hundred forty-nine, six hundred seventy-four",
        "five hundred and forty nine six hundred and seventy four",
        "fifty-four, ninety-six, seventy-four",
        "five forty-nine six seventy-four",
    ],
)
def test_it_hears_the_code_however_it_is_said(said):
    check = statement_check(transcript=said, code=CODE, speaker_name="", language="en")
    assert check.code_heard


@pytest.mark.parametrize(
    "said",
    ["five four nine, six seven five", "549 675", "five hundred forty-nine", "674 549", ""],
)
def test_it_does_not_hear_another_or_a_partial_code(said):
    check = statement_check(transcript=said, code=CODE, speaker_name="", language="en")
    assert not check.code_heard


def test_it_keeps_leading_zeros_and_repeats():
    assert spoken_digits(words_of("zero four nine, double six four"), language="en") == "049664"
    assert spoken_digits(words_of("five oh nine"), language="en") == "509"


@pytest.mark.parametrize(
    ("transcript", "heard"),
    [
        ("I, Linda Johnson, consent", True),
        ("I Lynda Johnson consent", True),  # recognisers spell names their own way
        ("I, Linda Jones, consent", False),
        ("I, Johnson, consent", False),
        ("I consent", False),
    ],
)
def test_it_hears_each_part_of_the_name(transcript, heard):
    check = statement_check(transcript=transcript, code=CODE, speaker_name=NAME, language="en")
    assert check.name_heard is heard


def _heard(audio, sample_rate, *, code=CODE):
    text = transcribe(audio, sample_rate, language="en").text
    return statement_check(transcript=text, code=code, speaker_name=NAME, language="en"), text


@pytest.mark.model
def test_the_statement_read_aloud_passes(spoken):
    audio, sr = spoken(spoken_statement(speaker_name=NAME, code=CODE))
    check, text = _heard(audio, sr)
    assert check.heard, text


@pytest.mark.model
def test_the_statement_with_another_code_fails(spoken):
    audio, sr = spoken(spoken_statement(speaker_name=NAME, code="318-205"))
    check, text = _heard(audio, sr)
    assert check.name_heard and not check.code_heard, text
    assert not check.heard


@pytest.mark.model
def test_another_sentence_fails(spoken):
    audio, sr = spoken("The birch canoe slid on the smooth planks. Glue the sheet to the board.")
    check, text = _heard(audio, sr)
    assert text  # something was heard, just not the statement
    assert not check.code_heard and not check.name_heard


@pytest.mark.model
def test_silence_fails():
    check, text = _heard(np.zeros(8 * 16_000, dtype=np.float32), 16_000)
    assert text == "" and not check.heard


@pytest.mark.model
def test_a_real_take_of_other_words_fails(speech):
    audio, sr = soundfile.read(speech(LJ_CONSENT), dtype="float32")
    check, text = _heard(audio, sr)
    assert len(text.split()) > 10, text
    assert not check.code_heard and not check.name_heard
