"""The LoRA adapter on USE: training's torch forward and the bot's numpy one must read a message alike,
and adapting for feelings must leave topic search's vectors as they were."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from nlu.encoder import ModelLoadError
from nlu.multilingual import MultilingualEncoder
from nlu.training.use_finetune import FinetuneSettings, adapter_of, build_modules, tokenize
from nlu.use_adapter import UseAdapter

TEXTS = ["Where is my order? It was due on Monday.", "Я очень волнуюсь, где мой заказ?",
         "Gdzie jest moja paczka, martwię się.", "我的包裹到底在哪里？", "ok"]


def _torch_vectors(encoder: object, texts: list[str]) -> np.ndarray:
    import torch

    with torch.no_grad():
        return np.asarray(encoder(*encoder.inputs(tokenize(texts))).numpy())  # type: ignore[operator, attr-defined]


def _nudged(encoder: object, seed: int = 5) -> None:
    """Give every adapter part a non-zero value, as training would."""
    import torch

    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, parameter in encoder.named_parameters():  # type: ignore[attr-defined]
            if parameter.requires_grad:
                scale = 0.05 if name.endswith((".a", ".b")) else 0.02
                parameter.add_(torch.randn(parameter.shape, generator=generator) * scale)


@pytest.fixture(scope="module")
def plain() -> MultilingualEncoder:
    return MultilingualEncoder(threads=1)


def test_the_torch_forward_reads_text_as_the_package_does(plain: MultilingualEncoder) -> None:
    encoder, _head = build_modules(FinetuneSettings())
    cosine = (_torch_vectors(encoder, TEXTS) * plain.encode(TEXTS)).sum(axis=1)
    assert cosine.min() > 0.9999


def test_an_adapter_reads_alike_in_training_and_in_the_bot_and_leaves_search_alone(
    plain: MultilingualEncoder, tmp_path: Path
) -> None:
    before = plain.encode(TEXTS)
    encoder, _head = build_modules(FinetuneSettings(rank=4))
    _nudged(encoder)
    trained = _torch_vectors(encoder, TEXTS)
    adapter_of(encoder, "test").save(tmp_path, {})
    loaded = UseAdapter.load(tmp_path)
    assert loaded is not None

    adapted = plain.adapted(loaded).encode(TEXTS)

    assert (adapted * trained).sum(axis=1).min() > 0.9999
    assert (adapted * before).sum(axis=1).max() < 0.999, "the adapter changed nothing"
    np.testing.assert_array_equal(plain.encode(TEXTS), before)


def test_a_folder_without_an_adapter_means_the_plain_encoder(tmp_path: Path) -> None:
    assert UseAdapter.load(tmp_path) is None


def test_an_adapter_for_another_encoder_is_refused_with_what_to_do(plain: MultilingualEncoder) -> None:
    wrong = UseAdapter({"d0": (np.zeros((100, 2), np.float32), np.zeros((2, 320), np.float32))}, {}, {}, 1.0, "x")
    with pytest.raises(ModelLoadError, match="retrain"):
        plain.adapted(wrong)


def test_the_retrieval_report_can_weigh_the_shipped_adapter_against_the_plain_encoder() -> None:
    """Topic search keeps the plain encoder because the adapted vectors find topics worse; the report
    that shows it must load the shipped adapter, whose vectors differ from the plain ones."""
    from knowledge.retrieval_eval import load_encoder
    from nlu.model import default_model_dir

    texts = ["Где моя посылка?", "Gdzie jest moja paczka?"]
    plain = load_encoder("use", default_model_dir())(texts)
    adapted = load_encoder("use-adapted", default_model_dir())(texts)
    assert adapted.shape == plain.shape == (2, 512)
    assert np.allclose(np.linalg.norm(adapted, axis=1), 1.0, atol=1e-4)
    assert float(np.min(np.sum(plain * adapted, axis=1))) < 0.99
