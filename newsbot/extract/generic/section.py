"""The section: the one the article states, else the last crumb of its breadcrumb trail.

JSON-LD ``articleSection`` and ``article:section``-like meta tags come first; else a JSON-LD
BreadcrumbList or a ``nav`` whose ARIA label says "breadcrumb", without the article's own
crumb and without a trail that only leads home. (The section the crawl came from is the
caller's last resort.)
"""

from __future__ import annotations

import re
from typing import Any

from newsbot.extract.generic.sources import Sources, jsonld_text, squash
from newsbot.extract.text import clean_text, visible_text

# Meta tag names (lower case) in order of preference.
_META_SECTION = ("article:section", "og:article:section", "parsely-section")
_BREADCRUMB_LABEL = re.compile(r"breadcrumb", re.I)


def read_section(
    root: Any, sources: Sources, title: str | None, provenance: dict[str, str]
) -> str | None:
    """The article's section as the page states it, noting its source; None when it does not.

    ``title`` is the headline, which a breadcrumb trail may end with.
    """
    section = jsonld_text(sources.article.get("articleSection"))
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


def _breadcrumb_section(root: Any, sources: Sources, title: str | None) -> str | None:
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
            name = jsonld_text(entry.get("name")) or jsonld_text(entry.get("item"))
            if name:
                crumbs.append(name)
    if not crumbs:
        for nav in root.xpath("//body//*[@aria-label]"):
            if _BREADCRUMB_LABEL.search(nav.get("aria-label", "")):
                links = (clean_text(visible_text(link)) for link in nav.iter("a"))
                crumbs = [link for link in links if link]
                if crumbs:
                    break
    if crumbs and title and squash(crumbs[-1]) == squash(title):
        crumbs.pop()
    return crumbs[-1] if len(crumbs) > 1 or (crumbs and not _is_home(crumbs[0])) else None


def _position(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _is_home(name: str) -> bool:
    return name.lower() in {"home", "homepage", "start", "front page"}
