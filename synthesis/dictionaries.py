"""Pronunciation dictionaries: create, version, delete, and the rules a request applies.

Rules are written one per line on the page (``word = /IPA/`` or ``word -> alias``), sent as
JSON through the API, or uploaded as a W3C PLS file; all three become the engine's ``Rule``.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F

from synthesis import exceptions as errors
from synthesis.engine.lexicon import InvalidLexicon, Lexicon, Rule, parse_pls, rule_checked
from synthesis.models import PronunciationDictionary, PronunciationDictionaryVersion

MAX_DICTIONARIES_PER_REQUEST = 3
MAX_PLS_BYTES = 1_000_000
Source = PronunciationDictionaryVersion.Source


class InvalidDictionary(errors.InvalidRequest):
    code = "invalid_dictionary"


def rules_checked(rules: list[Rule]) -> list[Rule]:
    """Every rule checked (InvalidDictionary naming the first bad one), and at least one."""
    try:
        checked = [rule_checked(rule) for rule in rules]
        Lexicon(checked)
    except InvalidLexicon as e:
        raise InvalidDictionary(_sentence(str(e))) from e
    if not checked:
        raise InvalidDictionary("A dictionary needs at least one rule.")
    return checked


def rules_from_text(text: str) -> list[Rule]:
    """Rules written one per line: ``word = /IPA/`` (slashes optional) or ``word -> alias``.
    A line starting with # is a comment; ``==`` instead of ``=`` makes the match case-sensitive."""
    rules = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        rules.append(_rule_from_line(line, number))
    return rules_checked(rules)


def _rule_from_line(line: str, number: int) -> Rule:
    if "->" in line:
        word, _, alias = line.partition("->")
        return Rule(word.strip(), alias=alias.strip())
    if "==" in line:
        word, _, ipa = line.partition("==")
        return Rule(word.strip(), phonemes=ipa.strip().strip("/[]"), case_sensitive=True)
    if "=" in line:
        word, _, ipa = line.partition("=")
        return Rule(word.strip(), phonemes=ipa.strip().strip("/[]"))
    raise InvalidDictionary(
        f"Line {number}: write 'word = /IPA/' for phonemes or 'word -> alias' for other text."
    )


def rules_to_text(rules: list[dict[str, Any]]) -> str:
    lines = []
    for rule in rules:
        if rule.get("alias"):
            lines.append(f"{rule['grapheme']} -> {rule['alias']}")
        else:
            sign = "==" if rule.get("case_sensitive") else "="
            lines.append(f"{rule['grapheme']} {sign} /{rule['phonemes']}/")
    return "\n".join(lines)


def rules_from_pls(data: bytes) -> list[Rule]:
    if len(data) > MAX_PLS_BYTES:
        raise InvalidDictionary("A PLS file may be at most 1 MB.")
    try:
        return rules_checked(parse_pls(data))
    except InvalidLexicon as e:
        raise InvalidDictionary(_sentence(str(e))) from e


@transaction.atomic
def dictionary_create(
    *, owner: Any, name: str, rules: list[Rule], source: str
) -> PronunciationDictionary:
    checked = rules_checked(rules)
    dictionary = PronunciationDictionary.objects.create(
        owner=owner, name=name.strip()[:100] or "Pronunciations", version=1
    )
    PronunciationDictionaryVersion.objects.create(
        dictionary=dictionary, number=1, rules=[r.as_dict() for r in checked], source=source
    )
    return dictionary


@transaction.atomic
def dictionary_rules_set(
    *, dictionary: PronunciationDictionary, rules: list[Rule], source: str, name: str = ""
) -> PronunciationDictionary:
    """Replace the rules with a new version; earlier versions stay, for jobs that used them."""
    checked = rules_checked(rules)
    # Lock the row so two edits never claim the same version number.
    locked = PronunciationDictionary.objects.select_for_update().get(pk=dictionary.pk)
    locked.version = F("version") + 1
    if name.strip():
        locked.name = name.strip()[:100]
    locked.save(update_fields=["version", "name", "updated_at"])
    locked.refresh_from_db(fields=["version"])
    PronunciationDictionaryVersion.objects.create(
        dictionary=locked, number=locked.version, rules=[r.as_dict() for r in checked],
        source=source,
    )  # fmt: skip
    return locked


@transaction.atomic
def dictionary_delete(*, dictionary: PronunciationDictionary) -> None:
    dictionary.delete()


def lexicon_for_request(*, user: Any, ids: list[str]) -> tuple[list[dict], list[list[Any]]]:
    """The rules of the user's dictionaries ``ids`` (each ``pd_...`` or ``pd_...@version``),
    later ones winning, and which versions they came from. Raises InvalidDictionary."""
    from synthesis.selectors import dictionary_version_for_user

    if len(ids) > MAX_DICTIONARIES_PER_REQUEST:
        raise InvalidDictionary(
            f"At most {MAX_DICTIONARIES_PER_REQUEST} pronunciation dictionaries per request."
        )
    rules: list[dict] = []
    used: list[list[Any]] = []
    for ref in ids:
        public_id, _, number = ref.strip().partition("@")
        version = dictionary_version_for_user(
            user=user, public_id=public_id, number=int(number) if number.isdigit() else None
        )
        if version is None:
            raise InvalidDictionary(f"You have no pronunciation dictionary {ref!r}.")
        rules += version.rules
        used.append([public_id, version.number])
    return rules, used


def lexicon_from_rules(rules: list[dict]) -> Lexicon | None:
    return Lexicon(Rule(**rule) for rule in rules) if rules else None


def _sentence(message: str) -> str:
    return message[:1].upper() + message[1:] + ("" if message.endswith(".") else ".")
