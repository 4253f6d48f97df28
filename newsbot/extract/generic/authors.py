"""The authors: structured author values, else the byline a reader sees near the headline.

Structured sources come first (JSON-LD ``author``, microdata, ``author``-like meta tags,
Dublin Core creators), except that a visible byline naming everyone they name and more wins
(structured data that forgot a co-author), and a publisher given as the author is no person.
Visible bylines are read from ``rel="author"`` links, a "By …" line, names printed alone
under the headline, links to author pages and ``mailto:`` names; a wire dateline ("(AP) —")
opening the story is the last resort. Names are cleaned of labels, job titles, e-mail
addresses and trailing dates.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from newsbot.extract.bylines import authors_from_byline
from newsbot.extract.generic.near import Near
from newsbot.extract.generic.sources import Sources, squash
from newsbot.extract.jsonld import author_names
from newsbot.extract.text import clean_text, visible_text
from newsbot.sanitize import is_damaged

# Meta tag names (lower case) in order of preference.
_META_AUTHORS = ("author", "article:author", "byl", "sailthru.author", "parsely-author")
_DC_AUTHORS = ("dc.creator", "dcterms.creator", "dc.contributor")


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
_MAX_NAME_WORDS = 6


def read_authors(
    root: Any,
    sources: Sources,
    near: Near,
    first_paragraph: str | None,
    provenance: dict[str, str],
) -> list[str]:
    """The article's authors, noting their source in ``provenance``.

    ``near`` holds the texts around the headline; ``first_paragraph`` opens the story.
    """
    structured: list[tuple[list[str], str]] = [
        (author_names(sources.article.get("author")), "jsonld"),
        (sources.microdata_values("author"), "microdata"),
        (sources.all_meta(_META_AUTHORS), "meta"),
        (sources.all_meta(_DC_AUTHORS), "dublincore"),
    ]
    publisher = {squash(name) for name in sources.site_names}
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


def _is_publisher(name: str, names: set[str]) -> bool:
    """Whether an author value names the site itself ("The Korea Herald", "gto")."""
    squashed = squash(name)
    return any(
        squashed == site or (len(squashed) >= _SHORTEST_BRAND and site.startswith(squashed))
        for site in names
    )


_SHORTEST_BRAND = 3


def is_byline(line: str) -> bool:
    """Whether ``line`` is a "By …" line of names, not a sentence ("By the way, …")."""
    if not _BYLINE_START.match(line):
        return False
    names = _names([line])
    return bool(names) and all(_looks_like_name(name) for name in names)


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


def _visible_byline(root: Any, near: Near) -> list[str]:
    """Author names the reader sees near the headline.

    ``rel="author"`` links; a "By …" line (the names may follow "By" in their own element);
    links to author pages; ``mailto:`` links that show a name.
    """
    linked = _names(
        visible_text(link)
        for link in root.xpath(
            # [@rel] first: the word test runs only on links that have one.
            "//body//a[@rel][contains(concat(' ', normalize-space(@rel), ' '), ' author ')]"
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


def _bare_names(near: Near) -> list[str]:
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


_NAME_PARTICLES = frozenset({"de", "da", "di", "van", "von", "der", "den", "bin", "al", "la", "le"})


def _looks_like_name(name: str) -> bool:
    """No word starts in lower case, as in names ("Kim So-hyun", "정덕현"); "the end" does."""
    return all(
        not word[:1].islower() or word in _NAME_PARTICLES for word in name.split()
    ) and not name.endswith(".")
