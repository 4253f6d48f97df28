"""Items to JSON-safe dicts and back, for the spool, the rejects file and replays."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, fields
from datetime import datetime
from typing import Any

from newsbot.items import Article, PopularRank

ITEM_TYPES: dict[str, type[Article] | type[PopularRank]] = {
    "Article": Article,
    "PopularRank": PopularRank,
}
_DATETIME_FIELDS = {"published_at", "updated_at", "crawled_at", "captured_at"}
# What makes a new revision: the article's content, not where or how it was reached (the
# URL differs between mirrors; the section of a 2023-layout page depends on the listing).
CONTENT_FIELDS = (
    "title",
    "subtitle",
    "kicker",
    "authors",
    "published_at",
    "updated_at",
    "body",
    "images",
)


# What json.dumps(ensure_ascii=False) leaves raw although it is unsafe: DEL and C1 controls
# (terminals act on them), lone surrogates (not encodable as UTF-8), the line and paragraph
# separators, and bidirectional overrides (they reorder what a person reads).
_UNSAFE_IN_JSON = re.compile("[\x7f-\x9f\ud800-\udfff\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def dumps(value: Any, **options: Any) -> str:
    r"""JSON that keeps non-ASCII text readable yet is always valid UTF-8 and safe to print.

    The characters json.dumps leaves raw can only occur inside JSON strings, so writing
    them as ``\uXXXX`` escapes keeps the JSON equivalent: loading it gives the same value.
    """
    text = json.dumps(value, ensure_ascii=False, **options)
    return _UNSAFE_IN_JSON.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def item_to_dict(item: Article | PopularRank) -> dict[str, Any]:
    """A JSON-safe dict: datetimes as ISO 8601 with their offset."""
    return {
        key: value.isoformat() if isinstance(value, datetime) else value
        for key, value in asdict(item).items()
    }


def item_from_dict(type_name: str, data: dict[str, Any]) -> Article | PopularRank:
    """Rebuild an item from :func:`item_to_dict` output; unknown keys are refused."""
    cls = ITEM_TYPES[type_name]
    names = {f.name for f in fields(cls)}
    unknown = set(data) - names
    if unknown:
        raise ValueError(f"unknown {type_name} fields: {', '.join(sorted(unknown))}")
    values: dict[str, Any] = {
        key: datetime.fromisoformat(value) if key in _DATETIME_FIELDS and value else value
        for key, value in data.items()
    }
    return cls(**values)


def content_hash(article: Article) -> str:
    """SHA-256 of an article's content fields, stable across runs and databases.

    Built from the attributes directly: ``dataclasses.asdict`` deep-copies every value,
    which made hashing a quarter of the store's time.
    """
    content: dict[str, Any] = {name: getattr(article, name) for name in CONTENT_FIELDS}
    for name in ("published_at", "updated_at"):  # the same instant in any offset
        value = content[name]
        content[name] = value.timestamp() if value else None
    encoded = json.dumps(content, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()
