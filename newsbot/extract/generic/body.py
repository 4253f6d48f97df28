"""The body: trafilatura's text of a trimmed copy of the page, cleaned paragraph by paragraph.

trafilatura finds the story in a copy of the tree without hidden elements and ARIA-marked
furniture; lines it keeps that a reader sees as furniture (the headline, a "By …" line, a
"Published: …" line) are dropped. A JSON-LD ``articleBody`` much fuller than what is left is
preferred: some stories are split by inline furniture or built by script.

trafilatura weighs class and id names with its own site-independent patterns; on the
181-page benchmark they are worth 0.011 of body F1 (0.965 with them, 0.954 without), so it
still sees them, while newsbot's own rules read ARIA, not class names.
"""

from __future__ import annotations

import logging
import re
from typing import Any
from zoneinfo import ZoneInfo

import trafilatura
from lxml import etree

from newsbot.extract.dates import parse_date
from newsbot.extract.generic.authors import is_byline
from newsbot.extract.generic.sources import Sources
from newsbot.extract.text import HIDDEN_TAGS, clean_text
from newsbot.sanitize import is_damaged

logger = logging.getLogger(__name__)
_UTC = ZoneInfo("UTC")


def read_body(
    root: Any, url: str, sources: Sources, title: str | None, provenance: dict[str, str]
) -> list[str]:
    """The article's paragraphs: trafilatura's text, each paragraph cleaned, empty ones dropped.

    Lines trafilatura keeps although a reader sees them as page furniture (the headline, a
    "By …" line, a "Published: …" line) are dropped too. A JSON-LD ``articleBody`` much
    fuller than that is preferred (and stands in when trafilatura finds nothing).
    """
    try:
        # trafilatura copies a tree it is given and drops the furniture from its copy: the
        # page stays intact without a copy of its own.
        result = trafilatura.bare_extraction(
            root,
            url=url,
            prune_xpath=FURNITURE_XPATH,
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
# Labels of furniture contain one of these words, in any case.
_FURNITURE_WORDS_IN_LABELS = ("advert", "sponsor", "share", "sharing", "related", "newsletter",
                              "promo", "comment")  # fmt: skip
# The label in lower case, as re.IGNORECASE compares it (it also folds "İ", "ı" and "ſ").
_LOWER_LABEL = (
    "translate(@aria-label, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ\u0130\u0131\u017f', "
    "'abcdefghijklmnopqrstuvwxyziis')"
)
# Hidden elements (trafilatura keeps a <template>'s text) and ARIA-marked furniture, in one
# XPath: trafilatura drops what it selects from the copy of the page it makes anyway.
FURNITURE_XPATH = " | ".join(
    [
        *(f"//{tag}" for tag in sorted(HIDDEN_TAGS)),
        "//*[" + " or ".join(f"@role = '{role}'" for role in sorted(_FURNITURE_ROLES)) + "]",
        "//*[@aria-label]["
        + " or ".join(f"contains({_LOWER_LABEL}, '{word}')" for word in _FURNITURE_WORDS_IN_LABELS)
        + "]",
    ]
)


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
    return is_byline(paragraph)
