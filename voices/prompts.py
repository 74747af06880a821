"""Texts shown to people: the consent statements and the guided recording session's sentences.

Changing a consent text means a new STATEMENT_VERSION, because every consent record stores the
version and text it was given under.
"""

from __future__ import annotations

import secrets

STATEMENT_VERSION = "2026-11.1"
# The language the statement is shown in, and so the one the recogniser listens for.
STATEMENT_LANGUAGE = "en"

CONSENT_STATEMENTS: list[tuple[str, str]] = [
    (
        "create",
        "The speaker consents to Speeko creating a synthetic voice from recordings of their voice.",
    ),
    (
        "understand",
        "The speaker understands that the synthetic voice can say things they never said, that "
        "it will be used only for the uses ticked below, and that they can revoke this consent at "
        "any time, which erases the voice.",
    ),
    (
        "truthful",
        "The information on this form is true, and the signature below is the account holder's.",
    ),
]

USES: list[tuple[str, str]] = [
    ("personal", "Personal, non-commercial use"),
    ("commercial", "Commercial use"),
    ("project", "A named project only"),
]

# Harvard sentences (IEEE 1969, public domain): short, phonetically balanced, varied prosody.
_HARVARD: list[str] = [
    "The birch canoe slid on the smooth planks.",
    "Glue the sheet to the dark blue background.",
    "It's easy to tell the depth of a well.",
    "These days a chicken leg is a rare dish.",
    "Rice is often served in round bowls.",
    "The juice of lemons makes fine punch.",
    "The box was thrown beside the parked truck.",
    "Four hours of steady work faced us.",
    "A large size in stockings is hard to sell.",
    "The boy was there when the sun rose.",
    "A rod is used to catch pink salmon.",
    "The source of the huge river is the clear spring.",
    "Kick the ball straight and follow through.",
    "Help the woman get back to her feet.",
    "A pot of tea helps to pass the evening.",
    "Smoky fires lack flame and heat.",
    "The soft cushion broke the man's fall.",
    "The salt breeze came across from the sea.",
    "The girl at the booth sold fifty bonds.",
    "Why did you choose the yellow jacket over the green one?",
]
# Two sentences per take: long enough (about five seconds) for each take to be analysed alone.
GUIDED_PROMPTS: list[str] = [f"{a} {b}" for a, b in zip(_HARVARD[::2], _HARVARD[1::2], strict=True)]


def consent_code_new() -> str:
    """Six digits in two groups: easy to read aloud, hard to have recorded in advance."""
    digits = "".join(secrets.choice("0123456789") for _ in range(6))
    return f"{digits[:3]}-{digits[3:]}"


def spoken_statement(*, speaker_name: str, code: str) -> str:
    name = speaker_name.strip() or "[your full name]"
    return (
        f"I, {name}, consent to Speeko creating a synthetic copy of my voice. "
        f"My consent code is {code}."
    )
