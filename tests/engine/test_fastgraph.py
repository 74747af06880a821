"""The int8 rewrite must change which kernels run and nothing else: same integers, same audio."""

import logging

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import TensorProto, helper, numpy_helper

from synthesis.engine import config, fastgraph
from synthesis.engine.engine import model_inputs
from synthesis.engine.model import KokoroModel

SENTENCE = "On the 3rd of May, Dr. Okafor paid $1,250 for 14 crates of apples."


# Without VNNI onnxruntime multiplies uint8 by int8 with an instruction that adds pairs of
# products in 16 bits and saturates, so full-range weights can overflow there (which is why
# the engine uses the rewrite only on VNNI CPUs). Weights below 128 cannot overflow on any
# CPU, so there the tests still check the rewrite's own arithmetic: quantisation, zero
# points and the unfolding.
WEIGHT_CEILING = 256 if fastgraph.cpu_has_vnni() else 128


def _conv_graph(kernel: int, dilation: int, channels: int = 6, out: int = 5) -> onnx.ModelProto:
    """The export's pattern: DynamicQuantizeLinear -> ConvInteger -> Cast -> Mul by scales."""
    rng = np.random.default_rng(kernel * 10 + dilation)
    pad = dilation * (kernel - 1) // 2
    weights = rng.integers(0, WEIGHT_CEILING, (out, channels, kernel), dtype=np.uint8)
    nodes = [
        helper.make_node("DynamicQuantizeLinear", ["x"], ["xq", "xs", "xz"]),
        helper.make_node(
            "ConvInteger",
            ["xq", "w", "xz", "wz"],
            ["acc"],
            kernel_shape=[kernel],
            dilations=[dilation],
            pads=[pad, pad],
        ),
        helper.make_node("Cast", ["acc"], ["accf"], to=TensorProto.FLOAT),
        helper.make_node("Mul", ["xs", "ws"], ["s"]),
        helper.make_node("Mul", ["accf", "s"], ["y"]),
    ]
    graph = helper.make_graph(
        nodes,
        "conv",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, channels, None])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
        [
            numpy_helper.from_array(weights, "w"),
            numpy_helper.from_array(np.array(131, np.uint8), "wz"),
            numpy_helper.from_array(np.array(0.02, np.float32), "ws"),
        ],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 20)])
    model.ir_version = 9
    return model


def _run(model: onnx.ModelProto, x: np.ndarray) -> np.ndarray:
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    return session.run(None, {"x": x})[0]


@pytest.mark.parametrize(("kernel", "dilation"), [(1, 1), (3, 1), (7, 3), (11, 5)])
def test_the_unfolded_convolution_gives_the_same_numbers(kernel, dilation):
    x = np.random.default_rng(7).normal(0.3, 1.5, (1, 6, 97)).astype(np.float32)
    original = _conv_graph(kernel, dilation)
    expected = _run(original, x)
    rewritten = _conv_graph(kernel, dilation)
    report = fastgraph.rewrite(rewritten)
    assert (report.convs, report.convs_kept) == (1, 0)
    assert "ConvInteger" not in {n.op_type for n in rewritten.graph.node}
    np.testing.assert_array_equal(_run(rewritten, x), expected)


def test_an_all_zero_input_gives_zeros_not_nan():
    model = _conv_graph(3, 1)
    fastgraph.rewrite(model)
    y = _run(model, np.zeros((1, 6, 20), np.float32))
    assert np.array_equal(y, np.zeros_like(y))


def test_strided_convolutions_are_left_alone():
    model = _conv_graph(3, 1)
    conv = next(n for n in model.graph.node if n.op_type == "ConvInteger")
    conv.attribute.append(helper.make_attribute("strides", [2]))
    assert fastgraph.rewrite(model) == fastgraph.RewriteReport(convs=0, convs_kept=1)


def test_vnni_is_read_from_the_cpu_flags(tmp_path):
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text("processor\t: 0\nflags\t\t: fpu sse2 avx2 avx512f avx512_vnni\n")
    assert fastgraph.cpu_has_vnni(cpuinfo)
    cpuinfo.write_text("processor\t: 0\nflags\t\t: fpu sse2 avx2 avx_vnni\n")
    assert fastgraph.cpu_has_vnni(cpuinfo)
    cpuinfo.write_text("processor\t: 0\nflags\t\t: fpu sse2 avx2 avx512f\n")
    assert not fastgraph.cpu_has_vnni(cpuinfo)
    assert not fastgraph.cpu_has_vnni(tmp_path / "missing")


def test_modes(tmp_path, monkeypatch):
    src = tmp_path / "model.onnx"
    src.write_bytes(b"x")
    assert fastgraph.graph_to_load(src, derived_dir=tmp_path / "d", mode="off") == src
    monkeypatch.setattr(fastgraph, "cpu_has_vnni", lambda: False)
    assert fastgraph.graph_to_load(src, derived_dir=tmp_path / "d", mode="auto") == src
    with pytest.raises(ValueError, match="auto, on, off"):
        fastgraph.graph_to_load(src, derived_dir=tmp_path / "d", mode="fast")
    monkeypatch.setenv("SPEEKO_ENGINE_INT8_REWRITE", " OFF ")
    assert config.int8_rewrite() == "off"


def test_a_graph_without_integer_convolutions_is_examined_once(tmp_path, monkeypatch):
    src = tmp_path / "plain.onnx"
    graph = helper.make_graph(
        [helper.make_node("Relu", ["x"], ["y"])],
        "plain",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2])],
    )
    onnx.save(helper.make_model(graph), str(src))
    derived = tmp_path / "derived"
    assert fastgraph.graph_to_load(src, derived_dir=derived, mode="on") == src
    assert [p.name.endswith(".nothing-to-rewrite") for p in derived.iterdir()] == [True]

    def must_not_build(*args):
        raise AssertionError("rebuilt a graph already known to need nothing")

    monkeypatch.setattr(fastgraph, "_build_in_child", must_not_build)
    assert fastgraph.graph_to_load(src, derived_dir=derived, mode="on") == src


def test_an_unreadable_graph_falls_back_to_the_original_with_a_warning(tmp_path, caplog):
    src = tmp_path / "broken.onnx"
    src.write_bytes(b"this is not a protobuf")
    with caplog.at_level(logging.WARNING, logger=fastgraph.__name__):
        assert fastgraph.graph_to_load(src, derived_dir=tmp_path / "d", mode="on") == src
    assert "cannot read the graph" in caplog.text


def test_the_rewritten_kokoro_speaks_exactly_as_the_original(engine):
    src = config.model_path()
    if not fastgraph.cpu_has_vnni():
        # Without VNNI the rewrite could saturate, so the engine must not pick it by itself:
        # it loads the graph with only the durations output added.
        loaded = fastgraph.graph_to_load(src, derived_dir=config.derived_dir(), mode="auto")
        assert fastgraph.DURATIONS_VERSION in loaded.name
        return
    rewritten = fastgraph.graph_to_load(src, derived_dir=config.derived_dir(), mode="auto")
    assert rewritten != src
    kinds = [n.op_type for n in onnx.load(str(rewritten), load_external_data=False).graph.node]
    assert kinds.count("ConvInteger") == 4  # the strided ones; 83 were unfolded
    tokens, style = model_inputs(engine.phonemize(SENTENCE)[0], engine.resolve_voice("af_heart"))
    a = KokoroModel(src, threads=2).infer(tokens, style, 1.0)
    b = KokoroModel(rewritten, threads=2).infer(tokens, style, 1.0)
    assert len(a) > 24_000
    np.testing.assert_array_equal(a, b)


def _duration_chain_graph() -> onnx.ModelProto:
    """The export's duration head: Clip(Round(x / speed)) cast to int64, then used."""
    nodes = [
        helper.make_node("Div", ["x", "speed"], ["q"]),
        helper.make_node("Round", ["q"], ["r"]),
        helper.make_node("Clip", ["r", "one"], ["c"]),
        helper.make_node("Cast", ["c"], ["frames"], to=TensorProto.INT64),
        helper.make_node("ReduceSum", ["frames"], ["y"], keepdims=0),
    ]
    graph = helper.make_graph(
        nodes,
        "durations",
        [
            helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, None]),
            helper.make_tensor_value_info("speed", TensorProto.FLOAT, [1]),
        ],
        [helper.make_tensor_value_info("y", TensorProto.INT64, None)],
        [numpy_helper.from_array(np.array(1.0, np.float32), "one")],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 20)])
    model.ir_version = 9
    return model


def test_the_durations_become_a_second_output_and_change_nothing_else():
    x = np.array([[0.4, 2.6, 7.2, 3.5]], np.float32)
    feed = {"x": x, "speed": np.array([0.5], np.float32)}
    original = _duration_chain_graph()
    before = ort.InferenceSession(original.SerializeToString()).run(None, feed)
    model = _duration_chain_graph()
    report = fastgraph.rewrite(model, unfold=False)
    assert report.durations and report.changed and report.convs == 0
    after = ort.InferenceSession(model.SerializeToString()).run(None, feed)
    assert [o.name for o in model.graph.output] == ["y", "durations"]
    np.testing.assert_array_equal(after[0], before[0])
    assert after[1].tolist() == [[1, 5, 14, 7]]


def test_a_graph_without_the_duration_chain_reports_none():
    model = _conv_graph(3, 1)
    assert not fastgraph.rewrite(model).durations
