"""The machine a benchmark ran on, in one line: figures from two machines compare by ratios only
when each says what CPU and which model precision it had."""

from __future__ import annotations

import os
import re
from pathlib import Path

from nlu.precision import read_cpu_flags

KEY_FLAGS = ("avx2", "avx512f", "avx512_vnni", "avx512_bf16", "amx_bf16", "amx_int8")
"""The instruction sets that decide how fast the encoder runs (float32, int8, bfloat16)."""


def cpu_model(cpuinfo: Path = Path("/proc/cpuinfo")) -> str:
    try:
        text = cpuinfo.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "unknown CPU"
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip() == "model name":
            return value.strip()
    return "unknown CPU"


def key_flags(flags: frozenset[str]) -> str:
    """The flags of KEY_FLAGS the CPU has, and the ones it lacks, so a missing AVX-512 is as visible as a present one."""
    have = [flag for flag in KEY_FLAGS if flag in flags]
    lacks = [flag for flag in KEY_FLAGS if flag not in flags]
    return " ".join(have) + (f" (no {', '.join(lacks)})" if lacks else "") if have else "none of " + " ".join(KEY_FLAGS)


def machine_line(cpuinfo: Path = Path("/proc/cpuinfo")) -> str:
    forced = [f"{name}={os.environ[name]}" for name in ("ATEN_CPU_CAPABILITY", "ONEDNN_MAX_CPU_ISA")
              if os.environ.get(name)]
    return (f"CPU: {cpu_model(cpuinfo)}, {os.cpu_count()} cores; flags: {key_flags(read_cpu_flags(cpuinfo))}"
            + (f"; limited by {' '.join(forced)}" if forced else ""))


_PRECISION = re.compile(r"emotion model loaded version=\S+ precision=(\S+)")


def precision_used(log: str) -> str | None:
    """The precision the worker's model actually runs in, from its start-up log line; None without the model."""
    found = _PRECISION.findall(log)
    return found[-1] if found else None
