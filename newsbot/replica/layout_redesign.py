"""A redesign of the site that no site module knows: every class, every section URL new.

Article URLs and ids stay those of the current layout (``/article/<id>``), so a crawl keeps
its history; everything else changes, as when a newsroom moves to a new CMS:

- sections live at ``/news/<name>`` in lower case (``/news/national?page=2``), so newsbot's
  section URL patterns do not match and navigation has to be read by link text;
- list pages are cards (``div.story-feed > div.story-card``) with ``<time datetime>``;
- article pages carry JSON-LD as an ``@graph`` (WebPage, NewsArticle, BreadcrumbList) with
  dates that have an offset; the header (headline, byline, dates) sits outside the
  ``<article>``, which holds the body and boilerplate a good extractor drops: a share bar,
  ads, a related-links box and a newsletter box; photos keep their caption in ``alt``;
- a "MOST READ" box (ten links, ranks printed) is rendered on the server on every page;
- RSS feeds are advertised in ``<head>`` (``<link rel="alternate" type="application/rss+xml">``).

None of these class names comes from the live site: it is a made-up redesign, for testing
how newsbot reads a site it has no parser for. Bodies follow the article's template
(:data:`newsbot.replica.corpus.TEMPLATES`) like the other layouts.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from newsbot.replica import chrome
from newsbot.replica.common import PAGE_SIZE, ap_date, esc, inline_html, page_count
from newsbot.replica.corpus import SECTION_BY_NAME, SECTIONS, ArticleTruth, Corpus, SectionTruth
from newsbot.replica.feeds import ALL_FEED

_HEAD = """<!DOCTYPE html>
<html lang="en-US">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="alternate" type="application/rss+xml" title="The Korea Herald: all news" \
href="/rss/{all_feed}">
{head}
<link rel="stylesheet" href="/assets/site.css">
</head>
<body class="kh-site">
<a class="skip-link" href="#content">Skip to content</a>
<header class="site-header">
<a class="brand" href="/"><img src="/assets/brand.svg" alt="The Korea Herald"></a>
<nav class="primary-nav" aria-label="Sections">{nav}</nav>
</header>
<div class="page-grid">
"""
_FOOT = """
</div>
<footer class="site-footer">
<p>© The Korea Herald. All rights reserved.</p>
<nav aria-label="Footer"><a href="/about">About us</a> <a href="/rss/newsAll">RSS feeds</a></nav>
</footer>
</body>
</html>
"""


def section_for_path(path: str) -> SectionTruth | None:
    """The section served at ``path`` ("/news/national"), or None."""
    return next((s for s in SECTIONS if s.redesign_path == path.rstrip("/")), None)


def _nav(active: str | None) -> str:
    return "".join(
        f'<a class="primary-nav__link{" is-active" if s.name == active else ""}" '
        f'href="{s.redesign_path}">{esc(s.name)}</a>'
        for s in SECTIONS
    )


def most_read(corpus: Corpus) -> str:
    """The server-rendered MOST READ box: ten links with their ranks printed."""
    items = "".join(
        f'<li class="most-read__item"><span class="most-read__rank">{rank}</span>'
        f'<a class="most-read__link" href="/article/{article_id}">'
        f"{esc(corpus.by_id[article_id].title)}</a></li>"
        for rank, article_id in enumerate(corpus.popular_ids, start=1)
    )
    return (
        '<aside class="rail"><section class="most-read">'
        '<h2 class="rail-title">MOST READ</h2>'
        f'<ol class="most-read__items">{items}</ol></section></aside>'
    )


LINKS = chrome.Links(
    article=lambda article_id: f"/article/{article_id}",
    section=lambda section: section.redesign_path,
)


def _page(
    corpus: Corpus,
    title: str,
    main: str,
    active: str | None = None,
    head: str = "",
    weight: str = "light",
    dress: tuple[str, Sequence[ArticleTruth]] | None = None,
) -> str:
    """The page; at the realistic weight, with ``dress`` = (page key, teasers)."""
    top = _HEAD.format(title=esc(title), all_feed=ALL_FEED, head=head, nav=_nav(active))
    content = f'<main id="content" class="page-main">{main}</main>' + most_read(corpus)
    if weight == "light" or dress is None:
        return top + content + _FOOT
    key, teasers = dress
    return chrome.dress(top, content, _FOOT, corpus, key, LINKS, teasers, active)


def _cards(articles: list[ArticleTruth]) -> str:
    return "".join(
        '<div class="story-card">'
        f'<a class="story-card__link" href="/article/{a.article_id}">'
        f'<h3 class="story-card__headline">{esc(a.title)}</h3></a>'
        f'<p class="story-card__dek">{esc(a.summary)}</p>'
        f'<time class="story-card__time" datetime="{a.published_at.isoformat()}">'
        f"{ap_date(a.published_at)}</time></div>"
        for a in articles
    )


def home(corpus: Corpus, weight: str = "light") -> str:
    """Homepage: the latest stories as cards; MOST READ in the rail."""
    main = (
        '<section class="top-stories"><h2 class="block-title">Latest</h2>'
        f'<div class="story-feed">{_cards(corpus.articles[:20])}</div></section>'
    )
    title = "The Korea Herald | Korea's leading English-language daily"
    return _page(corpus, title, main, weight=weight, dress=("home", corpus.articles[:20]))


def section_list(corpus: Corpus, section: SectionTruth, page: int, weight: str = "light") -> str:
    """A section's list page ``?page=N`` (15 cards) with a pager."""
    articles = corpus.in_section(section.name)
    shown = articles[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    last = page_count(len(articles))
    links = [
        f'<a class="pager__link" href="{section.redesign_path}?page={page - 1}" rel="prev">'
        "Previous</a>"
        if page > 1
        else "",
        f'<span class="pager__current">Page {page} of {last}</span>',
        f'<a class="pager__link" href="{section.redesign_path}?page={page + 1}" rel="next">Next</a>'
        if page < last
        else "",
    ]
    main = (
        f'<h1 class="section-heading">{esc(section.name)}</h1>'
        f'<div class="story-feed">{_cards(shown)}</div>'
        f'<nav class="pager" aria-label="Pages">{"".join(links)}</nav>'
    )
    head = (
        f'<link rel="alternate" type="application/rss+xml" title="The Korea Herald: '
        f'{esc(section.name)}" href="/rss/{section.feed}">'
    )
    title = f"{section.name} | The Korea Herald"
    dress = (f"list:{section.name}:{page}", shown)
    return _page(corpus, title, main, section.name, head, weight, dress)


def json_ld(corpus: Corpus, truth: ArticleTruth, url: str) -> dict[str, object]:
    """The page's JSON-LD: an ``@graph`` of WebPage, NewsArticle and BreadcrumbList."""
    kind = "Person" if truth.person_authors else "Organization"
    article: dict[str, object] = {
        "@type": "NewsArticle",
        "@id": f"{url}#article",
        "isPartOf": {"@id": url},
        "headline": truth.title,
        "datePublished": truth.published_at.isoformat(),
        "author": [{"@type": kind, "name": name} for name in truth.authors],
        "articleSection": truth.section,
        "publisher": {"@type": "Organization", "name": "The Korea Herald"},
    }
    if truth.updated_at:
        article["dateModified"] = truth.updated_at.isoformat()
    if truth.images:
        article["image"] = [{"@type": "ImageObject", "url": path} for path, _ in truth.images]
    section = SECTION_BY_NAME[truth.section]
    crumbs = [("Home", "/"), (section.name, section.redesign_path), (truth.title, None)]
    return {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebPage", "@id": url, "url": url, "name": truth.title},
            article,
            {
                "@type": "BreadcrumbList",
                "itemListElement": [
                    {"@type": "ListItem", "position": position, "name": name}
                    | ({"item": path} if path else {})
                    for position, (name, path) in enumerate(crumbs, start=1)
                ],
            },
        ],
    }


def article(corpus: Corpus, article_id: str, weight: str = "light") -> str | None:
    """An article page, or None for an unknown id."""
    truth = corpus.by_id.get(article_id)
    if truth is None:
        return None
    # Root-relative: the replica's own host is the site's, whatever port serves it.
    url = f"/article/{article_id}"
    ld = json.dumps(json_ld(corpus, truth, url), ensure_ascii=False).replace("</", "<\\/")
    head = (
        f'<link rel="canonical" href="{url}">\n'
        f'<meta property="og:title" content="{esc(truth.title)}">\n'
        f'<meta property="og:url" content="{url}">\n'
        f'<script type="application/ld+json">{ld}</script>'
    )
    section = SECTION_BY_NAME[truth.section]
    dek = f'<p class="story-header__dek">{esc(truth.subtitle)}</p>' if truth.subtitle else ""
    updated = (
        f' <span class="story-meta__updated">Updated '
        f'<time datetime="{truth.updated_at.isoformat()}">'
        f"{truth.updated_at:%b %d, %Y %H:%M} KST</time></span>"
        if truth.updated_at
        else ""
    )
    body = "".join(_block(corpus, truth, kind, value) for kind, value in truth.body_blocks())
    main = (
        '<nav class="crumbs" aria-label="Breadcrumb"><a href="/">Home</a> › '
        f'<a href="{section.redesign_path}">{esc(section.name)}</a> › '
        f"<span>{esc(truth.subsection)}</span></nav>"
        f'<header class="story-header"><h1 class="story-header__title">{esc(truth.title)}</h1>'
        f"{dek}"
        f'<div class="story-meta"><span class="story-meta__byline">{esc(truth.byline)}</span> '
        f'<time class="story-meta__published" datetime="{truth.published_at.isoformat()}">'
        f"{truth.published_at:%b %d, %Y %H:%M} KST</time>{updated}</div></header>"
        '<article class="story">'
        '<div class="share-bar"><span>Share</span> <a href="#share-facebook">Facebook</a> '
        '<a href="#share-x">X</a> <a href="#share-link">Copy link</a></div>'
        f'<div class="story__body">{body}</div>'
        '<div class="newsletter-box"><p>Get the Herald Morning Briefing in your inbox.</p>'
        '<form action="#newsletter"><input type="email" placeholder="Email address">'
        "<button>Sign up</button></form></div>"
        "</article>"
    )
    title = f"{truth.title} | The Korea Herald"
    dress = None
    if weight != "light":  # the rails' articles are drawn only for pages that show them
        dress = (f"article:{article_id}", chrome.article_pool(corpus, truth))
    return _page(corpus, title, main, truth.section, head, weight, dress)


def _block(corpus: Corpus, truth: ArticleTruth, kind: str, value: str) -> str:
    if kind == "p":
        index = int(value)
        href = SECTION_BY_NAME[truth.section].redesign_path
        return f"<p>{inline_html(truth.paragraphs[index], truth.marks.get(index, []), href)}</p>"
    if kind == "empty":
        return value
    if kind == "photo":
        path, caption = truth.images[int(value)]
        return f'<figure class="story-figure"><img src="{esc(path)}" alt="{esc(caption)}"></figure>'
    if kind == "ad":
        return '<div class="ad-slot" aria-hidden="true"><span>Advertisement</span></div>'
    links = "".join(
        f'<li><a href="/article/{other}">{esc(corpus.by_id[other].title)}</a></li>'
        for other in value.split(",")
        if other in corpus.by_id
    )
    return f'<aside class="related-links"><h2>Related</h2><ul>{links}</ul></aside>'
