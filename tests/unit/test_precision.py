"""Which number format the encoder runs in: a pure choice from the setting and the CPU's flags."""

from pathlib import Path

import pytest

from nlu.precision import choose_precision, read_cpu_flags


def test_auto_uses_bfloat16_only_where_the_cpu_has_native_bf16() -> None:
    assert choose_precision("auto", frozenset({"avx2", "avx512f", "avx512_bf16"})) == "bfloat16"
    assert choose_precision("auto", frozenset({"amx_bf16"})) == "bfloat16"
    assert choose_precision("auto", frozenset({"avx2", "avx512f"})) == "float32"
    assert choose_precision("auto", frozenset()) == "float32"


def test_an_explicit_setting_wins_over_the_cpu() -> None:
    assert choose_precision("float32", frozenset({"avx512_bf16"})) == "float32"
    assert choose_precision("bfloat16", frozenset()) == "bfloat16"


def test_an_unknown_setting_names_the_choices() -> None:
    with pytest.raises(ValueError, match="auto, float32, bfloat16"):
        choose_precision("int4", frozenset())


def test_cpu_flags_are_read_from_cpuinfo(tmp_path: Path) -> None:
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text("processor\t: 0\nflags\t\t: fpu avx2 avx512_bf16\n\nprocessor\t: 1\n", encoding="utf-8")
    assert read_cpu_flags(cpuinfo) == frozenset({"fpu", "avx2", "avx512_bf16"})
    assert read_cpu_flags(tmp_path / "missing") == frozenset()
