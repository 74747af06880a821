"""The shipped stock bank must describe what the renderer produces today.

Candidates are scored against the bank's stored embeddings, so a change to how the engine
renders the bank texts (its chunking, say) would quietly make every comparison unfair.
"""

import numpy as np
import pytest

from voices.cloning.bank import SHIPPED_BANK, load_bank, render_stats
from voices.cloning.render import get_renderer
from voices.cloning.texts import BANK_TEXTS

pytestmark = pytest.mark.model


@pytest.mark.parametrize("name", ["af_heart", "bm_george"])
def test_a_fresh_render_matches_the_shipped_bank(name):
    renderer = get_renderer()
    bank = load_bank(renderer)
    with np.load(SHIPPED_BANK) as shipped:
        assert str(shipped["key"]).endswith(renderer.identity())  # the shipped copy is in use
    style = renderer.stock_voices()[name]
    audio = np.concatenate([renderer.render(t, style) for t in BANK_TEXTS])
    embeddings, _, seconds = render_stats(audio)
    i = bank.index(name)
    assert seconds == pytest.approx(float(bank.seconds[i]), abs=1e-3)
    assert float(embeddings["campplus"] @ bank.embeddings["campplus"][i]) > 0.999
