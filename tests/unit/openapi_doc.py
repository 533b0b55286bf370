"""Reading the OpenAPI files in docs/ for the tests that hold the code to them."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import yaml

JSON_TYPES = {"string": str, "integer": int, "boolean": bool, "object": dict, "array": list, "null": type(None)}
DOCS = Path(__file__).resolve().parents[2] / "docs"


def load_openapi(name: str) -> dict[str, Any]:
    loaded = yaml.safe_load((DOCS / name).read_text(encoding="utf-8"))
    assert isinstance(loaded, dict), f"docs/{name} is not a YAML mapping"
    return loaded


def resolve(spec: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    """Follow a local ``$ref`` ("#/components/...") to what it names."""
    while "$ref" in node:
        target: Any = spec
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def schema_problems(spec: dict[str, Any], schema: dict[str, Any], value: Any, where: str = "$") -> list[str]:
    """Where ``value`` breaks ``schema``: a wrong type, a missing required field, an enum, pattern or length broken."""
    schema = resolve(spec, schema)
    if "oneOf" in schema:
        fits = [option for option in schema["oneOf"] if not schema_problems(spec, option, value, where)]
        return [] if len(fits) == 1 else [f"{where} matches {len(fits)} of oneOf"]
    kinds = schema.get("type", [])
    kinds = [kinds] if isinstance(kinds, str) else kinds
    if kinds and not any(isinstance(value, JSON_TYPES[kind]) and not (kind == "integer" and isinstance(value, bool))
                         for kind in kinds):
        return [f"{where} is not {' or '.join(kinds)}"]
    problems = [f"{where} is off the list"] if "enum" in schema and value not in schema["enum"] else []
    if isinstance(value, str):
        if "pattern" in schema and not re.match(schema["pattern"], value):
            problems.append(f"{where} does not match {schema['pattern']}")
        if schema.get("format") == "date-time" and dt.datetime.fromisoformat(value).utcoffset() is None:
            problems.append(f"{where} has no offset")
        if len(value) > schema.get("maxLength", len(value)):
            problems.append(f"{where} is too long")
    if isinstance(value, dict):
        problems += [f"{where}.{name} is missing" for name in schema.get("required", []) if name not in value]
        for name, field in schema.get("properties", {}).items():
            if name in value:
                problems += schema_problems(spec, field, value[name], f"{where}.{name}")
    if isinstance(value, list):
        for index, entry in enumerate(value):
            problems += schema_problems(spec, schema["items"], entry, f"{where}[{index}]")
    return problems
