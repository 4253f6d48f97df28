"""Small hand-written sites served on 127.0.0.1 for crawl tests, with a log of what was asked.

``redesigned_herald()``: The Korea Herald as a redesign might serve it: the same
``/article/<id>`` URLs in new markup (JSON-LD ``@graph``), section lists at URLs newsbot does not
know, a "MOST READ" box, and an RSS feed advertised in ``<head>`` whose links name the
canonical host. ``any_news_site()``: a small news site newsbot has no code for.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HTML = "text/html; charset=utf-8"
RSS = "application/rss+xml; charset=utf-8"
ATOM = "application/atom+xml; charset=utf-8"


@dataclass
class Site:
    """Pages by path (query included), and every path requested, counted."""

    pages: dict[str, tuple[str, str]]
    requested: Counter[str] = field(default_factory=Counter)
    base_url: str = ""

    def requested_under(self, prefix: str) -> Counter[str]:
        """The requests whose path starts with ``prefix``."""
        return Counter({p: n for p, n in self.requested.items() if p.startswith(prefix)})


@contextmanager
def serving(site: Site) -> Iterator[Site]:
    """Serve ``site`` on 127.0.0.1 (a free port) while the block runs."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            site.requested[self.path] += 1
            page = site.pages.get(self.path)
            if page is None:
                self.send_response(404)
                self.send_header("Content-Type", HTML)
                self.end_headers()
                self.wfile.write(b"<html><body>Not found</body></html>")
                return
            content_type, body = page
            data = body.encode("utf-8")
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    site.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


# --- The Korea Herald, redesigned ------------------------------------------------------------

CANONICAL = "https://www.koreaherald.com"
# id: (section, date printed in lists, RSS pubDate, headline)
HERALD_ARTICLES = {
    "10000001": ("National", "Nov. 17, 2025", "Mon, 17 Nov 2025 21:44:23 +09:00", "Heat alert"),
    "10000002": ("National", "Nov. 16, 2025", "Sun, 16 Nov 2025 10:00:00 +09:00", "Subway"),
    "10000003": ("National", "Nov. 14, 2025", None, "Old national story"),
    "10000004": ("Business", "Nov. 17, 2025", "Mon, 17 Nov 2025 09:00:00 +09:00", "Chips"),
    "10000005": ("Business", "Nov. 12, 2025", None, "Old business story"),
    "10000006": ("National", None, "Thu, 13 Nov 2025 08:00:00 +09:00", "Feed only"),
}
# The all-news feed: which articles, with which <category> (None: no category).
HERALD_FEED = [("10000001", "National"), ("10000004", "Business"), ("10000006", "National"),
               ("10000002", None)]  # fmt: skip


def _herald_home() -> str:
    ranks = "".join(
        f'<li><em>{n}</em><a href="/article/{10000000 + n}">Story number {n}</a></li>'
        for n in range(1, 11)
    )
    return f"""<!DOCTYPE html><html><head><title>The Korea Herald</title>
<link rel="alternate" type="application/rss+xml" title="All" href="{CANONICAL}/rss/newsAll">
</head><body>
<header class="hd-2026"><nav class="menu"><ul>
  <li><a href="/news/national">National</a></li>
  <li><a href="/news/business">Business</a></li>
  <li><a href="/trending">Trending</a></li>
</ul></nav></header>
<div class="widget"><h4>Popular</h4><ul>
  <li><a href="/article/10000001">Heat alert</a></li><li><a href="/article/10000004">Chips</a></li>
</ul></div>
<aside class="rank-box"><div class="rank-head"><h2>MOST READ</h2></div><ol>{ranks}</ol></aside>
</body></html>"""


def _herald_list(ids: list[str], next_path: str | None) -> str:
    cards = "".join(
        f'<div class="card-2026"><a href="/article/{i}?from=list"><h3>{HERALD_ARTICLES[i][3]}</h3>'
        f"</a><p>{HERALD_ARTICLES[i][0]} · {HERALD_ARTICLES[i][1]}</p></div>"
        for i in ids
    )
    pager = f'<div class="paging"><a href="{next_path}">›</a></div>' if next_path else ""
    return f"""<!DOCTYPE html><html><head><title>List</title></head><body>
<nav><ul><li><a href="/news/national">National</a></li></ul></nav>
<section class="grid-2026">{cards}</section>{pager}</body></html>"""


def _herald_article(article_id: str) -> str:
    section, _, _, headline = HERALD_ARTICLES[article_id]
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebSite", "name": "The Korea Herald", "url": CANONICAL},
            {
                "@type": "NewsArticle",
                "headline": headline,
                "datePublished": "2025-11-17T09:00:00+09:00",
                "author": {"@type": "Person", "name": "Kim Arin"},
                "articleSection": section,
                "mainEntityOfPage": f"{CANONICAL}/article/{article_id}",
            },
        ],
    }
    paragraphs = "".join(
        f"<p>Paragraph {n} of the story about {headline.lower()}, as the reporter wrote it.</p>"
        for n in range(1, 6)
    )
    return f"""<!DOCTYPE html><html><head><title>{headline} - The Korea Herald</title>
<link rel="canonical" href="{CANONICAL}/article/{article_id}">
<script type="application/ld+json">{json.dumps(graph)}</script></head><body>
<div class="story-2026"><h1 class="headline-2026">{headline}</h1>
<div class="writer-2026">By Kim Arin</div>
<div class="story-body-2026">{paragraphs}</div></div></body></html>"""


def _herald_feed() -> str:
    items = []
    for article_id, category in HERALD_FEED:
        _, _, published, headline = HERALD_ARTICLES[article_id]
        tag = f"<category>{category}</category>" if category else ""
        items.append(
            f"<item><title>{headline}</title><link>{CANONICAL}/article/{article_id}</link>"
            f"<pubDate>{published}</pubDate>{tag}</item>"
        )
    return f"""<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>
<title>The Korea Herald</title><link>{CANONICAL}</link>{"".join(items)}</channel></rss>"""


def redesigned_herald() -> Site:
    """The Korea Herald in markup no layout of newsbot's knows (see the module docstring)."""
    pages = {
        "/": (HTML, _herald_home()),
        "/news/national": (HTML, _herald_list(["10000001", "10000002"], "/news/national?p=2")),
        "/news/national?p=2": (HTML, _herald_list(["10000003"], None)),
        "/news/business": (HTML, _herald_list(["10000004", "10000005"], None)),
        # A navigation link like any section's, to a list of what is read most.
        "/trending": (HTML, _herald_list(["10000004", "10000001"], None)),
        "/rss/newsAll": (RSS, _herald_feed()),
        # No per-section feed: /rss/kh_National answers 404.
    }
    for article_id in HERALD_ARTICLES:
        pages[f"/article/{article_id}"] = (HTML, _herald_article(article_id))
    return Site(pages)


# --- Any news site --------------------------------------------------------------------------

NEWS_ARTICLES = {
    "/2025/11/17/council-approves-budget": ("World", "Council approves budget"),
    "/world/2025/11/16/storm-closes-ports": ("World", "Storm closes ports"),
    "/business/markets-rally-after-rate-decision": ("Business", "Markets rally"),
    "/news/1234567": ("Business", "Factory opens"),
}


def _news_article(path: str) -> str:
    section, headline = NEWS_ARTICLES[path]
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": headline,
        "datePublished": "2025-11-17T08:00:00Z",
        "author": {"@type": "Person", "name": "Jane Doe"},
        "articleSection": section,
    }
    paragraphs = "".join(
        f"<p>Paragraph {n}: {headline}, reported at length for the readers of the site.</p>"
        for n in range(1, 6)
    )
    return f"""<!DOCTYPE html><html><head><title>{headline}</title>
<script type="application/ld+json">{json.dumps(data)}</script></head><body>
<article><h1>{headline}</h1><p class="by">By Jane Doe</p>{paragraphs}</article></body></html>"""


def any_news_site() -> Site:
    """A small site: homepage teasers, two sections found by navigation, an Atom feed."""
    home = """<!DOCTYPE html><html><head><title>Example News</title>
<link rel="alternate" type="application/atom+xml" href="/feed.xml"></head><body>
<header><ul><li><a href="/world">World</a></li><li><a href="/business">Business</a></li>
<li><a href="/tag/budget">Budget</a></li></ul></header>
<main><article><a href="/2025/11/17/council-approves-budget?utm_source=home">Council</a>
<time datetime="2025-11-17">17 November 2025</time></article></main>
<aside><h3>Most Read</h3><ol>
<li><a href="/2025/11/17/council-approves-budget">Council approves budget</a></li>
<li><a href="/world/2025/11/16/storm-closes-ports">Storm closes ports</a></li>
<li><a href="/news/1234567">Factory opens</a></li></ol></aside></body></html>"""
    world = """<html><body><header><ul><li><a href="/world">World</a></li></ul></header>
<ul><li><a href="/world/2025/11/16/storm-closes-ports">Storm</a> 2025-11-16</li>
<li><a href="/2025/11/17/council-approves-budget">Council</a> 2025-11-17</li></ul>
</body></html>"""
    business = """<html><body>
<ul><li><a href="/business/markets-rally-after-rate-decision">Markets</a></li></ul>
</body></html>"""
    feed = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Example</title><id>urn:x</id>
<updated>2025-11-17T08:00:00Z</updated>
<entry><title>Factory opens</title><id>urn:x:1</id><link href="/news/1234567"/>
<published>2025-11-17T08:00:00Z</published></entry>
<entry><title>Council</title><id>urn:x:2</id><link href="/2025/11/17/council-approves-budget"/>
<published>2025-11-17T07:00:00Z</published></entry></feed>"""
    pages = {"/": (HTML, home), "/world": (HTML, world), "/business": (HTML, business),
             "/feed.xml": (ATOM, feed)}  # fmt: skip
    for path in NEWS_ARTICLES:
        pages[path] = (HTML, _news_article(path))
    return Site(pages)
