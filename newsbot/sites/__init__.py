"""Sites newsbot knows, by name. Site code is pure: a page in, items out."""

from __future__ import annotations

from newsbot.sites.base import Site
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
