"""The Korea Herald's URL families: article ids, canonical article URLs, section links."""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

SITE_NAME = "koreaherald"
POPULAR_LIST = "most_popular"

# view.php?ud=YYYYMMDD + 6-digit daily sequence (2014–2024 layouts).
_UD = re.compile(r"view\.php\?(?:[^#]*&)?ud=(\d{14})(?!\d)")
# /article/<7- or 8-digit id> (current layout; 7 digits for migrated legacy articles).
_ARTICLE = re.compile(r"/article/(\d{5,10})(?:[/?#]|$)")
# Section links: list.php?ct=02SS00000000 (top level) or /Section (capitalised, one segment).
CT_TOP = re.compile(r"list\.php\?(?:[^#]*&)?ct=(02(?!00)\d{2}0{8})(?!\d)")
PATH_TOP = re.compile(r"^/([A-Z][A-Za-z]*(?:%26[A-Za-z]+)?)/?$")


def article_id_of(url: str) -> str | None:
    """The article id in either URL family, or None."""
    for pattern in (_UD, _ARTICLE):
        match = pattern.search(url)
        if match:
            return match.group(1)
    return None


def canonical_article_url(url: str) -> str | None:
    """One URL per article: ``/view.php?ud=<id>`` or ``/article/<id>`` on the same host.

    Listings link the same article as ``view.php?ud=…``, ``/view.php?ud=…&mp=…`` and with
    tracking parameters; one canonical form lets each article be fetched once per crawl.
    """
    parts = urlsplit(url)
    if match := _UD.search(url):
        return urlunsplit((parts.scheme, parts.netloc, "/view.php", f"ud={match.group(1)}", ""))
    if match := _ARTICLE.search(url):
        return urlunsplit((parts.scheme, parts.netloc, f"/article/{match.group(1)}", "", ""))
    return None
