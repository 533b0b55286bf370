"""Imported articles as draft topics: their questions, their findings, publishing them whole, and
re-imports that update drafts but never a trainer's edits of a published topic."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from knowledge.importing.drafts import DraftState, read_draft, state_of
from knowledge.importing.importing import import_articles
from knowledge.importing.publishing import DraftRefused, publish_draft
from knowledge.importing.sources import read_source
from knowledge.importing.topic_files import restore_topic
from knowledge.lint import lint_content
from knowledge.pack import CONTENT_DIR, KnowledgeError, load_pack

HELP_CENTRE = Path(__file__).resolve().parents[1] / "fixtures" / "help_centre"
NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def content(tmp_path: Path) -> Path:
    folder = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, folder)
    return folder


def imported(content: Path, source: Path, language: str = "") -> dict[str, object]:
    return {r.draft.id: r for r in import_articles(content, read_source(source, language=language), str(source))}


def test_an_article_in_two_languages_is_one_draft_with_questions_from_its_title_and_headings(content: Path) -> None:
    results = imported(content, HELP_CENTRE / "markdown")
    assert sorted(results) == ["md_gift_wrapping", "md_leaf_points", "md_pet_safe", "md_plant_guarantee",
                               "md_workshops"]
    draft = read_draft(content, "md_workshops")
    assert draft.languages == ("en", "pl") and draft.source == "markdown"
    assert draft.texts["en"].examples == ("Repotting workshops in our Kraków studio", "How do I book a place?",
                                          "Can I cancel my booking?")
    assert draft.texts["pl"].examples[1:] == ("Jak zapisać się na warsztaty?", "Czy mogę odwołać zapis?")
    assert draft.texts["en"].keywords == ("workshop", "repotting workshop", "book a workshop")
    assert draft.texts["en"].answer.endswith("The full article: https://help.leafandloom.example/en/workshops")
    assert draft.texts["pl"].next_step.startswith("Teraz:")
    assert draft.texts["en"].first_step == ("Open the article about it in our help centre: "
                                            "https://help.leafandloom.example/en/workshops")
    without_address = read_draft(content, "md_gift_wrapping").texts["en"]
    assert without_address.first_step == "We wrap any order in recycled paper with a linen ribbon for 15 zł."
    assert not (content / "en" / "topics.yaml").read_text().count("md_workshops"), "nothing is live before publishing"


def test_an_faq_answer_with_a_question_in_its_text_drafts_that_question_too(content: Path) -> None:
    imported(content, HELP_CENTRE / "zendesk_articles.json")
    draft = read_draft(content, "zendesk_360010001")
    assert draft.texts["en"].examples == ("Do you deliver plants outside Poland?",
                                          "Why can't you send plants to other countries?",
                                          "Can I send a plant as a gift abroad?")
    assert draft.texts["pl"].keywords == ("dostawa za granicę", "wysyłka zagraniczna")


def test_the_linters_findings_are_kept_with_the_draft_and_publishing_it_is_refused(content: Path) -> None:
    imported(content, HELP_CENTRE / "markdown")
    draft = read_draft(content, "md_pet_safe")
    assert {(f.language, f.part, f.rule) for f in draft.findings} == {
        ("en", "answer", "stock-phrase"), ("en", "answer", "long-sentence"), ("en", "first_step", "stock-phrase")}
    before = (content / "en" / "topics.yaml").read_text()
    with pytest.raises(DraftRefused, match="stock-phrase"):
        publish_draft(content, "md_pet_safe", NOW)
    assert (content / "en" / "topics.yaml").read_text() == before


def test_a_published_draft_is_a_live_topic_in_its_languages_only(content: Path) -> None:
    imported(content, HELP_CENTRE / "markdown")
    changes = publish_draft(content, "md_workshops", NOW)
    assert [c.language for c in changes] == ["en", "pl"] and all(not c.before for c in changes)
    pack = load_pack(content)
    topic = pack.topic("md_workshops", "pl")
    assert topic is not None and topic.answer.startswith("W każdą sobotę o 11:00")
    assert topic.examples[1] == "Jak zapisać się na warsztaty?" and not topic.promises
    assert "md_workshops" not in {t.id for t in pack.topics["ru"]}
    assert lint_content(content) == []
    assert state_of(content, read_draft(content, "md_workshops")) is DraftState.PUBLISHED
    assert publish_draft(content, "md_workshops", NOW) == [], "publishing again changes nothing"


def test_reimporting_a_changed_source_updates_the_draft_with_a_diff_and_leaves_the_live_topic(
    content: Path, tmp_path: Path
) -> None:
    source = tmp_path / "help"
    shutil.copytree(HELP_CENTRE / "markdown", source)
    imported(content, source)
    publish_draft(content, "md_workshops", NOW)
    english = source / "workshops.en.md"
    english.write_text(english.read_text().replace("A place costs 89 zł", "A place costs 95 zł"))
    results = imported(content, source)
    workshops = results["md_workshops"]
    assert workshops.change == "updated" and workshops.state is DraftState.CHANGED  # type: ignore[attr-defined]
    assert "-en.answer: Every Saturday" in workshops.diff and "95 zł" in workshops.diff  # type: ignore[attr-defined]
    assert results["md_leaf_points"].change == "unchanged"  # type: ignore[attr-defined]
    live = load_pack(content).topic("md_workshops", "en")
    assert live is not None and "89 zł" in live.answer
    publish_draft(content, "md_workshops", NOW)
    live = load_pack(content).topic("md_workshops", "en")
    assert live is not None and "95 zł" in live.answer


def test_a_trainers_edit_after_publishing_is_kept_through_reimport_and_publish(content: Path, tmp_path: Path) -> None:
    source = tmp_path / "help"
    shutil.copytree(HELP_CENTRE / "markdown", source)
    imported(content, source)
    publish_draft(content, "md_workshops", NOW)
    english = content / "en" / "topics.yaml"
    english.write_text(english.read_text().replace("A place costs 89", "A seat costs 89"))
    (source / "workshops.en.md").write_text((source / "workshops.en.md").read_text().replace("89 zł", "99 zł"))
    workshops = imported(content, source)["md_workshops"]
    assert workshops.state is DraftState.EDITED_LIVE  # type: ignore[attr-defined]
    with pytest.raises(DraftRefused, match="Kept your published edits"):
        publish_draft(content, "md_workshops", NOW)
    live = load_pack(content).topic("md_workshops", "en")
    assert live is not None and "A seat costs 89" in live.answer


def test_reverting_a_publication_takes_the_topic_out_and_the_draft_can_go_live_again(content: Path) -> None:
    imported(content, HELP_CENTRE / "markdown")
    changes = publish_draft(content, "md_gift_wrapping", NOW)
    for change in changes:
        restore_topic(content, change.language, "topics.yaml", "md_gift_wrapping", change.before)
    assert "md_gift_wrapping" not in (content / "topics.yaml").read_text()
    assert load_pack(content).topic("md_gift_wrapping", "en") is None
    assert state_of(content, read_draft(content, "md_gift_wrapping")) is DraftState.DRAFT
    assert [c.language for c in publish_draft(content, "md_gift_wrapping", NOW)] == ["en", "pl"]


def test_a_draft_never_replaces_a_curated_topic(content: Path) -> None:
    imported(content, HELP_CENTRE / "markdown")
    drafts = content / "drafts"
    (drafts / "refund.yaml").write_text((drafts / "md_workshops.yaml").read_text().replace("id: md_workshops", "id: refund"))
    with pytest.raises(DraftRefused, match="already has a topic refund"):
        publish_draft(content, "refund", NOW)
    refund = load_pack(content).topic("refund", "en")
    assert refund is not None and "Refunds go back to the card" in refund.answer


def test_articles_in_a_language_the_pack_lacks_are_left_out_and_said_so(content: Path, tmp_path: Path) -> None:
    (tmp_path / "help").mkdir()
    (tmp_path / "help" / "a.en.md").write_text("---\nid: a\nlanguage: en\n---\n# Opening hours\n\nEvery day.\n")
    (tmp_path / "help" / "a.de.md").write_text("---\nid: a\nlanguage: de\n---\n# Öffnungszeiten\n\nJeden Tag.\n")
    draft = imported(content, tmp_path / "help")["md_a"].draft  # type: ignore[attr-defined]
    assert draft.languages == ("en",) and draft.skipped == ("de",)


def test_a_topic_listed_for_some_languages_must_have_words_in_each_of_them(content: Path) -> None:
    imported(content, HELP_CENTRE / "markdown")
    publish_draft(content, "md_leaf_points", NOW)
    restore_topic(content, "pl", "topics.yaml", "md_leaf_points", "")
    shared = content / "topics.yaml"
    shared.write_text(shared.read_text().replace("  languages:\n  - en\n", "  languages:\n  - en\n  - pl\n"))
    with pytest.raises(KnowledgeError, match="no words in this language yet: md_leaf_points"):
        load_pack(content)
