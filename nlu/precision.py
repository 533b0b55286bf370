"""Which number format and runtime the English encoder runs in on this CPU.

ONNX Runtime runs the float32 weights with the same vectors as torch (macro-F1 0.681 = 0.681 on
the held-out English rows) at about half torch's CPU time for a single message: 6.9 ms against
14.3 ms on one thread of an AMD EPYC with AVX512-BF16, where torch's native bfloat16 took 9.9 ms
and scored 0.680 (README, "A fast path for CPUs without bf16"). So "auto" runs ONNX float32
unless the CPU has AMX, whose bf16 tiles torch uses (the README's earlier figures: bf16 about
twice float32's speed there). int8 (torch's or ONNX Runtime's dynamic quantisation) is faster
still but lost more than allowed (anxiety F1 0.686 → 0.667), so "auto" never picks it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

Precision = Literal["float32", "bfloat16", "int8", "onnx-fp32", "onnx-int8"]
PRECISION_CHOICES = ("auto", "float32", "bfloat16", "int8", "onnx-fp32", "onnx-int8")
ONNX_PRECISIONS: frozenset[Precision] = frozenset({"onnx-fp32", "onnx-int8"})
NATIVE_BF16_FLAGS = frozenset({"avx512_bf16", "amx_bf16"})
AMX_FLAGS = frozenset({"amx_bf16"})
AUTO_ONNX: Precision = "onnx-fp32"
"""The fastest choice measured within 0.005 macro-F1 of float32 on a CPU without AMX."""


def choose_precision(requested: str, cpu_flags: frozenset[str], onnx_available: bool = False) -> Precision:
    """Resolve a setting to the format to run in.

    "auto": bfloat16 where the CPU has AMX, else ONNX Runtime in float32 when it is installed,
    else torch's bfloat16 where the CPU has it natively, else torch float32. An explicit choice is
    taken as it is, even where it is slow.
    """
    if requested == "auto":
        if cpu_flags & AMX_FLAGS:
            return "bfloat16"
        if onnx_available:
            return AUTO_ONNX
        return "bfloat16" if cpu_flags & NATIVE_BF16_FLAGS else "float32"
    for choice in PRECISION_CHOICES[1:]:
        if requested == choice:
            return choice  # type: ignore[return-value]
    raise ValueError(f"unknown model precision '{requested}'; use one of {', '.join(PRECISION_CHOICES)}")


def cpu_kind(cpu_flags: frozenset[str]) -> str:
    """The vector instructions that decide the encoder's speed, in a few words for logs and benchmarks."""
    if "amx_bf16" in cpu_flags:
        return "AMX-BF16"
    if "avx512_bf16" in cpu_flags:
        return "AVX512-BF16"
    if "avx512_vnni" in cpu_flags or "avx512f" in cpu_flags:
        return "AVX512" + ("-VNNI" if "avx512_vnni" in cpu_flags else "")
    if "avx2" in cpu_flags:
        return "AVX2" + ("-VNNI" if "avx_vnni" in cpu_flags else "")
    return "no AVX2" if cpu_flags else "unknown (no /proc/cpuinfo)"


def read_cpu_flags(cpuinfo: Path = Path("/proc/cpuinfo")) -> frozenset[str]:
    """The instruction-set flags the kernel reports; empty where /proc/cpuinfo does not exist."""
    try:
        text = cpuinfo.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return frozenset()
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip() == "flags":
            return frozenset(value.split())
    return frozenset()


def onnx_runtime_available() -> bool:
    """Whether onnxruntime can be imported, so "auto" may choose it (an install without it still runs)."""
    import importlib.util

    return importlib.util.find_spec("onnxruntime") is not None
