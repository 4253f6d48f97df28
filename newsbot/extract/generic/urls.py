"""The links an article gives: its canonical URL and its images.

The canonical URL is the page's ``rel="canonical"`` or ``og:url`` link when it names an
article on the page's own host. Images are JSON-LD ``image`` values (with their captions),
then ``og:image`` tags, made absolute, without duplicates.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from newsbot.extract.generic.sources import Sources, jsonld_text
from newsbot.items import Image
from newsbot.sanitize import is_damaged

if TYPE_CHECKING:
    from newsbot.page import Page
    from newsbot.sites.base import Site


def read_images(page: Page, sources: Sources) -> list[Image]:
    """The article's images: JSON-LD ones first (with captions), then ``og:image`` ones."""
    images: list[Image] = []
    seen: set[str] = set()

    def add(url: Any, caption: Any = None) -> None:
        if isinstance(url, str) and url.strip() and not is_damaged(url):
            absolute = page.absolute(url)
            if absolute.startswith(("http://", "https://")) and absolute not in seen:
                seen.add(absolute)
                images.append({"url": absolute, "caption": jsonld_text(caption)})

    for value in _as_list(sources.article.get("image")):
        if isinstance(value, dict):
            add(value.get("url") or value.get("contentUrl"), value.get("caption"))
        else:
            add(value)
    for url in sources.all_meta(("og:image", "og:image:url", "og:image:secure_url")):
        add(url)
    return images


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value] if value else []


def article_url(page: Page, sources: Sources, site: Site) -> str:
    """The canonical link when it names an article on the page's own host, else page.url.

    A mirror's pages keep their own URL although their canonical link names the original.
    """
    candidates = page.selector.root.xpath(
        "//link[contains(concat(' ', normalize-space(@rel), ' '), ' canonical ')]/@href"
    )
    candidates += sources.meta.get("og:url", [])
    host = urlsplit(page.url).hostname
    for candidate in candidates:
        absolute = urljoin(page.url, str(candidate).strip())
        if urlsplit(absolute).hostname != host:
            continue
        if site.article_id(absolute) is not None:
            return absolute
    return page.url
