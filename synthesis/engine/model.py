"""The onnxruntime session running Kokoro, one per process."""

from pathlib import Path

import numpy as np

from .errors import AssetError
from .fastgraph import DURATIONS_OUTPUT
from .prosodygraph import INPUTS as CONTROL_INPUTS
from .prosodygraph import NEUTRAL as NEUTRAL_CONTROLS
from .prosodygraph import OUTPUT as GAIN_OUTPUT
from .prosodygraph import has_controls

_DTYPES = {
    "tensor(float)": np.float32,
    "tensor(float16)": np.float16,
    "tensor(int32)": np.int32,
    "tensor(int64)": np.int64,
}
WARMUP_TOKENS = [50, 83, 54, 156, 31, 16, 65, 156, 87, 123, 54, 46, 4]  # "həlˈO wˈɜɹld."


class KokoroModel:
    """Runs one chunk of token ids through the graph.

    Adapts to the input names and types of other Kokoro exports (``input_ids`` vs
    ``tokens``, integer vs float ``speed``, fp16 styles) so an operator can swap the file.
    """

    def __init__(
        self, path: Path, *, threads: int, spin: bool = False, profile_prefix: str | None = None
    ) -> None:
        """``profile_prefix`` turns on onnxruntime's per-operator profiler."""
        import onnxruntime as ort

        if not path.is_file():
            raise AssetError(
                f"model file {path} is missing: run python -m synthesis.engine.assets install"
            )
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        # Every chunk length is a new input shape, so a cached memory plan is rarely reused,
        # while planning one block per shape kept ~50 MB more resident at no gain in speed.
        options.enable_mem_pattern = False
        # Busy-waiting workers steal CPU from the web process and other jobs on small boxes.
        options.add_session_config_entry("session.intra_op.allow_spinning", "1" if spin else "0")
        if profile_prefix:
            options.enable_profiling = True
            options.profile_file_prefix = profile_prefix
        try:
            self.session = ort.InferenceSession(
                str(path), options, providers=["CPUExecutionProvider"]
            )
        except Exception as e:  # onnxruntime raises its own untyped errors for bad files
            raise AssetError(f"cannot load model {path}: {e}") from e
        inputs = {i.name: _DTYPES.get(i.type, np.float32) for i in self.session.get_inputs()}
        self._tokens_name = "input_ids" if "input_ids" in inputs else "tokens"
        self._tokens_dtype = inputs[self._tokens_name]
        self._style_dtype = inputs["style"]
        self._speed_dtype = inputs["speed"]
        outputs = [o.name for o in self.session.get_outputs()]
        self.has_controls = has_controls(list(inputs))
        # A derived graph also outputs each token's frames (see fastgraph) and, with the
        # controls (see prosodygraph), the gain per frame; another export gives audio only.
        self.has_durations = DURATIONS_OUTPUT in outputs
        self._outputs = outputs[:1]
        if self.has_durations:
            self._outputs.append(DURATIONS_OUTPUT)
        if self.has_controls:
            self._outputs.append(GAIN_OUTPUT)

    def infer(self, tokens: list[int], style: np.ndarray, speed: float) -> np.ndarray:
        """Audio (float32, 24 kHz) for ``tokens`` (without the padding ids)."""
        return self.run(tokens, style, speed)[0]

    def infer_timed(
        self, tokens: list[int], style: np.ndarray, speed: float
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """Audio, and the frames (600 samples each) the model gave every id, the two padding
        ids included; None for a graph without that output."""
        audio, durations, _ = self.run(tokens, style, speed)
        return audio, durations

    def infer_controlled(
        self,
        tokens: list[int],
        style: np.ndarray,
        speed: float,
        controls: dict[str, np.ndarray] | None = None,
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """Audio for ``tokens`` and the gain per frame (dB) to apply to it (see ``run``)."""
        audio, _, gains = self.run(tokens, style, speed, controls)
        return audio, gains

    def run(
        self,
        tokens: list[int],
        style: np.ndarray,
        speed: float,
        controls: dict[str, np.ndarray] | None = None,
    ) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
        """Audio, frames per id (or None) and gain per frame in dB (or None) for ``tokens``.

        ``controls``: one array per ``prosodygraph.INPUTS``, one value per token with the
        padding ids; neutral when None. A graph without controls must be given none.
        """
        feed = {
            self._tokens_name: np.array([[0, *tokens, 0]], dtype=self._tokens_dtype),
            "style": style.reshape(1, -1).astype(self._style_dtype, copy=False),
            "speed": np.array([speed], dtype=self._speed_dtype),
        }
        if self.has_controls:
            for name in CONTROL_INPUTS:
                neutral = np.full(len(tokens) + 2, NEUTRAL_CONTROLS[name], np.float32)
                feed[name] = neutral if controls is None else controls[name]
        elif controls is not None:
            raise ValueError("this graph has no pitch, duration or loudness controls")
        named = dict(zip(self._outputs, self.session.run(self._outputs, feed), strict=True))
        audio = np.asarray(named[self._outputs[0]], dtype=np.float32).reshape(-1)
        durations = named.get(DURATIONS_OUTPUT)
        gains = named.get(GAIN_OUTPUT)
        return (
            audio,
            None if durations is None else np.asarray(durations).reshape(-1),
            None if gains is None else np.asarray(gains).reshape(-1),
        )

    def end_profiling(self) -> str:
        """Stop profiling; the path of the JSON trace onnxruntime wrote."""
        return self.session.end_profiling()

    def warm_up(self, style: np.ndarray) -> None:
        """First runs allocate arenas and pick kernels; pay for that before a user waits."""
        self.infer(WARMUP_TOKENS, style, 1.0)
