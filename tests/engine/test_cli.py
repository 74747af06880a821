import numpy as np
import pytest
import soundfile as sf

from synthesis.engine.__main__ import main


@pytest.mark.model
def test_say_writes_the_requested_format(engine, tmp_path):
    out = tmp_path / "hello.flac"
    assert (
        main(["say", "Hello there.", "--voice", "af_heart", "--format", "flac", "--out", str(out)])
        == 0
    )
    audio, rate = sf.read(out)
    assert rate == 24_000
    assert len(audio) / rate > 0.4


@pytest.mark.model
def test_say_takes_a_voice_file(engine, tmp_path):
    voice_file = tmp_path / "voice.npy"
    np.save(voice_file, engine.resolve_voice("bf_emma"))
    out = tmp_path / "v.wav"
    assert main(["say", "From a file.", "--voice-file", str(voice_file), "--out", str(out)]) == 0
    assert sf.info(out).duration > 0.4
    # A clone's tone file colours the same speech.
    tone_file = tmp_path / "voice.tone.json"
    tone_file.write_text("[[100, -6], [2000, -6], [3000, 6], [7500, 6]]")
    toned = tmp_path / "t.wav"
    argv = ["say", "From a file.", "--voice-file", str(voice_file), "--tone-file", str(tone_file)]
    assert main([*argv, "--out", str(toned)]) == 0
    plain, toned_audio = sf.read(out)[0], sf.read(toned)[0]
    assert plain.shape == toned_audio.shape and not np.allclose(plain, toned_audio, atol=1e-3)


def test_say_reports_engine_errors_with_exit_status_2(capsys):
    assert main(["say", "Hi", "--voice", "zz_nobody", "--out", "/dev/null"]) == 2
    assert "unknown voice" in capsys.readouterr().err


def test_voices_lists_the_catalogue(capsys):
    assert main(["voices"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 54
    assert any(line.startswith("af_heart") and "American English" in line for line in lines)
