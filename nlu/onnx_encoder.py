"""The English encoder run by ONNX Runtime: the same vectors as torch's float32, several times faster
for a single message on a CPU without native bf16 (README, "A fast path for CPUs without bf16").

Only the tokenizer and the exported file are loaded; the torch model is built only to export the
file the first time (``nlu.onnx_export``). A session has a fixed thread count, so a single message
runs on a one-thread session (as the torch path does: more threads spin and starve the search
encoder's) and a batch on a second session with every thread, made at the first batch.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

import numpy as np

from nlu.encoder import MAX_TOKENS, ModelLoadError
from nlu.precision import Precision

logger = logging.getLogger(__name__)


class OnnxSentenceEncoder:
    """Mean-pooled sentence embeddings from an exported encoder; ``normalise`` as in ``SentenceEncoder``."""

    def __init__(self, onnx_file: Path, tokenizer_dir: Path, precision: Precision, max_tokens: int = MAX_TOKENS,
                 normalise: bool = True, max_threads: int = 1) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            import onnxruntime

            self._tokenizer = fast_tokenizer(tokenizer_dir, max_tokens)
        except (ImportError, OSError, ValueError, KeyError) as error:
            raise ModelLoadError(f"Could not load the ONNX encoder's tokenizer or runtime: {error}") from error
        self._runtime: Any = onnxruntime
        self._file = onnx_file
        self._sessions: dict[int, Any] = {}
        self._max_threads = max(1, max_threads)
        self.precision: Precision = precision
        self._max_tokens = max_tokens
        self._normalise = normalise
        outputs = self._session(1).get_outputs()
        self.dimension = int(outputs[0].shape[-1])

    def encode(self, texts: list[str], batch_size: int = 64, threads: int | None = None) -> np.ndarray:
        """Embed ``texts``, shortest first so a batch pads little; ``threads`` picks the session."""
        session = self._session(min(threads or 1, self._max_threads))
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        result = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for start in range(0, len(order), batch_size):
            chunk = order[start : start + batch_size]
            encodings = self._tokenizer.encode_batch([texts[i] for i in chunk])
            feed = {"input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
                    "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64)}
            result[chunk] = session.run(None, feed)[0]
        if self._normalise:
            result /= np.maximum(np.linalg.norm(result, axis=1, keepdims=True), 1e-12)
        return result

    def _session(self, threads: int) -> Any:
        session = self._sessions.get(threads)
        if session is None:
            session = self._sessions[threads] = self._open(threads)
        return session

    def _open(self, threads: int) -> Any:
        runtime = self._runtime
        options = runtime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.execution_mode = runtime.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = runtime.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        try:
            return runtime.InferenceSession(str(self._file), options, providers=["CPUExecutionProvider"])
        except Exception as error:  # onnxruntime raises its own exception types for a bad file
            raise ModelLoadError(f"ONNX Runtime could not open {self._file}: {error}") from error


def fast_tokenizer(tokenizer_dir: Path, max_tokens: int) -> Any:
    """The encoder's own tokenizer (``tokenizer.json``, the Rust ``tokenizers`` library) set up as
    ``AutoTokenizer(..., padding=True, truncation=True, max_length=max_tokens)`` tokenizes, without
    importing transformers, which imports torch (240 MB of a worker's memory for nothing)."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(tokenizer_dir / "tokenizer.json"))
    config = json.loads((tokenizer_dir / "tokenizer_config.json").read_text(encoding="utf-8"))
    pad_token = str(config.get("pad_token") or "[PAD]")
    pad_id = tokenizer.token_to_id(pad_token)
    if pad_id is None:
        raise ValueError(f"the tokenizer in {tokenizer_dir} has no padding token {pad_token!r}")
    tokenizer.enable_truncation(max_length=max_tokens)
    tokenizer.enable_padding(pad_id=pad_id, pad_token=pad_token)
    return tokenizer
