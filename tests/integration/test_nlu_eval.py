"""`candor nlu eval` as a trainer reads it: per language, per class, on held-out text, with the feelings' confusion."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from nlu.multilingual import MultilingualHead
from nlu.training.dataset import DatasetError, dev_comment_part, read_parallel_dev, read_support_messages
from tests.conftest import subprocess_env

pytestmark = pytest.mark.slow

LABELS = ["admiration", "amusement", "anger", "annoyance", "approval", "caring", "confusion", "curiosity", "desire",
          "disappointment", "disapproval", "disgust", "embarrassment", "excitement", "fear", "gratitude", "grief",
          "joy", "love", "nervousness", "optimism", "pride", "realization", "relief", "remorse", "sadness",
          "surprise", "neutral"]
# (English, Russian, GoEmotions label ids): anger 2, fear 14, sadness 25, confusion 6, gratitude 15, neutral 27.
COMMENTS = [
    ("I'm terrified my money is gone", "Я в ужасе, мои деньги пропали", "14"),
    ("This is outrageous, I'm furious", "Это возмутительно, я в ярости", "2"),
    ("I'm so sad it broke", "Мне так грустно, что он сломался", "25"),
    ("I don't understand what this means", "Я не понимаю, что это значит", "6"),
    ("Thank you so much!", "Большое спасибо!", "15"),
    ("It arrived on Tuesday.", "Он пришёл во вторник.", "27"),
    ("I'm scared and nervous about this", "Мне страшно, я нервничаю", "14,19"),
    ("You people are useless and I'm angry", "Вы бесполезны, я зол", "2,3"),
]


def _comment_ids(part: str, count: int) -> list[str]:
    """Ids whose hash puts them in ``part``, so the tiny data set has rows in the held-out part."""
    found, number = [], 0
    while len(found) < count:
        candidate = f"c{number}"
        if dev_comment_part(candidate) == part:
            found.append(candidate)
        number += 1
    return found


def write_tiny_data(root: Path, shuffle_russian: bool = False) -> Path:
    data = root / "data"
    (data / "goemotions").mkdir(parents=True)
    (data / "ru-goemotions").mkdir()
    (data / "xed").mkdir()
    (data / "goemotions" / "labels.txt").write_text("\n".join(LABELS) + "\n", encoding="utf-8")
    ids = _comment_ids("test", len(COMMENTS))
    (data / "goemotions" / "dev.tsv").write_text(
        "".join(f"{english}\t{labels}\t{comment}\n" for (english, _, labels), comment in zip(COMMENTS, ids, strict=True)),
        encoding="utf-8")
    rows = list(zip(COMMENTS, ids, strict=True))
    if shuffle_russian:
        rows.reverse()
    (data / "ru-goemotions" / "dev.csv").write_text(
        "ru_text,text,labels,id\n" + "".join(f'"{russian}","{english}",[{labels.replace(",", " ")}],{comment}\n'
                                             for (english, russian, labels), comment in rows), encoding="utf-8")
    xed = "\n".join(["Boję się, że nie zdążymy.\t4", "Jestem wściekły!\t1", "Dziękuję, to wspaniałe.\t5",
                     "Tak mi smutno.\t6", "Boję się ciemności.\t4"] * 2) + "\n"
    (data / "xed" / "pl-projections.tsv").write_text(xed, encoding="utf-8")
    (data / "xed" / "zh-projections.tsv").write_text(
        "\n".join(["我很害怕。\t4", "我气死了！\t1", "谢谢你，太好了。\t5", "我好难过。\t6", "别吓我。\t4"] * 2) + "\n", encoding="utf-8")
    return data


def test_eval_prints_every_language_per_class_with_the_feelings_confusion(tmp_path: Path) -> None:
    data = write_tiny_data(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "nlu", "eval", "--data-dir", str(data)], check=False, capture_output=True, text=True,
        timeout=600, cwd=tmp_path, env=subprocess_env(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for heading in ("English — GoEmotions dev, held-out comments (8 texts)",
                    "Russian — ru-goemotions, the same held-out comments in Russian (8 texts)",
                    "Polish — XED subtitles, every fifth row", "Chinese — XED subtitles, every fifth row",
                    "Russian — support chat, the curated test split", "Chinese — support chat, the curated test split"):
        assert heading in out, heading
    assert out.count("true \\ predicted") >= 6, "the anxiety/sadness/anger confusion is printed for every set"
    for name in ("anger", "anxiety", "sadness", "confusion", "positive", "neutral", "macro-F1"):
        assert f"\n{name}" in out
    summary = out[out.index("Summary"):]
    assert "language" in summary and "anxiety AUC" in summary and "Polish" in summary


def test_a_russian_file_out_of_step_with_goemotions_dev_is_refused(tmp_path: Path) -> None:
    data = write_tiny_data(tmp_path, shuffle_russian=True)
    with pytest.raises(DatasetError, match="same order"):
        read_parallel_dev(data)


def test_the_held_out_comments_are_fixed_by_their_id_and_about_three_in_ten() -> None:
    parts = [dev_comment_part(f"id{number}") for number in range(3000)]
    assert parts == [dev_comment_part(f"id{number}") for number in range(3000)]
    assert 0.25 < parts.count("test") / len(parts) < 0.35
    assert 0.15 < parts.count("tune") / len(parts) < 0.25


def test_curated_lines_say_their_split_and_a_wrong_split_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "messages.tsv"
    path.write_text("ru\ttrain\tanxiety\tЯ волнуюсь\nru\ttest\tanger\tЭто безобразие\n", encoding="utf-8")
    curated = read_support_messages(path)
    assert curated["ru"].train.texts == ["Я волнуюсь"] and curated["ru"].test.texts == ["Это безобразие"]
    path.write_text("ru\tdev\tanxiety\tЯ волнуюсь\n", encoding="utf-8")
    with pytest.raises(DatasetError, match=r"messages.tsv:1"):
        read_support_messages(path)


def test_per_language_thresholds_survive_save_and_load(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    head = MultilingualHead(rng.normal(size=(4, 512)).astype(np.float32), np.zeros(4, np.float32),
                            rng.normal(size=(6, 4)).astype(np.float32), np.zeros(6, np.float32),
                            np.full(6, 0.5, np.float32), "v1", {"ru": np.full(6, 0.3, np.float32)})
    head.save(tmp_path, {})
    loaded = MultilingualHead.load(tmp_path)
    assert np.allclose(loaded.thresholds_for("ru"), 0.3)
    assert np.allclose(loaded.thresholds_for("pl"), 0.5), "a language without its own falls back to the default"
