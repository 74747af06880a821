"""Numbers, dates, times, money and percentages for French, Spanish, Italian, Portuguese, Hindi.

Each language writes numbers its own way ("1 234,5" in French, "1.234,5" in Spanish,
Italian and Portuguese, "1,00,000" in Hindi) and reads dates day first. The rules are the
same for every language, in the same order as English (phone numbers, dates, times, ranges,
money, percentages, ordinals, plain numbers); the words come from the language's ``Locale``.
"""

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from num2words import num2words


@dataclass(frozen=True)
class Locale:
    code: str
    number_words: Callable[[int], str]
    months: tuple[str, ...]
    decimal_word: str
    percent: str
    range_word: str
    # symbol or code -> (one, many, hundredth one, hundredth many)
    money: dict[str, tuple[str, str, str, str]]
    money_join: str  # between the whole units and the hundredths
    date: Callable[["Locale", int, int, int | None], str]
    clock: Callable[["Locale", int, int], str]
    ordinal: Callable[[int, bool], str] | None = None  # (value, feminine)
    thousands: str = "."  # "." or " " (French); Hindi writes "," and a dot for decimals
    one_before_noun: dict[str, str] = field(default_factory=dict)

    def words(self, value: int) -> str:
        if value >= 10**15:
            # Past the quadrillions num2words gives up in some languages, and nobody reads
            # such a number as one: digit by digit.
            return " ".join(self.number_words(int(d)) for d in str(value))
        return self.number_words(value)

    def count(self, value: int) -> str:
        """A number before a masculine noun: Spanish "un euro", "veintiún dólares"."""
        spoken = self.words(value)
        for ending, replacement in self.one_before_noun.items():
            if spoken.endswith(ending):
                return spoken[: -len(ending)] + replacement
        return spoken


def _split(words: str) -> tuple[str, ...]:
    return tuple(words.split())


def _currencies(
    table: dict[tuple[str, ...], tuple[str, str, str, str]],
) -> dict[str, tuple[str, str, str, str]]:
    """One entry per symbol or code: ``("€", "EUR")`` share their words."""
    return {key: words for keys, words in table.items() for key in keys}


def _num2words(lang: str) -> Callable[[int], str]:
    def words(value: int) -> str:
        return num2words(value, lang=lang).replace(",", "")

    return words


def _num2words_ordinal(lang: str) -> Callable[[int, bool], str]:
    def ordinal(value: int, feminine: bool) -> str:
        spoken = num2words(value, lang=lang, to="ordinal").replace(",", "")
        if feminine and spoken.endswith("o"):
            return spoken[:-1] + "a"
        return spoken

    return ordinal


# -- Hindi numbers: 1 to 99 each have their own word ----------------------------------------

_HINDI_1_99 = _split(
    "एक दो तीन चार पाँच छह सात आठ नौ दस ग्यारह बारह तेरह चौदह पंद्रह सोलह सत्रह "
    "अठारह उन्नीस बीस इक्कीस बाईस तेईस चौबीस पच्चीस छब्बीस सत्ताईस अट्ठाईस उनतीस तीस "
    "इकतीस बत्तीस तैंतीस चौंतीस पैंतीस छत्तीस सैंतीस अड़तीस उनतालीस चालीस इकतालीस "
    "बयालीस तैंतालीस चौवालीस पैंतालीस छियालीस सैंतालीस अड़तालीस उनचास पचास इक्यावन "
    "बावन तिरपन चौवन पचपन छप्पन सत्तावन अट्ठावन उनसठ साठ इकसठ बासठ तिरसठ चौंसठ पैंसठ "
    "छियासठ सड़सठ अड़सठ उनहत्तर सत्तर इकहत्तर बहत्तर तिहत्तर चौहत्तर पचहत्तर छिहत्तर "
    "सतहत्तर अठहत्तर उन्यासी अस्सी इक्यासी बयासी तिरासी चौरासी पचासी छियासी सत्तासी "
    "अट्ठासी नवासी नब्बे इक्यानबे बानबे तिरानबे चौरानबे पचानबे छियानबे सत्तानबे "
    "अट्ठानबे निन्यानबे"
)
_HINDI_SCALES = ((10**7, "करोड़"), (10**5, "लाख"), (1000, "हज़ार"), (100, "सौ"))


def hindi_number(value: int) -> str:
    """Indian grouping: 1,00,000 is "एक लाख" (a lakh), 1,00,00,000 "एक करोड़" (a crore)."""
    if value == 0:
        return "शून्य"
    parts = []
    for scale, name in _HINDI_SCALES:
        if value >= scale:
            count, value = divmod(value, scale)
            parts.append(f"{hindi_number(count)} {name}")
    if value:
        parts.append(_HINDI_1_99[value - 1])
    return " ".join(parts)


def _hindi_year(value: int) -> str:
    """Hindi reads 1947 as "उन्नीस सौ सैंतालीस" (nineteen hundred forty-seven)."""
    century, rest = divmod(value, 100)
    if 11 <= century <= 19:
        spoken = f"{_HINDI_1_99[century - 1]} सौ"
        return f"{spoken} {_HINDI_1_99[rest - 1]}" if rest else spoken
    return hindi_number(value)


# -- dates and clocks -----------------------------------------------------------------------


def _date_fr(loc: Locale, day: int, month: int, year: int | None) -> str:
    spoken = f"{'premier' if day == 1 else loc.words(day)} {loc.months[month - 1]}"
    return f"{spoken} {loc.words(year)}" if year else spoken


def _date_de(loc: Locale, day: int, month: int, year: int | None) -> str:
    """Spanish and Portuguese: "quince de marzo de dos mil veinticuatro"."""
    first = "primeiro" if loc.code == "p" else "uno"
    spoken = f"{first if day == 1 else loc.words(day)} de {loc.months[month - 1]}"
    return f"{spoken} de {loc.words(year)}" if year else spoken


def _date_it(loc: Locale, day: int, month: int, year: int | None) -> str:
    spoken = f"{'primo' if day == 1 else loc.words(day)} {loc.months[month - 1]}"
    return f"{spoken} {loc.words(year)}" if year else spoken


def _date_hi(loc: Locale, day: int, month: int, year: int | None) -> str:
    spoken = f"{loc.words(day)} {loc.months[month - 1]}"
    return f"{spoken} {_hindi_year(year)}" if year else spoken


def _clock_fr(loc: Locale, hour: int, minute: int) -> str:
    hours = "une heure" if hour == 1 else f"{loc.words(hour)} heures"
    return f"{hours} {loc.words(minute)}" if minute else hours


def _clock_es(loc: Locale, hour: int, minute: int) -> str:
    hours = "una" if hour == 1 else loc.words(hour)
    return f"{hours} y {loc.words(minute)}" if minute else f"{hours} en punto"


def _clock_it(loc: Locale, hour: int, minute: int) -> str:
    hours = "l'una" if hour == 1 else loc.words(hour)
    return f"{hours} e {loc.words(minute)}" if minute else hours


def _clock_pt(loc: Locale, hour: int, minute: int) -> str:
    hours = "uma" if hour == 1 else "duas" if hour == 2 else loc.words(hour)
    return (
        f"{hours} e {loc.words(minute)}"
        if minute
        else f"{hours} {'hora' if hour == 1 else 'horas'}"
    )


def _clock_hi(loc: Locale, hour: int, minute: int) -> str:
    if not minute:
        return f"{loc.words(hour)} बजे"
    return f"{loc.words(hour)} बजकर {loc.words(minute)} मिनट"


LOCALES: dict[str, Locale] = {
    "f": Locale(
        code="f",
        number_words=_num2words("fr"),
        months=_split(
            "janvier février mars avril mai juin juillet août septembre octobre novembre décembre"
        ),
        decimal_word="virgule",
        percent="pour cent",
        range_word="à",
        money=_currencies(
            {
                ("€", "EUR"): ("euro", "euros", "centime", "centimes"),
                ("$", "USD"): ("dollar", "dollars", "cent", "cents"),
                ("£",): ("livre", "livres", "penny", "pence"),
                ("CHF",): ("franc suisse", "francs suisses", "centime", "centimes"),
            }
        ),
        money_join=" ",
        date=_date_fr,
        clock=_clock_fr,
        thousands=" ",
    ),
    "e": Locale(
        code="e",
        number_words=_num2words("es"),
        months=_split(
            "enero febrero marzo abril mayo junio "
            "julio agosto septiembre octubre noviembre diciembre"
        ),
        decimal_word="coma",
        percent="por ciento",
        range_word="a",
        money=_currencies(
            {
                ("€", "EUR"): ("euro", "euros", "céntimo", "céntimos"),
                ("$", "USD"): ("dólar", "dólares", "centavo", "centavos"),
                ("£",): ("libra", "libras", "penique", "peniques"),
            }
        ),
        money_join=" con ",
        date=_date_de,
        clock=_clock_es,
        ordinal=_num2words_ordinal("es"),
        one_before_noun={"veintiuno": "veintiún", "uno": "un"},
    ),
    "i": Locale(
        code="i",
        number_words=_num2words("it"),
        months=_split(
            "gennaio febbraio marzo aprile maggio giugno "
            "luglio agosto settembre ottobre novembre dicembre"
        ),
        decimal_word="virgola",
        percent="per cento",
        range_word="a",
        money=_currencies(
            {
                ("€", "EUR"): ("euro", "euro", "centesimo", "centesimi"),
                ("$", "USD"): ("dollaro", "dollari", "centesimo", "centesimi"),
                ("£",): ("sterlina", "sterline", "penny", "pence"),
            }
        ),
        money_join=" e ",
        date=_date_it,
        clock=_clock_it,
        ordinal=_num2words_ordinal("it"),
        one_before_noun={"uno": "un"},
    ),
    "p": Locale(
        code="p",
        number_words=_num2words("pt_BR"),
        months=_split(
            "janeiro fevereiro março abril maio junho "
            "julho agosto setembro outubro novembro dezembro"
        ),
        decimal_word="vírgula",
        percent="por cento",
        range_word="a",
        money=_currencies(
            {
                ("R$", "BRL"): ("real", "reais", "centavo", "centavos"),
                ("€", "EUR"): ("euro", "euros", "cêntimo", "cêntimos"),
                ("US$", "$", "USD"): ("dólar", "dólares", "centavo", "centavos"),
            }
        ),
        money_join=" e ",
        date=_date_de,
        clock=_clock_pt,
        ordinal=_num2words_ordinal("pt_BR"),
    ),
    "h": Locale(
        code="h",
        number_words=hindi_number,
        months=_split("जनवरी फ़रवरी मार्च अप्रैल मई जून जुलाई अगस्त सितंबर अक्टूबर नवंबर दिसंबर"),
        decimal_word="दशमलव",
        percent="प्रतिशत",
        range_word="से",
        money=_currencies(
            {
                ("₹", "Rs", "INR"): ("रुपया", "रुपये", "पैसा", "पैसे"),
                ("$", "USD"): ("डॉलर", "डॉलर", "सेंट", "सेंट"),
                ("€",): ("यूरो", "यूरो", "सेंट", "सेंट"),
            }
        ),
        money_join=" और ",
        date=_date_hi,
        clock=_clock_hi,
        thousands=",",
    ),
}

Rule = tuple[re.Pattern[str], Callable[[re.Match[str]], str]]


def normalize_locale(text: str, *, lang: str) -> str:
    for pattern, replace in _rules(lang):
        text = pattern.sub(replace, text)
    return text


def _number_pattern(loc: Locale) -> str:
    """A written number: grouped thousands, then an optional decimal part."""
    if loc.thousands == ",":
        return r"\d{1,3}(?:,\d{2,3})+(?:\.\d+)?|\d+(?:\.\d+)?"
    sep = r"[ \u00a0\u202f]" if loc.thousands == " " else r"\."
    return rf"\d{{1,3}}(?:{sep}\d{{3}})+(?:,\d+)?|\d+(?:,\d+)?"


def _parse(loc: Locale, written: str) -> tuple[int, str]:
    """(whole part, decimal digits) of a number written the locale's way."""
    if loc.thousands == ",":
        whole, _, frac = written.replace(",", "").partition(".")
    else:
        whole, _, frac = re.sub(r"[ .\u00a0\u202f]", "", written).partition(",")
    return int(whole), frac


def _amount(loc: Locale, written: str) -> str:
    whole, frac = _parse(loc, written)
    spoken = loc.words(whole)
    if not frac:
        return spoken
    # "3,14" is "tres coma catorce"; a leading zero is read out: "cero coma cero cinco".
    zeros = len(frac) - len(frac.lstrip("0"))
    tail = " ".join([loc.words(0)] * zeros + ([loc.words(int(frac))] if frac.strip("0") else []))
    return f"{spoken} {loc.decimal_word} {tail}"


@functools.cache
def _rules(lang: str) -> list[Rule]:
    loc = LOCALES[lang]
    number = _number_pattern(loc)
    symbols = "|".join(re.escape(s) for s in sorted(loc.money, key=len, reverse=True))
    return [
        (re.compile(r"\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\b"), lambda m: _numeric_date(loc, m)),
        (re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b"), lambda m: _iso_date(loc, m)),
        (
            re.compile(
                r"(?<![\w+])(?:\+\d{1,3}[ .-]?|0|\(\d{2,3}\)\s?)\d{1,5}(?:[ .-]\d{2,5}){1,5}(?!\d)"
            ),
            lambda m: _phone(loc, m),
        ),
        (
            re.compile(
                r"(?<![\d,.])([01]?\d|2[0-3])(?::|h|\s?h\s?)([0-5]\d)?(?![\d:])(?=\W|$)"
                if loc.code in "fp"
                else r"(?<![\d,.])([01]?\d|2[0-3]):([0-5]\d)(?![\d:])(?:\s?बजे)?"
            ),
            lambda m: loc.clock(loc, int(m.group(1)), int(m.group(2) or 0)),
        ),
        (
            re.compile(rf"(?<![\w.,-])({number})\s?[-–—]\s?({number})(?![\w-])"),
            lambda m: f"{m.group(1)} {loc.range_word} {m.group(2)}",
        ),
        (
            re.compile(rf"(-)?(?<![\w$])({symbols})\.?\s?({number})(?!\w)"),
            lambda m: _money(loc, m.group(1), m.group(2), m.group(3)),
        ),
        (
            re.compile(rf"(-)?(?<![\w.,])({number})\s?({symbols})(?!\w)"),
            lambda m: _money(loc, m.group(1), m.group(3), m.group(2)),
        ),
        (
            re.compile(rf"(-)?(?<![\w.,])({number})\s?%"),
            lambda m: (
                f"{_minus(loc) if m.group(1) else ''}{_amount(loc, m.group(2))} {loc.percent}"
            ),
        ),
        *_ordinal_rules(loc),
        (
            re.compile(rf"(-)?(?<![\w.,])({number})\s?°\s?([CF])?(?!\w)"),
            lambda m: _degrees(loc, m),
        ),
        (re.compile(r"(?<![\w.,])-(?=\d)"), lambda m: _minus(loc)),
        (re.compile(rf"(?<![\w])(?:{number})"), lambda m: _amount(loc, m.group(0))),
    ]


def _minus(loc: Locale) -> str:
    return {"f": "moins ", "h": "ऋण "}.get(loc.code, "menos ")


_DEGREES = {"f": "degrés", "e": "grados", "i": "gradi", "p": "graus", "h": "डिग्री"}
_SCALE_NAMES = {"C": "Celsius", "F": "Fahrenheit"}


def _degrees(loc: Locale, m: re.Match[str]) -> str:
    sign = _minus(loc) if m.group(1) else ""
    scale = f" {_SCALE_NAMES[m.group(3)]}" if m.group(3) else ""
    return f"{sign}{_amount(loc, m.group(2))} {_DEGREES[loc.code]}{scale}"


def _phone(loc: Locale, m: re.Match[str]) -> str:
    """Phone numbers are read group by group: a pair as a number ("zéro un, vingt-trois"),
    longer groups digit by digit."""
    written = m.group(0)
    groups = re.findall(r"\d+", written)
    if sum(len(g) for g in groups) < 8:
        return written
    spoken = []
    for group in groups:
        if len(group) == 2 and group[0] != "0":
            spoken.append(loc.words(int(group)))
        else:
            spoken.append(" ".join(loc.words(int(d)) for d in group))
    plus = {"f": "plus ", "h": "प्लस ", "i": "più ", "p": "mais "}.get(loc.code, "más ")
    return (plus if written.startswith("+") else "") + ", ".join(spoken)


def _numeric_date(loc: Locale, m: re.Match[str]) -> str:
    day, month, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return m.group(0)
    return loc.date(loc, day, month, year)


def _iso_date(loc: Locale, m: re.Match[str]) -> str:
    year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return m.group(0)
    return loc.date(loc, day, month, year)


def _money(loc: Locale, sign: str | None, unit: str, written: str) -> str:
    one, many, sub_one, sub_many = loc.money[unit]
    whole, frac = _parse(loc, written)
    cents = int((frac + "0")[:2]) if frac else 0
    minus = _minus(loc) if sign else ""
    if whole == 0 and cents:
        return f"{minus}{loc.count(cents)} {sub_one if cents == 1 else sub_many}"
    spoken = f"{loc.count(whole)} {one if whole == 1 else many}"
    if cents:
        spoken += f"{loc.money_join}{loc.count(cents)}"
        if loc.code != "f":  # "douze euros cinquante"
            spoken += f" {sub_one if cents == 1 else sub_many}"
    return minus + spoken


def _ordinal_rules(loc: Locale) -> list[Rule]:
    if loc.code == "f":
        return [
            (
                re.compile(r"\b1(?:er|re|ère)\b"),
                lambda m: "première" if m.group(0) != "1er" else "premier",
            ),
            (
                re.compile(r"\b(\d+)(?:e|ème|eme)\b"),
                lambda m: num2words(int(m.group(1)), lang="fr", to="ordinal"),
            ),
        ]
    if loc.ordinal is None:
        return []
    ordinal = loc.ordinal
    months = "|".join(loc.months)
    # "1.º", "2ª"; Italian also writes "1° maggio" for the first of May.
    return [
        (
            re.compile(rf"\b(\d+)\.?(?:([ºª])|°(?=\s+(?:{months})))"),
            lambda m: ordinal(int(m.group(1)), m.group(2) == "ª"),
        )
    ]
