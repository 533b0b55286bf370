"""Low-rank adapters (LoRA) for the encoder's linear layers: trained small, merged at load.

Only the adapters and the head are saved (a few MB), and merging them into the base weights
at load time makes inference exactly as fast as the base model.
"""

from __future__ import annotations

import math

import torch
from torch import nn

TARGET_SUFFIXES = (
    "attention.self.query",
    "attention.self.key",
    "attention.self.value",
    "attention.output.dense",
    "intermediate.dense",
    "output.dense",
)


class LoRALinear(nn.Module):
    """A frozen linear layer plus a trainable low-rank update ``scale * B @ A``."""

    def __init__(self, base: nn.Linear, rank: int, alpha: float, dropout: float = 0.1) -> None:
        super().__init__()
        self.base = base
        self.scale = alpha / rank
        self.lora_a = nn.Parameter(torch.empty(rank, base.in_features))
        self.lora_b = nn.Parameter(torch.zeros(base.out_features, rank))
        nn.init.kaiming_uniform_(self.lora_a, a=math.sqrt(5))
        self.dropout = nn.Dropout(dropout)
        for parameter in base.parameters():
            parameter.requires_grad = False

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        update = self.dropout(x) @ self.lora_a.T @ self.lora_b.T
        return self.base(x) + update * self.scale  # type: ignore[no-any-return]


def target_names(model: nn.Module) -> list[str]:
    return [
        name for name, module in model.named_modules()
        if isinstance(module, nn.Linear) and name.endswith(TARGET_SUFFIXES) and ".layer." in name
    ]


def add_adapters(model: nn.Module, rank: int, alpha: float) -> dict[str, LoRALinear]:
    """Freeze ``model`` and wrap every target linear layer with a trainable adapter."""
    for parameter in model.parameters():
        parameter.requires_grad = False
    adapters: dict[str, LoRALinear] = {}
    for name in target_names(model):
        parent_name, _, child = name.rpartition(".")
        parent = model.get_submodule(parent_name)
        adapter = LoRALinear(getattr(parent, child), rank, alpha)
        setattr(parent, child, adapter)
        adapters[name] = adapter
    return adapters


def adapter_tensors(adapters: dict[str, LoRALinear]) -> dict[str, torch.Tensor]:
    tensors: dict[str, torch.Tensor] = {}
    for name, adapter in adapters.items():
        tensors[f"{name}.lora_a"] = adapter.lora_a.detach().clone().contiguous()
        tensors[f"{name}.lora_b"] = adapter.lora_b.detach().clone().contiguous()
    return tensors


@torch.no_grad()
def merge_adapters(model: nn.Module, tensors: dict[str, torch.Tensor], scale: float) -> int:
    """Add each saved low-rank update into the base weights in place; returns how many merged."""
    merged = 0
    for key, lora_a in tensors.items():
        if not key.endswith(".lora_a"):
            continue
        name = key.removesuffix(".lora_a")
        lora_b = tensors[f"{name}.lora_b"]
        layer = model.get_submodule(name)
        if not isinstance(layer, nn.Linear):
            raise TypeError(f"adapter target {name} is not a linear layer in this encoder")
        layer.weight += (lora_b.float() @ lora_a.float()) * scale
        merged += 1
    return merged
