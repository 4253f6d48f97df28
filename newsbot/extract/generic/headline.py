"""The headline: the ``<h1>`` a reader sees, else a stated title without the site's name.

The visible headline wins over structured headlines, which are often a search-engine variant
of it (on hand-labelled real pages the visible one was right every time they differed);
structured data (JSON-LD, microdata, ``og:``/``twitter:`` and Dublin Core titles) chooses
among several ``<h1>`` and stands in where none reads as a headline. A stated title loses
its " - Site" or "Site | " part. The element that shows the headline is returned too: bylines
and printed dates are looked for around it.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

from newsbot.extract.generic.sources import Sources, jsonld_text, squash
from newsbot.extract.text import HIDDEN_TAGS, clean_text, visible_text

# Meta tag names (lower case) in order of preference.
_META_TITLE = ("og:title", "twitter:title")
_DC_TITLE = ("dc.title", "dcterms.title")

# Title separators before a site name: "Headline - Site", "Headline | Site".
_TITLE_SEPARATORS = re.compile(r"\s+(?:[-|–—:·•»]|::)\s+")


_NOT_HEADLINE_PLACES = frozenset({"a", "nav", "footer", "aside"})
_NOT_HEADLINE_ROLES = frozenset({"navigation", "banner", "contentinfo", "complementary"})


def find_headings(root: Any) -> list[tuple[Any, str]]:
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


def read_title(
    root: Any, sources: Sources, headings: list[tuple[Any, str]], provenance: dict[str, str]
) -> tuple[str | None, Any]:
    """The headline and the ``<h1>`` element that shows it (None when there is none).

    The headline a reader sees wins: structured headlines are often a search-engine variant
    of it. Structured data chooses among several ``<h1>`` and stands in where no ``<h1>``
    reads as a headline (a site name, a one-word section label).
    """
    candidates: list[tuple[str | None, str]] = [
        (jsonld_text(sources.article.get("headline")), "jsonld"),
        (jsonld_text(sources.article.get("name")), "jsonld"),
        (next(iter(sources.microdata_values("headline")), None), "microdata"),
        (sources.first_meta(_META_TITLE), "meta"),
        (sources.first_meta(_DC_TITLE), "dublincore"),
    ]
    structured = next(((text, source) for text, source in candidates if text), None)
    document_title = clean_text(" ".join(root.xpath("//head/title//text()")))
    reference = structured[0] if structured else document_title
    site_names = {squash(name) for name in sources.site_names}
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
    names = {squash(name) for name in site_names if squash(name)}
    if not names:
        return title
    while len(parts) > 1 and _names_site(parts[-1], names):
        parts.pop()
    while len(parts) > 1 and _names_site(parts[0], names):
        parts.pop(0)
    # The parts left, with the separators between them as the title wrote them.
    return title[title.find(parts[0]) : title.rfind(parts[-1]) + len(parts[-1])]


def _is_site_name(text: str, names: set[str]) -> bool:
    """Whether ``text`` is the site's name or a part of it (a logo's words)."""
    squashed = squash(text)
    return bool(squashed) and any(squashed == name or squashed in name for name in names)


_SHORTEST_SITE_NAME = 4  # shorter names ("ap") occur inside too many words


def _names_site(part: str, names: set[str]) -> bool:
    squashed = squash(part)
    return bool(squashed) and any(
        squashed == name
        or (len(squashed) >= _SHORTEST_SITE_NAME and squashed in name)
        or (len(name) >= _SHORTEST_SITE_NAME and name in squashed)
        for name in names
        if name
    )
