"""English number words: cardinals, ordinals, years, digit strings, decimals."""

from num2words import num2words

from .normalize_words import DIGITS


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


def year(number: str | int, *, british: bool = False) -> str:
    """A year as people say it: "nineteen ninety eight", "two thousand (and) five"."""
    value = int(number)
    if 2000 <= value <= 2009 or value < 1000 or value % 1000 == 0:
        return cardinal(value, british=british)
    century, rest = divmod(value, 100)
    if rest == 0:
        return f"{cardinal(century)} hundred"
    if rest < 10:
        return f"{cardinal(century)} oh {cardinal(rest)}"
    return f"{cardinal(century)} {cardinal(rest)}"


def digits(text: str, *, zero: str = "zero") -> str:
    return " ".join(zero if d == "0" else DIGITS[int(d)] for d in text if d.isdigit())


def _to_number(number: str | int | float) -> int | float:
    if isinstance(number, int | float):
        return number
    clean = number.replace(",", "")
    return float(clean) if "." in clean else int(clean)


def decimal(text: str, british: bool) -> str:
    whole, _, frac = text.replace(",", "").partition(".")
    if not whole:
        return f"point {digits(frac)}"
    if len(whole) > 1 and whole.startswith("0") or len(whole) > 12:
        words = digits(whole)  # "007", account and serial numbers: digit by digit
    else:
        words = cardinal(whole or "0", british=british)
    return f"{words} point {digits(frac)}" if frac else words


def plural_number(words: str) -> str:
    if words.endswith("y"):
        return words[:-1] + "ies"
    if words.endswith("x"):
        return words + "es"
    return words + "s"
