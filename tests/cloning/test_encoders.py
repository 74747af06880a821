import itertools

import numpy as np
import pytest

from voices.cloning import similarity, speaker_embedding

from .conftest import load


@pytest.fixture(scope="module")
def utterances(manifest):
    """Two utterances of four multi-utterance speakers, and four single-utterance strangers."""
    picked = []
    for speaker in ("vctk/p225", "vctk/p226", "vctk/p227", "ljspeech/LJ"):
        picked += [(speaker, p) for p in manifest[speaker][6:8]]
    strangers = [k for k in manifest if k.startswith("librispeech")][:4]
    picked += [(k, manifest[k][0]) for k in strangers]
    return picked


@pytest.mark.parametrize("encoder", ["campplus", "resemblyzer"])
def test_same_speaker_pairs_score_higher_than_different_speaker_pairs(utterances, encoder):
    embeddings = [speaker_embedding(*load(path), encoder=encoder) for _, path in utterances]
    same, different = [], []
    for (a, ea), (b, eb) in itertools.combinations(
        zip([s for s, _ in utterances], embeddings, strict=True), 2
    ):
        (same if a == b else different).append(similarity(ea, eb))

    assert len(same) == 4
    assert min(same) > np.percentile(different, 90)
    assert np.mean(same) - np.mean(different) > 0.25


def test_embeddings_are_unit_length_and_sample_rate_independent(manifest):
    audio, sr = load(manifest["ljspeech/LJ"][0])
    e_native = speaker_embedding(audio, sr)
    e_8k = speaker_embedding(audio[::2], sr // 2)

    assert e_native.shape == (192,)
    assert np.linalg.norm(e_native) == pytest.approx(1.0, abs=1e-5)
    assert similarity(e_native, e_8k) > 0.7


def test_similarity_refuses_embeddings_of_different_encoders():
    with pytest.raises(ValueError, match="different encoders"):
        similarity(np.ones(192), np.ones(256))
