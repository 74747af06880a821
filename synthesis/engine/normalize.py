"""Text normalisation: written forms (numbers, money, dates, symbols...) to spoken words.

English gets the full treatment, rule by rule, most specific first (an e-mail address
before a bare "@", a date before a plain number). Other espeak languages get numbers,
ordinals, percents and currency through num2words; Japanese and Mandarin front-ends read
numbers themselves.
"""

import re
from collections.abc import Callable

from num2words import num2words

Rule = tuple[re.Pattern[str], Callable[[re.Match[str]], str]]

_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_MONTH_ABBR = {m[:3].lower(): m for m in _MONTHS} | {"sept": "September"}
_DIGITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]

_ABBREVIATIONS = {
    "mr": "Mister",
    "mrs": "Missus",
    "ms": "Miz",
    "dr": "Doctor",
    "prof": "Professor",
    "sr": "Senior",
    "jr": "Junior",
    "st": "Saint",
    "mt": "Mount",
    "gen": "General",
    "gov": "Governor",
    "sgt": "Sergeant",
    "capt": "Captain",
    "lt": "Lieutenant",
    "vs": "versus",
    "etc": "et cetera",
    "approx": "approximately",
    "dept": "department",
    "est": "established",
    "inc": "Incorporated",
    "ltd": "Limited",
    "co": "Company",
    "corp": "Corporation",
    "ave": "Avenue",
    "blvd": "Boulevard",
    "rd": "Road",
    "fig": "figure",
    "min": "minutes",
    "max": "maximum",
}
_TITLES = {"mr", "mrs", "ms", "dr", "prof", "st", "mt", "gen", "gov", "sgt", "capt", "lt"}
_LETTER_ABBREVIATIONS = {
    "e.g.": "for example",
    "i.e.": "that is",
    "a.m.": "a m",
    "p.m.": "p m",
    "U.S.": "U S",
    "U.K.": "U K",
}

_UNITS = {
    "km": ("kilometer", "kilometers"),
    "m": ("meter", "meters"),
    "cm": ("centimeter", "centimeters"),
    "mm": ("millimeter", "millimeters"),
    "mi": ("mile", "miles"),
    "ft": ("foot", "feet"),
    "in": ("inch", "inches"),
    "kg": ("kilogram", "kilograms"),
    "g": ("gram", "grams"),
    "mg": ("milligram", "milligrams"),
    "lb": ("pound", "pounds"),
    "lbs": ("pound", "pounds"),
    "oz": ("ounce", "ounces"),
    "l": ("liter", "liters"),
    "ml": ("milliliter", "milliliters"),
    "mph": ("mile per hour", "miles per hour"),
    "km/h": ("kilometer per hour", "kilometers per hour"),
    "kph": ("kilometer per hour", "kilometers per hour"),
    "s": ("second", "seconds"),
    "sec": ("second", "seconds"),
    "ms": ("millisecond", "milliseconds"),
    "h": ("hour", "hours"),
    "hr": ("hour", "hours"),
    "hrs": ("hour", "hours"),
    "kb": ("kilobyte", "kilobytes"),
    "mb": ("megabyte", "megabytes"),
    "gb": ("gigabyte", "gigabytes"),
    "tb": ("terabyte", "terabytes"),
    "hz": ("hertz", "hertz"),
    "khz": ("kilohertz", "kilohertz"),
    "mhz": ("megahertz", "megahertz"),
    "ghz": ("gigahertz", "gigahertz"),
    "v": ("volt", "volts"),
    "w": ("watt", "watts"),
    "kw": ("kilowatt", "kilowatts"),
    "kwh": ("kilowatt hour", "kilowatt hours"),
    "°c": ("degree Celsius", "degrees Celsius"),
    "°f": ("degree Fahrenheit", "degrees Fahrenheit"),
    "°": ("degree", "degrees"),
}
_CURRENCIES = {
    "$": ("dollar", "dollars", "cent", "cents"),
    "€": ("euro", "euros", "cent", "cents"),
    "£": ("pound", "pounds", "penny", "pence"),
    "¥": ("yen", "yen", "", ""),
    "₹": ("rupee", "rupees", "paisa", "paise"),
}
_SCALES = {
    "k": "thousand",
    "thousand": "thousand",
    "m": "million",
    "mn": "million",
    "million": "million",
    "b": "billion",
    "bn": "billion",
    "billion": "billion",
    "t": "trillion",
    "trillion": "trillion",
}
_SYMBOLS = {
    "&": " and ",
    "+": " plus ",
    "=": " equals ",
    "%": " percent ",
    "@": " at ",
    "#": " number ",
    "×": " times ",
    "÷": " divided by ",
    "~": " about ",
    "<": " less than ",
    ">": " greater than ",
    "°": " degrees ",
    "§": " section ",
    "©": " copyright ",
    "®": " registered ",
    "™": " trademark ",
    "½": " one half ",
    "¼": " one quarter ",
    "¾": " three quarters ",
    "/": " slash ",
    "*": " ",
    "_": " ",
    "|": ", ",
    "•": ", ",
}
_NUM2WORDS_LANG = {"e": "es", "f": "fr", "i": "it", "p": "pt_BR"}
_CURRENCY_WORDS = {
    "e": ("euros", "dólares"),
    "f": ("euros", "dollars"),
    "i": ("euro", "dollari"),
    "p": ("euros", "dólares"),
}
_PERCENT_WORD = {"e": "por ciento", "f": "pour cent", "i": "per cento", "p": "por cento"}


def normalize(text: str, *, lang: str) -> str:
    """Spoken form of ``text`` for Kokoro language ``lang`` (a, b, e, f, h, i, j, p, z)."""
    if lang in ("a", "b"):
        text = normalize_english(text, british=lang == "b")
    elif lang in _NUM2WORDS_LANG:
        text = _normalize_with_num2words(text, _NUM2WORDS_LANG[lang], lang)
    return " ".join(text.split())


def normalize_english(text: str, *, british: bool = False) -> str:
    for pattern, replace in _english_rules(british):
        text = pattern.sub(replace, text)
    return text


# -- numbers --------------------------------------------------------------------------------


def cardinal(number: str | int | float, *, british: bool = False) -> str:
    """Words for a number; American English drops the "and" in "one hundred and five"."""
    value = _to_number(number)
    words = num2words(value).replace(",", "")
    if not british:
        words = words.replace(" and ", " ")
    return words.replace("-", " ")


def ordinal(number: str | int, *, british: bool = False) -> str:
    words = num2words(int(str(number).replace(",", "")), to="ordinal").replace(",", "")
    if not british:
        words = words.replace(" and ", " ")
    return words.replace("-", " ")


def year(number: str | int) -> str:
    value = int(number)
    if 2000 <= value <= 2009:
        return cardinal(value)
    return num2words(value, to="year").replace("-", " ").replace(" and ", " ")


def digits(text: str) -> str:
    return " ".join(_DIGITS[int(d)] for d in text if d.isdigit())


def _to_number(number: str | int | float) -> int | float:
    if isinstance(number, int | float):
        return number
    clean = number.replace(",", "")
    return float(clean) if "." in clean else int(clean)


def _decimal(text: str, british: bool) -> str:
    whole, _, frac = text.replace(",", "").partition(".")
    words = cardinal(whole or "0", british=british)
    return f"{words} point {digits(frac)}" if frac else words


# -- English rules --------------------------------------------------------------------------


def _english_rules(british: bool) -> list[Rule]:
    def number(m: re.Match[str]) -> str:
        return _decimal(m.group(0), british)

    return [
        (re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b"), _email),
        (re.compile(r"\b(?:https?://|www\.)[^\s<>\"]+[^\s<>\".,;:!?)]"), _url),
        (re.compile(r"\b[\w-]+\.(?:com|org|net|io|dev|edu|gov)\b"), _url),
        (re.compile(r"(?<!\w)(?:\+?1[ .-]?)?\(?\b\d{3}\)?[ .-]\d{3}[ .-]\d{4}\b"), _phone),
        (re.compile(r"(?<!\w)\+\d{1,3}(?:[ .-]\d{2,4}){2,5}\b"), _phone),
        (re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b"), _iso_date),
        (re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b"), lambda m: _slash_date(m, british)),
        (
            re.compile(r"\b(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([ap])\.?\s?m\b", re.IGNORECASE),
            _time,
        ),
        (re.compile(r"\b(\d{1,2})\s*([ap])\.?m\b", re.IGNORECASE), _hour_ampm),
        (re.compile(r"\b([01]?\d|2[0-3]):([0-5]\d)\b"), _time),
        (re.compile(_month_day_pattern(), re.IGNORECASE), _month_day),
        (re.compile(_day_month_pattern(), re.IGNORECASE), _day_month),
        (_currency_pattern(), lambda m: _money(m, british)),
        (re.compile(r"(-?\d+(?:\.\d+)?)\s?%"), lambda m: f"{_signed(m.group(1), british)} percent"),
        (re.compile(r"\b(\d+)(st|nd|rd|th)\b", re.IGNORECASE), lambda m: ordinal(m.group(1))),
        (re.compile(r"\b(1[1-9]\d0)s\b"), _decade),
        (re.compile(r"\b(\d{2})s\b"), lambda m: _plural_number(cardinal(m.group(1)))),
        (_unit_pattern(), lambda m: _unit(m, british)),
        (_letter_abbreviation_pattern(), lambda m: _LETTER_ABBREVIATIONS[m.group(0)]),
        (re.compile(r"\bNo\.\s?(?=\d)"), lambda m: "number "),
        (re.compile(r"\b([A-Za-z]{2,5})\.(?=\s|$)"), _abbreviation),
        (re.compile(r"(?<![\d,.])(1[1-9]\d\d|20[0-4]\d)(?![\d,.])\b"), _lone_year),
        (re.compile(r"\b(\d+)\s?-\s?(\d+)\b"), lambda m: _range(m, british)),
        (re.compile(r"\b(\d+)/(\d+)\b"), _fraction),
        (re.compile(r"(?<![\w.])-(?=\d)"), lambda m: "minus "),
        (re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+"), number),
        (re.compile(r"[&+=%@#×÷~<>°§©®™½¼¾/*_|•]"), lambda m: _SYMBOLS[m.group(0)]),
    ]


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
    part = re.sub(r"\d", lambda d: f" {_DIGITS[int(d.group(0))]} ", part)
    part = part.replace("?", " question mark ").replace("=", " equals ").replace("&", " and ")
    return " ".join(part.split())


def _phone(m: re.Match[str]) -> str:
    groups = re.findall(r"\d+", m.group(0))
    spoken = ", ".join(digits(g) for g in groups)
    return ("plus " if m.group(0).startswith("+") else "") + spoken


def _iso_date(m: re.Match[str]) -> str:
    y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return m.group(0)
    return f"{_MONTHS[mo - 1]} {ordinal(d)}, {year(y)}"


def _slash_date(m: re.Match[str], british: bool) -> str:
    a, b, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
    month, day = (b, a) if british or a > 12 else (a, b)
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return m.group(0)
    if british:
        return f"the {ordinal(day)} of {_MONTHS[month - 1]} {year(y)}"
    return f"{_MONTHS[month - 1]} {ordinal(day)}, {year(y)}"


def _month_day_pattern() -> str:
    months = "|".join([*_MONTHS, *(a.title() for a in _MONTH_ABBR)])
    return rf"\b({months})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(\d{{4}})\b)?"


def _day_month_pattern() -> str:
    months = "|".join([*_MONTHS, *(a.title() for a in _MONTH_ABBR)])
    return rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({months})\b(?:,?\s+(\d{{4}})\b)?"


def _month_name(text: str) -> str:
    return _MONTH_ABBR.get(text.lower()[:4].rstrip("."), None) or _MONTH_ABBR[text.lower()[:3]]


def _month_day(m: re.Match[str]) -> str:
    spoken = f"{_month_name(m.group(1))} {ordinal(m.group(2))}"
    return f"{spoken}, {year(m.group(3))}" if m.group(3) else spoken


def _day_month(m: re.Match[str]) -> str:
    spoken = f"the {ordinal(m.group(1))} of {_month_name(m.group(2))}"
    return f"{spoken} {year(m.group(3))}" if m.group(3) else spoken


def _time(m: re.Match[str]) -> str:
    hour, minute = int(m.group(1)), int(m.group(2))
    ampm = m.group(4) if m.lastindex and m.lastindex >= 4 else None
    if minute == 0:
        spoken = cardinal(hour) + ("" if ampm else " hundred" if hour >= 13 else " o'clock")
    elif minute < 10:
        spoken = f"{cardinal(hour)} oh {cardinal(minute)}"
    else:
        spoken = f"{cardinal(hour)} {cardinal(minute)}"
    return f"{spoken} {ampm.lower()} m" if ampm else spoken


def _hour_ampm(m: re.Match[str]) -> str:
    return f"{cardinal(m.group(1))} {m.group(2).lower()} m"


def _currency_pattern() -> re.Pattern[str]:
    symbols = re.escape("".join(_CURRENCIES))
    scales = "|".join(sorted(_SCALES, key=len, reverse=True))
    return re.compile(
        rf"(-)?([{symbols}])\s?(\d{{1,3}}(?:,\d{{3}})+|\d+)(?:\.(\d+))?(?:\s?({scales})\b)?",
        re.IGNORECASE,
    )


def _money(m: re.Match[str], british: bool) -> str:
    one, many, sub_one, sub_many = _CURRENCIES[m.group(2)]
    whole = int(m.group(3).replace(",", ""))
    frac, scale = m.group(4), m.group(5)
    sign = "minus " if m.group(1) else ""
    if scale:
        amount = _decimal(f"{whole}.{frac}" if frac else str(whole), british)
        return f"{sign}{amount} {_SCALES[scale.lower()]} {many}"
    spoken = f"{cardinal(whole, british=british)} {one if whole == 1 else many}"
    if frac and sub_one:
        cents = int((frac + "0")[:2])
        if cents:
            spoken += f" and {cardinal(cents)} {sub_one if cents == 1 else sub_many}"
    return sign + spoken


def _signed(text: str, british: bool) -> str:
    if text.startswith("-"):
        return "minus " + _decimal(text[1:], british)
    return _decimal(text, british)


def _decade(m: re.Match[str]) -> str:
    return _plural_number(year(m.group(1)))


def _plural_number(words: str) -> str:
    if words.endswith("y"):
        return words[:-1] + "ies"
    return words + "s"


def _unit_pattern() -> re.Pattern[str]:
    units = "|".join(re.escape(u) for u in sorted(_UNITS, key=len, reverse=True))
    return re.compile(rf"(\d+(?:\.\d+)?)\s?({units})(?![\w/])", re.IGNORECASE)


def _unit(m: re.Match[str], british: bool) -> str:
    value, unit = m.group(1), m.group(2).lower()
    if unit in ("in", "m", "s", "h", "g", "l", "v", "w") and m.group(2) != m.group(2).lower():
        return m.group(0)  # "5 M" or "10 V" are ambiguous in running text; leave to later rules
    one, many = _UNITS[unit]
    return f"{_decimal(value, british)} {one if value == '1' else many}"


def _letter_abbreviation_pattern() -> re.Pattern[str]:
    return re.compile("|".join(re.escape(k) for k in _LETTER_ABBREVIATIONS))


def _abbreviation(m: re.Match[str]) -> str:
    key = m.group(1).lower()
    expanded = _ABBREVIATIONS.get(key)
    if expanded is None:
        return m.group(0)
    before_name = re.match(r"\s+[A-Z]", m.string[m.end() :]) is not None
    if key == "st" and not before_name:
        expanded = "Street"  # "St. Paul" is a saint, "Baker St." a street
    if key in _TITLES and before_name:
        return expanded
    # The dot may also end the sentence ("... and Co. Then"): keep it where one could.
    ends_sentence = before_name or not m.string[m.end() :].strip()
    return expanded + ("." if ends_sentence else "")


def _lone_year(m: re.Match[str]) -> str:
    return year(m.group(1))


def _range(m: re.Match[str], british: bool) -> str:
    return f"{cardinal(m.group(1), british=british)} to {cardinal(m.group(2), british=british)}"


def _fraction(m: re.Match[str]) -> str:
    num, den = int(m.group(1)), int(m.group(2))
    if den == 0:
        return m.group(0)
    if den == 2:
        return f"{cardinal(num)} {'half' if num == 1 else 'halves'}"
    if den == 4:
        return f"{cardinal(num)} {'quarter' if num == 1 else 'quarters'}"
    name = ordinal(den)
    return f"{cardinal(num)} {name if num == 1 else _plural_number(name)}"


# -- other languages ------------------------------------------------------------------------


def _normalize_with_num2words(text: str, lang: str, code: str) -> str:
    def words(value: str) -> str:
        try:
            return num2words(
                _to_number(value.replace(",", ".") if "," in value else value), lang=lang
            )
        except (NotImplementedError, ValueError, OverflowError):
            return value

    text = re.sub(
        r"(\d+(?:[.,]\d+)?)\s?%", lambda m: f"{words(m.group(1))} {_PERCENT_WORD[code]}", text
    )
    euro, dollar = _CURRENCY_WORDS[code]
    text = re.sub(
        r"(\d+)\s?€|€\s?(\d+)", lambda m: f"{words(m.group(1) or m.group(2))} {euro}", text
    )
    text = re.sub(
        r"(\d+)\s?\$|\$\s?(\d+)", lambda m: f"{words(m.group(1) or m.group(2))} {dollar}", text
    )
    return re.sub(r"\d+(?:[.,]\d+)?", lambda m: words(m.group(0)), text)
