"""Which number format and runtime the English encoder runs in on this CPU.

bfloat16 halves the encoder's latency on CPUs with native bf16 instructions (AVX512-BF16 or
AMX) and costs almost nothing in quality (GoEmotions dev macro-F1 0.682 → 0.682). On CPUs
without them torch emulates bf16 and it is slower than float32; there ONNX Runtime runs the same
float32 weights about three times as fast as torch eager for a single message, with the same
vectors (README, "A fast path for CPUs without bf16", has the measured table). int8 (torch's or
ONNX Runtime's dynamic quantisation) is faster still but lost more than 0.005 macro-F1 on the
held-out English dev rows, so "auto" never picks it; it stays a choice to force.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

Precision = Literal["float32", "bfloat16", "int8", "onnx-fp32", "onnx-int8"]
PRECISION_CHOICES = ("auto", "float32", "bfloat16", "int8", "onnx-fp32", "onnx-int8")
ONNX_PRECISIONS: frozenset[Precision] = frozenset({"onnx-fp32", "onnx-int8"})
NATIVE_BF16_FLAGS = frozenset({"avx512_bf16", "amx_bf16"})
AUTO_WITHOUT_BF16: Precision = "onnx-fp32"
"""The fastest choice measured within 0.005 macro-F1 of float32 on a CPU without native bf16."""


def choose_precision(requested: str, cpu_flags: frozenset[str], onnx_available: bool = False) -> Precision:
    """Resolve a setting to the format to run in.

    "auto": bfloat16 where the CPU has native bf16, else ONNX Runtime in float32 when it is
    installed, else torch float32. An explicit choice is taken as it is, even where it is slow.
    """
    if requested == "auto":
        if cpu_flags & NATIVE_BF16_FLAGS:
            return "bfloat16"
        return AUTO_WITHOUT_BF16 if onnx_available else "float32"
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
