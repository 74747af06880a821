"""What the playground's voice picker offers: stock voices by language and the user's clones."""

from __future__ import annotations

from itertools import groupby
from typing import Any


def stock_voice_groups() -> list[tuple[str, list[Any]]]:
    from synthesis.engine import get_engine

    catalogue = sorted(get_engine().voice_catalogue(), key=lambda v: (v.lang, v.id))
    return [(lang, list(items)) for lang, items in groupby(catalogue, key=lambda v: v.lang)]


def picker_context(user: Any) -> dict[str, Any]:
    from voices.selectors import voices_for_user

    return {
        "stock_groups": stock_voice_groups(),
        "cloned_voices": list(voices_for_user(user=user)),
    }
