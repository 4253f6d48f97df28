"""RSS 2.0 feeds of the current layout and the redesign: ``/rss/newsAll`` and ``/rss/kh_<Section>``.

As the live feeds do (koreaherald reference §1.3): the latest 50 stories, each with its
title, link, description, author, category and a ``pubDate`` in KST
(``Mon, 17 Nov 2025 21:44:23 +0900``). Links point to the canonical host, not to the replica:
a crawler must rebase them onto the host it crawls.
"""

from __future__ import annotations

from email.utils import format_datetime
from xml.sax.saxutils import escape

from newsbot.replica.corpus import SECTIONS, Corpus

CANONICAL_HOST = "https://www.koreaherald.com"
FEED_SIZE = 50
ALL_FEED = "newsAll"


def feed_names() -> list[str]:
    """Every feed the replica serves: ``newsAll`` and one per section."""
    return [ALL_FEED, *(section.feed for section in SECTIONS)]


def rss(corpus: Corpus, name: str) -> str | None:
    """The feed ``name`` ("newsAll", "kh_National"), or None when there is no such feed."""
    if name == ALL_FEED:
        articles, title = corpus.articles, "The Korea Herald - All News"
    else:
        section = next((s for s in SECTIONS if s.feed == name), None)
        if section is None:
            return None
        articles, title = corpus.in_section(section.name), f"The Korea Herald - {section.name}"
    items = "".join(
        "<item>"
        f"<title>{escape(article.title)}</title>"
        f"<link>{CANONICAL_HOST}/article/{article.article_id}</link>"
        f'<guid isPermaLink="true">{CANONICAL_HOST}/article/{article.article_id}</guid>'
        f"<description>{escape(article.summary)}</description>"
        f"<author>{escape(', '.join(article.authors))}</author>"
        f"<category>{escape(article.section)}</category>"
        f"<pubDate>{format_datetime(article.published_at)}</pubDate>"
        "</item>\n"
        for article in articles[:FEED_SIZE]
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0"><channel>'
        f"<title>{escape(title)}</title><link>{CANONICAL_HOST}/</link>"
        "<description>Latest news from The Korea Herald</description><language>en</language>"
        f"<lastBuildDate>{format_datetime(corpus.now)}</lastBuildDate>\n"
        f"{items}</channel></rss>\n"
    )
