import io
import pickle
import zipfile

import pytest

from voices.cloning.errors import WeightsFormatError
from voices.cloning.torchfile import load_state_dict


class _Evil:
    def __reduce__(self):
        return (print, ("this must never run",))


def test_it_refuses_checkpoints_that_call_arbitrary_globals(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("archive/data.pkl", pickle.dumps({"w": _Evil()}))
    path = tmp_path / "evil.pt"
    path.write_bytes(buf.getvalue())

    with pytest.raises(WeightsFormatError, match="not allowed"):
        load_state_dict(path)


def test_it_refuses_files_that_are_not_checkpoints(tmp_path):
    path = tmp_path / "junk.pt"
    path.write_bytes(b"definitely not a pickle" * 10)

    with pytest.raises(WeightsFormatError):
        load_state_dict(path)
