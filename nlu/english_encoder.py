"""Which English encoder the emotion model gets: torch in float32, bfloat16 or int8, or ONNX Runtime.

The choice is made once at load from the setting and the CPU's flags (``nlu.precision``) and
logged with the CPU kind, so a slow machine's log says why it is slow.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from nlu.artifact import ModelArtifact
from nlu.encoder import SentenceEncoder, TextEncoder, locate_encoder
from nlu.precision import ONNX_PRECISIONS, choose_precision, cpu_kind, onnx_runtime_available, read_cpu_flags

logger = logging.getLogger(__name__)


def default_cache_dir() -> Path:
    """Where exported encoders go unless told otherwise (``CANDOR_MODEL_CACHE_DIR``): beside the database."""
    return Path("var") / "cache"


def standalone_cache_dir() -> Path:
    """Where ``python -m nlu`` keeps exported encoders: ``CANDOR_MODEL_CACHE_DIR`` when set, else the user's
    cache folder. Not ``var/`` under whatever folder it was started from: it is a tool run anywhere, and
    should leave no files behind there."""
    configured = os.environ.get("CANDOR_MODEL_CACHE_DIR")
    if configured:
        return Path(configured)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "candor"


def load_english_encoder(artifact: ModelArtifact, model_dir: Path, requested: str, cache_dir: Path | None,
                         max_threads: int) -> TextEncoder:
    """The encoder for ``requested`` ("auto" or a precision) on this CPU; raw means, as the head was trained."""
    flags = read_cpu_flags()
    precision = choose_precision(requested, flags, onnx_runtime_available())
    logger.info("English encoder precision=%s (CANDOR_MODEL_PRECISION=%s), CPU %s", precision, requested,
                cpu_kind(flags))
    encoder_dir = locate_encoder(artifact.encoder)
    if precision not in ONNX_PRECISIONS:
        return SentenceEncoder(encoder_dir, adapters=artifact.adapters, adapter_scale=artifact.adapter_scale,
                               max_tokens=artifact.max_tokens, normalise=False, precision=precision)
    from nlu.onnx_encoder import OnnxSentenceEncoder
    from nlu.onnx_export import ExportSource, Variant, cached_encoder_file

    variant: Variant = "int8" if precision == "onnx-int8" else "fp32"
    onnx_file = cached_encoder_file(ExportSource(artifact, model_dir, encoder_dir), variant,
                                    cache_dir or default_cache_dir())
    return OnnxSentenceEncoder(onnx_file, encoder_dir, precision, max_tokens=artifact.max_tokens, normalise=False,
                               max_threads=max_threads)
