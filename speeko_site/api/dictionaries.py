"""Pronunciation dictionaries through the API: versioned rules applied by id in /v1/tts."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, File, Form, Schema, Status
from ninja.decorators import decorate_view
from ninja.files import UploadedFile

from speeko_site.api.api import api
from speeko_site.api.bodies import json_or_form
from speeko_site.api.schemas import ERRORS, DeletedOut
from synthesis import dictionaries as services
from synthesis import selectors
from synthesis.engine.lexicon import Rule
from synthesis.models import PronunciationDictionaryVersion

TAGS = ["Pronunciation dictionaries"]


class RuleIn(Schema):
    grapheme: str = Field(description="The word or phrase as written.", max_length=100)
    type: Literal["phoneme", "alias"] = Field(
        description="phoneme: say it as `phoneme` (IPA); alias: read `alias` instead."
    )
    phoneme: str = Field("", max_length=200, description="IPA, e.g. spˈikoʊ.")
    alias: str = Field("", max_length=200, description="Text read in its place.")
    case_sensitive: bool = False

    def rule(self) -> Rule:
        if self.type == "phoneme":
            return Rule(self.grapheme, phonemes=self.phoneme, case_sensitive=self.case_sensitive)
        return Rule(self.grapheme, alias=self.alias, case_sensitive=self.case_sensitive)


class DictionaryIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    rules: list[RuleIn] = Field(..., min_length=1, max_length=2000)


class RulesIn(Schema):
    rules: list[RuleIn] = Field(..., min_length=1, max_length=2000)


class RuleOut(Schema):
    grapheme: str
    type: Literal["phoneme", "alias"]
    phoneme: str | None
    alias: str | None
    case_sensitive: bool


class DictionaryOut(Schema):
    id: str
    name: str
    version: int = Field(description="The latest version; pass pd_...@N to use an older one.")
    rules_count: int
    created_at: datetime
    updated_at: datetime


class DictionaryDetailOut(DictionaryOut):
    rules_version: int = Field(description="The version the rules below belong to.")
    rules: list[RuleOut]


class DictionaryList(Schema):
    dictionaries: list[DictionaryOut]


def _rule_payload(rule: dict[str, Any]) -> dict[str, Any]:
    kind = "alias" if rule.get("alias") else "phoneme"
    return {
        "grapheme": rule["grapheme"], "type": kind,
        "phoneme": rule.get("phonemes") or None, "alias": rule.get("alias") or None,
        "case_sensitive": bool(rule.get("case_sensitive")),
    }  # fmt: skip


def _payload(dictionary: Any, version: PronunciationDictionaryVersion | None = None) -> dict:
    latest = version or dictionary.versions.order_by("-number").first()
    body = {
        "id": dictionary.public_id, "name": dictionary.name, "version": dictionary.version,
        "rules_count": len(latest.rules) if latest else 0,
        "created_at": dictionary.created_at, "updated_at": dictionary.updated_at,
    }  # fmt: skip
    if version is not None:
        body["rules_version"] = version.number
        body["rules"] = [_rule_payload(r) for r in version.rules]
    return body


@api.get("/pronunciation-dictionaries", response={200: DictionaryList, **ERRORS}, tags=TAGS)
def dictionaries_list(request: HttpRequest):
    found = selectors.dictionaries_for_user(user=request.user).prefetch_related("versions")
    return {"dictionaries": [_payload(d) for d in found]}


@api.post("/pronunciation-dictionaries", response={201: DictionaryDetailOut, **ERRORS}, tags=TAGS)
@decorate_view(json_or_form)
def dictionary_create(request: HttpRequest, payload: DictionaryIn):
    """Create a dictionary from rules; it is version 1."""
    rules = [r.rule() for r in payload.rules]
    return _created(request, payload.name, rules, PronunciationDictionaryVersion.Source.API)


@api.post(
    "/pronunciation-dictionaries/add-from-file",
    response={201: DictionaryDetailOut, **ERRORS},
    tags=TAGS,
)
def dictionary_create_from_file(request: HttpRequest, name: Form[str], file: File[UploadedFile]):
    """Create a dictionary from a W3C PLS file (alphabet "ipa"): each lexeme's graphemes with
    its phoneme or alias."""
    rules = services.rules_from_pls(file.read(services.MAX_PLS_BYTES + 1))
    return _created(request, name, rules, PronunciationDictionaryVersion.Source.PLS)


def _created(request: HttpRequest, name: str, rules: list[Rule], source: str) -> Status:
    dictionary = services.dictionary_create(
        owner=request.user, name=name, rules=rules, source=source
    )
    return Status(201, _payload(dictionary, dictionary.versions.get(number=1)))


@api.get(
    "/pronunciation-dictionaries/{dictionary_id}",
    response={200: DictionaryDetailOut, **ERRORS},
    tags=TAGS,
)
def dictionary_get(request: HttpRequest, dictionary_id: str, version: int | None = None):
    dictionary = selectors.dictionary_get_for_user(user=request.user, public_id=dictionary_id)
    found = selectors.dictionary_version_for_user(
        user=request.user, public_id=dictionary_id, number=version
    )
    if found is None:
        from django.http import Http404

        raise Http404(f"This dictionary has no version {version}.")
    return _payload(dictionary, found)


@api.put(
    "/pronunciation-dictionaries/{dictionary_id}/rules",
    response={200: DictionaryDetailOut, **ERRORS},
    tags=TAGS,
)
@decorate_view(json_or_form)
def dictionary_rules_set(request: HttpRequest, dictionary_id: str, payload: RulesIn):
    """Replace the rules: a new version. Requests naming the dictionary use it from now on."""
    dictionary = selectors.dictionary_get_for_user(user=request.user, public_id=dictionary_id)
    dictionary = services.dictionary_rules_set(
        dictionary=dictionary, rules=[r.rule() for r in payload.rules],
        source=PronunciationDictionaryVersion.Source.API,
    )  # fmt: skip
    return _payload(dictionary, dictionary.versions.get(number=dictionary.version))


@api.delete(
    "/pronunciation-dictionaries/{dictionary_id}",
    response={200: DeletedOut, **ERRORS},
    tags=TAGS,
)
def dictionary_delete(request: HttpRequest, dictionary_id: str):
    dictionary = selectors.dictionary_get_for_user(user=request.user, public_id=dictionary_id)
    services.dictionary_delete(dictionary=dictionary)
    return {"id": dictionary_id, "deleted": True}
