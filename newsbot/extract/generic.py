"""Generic article extraction: any article page, read without class or id names.

Structured data first (JSON-LD, microdata, meta tags, Dublin Core, ``<time datetime>``), then
visible text (a byline, dates printed near the headline), the body through trafilatura with
newsbot's own paragraph cleaning. One exception to that order: the headline a reader sees
(``<h1>``) wins over structured headlines, which are often a search-engine variant of it
(on hand-labelled real pages the visible one was right every time they differed); structured
data then chooses among several ``<h1>``. Every filled field says where it came from in
``Article.provenance``; the sources are:

=============== ==================================================================
``jsonld``      a JSON-LD article object (``@graph``, arrays and main entities opened)
``microdata``   ``itemprop`` attributes (headline, author, datePublished, …)
``meta``        ``og:``, ``article:``, ``twitter:`` and plain ``<meta name>`` tags
``dublincore``  ``dc.*`` / ``dcterms.*`` meta tags (any case)
``breadcrumb``  a BreadcrumbList (JSON-LD) or a ``nav`` labelled "breadcrumb"
``time``        a ``<time datetime>`` element
``h1``          the visible headline
``title``       the document's ``<title>``
``byline``      a visible "By …" line, ``rel="author"`` links, links to author pages,
                names printed alone under the headline, ``mailto:`` names
``text``        visible text near the headline (printed dates, a wire dateline "(AP)")
``trafilatura`` the body as trafilatura finds it (``jsonld``: only ``articleBody`` had it)
``htmldate``    htmldate's guess, the last resort for the publication date
``crawl``       the section the crawl reached the page from
=============== ==================================================================

A date read from a source that gives only the day is midnight in the site's zone and its
provenance ends in ``/date_only`` (``"meta/date_only"``).

The generic path reads tags, structured data, ``itemprop``/``rel``/ARIA attributes, link
targets and visible text only, never class or id names: nobody here wrote the markup.
trafilatura, which finds the body, weighs class and id names with its own site-independent
patterns; see :func:`_tree_for_body` for why it still sees them.

extruct is not used for JSON-LD, microdata or Open Graph: the JSON-LD reader in
:mod:`newsbot.extract.jsonld` already survives hostile input (50,000-deep nesting, odd
``@type`` values), and the few microdata and meta properties needed are read in one pass over
the tree already parsed, where extruct would serialise and re-parse the page per syntax.
"""

from __future__ import annotations

import copy
import difflib
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit
from zoneinfo import ZoneInfo

import trafilatura
from htmldate import find_date
from lxml import etree

from newsbot.extract.bylines import authors_from_byline
from newsbot.extract.dates import FoundDate, parse_date
from newsbot.extract.jsonld import ARTICLE_TYPES, author_names, type_names
from newsbot.extract.text import HIDDEN_TAGS, clean_text, visible_text
from newsbot.items import Article, Image
from newsbot.loaders import ArticleLoader
from newsbot.sanitize import is_damaged
from newsbot.sites.base import require_article_fields

if TYPE_CHECKING:
    from newsbot.page import Page
    from newsbot.sites.base import Site

logger = logging.getLogger(__name__)
_UTC = ZoneInfo("UTC")

# Meta tag names (lower case) in order of preference, per field.
_META_TITLE = ("og:title", "twitter:title")
_META_AUTHORS = ("author", "article:author", "byl", "sailthru.author", "parsely-author")
_META_PUBLISHED = (
    "article:published_time",
    "og:article:published_time",
    "article:published",
    "published_time",
    "datepublished",
    "publishdate",
    "publish-date",
    "pubdate",
    "parsely-pub-date",
    "sailthru.date",
    "date",
)
_META_UPDATED = (
    "article:modified_time",
    "og:article:modified_time",
    "og:updated_time",
    "article:updated_time",
    "datemodified",
    "lastmod",
    "last-modified",
)
_META_SECTION = ("article:section", "og:article:section", "parsely-section")
_DC_TITLE = ("dc.title", "dcterms.title")
_DC_AUTHORS = ("dc.creator", "dcterms.creator", "dc.contributor")
_DC_PUBLISHED = (
    "dcterms.created",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date.created",
    "dcterms.date",
    "dc.date",
)
_DC_UPDATED = ("dcterms.modified", "dc.date.modified")

# Title separators before a site name: "Headline - Site", "Headline | Site".
_TITLE_SEPARATORS = re.compile(r"\s+(?:[-|–—:·•»]|::)\s+")
_BY = r"(?:written\s+by|words\s+by|reported\s+by|by|von|par|por|door)"
_BYLINE_START = re.compile(rf"^\s*{_BY}[:\s]\s*(?=\S)", re.I)
_BYLINE_ALONE = re.compile(rf"^\s*{_BY}\s*:?\s*$", re.I)
# A label before names in an author value: "Analysis by Chris Cillizza", "Текст: Венера".
_LABEL = re.compile(r"^(?:[^\W\d_]+\s+by\s+|[^\W\d_]{2,15}:\s*)", re.I)
# Links to an author's page: "/author/jane-doe", "/authors/carrie-arnold/", "/autor/…".
_AUTHOR_PAGE = re.compile(r"/(?:authors?|autore?n?|auteur|byline|journalists?)/[^/?#]", re.I)
# A mailto: link to someone ("mailto:jane@example.com"), not a share link ("mailto:?subject=").
_MAILTO_PERSON = re.compile(r"^mailto:[^?@\s]+@[^?@\s]+", re.I)
# Where a byline stops: a date, a "Published"/"Updated" label, a bar or a new sentence.
_BYLINE_END = re.compile(
    r"\s*(?:\||•|·|\bpublished\b|\bupdated\b|\bposted\b|\bon\s+(?=[A-Z][a-z]+\.?\s+\d)"
    r"|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2},"
    r"|\b\d{4}[-./]\d{1,2}[-./]\d{1,2}|\b\d{1,2}:\d{2}).*$",
    re.I | re.S,
)
# Job titles after a name: "Jane Doe, Staff Writer", "Staff Reporter Kim".
_JOB_TITLE = re.compile(
    r"\b(?:(?:staff|senior|chief|special|contributing|political|news|opinion)\s+)*"
    r"(?:writer|reporter|correspondent|editor|columnist|contributor)s?"
    r"(?:-at-large|-in-chief)?\b",
    re.I,
)
_URLISH = re.compile(r"https?://|www\.|\.com\b|/", re.I)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
# A wire dateline at the start of a story: "SEOUL (AP) —", "(Reuters) -".
_WIRE_DATELINE = re.compile(
    r"^[^()\n]{0,60}\((AP|Reuters|AFP|Yonhap|UPI|Xinhua|Kyodo|dpa|Bloomberg)\)\s*[-—–:]"
)
# How many visible text nodes after the headline a byline or printed date may be.
_NEAR_HEADLINE = 40
_MAX_NAME_WORDS = 6
_UPDATED_LABEL = re.compile(r"\b(?:updated|modified|last\s+updated|edited)\b", re.I)
_BREADCRUMB_LABEL = re.compile(r"breadcrumb", re.I)


@dataclass(frozen=True)
class _Near:
    """The headline and the visible texts just before and after it.

    Bylines and printed dates are found there.
    """

    heading: Any
    before: list[tuple[str, Any]]
    after: list[tuple[str, Any]]


@dataclass
class _Sources:
    """What a page states about itself, read once: structured data, meta and microdata."""

    article: dict[str, Any]
    breadcrumb: dict[str, Any] | None
    meta: dict[str, list[str]]
    microdata: dict[str, list[Any]]
    site_names: list[str] = field(default_factory=list)

    def first_meta(self, names: Iterable[str]) -> str | None:
        for name in names:
            for value in self.meta.get(name, ()):
                cleaned = clean_text(value)
                if cleaned:
                    return cleaned
        return None

    def all_meta(self, names: Iterable[str]) -> list[str]:
        return [value for name in names for value in self.meta.get(name, ())]


def extract_article(page: Page, *, site: Site, section: str | None = None) -> Article:
    """Read ``page`` as an article of ``site``; raise ParseError when required fields lack.

    ``url`` is the page's canonical link when it points to the site, else the page's URL;
    ``article_id`` is ``site.article_id(url)``; undated zones take ``site.timezone``.
    """
    root = page.selector.root
    sources = _read_sources(page, root, site)
    provenance: dict[str, str] = {}
    headings = _headings(root)
    url = _article_url(page, sources, site)

    loader = ArticleLoader()
    loader.add_value("url", url)
    loader.add_value("article_id", site.article_id(url))
    loader.add_value("site", site.name)
    loader.add_value("layout", "generic")
    loader.add_value("crawled_at", page.crawled_at)

    title, heading = _title(root, sources, headings, provenance)
    loader.add_value("title", title)
    paragraphs = _body(root, page.url, sources, title, provenance)
    loader.add_value("body", paragraphs)
    first_paragraph = paragraphs[0] if paragraphs else None
    near = _Near(heading, list(_texts_before(heading)), list(_texts_after(root, heading)))
    loader.add_value("authors", _authors(root, sources, near, first_paragraph, provenance))
    published, updated = _dates(root, sources, near, site.timezone, provenance)
    if published is None:
        published = _htmldate(root, page.url, site.timezone, provenance)
    loader.add_value("published_at", published)
    loader.add_value("updated_at", updated)
    found_section = _section(root, sources, title, provenance)
    if found_section is None and clean_text(section):
        found_section, provenance["section"] = section, "crawl"
    loader.add_value("section", found_section)
    loader.add_value("images", _images(page, sources))
    article: Article = loader.load_item()
    article.provenance = {
        name: source for name, source in provenance.items() if getattr(article, name)
    }
    return require_article_fields(article, page)


# --- sources ----------------------------------------------------------------------------


def _read_sources(page: Page, root: Any, site: Site) -> _Sources:
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
    sources = _Sources(article or {}, breadcrumb, meta, microdata)
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


def _string(value: Any) -> str | None:
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


def _microdata(sources: _Sources, prop: str) -> list[str]:
    values = (_microdata_value(element) for element in sources.microdata.get(prop, ()))
    return [value for value in values if value]


# --- title -------------------------------------------------------------------------------


_NOT_HEADLINE_PLACES = frozenset({"a", "nav", "footer", "aside"})
_NOT_HEADLINE_ROLES = frozenset({"navigation", "banner", "contentinfo", "complementary"})


def _headings(root: Any) -> list[tuple[Any, str]]:
    """Visible ``<h1>`` elements that may be the headline, with their text, in order.

    An ``<h1>`` inside a link, navigation, footer or sidebar is a logo or a teaser.
    """
    found = []
    for element in root.iter("h1"):
        ancestors = list(element.iterancestors())
        if any(
            ancestor.tag in HIDDEN_TAGS
            or ancestor.tag in _NOT_HEADLINE_PLACES
            or ancestor.get("role") in _NOT_HEADLINE_ROLES
            for ancestor in ancestors
        ):
            continue
        text = clean_text(visible_text(element))
        if text:
            found.append((element, text))
    return found


def _title(
    root: Any, sources: _Sources, headings: list[tuple[Any, str]], provenance: dict[str, str]
) -> tuple[str | None, Any]:
    """The headline and the ``<h1>`` element that shows it (None when there is none).

    The headline a reader sees wins: structured headlines are often a search-engine variant
    of it. Structured data chooses among several ``<h1>`` and stands in where no ``<h1>``
    reads as a headline (a site name, a one-word section label).
    """
    candidates: list[tuple[str | None, str]] = [
        (_string(sources.article.get("headline")), "jsonld"),
        (_string(sources.article.get("name")), "jsonld"),
        (next(iter(_microdata(sources, "headline")), None), "microdata"),
        (sources.first_meta(_META_TITLE), "meta"),
        (sources.first_meta(_DC_TITLE), "dublincore"),
    ]
    structured = next(((text, source) for text, source in candidates if text), None)
    document_title = clean_text(" ".join(root.xpath("//head/title//text()")))
    reference = structured[0] if structured else document_title
    site_names = {_squash(name) for name in sources.site_names}
    plausible = [
        heading
        for heading in headings
        if not _is_site_name(heading[1], site_names) and len(heading[1]) <= _MAX_TITLE_CHARS
    ]
    heading = _best_heading(plausible, reference)
    if heading is not None and _reads_as_headline(heading[1], reference):
        provenance["title"] = "h1"
        return heading[1], heading[0]
    title: str | None = None
    stated = [*candidates, (document_title, "title")]
    for text, source in stated:
        if not text:
            continue
        stripped = _strip_site_name(text, sources.site_names, heading[1] if heading else None)
        if not _is_site_name(stripped, site_names):  # a page titled after the site alone
            title, provenance["title"] = stripped, source
            break
    if heading is not None:
        return title, heading[0]
    return title, _lower_heading(root, title)


def _lower_heading(root: Any, title: str | None) -> Any:
    """The ``<h2>``/``<h3>`` that shows the headline on pages without an ``<h1>`` for it.

    Bylines and dates are looked for around it.
    """
    if not title:
        return None
    for element in root.xpath("//body//h2 | //body//h3"):
        text = clean_text(visible_text(element))
        if text and _similarity(text, title) >= _SAME_HEADLINE:
            return element
    return None


_MAX_TITLE_CHARS = 400
_HEADLINE_WORDS = 3
_SIMILAR = 0.5
_SAME_HEADLINE = 0.8


def _reads_as_headline(text: str, reference: str | None) -> bool:
    """A heading of a few words is a headline only when the page's own title agrees."""
    if reference is None or len(text.split()) >= _HEADLINE_WORDS:
        return True
    return _similarity(text, reference) >= _SIMILAR or text.lower() in reference.lower()


def _similarity(text: str, other: str) -> float:
    return difflib.SequenceMatcher(None, text.lower(), other.lower()).ratio()


def _best_heading(headings: list[tuple[Any, str]], reference: str | None) -> Any:
    """The ``<h1>`` closest to the page's stated title; the first when there is none."""
    if not headings:
        return None
    if reference is None or len(headings) == 1:
        return headings[0]
    return max(headings, key=lambda heading: _similarity(heading[1], reference))


def _strip_site_name(title: str, site_names: list[str], heading: str | None) -> str:
    """Drop a " - Site" or "Site | " part from a headline.

    The visible headline decides when it is a part of the title; otherwise a part that
    names the site (og:site_name, the publisher) is dropped.
    """
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    if heading is not None and heading != title and heading in title:
        return heading
    names = {_squash(name) for name in site_names if _squash(name)}
    if not names:
        return title
    while len(parts) > 1 and _names_site(parts[-1], names):
        parts.pop()
    while len(parts) > 1 and _names_site(parts[0], names):
        parts.pop(0)
    # The parts left, with the separators between them as the title wrote them.
    return title[title.find(parts[0]) : title.rfind(parts[-1]) + len(parts[-1])]


def _squash(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.lower()).removeprefix("the")


def _is_site_name(text: str, names: set[str]) -> bool:
    """Whether ``text`` is the site's name or a part of it (a logo's words)."""
    squashed = _squash(text)
    return bool(squashed) and any(squashed == name or squashed in name for name in names)


def _is_publisher(name: str, names: set[str]) -> bool:
    """Whether an author value names the site itself ("The Korea Herald", "gto")."""
    squashed = _squash(name)
    return any(
        squashed == site or (len(squashed) >= _SHORTEST_BRAND and site.startswith(squashed))
        for site in names
    )


_SHORTEST_BRAND = 3
_SHORTEST_SITE_NAME = 4  # shorter names ("ap") occur inside too many words


def _names_site(part: str, names: set[str]) -> bool:
    squashed = _squash(part)
    return bool(squashed) and any(
        squashed == name
        or (len(squashed) >= _SHORTEST_SITE_NAME and squashed in name)
        or (len(name) >= _SHORTEST_SITE_NAME and name in squashed)
        for name in names
        if name
    )


# --- authors -----------------------------------------------------------------------------


def _authors(
    root: Any,
    sources: _Sources,
    near: _Near,
    first_paragraph: str | None,
    provenance: dict[str, str],
) -> list[str]:
    structured: list[tuple[list[str], str]] = [
        (author_names(sources.article.get("author")), "jsonld"),
        (_microdata(sources, "author"), "microdata"),
        (sources.all_meta(_META_AUTHORS), "meta"),
        (sources.all_meta(_DC_AUTHORS), "dublincore"),
    ]
    publisher = {_squash(name) for name in sources.site_names}
    visible = _visible_byline(root, near)
    for values, source in structured:
        # A publisher named as the author ("The Korea Herald") is no person: look further.
        names = [name for name in _names(values) if not _is_publisher(name, publisher)]
        if names:
            if _adds_names(visible, names):  # structured data that forgot a co-author
                provenance["authors"] = "byline"
                return visible
            provenance["authors"] = source
            return names
    if visible:
        provenance["authors"] = "byline"
        return visible
    dateline = _WIRE_DATELINE.match(first_paragraph or "")
    if dateline:
        provenance["authors"] = "text"
        return [dateline.group(1)]
    return []


def _adds_names(visible: list[str], structured: list[str]) -> bool:
    """Whether the visible byline names everyone the structured data names, and more."""
    seen = {name.lower() for name in visible}
    return len(visible) > len(structured) and all(name.lower() in seen for name in structured)


def _names(values: Iterable[str]) -> list[str]:
    """People's names from bylines or author values, in order, without duplicates."""
    names: list[str] = []
    for value in values:
        if not isinstance(value, str) or is_damaged(value):
            continue
        text = clean_text(_EMAIL.sub(" ", value)) or ""
        text = _LABEL.sub("", _BYLINE_START.sub("", text))
        text = _BYLINE_END.sub("", text)
        text = re.sub(r"\(\s*\)", " ", text)
        for part in authors_from_byline(text):
            name = _without_job_title(part)
            if name is None or _URLISH.search(name) or not re.search(r"[^\W\d_]", name):
                continue
            if len(name.split()) > _MAX_NAME_WORDS:
                continue
            if name not in names:
                names.append(name)
    return names


def _without_job_title(part: str) -> str | None:
    """A name without its job title; None when only a title is left ("CNN Editor-at-large").

    A title before the name is dropped ("Staff Reporter Kim" → "Kim").
    """
    match = _JOB_TITLE.search(part)
    if match is None:
        return clean_text(part.strip(" ,;:-–—"))
    if match.start() == 0:
        return clean_text(part[match.end() :].strip(" ,;:-–—"))
    return None


def _visible_byline(root: Any, near: _Near) -> list[str]:
    """Author names the reader sees near the headline.

    ``rel="author"`` links; a "By …" line (the names may follow "By" in their own element);
    links to author pages; ``mailto:`` links that show a name.
    """
    linked = _names(
        visible_text(link)
        for link in root.xpath(
            "//body//a[contains(concat(' ', normalize-space(@rel), ' '), ' author ')]"
        )
    )
    if linked:
        return linked
    # Bylines sit just above the headline on some pages, below it on most.
    texts = near.before + near.after
    for position, (text, container) in enumerate(texts):
        # "…pardoned by Donald Trump" continues a sentence; "Posted on May 3 by Admin" is a
        # short line of its own.
        if not text[:1].isupper() and not _is_short_line(container):
            continue
        if _BYLINE_ALONE.match(text):  # "By" alone: the names follow in their own elements
            text = " ".join(_name_parts(texts[position + 1 : position + 6]))
        elif not _BYLINE_START.match(text):
            continue
        names = [name for name in _names([text]) if _looks_like_name(name)]
        if names:
            return names
    names = _bare_names(near)
    if names:
        return names
    author_links = [
        text for text, container in texts if _AUTHOR_PAGE.search(_link_target(container))
    ]
    names = [name for name in _names(author_links) if _looks_like_name(name)]
    if names:
        return names
    mailed = [text for text, container in texts if _MAILTO_PERSON.match(_link_target(container))]
    names = [name for name in _names(mailed) if _looks_like_name(name)]
    return names[:1]


_SHORT_LINE_WORDS = 15


def _is_short_line(container: Any) -> bool:
    return len(visible_text(container).split()) <= _SHORT_LINE_WORDS


def _bare_names(near: _Near) -> list[str]:
    """Names printed alone right under the headline: "Kevin Johnson and Kevin McCoy".

    Only several full names (two words or more each) count: a single name or a phrase
    could as well be a subtitle.
    """
    if near.heading is None or not near.after:
        return []
    text = near.after[0][0]
    if not re.search(r",|\band\b|&", text) or not _is_short_line(near.after[0][1]):
        return []
    names = _names([text])
    if len(names) >= 2 and all(
        _looks_like_name(name) and 2 <= len(name.split()) <= 4 for name in names
    ):
        return names
    return []


_CONNECTOR = re.compile(r"^(?:,|and|&|und|et|y|e)$", re.I)


def _name_parts(texts: list[tuple[str, Any]]) -> list[str]:
    """The texts after a lone "By": names and the "and"/commas between them, no more."""
    parts: list[str] = []
    for text, _ in texts:
        if _CONNECTOR.match(text):
            parts.append(text)
        elif _looks_like_name(text) and len(text.split()) <= _MAX_NAME_WORDS:
            if parts and not _CONNECTOR.match(parts[-1]):
                break  # two names in a row without "and": the second is something else
            parts.append(text)
        else:
            break
    return parts


def _link_target(element: Any) -> str:
    """The ``href`` of the link that holds ``element``, or an empty string."""
    for candidate in (element, *element.iterancestors()):
        if candidate.tag == "a":
            return str(candidate.get("href", ""))
    return ""


_BEFORE_HEADLINE = 8


def _texts_before(heading: Any) -> list[tuple[str, Any]]:
    """The few visible text nodes just before the headline, in document order."""
    if heading is None:
        return []
    found: list[tuple[str, Any]] = []
    for text in heading.xpath("preceding::text()[normalize-space()][position() <= 20]"):
        container = _visible_container(text)
        cleaned = clean_text(str(text))
        if container is not None and cleaned:
            found.append((cleaned, container))
    return found[-_BEFORE_HEADLINE:]


def _visible_container(text: Any) -> Any:
    """The element holding a text node, or None when the text is hidden."""
    container = text.getparent()
    if container is not None and text.is_tail:
        container = container.getparent()
    if container is None or not isinstance(container.tag, str):
        return None
    if container.tag in HIDDEN_TAGS or any(
        ancestor.tag in HIDDEN_TAGS for ancestor in container.iterancestors()
    ):
        return None
    return container


def _texts_after(
    root: Any, heading: Any, window: int = _NEAR_HEADLINE
) -> Iterator[tuple[str, Any]]:
    """Visible text nodes after the headline, each with the element that holds it.

    Without a headline, the text from the top of the body. The tree is walked lazily from
    the headline on: an XPath ``following::`` would list the page's every text first.
    """
    if heading is not None:
        texts = _following_texts(heading)
    else:
        body = next(iter(root.iter("body")), None)
        if body is None:
            return
        texts = _subtree_texts(body, with_tail=False)
    count = 0
    for text, container in texts:
        cleaned = clean_text(text)
        if not cleaned:
            continue
        yield cleaned, container
        count += 1
        if count >= window:
            return


def _following_texts(element: Any) -> Iterator[tuple[str, Any]]:
    """Texts after ``element`` (not inside it) in document order, hidden ones left out."""
    node = element
    while node is not None:
        parent = node.getparent()
        if node.tail and parent is not None:
            yield node.tail, parent
        for sibling in node.itersiblings():
            yield from _subtree_texts(sibling, with_tail=True)
        node = parent


def _subtree_texts(element: Any, *, with_tail: bool) -> Iterator[tuple[str, Any]]:
    # Recursion is bounded: the HTML parser caps nesting depth (libxml2's 256 levels).
    if isinstance(element.tag, str) and element.tag not in HIDDEN_TAGS:
        if element.text:
            yield element.text, element
        for child in element:
            yield from _subtree_texts(child, with_tail=True)
    if with_tail and element.tail and element.getparent() is not None:
        yield element.tail, element.getparent()


# --- dates -------------------------------------------------------------------------------


def _dates(
    root: Any, sources: _Sources, near: _Near, tz: ZoneInfo, provenance: dict[str, str]
) -> tuple[datetime | None, datetime | None]:
    published_candidates: list[tuple[Iterable[str | None], str]] = [
        ([_string(sources.article.get("datePublished"))], "jsonld"),
        ([_string(sources.article.get("dateCreated"))], "jsonld"),
        (_microdata(sources, "datePublished"), "microdata"),
        (sources.all_meta(_META_PUBLISHED), "meta"),
        (sources.all_meta(_DC_PUBLISHED), "dublincore"),
    ]
    updated_candidates: list[tuple[Iterable[str | None], str]] = [
        ([_string(sources.article.get("dateModified"))], "jsonld"),
        (_microdata(sources, "dateModified"), "microdata"),
        (sources.all_meta(_META_UPDATED), "meta"),
        (sources.all_meta(_DC_UPDATED), "dublincore"),
    ]
    published = _first_date(published_candidates, tz, "published_at", provenance)
    updated = _first_date(updated_candidates, tz, "updated_at", provenance)
    if published is None:
        published = _time_element(root, tz, provenance)
    if published is None or updated is None:
        printed_published, printed_updated = _printed_dates(near.after, tz)
        if published is None and printed_published is not None:
            published = _note(printed_published, "text", "published_at", provenance)
        if updated is None and printed_updated is not None:
            updated = _note(printed_updated, "text", "updated_at", provenance)
    return published, updated


_EARLIEST_YEAR = 1990  # "0001-01-01" and the like stand for "no date"


def _page_date(text: str | None, tz: ZoneInfo) -> FoundDate | None:
    """A date read from the page, unless it is a placeholder such as year 1."""
    found = parse_date(text, tz)
    return found if found is not None and found.moment.year >= _EARLIEST_YEAR else None


def _note(found: FoundDate, source: str, name: str, provenance: dict[str, str]) -> datetime:
    provenance[name] = f"{source}/date_only" if found.date_only else source
    return found.moment


def _first_date(
    candidates: list[tuple[Iterable[str | None], str]],
    tz: ZoneInfo,
    name: str,
    provenance: dict[str, str],
) -> datetime | None:
    for values, source in candidates:
        for value in values:
            found = _page_date(value, tz)
            if found is not None:
                return _note(found, source, name, provenance)
    return None


def _time_element(root: Any, tz: ZoneInfo, provenance: dict[str, str]) -> datetime | None:
    for element in root.xpath("//body//time[@datetime]"):
        found = _page_date(element.get("datetime"), tz)
        if found is not None:
            return _note(found, "time", "published_at", provenance)
    return None


def _printed_dates(
    texts: list[tuple[str, Any]], tz: ZoneInfo
) -> tuple[FoundDate | None, FoundDate | None]:
    """Dates printed near the headline: the first is the publication date.

    A date labelled "Updated" (in its own text or the text before it) is the revision's.
    """
    published: FoundDate | None = None
    updated: FoundDate | None = None
    previous = ""
    for text, _ in texts:
        found = _page_date(text, tz)
        if found is not None:
            is_update = bool(_UPDATED_LABEL.search(text) or _UPDATED_LABEL.search(previous))
            if is_update and updated is None:
                updated = found
            elif published is None and not is_update:
                published = found
            if published is not None and updated is not None:
                break
        previous = text
    return published, updated


def _htmldate(root: Any, url: str, tz: ZoneInfo, provenance: dict[str, str]) -> datetime | None:
    """The original date as htmldate guesses it: the last resort for undated pages."""
    try:
        # Only the page's own markup and URL: extensive search guesses from any date in the
        # text, which the visible-date reading above already did with more care.
        guessed = find_date(
            copy.deepcopy(root), url=url, original_date=True, extensive_search=False
        )
    except (ValueError, TypeError) as error:
        logger.debug("htmldate failed: %s", error)
        return None
    found = _page_date(guessed, tz)
    return _note(found, "htmldate", "published_at", provenance) if found else None


# --- body, section, images, url -----------------------------------------------------------


def _body(
    root: Any, url: str, sources: _Sources, title: str | None, provenance: dict[str, str]
) -> list[str]:
    """The article's paragraphs: trafilatura's text, each paragraph cleaned, empty ones dropped.

    Lines trafilatura keeps although a reader sees them as page furniture (the headline, a
    "By …" line, a "Published: …" line) are dropped too. A JSON-LD ``articleBody`` much
    fuller than that is preferred (and stands in when trafilatura finds nothing).
    """
    try:
        result = trafilatura.bare_extraction(
            _tree_for_body(root),
            url=url,
            with_metadata=False,
            include_comments=False,
            favor_precision=True,
        )
    except (ValueError, TypeError, etree.LxmlError) as error:
        logger.warning("trafilatura could not read %s: %s", url, error)
        result = None
    text = getattr(result, "text", None) if result is not None else None
    paragraphs = [p for p in _paragraphs(text) if not _is_furniture(p)]
    if paragraphs and title and paragraphs[0] == title:  # the headline is not the story
        paragraphs = paragraphs[1:]
    stated = sources.article.get("articleBody")
    stated_paragraphs = (
        _paragraphs(stated) if isinstance(stated, str) and not is_damaged(stated) else []
    )
    if _words(stated_paragraphs) > _FULLER_BODY * _words(paragraphs):
        # The page states a body well beyond what trafilatura kept of the markup: a story
        # whose paragraphs are split by inline furniture, or built by script.
        provenance["body"] = "jsonld"
        return stated_paragraphs
    if paragraphs:
        provenance["body"] = "trafilatura"
    return paragraphs


_FULLER_BODY = 1.5  # teasers in articleBody are shorter; only a much fuller one is preferred


def _words(paragraphs: list[str]) -> int:
    return sum(len(paragraph.split()) for paragraph in paragraphs)


# What ARIA says is not the story: landmarks around it, and regions labelled as furniture.
_FURNITURE_ROLES = frozenset({"complementary", "navigation", "contentinfo", "banner", "search"})
_FURNITURE_LABEL = re.compile(
    r"advert|sponsor|shar(?:e|ing)|related|newsletter|promo|comment", re.I
)


def _tree_for_body(root: Any) -> Any:
    """A copy of the page for trafilatura, without hidden elements and ARIA-marked furniture.

    trafilatura prunes the tree it is given: a copy costs far less than parsing the HTML
    again, and the page stays intact. trafilatura's own heuristics also weigh class and id
    names (site-independent patterns such as "comment" or "related"); on the 181-page
    benchmark they are worth 0.011 of body F1 (0.965 with them, 0.954 without), so the copy
    keeps them, while newsbot's own rules read ARIA, not class names.
    """
    tree = copy.deepcopy(root)
    furniture = [
        element
        for element in tree.iter()
        if isinstance(element.tag, str)
        and (
            element.tag in HIDDEN_TAGS  # trafilatura keeps a <template>'s text
            or element.get("role") in _FURNITURE_ROLES
            or _FURNITURE_LABEL.search(element.get("aria-label") or "")
        )
    ]
    for element in furniture:
        if element.getparent() is not None:  # not inside an element already dropped
            element.drop_tree()
    return tree


def _paragraphs(text: str | None) -> list[str]:
    cleaned = (clean_text(line) for line in (text or "").split("\n"))
    return [line for line in cleaned if line]


_DATE_LABEL = re.compile(r"^(?:published|updated|posted|last\s+updated|modified)\b", re.I)
_FURNITURE_WORDS = 15
_DATE_LINE_WORDS = 8  # "March 5, 2026 14:30", "Nov. 30, 2026, 10:30 a.m. EST"


def _is_furniture(paragraph: str) -> bool:
    """A short byline or date line, not a sentence of the story ("By the way, …" is kept)."""
    if len(paragraph.split()) > _FURNITURE_WORDS:
        return False
    is_date_line = _DATE_LABEL.match(paragraph) or len(paragraph.split()) <= _DATE_LINE_WORDS
    if is_date_line and parse_date(paragraph, _UTC) is not None:
        return True
    if _BYLINE_START.match(paragraph):
        names = _names([paragraph])
        return bool(names) and all(_looks_like_name(name) for name in names)
    return False


_NAME_PARTICLES = frozenset({"de", "da", "di", "van", "von", "der", "den", "bin", "al", "la", "le"})


def _looks_like_name(name: str) -> bool:
    """No word starts in lower case, as in names ("Kim So-hyun", "정덕현"); "the end" does."""
    return all(
        not word[:1].islower() or word in _NAME_PARTICLES for word in name.split()
    ) and not name.endswith(".")


def _section(
    root: Any, sources: _Sources, title: str | None, provenance: dict[str, str]
) -> str | None:
    section = _string(sources.article.get("articleSection"))
    if section:
        provenance["section"] = "jsonld"
        return section
    section = sources.first_meta(_META_SECTION)
    if section:
        provenance["section"] = "meta"
        return section
    section = _breadcrumb_section(root, sources, title)
    if section:
        provenance["section"] = "breadcrumb"
    return section


def _breadcrumb_section(root: Any, sources: _Sources, title: str | None) -> str | None:
    """The last crumb before the article itself."""
    crumbs: list[str] = []
    if sources.breadcrumb is not None:
        elements = sources.breadcrumb.get("itemListElement")
        entries = (
            [entry for entry in elements if isinstance(entry, dict)]
            if isinstance(elements, list)
            else []
        )
        entries.sort(key=lambda entry: _position(entry.get("position")))
        for entry in entries:
            name = _string(entry.get("name")) or _string(entry.get("item"))
            if name:
                crumbs.append(name)
    if not crumbs:
        for nav in root.xpath("//body//*[@aria-label]"):
            if _BREADCRUMB_LABEL.search(nav.get("aria-label", "")):
                links = (clean_text(visible_text(link)) for link in nav.iter("a"))
                crumbs = [link for link in links if link]
                if crumbs:
                    break
    if crumbs and title and _squash(crumbs[-1]) == _squash(title):
        crumbs.pop()
    return crumbs[-1] if len(crumbs) > 1 or (crumbs and not _is_home(crumbs[0])) else None


def _position(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _is_home(name: str) -> bool:
    return name.lower() in {"home", "homepage", "start", "front page"}


def _images(page: Page, sources: _Sources) -> list[Image]:
    images: list[Image] = []
    seen: set[str] = set()

    def add(url: Any, caption: Any = None) -> None:
        if isinstance(url, str) and url.strip() and not is_damaged(url):
            absolute = page.absolute(url)
            if absolute.startswith(("http://", "https://")) and absolute not in seen:
                seen.add(absolute)
                images.append({"url": absolute, "caption": _string(caption)})

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


def _article_url(page: Page, sources: _Sources, site: Site) -> str:
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
