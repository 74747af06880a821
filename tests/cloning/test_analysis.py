import io

import numpy as np
import pytest
import soundfile as sf

from voices.cloning import NotEnoughSpeech, UnsupportedAudio, analyse
from voices.cloning.audio import median_pitch

from .conftest import joined


@pytest.fixture(scope="module")
def clean(manifest):
    return joined(manifest["ljspeech/LJ"][:4])  # ~26 s, one speaker, studio quality


def test_it_accepts_a_clean_single_speaker_recording(clean):
    result = analyse([clean])

    assert result.verdict == "ok"
    assert 20 < result.speech_seconds <= result.total_seconds
    assert result.snr_db > 25
    assert result.clipping_ratio < 0.001
    assert -30 < result.loudness_lufs < -10
    assert result.consistency > 0.85
    assert result.advice


def test_it_rejects_heavy_background_noise(clean):
    audio, sr = clean
    noise = np.random.default_rng(1).standard_normal(len(audio)).astype(np.float32)
    noisy = audio + noise * np.sqrt(np.mean(audio**2) / 10 ** (3 / 10))  # 3 dB SNR

    result = analyse([(noisy, sr)])

    assert result.verdict == "reject"
    assert result.snr_db < 9
    assert any("noisy" in a for a in result.advice)


def test_it_warns_about_moderate_noise(clean):
    audio, sr = clean
    noise = np.random.default_rng(2).standard_normal(len(audio)).astype(np.float32)
    noisy = audio + noise * np.sqrt(np.mean(audio**2) / 10 ** (11 / 10))

    result = analyse([(noisy, sr)])

    assert result.verdict == "warn"
    assert any("noise" in a for a in result.advice)


def test_it_rejects_a_clipped_recording(clean):
    audio, sr = clean
    result = analyse([(np.clip(audio * 8, -1, 1), sr)])

    assert result.verdict == "reject"
    assert result.clipping_ratio > 0.01
    assert any("clipping" in a for a in result.advice)


def test_it_rejects_two_speakers_concatenated(manifest):
    audio_a, sr = joined(manifest["vctk/p225"][:4])
    audio_b, _ = joined(manifest["vctk/p226"][:4])

    result = analyse([(np.concatenate([audio_a, audio_b]), sr)])

    assert result.verdict == "reject"
    assert result.consistency < 0.7
    assert any("more than one voice" in a.lower() for a in result.advice)


def test_it_accepts_encoded_bytes_and_several_files(manifest):
    paths = manifest["vctk/p227"][:3]
    encoded = io.BytesIO()
    sf.write(encoded, *joined(manifest["vctk/p227"][3:5]), format="OGG", subtype="VORBIS")

    result = analyse([*paths, encoded.getvalue()])

    assert result.verdict == "ok"
    assert result.speech_seconds > 15


def test_it_rejects_silence():
    with pytest.raises(NotEnoughSpeech, match="no speech"):
        analyse([(np.zeros(16000 * 10, np.float32), 16000)])


def test_it_rejects_noise_without_speech():
    noise = np.random.default_rng(3).standard_normal(16000 * 10).astype(np.float32) * 0.1
    with pytest.raises(NotEnoughSpeech, match="no speech"):
        analyse([(noise, 16000)])


def test_it_rejects_two_seconds_of_speech(clean):
    audio, sr = clean
    with pytest.raises(NotEnoughSpeech, match="only 2"):
        analyse([(audio[sr : 3 * sr], sr)])


def test_it_rejects_files_that_are_not_audio(tmp_path):
    path = tmp_path / "notes.wav"
    path.write_text("these are my meeting notes, not a recording\n" * 20)

    with pytest.raises(UnsupportedAudio):
        analyse([path])


def test_it_rejects_a_truncated_file(clean):
    buf = io.BytesIO()
    sf.write(buf, *clean, format="WAV", subtype="PCM_16")
    truncated = buf.getvalue()[: len(buf.getvalue()) // 3]

    with pytest.raises(UnsupportedAudio, match="truncated"):
        analyse([truncated])


def _encode_with_ffmpeg(audio: np.ndarray, sr: int, fmt: str, codec: str) -> bytes:
    import av

    buf = io.BytesIO()
    with av.open(buf, mode="w", format=fmt) as container:
        stream = container.add_stream(codec, rate=48000)
        stream.layout = "mono"
        resampled = av.AudioResampler(format="s16", layout="mono", rate=48000)
        frame = av.AudioFrame.from_ndarray(
            (audio[None] * 32767).astype(np.int16), format="s16", layout="mono"
        )
        frame.sample_rate = sr
        for out in resampled.resample(frame):
            for packet in stream.encode(out):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return buf.getvalue()


@pytest.mark.parametrize(("fmt", "codec"), [("mp4", "aac"), ("webm", "libopus")])
def test_it_decodes_browser_and_phone_formats(manifest, fmt, codec):
    audio, sr = joined(manifest["vctk/p228"][:4])
    encoded = _encode_with_ffmpeg(audio, sr, fmt, codec)

    result = analyse([encoded])

    assert abs(result.total_seconds - len(audio) / sr) < 0.2
    assert result.verdict in ("ok", "warn")


@pytest.mark.parametrize("hz", [110.0, 220.0])
def test_median_pitch_finds_the_pitch_of_voiced_sound(hz):
    t = np.arange(16000) / 16000
    tone = sum(np.sin(2 * np.pi * hz * k * t) / k for k in range(1, 6)).astype(np.float32)
    pause = np.zeros(4000, np.float32)
    audio = 0.2 * np.concatenate([pause, tone, pause, tone, pause])

    # Whole-sample lags at 16 kHz and the shortest-lag rule leave it a few percent off:
    # within a semitone is what the pitch band of the search needs.
    assert abs(12 * np.log2(median_pitch(audio) / hz)) < 1.0
    assert median_pitch(np.zeros(16000, np.float32)) == 0.0
