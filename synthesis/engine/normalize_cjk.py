"""Numbers, dates, times, money and phone numbers for Japanese and Mandarin.

Both front-ends read a plain number in Arabic digits themselves (OpenJTalk as Japanese
numerals, misaki's Mandarin front-end as Chinese ones), so these rules only rewrite what
they misread: thousands separators, clock times, dates with slashes or dashes, currency
symbols (which they drop), percent signs, temperatures, ranges and phone numbers (read
digit by digit, not as one large number).
"""

import functools
import re
from collections.abc import Callable

Rule = tuple[re.Pattern[str], Callable[[re.Match[str]], str]]

# Phone digits as Japanese speakers say them; Mandarin says 幺 (yāo) for 1 in phone numbers.
_JA_DIGITS = ("ゼロ", "いち", "に", "さん", "よん", "ご", "ろく", "なな", "はち", "きゅう")
_ZH_DIGITS = ("零", "幺", "二", "三", "四", "五", "六", "七", "八", "九")
_ZH_NUMERALS = ("零", "一", "二", "三", "四", "五", "六", "七", "八", "九")

# symbol or code -> word after the amount
_MONEY = {
    "j": {"$": "ドル", "USD": "ドル", "¥": "円", "JPY": "円", "€": "ユーロ", "EUR": "ユーロ"}
    | {"£": "ポンド", "GBP": "ポンド"},
    "z": {"$": "美元", "USD": "美元", "¥": "元", "￥": "元", "CNY": "元", "RMB": "元"}
    | {"€": "欧元", "EUR": "欧元", "£": "英镑", "GBP": "英镑"},
}
_PERCENT = {"j": "パーセント", "z": None}  # misaki reads "50%" as 百分之五十 itself
_DEGREES = {"j": "度", "z": "度"}
_CELSIUS = {"j": "摂氏", "z": "摄氏"}
_RANGE = {"j": "から", "z": "到"}
_GROUP_PAUSE = {"j": "、", "z": "，"}


def normalize_cjk(text: str, *, lang: str) -> str:
    for pattern, replace in _rules(lang):
        text = pattern.sub(replace, text)
    return text


@functools.cache
def _rules(lang: str) -> list[Rule]:
    money = _MONEY[lang]
    symbols = "|".join(re.escape(s) for s in sorted(money, key=len, reverse=True))
    amount = r"\d+(?:\.\d+)?"
    rules: list[Rule] = [
        (re.compile(r"(?<=\d),(?=\d{3}(?!\d))"), lambda m: ""),
        (
            re.compile(r"(?<!\d)(?:\+\d{1,3}[ -]?)?0\d{1,4}-\d{2,4}-\d{3,4}(?!\d)"),
            lambda m: _phone(lang, m.group(0)),
        ),
        (
            re.compile(r"(?<!\d)(1\d{2})[ -](\d{4})[ -](\d{4})(?!\d)"),  # Chinese mobiles
            lambda m: _phone(lang, m.group(0)),
        ),
        (
            re.compile(r"(?<!\d)(\d{4})[/.-](\d{1,2})[/.-](\d{1,2})(?!\d)"),
            lambda m: _date(lang, m),
        ),
        (
            re.compile(r"(?<![\d:.])([01]?\d|2[0-3]):([0-5]\d)(?![\d:])"),
            lambda m: _clock(lang, int(m.group(1)), int(m.group(2))),
        ),
        (
            re.compile(rf"(?<![\d.])({amount})\s?[-–~〜～]\s?({amount})(?![\d.])"),
            lambda m: f"{m.group(1)}{_RANGE[lang]}{m.group(2)}",
        ),
        (
            re.compile(rf"({symbols})\s?({amount})"),
            lambda m: f"{m.group(2)}{money[m.group(1)]}",
        ),
        (
            re.compile(rf"({amount})\s?({symbols})(?![A-Za-z])"),
            lambda m: f"{m.group(1)}{money[m.group(2)]}",
        ),
        (
            re.compile(rf"(-?{amount})\s?°\s?([CF])?"),
            lambda m: _degrees(lang, m),
        ),
    ]
    if _PERCENT[lang]:
        rules.append((re.compile(rf"({amount})\s?[%％]"), lambda m: m.group(1) + _PERCENT[lang]))
    if lang == "j":
        # OpenJTalk drops the decimal point: "3.14" would be read "three, fourteen".
        rules.append((re.compile(r"(\d+)\.(\d+)"), _japanese_decimal))
    return rules


def _japanese_decimal(m: re.Match[str]) -> str:
    return m.group(1) + "点" + "".join(_ZH_NUMERALS[int(d)] for d in m.group(2))


def _phone(lang: str, written: str) -> str:
    table = _JA_DIGITS if lang == "j" else _ZH_DIGITS
    groups = re.findall(r"\d+", written)
    spoken = _GROUP_PAUSE[lang].join("".join(table[int(d)] for d in g) for g in groups)
    plus = {"j": "プラス", "z": "加"}[lang]
    return (plus if written.startswith("+") else "") + spoken


def _date(lang: str, m: re.Match[str]) -> str:
    year, month, day = m.group(1), int(m.group(2)), int(m.group(3))
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return m.group(0)
    if lang == "z":
        # A year is read digit by digit: 二零二四年.
        year = "".join(_ZH_NUMERALS[int(d)] for d in year)
    return f"{year}年{month}月{day}日"


def _clock(lang: str, hour: int, minute: int) -> str:
    if lang == "j":
        return f"{hour}時{minute}分" if minute else f"{hour}時"
    if not minute:
        return f"{hour}点"
    # "9:05" is 九点零五分: the zero is said.
    return f"{hour}点零{minute}分" if minute < 10 else f"{hour}点{minute}分"


def _degrees(lang: str, m: re.Match[str]) -> str:
    value, scale = m.group(1), m.group(2)
    prefix = {"C": _CELSIUS[lang], "F": "華氏" if lang == "j" else "华氏"}.get(scale or "", "")
    if value.startswith("-"):
        value = ("マイナス" if lang == "j" else "零下") + value[1:]
    return f"{prefix}{value}{_DEGREES[lang]}"
