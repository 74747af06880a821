import pytest
from django.core.exceptions import ImproperlyConfigured

from billing.exceptions import BillingError
from billing.pricing import (
    billable_characters,
    characters_for_micros,
    cloning_fee_micros,
    tts_cost_micros,
)


def test_it_sells_167000_stock_characters_for_five_dollars():
    assert tts_cost_micros(167_000, cloned=False) == 5_000_000
    assert characters_for_micros(5_000_000, cloned=False) == 167_000


def test_it_rounds_costs_up_and_allowances_down():
    assert tts_cost_micros(0, cloned=False) == 0
    assert tts_cost_micros(1, cloned=False) == 30  # 29.94... rounded up
    assert tts_cost_micros(1000, cloned=False) == 29_941
    for micros in (1, 29, 30, 999, 123_456, 5_000_000, 7_777_777):
        for cloned in (False, True):
            chars = characters_for_micros(micros, cloned=cloned)
            assert tts_cost_micros(chars, cloned=cloned) <= micros
            assert tts_cost_micros(chars + 1, cloned=cloned) > micros


def test_it_charges_cloned_voices_at_the_multiplier(settings):
    assert tts_cost_micros(167_000, cloned=True) == 10_000_000
    assert characters_for_micros(10_000_000, cloned=True) == 167_000
    settings.BILLING_CLONED_MULTIPLIER = 1.5
    assert tts_cost_micros(167_000, cloned=True) == 7_500_000


def test_it_validates_the_multiplier_range(monkeypatch):
    from speeko_site.env import env_float

    monkeypatch.setenv("BILLING_CLONED_MULTIPLIER", "3.5")
    with pytest.raises(ImproperlyConfigured, match="BILLING_CLONED_MULTIPLIER"):
        env_float("BILLING_CLONED_MULTIPLIER", 2.0, minimum=1.5, maximum=3.0)


def test_it_knows_the_cloning_fees():
    assert cloning_fee_micros("instant") == 500_000
    assert cloning_fee_micros("professional") == 5_000_000
    with pytest.raises(BillingError):
        cloning_fee_micros("deluxe")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hello", 5),
        ("  Hello,   world!  ", 13),
        ("one\n\n\ttwo", 7),
        ("", 0),
        ("   \n ", 0),
        ("héllo wörld", 11),
    ],
)
def test_it_counts_spoken_characters_with_whitespace_runs_as_one(text, expected):
    assert billable_characters(text) == expected


def test_it_does_not_bill_ssml_markup():
    ssml = '<speak>Hello <break time="500ms"/>   <emphasis level="strong">world</emphasis></speak>'
    assert billable_characters(ssml, ssml=True) == len("Hello world")
    # The same text without ssml=True is billed as typed, markup included.
    assert billable_characters(ssml) > len("Hello world")
