"""Front-end features of the two speaker encoders, reimplemented in numpy.

CAM++ was trained on Kaldi-style log filterbanks (``torchaudio.compliance.kaldi.fbank``) and
Resemblyzer on librosa's Slaney-normalised power mel spectrogram; both are reproduced here so
the encoders see what they saw in training (the parity script checks it against the originals).
"""

from __future__ import annotations

from functools import cache

import numpy as np

SAMPLE_RATE = 16000


# --- Kaldi filterbank (CAM++) ---------------------------------------------------------------

_KALDI_FRAME = 400  # 25 ms
_KALDI_SHIFT = 160  # 10 ms
_KALDI_FFT = 512


def _kaldi_mel(freq: np.ndarray) -> np.ndarray:
    return 1127.0 * np.log(1.0 + freq / 700.0)


@cache
def _kaldi_mel_banks(num_bins: int = 80, low: float = 20.0) -> np.ndarray:
    high = SAMPLE_RATE / 2
    fft_freqs = np.arange(_KALDI_FFT // 2) * (SAMPLE_RATE / _KALDI_FFT)
    mel_low, mel_high = _kaldi_mel(np.float64(low)), _kaldi_mel(np.float64(high))
    delta = (mel_high - mel_low) / (num_bins + 1)
    left = mel_low + np.arange(num_bins)[:, None] * delta
    center, right = left + delta, left + 2 * delta
    mel = _kaldi_mel(fft_freqs)[None, :]
    up, down = (mel - left) / (center - left), (right - mel) / (right - center)
    banks = np.maximum(0.0, np.minimum(up, down))
    # Kaldi has no weight on the Nyquist bin; keep the column so the shapes match the FFT.
    return np.pad(banks, ((0, 0), (0, 1))).astype(np.float32)


@cache
def _povey_window() -> np.ndarray:
    n = np.arange(_KALDI_FRAME)
    return ((0.5 - 0.5 * np.cos(2 * np.pi * n / (_KALDI_FRAME - 1))) ** 0.85).astype(np.float32)


def kaldi_fbank(wav: np.ndarray, num_bins: int = 80) -> np.ndarray:
    """Log mel filterbank [frames, num_bins] of 16 kHz audio, mean-normalised over time.

    Matches ``kaldi.fbank(dither=0, snip_edges=True)`` followed by the per-utterance mean
    subtraction 3D-Speaker applies; the waveform scale cancels in that subtraction.
    """
    wav = np.asarray(wav, dtype=np.float32)
    if len(wav) < _KALDI_FRAME:
        wav = np.pad(wav, (0, _KALDI_FRAME - len(wav)))
    n_frames = 1 + (len(wav) - _KALDI_FRAME) // _KALDI_SHIFT
    frames = np.lib.stride_tricks.sliding_window_view(wav, _KALDI_FRAME)[::_KALDI_SHIFT][:n_frames]
    frames = frames - frames.mean(axis=1, keepdims=True)
    shifted = np.concatenate([frames[:, :1], frames[:, :-1]], axis=1)
    frames = (frames - 0.97 * shifted) * _povey_window()
    power = np.abs(np.fft.rfft(frames, n=_KALDI_FFT, axis=1)) ** 2
    energies = power.astype(np.float32) @ _kaldi_mel_banks(num_bins).T
    feats = np.log(np.maximum(energies, np.finfo(np.float32).eps))
    return (feats - feats.mean(axis=0, keepdims=True)).astype(np.float32)


# --- Slaney mel spectrogram (Resemblyzer) -------------------------------------------------------

_MEL_FFT = 400
_MEL_HOP = 160


def _slaney_hz_to_mel(freq: np.ndarray) -> np.ndarray:
    freq = np.asarray(freq, dtype=np.float64)
    min_log_hz, min_log_mel, logstep = 1000.0, 15.0, np.log(6.4) / 27.0
    linear = freq / (200.0 / 3)
    log = min_log_mel + np.log(np.maximum(freq, min_log_hz) / min_log_hz) / logstep
    return np.where(freq >= min_log_hz, log, linear)


def _slaney_mel_to_hz(mel: np.ndarray) -> np.ndarray:
    mel = np.asarray(mel, dtype=np.float64)
    min_log_hz, min_log_mel, logstep = 1000.0, 15.0, np.log(6.4) / 27.0
    linear = mel * (200.0 / 3)
    log = min_log_hz * np.exp(logstep * (mel - min_log_mel))
    return np.where(mel >= min_log_mel, log, linear)


def _slaney_hz_points(n_mels: int) -> np.ndarray:
    """The edges and centres of ``n_mels`` Slaney mel bands over 0 Hz to Nyquist."""
    mel_points = np.linspace(_slaney_hz_to_mel(0.0), _slaney_hz_to_mel(SAMPLE_RATE / 2), n_mels + 2)
    return _slaney_mel_to_hz(mel_points)


def mel_band_centres(n_mels: int = 40) -> np.ndarray:
    """Centre frequency in Hz of each band of ``mel_power_spectrogram``."""
    return _slaney_hz_points(n_mels)[1:-1]


@cache
def _slaney_mel_banks(n_mels: int = 40) -> np.ndarray:
    fft_freqs = np.linspace(0, SAMPLE_RATE / 2, 1 + _MEL_FFT // 2)
    hz_points = _slaney_hz_points(n_mels)
    fdiff = np.diff(hz_points)
    ramps = hz_points[:, None] - fft_freqs[None, :]
    lower = -ramps[:-2] / fdiff[:-1, None]
    upper = ramps[2:] / fdiff[1:, None]
    banks = np.maximum(0, np.minimum(lower, upper))
    banks *= (2.0 / (hz_points[2 : n_mels + 2] - hz_points[:n_mels]))[:, None]
    return banks.astype(np.float32)


@cache
def _hann_periodic() -> np.ndarray:
    n = np.arange(_MEL_FFT)
    return (0.5 - 0.5 * np.cos(2 * np.pi * n / _MEL_FFT)).astype(np.float32)


def mel_power_spectrogram(wav: np.ndarray, n_mels: int = 40) -> np.ndarray:
    """Power mel spectrogram [frames, n_mels] as ``librosa.feature.melspectrogram`` defaults."""
    wav = np.asarray(wav, dtype=np.float32)
    padded = np.pad(wav, (_MEL_FFT // 2, _MEL_FFT // 2))
    frames = np.lib.stride_tricks.sliding_window_view(padded, _MEL_FFT)[::_MEL_HOP]
    spec = np.abs(np.fft.rfft(frames * _hann_periodic(), axis=1)) ** 2
    return (spec.astype(np.float32) @ _slaney_mel_banks(n_mels).T).astype(np.float32)
