"""Every tuning constant of the cloning search, in one frozen value.

Tests and experiments pass a changed copy (``dataclasses.replace(CONFIG, ...)``); the product
always uses ``CONFIG``. Distances in walk units are multiples of the stock voices' spread along
a principal component, so 1 is one "typical voice difference".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Tier = Literal["instant", "professional"]
METHOD_VERSION = (
    "gated-stock-blend+surrogate+inverse-map+f0-prosody+step-map+pc-walk-ltas-avg+refit-rounds"
    "+recording-tone/10"
)
OPTIMISED_ENCODER = "campplus"  # Resemblyzer is kept as the independent judge


@dataclass(frozen=True)
class CloneConfig:
    # Instant tier: a fixed list of candidates, each rendered on the two bank texts: the soft
    # blend, the surrogate's proposals, the other blends, one mapped step. The count, never the
    # clock, decides what is scored, so the same input and seed give the same voice on any
    # machine. The limit below only fails a clone that a machine could not finish in time.
    instant_blends: int = 0
    instant_proposals: int = 0
    instant_mapped_step: bool = False
    # The two points read off the reference embedding through the surrogate's renders (the
    # inverse map and the nearest renders' mean), each rendered and scored like the others.
    instant_inverse: bool = True
    instant_time_limit: float = 300.0
    # A clone speaks through its recording's tone (scoring.recording_tone), held within this
    # many dB (0: Kokoro's own tone).
    tone_max_db: float = 6.0
    # The instant tier ranks its rendered candidates by CAM++ minus this many similarity units
    # per dB of long-term-spectrum distance (0: CAM++ alone).
    instant_ltas_weight: float = 0.0
    # The professional tier starts its walk from the same kind of search, with more candidates
    # (its budget is minutes, not seconds).
    professional_blends: int = 3
    professional_proposals: int = 4
    professional_mapped_step: bool = True
    professional_inverse: bool = False
    # Professional tier: the walk is planned from this budget with a fixed cost per rendered
    # sentence (never measured time, so a seed gives the same voice), and the whole clone ends
    # by the time limit, final comparison included, even on a slower or busier machine.
    professional_budget: float = 460.0
    professional_time_limit: float = 580.0
    seconds_per_render: float = 1.4
    max_reference_seconds: float = 300.0
    # Blends: top-k voices weighted by exp(similarity gap / temperature); the pitch-matched
    # prosody half prefers voices within ``pitch_width`` (log units) of the speaker's pitch.
    soft_k: int = 5
    soft_temperature: float = 0.02
    sharp_k: int = 3
    sharp_temperature: float = 0.01
    pitch_pool: int = 10
    pitch_width: float = 0.08
    pitch_temperature: float = 0.05
    # Below ``male_below`` Hz only male voices, above ``female_above`` only female ones:
    # blending across genders gives a hoarse voice even when an encoder likes it.
    male_below: float = 150.0
    female_above: float = 175.0
    # The walk: principal components per half, antithetic pairs per step, probe and step sizes.
    walk_components: int = 16
    walk_pairs: int = 3
    walk_sigma: float = 0.4
    walk_step: float = 0.4
    # Further than this from the start the voice stops sounding natural.
    walk_max_coord: float = 3.0
    # Every ``round_every`` steps the surrogate, refitted with everything rendered so far,
    # proposes ``round_proposals`` points; noisy probes estimate a slope, the refitted model
    # remembers them all. ``walk_proposals`` more compete among the walk's finalists.
    round_every: int = 10
    round_proposals: int = 2
    walk_proposals: int = 2
    # The mapped step: damping relative to the map's mean gain, longest step.
    map_damping: float = 0.5
    map_max_step: float = 2.0
    # Similarity units per dB of long-term-spectrum distance. Renders sit 4-5 dB from real
    # recordings, so the term is as strong as the encoder's and keeps the walk from pleasing
    # CAM++ alone.
    ltas_weight: float = 0.1


@dataclass(frozen=True)
class SearchPlan:
    """What the closed-form search scores: blends, surrogate proposals, the two points read
    off the reference embedding, a mapped step."""

    blends: int
    proposals: int
    mapped_step: bool
    inverse: bool = False

    @property
    def candidates(self) -> int:
        return self.blends + self.proposals + 2 * int(self.inverse) + int(self.mapped_step)


def search_plan(tier: Tier, config: CloneConfig) -> SearchPlan:
    if tier == "instant":
        return SearchPlan(
            config.instant_blends,
            config.instant_proposals,
            config.instant_mapped_step,
            config.instant_inverse,
        )
    return SearchPlan(
        config.professional_blends,
        config.professional_proposals,
        config.professional_mapped_step,
        config.professional_inverse,
    )


CONFIG = CloneConfig()
