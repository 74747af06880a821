"""Sentences the search renders to score a candidate voice.

Several short, phonetically varied texts, rotated during the search so the voice is tuned to
the speaker rather than to one sentence. The held-out texts are never used while searching.
"""

SCORING_TEXTS: tuple[str, ...] = (
    "The old lighthouse keeper watched the boats come home before the storm.",
    "Could you please bring me a glass of water and the morning paper?",
    "We measured every window twice, and still the curtains were too short.",
    "Jenny thinks the museum opens at nine, but the guide says half past ten.",
    "A warm breeze carried the smell of bread across the quiet village square.",
    "My brother fixed the bicycle chain with nothing but a spoon and some patience.",
)

# The stock-voice bank and every candidate are first scored on the same pair, so their
# similarities can be compared directly.
BANK_TEXTS: tuple[str, ...] = SCORING_TEXTS[:2]

HELD_OUT_TEXTS: tuple[str, ...] = (
    "Yesterday afternoon the committee finally agreed on a budget for the new library.",
    "If you follow the river north for an hour, you will reach a small wooden bridge.",
)
