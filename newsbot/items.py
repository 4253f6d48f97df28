"""Items: one shape for parsers, pipelines, storage and feeds."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TypedDict


class Image(TypedDict):
    """A photo in an article: where it is and what its caption says."""

    url: str
    caption: str | None


@dataclass(kw_only=True)
class Article:
    """One news article as published.

    Datetimes are timezone-aware; feeds write them as ISO 8601 with their offset.
    """

    url: str | None = None
    article_id: str | None = None
    site: str | None = None
    layout: str | None = None
    section: str | None = None
    title: str | None = None
    subtitle: str | None = None
    kicker: str | None = None
    authors: list[str] = field(default_factory=list)
    published_at: datetime | None = None
    updated_at: datetime | None = None
    body: str | None = None
    images: list[Image] = field(default_factory=list)
    crawled_at: datetime | None = None
    # Where each field was read from when the generic extractor read the page, e.g.
    # {"title": "jsonld", "authors": "byline", "published_at": "meta"}; empty for the exact
    # per-layout parsers. Stored in its own column and left out of the content hash.
    provenance: dict[str, str] = field(default_factory=dict)


@dataclass(kw_only=True)
class PopularRank:
    """One entry of a ranking list ("Most Popular") as it stood when captured."""

    site: str | None = None
    list_name: str | None = None
    rank: int | None = None
    title: str | None = None
    url: str | None = None
    article_id: str | None = None
    captured_at: datetime | None = None
    source_url: str | None = None
