"""JSON-LD blocks: parse leniently, flatten, pick the article object."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

ARTICLE_TYPES = frozenset({"NewsArticle", "Article", "ReportageNewsArticle", "AnalysisNewsArticle"})


def json_ld_objects(blocks: Iterable[str]) -> list[dict[str, Any]]:
    """Parse ``<script type="application/ld+json">`` texts into a flat list of objects."""
    found: list[dict[str, Any]] = []
    for block in blocks:
        try:
            data = json.loads(block)
        except ValueError:
            continue  # a broken block must not hide the others
        found.extend(_flatten(data))
    return found


def article_object(objects: Iterable[dict[str, Any]]) -> dict[str, Any] | None:
    """The first object typed as a (news) article, or None."""
    for obj in objects:
        types = obj.get("@type")
        names = {types} if isinstance(types, str) else set(types or ())
        if names & ARTICLE_TYPES:
            return obj
    return None


def author_names(author: Any) -> list[str]:
    """Names from a JSON-LD ``author`` value: a string, an object or a list of either."""
    if isinstance(author, str):
        return [author]
    if isinstance(author, dict):
        name = author.get("name")
        return [name] if isinstance(name, str) else []
    if isinstance(author, list):
        return [name for entry in author for name in author_names(entry)]
    return []


def _flatten(data: Any) -> Iterable[dict[str, Any]]:
    if isinstance(data, list):
        for entry in data:
            yield from _flatten(entry)
    elif isinstance(data, dict):
        yield data
        yield from _flatten(data.get("@graph", []))
