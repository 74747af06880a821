"""Per-token pitch, duration and loudness controls added to the Kokoro graph.

Kokoro predicts a pitch curve (F0) and a duration for every token from the text and the
voice's style, and its decoder renders speech at that pitch: its harmonic source is generated
from the curve. Scaling the curve before the decoder moves the pitch while the decoder, still
conditioned on the same style, keeps the voice's timbre (measured by
``benchmarks/bench_ssml.py``). Moving the style instead also moves the pitch, but takes speaker
identity and rhythm along with it.

The rewrite adds five inputs, one value per token including the two padding ids:

- ``f0_scale``: multiplies the F0 of the frames the token is spoken over;
- ``f0_hz``: when above 0, moves those frames so the chunk's median voiced pitch would sit at
  this many Hz (an absolute pitch), before ``f0_scale`` applies;
- ``f0_range``: widens (> 1) or narrows (< 1) the F0 movement of those frames around the
  chunk's mean voiced pitch;
- ``dur_scale``: multiplies the token's predicted duration, on top of ``speed``;
- ``gain_db``: not used inside the graph; the alignment turns it into the output
  ``gain_db_frames``, one value per frame of 600 samples, so loudness follows words exactly.

Every frame gets the values of the token spoken over it (the model's own alignment), so a
word keeps its place and its intonation in the sentence instead of becoming a chunk of its
own. Neutral values (scale 1, Hz 0, range 1, duration 1, gain 0) leave the audio unchanged.

The controlled graph is derived once per source file into the data folder, in a child
process like the int8 rewrite: ``python -m synthesis.engine.prosodygraph SRC DEST``.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

import numpy as np

from .errors import AssetError

CONTROLS_VERSION = "prosody-5"
# Every node and constant the controls add is named with this prefix, so later rewrites of the
# graph (the durations output) can tell them from the model's own.
NODE_PREFIX = "speeko_prosody_"
INPUTS = ("f0_scale", "f0_hz", "f0_range", "dur_scale", "gain_db")
NEUTRAL = {"f0_scale": 1.0, "f0_hz": 0.0, "f0_range": 1.0, "dur_scale": 1.0, "gain_db": 0.0}
OUTPUT = "gain_db_frames"
SAMPLES_PER_FRAME = 600  # 24 kHz samples per alignment frame
_F0 = "/encoder/Squeeze_output_0"  # predicted F0 [1, 2 * frames], before the decoder
_ALIGNMENT = "/encoder/Cast_4_output_0"  # token-to-frame alignment [tokens, frames]
_DURATIONS = "/encoder/Div_output_0"  # predicted frames per token / speed, before rounding
_VOICED_HZ = 40.0
# The decoder renders speech about 7 Hz above its F0 input, at any pitch (a median tracker
# on af_heart, am_adam, bf_emma, am_michael and af_bella: +3.5 to +9.6 Hz; absolute targets
# from 90 to 280 Hz landed 5.7 to 9.6 Hz high).
RENDERED_OFFSET_HZ = 7.0  # below this a frame is unvoiced and keeps its predicted value
log = logging.getLogger(__name__)


def has_controls(input_names: list[str]) -> bool:
    return set(INPUTS) <= set(input_names)


def derived_path(src: Path, derived_dir: Path) -> Path:
    from .assets import sha256_file

    return derived_dir / f"{src.stem}.{CONTROLS_VERSION}.{sha256_file(src)[:16]}.onnx"


def with_controls(src: Path, *, derived_dir: Path) -> Path:
    """``src`` with the controls added, derived on first use; ``src`` itself if that fails.

    A graph that is not a Kokoro export this rewrite recognises still speaks, without pitch,
    duration or loudness control (requests for them are refused).
    """
    from .fastgraph import _build_in_child

    if not src.is_file():
        return src
    dest = derived_path(src, derived_dir)
    if not dest.is_file():
        try:
            _build_in_child(src, dest, module=__name__)
        except AssetError as e:
            log.warning("no pitch, duration or loudness control: %s", e)
            return src
    return dest


def configured_graph(src: Path) -> Path:
    """The file the engine loads for ``src``: with controls, then the operator's int8 rewrite."""
    from . import config, fastgraph

    return fastgraph.configured_graph(with_controls(src, derived_dir=config.derived_dir()))


def build(src: Path, dest: Path) -> None:
    import onnx

    try:
        model = onnx.load(str(src))
    except Exception as e:  # onnx raises protobuf's untyped errors for a bad file
        raise AssetError(f"cannot read the graph {src}: {e}") from e
    add_controls(model)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.partial")
    try:
        onnx.save(model, str(tmp))
        tmp.replace(dest)
    except OSError as e:
        raise AssetError(f"cannot write {dest}: {e}") from e
    finally:
        tmp.unlink(missing_ok=True)


def add_controls(model) -> None:  # noqa: ANN001 - onnx.ModelProto, imported lazily
    """Add the inputs and output described in the module docstring, in place."""
    from onnx import TensorProto, helper

    graph = model.graph
    if has_controls([i.name for i in graph.input]):
        return
    produced = {o: i for i, node in enumerate(graph.node) for o in node.output}
    if not {_F0, _ALIGNMENT, _DURATIONS} <= produced.keys():
        raise AssetError("the graph has no recognisable F0 curve, durations and alignment")
    builder = _Nodes()
    durations = builder.scaled_durations()
    f0 = builder.moved_f0()
    builder.frame_gains()
    for node in graph.node:
        if node.name not in builder.names:
            node.input[:] = [{_F0: f0, _DURATIONS: durations}.get(i, i) for i in node.input]
    # Insert the duration nodes right after the durations and the rest after F0 and the
    # alignment, keeping the node list in topological order.
    at_durations = produced[_DURATIONS] + 1
    for offset, node in enumerate(builder.duration_nodes):
        graph.node.insert(at_durations + offset, node)
    produced = {o: i for i, node in enumerate(graph.node) for o in node.output}
    at_f0 = max(produced[_F0], produced[_ALIGNMENT]) + 1
    for offset, node in enumerate(builder.nodes):
        graph.node.insert(at_f0 + offset, node)
    graph.initializer.extend(builder.inits)
    for name in INPUTS:
        graph.input.append(helper.make_tensor_value_info(name, TensorProto.FLOAT, ["tokens"]))
    graph.output.append(helper.make_tensor_value_info(OUTPUT, TensorProto.FLOAT, ["frames"]))


class _Nodes:
    def __init__(self) -> None:
        self.nodes: list = []
        self.duration_nodes: list = []
        self.inits: list = []
        self.names: set[str] = set()

    @staticmethod
    def name(hint: str) -> str:
        return f"{NODE_PREFIX}{hint}"

    def const(self, hint: str, value: np.ndarray) -> str:
        from onnx import numpy_helper

        name = self.name(f"c_{hint}")
        if all(init.name != name for init in self.inits):
            self.inits.append(numpy_helper.from_array(value, name))
        return name

    def node(
        self, op: str, inputs: list[str], output: str, into: list | None = None, outputs=1, **kw
    ) -> str:
        """Add a node; the first of its ``outputs`` is named after ``output`` and returned."""
        from onnx import helper

        names = [self.name(output)] + [self.name(f"{output}_{i}") for i in range(1, outputs)]
        node = helper.make_node(op, inputs, names, name=self.name(output), **kw)
        self.names.add(node.name)
        (self.nodes if into is None else into).append(node)
        return self.name(output)

    def scaled_durations(self) -> str:
        """Each token's frames with the extra (or missing) frames its scale asks for spread
        along the tokens by error diffusion, so a stretch lengthens by what was asked to within
        half a frame. Scaling each token before the graph rounds it loses the change wherever a
        token's frames do not cross a half: a voice whose tokens last about three frames each
        was 2.5 % longer for 8 % asked. Tokens at scale 1 get exactly the graph's own frames
        (their extra is zero), so neutral controls leave the audio unchanged."""
        into = self.duration_nodes
        scaled = self.node("Mul", [_DURATIONS, INPUTS[3]], "dur_scaled", into=into)
        extra = self.node("Sub", [scaled, _DURATIONS], "dur_extra", into=into)
        axis = self.const("dur_axis", np.array(-1, np.int64))
        total = self.node("Round", [self.node("CumSum", [extra, axis], "dur_cum", into=into)],
                          "dur_cum_round", into=into)  # fmt: skip
        # The rounded running total one token earlier: shifted right by one, zero first.
        pads = self.const("dur_pads", np.array([0, 1, 0, 0], np.int64))
        padded = self.node("Pad", [total, pads], "dur_padded", into=into)
        starts, ends = (self.const(f"dur_{n}", np.array([v], np.int64)) for n, v in
                        (("start", 0), ("end", -1)))  # fmt: skip
        one = self.const("dur_one", np.array([1], np.int64))
        earlier = self.node("Slice", [padded, starts, ends, one], "dur_earlier", into=into)
        added = self.node("Sub", [total, earlier], "dur_added", into=into)
        own = self.node("Round", [_DURATIONS], "dur_own", into=into)
        return self.node("Add", [own, added], "durations", into=into)

    def per_frame(self, token_input: str, hint: str, *, doubled: bool) -> str:
        """[tokens] -> values per alignment frame [1, frames] or per F0 frame [1, 2 frames]."""
        row = self.node(
            "Unsqueeze", [token_input, self.const("axis0", np.array([0]))], f"{hint}_row"
        )
        frames = self.node("MatMul", [row, _ALIGNMENT], f"{hint}_frames")
        if not doubled:
            return frames
        col = self.node("Unsqueeze", [frames, self.const("axis2", np.array([2]))], f"{hint}_col")
        pairs = self.node("Concat", [col, col], f"{hint}_pairs", axis=2)
        return self.node("Reshape", [pairs, self.const("flat", np.array([1, -1]))], f"{hint}_f0")

    def moved_f0(self) -> str:
        f32 = np.float32
        scale = self.per_frame(INPUTS[0], "scale", doubled=True)
        hz = self.per_frame(INPUTS[1], "hz", doubled=True)
        spread = self.per_frame(INPUTS[2], "range", doubled=True)
        zero = self.const("zero", np.array(0, f32))
        voiced_hz = self.const("voiced_hz", np.array(_VOICED_HZ, f32))
        voiced = self.node("Greater", [_F0, voiced_hz], "voiced")
        weights = self.node("Cast", [voiced], "voiced_f", to=1)
        centre = self.median_voiced(weights)
        deviation = self.node("Mul", [self.node("Sub", [_F0, centre], "dev"), spread], "dev_wide")
        shaped = self.node("Add", [deviation, centre], "shaped")
        # Scale the pitch the decoder renders, which sits a few Hz above its input curve.
        offset = self.const("offset_hz", np.array(RENDERED_OFFSET_HZ, f32))
        heard = self.node("Add", [centre, offset], "heard")
        absolute = self.node("Greater", [hz, zero], "absolute")
        target = self.node("Where", [absolute, hz, heard], "target")
        ratio = self.node("Mul", [self.node("Div", [target, heard], "to_target"), scale], "ratio")
        moved = self.node("Mul", [self.node("Add", [shaped, offset], "shaped_heard"), ratio], "m")
        moved = self.node("Max", [self.node("Sub", [moved, offset], "moved_raw"), zero], "moved")
        # Frames of tokens with neutral pitch controls keep the predicted F0 bit for bit (the
        # arithmetic above would round it), so text without pitch tags sounds exactly as the
        # original graph renders it and stored renders of stock voices stay valid.
        changed = self.per_frame(self.pitch_changed(), "changed", doubled=True)
        half = self.const("half", np.array(0.5, f32))
        apply = self.node("And", [voiced, self.node("Greater", [changed, half], "moves")], "apply")
        return self.node("Where", [apply, moved, _F0], "f0")

    def pitch_changed(self) -> str:
        """1.0 for each token whose pitch controls are not neutral, else 0.0."""
        f32 = np.float32
        same = [
            self.node("Equal", [INPUTS[0], self.const("one_f", np.array(1, f32))], "scale_1"),
            self.node("Equal", [INPUTS[1], self.const("zero_f", np.array(0, f32))], "hz_0"),
            self.node("Equal", [INPUTS[2], self.const("one_r", np.array(1, f32))], "range_1"),
        ]
        neutral = self.node("And", [self.node("And", same[:2], "neutral_sh"), same[2]], "neutral")
        return self.node("Cast", [self.node("Not", [neutral], "changed_tok")], "changed_f", to=1)

    def median_voiced(self, weights: str) -> str:
        """The median F0 of the voiced frames (1 Hz when none is): where a pitch tracker,
        and a listener, hears the voice sit; a few high frames pull a mean up."""
        f32 = np.float32
        f0_voiced = self.node("Mul", [_F0, weights], "f0_voiced")
        count = self.node("ReduceSum", [weights], "count", keepdims=0)
        size = self.node("Shape", [_F0], "size", start=1, end=2)
        ranked = self.node("TopK", [f0_voiced, size], "ranked", axis=-1, largest=1, outputs=2)
        half = self.node("Div", [count, self.const("two", np.array(2, f32))], "half")
        index = self.node("Cast", [self.node("Floor", [half], "half_floor")], "middle", to=7)
        median = self.node("Gather", [ranked, index], "median_raw", axis=1)
        return self.node("Max", [median, self.const("one", np.array(1, f32))], "median")

    def frame_gains(self) -> None:
        from onnx import helper

        frames = self.per_frame(INPUTS[4], "gain", doubled=False)
        flat = self.const("frames_flat", np.array([-1]))
        node = helper.make_node("Reshape", [frames, flat], [OUTPUT], name=self.name("gain_out"))
        self.names.add(node.name)
        self.nodes.append(node)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print("usage: python -m synthesis.engine.prosodygraph SRC DEST", file=sys.stderr)
        return 2
    try:
        build(Path(args[0]), Path(args[1]))
    except AssetError as e:
        print(e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
