"""Each help-centre format read as a trainer's shop wrote it: articles, languages, tags, questions."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.importing.articles import SourceError
from knowledge.importing.sources import guess_format, read_source

HELP_CENTRE = Path(__file__).resolve().parents[1] / "fixtures" / "help_centre"


def by_id(articles: list, language: str = "en") -> dict:  # type: ignore[type-arg]
    return {a.article_id: a for a in articles if a.language == language}


def test_markdown_front_matter_gives_language_tags_address_and_the_first_heading_the_title() -> None:
    articles = read_source(HELP_CENTRE / "markdown")
    assert len(articles) == 10 and {a.language for a in articles} == {"en", "pl"}
    guarantee = by_id(articles)["plant-guarantee"]
    assert guarantee.title == "Our 30-day plant guarantee"
    assert guarantee.tags == ("plant guarantee", "unwell plant", "plant died")
    assert guarantee.url == "https://help.leafandloom.example/en/plant-guarantee"
    assert guarantee.paragraphs[0].startswith("Every plant we send is covered for 30 days")
    assert by_id(articles, "pl")["plant-guarantee"].title == "Nasza 30-dniowa gwarancja na rośliny"


def test_markdown_without_a_language_is_refused_unless_one_is_given(tmp_path: Path) -> None:
    (tmp_path / "hours.md").write_text("# Opening hours\n\nWe are open **every day** from 9:00. [Map](https://x)\n")
    with pytest.raises(SourceError, match="--language"):
        read_source(tmp_path)
    [article] = read_source(tmp_path, language="en")
    assert (article.language, article.title, article.paragraphs) == ("en", "Opening hours",
                                                                     ("We are open every day from 9:00. Map",))


def test_csv_rows_are_articles_with_their_own_language_or_the_one_given() -> None:
    with pytest.raises(SourceError, match=r"faq.csv:4: no language"):
        read_source(HELP_CENTRE / "faq.csv")
    articles = read_source(HELP_CENTRE / "faq.csv", language="en")
    assert [(a.title, a.language) for a in articles] == [
        ("Do you sell pots without plants?", "en"), ("Czy sprzedajecie same doniczki?", "pl"),
        ("Can I pay with BLIK?", "en")]
    assert articles[1].tags == ("doniczki", "same doniczki")
    assert articles[2].paragraphs == ("Yes, BLIK works for every order in Poland.", "Pay in the last step of the checkout.")


def test_an_faq_page_is_one_article_per_question_without_its_menu_footer_or_scripts() -> None:
    articles = read_source(HELP_CENTRE / "faq.html")
    assert [a.title for a in articles] == ["Do you have a shop I can visit?", "Can I order a plant that is sold out?",
                                           "Do you offer plant care advice?"]
    assert all(a.language == "en" and a.url == "https://help.leafandloom.example/en/faq" for a in articles)
    assert articles[1].paragraphs == ("Tap Notify me on its page. We email you on the day it is back.",)
    assert articles[2].paragraphs[1:] == ("Tell us where it stands.", "Tell us how often you water it.")
    words = " ".join(p for a in articles for p in a.paragraphs)
    assert "Privacy" not in words and "analytics" not in words and "Shop ·" not in words


def test_a_saved_sitemap_reads_the_pages_saved_beside_it_and_fetches_nothing(tmp_path: Path) -> None:
    articles = read_source(HELP_CENTRE / "site" / "sitemap.xml")
    assert [(a.language, a.title, a.url) for a in articles] == [
        ("en", "Who we are", "https://help.leafandloom.example/en/about"),
        ("pl", "Kim jesteśmy", "https://help.leafandloom.example/pl/o-nas.html")]
    assert articles[0].paragraphs[1] == "We grow most of our plants in our own greenhouse in Wieliczka."
    (tmp_path / "sitemap.xml").write_text('<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                                          "<url><loc>https://unreachable.invalid/returns</loc></url></urlset>")
    with pytest.raises(SourceError, match="not saved beside the sitemap"):
        read_source(tmp_path / "sitemap.xml")


def test_a_zendesk_export_keeps_locale_labels_and_address_and_leaves_out_zendesk_drafts() -> None:
    articles = read_source(HELP_CENTRE / "zendesk_articles.json")
    assert [(a.article_id, a.language) for a in articles] == [("360010001", "en"), ("360010001", "pl"),
                                                               ("360010002", "en")]
    abroad = articles[0]
    assert abroad.tags == ("delivery abroad", "international shipping")
    assert abroad.url.endswith("/hc/en-us/articles/360010001-Delivery-outside-Poland")
    assert abroad.paragraphs[0].startswith("We deliver plants to Germany")
    assert [b.text for b in abroad.blocks if b.heading] == ["Why can't you send plants to other countries?",
                                                            "Can I send a plant as a gift abroad?"]


@pytest.mark.parametrize(("name", "expected"), [("markdown", "markdown"), ("faq.csv", "csv"), ("faq.html", "html"),
                                                ("site/sitemap.xml", "html"), ("zendesk_articles.json", "zendesk")])
def test_the_format_is_guessed_from_the_path(name: str, expected: str) -> None:
    assert guess_format(HELP_CENTRE / name) == expected


def test_an_unknown_kind_of_file_asks_for_the_format(tmp_path: Path) -> None:
    (tmp_path / "export.txt").write_text("hello")
    with pytest.raises(SourceError, match="--format"):
        read_source(tmp_path / "export.txt")
