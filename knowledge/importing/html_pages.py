"""A saved HTML page, or a saved sitemap.xml whose <loc> entries are pages saved beside it.

Nothing is fetched: a <loc> address is looked up as a file next to the sitemap (its path, then its
last part, with .html or index.html tried). A page whose headings of one level repeat (an FAQ with
an <h2> per question) is one article per such heading; any other page is one article.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from urllib.parse import unquote, urlparse
from xml.etree import ElementTree

from knowledge.importing.articles import Article, Block, SourceError, slug
from knowledge.importing.html_text import Page, read_page

SITEMAP_NAMESPACE = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def read_html(path: Path, language: str = "") -> list[Article]:
    """The articles of one page, or of every page a saved sitemap lists; a listed page not saved is an error."""
    if path.suffix.lower() == ".xml":
        return [article for url, page_path in _sitemap_pages(path) for article in _page_articles(page_path, language, url)]
    return _page_articles(path, language, "")


def _sitemap_pages(sitemap: Path) -> list[tuple[str, Path]]:
    try:
        root = ElementTree.fromstring(sitemap.read_text(encoding="utf-8"))
    except ElementTree.ParseError as error:
        raise SourceError(f"{sitemap} is not a sitemap: {error}") from error
    urls = [loc.text.strip() for loc in root.iter() if loc.tag in ("loc", f"{SITEMAP_NAMESPACE}loc")
            and loc.text]
    if not urls:
        raise SourceError(f"{sitemap} lists no <loc> pages.")
    pages = []
    for url in urls:
        saved = _saved_page(sitemap.parent, url)
        if saved is None:
            raise SourceError(f"{sitemap}: {url} is not saved beside the sitemap (nothing is downloaded); save it "
                              f"as {sitemap.parent / (Path(urlparse(url).path).name or 'index.html')}.")
        pages.append((url, saved))
    return pages


def _saved_page(folder: Path, url: str) -> Path | None:
    path = unquote(urlparse(url).path).strip("/")
    name = Path(path).name
    for candidate in (path, f"{path}.html", f"{path}/index.html", name, f"{name}.html", "index.html" if not path else ""):
        if candidate and (folder / candidate).is_file() and (folder / candidate).resolve().is_relative_to(folder.resolve()):
            return folder / candidate
    return None


def _page_articles(path: Path, language: str, url: str) -> list[Article]:
    if not path.is_file():
        raise SourceError(f"No HTML page at {path}.")
    page = read_page(path.read_text(encoding="utf-8", errors="replace"))
    page_language = (page.language or language).lower()
    if not page_language:
        raise SourceError(f"{path}: the page does not say its language (<html lang>); pass --language.")
    address = url or page.canonical
    level = _split_level(page)
    if level is None:
        title = next((b.text for b in page.blocks if b.heading == 1), page.title or path.stem)
        blocks = tuple(b for b in page.blocks if b.text != title or not b.heading)
        return [Article("html", slug(path.stem), page_language, title, blocks, (), address)]
    return _split(page, level, path, page_language, address)


def _split_level(page: Page) -> int | None:
    counts = Counter(block.heading for block in page.blocks if block.heading)
    repeated = [level for level, count in counts.items() if count >= 2]
    return min(repeated) if repeated else None


def _split(page: Page, level: int, path: Path, language: str, address: str) -> list[Article]:
    articles: list[Article] = []
    title, blocks = "", list[Block]()
    for block in (*page.blocks, Block("", level)):
        if block.heading and block.heading <= level:
            if title and any(not b.heading for b in blocks):
                articles.append(Article("html", f"{slug(path.stem)}/{slug(title)}", language, title, tuple(blocks), (),
                                        address))
            title, blocks = block.text, []
        elif title:
            blocks.append(block)
    return articles
