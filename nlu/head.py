"""The project's own trained part: a multi-label linear head over sentence embeddings.

It is small enough to commit (a few kilobytes) and is reproduced by ``candor nlu train``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nlu.encoder import ModelLoadError
from nlu.types import SUPPORT_CLASSES

CONFIG_FILE = "config.json"
WEIGHTS_FILE = "head.npz"
MODEL_CARD_FILE = "MODEL_CARD.md"


@dataclass(frozen=True)
class EmotionHead:
    """Logistic regression per class with a decision threshold tuned on dev data."""

    weights: np.ndarray  # (classes, dimension)
    bias: np.ndarray  # (classes,)
    thresholds: np.ndarray  # (classes,)
    encoder: str
    version: str

    def probabilities(self, embeddings: np.ndarray) -> np.ndarray:
        logits = embeddings @ self.weights.T + self.bias
        return np.asarray(1.0 / (1.0 + np.exp(-logits)))

    def save(self, directory: Path, extra_config: dict[str, object]) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        np.savez(directory / WEIGHTS_FILE, weights=self.weights.astype(np.float32), bias=self.bias.astype(np.float32))
        config = {
            "classes": list(SUPPORT_CLASSES),
            "thresholds": [round(float(t), 4) for t in self.thresholds],
            "encoder": self.encoder,
            "version": self.version,
            **extra_config,
        }
        (directory / CONFIG_FILE).write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, directory: Path) -> EmotionHead:
        config_path = directory / CONFIG_FILE
        if not config_path.is_file():
            raise ModelLoadError(
                f"No emotion model at {directory} (missing {CONFIG_FILE}). "
                "Set CANDOR_MODEL_DIR to a trained model or run 'candor nlu train'."
            )
        config = json.loads(config_path.read_text(encoding="utf-8"))
        if tuple(config.get("classes", ())) != SUPPORT_CLASSES:
            raise ModelLoadError(f"The model at {directory} predicts other classes than {SUPPORT_CLASSES}.")
        with np.load(directory / WEIGHTS_FILE) as arrays:
            weights, bias = arrays["weights"], arrays["bias"]
        return cls(
            weights=weights,
            bias=bias,
            thresholds=np.asarray(config["thresholds"], dtype=np.float32),
            encoder=str(config["encoder"]),
            version=str(config.get("version", "")),
        )
