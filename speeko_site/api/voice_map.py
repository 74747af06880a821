"""OpenAI's voice names mapped to the closest stock Kokoro voices (by gender and timbre)."""

OPENAI_VOICES = {
    "alloy": "af_alloy",
    "ash": "am_adam",
    "ballad": "bm_lewis",
    "coral": "af_heart",
    "echo": "am_echo",
    "fable": "bm_fable",
    "onyx": "am_onyx",
    "nova": "af_nova",
    "sage": "af_sarah",
    "shimmer": "af_bella",
    "verse": "am_michael",
    "marin": "af_kore",
    "cedar": "am_eric",
}


def openai_voice(name: str) -> str:
    """Our voice id for an OpenAI voice name; our own ids (stock, blends, vc_...) pass through."""
    return OPENAI_VOICES.get(name.strip().lower(), name.strip())
