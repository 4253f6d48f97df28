"""JSON-LD blocks: parse leniently, flatten, pick the article object.

JSON-LD is whatever the page says it is: a type may be a number or an object, nesting may be
thousands deep. None of that may crash a parser; the page's visible markup is the fallback.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

ARTICLE_TYPES = frozenset(
    {
        "Article",
        "NewsArticle",
        "ReportageNewsArticle",
        "AnalysisNewsArticle",
        "OpinionNewsArticle",
        "BackgroundNewsArticle",
        "ReviewNewsArticle",
        "AskPublicNewsArticle",
        "SatiricalArticle",
        "LiveBlogPosting",
        "BlogPosting",
        "SocialMediaPosting",
        "Report",
        "ScholarlyArticle",
        "TechArticle",
    }
)
# Properties whose object may be the article itself: a WebPage's ``mainEntity``, an
# article's ``mainEntityOfPage`` (usually just the page, sometimes a whole object).
_NESTED_ENTITIES = ("@graph", "mainEntity", "mainEntityOfPage")


def json_ld_objects(blocks: Iterable[str]) -> list[dict[str, Any]]:
    """Parse ``<script type="application/ld+json">`` texts into a flat list of objects."""
    found: list[dict[str, Any]] = []
    for block in blocks:
        try:
            data = json.loads(block)
        except (ValueError, RecursionError):  # the json module recurses on nesting
            continue  # a broken block must not hide the others
        found.extend(_flatten(data))
    return found


def article_object(objects: Iterable[dict[str, Any]]) -> dict[str, Any] | None:
    """The first object typed as a (news) article, or None."""
    for obj in objects:
        if type_names(obj.get("@type")) & ARTICLE_TYPES:
            return obj
    return None


def type_names(value: Any) -> set[str]:
    """The type names of an ``@type`` value: a string or a list; anything else names none.

    Full IRIs ("https://schema.org/NewsArticle") and prefixed names ("schema:NewsArticle")
    name the same type as the bare name.
    """
    if isinstance(value, str):
        values = [value]
    elif isinstance(value, list):
        values = [entry for entry in value if isinstance(entry, str)]
    else:
        return set()
    return {entry.rsplit("/", 1)[-1].rsplit(":", 1)[-1] for entry in values}


def author_names(author: Any) -> list[str]:
    """Names from a JSON-LD ``author`` value: a string, an object or a list of either."""
    names: list[str] = []
    pending = [author]  # a stack, not recursion: nesting depth is the page's choice
    while pending:
        value = pending.pop()
        if isinstance(value, str):
            names.append(value)
        elif isinstance(value, dict):
            name = value.get("name")
            if isinstance(name, str):
                names.append(name)
        elif isinstance(value, list):
            pending.extend(reversed(value))
    return names


def _flatten(data: Any) -> list[dict[str, Any]]:
    """Objects in document order: lists opened, ``@graph`` members and main entities after.

    A stack, not recursion: the page chooses the depth.
    """
    found: list[dict[str, Any]] = []
    pending = [data]
    while pending:
        value = pending.pop()
        if isinstance(value, list):
            pending.extend(reversed(value))
        elif isinstance(value, dict):
            found.append(value)
            pending.extend(reversed([value.get(key) for key in _NESTED_ENTITIES]))
    return found
