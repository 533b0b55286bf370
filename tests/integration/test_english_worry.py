"""English customers who worry without a feeling word are read as worried, by the real model.

The English model learned from Reddit, where worry is named; a shop's customers mostly worry in
questions ("the party is Saturday, will it come??"). The curated support lines' test split is
text neither reader trained on.
"""

from __future__ import annotations

import numpy as np
import pytest

from nlu.model import EmotionModel, default_model_dir
from nlu.training.dataset import default_support_messages_file, read_support_messages
from nlu.types import SUPPORT_CLASSES

pytestmark = pytest.mark.slow
ANXIETY = SUPPORT_CLASSES.index("anxiety")


@pytest.fixture(scope="module")
def model() -> EmotionModel:
    return EmotionModel(default_model_dir(), "float32", 1)


def test_most_english_worry_on_unseen_support_lines_is_read_as_worry(model: EmotionModel) -> None:
    test = read_support_messages(default_support_messages_file())["en"].test
    scored = model.score_as(test.texts, "en")
    said = scored.probabilities[:, ANXIETY] >= scored.thresholds[:, ANXIETY]
    worried = np.asarray(test.targets)[:, ANXIETY] == 1
    found, flagged = int((said & worried).sum()), int(said.sum())
    assert found >= 0.7 * worried.sum(), f"{found} of {worried.sum()} worried lines read as worry"
    assert flagged - found <= 0.1 * (~worried).sum(), f"{flagged - found} calm lines read as worry"


def test_a_plain_question_and_thanks_are_not_read_as_worry(model: EmotionModel) -> None:
    texts = ["Can I change the delivery address on my order?", "Thanks, that's sorted now!",
             "the party is Saturday and the tracking hasn't moved since Monday, will it come??"]
    scored = model.score_as(texts, "en")
    said = list(scored.probabilities[:, ANXIETY] >= scored.thresholds[:, ANXIETY])
    assert said == [False, False, True]
