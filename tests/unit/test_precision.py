"""Which number format and runtime the encoder runs in: a pure choice from the setting, the CPU's flags
and whether ONNX Runtime is installed."""

from pathlib import Path

import pytest

from nlu.precision import choose_precision, cpu_kind, read_cpu_flags

AVX2 = frozenset({"fpu", "sse4_2", "avx", "avx2", "fma"})
AVX512 = AVX2 | {"avx512f", "avx512bw", "avx512_vnni"}


def test_auto_uses_torch_bfloat16_where_the_cpu_has_amx() -> None:
    assert choose_precision("auto", AVX512 | {"avx512_bf16", "amx_bf16"}, onnx_available=True) == "bfloat16"
    assert choose_precision("auto", frozenset({"amx_bf16"}), onnx_available=False) == "bfloat16"


def test_auto_runs_onnx_float32_elsewhere_when_onnx_runtime_is_installed() -> None:
    assert choose_precision("auto", AVX2, onnx_available=True) == "onnx-fp32"
    assert choose_precision("auto", AVX512, onnx_available=True) == "onnx-fp32"
    assert choose_precision("auto", AVX512 | {"avx512_bf16"}, onnx_available=True) == "onnx-fp32", \
        "measured faster than torch's native bf16 without AMX"
    assert choose_precision("auto", frozenset(), onnx_available=True) == "onnx-fp32"


def test_auto_falls_back_to_torch_without_onnx_runtime() -> None:
    assert choose_precision("auto", AVX2, onnx_available=False) == "float32"
    assert choose_precision("auto", AVX512 | {"avx512_bf16"}, onnx_available=False) == "bfloat16"


def test_auto_never_picks_int8_which_lost_more_than_the_allowed_quality() -> None:
    for flags in (AVX2, AVX512, AVX512 | {"avx512_bf16"}, frozenset()):
        for onnx in (True, False):
            assert "int8" not in choose_precision("auto", flags, onnx)


@pytest.mark.parametrize("choice", ["float32", "bfloat16", "int8", "onnx-fp32", "onnx-int8"])
def test_an_explicit_setting_wins_over_the_cpu(choice: str) -> None:
    assert choose_precision(choice, AVX512 | {"avx512_bf16"}, onnx_available=True) == choice
    assert choose_precision(choice, frozenset(), onnx_available=False) == choice


def test_an_unknown_setting_names_the_choices() -> None:
    with pytest.raises(ValueError, match="auto, float32, bfloat16, int8, onnx-fp32, onnx-int8"):
        choose_precision("int4", frozenset())


def test_the_cpu_kind_names_the_instructions_that_decide_the_speed() -> None:
    assert cpu_kind(AVX2) == "AVX2"
    assert cpu_kind(AVX512) == "AVX512-VNNI"
    assert cpu_kind(AVX512 | {"avx512_bf16"}) == "AVX512-BF16"
    assert cpu_kind(AVX512 | {"avx512_bf16", "amx_bf16"}) == "AMX-BF16"
    assert cpu_kind(frozenset({"fpu", "sse2"})) == "no AVX2"


def test_cpu_flags_are_read_from_cpuinfo(tmp_path: Path) -> None:
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text("processor\t: 0\nflags\t\t: fpu avx2 avx512_bf16\n\nprocessor\t: 1\n", encoding="utf-8")
    assert read_cpu_flags(cpuinfo) == frozenset({"fpu", "avx2", "avx512_bf16"})
    assert read_cpu_flags(tmp_path / "missing") == frozenset()
