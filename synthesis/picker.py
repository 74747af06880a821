"""What the playground's voice picker offers: stock voices by language and the user's clones."""

from __future__ import annotations

from itertools import groupby
from typing import Any

from synthesis.engine import get_engine
from voices.selectors import voices_for_user


def stock_voice_groups() -> list[tuple[str, list[Any]]]:
    catalogue = sorted(get_engine().voice_catalogue(), key=lambda v: (v.lang, v.id))
    return [(lang, list(items)) for lang, items in groupby(catalogue, key=lambda v: v.lang)]


def picker_context(user: Any) -> dict[str, Any]:
    return {
        "stock_groups": stock_voice_groups(),
        "cloned_voices": list(voices_for_user(user=user)),
    }
