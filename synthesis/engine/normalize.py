"""Text normalisation: written forms (numbers, symbols, abbreviations) to spoken words."""


def normalize(text: str, *, lang: str) -> str:
    return " ".join(text.split())
