"""Read PyTorch ``.pt`` checkpoints without torch.

A checkpoint is a pickle whose tensors point at raw little-endian storages, either inside a zip
(torch >= 1.6) or appended after the pickle (the legacy format Resemblyzer ships). The unpickler
below only admits the handful of globals a plain state dict needs, so a hostile file cannot run
code: anything else raises ``WeightsFormatError``.
"""

from __future__ import annotations

import io
import pickle
import struct
import zipfile
from collections import OrderedDict
from pathlib import Path
from typing import Any

import numpy as np

from .errors import WeightsFormatError

_LEGACY_MAGIC = 0x1950A86A20F9469CFC6C
_STORAGE_DTYPES = {
    "FloatStorage": np.float32,
    "DoubleStorage": np.float64,
    "HalfStorage": np.float16,
    "LongStorage": np.int64,
    "IntStorage": np.int32,
    "ShortStorage": np.int16,
    "CharStorage": np.int8,
    "ByteStorage": np.uint8,
    "BoolStorage": np.bool_,
}


class _StorageType:
    def __init__(self, name: str) -> None:
        self.dtype = np.dtype(_STORAGE_DTYPES[name])


def _rebuild_tensor(storage, offset, size, stride, *_ignored) -> np.ndarray:
    itemsize = storage.dtype.itemsize
    if not size:
        return storage[offset : offset + 1].reshape(()).copy()
    view = np.lib.stride_tricks.as_strided(
        storage[offset:],
        shape=tuple(size),
        strides=tuple(s * itemsize for s in stride),
        writeable=False,
    )
    return np.ascontiguousarray(view)


def _rebuild_parameter(data, *_ignored) -> np.ndarray:
    return data


class _RestrictedUnpickler(pickle.Unpickler):
    def __init__(self, file, load_storage) -> None:
        super().__init__(file)
        self._load_storage = load_storage

    def find_class(self, module: str, name: str) -> Any:
        if module == "collections" and name == "OrderedDict":
            return OrderedDict
        if module == "torch._utils" and name == "_rebuild_tensor_v2":
            return _rebuild_tensor
        if module == "torch._utils" and name == "_rebuild_parameter":
            return _rebuild_parameter
        if module == "torch" and name in _STORAGE_DTYPES:
            return _StorageType(name)
        raise WeightsFormatError(f"checkpoint refers to {module}.{name}, which is not allowed")

    def persistent_load(self, pid):
        if not (isinstance(pid, tuple) and pid and pid[0] == "storage"):
            raise WeightsFormatError(f"unexpected persistent id {pid!r}")
        storage_type, key = pid[1], str(pid[2])
        if not isinstance(storage_type, _StorageType):
            raise WeightsFormatError("storage without a known element type")
        return self._load_storage(key, storage_type.dtype)


def load_state_dict(path: Path) -> dict[str, np.ndarray]:
    """Return the flat ``name -> array`` mapping stored in a checkpoint.

    Nested dicts (Resemblyzer wraps its weights as ``{"model_state": ...}``) are flattened with
    dots so callers see one namespace.
    """
    raw = Path(path).read_bytes()
    try:
        obj = _load_zip(raw) if zipfile.is_zipfile(io.BytesIO(raw)) else _load_legacy(raw)
    except (pickle.UnpicklingError, EOFError, struct.error, KeyError, ValueError) as e:
        raise WeightsFormatError(f"{path}: not a readable checkpoint ({e})") from e
    return _flatten(obj)


def _load_zip(raw: bytes) -> Any:
    archive = zipfile.ZipFile(io.BytesIO(raw))
    pickles = [n for n in archive.namelist() if n.endswith("/data.pkl")]
    if len(pickles) != 1:
        raise WeightsFormatError("zip checkpoint without exactly one data.pkl")
    prefix = pickles[0][: -len("data.pkl")]

    def load_storage(key: str, dtype: np.dtype) -> np.ndarray:
        return np.frombuffer(archive.read(f"{prefix}data/{key}"), dtype=dtype)

    return _RestrictedUnpickler(io.BytesIO(archive.read(pickles[0])), load_storage).load()


def _load_legacy(raw: bytes) -> Any:
    stream = io.BytesIO(raw)
    header = _RestrictedUnpickler(stream, None)
    if header.load() != _LEGACY_MAGIC:
        raise WeightsFormatError("not a torch checkpoint (bad magic number)")
    header.load()  # protocol version
    header.load()  # sys info
    # Storages are only known after the object pickle, so tensors are built lazily against
    # placeholders and filled in once the storage table has been read.
    pending: dict[str, np.dtype] = {}
    placeholders: dict[str, list] = {}

    def load_storage(key: str, dtype: np.dtype):
        pending[key] = dtype
        return placeholders.setdefault(key, [])

    unpickler = _RestrictedUnpickler(stream, load_storage)
    unpickler.find_class = _deferred_find_class(unpickler.find_class)
    obj = unpickler.load()
    keys = _RestrictedUnpickler(stream, None).load()
    storages = {}
    for key in keys:
        (count,) = struct.unpack("<q", stream.read(8))
        dtype = pending[str(key)]
        storages[str(key)] = np.frombuffer(stream.read(count * dtype.itemsize), dtype=dtype)
    return _resolve(obj, storages, placeholders)


class _DeferredTensor:
    def __init__(self, storage, offset, size, stride) -> None:
        self.args = (storage, offset, size, stride)


def _deferred_find_class(find_class):
    def find(module: str, name: str):
        if module == "torch._utils" and name == "_rebuild_tensor_v2":
            return lambda storage, offset, size, stride, *_: _DeferredTensor(
                storage, offset, size, stride
            )
        return find_class(module, name)

    return find


def _resolve(obj, storages, placeholders):
    if isinstance(obj, _DeferredTensor):
        storage, offset, size, stride = obj.args
        key = next(k for k, v in placeholders.items() if v is storage)
        return _rebuild_tensor(storages[key], offset, size, stride)
    if isinstance(obj, dict):
        return type(obj)((k, _resolve(v, storages, placeholders)) for k, v in obj.items())
    return obj


def _flatten(obj, prefix: str = "") -> dict[str, np.ndarray]:
    flat: dict[str, np.ndarray] = {}
    if isinstance(obj, np.ndarray):
        flat[prefix.rstrip(".")] = obj
    elif isinstance(obj, dict):
        for k, v in obj.items():
            flat.update(_flatten(v, f"{prefix}{k}."))
    return flat
