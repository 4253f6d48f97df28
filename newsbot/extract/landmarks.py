"""Text-anchored extraction for markup we do not know: find things by what a reader sees.

The live site's class names for the Most Popular block and the 2023 byline are unknown, so
these functions key on visible text ("Most Popular", "By …") and on document structure
(the list that follows a heading), never on guessed class names.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from itertools import islice

from parsel import Selector

from newsbot.extract.text import HIDDEN_TAGS, NOT_HIDDEN, clean_text, texts_after

_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_LOWER = "abcdefghijklmnopqrstuvwxyz"
_RANK = re.compile(r"^\s*0*(\d{1,3})\s*\.?\s*$")
_WORDY = re.compile(r"\w")
_BYLINE = re.compile(r"(?:^|\s)By\s+(?P<names>.+?)\s*(?=Published\s*:|Updated\s*:|$)")


@dataclass(frozen=True)
class RankedLink:
    """One entry of a ranking list as the reader sees it."""

    rank: int
    title: str
    href: str


# XPath predicate for an element that is not itself hidden (see HIDDEN_TAGS).
_NOT_HIDDEN_ELEMENT = " and ".join(f"not(self::{tag})" for tag in sorted(HIDDEN_TAGS))


def heading_with_text(root: Selector, text: str) -> Selector | None:
    """The first element whose own text (ignoring case and spacing) is exactly ``text``."""
    matches = root.xpath(
        f"//body//*[{_NOT_HIDDEN_ELEMENT}]"
        f"[{NOT_HIDDEN}][text()[translate(normalize-space(.), $upper, $lower) = $wanted]]",
        upper=_UPPER,
        lower=_LOWER,
        wanted=" ".join(text.lower().split()),
    )
    return matches[0] if matches else None


def ranked_links_after_heading(
    root: Selector, heading_text: str, is_target: Callable[[str], bool]
) -> list[RankedLink] | None:
    """Read the ranked list that follows a heading such as "Most Popular".

    Returns None when no such heading exists, and an empty list when the heading is there but
    the list after it holds no target links yet (a list that a script fills in the browser).
    Rank is the number printed beside the link ("1", "01") when there is one, else the
    position. Only links for which ``is_target(href)`` is true count.
    """
    heading = heading_with_text(root, heading_text)
    if heading is None:
        return None
    return _ranked_in_list_after(heading, is_target) or []


def _printed_rank(link: Selector, texts: list[str | None]) -> int | None:
    for text in texts:
        match = _RANK.match(text or "")
        if match:
            return int(match.group(1))
    # A rank beside the link: in its list item, or the <dt> before a <dd> (2017 layout).
    candidates = link.xpath(
        f"ancestor::li[1]//text()[not(ancestor::a) and {NOT_HIDDEN}]"
        f" | ancestor::dd[1]/preceding-sibling::*[1][self::dt]//text()[{NOT_HIDDEN}]"
    ).getall()
    for text in candidates:
        match = _RANK.match(text)
        if match:
            return int(match.group(1))
    return None


def text_outside_headings(container: Selector) -> str:
    """A block's text without its h1/h2 headings: where title areas print byline and dates."""
    texts = container.xpath(
        f".//text()[not(ancestor::h1) and not(ancestor::h2) and {NOT_HIDDEN}]"
    ).getall()
    return " ".join(t.strip() for t in texts if t.strip())


def byline_in(container: Selector | str) -> str | None:
    """The "By …" text inside a block (headings excluded), cut before "Published"/"Updated".

    ``container`` may also be the block's :func:`text_outside_headings`, already read.
    """
    text = container if isinstance(container, str) else text_outside_headings(container)
    match = _BYLINE.search(text)
    return clean_text(match.group("names")) if match else None


def byline_after(element: Selector, window: int = 8) -> str | None:
    """A "By …" line among the first ``window`` text nodes after ``element``."""
    following = (text.strip() for text, _ in texts_after(element.root))
    for text in islice((text for text in following if text), window):
        match = _BYLINE.match(text)
        if match:
            return clean_text(match.group("names"))
    return None


# --- pages of unknown markup: most popular boxes, article lists, navigation ------------------

# Headings of a site-wide ranking box as sites print them; compared without case or spacing.
POPULAR_HEADINGS = ("most popular", "most read", "most viewed", "trending", "popular")
# A ranking box shows several articles; a heading over fewer links is something else
# (a "Popular" teaser pair, a tag cloud).
MIN_POPULAR_LINKS = 3
# Link texts of a "next page" link.
_NEXT_TEXT = re.compile(
    r"^(?:next(?:\s+page)?|more(?:\s+(?:news|stories|articles))?|older(?:\s+(?:posts|stories))?"
    r"|load\s+more)?\s*[›»>→]*$",
    re.IGNORECASE,
)
# Containers whose links are navigation, not the page's own content.
_NAVIGATION = "ancestor::nav or ancestor::*[@role='navigation']"
# Navigation link texts longer than this are not section names.
MAX_SECTION_WORDS = 4
MAX_SECTION_CHARS = 40


@dataclass(frozen=True)
class ListedLink:
    """An article link of a list page of unknown markup, with the text beside it."""

    href: str
    text: str


def popular_list(root: Selector, is_target: Callable[[str], bool]) -> list[RankedLink] | None:
    """The site's ranking box: a "Most Popular"-like heading over a list of its articles.

    Any heading of :data:`POPULAR_HEADINGS` counts when it is not itself a link or navigation,
    and the first list after it holds at least :data:`MIN_POPULAR_LINKS` target links; the
    first such box in the page wins. Without one, an exact "Most Popular" heading is read as
    :func:`ranked_links_after_heading` reads it (an empty list there means a script fills it:
    ``[]``), and so is any of the headings over a list without a single link. None when the
    page has no ranking box at all.
    """
    headings = _headings_with_texts(root, POPULAR_HEADINGS)
    for heading in headings:
        ranked = _ranked_in_list_after(heading, is_target)
        if ranked is not None and len(ranked) >= MIN_POPULAR_LINKS:
            return ranked
    exact = ranked_links_after_heading(root, "Most Popular", is_target)
    if exact is not None:
        return exact
    for heading in headings:  # "Most Read" over a list without any link: a script fills it
        lists = heading.xpath("following::*[self::ol or self::ul or self::dl][1]")
        if lists and not lists[0].xpath(".//a[@href]"):
            return []
    return None


def _headings_with_texts(root: Selector, texts: tuple[str, ...]) -> list[Selector]:
    """Elements whose own text is one of ``texts``: not links, not navigation, not hidden."""
    wanted = " or ".join(f"translate(normalize-space(.), $upper, $lower) = '{t}'" for t in texts)
    found: list[Selector] = root.xpath(
        f"//body//*[{_NOT_HIDDEN_ELEMENT}][{NOT_HIDDEN}]"
        f"[not(ancestor-or-self::a) and not({_NAVIGATION})][text()[{wanted}]]",
        upper=_UPPER,
        lower=_LOWER,
    )
    return found


def _ranked_in_list_after(
    heading: Selector, is_target: Callable[[str], bool]
) -> list[RankedLink] | None:
    lists = heading.xpath("following::*[self::ol or self::ul or self::dl][1]")
    if not lists:
        return None
    ranked: list[RankedLink] = []
    for position, link in enumerate(
        (a for a in lists[0].xpath(".//a[@href]") if is_target(a.attrib["href"])), start=1
    ):
        texts = [clean_text(t) for t in link.xpath(f".//text()[{NOT_HIDDEN}]").getall()]
        words = [t for t in texts if t and not _RANK.match(t) and _WORDY.search(t)]
        printed = _printed_rank(link, texts)
        ranked.append(
            RankedLink(
                rank=printed if printed is not None else position,
                title=clean_text(" ".join(words)) or "",
                href=link.attrib["href"],
            )
        )
    return ranked


def listed_article_links(
    root: Selector, article_key: Callable[[str], str | None]
) -> list[ListedLink]:
    """Article links of a page of unknown markup, in document order, each article once.

    ``article_key(href)`` names the article a link points to (None: not an article), so that
    ``/a/1``, ``/a/1#comments`` and ``/a/1?ref=x`` count as one. Navigation is left out. A
    link's text is that of the largest block around it that links to no other article: where
    list teasers print their date.
    """
    found: dict[str, ListedLink] = {}
    for link in root.xpath(f"//body//a[@href][not({_NAVIGATION})][{NOT_HIDDEN}]"):
        href = link.attrib["href"].strip()
        key = article_key(href)
        if key is None or key in found:
            continue
        found[key] = ListedLink(href, _teaser_text(link, key, article_key))
    return list(found.values())


def _teaser_text(link: Selector, key: str, article_key: Callable[[str], str | None]) -> str:
    block = link
    for ancestor in link.xpath("ancestor::*[not(self::body) and not(self::html)]")[::-1]:
        keys = {article_key(h.strip()) for h in ancestor.xpath(".//a/@href").getall()}
        if keys - {key, None}:
            break
        block = ancestor
    texts = block.xpath(f".//text()[{NOT_HIDDEN}]").getall()
    times = block.xpath(".//time/@datetime").getall()
    return clean_text(" ".join([*texts, *times])) or ""


def next_link(root: Selector) -> str | None:
    """The href of a list's next page.

    A ``rel="next"`` link, else a link reading "Next", "›", "»" or "More".
    """
    rel = root.xpath(
        "//link[contains(concat(' ', normalize-space(@rel), ' '), ' next ')]/@href"
        " | //a[contains(concat(' ', normalize-space(@rel), ' '), ' next ')]/@href"
    ).get()
    if rel:
        return str(rel).strip()
    for link in root.xpath(f"//body//a[@href][{NOT_HIDDEN}]"):
        text = clean_text(" ".join(link.xpath(f".//text()[{NOT_HIDDEN}]").getall())) or ""
        label = clean_text(link.attrib.get("aria-label")) or ""
        if any(t and _NEXT_TEXT.fullmatch(t) for t in (text, label)):
            return str(link.attrib["href"]).strip()
    return None


def navigation_links(root: Selector) -> list[ListedLink]:
    """Links of the page's navigation with short texts: where sites name their sections.

    Navigation is ``<nav>``, ``role="navigation"``, or the lists of the page's ``<header>``.
    Texts are section-name short (:data:`MAX_SECTION_WORDS` words); each href once.
    """
    links = root.xpath(f"//body//a[@href][{_NAVIGATION} or ancestor::header//ul][{NOT_HIDDEN}]")
    found: dict[str, ListedLink] = {}
    for link in links:
        href = link.attrib["href"].strip()
        text = clean_text(" ".join(link.xpath(f".//text()[{NOT_HIDDEN}]").getall())) or ""
        if not href or href.startswith(("#", "javascript:", "mailto:")) or href in found:
            continue
        if not _WORDY.search(text) or len(text) > MAX_SECTION_CHARS:
            continue
        if len(text.split()) > MAX_SECTION_WORDS:
            continue
        found[href] = ListedLink(href, text)
    return list(found.values())
