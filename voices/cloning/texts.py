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

# Intelligibility: the benchmark transcribes the clone (and stock voices) reading these with an
# English ASR model. Plain words, no digits or abbreviations, so the score is about the voice and
# not the text normaliser; never used by the search.
WER_TEXTS: tuple[str, ...] = (
    "The farmer sold three baskets of plums before the market closed for lunch.",
    "Please turn left at the church and park behind the yellow van.",
    "Her cousin spent the whole summer painting boats in a fishing village.",
    "Thick fog rolled over the hills, so the shepherd kept his sheep near the barn.",
    "Nobody remembered who had left the umbrella leaning against the piano.",
    "The engineer checked each valve carefully and wrote the readings in a notebook.",
    "We should leave early tomorrow because the highway will be busy.",
    "A tiny white kitten slept on the warm stones beside the kitchen door.",
    "Thousands of people gathered in the square to hear the orchestra play.",
    "Judge Morgan asked the witness to speak slowly and answer every question.",
)
