"""Sites newsbot knows, by name. Site code is pure: a page in, items out."""

from __future__ import annotations

from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from newsbot.items import Article
from newsbot.page import Page
from newsbot.sites.base import Layout, Site, on_domains
from newsbot.sites.generic import GenericSite
from newsbot.sites.koreaherald import KoreaHerald

_SITES: dict[str, Site] = {site.name: site for site in (KoreaHerald(),)}


def get_site(name: str) -> Site:
    """The site registered under ``name``; KeyError names the known ones."""
    try:
        return _SITES[name]
    except KeyError:
        raise KeyError(f"unknown site {name!r}; known: {', '.join(sorted(_SITES))}") from None


def all_sites() -> list[Site]:
    """Every registered site."""
    return list(_SITES.values())


def site_timezone(name: str) -> ZoneInfo:
    """The zone a registered site prints its dates in; UTC for any other site name."""
    site = _SITES.get(name)
    return site.timezone if site is not None else ZoneInfo("UTC")


def site_for_url(url: str) -> Site:
    """The registered site whose domains hold ``url``'s host, else a generic site for it."""
    host = (urlsplit(url).hostname or "").lower()
    for site in _SITES.values():
        if on_domains(host, site.domains):
            return site
    return GenericSite(url)


def read_article(page: Page, site: Site, section: str | None = None) -> tuple[Article, Layout]:
    """Parse an article page as the spider does: its layout's parser, else the generic one.

    Raises :class:`~newsbot.sites.base.ParseError` when required fields are missing.
    """
    layout = site.article_layout(page) or site.fallback_layout
    return layout.parse_article(page, None if layout.states_section else section), layout
