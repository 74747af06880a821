"""Text normalisation: written forms (numbers, money, dates, symbols...) to spoken words.

Every language is a list of rules applied in order, most specific first: an e-mail address
before a bare "@", a phone number before a range, a date before a plain number. English is
here; French, Spanish, Italian, Portuguese and Hindi are in ``normalize_intl``, Japanese and
Mandarin in ``normalize_cjk``.
"""

import functools
import re
from collections.abc import Callable

from .normalize_dates import (
    clock_24h,
    clock_ampm,
    day_month,
    day_month_pattern,
    iso_date,
    month_day,
    month_day_pattern,
    month_year,
    month_year_pattern,
    numeric_date,
)
from .normalize_numbers import (
    cardinal,
    decimal,
    digits,
    ordinal,
    plural_number,
    year,
)
from .normalize_words import (
    ABBREVIATIONS,
    AMBIGUOUS_UNITS,
    BEFORE_NUMBER,
    BRITISH_SPELLING,
    COUNTED,
    DIGITS,
    ERAS,
    LETTER_ABBREVIATIONS,
    MONEY,
    MONTHS,
    NEVER_FINAL,
    NOT_NAMES,
    ROMAN,
    ROMAN_VALUES,
    SCALES,
    SYMBOLS,
    TITLES,
    UNITS,
    UPPER_CASE_UNITS,
    YEAR_CUES,
)

# The SSML say-as reader names months through this module.
_MONTHS = MONTHS

Rule = tuple[re.Pattern[str], Callable[[re.Match[str]], str]]


def normalize(text: str, *, lang: str) -> str:
    """Spoken form of ``text`` for Kokoro language ``lang`` (a, b, e, f, h, i, j, p, z)."""
    if lang in ("a", "b"):
        text = normalize_english(text, british=lang == "b")
    elif lang in ("j", "z"):
        from .normalize_cjk import normalize_cjk

        text = normalize_cjk(text, lang=lang)
    else:
        from .normalize_intl import LOCALES, normalize_locale

        if lang in LOCALES:
            text = normalize_locale(text, lang=lang)
    return " ".join(text.split())


def normalize_english(text: str, *, british: bool = False) -> str:
    for pattern, replace in _english_rules(british):
        text = pattern.sub(replace, text)
    return text


# -- English rules --------------------------------------------------------------------------

_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"


@functools.cache
def _english_rules(british: bool) -> list[Rule]:
    def number(m: re.Match[str]) -> str:
        return decimal(m.group(0), british)

    return [
        (re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b"), _email),
        (re.compile(r"\b(?:https?://|www\.)[^\s<>\"]+[^\s<>\".,;:!?)]"), _url),
        (re.compile(r"\b[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|io|dev|edu|gov|ai|co\.uk)\b"), _url),
        *_phone_rules(),
        (re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b"), lambda m: iso_date(m, british)),
        (
            re.compile(r"\b(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|(?<=/)\d{2})\b"),
            lambda m: numeric_date(m, british),
        ),
        (re.compile(day_month_pattern()), lambda m: day_month(m, british)),
        (re.compile(month_day_pattern()), lambda m: month_day(m, british)),
        (re.compile(month_year_pattern()), lambda m: month_year(m, british)),
        # Opening hours: "9:30-17:00", "9am-5pm", "1-3 pm" are a span of time, not a minus.
        (re.compile(rf"(?<![\w.:,-])({_CLOCK})\s?[-–—]\s?(?=\d{{1,2}}(?!\d))"), r"\1 to "),
        (re.compile(rf"(?<![\w.:,-])(\d{{1,2}})\s?[-–—]\s?(?={_AMPM})"), r"\1 to "),
        (
            re.compile(r"\b(\d{1,2})(?:[:.](\d{2}))?(?::(\d{2}))?\s?([AaPp])\.?\s?[Mm]\b(\.)?"),
            clock_ampm,
        ),
        (
            re.compile(r"(?<![\d:.,])([01]?\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?(?![\d:])"),
            lambda m: clock_24h(m, british),
        ),
        (_range_pattern(), _range),
        (_money_before_pattern(), lambda m: _money_before(m, british)),
        (_money_after_pattern(), lambda m: _money_after(m, british)),
        (re.compile(r"\b(\d{1,2})¢"), lambda m: f"{cardinal(m.group(1))} cents"),
        (re.compile(r"(-?(?:" + _NUMBER + r"))\s?%"), lambda m: f"{_signed(m, british)} percent"),
        (re.compile(r"\b(\d+)(st|nd|rd|th)\b", re.IGNORECASE), lambda m: _ordinal(m, british)),
        (re.compile(r"\b(1[1-9]\d0|20\d0)s\b"), lambda m: plural_number(year(m.group(1)))),
        (re.compile(r"(?:\B['’])?\b(\d0)s\b"), lambda m: plural_number(cardinal(m.group(1)))),
        (re.compile(r"(?<![\w'’])['’](\d{2})\b(?!['’])"), _short_year),
        (_unit_pattern(), lambda m: _unit(m, british)),
        (re.compile(r"\b(\d+(?:\.\d+)?)x\b"), lambda m: f"{decimal(m.group(1), british)} times"),
        # "30p" is pence; "720p", "1080p" (video) keep their letter.
        (re.compile(r"\b(\d{1,2})p\b"), lambda m: f"{cardinal(m.group(1))} {_pence(m)}"),
        (re.compile(r"\b(\d+)K\b"), lambda m: f"{cardinal(m.group(1))} K"),
        (re.compile(r"\bQ([1-4])\b"), lambda m: f"Q {cardinal(m.group(1))}"),
        (_letter_abbreviation_pattern(), _letter_abbreviation),
        (re.compile(r"\b(No|Nos|Vol|Ch|p|pp|Ext|Fig)\.\s?(?=\d)", re.IGNORECASE), _before_number),
        (re.compile(r"#(?=\d)"), lambda m: "number "),
        (re.compile(r"\b([A-Za-z]{2,6})\.(?=\s|$)"), _abbreviation),
        (re.compile(rf"\b([A-Z][a-z]+)\s+({ROMAN})\b(?!['’](?:m|ll|d|ve|re)\b)"), _roman),
        (
            # A comma after a year ends a phrase ("In 1987, the"); one followed by digits is a
            # thousands separator ("1,987").
            re.compile(r"(?<![\w,.$€£¥₹#-])(1\d{3}|20\d{2})(?!\w|[.,]\d)(?:\s+(AD|BC|BCE|CE)\b)?"),
            lambda m: _maybe_year(m, british),
        ),
        (re.compile(r"\b24/7\b"), lambda m: "twenty four seven"),
        (re.compile(r"\b(\d+)\s+(\d+)/(\d+)\b"), lambda m: _mixed_fraction(m, british)),
        (re.compile(r"\b(\d+)/(\d+)\b"), _fraction),
        (re.compile(r"(?<![\w.])-(?=\.?\d)"), lambda m: "minus "),
        (re.compile(_NUMBER + r"|\.\d+"), number),
        (re.compile(r"[&+=%@#×÷~<>°§©®™½¼¾/*_|•]"), lambda m: SYMBOLS[m.group(0)]),
    ]


# A clock time with minutes or AM/PM ("9:30", "5pm", "7 a.m."), and one with AM/PM.
_CLOCK = r"\d{1,2}(?::[0-5]\d(?:\s?[AaPp]\.?[Mm]\b\.?)?|\s?[AaPp]\.?[Mm]\b\.?)"
_AMPM = r"\d{1,2}(?::[0-5]\d)?\s?[AaPp]\.?[Mm]\b"


def _pence(m: re.Match[str]) -> str:
    return "penny" if m.group(1) == "1" else "pence"


def _email(m: re.Match[str]) -> str:
    user, _, domain = m.group(0).partition("@")
    return f"{_spell_address(user)} at {_spell_address(domain)}"


def _url(m: re.Match[str]) -> str:
    url = re.sub(r"^https?://", "", m.group(0))
    host, slash, path = url.partition("/")
    spoken = _spell_address(host)
    if path.strip("/"):
        spoken += " slash " + " slash ".join(_spell_address(p) for p in path.split("/") if p)
    return spoken


def _spell_address(part: str) -> str:
    """Read dots, dashes and digits of an address aloud; "www" letter by letter."""
    part = re.sub(r"\bwww\b", "w w w", part)
    part = part.replace(".", " dot ").replace("-", " dash ").replace("_", " underscore ")
    part = re.sub(r"\d", lambda d: f" {DIGITS[int(d.group(0))]} ", part)
    part = part.replace("?", " question mark ").replace("=", " equals ").replace("&", " and ")
    return " ".join(part.split())


# -- phone numbers --------------------------------------------------------------------------


def _phone_rules() -> list[Rule]:
    return [
        # International: +44 20 7946 0958, +1 (555) 123-4567, +33 1 23 45 67 89
        (re.compile(r"(?<![\w+])\+\d{1,3}(?:[ .-]?\(?\d{1,5}\)?){2,6}(?![\d-])"), _phone),
        # North American: (555) 123-4567, 555-123-4567, 555.123.4567, 1-800-555-0199
        (
            re.compile(
                r"(?<![\w.,-])(?:1[ .-])?(?:\(\d{3}\)\s?|\d{3}[ .-])\d{3}[ .-]\d{4}(?![\w-]|\.\d)"
            ),
            _phone,
        ),
        # A local seven-digit number: 555-0199
        (re.compile(r"(?<![\w.,-])\d{3}-\d{4}(?![\w-]|\.\d)"), _phone),
        # British national numbers start with 0: 020 7946 0958, 07700 900123, 0161 496 0000
        (re.compile(r"(?<![\w.,-])0\d{2,4}[ -]\d{3,6}(?:[ -]\d{3,4})?(?![\w-]|\.\d)"), _phone),
    ]


def _phone(m: re.Match[str]) -> str:
    written = m.group(0)
    groups = re.findall(r"\d+", written)
    if sum(len(g) for g in groups) < 7:
        return written
    # Digits one by one, a pause between the groups as written, zero read as "oh".
    spoken = ", ".join(digits(g, zero="oh") for g in groups)
    return ("plus " if written.startswith("+") else "") + spoken


# -- ranges, money, percentages -------------------------------------------------------------


def _range_pattern() -> re.Pattern[str]:
    amount = r"(\d[\d,]*(?:\.\d+)?)"
    return re.compile(
        rf"(?<![\w.,-])([$€£¥₹]?){amount}\s?[-–—]\s?([$€£¥₹]?){amount}(?![\w-]|[.,]\d|\s?[/:])"
        r"(?!\s?(?:st|nd|rd|th)\b)"
    )


def _range(m: re.Match[str]) -> str:
    """ "10-12" is "10 to 12"; the numbers (and a currency written once) are read later."""
    first_symbol, first, second_symbol, second = m.groups()
    return f"{first_symbol}{first} to {second_symbol or first_symbol}{second}"


_SCALE_WORD = r"(\s?(?:thousand|million|billion|trillion)|(?:bn|mn|tn|[kmbt]))\b"


def _money_before_pattern() -> re.Pattern[str]:
    symbols = "|".join(re.escape(s) for s in sorted(MONEY, key=len, reverse=True))
    return re.compile(
        rf"(-)?(?<![\w$])({symbols})\s?(\d{{1,3}}(?:,\d{{3}})+|\d+)(?:\.(\d+))?(?:{_SCALE_WORD})?",
        re.IGNORECASE,
    )


def _money_after_pattern() -> re.Pattern[str]:
    """ "20 €", "15.50 USD", "3 million EUR": the amount first, then a symbol or a code."""
    symbols = "|".join(re.escape(s) for s in sorted(MONEY, key=len, reverse=True) if "$" not in s)
    return re.compile(
        rf"(-)?\b(\d{{1,3}}(?:,\d{{3}})+|\d+)(?:\.(\d+))?(?:{_SCALE_WORD})?\s?({symbols})(?!\w)"
    )


def _money_before(m: re.Match[str], british: bool) -> str:
    sign, unit, whole, frac, scale = m.groups()
    return _money(sign, unit, whole, frac, scale, british) or m.group(0)


def _money_after(m: re.Match[str], british: bool) -> str:
    sign, whole, frac, scale, unit = m.groups()
    return _money(sign, unit, whole, frac, scale, british) or m.group(0)


def _money(
    sign: str | None, unit: str, whole: str, frac: str | None, scale: str | None, british: bool
) -> str | None:
    key = unit if unit in MONEY else unit.upper()
    if key not in MONEY:
        return None
    one, many, sub_one, sub_many = MONEY[key]
    value = int(whole.replace(",", ""))
    minus = "minus " if sign else ""
    if scale:
        amount = decimal(f"{value}.{frac}" if frac else str(value), british)
        return f"{minus}{amount} {SCALES[scale.strip().lower()]} {many}"
    cents = int((frac + "0")[:2]) if frac and sub_one else 0
    if value == 0 and cents:
        return f"{minus}{cardinal(cents)} {sub_one if cents == 1 else sub_many}"
    if frac and not sub_one:
        return f"{minus}{decimal(f'{value}.{frac}', british)} {many}"
    spoken = f"{cardinal(value, british=british)} {one if value == 1 else many}"
    if cents:
        if british and key in ("£", "GBP"):
            spoken += f" {cardinal(cents)}"  # "three pounds fifty"
        else:
            spoken += f" and {cardinal(cents)} {sub_one if cents == 1 else sub_many}"
    return minus + spoken


def _signed(m: re.Match[str], british: bool) -> str:
    text = m.group(1)
    if text.startswith("-"):
        return "minus " + decimal(text[1:], british)
    return decimal(text, british)


def _ordinal(m: re.Match[str], british: bool) -> str:
    return ordinal(m.group(1), british=british)


# -- units, abbreviations, Roman numerals, years --------------------------------------------


def _unit_pattern() -> re.Pattern[str]:
    units = "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))
    return re.compile(rf"(-?(?:{_NUMBER}))\s?({units})(?![\w/²])", re.IGNORECASE)


def _unit(m: re.Match[str], british: bool) -> str:
    value, written = m.group(1), m.group(2)
    unit = written.lower()
    if unit in AMBIGUOUS_UNITS:
        after = m.string[m.end() :]
        expected = written.upper() if unit in UPPER_CASE_UNITS else unit
        if written != expected and unit != "l":
            return m.group(0)
        if re.match(r"\s+[a-z]", after) and unit in ("in", "s"):
            return m.group(0)
    if unit in ("mb", "gb", "tb", "kb") and written[0].isupper() and written[-1] == "b":
        return m.group(0)  # "Mb" and "Gb" are bits, left as written
    one, many = UNITS[unit]
    words = one if value in ("1", "-1") else many
    if british:
        for us, uk in BRITISH_SPELLING.items():
            words = words.replace(us, uk)
    amount = "minus " + decimal(value[1:], british) if value.startswith("-") else None
    return f"{amount or decimal(value, british)} {words}"


def _letter_abbreviation_pattern() -> re.Pattern[str]:
    return re.compile("|".join(re.escape(k) for k in LETTER_ABBREVIATIONS))


def _letter_abbreviation(m: re.Match[str]) -> str:
    # "in the U.S." ends the sentence with the abbreviation's own dot: keep a full stop.
    rest = m.string[m.end() :].lstrip()
    ends = m.group(0).endswith(".") and (not rest or rest[0].isupper())
    return LETTER_ABBREVIATIONS[m.group(0)] + ("." if ends else "")


def _before_number(m: re.Match[str]) -> str:
    return BEFORE_NUMBER[m.group(1).lower()] + " "


def _abbreviation(m: re.Match[str]) -> str:
    key = m.group(1).lower()
    expanded = ABBREVIATIONS.get(key)
    if expanded is None:
        return m.group(0)
    after = m.string[m.end() :]
    before_name = re.match(r"\s+[A-Z]", after) is not None
    if key == "st" and not before_name:
        expanded = "Street"  # "St. Paul" is a saint, "Baker St." a street
    if key == "dr" and not before_name and re.search(r"[A-Z]\w*\s+$", m.string[: m.start()]):
        expanded = "Drive"  # "Elm Dr." is a street
    if m.group(1)[0].isupper():
        expanded = expanded[0].upper() + expanded[1:]
    if key in TITLES and before_name or key in NEVER_FINAL:
        return expanded
    # The dot may also end the sentence ("... and Co. Then"): keep it where one could.
    ends_sentence = before_name or not after.strip()
    return expanded + ("." if ends_sentence else "")


def _roman_value(numeral: str) -> int:
    total = 0
    for i, letter in enumerate(numeral):
        value = ROMAN_VALUES[letter]
        following = ROMAN_VALUES[numeral[i + 1]] if i + 1 < len(numeral) else 0
        total += -value if value < following else value
    return total


def _roman(m: re.Match[str]) -> str:
    """ "Chapter IV" is chapter four, "Henry VIII" Henry the eighth.

    After a name only I, V and X count (so "Malcolm X" and "Washington DC" stay as written),
    and a lone "I" only at the end of a phrase ("Elizabeth I died" could be a pronoun).
    """
    word, numeral = m.group(1), m.group(2)
    value = _roman_value(numeral)
    if word.lower() in COUNTED:
        return f"{word} {cardinal(value)}"
    after = m.string[m.end() :]
    if numeral in ("X", "L", "C") or "L" in numeral or "C" in numeral:
        return m.group(0)
    if word in NOT_NAMES:
        return m.group(0)
    if numeral == "I" and not re.match(r"\s*(?:[,.;:!?)]|$|of\b)", after):
        return m.group(0)
    return f"{word} the {ordinal(value)}"


def _maybe_year(m: re.Match[str], british: bool) -> str:
    """A four-digit number is a year after "in", "since"... or closing a phrase; else a count.

    "in 1998" is "in nineteen ninety eight" but "1500 people" "one thousand five hundred".
    """
    value, era = m.group(1), m.group(2)
    before = re.findall(r"[\w'’]+", m.string[max(0, m.start() - 20) : m.start()])
    after = m.string[m.end() :]
    cue = bool(before) and before[-1].lower() in YEAR_CUES
    closes = bool(re.match(r"\s*(?:[,.;:!?)\"”]|$|['’]s\b|to\s+\d)", after))
    if era or cue or closes or not before:
        spoken = year(value, british=british)
        return f"{spoken} {ERAS[era]}" if era else spoken
    return cardinal(value, british=british) + (f" {ERAS[era]}" if era else "")


def _short_year(m: re.Match[str]) -> str:
    """ "'98" is "ninety eight", "'05" "oh five"."""
    value = int(m.group(1))
    return f"oh {cardinal(value)}" if value < 10 else cardinal(value)


def _mixed_fraction(m: re.Match[str], british: bool) -> str:
    whole, num, den = m.group(1), int(m.group(2)), int(m.group(3))
    if den == 0 or num >= den:
        return m.group(0)
    part = _fraction_words(num, den)
    if num == 1:
        part = "a " + part.removeprefix("one ")  # "one and a half"
    return f"{cardinal(whole, british=british)} and {part}"


def _fraction(m: re.Match[str]) -> str:
    num, den = int(m.group(1)), int(m.group(2))
    if den == 0:
        return m.group(0)
    return _fraction_words(num, den)


def _fraction_words(num: int, den: int) -> str:
    if den == 2:
        return f"{cardinal(num)} {'half' if num == 1 else 'halves'}"
    if den == 4:
        return f"{cardinal(num)} {'quarter' if num == 1 else 'quarters'}"
    name = ordinal(den)
    return f"{cardinal(num)} {name if num == 1 else plural_number(name)}"
