"""An exact rewrite of the int8 Kokoro graph onto onnxruntime's fastest integer kernels.

The published int8 export runs its convolutions as ``ConvInteger`` with uint8 weights and
uint8 activations. onnxruntime multiplies uint8 by uint8 with 16-bit instructions, but uint8
by int8 with the VNNI dot-product instructions of recent x86 CPUs, about twice as fast, and
only through ``MatMulInteger`` (a ``ConvInteger`` with int8 operands has no fast kernel).
So each stride-1 convolution (83 of 87, nearly all of the convolution time) becomes an
explicit im2col (pad, shifted slices, concat) and a ``MatMulInteger`` of the uint8 weights by
int8 activations. The activations are quantised to int8 with the same scale and rounding as
``DynamicQuantizeLinear`` and the zero point shifted down by 128, so every integer product,
and therefore the audio, is unchanged; only the kernel that computes it differs.

Without VNNI, onnxruntime computes uint8 x int8 with 16-bit saturating instructions that
can lose precision, so by default the rewrite is used only where the CPU has VNNI.

The rewrite also exposes the duration the model predicts for every token (in frames of 600
samples, 25 ms) as a second output, ``durations``: it is computed anyway, before decoding,
so exposing it changes no sample; word timestamps come from it. With the rewrite off (or
without VNNI) a graph with only that output added is derived instead.

The rewritten graph is derived once per source file (keyed by its sha256) into the data
folder. The engine builds it in a child process, so the engine process never holds the
parsed protobuf: ``python -m synthesis.engine.fastgraph SRC DEST``.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess  # noqa: S404 - runs this module with fixed arguments, no shell
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .errors import AssetError
from .prosodygraph import NODE_PREFIX

REWRITE_VERSION = "u8s8-2"
DURATIONS_VERSION = "dur-1"
DURATIONS_OUTPUT = "durations"
MODES = ("auto", "on", "off")
BUILD_TIMEOUT_S = 600
log = logging.getLogger(__name__)
_VNNI_FLAGS = ("avx512_vnni", "avx_vnni")


@dataclass(frozen=True)
class RewriteReport:
    convs: int
    convs_kept: int
    durations: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.convs or self.durations)


def cpu_has_vnni(cpuinfo: Path = Path("/proc/cpuinfo")) -> bool:
    """Whether the CPU multiplies uint8 by int8 with dot-product instructions."""
    try:
        text = cpuinfo.read_text()
    except OSError:
        return False
    for line in text.splitlines():
        if line.startswith("flags"):
            flags = set(line.partition(":")[2].split())
            return any(flag in flags for flag in _VNNI_FLAGS)
    return False


def derived_path(src: Path, derived_dir: Path, *, unfold: bool = True) -> Path:
    """Where the rewrite of ``src`` lives: a new source or a new rewrite gets a new name."""
    from .assets import sha256_file

    version = REWRITE_VERSION if unfold else DURATIONS_VERSION
    return derived_dir / f"{src.stem}.{version}.{sha256_file(src)[:16]}.onnx"


def configured_graph(src: Path) -> Path:
    """``graph_to_load`` with the operator's settings (data folder, SPEEKO_ENGINE_INT8_REWRITE)."""
    from . import config

    return graph_to_load(src, derived_dir=config.derived_dir(), mode=config.int8_rewrite())


def graph_to_load(src: Path, *, derived_dir: Path, mode: str) -> Path:
    """The file the engine should load for ``src``: its rewrite when that applies.

    ``auto`` rewrites on CPUs with VNNI, ``on`` always, ``off`` never (the durations output
    is added all the same). The rewrite only makes things faster and the durations only give
    timestamps, so if the graph cannot be built the engine logs why and loads ``src``.
    """
    if mode not in MODES:
        raise ValueError(f"int8 rewrite mode must be one of {', '.join(MODES)}, got {mode!r}")
    if not src.is_file():
        return src
    unfold = mode == "on" or (mode == "auto" and cpu_has_vnni())
    dest = derived_path(src, derived_dir, unfold=unfold)
    marker = _nothing_marker(dest)
    if not dest.is_file() and not marker.is_file():
        try:
            _build_in_child(src, dest, unfold=unfold)
        except AssetError as e:
            log.warning("using the original graph: %s", e)
            return src
    return dest if dest.is_file() else src


def build(src: Path, dest: Path, *, unfold: bool = True) -> RewriteReport:
    """Rewrite ``src`` into ``dest`` (atomically); a graph with nothing to rewrite leaves
    a marker instead, so other exports (fp32, fp16) are not re-examined at every start."""
    import onnx

    try:
        model = onnx.load(str(src))
    except Exception as e:  # onnx raises protobuf's untyped errors for a bad file
        raise AssetError(f"cannot read the graph {src}: {e}") from e
    report = rewrite(model, unfold=unfold)
    dest.parent.mkdir(parents=True, exist_ok=True)
    target = dest if report.changed else _nothing_marker(dest)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        if report.changed:
            onnx.save(model, str(tmp))
        else:
            tmp.write_text(json.dumps({"convs": 0, "convs_kept": report.convs_kept}))
        tmp.replace(target)
    except OSError as e:
        raise AssetError(f"cannot write {target}: {e}") from e
    finally:
        tmp.unlink(missing_ok=True)
    return report


def _nothing_marker(dest: Path) -> Path:
    return dest.with_name(dest.name + ".nothing-to-rewrite")


def _build_in_child(src: Path, dest: Path, *, unfold: bool = True, module: str = __name__) -> None:
    """Run ``python -m module SRC DEST``, so this process never holds the parsed protobuf."""
    flags = [] if unfold else ["--durations-only"]
    try:
        done = subprocess.run(  # noqa: S603 - our own modules, fixed arguments
            [sys.executable, "-m", module, str(src), str(dest), *flags],
            capture_output=True,
            text=True,
            timeout=BUILD_TIMEOUT_S,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as e:
        raise AssetError(f"cannot rewrite {src}: {e}") from e
    if done.returncode != 0:
        reason = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise AssetError(f"cannot rewrite {src}: {reason}")


def rewrite(model, *, unfold: bool = True) -> RewriteReport:  # noqa: ANN001 - onnx.ModelProto
    """Rewrite ``model`` in place; see the module docstring."""
    graph = _Graph(model)
    convs, kept = graph.unfold_convs() if unfold else (0, 0)
    durations = graph.expose_durations()
    graph.commit()
    return RewriteReport(convs=convs, convs_kept=kept, durations=durations)


class _Graph:
    def __init__(self, model) -> None:  # noqa: ANN001
        from onnx import numpy_helper

        self._nh = numpy_helper
        self.model = model
        self.graph = model.graph
        self.inits = {t.name: t for t in self.graph.initializer}
        self.consumers: dict[str, list] = {}
        for node in self.graph.node:
            for name in node.input:
                self.consumers.setdefault(name, []).append(node)
        self.replaced: dict[int, list] = {}  # id(node) -> nodes in its place
        self.new_inits: list = []
        self.new_nodes: list = []
        self._names = 0

    # -- helpers ---------------------------------------------------------------
    def _array(self, name: str) -> np.ndarray | None:
        tensor = self.inits.get(name)
        return None if tensor is None else self._nh.to_array(tensor)

    def _const(self, value: np.ndarray, hint: str) -> str:
        self._names += 1
        name = f"speeko_{hint}_{self._names}"
        self.new_inits.append(self._nh.from_array(np.asarray(value), name))
        return name

    def _fresh(self, hint: str) -> str:
        self._names += 1
        return f"speeko_{hint}_{self._names}"

    @staticmethod
    def _attrs(node) -> dict:  # noqa: ANN001
        from onnx import helper

        return {a.name: helper.get_attribute_value(a) for a in node.attribute}

    # -- durations -----------------------------------------------------------------
    def expose_durations(self) -> bool:
        """Add the integer frames per token as an output: the Cast that follows
        ``Clip(Round(x / speed))``. False when the graph has no such chain (another export)."""
        from onnx import TensorProto, helper

        if any(o.name == DURATIONS_OUTPUT for o in self.graph.output):
            return True
        producers = {out: node for node in self.graph.node for out in node.output}
        for node in self.graph.node:
            if node.op_type != "Round":
                continue
            if not self._from_speed_division(node.input[0], producers):
                continue
            clip = self._only_consumer(node.output[0], "Clip")
            cast = clip and self._only_consumer(clip.output[0], "Cast")
            if cast is None:
                continue
            self.new_nodes.append(
                helper.make_node("Identity", [cast.output[0]], [DURATIONS_OUTPUT])
            )
            shape = ["batch", "tokens"]
            self.graph.output.append(
                helper.make_tensor_value_info(DURATIONS_OUTPUT, TensorProto.INT64, shape)
            )
            return True
        return False

    @staticmethod
    def _from_speed_division(name: str, producers: dict) -> bool:
        """Whether ``name`` is ``x / speed``, or is computed from it by the prosody controls'
        nodes alone (they scale the durations between the Div and the Round)."""
        pending, seen = [name], set()
        while pending:
            node = producers.get(pending.pop())
            if node is None or node.name in seen:
                continue
            seen.add(node.name)
            if node.op_type == "Div" and "speed" in node.input:
                return True
            if node.name.startswith(NODE_PREFIX):
                pending.extend(node.input)
        return False

    def _only_consumer(self, name: str, op_type: str):  # noqa: ANN202 - onnx.NodeProto | None
        users = self.consumers.get(name, [])
        return users[0] if len(users) == 1 and users[0].op_type == op_type else None

    # -- ConvInteger -------------------------------------------------------------
    def unfold_convs(self) -> tuple[int, int]:
        unfolded = kept = 0
        for dql in [n for n in self.graph.node if n.op_type == "DynamicQuantizeLinear"]:
            xq, scale, zp = dql.output
            convs = self.consumers.get(xq, [])
            zp_users = self.consumers.get(zp, [])
            eligible = (
                convs
                and all(self._unfoldable(c, xq, zp) for c in convs)
                and {id(n) for n in zp_users} <= {id(c) for c in convs}
            )
            if not eligible:
                kept += sum(1 for c in convs if c.op_type == "ConvInteger")
                continue
            xq_s8, zp_s8, quant_nodes = self._quantise_int8(dql.input[0], scale)
            self.replaced[id(dql)] = quant_nodes
            for conv in convs:
                self.replaced[id(conv)] = self._unfold(conv, xq_s8, zp_s8)
                unfolded += 1
        return unfolded, kept

    def _unfoldable(self, conv, xq: str, zp: str) -> bool:  # noqa: ANN001
        if conv.op_type != "ConvInteger" or len(conv.input) != 4:
            return False
        if conv.input[0] != xq or conv.input[2] != zp:
            return False
        w, wzp = self._array(conv.input[1]), self._array(conv.input[3])
        if w is None or wzp is None or w.dtype != np.uint8 or wzp.dtype != np.uint8:
            return False
        if w.ndim != 3 or wzp.size != 1:
            return False
        attrs = self._attrs(conv)
        if attrs.get("group", 1) != 1 or list(attrs.get("strides", [1])) != [1]:
            return False
        if attrs.get("auto_pad", b"NOTSET") not in (b"NOTSET", "NOTSET"):
            return False
        kernel = w.shape[2]
        dilation = list(attrs.get("dilations", [1]))[0]
        pads = list(attrs.get("pads", [0, 0]))
        return sum(pads) == dilation * (kernel - 1)

    def _quantise_int8(self, x: str, scale_out: str) -> tuple[str, str, list]:
        """DynamicQuantizeLinear's arithmetic, with an int8 result and zero point.

        ``scale_out`` keeps its name, so the nodes that rescale the products still find it.
        """
        from onnx import TensorProto, helper

        f32 = np.float32
        lo, hi = self._fresh("min"), self._fresh("max")
        lo0, hi0, span = self._fresh("min0"), self._fresh("max0"), self._fresh("span")
        raw, is_flat, ratio = self._fresh("scale_raw"), self._fresh("flat"), self._fresh("ratio")
        zpf, zpc, zpr = self._fresh("zp_f"), self._fresh("zp_c"), self._fresh("zp_r")
        zps, zp_s8, xq_s8 = self._fresh("zp_sh"), self._fresh("zp_s8"), self._fresh("xq_s8")
        zero, one = self._const(np.array(0, f32), "zero"), self._const(np.array(1, f32), "one")
        nodes = [
            helper.make_node("ReduceMin", [x], [lo], keepdims=0),
            helper.make_node("ReduceMax", [x], [hi], keepdims=0),
            helper.make_node("Min", [lo, zero], [lo0]),
            helper.make_node("Max", [hi, zero], [hi0]),
            helper.make_node("Sub", [hi0, lo0], [span]),
            helper.make_node("Div", [span, self._const(np.array(255, f32), "qrange")], [raw]),
            # An all-zero input would give scale 0 and a NaN zero point; any scale will do.
            helper.make_node("Equal", [raw, zero], [is_flat]),
            helper.make_node("Where", [is_flat, one, raw], [scale_out]),
            helper.make_node("Div", [lo0, scale_out], [ratio]),
            helper.make_node("Sub", [zero, ratio], [zpf]),
            helper.make_node(
                "Clip",
                [zpf, zero, self._const(np.array(255, f32), "qmax")],
                [zpc],
            ),
            helper.make_node("Round", [zpc], [zpr]),
            helper.make_node("Sub", [zpr, self._const(np.array(128, f32), "shift")], [zps]),
            helper.make_node("Cast", [zps], [zp_s8], to=TensorProto.INT8),
            helper.make_node("QuantizeLinear", [x, scale_out, zp_s8], [xq_s8]),
        ]
        return xq_s8, zp_s8, nodes

    def _unfold(self, conv, xq_s8: str, zp_s8: str) -> list:  # noqa: ANN001
        from onnx import helper

        w = self._array(conv.input[1])
        out_ch, in_ch, kernel = w.shape
        attrs = self._attrs(conv)
        dilation = list(attrs.get("dilations", [1]))[0]
        pad_l, pad_r = list(attrs.get("pads", [0, 0]))
        # Columns ordered tap-major (j * C + c) so each tap's slice is one contiguous block.
        w_mat = np.ascontiguousarray(w.transpose(0, 2, 1).reshape(out_ch, kernel * in_ch))
        w_name = self._const(w_mat, "w_cols")
        nodes = []
        if kernel == 1 and pad_l == pad_r == 0:
            cols = xq_s8
        else:
            padded = self._fresh("padded")
            pads = self._const(np.array([0, 0, pad_l, 0, 0, pad_r], np.int64), "pads")
            nodes.append(helper.make_node("Pad", [xq_s8, pads, zp_s8], [padded]))
            axis = self._const(np.array([2], np.int64), "axis")
            reach = dilation * (kernel - 1)
            taps = []
            for j in range(kernel):
                tap = self._fresh("tap")
                start = self._const(np.array([j * dilation], np.int64), "start")
                stop_at = j * dilation - reach  # negative: counted back from the padded end
                end = self._const(np.array([stop_at if stop_at < 0 else 2**62], np.int64), "end")
                nodes.append(helper.make_node("Slice", [padded, start, end, axis], [tap]))
                taps.append(tap)
            cols = self._fresh("cols")
            nodes.append(helper.make_node("Concat", taps, [cols], axis=1))
        nodes.append(
            helper.make_node(
                "MatMulInteger",
                [w_name, cols, conv.input[3], zp_s8],
                [conv.output[0]],
                name=f"{conv.name}_unfolded",
            )
        )
        return nodes

    def commit(self) -> None:
        nodes = []
        for node in self.graph.node:
            nodes.extend(self.replaced.get(id(node), [node]))
        nodes.extend(self.new_nodes)
        del self.graph.node[:]
        self.graph.node.extend(nodes)
        used = {name for node in nodes for name in node.input}
        keep = [t for t in self.graph.initializer if t.name in used]
        del self.graph.initializer[:]
        self.graph.initializer.extend(keep + self.new_inits)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    unfold = "--durations-only" not in args
    args = [a for a in args if a != "--durations-only"]
    if len(args) != 2:
        print(
            "usage: python -m synthesis.engine.fastgraph SRC DEST [--durations-only]",
            file=sys.stderr,
        )
        return 2
    try:
        report = build(Path(args[0]), Path(args[1]), unfold=unfold)
    except AssetError as e:
        print(e, file=sys.stderr)
        return 1
    durations = "durations exposed" if report.durations else "no durations found"
    print(f"rewrote {report.convs} convolutions, kept {report.convs_kept}; {durations}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
