"""Saved pages: read them as the spider does, and record them as test fixtures for review.

``newsbot parse`` prints the article newsbot reads from a saved page; ``newsbot fixture``
saves a page with the values newsbot reads from it into ``tests/fixtures/<site>/<name>/``,
marked ``"reviewed": false`` until a person has checked those values against the page.
"""

from __future__ import annotations

import gzip
import json
import re
import urllib.error
import urllib.request
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from w3lib.encoding import html_to_unicode

from newsbot.items import Article
from newsbot.page import Page
from newsbot.sites import get_site, read_article, site_for_url
from newsbot.sites.base import Layout, ParseError, Site
from newsbot.sites.generic import GenericSite
from newsbot.storage.serialize import dumps, item_to_dict

# Without --url a saved page is ``file://localhost/<path>``: a host the generic site can be
# named after (``localhost``), so the page's URL is also its article id.
PLACEHOLDER_HOST = "localhost"
GENERIC = "generic"
KINDS = ("article", "list", "home")
# Some sites serve robots or a consent page to clients that do not look like a browser.
USER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
DOWNLOAD_TIMEOUT = 30.0  # seconds
MAX_PAGE_BYTES = 10 * 1024 * 1024
_NAME_PART = re.compile(r"[^a-z0-9]+")


class SavedPageError(Exception):
    """A saved page (or a manifest line) could not be read; ``reason`` is a short code."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


def failure_text(error: SavedPageError | ParseError) -> str:
    """``reason: message``, the one line a failed page is reported with."""
    return f"{error.reason}: {error}"


def read_page_bytes(path: Path) -> bytes:
    """The bytes of a saved page; ``.gz`` files are decompressed."""
    try:
        body = path.read_bytes()
    except FileNotFoundError:
        raise SavedPageError("no_such_file", str(path)) from None
    except OSError as error:
        raise SavedPageError("unreadable", f"cannot read {path}: {error.strerror}") from None
    if path.suffix != ".gz":
        return body
    try:
        return gzip.decompress(body)
    except (OSError, EOFError, zlib.error) as error:
        raise SavedPageError("bad_gzip", f"{path} is not a complete gzip file: {error}") from None


def decode_html(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """``(encoding, text)`` decoded as Scrapy and browsers do.

    A byte order mark, else the Content-Type header's charset, else the page's own
    ``<meta charset>`` or XML declaration, else UTF-8; undecodable bytes become U+FFFD.
    """
    return html_to_unicode(content_type, body)


def file_url(path: Path) -> str:
    """``file://localhost/<absolute path>`` for a saved page given without its URL."""
    return "file://" + PLACEHOLDER_HOST + path.resolve().as_uri().removeprefix("file://")


def resolve_site(url: str, site_name: str | None = None) -> Site:
    """The named site (``generic``: the generic site of ``url``'s host), else ``url``'s site."""
    if site_name is None:
        return site_for_url(url)
    if site_name == GENERIC:
        return GenericSite(url)
    try:
        return get_site(site_name)
    except KeyError as error:
        raise SavedPageError("unknown_site", f"{error.args[0]}, or {GENERIC}") from None


def load_saved_page(path: Path, url: str | None = None, crawled_at: datetime | None = None) -> Page:
    """The page saved at ``path``: its URL ``url``, else its file URL; crawled now by default."""
    _, html = decode_html(read_page_bytes(path))
    return Page.from_html(url or file_url(path), html, crawled_at or datetime.now(UTC))


def parse_article_page(
    page: Page, site: Site, section: str | None = None
) -> tuple[Article, Layout]:
    """The article the spider makes of ``page``: read by its layout, the crawl's section added.

    Raises :class:`~newsbot.sites.base.ParseError` when required fields are missing.
    """
    article, layout = read_article(page, site, section)
    article.section = article.section or section
    return article, layout


def parse_saved_file(
    path: Path,
    *,
    url: str | None = None,
    site_name: str | None = None,
    section: str | None = None,
    crawled_at: datetime | None = None,
) -> Article:
    """Read the article in a saved page; raise SavedPageError or ParseError with the reason."""
    page = load_saved_page(path, url, crawled_at)
    article, _ = parse_article_page(page, resolve_site(page.url, site_name), section)
    return article


def parse_manifest(
    manifest: Path,
    *,
    site_name: str | None = None,
    section: str | None = None,
    crawled_at: datetime | None = None,
) -> Iterator[dict[str, Any]]:
    """One result per manifest line: ``{"file", …Article fields…}`` or ``{"file", "error"}``.

    Lines are JSON objects ``{"file": PATH, "url": URL}``, optionally with ``"site"`` and
    ``"section"`` (else ``site_name`` and ``section``); relative paths are read from the
    manifest's directory. Error results also
    carry the manifest's ``line`` number. Raises OSError when the manifest cannot be read.
    """
    lines = manifest.read_text(encoding="utf-8", errors="replace").splitlines()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        name: Any = None
        try:
            entry = _manifest_entry(line)
            name = entry["file"]
            path = Path(name)
            article = parse_saved_file(
                path if path.is_absolute() else manifest.parent / path,
                url=entry["url"],
                site_name=entry.get("site", site_name),
                section=entry.get("section", section),
                crawled_at=crawled_at,
            )
        except (SavedPageError, ParseError) as error:
            yield {"file": name, "line": number, "error": failure_text(error)}
            continue
        yield {"file": name, **item_to_dict(article)}


def _manifest_entry(line: str) -> dict[str, Any]:
    try:
        entry = json.loads(line)
    except ValueError as error:
        raise SavedPageError("bad_line", f"not JSON: {error}") from None
    if not isinstance(entry, dict):
        raise SavedPageError("bad_line", "not a JSON object")
    for key in ("file", "url"):
        if not isinstance(entry.get(key), str) or not entry[key]:
            raise SavedPageError("bad_line", f"{key!r} missing or not a string")
    for key in ("site", "section"):
        if key in entry and not isinstance(entry[key], str):
            raise SavedPageError("bad_line", f"{key!r} is not a string")
    return entry


@dataclass(frozen=True)
class Download:
    """A fetched page: its final URL (after redirects), body and Content-Type header."""

    url: str
    body: bytes
    content_type: str | None


def download(
    url: str, *, timeout: float = DOWNLOAD_TIMEOUT, max_bytes: int = MAX_PAGE_BYTES
) -> Download:
    """GET ``url`` as a browser would ask for it; SavedPageError when that fails."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise SavedPageError("bad_url", f"not an http(s) URL: {url}")
    request = urllib.request.Request(  # noqa: S310 (scheme checked above)
        url, headers={"User-Agent": USER_AGENT, "Accept": "text/html,application/xhtml+xml"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (as above)
            body = response.read(max_bytes + 1)
            final_url, content_type = response.geturl(), response.headers.get("Content-Type")
    except urllib.error.HTTPError as error:
        raise SavedPageError("download_failed", f"{url}: HTTP {error.code}") from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise SavedPageError("download_failed", f"{url}: {reason}") from None
    if len(body) > max_bytes:
        raise SavedPageError("too_large", f"{url} is larger than {max_bytes} bytes")
    return Download(final_url, body, content_type)


def detect_kind(page: Page, site: Site) -> str:
    """``home`` for a site's root URL, else ``list`` when a list layout claims the page.

    Every other page is taken for an article: the generic reader reads any page as one.
    """
    parts = urlsplit(page.url)
    if parts.path in ("", "/") and not parts.query:
        return "home"
    if site.article_layout(page) is None and site.list_layout(page) is not None:
        return "list"
    return "article"


def expected_values(
    page: Page, site: Site, kind: str, section: str | None
) -> tuple[str | None, dict[str, Any]]:
    """The layout that reads ``page`` and what it reads, in tests/fixtures' expected.json form.

    Articles: ``{"article": {...}}`` or ``{"error": reason}``, and ``"popular"``; lists:
    ``"teasers"`` and ``"next_url"``; home pages: ``"sections"`` and ``"popular"``.
    """
    if kind == "list":
        list_layout = site.list_layout(page)
        if list_layout is None:
            raise SavedPageError("not_a_list", f"no list layout of {site.name} reads {page.url}")
        listing = list_layout.parse_list(page)
        teasers = [
            [t.url, t.article_id, t.published_on.isoformat() if t.published_on else None]
            for t in listing.teasers
        ]
        return list_layout.name, {"teasers": teasers, "next_url": listing.next_url}
    ranks = site.popular(page)
    popular = None if ranks is None else [[r.rank, r.title, r.article_id] for r in ranks]
    if kind == "home":
        sections = [[s.name, s.url] for s in site.sections(page)]
        return None, {"sections": sections, "popular": popular}
    layout = site.article_layout(page) or site.fallback_layout
    try:
        article, layout = parse_article_page(page, site, section)
    except ParseError as error:
        return layout.name, {"error": error.reason, "popular": popular}
    values = item_to_dict(article)
    if not values["provenance"]:  # only the generic reader says where fields came from
        del values["provenance"]
    return layout.name, {"article": values, "popular": popular}


def fixture_name(kind: str, layout: str | None, url: str) -> str:
    """``<kind>-<layout>-<URL's last path part and query>``: lowercase letters, digits, dashes."""
    parts = urlsplit(url)
    last = parts.path.rstrip("/").rsplit("/", 1)[-1]
    last = "-".join(part for part in (last, parts.query) if part) or "index"
    slug = _NAME_PART.sub("-", last.lower().removesuffix(".html")).strip("-")[:40].strip("-")
    return "-".join(part for part in (kind, layout or "unknown", slug or "page") if part)


def record_fixture(
    source: str,
    *,
    url: str | None = None,
    site_name: str | None = None,
    kind: str | None = None,
    section: str | None = None,
    name: str | None = None,
    directory: Path = Path("tests/fixtures"),
    force: bool = False,
    crawled_at: datetime | None = None,
) -> Path:
    """Save a page (an http(s) URL, or a file with its ``url``) as a fixture; its directory.

    Writes ``page.html`` (the bytes as served), ``meta.json`` and ``expected.json`` with
    ``"reviewed": false``. Refuses to replace an existing fixture unless ``force``.
    """
    recorded_at = datetime.now(UTC)
    content_type = None
    if urlsplit(source).scheme in ("http", "https"):
        if url is not None:
            raise SavedPageError("url_given", "a downloaded page's URL is where it came from")
        fetched = download(source)
        body, page_url, content_type = fetched.body, fetched.url, fetched.content_type
        source_name = source
    else:
        path = Path(source)
        body = read_page_bytes(path)
        if url is None or urlsplit(url).scheme not in ("http", "https"):
            raise SavedPageError("url_needed", "a fixture from a file needs the page's --url")
        page_url, source_name = url, str(path.resolve())
    encoding, html = decode_html(body, content_type)
    page = Page.from_html(page_url, html, crawled_at or recorded_at)
    site = resolve_site(page_url, site_name)
    kind = kind or detect_kind(page, site)
    if kind not in KINDS:
        raise SavedPageError("bad_kind", f"kind must be one of {', '.join(KINDS)}, not {kind}")
    layout, expected = expected_values(page, site, kind, section)
    target = directory / site.name / (name or fixture_name(kind, layout, page_url))
    if target.exists() and not force:
        raise SavedPageError("exists", f"{target} exists; give --force to replace it")
    meta: dict[str, Any] = {
        "kind": kind,
        "layout": layout,
        "url": page_url,
        "crawled_at": page.crawled_at.isoformat(),
        "section": section,
        "recorded": True,
        "source": source_name,
        "recorded_at": recorded_at.isoformat(),
        "encoding": encoding,
    }
    target.mkdir(parents=True, exist_ok=True)
    (target / "page.html").write_bytes(body)
    (target / "meta.json").write_text(dumps(meta, indent=2) + "\n", encoding="utf-8")
    reviewed = {**expected, "reviewed": False}
    (target / "expected.json").write_text(dumps(reviewed, indent=2) + "\n", encoding="utf-8")
    return target
