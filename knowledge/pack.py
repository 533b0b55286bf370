"""Loading the curated content files (``knowledge/content/<language>/``) into plain data."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

CONTENT_DIR = Path(__file__).resolve().parent / "content"
FALLBACK_LANGUAGE = "en"


class KnowledgeError(RuntimeError):
    """A content file is missing or malformed; the message names the file and the field."""


@dataclass(frozen=True)
class Topic:
    id: str
    problem: str
    keywords: tuple[str, ...]
    answer: str
    next_step: str


@dataclass(frozen=True)
class Wording:
    introduction: str
    greeting: str
    help: str
    acknowledgements: dict[str, str]
    clarify: str
    empty: str
    long_message: str
    non_text: dict[str, str]
    edited: str
    unknown_command: str
    button: str
    failure: str


@dataclass(frozen=True)
class KnowledgePack:
    """All curated content, by language."""

    topics: dict[str, tuple[Topic, ...]]
    wording: dict[str, Wording]

    def topics_for(self, language: str) -> tuple[Topic, ...]:
        return self.topics.get(language) or self.topics[FALLBACK_LANGUAGE]

    def wording_for(self, language: str) -> Wording:
        return self.wording.get(language) or self.wording[FALLBACK_LANGUAGE]


def load_pack(content_dir: Path = CONTENT_DIR) -> KnowledgePack:
    topics: dict[str, tuple[Topic, ...]] = {}
    wording: dict[str, Wording] = {}
    for language_dir in sorted(p for p in content_dir.iterdir() if p.is_dir()):
        topics[language_dir.name] = _read_topics(language_dir / "topics.yaml")
        wording[language_dir.name] = _read_wording(language_dir / "wording.yaml")
    if FALLBACK_LANGUAGE not in wording:
        raise KnowledgeError(f"The knowledge pack in {content_dir} has no '{FALLBACK_LANGUAGE}' folder.")
    return KnowledgePack(topics=topics, wording=wording)


def _read_yaml(path: Path) -> object:
    if not path.is_file():
        raise KnowledgeError(f"Missing content file {path}.")
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise KnowledgeError(f"{path} is not valid YAML: {error}") from error


def _read_topics(path: Path) -> tuple[Topic, ...]:
    raw = _read_yaml(path)
    if not isinstance(raw, list):
        raise KnowledgeError(f"{path} must be a list of topics.")
    topics = []
    for index, item in enumerate(raw):
        try:
            topics.append(
                Topic(
                    id=str(item["id"]), problem=str(item["problem"]),
                    keywords=tuple(str(k).lower() for k in item["keywords"]),
                    answer=str(item["answer"]).strip(), next_step=str(item["next_step"]).strip(),
                )
            )
        except (KeyError, TypeError) as error:
            raise KnowledgeError(f"{path}: topic #{index + 1} lacks the field {error}.") from error
    return tuple(topics)


def _read_wording(path: Path) -> Wording:
    raw = _read_yaml(path)
    if not isinstance(raw, dict):
        raise KnowledgeError(f"{path} must be a mapping of wording parts.")
    try:
        return Wording(**{str(name): _clean(value) for name, value in raw.items()})  # type: ignore[arg-type]
    except TypeError as error:
        raise KnowledgeError(f"{path}: {error}") from error


def _clean(value: object) -> object:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, dict):
        return {str(k): str(v).strip() for k, v in value.items()}
    return value
