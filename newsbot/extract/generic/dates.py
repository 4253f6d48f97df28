"""The publication and revision dates: structured values, ``<time>``, printed dates, htmldate.

Structured values come first (JSON-LD, microdata, meta tags, Dublin Core); a publication date
missing there is read from the first ``<time datetime>`` in the body; a date still missing is
read from the text printed after the headline (else just before it), where an "Updated"
label marks the revision's. htmldate's guess is the last resort for the publication date. A
date given only as a day is midnight in the site's zone and its provenance ends in
``/date_only``; placeholders such as year 1 count as no date. A day-only publication date
takes the time of the first timed date the page gives for that same day (structured values,
``<time>``, then any visible text): the most precise source that agrees wins. Times without
a zone are in the zone the page itself states elsewhere (see :func:`page_zone`).
"""

from __future__ import annotations

import copy
import logging
import re
from collections.abc import Iterable
from datetime import datetime, timezone, tzinfo
from typing import TYPE_CHECKING, Any

from htmldate import find_date

from newsbot.extract.dates import FoundDate, parse_date
from newsbot.extract.generic.near import Near, visible_texts
from newsbot.extract.generic.sources import Sources, jsonld_text

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

logger = logging.getLogger(__name__)

# Meta tag names (lower case) in order of preference.
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
_DC_PUBLISHED = (
    "dcterms.created",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date.created",
    "dcterms.date",
    "dc.date",
)
_DC_UPDATED = ("dcterms.modified", "dc.date.modified")
_UPDATED_LABEL = re.compile(r"\b(?:updated|modified|last\s+updated|edited)\b", re.I)


def _published_candidates(sources: Sources) -> list[tuple[Iterable[str | None], str]]:
    return [
        ([jsonld_text(sources.article.get("datePublished"))], "jsonld"),
        ([jsonld_text(sources.article.get("dateCreated"))], "jsonld"),
        (sources.microdata_values("datePublished"), "microdata"),
        (sources.all_meta(_META_PUBLISHED), "meta"),
        (sources.all_meta(_DC_PUBLISHED), "dublincore"),
    ]


def _updated_candidates(sources: Sources) -> list[tuple[Iterable[str | None], str]]:
    return [
        ([jsonld_text(sources.article.get("dateModified"))], "jsonld"),
        (sources.microdata_values("dateModified"), "microdata"),
        (sources.all_meta(_META_UPDATED), "meta"),
        (sources.all_meta(_DC_UPDATED), "dublincore"),
    ]


def page_zone(sources: Sources, site_zone: ZoneInfo) -> tzinfo:
    """The zone of the page's times without one: the offset its own dates state, else the site's.

    The first of the article's structured dates stating an offset other than UTC's names the
    page's zone: one page is written in one zone. The site's zone is kept when it agrees
    with that offset at that moment, for its daylight saving; "Z" and +00:00 are not taken,
    as systems often convert to UTC what the page prints in local time. ``<time>`` elements
    are not asked: on many pages they date the teasers of other articles.
    """
    values = [
        value
        for candidates in (_published_candidates(sources), _updated_candidates(sources))
        for values, _ in candidates
        for value in values
    ]
    for value in values:
        found = _page_date(value, site_zone)
        if found is None or found.date_only or found.moment.tzinfo is site_zone:
            continue  # no offset stated: the site's zone was assumed
        offset = found.moment.utcoffset()
        if offset:
            if site_zone.utcoffset(found.moment.replace(tzinfo=None)) == offset:
                return site_zone
            return timezone(offset)
    return site_zone


def read_dates(
    root: Any, sources: Sources, near: Near, tz: tzinfo, provenance: dict[str, str]
) -> tuple[datetime | None, datetime | None]:
    """The publication and revision dates the page states, noting their sources.

    Dates without a zone are in ``tz`` (see :func:`page_zone`). htmldate is not asked here:
    see :func:`htmldate_published`.
    """
    published_candidates = _published_candidates(sources)
    updated_candidates = _updated_candidates(sources)
    published = _first_date(published_candidates, tz, "published_at", provenance)
    timed_sources = [*published_candidates, (_time_values(root), "time")]
    updated = _first_date(updated_candidates, tz, "updated_at", provenance)
    if published is None:
        published = _time_element(root, tz, provenance)
    if published is None or updated is None:
        printed_published, printed_updated = _printed_dates(near.after, tz)
        if printed_published is None:
            # Some pages print the date above the headline, with the byline or the way back.
            printed_published, _ = _printed_dates(near.before, tz)
        if published is None and printed_published is not None:
            published = _note(printed_published, "text", "published_at", provenance)
        if updated is None and printed_updated is not None:
            updated = _note(printed_updated, "text", "updated_at", provenance)
    if published is not None and provenance["published_at"].endswith("/date_only"):
        published = timed_same_day(published, root, timed_sources, tz, provenance)
    return published, updated


def timed_same_day(
    day: datetime,
    root: Any,
    sources: list[tuple[Iterable[str | None], str]],
    tz: tzinfo,
    provenance: dict[str, str],
) -> datetime:
    """The first date with a time that ``sources`` or the visible text give for ``day``.

    ``day`` is a day-only publication date. A timed date of the same calendar day (as the
    page writes it) says the same thing more precisely; a timed date of another day says
    nothing about this one, so the day itself is never changed. ``day`` when none is found.
    """
    texts = ((text for text, _ in visible_texts(root)), "text")
    for values, source in [*sources, texts]:
        for value in values:
            found = _page_date(value, tz)
            if found is not None and not found.date_only and found.moment.date() == day.date():
                return _note(found, source, "published_at", provenance)
    return day


def _time_values(root: Any) -> list[str]:
    return [element.get("datetime") for element in root.xpath("//body//time[@datetime]")]


_EARLIEST_YEAR = 1990  # "0001-01-01" and the like stand for "no date"


def _page_date(text: str | None, tz: tzinfo) -> FoundDate | None:
    """A date read from the page, unless it is a placeholder such as year 1."""
    found = parse_date(text, tz)
    return found if found is not None and found.moment.year >= _EARLIEST_YEAR else None


def _note(found: FoundDate, source: str, name: str, provenance: dict[str, str]) -> datetime:
    provenance[name] = f"{source}/date_only" if found.date_only else source
    return found.moment


def _first_date(
    candidates: list[tuple[Iterable[str | None], str]],
    tz: tzinfo,
    name: str,
    provenance: dict[str, str],
) -> datetime | None:
    for values, source in candidates:
        for value in values:
            found = _page_date(value, tz)
            if found is not None:
                return _note(found, source, name, provenance)
    return None


def _time_element(root: Any, tz: tzinfo, provenance: dict[str, str]) -> datetime | None:
    for element in root.xpath("//body//time[@datetime]"):
        found = _page_date(element.get("datetime"), tz)
        if found is not None:
            return _note(found, "time", "published_at", provenance)
    return None


def _printed_dates(
    texts: list[tuple[str, Any]], tz: tzinfo
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


def htmldate_published(
    root: Any, url: str, tz: tzinfo, provenance: dict[str, str]
) -> datetime | None:
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
