"""What a page states about itself: its JSON-LD article, meta tags and microdata, read once.

Every field is looked for in structured data before visible text, so the page's JSON-LD
article object (and its BreadcrumbList), its ``<meta>`` tags by lower-cased name and its
``itemprop`` elements are gathered here in one pass over the tree already parsed. The names
the site goes by (og:site_name, the publisher, the host) are gathered too: the headline and
the authors must not be mistaken for them.

extruct is not used for JSON-LD, microdata or Open Graph: the JSON-LD reader in
:mod:`newsbot.extract.jsonld` already survives hostile input (50,000-deep nesting, odd
``@type`` values), and the few microdata and meta properties needed are read in one pass over
the tree already parsed, where extruct would serialise and re-parse the page per syntax.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from newsbot.extract.jsonld import ARTICLE_TYPES, author_names, type_names
from newsbot.extract.text import clean_text, visible_text
from newsbot.sanitize import is_damaged

if TYPE_CHECKING:
    from newsbot.page import Page
    from newsbot.sites.base import Site


@dataclass
class Sources:
    """What a page states about itself, read once: structured data, meta and microdata."""

    article: dict[str, Any]
    breadcrumb: dict[str, Any] | None
    meta: dict[str, list[str]]
    microdata: dict[str, list[Any]]
    site_names: list[str] = field(default_factory=list)

    def first_meta(self, names: Iterable[str]) -> str | None:
        """The first non-empty value of the first of ``names`` the page has, cleaned."""
        for name in names:
            for value in self.meta.get(name, ()):
                cleaned = clean_text(value)
                if cleaned:
                    return cleaned
        return None

    def all_meta(self, names: Iterable[str]) -> list[str]:
        """Every value of ``names``, in their order of preference, as the page wrote them."""
        return [value for name in names for value in self.meta.get(name, ())]

    def microdata_values(self, prop: str) -> list[str]:
        """The non-empty values of the article's ``itemprop=prop`` elements, in page order."""
        values = (_microdata_value(element) for element in self.microdata.get(prop, ()))
        return [value for value in values if value]


def read_sources(page: Page, root: Any, site: Site) -> Sources:
    """Gather what ``page`` (parsed as ``root``) states about itself as an article of ``site``."""
    objects = page.json_ld
    article = next((obj for obj in objects if type_names(obj.get("@type")) & ARTICLE_TYPES), None)
    breadcrumb = next(
        (obj for obj in objects if "BreadcrumbList" in type_names(obj.get("@type"))), None
    )
    meta: dict[str, list[str]] = {}
    for element in root.iter("meta"):
        key = element.get("property") or element.get("name")
        content = element.get("content")
        if key and content:
            meta.setdefault(key.strip().lower(), []).append(content)
    microdata: dict[str, list[Any]] = {}
    for element in root.xpath("//*[@itemprop]"):
        if not _of_the_article(element):
            continue
        for prop in element.get("itemprop", "").split():
            microdata.setdefault(prop, []).append(element)
    sources = Sources(article or {}, breadcrumb, meta, microdata)
    publisher = (article or {}).get("publisher")
    names = [sources.first_meta(("og:site_name", "application-name", "twitter:site"))]
    names += author_names(publisher) if isinstance(publisher, dict | str) else []
    # The host names the site too: "entermedia.co.kr" is "Entermedia".
    names += [site.name, (urlsplit(page.url).hostname or "").removeprefix("www.")]
    sources.site_names = [name.lstrip("@") for name in names if name]
    return sources


_PAGE_TYPES = ARTICLE_TYPES | {"WebPage", "ItemPage"}


def _of_the_article(element: Any) -> bool:
    """Whether an itemprop belongs to the article or the page, not to a comment or a teaser.

    Its nearest enclosing item must be untyped or of an article or page type.
    """
    owner = next((e for e in element.iterancestors() if e.get("itemscope") is not None), None)
    if owner is None or not owner.get("itemtype"):
        return True
    return bool(type_names(owner.get("itemtype", "").split()) & _PAGE_TYPES)


def jsonld_text(value: Any) -> str | None:
    """A JSON-LD value as clean text; damaged strings (lone surrogates) count as absent."""
    if isinstance(value, list) and value:
        value = value[0]
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value")
    if isinstance(value, str) and not is_damaged(value):
        return clean_text(value)
    return None


def _microdata_value(element: Any) -> str | None:
    """An itemprop's value: its content or datetime attribute, an item's name, else its text."""
    for attribute in ("content", "datetime"):
        value = element.get(attribute)
        if value:
            return clean_text(value)
    if element.get("itemscope") is not None:
        names = element.xpath(".//*[@itemprop='name']")
        if names:
            return _microdata_value(names[0])
    return clean_text(visible_text(element))


def squash(text: str) -> str:
    """``text`` lower-cased without spaces, punctuation or a leading "the", to compare names.

    "The Korea Herald", "Korea Herald" and "koreaherald" name the same site.
    """
    return re.sub(r"[\W_]+", "", text.lower()).removeprefix("the")
