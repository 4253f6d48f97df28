"""Text-anchored extraction for markup we do not know: find things by what a reader sees.

The live site's class names for the Most Popular block and the 2023 byline are unknown, so
these functions key on visible text ("Most Popular", "By …") and on document structure
(the list that follows a heading), never on guessed class names.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from parsel import Selector

from newsbot.extract.text import HIDDEN_TAGS, NOT_HIDDEN, clean_text

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
    lists = heading.xpath("following::*[self::ol or self::ul or self::dl][1]")
    if not lists:
        return []
    ranked: list[RankedLink] = []
    for position, link in enumerate(
        (a for a in lists[0].xpath(".//a[@href]") if is_target(a.attrib["href"])), start=1
    ):
        texts = [clean_text(t) for t in link.xpath(f".//text()[{NOT_HIDDEN}]").getall()]
        # Rank numbers and bare punctuation ("-" bullets) are not part of the title.
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
    following = element.xpath(f"following::text()[{NOT_HIDDEN}]").getall()
    texts = [t.strip() for t in following if t.strip()]
    for text in texts[:window]:
        match = _BYLINE.match(text)
        if match:
            return clean_text(match.group("names"))
    return None
