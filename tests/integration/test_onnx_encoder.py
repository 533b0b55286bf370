"""The ONNX fast path: the exported encoder gives torch float32's vectors, is exported once into the cache
folder and reused, and a damaged file there is built again instead of being trusted."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import numpy as np
import pytest

from nlu.artifact import load_artifact
from nlu.encoder import SentenceEncoder, TextEncoder, locate_encoder
from nlu.english_encoder import load_english_encoder
from nlu.model import EmotionModel, default_model_dir
from nlu.onnx_export import SUBDIRECTORY, ExportSource, cached_encoder_file

pytestmark = pytest.mark.slow

SENTENCES = [
    "My card was charged twice and I'm really worried",
    "This is the third time I'm asking. Unacceptable.",
    "Где мой заказ? Я очень волнуюсь.",
    "Спасибо, всё работает!",
    "Gdzie jest moja paczka? Trochę się martwię.",
    "To jest skandal, piszę trzeci raz!",
    "我的订单到哪了？有点担心。",
    "谢谢，问题解决了！",
]


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("model-cache")


@pytest.fixture(scope="module")
def source() -> ExportSource:
    artifact = load_artifact(default_model_dir())
    return ExportSource(artifact, default_model_dir(), locate_encoder(artifact.encoder))


@pytest.fixture(scope="module")
def torch_vectors(source: ExportSource) -> np.ndarray:
    artifact = source.artifact
    encoder = SentenceEncoder(source.encoder_dir, adapters=artifact.adapters, adapter_scale=artifact.adapter_scale,
                              max_tokens=artifact.max_tokens, normalise=False)
    return encoder.encode(SENTENCES)


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.asarray((a * b).sum(axis=1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1))


def _onnx_encoder(source: ExportSource, cache_dir: Path, precision: str = "onnx-fp32") -> TextEncoder:
    return load_english_encoder(source.artifact, source.artifact_dir, precision, cache_dir, max_threads=2)


def test_onnx_vectors_match_torch_float32_in_every_language(
    source: ExportSource, cache_dir: Path, torch_vectors: np.ndarray
) -> None:
    encoder = _onnx_encoder(source, cache_dir)
    assert encoder.precision == "onnx-fp32"
    single = np.vstack([encoder.encode([text]) for text in SENTENCES])
    batched = encoder.encode(SENTENCES, threads=2)
    assert _cosines(single, torch_vectors).min() > 0.999
    assert _cosines(batched, torch_vectors).min() > 0.999


def test_the_exported_file_is_reused_on_the_next_load(
    source: ExportSource, cache_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    first = cached_encoder_file(source, "fp32", cache_dir)
    written = first.stat()
    with caplog.at_level(logging.INFO, logger="nlu.onnx_export"):
        again = cached_encoder_file(source, "fp32", cache_dir)
    assert again == first
    assert (again.stat().st_ino, again.stat().st_mtime_ns) == (written.st_ino, written.st_mtime_ns)
    assert "reused" in caplog.text and "written" not in caplog.text
    assert sorted(p.name for p in (cache_dir / SUBDIRECTORY).glob("*.onnx")) == [first.name], "no stray files"


def test_a_damaged_cache_file_is_built_again(
    source: ExportSource, cache_dir: Path, torch_vectors: np.ndarray, caplog: pytest.LogCaptureFixture
) -> None:
    path = cached_encoder_file(source, "fp32", cache_dir)
    with path.open("r+b") as handle:  # a disk fault in the middle of the weights: still a parseable file
        handle.seek(path.stat().st_size // 2)
        handle.write(b"\xff" * 4096)
    with caplog.at_level(logging.INFO, logger="nlu.onnx_export"):
        encoder = _onnx_encoder(source, cache_dir)
    assert "does not match its checksum" in caplog.text and "written" in caplog.text
    assert _cosines(encoder.encode(SENTENCES), torch_vectors).min() > 0.999


def test_a_truncated_cache_file_is_built_again(source: ExportSource, cache_dir: Path) -> None:
    path = cached_encoder_file(source, "fp32", cache_dir)
    with path.open("r+b") as handle:
        handle.truncate(1000)
    assert cached_encoder_file(source, "fp32", cache_dir).stat().st_size > 1_000_000


def test_workers_starting_at_once_export_once(
    source: ExportSource, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    found: list[Path] = []
    with caplog.at_level(logging.INFO, logger="nlu.onnx_export"):
        workers = [threading.Thread(target=lambda: found.append(cached_encoder_file(source, "fp32", tmp_path)))
                   for _ in range(3)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
    assert len(found) == 3 and len(set(found)) == 1
    assert caplog.text.count("written to") == 1 and caplog.text.count("reused") == 2


def test_the_emotion_model_on_onnx_reads_customers_as_float32_does(cache_dir: Path) -> None:
    texts = [
        "I'm really scared, someone took money from my account and I don't know what to do",
        "This is ridiculous. Third time I'm asking and nobody answers. Unacceptable.",
        "Thank you so much, that was really helpful!",
        "I don't understand, what does this status mean?",
        "Where is my order? It was due on Monday.",
    ]
    full = EmotionModel(default_model_dir(), "float32")
    fast = EmotionModel(default_model_dir(), "onnx-fp32", cache_dir=cache_dir)
    assert fast.encoder.precision == "onnx-fp32"
    assert float(np.abs(full.probabilities(texts) - fast.probabilities(texts)).max()) < 0.01
    assert [a.labels for a in full.analyse(texts)] == [a.labels for a in fast.analyse(texts)]


def test_the_onnx_path_tokenizes_exactly_as_the_encoders_own_tokenizer(source: ExportSource) -> None:
    """It reads tokenizer.json with the tokenizers library instead of transformers (which imports torch)."""
    from transformers import AutoTokenizer

    from nlu.onnx_encoder import fast_tokenizer

    texts = [*SENTENCES, "", "   ", "A" * 3000, "emoji 😬🙏 and Ünïcödé", "word " * 200, "URL https://shop.example/o/50001"]
    reference = AutoTokenizer.from_pretrained(str(source.encoder_dir), local_files_only=True)(
        texts, padding=True, truncation=True, max_length=source.artifact.max_tokens)
    ours = fast_tokenizer(source.encoder_dir, source.artifact.max_tokens).encode_batch(texts)
    assert [e.ids for e in ours] == reference["input_ids"]
    assert [e.attention_mask for e in ours] == reference["attention_mask"]


def test_a_worker_on_onnx_never_imports_torch_once_the_export_is_cached(cache_dir: Path, tmp_path: Path) -> None:
    """torch alone is 240 MB of a worker's memory; with the ONNX file already made, the bot needs none of it."""
    import subprocess
    import sys

    EmotionModel(default_model_dir(), "onnx-fp32", 1, cache_dir)  # makes sure the file is cached
    script = tmp_path / "load.py"
    script.write_text(
        "import sys\n"
        "from pathlib import Path\n"
        "from nlu.model import EmotionModel, default_model_dir\n"
        f"model = EmotionModel(default_model_dir(), 'onnx-fp32', 1, Path({str(cache_dir)!r}))\n"
        "analyses = model.analyse(['I was charged twice, please help', 'Где мой заказ?', '谢谢'])\n"
        "assert len(analyses) == 3 and all(a.scores is not None for a in analyses)\n"
        "print('torch' in sys.modules, 'transformers' in sys.modules)\n", encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], check=False, capture_output=True, text=True,
                          timeout=600, cwd=Path(__file__).resolve().parents[2])
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["False", "False"], done.stdout
