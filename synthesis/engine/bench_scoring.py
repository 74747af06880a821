"""Word error rate that counts misreadings, not Whisper's way of writing numbers.

Whisper writes "21:40" as "2140", "42,000" as "42000", "nineteen ninety-eight" as "1998": the
same speech, other characters. Both sides go through the normaliser (digits to words), then
every run of number words becomes one token: the digits it names, and how it was grouped
when spoken ("nineteen ninety eight" is 19|98, "one thousand nine hundred ninety eight" is
1998, "five five five oh one four seven" is 5|5|5|0|1|4|7). Two number tokens match when
their digits agree and so does their grouping, except that a number the transcript wrote
as bare digits ("2140", "21:40", "1,998") says nothing about how it was spoken, so any
grouping of the same digits matches it. The reference always has its grouping (the
normaliser's reading), so a year spoken as a cardinal, a phone number read as a range or
a repeated word still count as errors when the transcript spells them out.
"""

import re

from .normalize import normalize_english

_UNITS = {
    "zero": 0, "oh": 0, "nought": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9,
}  # fmt: skip
_TEENS = {
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
_SCALES = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
_NUMBER_WORDS = {**_UNITS, **_TEENS, **_TENS, "hundred": 100, **_SCALES}
# Digits as a transcript writes a bare number: not money, a decimal, an ordinal, a unit or a
# percentage, which the normaliser reads in full on both sides anyway.
_BARE = re.compile(r"(?<![\w.$€£¥₹+/-])(\d{1,3}(?:,\d{3})+|\d{1,2}:\d{2}|\d+)(?![\w%°]|[.,:]\d)")
UNKNOWN = "?"


def plain_words(text: str, *, british: bool = False) -> list[str]:
    """Spoken, lower-case words: the text through the normaliser, punctuation dropped."""
    spoken = normalize_english(text, british=british).lower().replace("-", " ")
    return re.sub(r"[^a-z0-9' ]+", " ", spoken).split()


def canonical_words(text: str, *, british: bool = False, transcript: bool = False) -> list[str]:
    """``plain_words`` with every run of number words one token (see the module docstring).

    ``transcript``: numbers written as bare digits match any grouping of those digits.
    """
    bare = set()
    if transcript:
        bare = {re.sub(r"[,:]", "", m.group(1)) for m in _BARE.finditer(text)}
    out: list[str] = []
    words = plain_words(text, british=british)
    i = 0
    while i < len(words):
        end = _run_end(words, i)
        if end == i:
            out.append(words[i])
            i += 1
            continue
        groups = _groups(words[i:end])
        digits = "".join(str(g) for g in groups)
        reading = UNKNOWN if digits in bare else ".".join(str(g) for g in groups)
        out.append(f"#{digits}|{reading}")
        i = end
    return out


def same_word(a: str, b: str) -> bool:
    if a == b:
        return True
    if not (a.startswith("#") and b.startswith("#")):
        return False
    digits_a, _, reading_a = a.partition("|")
    digits_b, _, reading_b = b.partition("|")
    return digits_a == digits_b and UNKNOWN in (reading_a, reading_b)


def token_errors(reference: list[str], hypothesis: list[str]) -> int:
    """Substitutions, insertions and deletions, with ``same_word`` as the match."""
    previous = list(range(len(hypothesis) + 1))
    for i, ref in enumerate(reference, 1):
        current = [i]
        for j, hyp in enumerate(hypothesis, 1):
            cost = 0 if same_word(ref, hyp) else 1
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost))
        previous = current
    return previous[-1]


def _run_end(words: list[str], start: int) -> int:
    """Where the run of number words starting at ``start`` ends (``start``: none).

    "oh" is a zero only next to another number word ("nine oh five", not "oh, I see"); "and"
    belongs to the number after "hundred" or a scale word ("one hundred and five").
    """
    end = start
    while end < len(words):
        word = words[end]
        if word == "oh":
            inside = end > start or (end + 1 < len(words) and words[end + 1] in _NUMBER_WORDS)
            if not inside:
                break
        elif word == "and":
            after_scale = end > start and words[end - 1] in ("hundred", *_SCALES)
            if not (after_scale and end + 1 < len(words) and words[end + 1] in _NUMBER_WORDS):
                break
        elif word not in _NUMBER_WORDS:
            break
        end += 1
    return end


def _groups(words: list[str]) -> list[int]:
    """The numbers a run of number words names, in order, as they were grouped."""
    groups: list[int] = []
    big = small = 0  # scaled part (thousands and up) and the part under a thousand
    last = ""  # kind of the previous word: unit, teen, tens, hundred, scale
    started = False

    def close() -> None:
        nonlocal big, small, started
        if started:
            groups.append(big + small)
        big = small = 0
        started = False

    for word in words:
        if word == "and":
            continue
        if word in _UNITS:
            if not (started and last in ("tens", "hundred", "scale")):
                close()
            small += _UNITS[word]
            last = "unit"
        elif word in _TEENS:
            if not (started and last in ("hundred", "scale")):
                close()
            small += _TEENS[word]
            last = "teen"
        elif word in _TENS:
            if not (started and last in ("hundred", "scale")):
                close()
            small += _TENS[word]
            last = "tens"
        elif word == "hundred":
            if last == "hundred":
                close()
            small = (small or 1) * 100
            last = "hundred"
        else:
            scale = _SCALES[word]
            big += (small or 1) * scale
            small = 0
            last = "scale"
        started = True
    close()
    return groups
