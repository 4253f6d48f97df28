"""The replica's current layout (Dec 2024 →): ``/article/<id>``, ``/National?page=N``.

Sourced: ``ul.gnb`` with ``li.on``, ``div.nav_area > a.category``, the list chain
``main.div_layout > section.section_list > article.recent_news > ul.news_list > li`` with
``div.news_img``, ``p.news_title``, ``span.date``; JSON-LD NewsArticle, og/article meta;
``article#articleText.article-body > p`` and ``figure.article-img > img[alt]``.
Invented, because the live markup is unknown: the visible headline/byline/date block, the
pagination element, the in-body ad (``ad-wrap``) and related box (``related-news``), and the
Most Popular widget, which a script builds in the browser from ``/api/most-popular.json`` (as
heavy sites do), so only a rendering crawler sees it.

Article bodies follow the article's template (:data:`newsbot.replica.corpus.TEMPLATES`):
inline markup, empty paragraphs, photos, ads and related boxes between the paragraphs of
``article#articleText``. Its structured data follows the article's JSON-LD variant
(:data:`newsbot.replica.corpus.JSONLD_VARIANTS`): complete, missing, without author or
dateModified, or with a dateModified older than the visible "Updated" time, which is right
(the page shows readers the newsroom's update; stale structured data does not override it).

Feeds (RSS 2.0, :mod:`newsbot.replica.feeds`) are advertised in the footer.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from newsbot.replica import chrome
from newsbot.replica.common import PAGE_SIZE, ap_date, ap_datetime, esc, inline_html, page_count
from newsbot.replica.corpus import SECTION_BY_NAME, SECTIONS, ArticleTruth, Corpus, SectionTruth

POPULAR_API = "/api/most-popular.json"
POPULAR_SCRIPT = "/js/most-popular.js"

_HEAD = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
{meta}
<link rel="stylesheet" href="/css/style.css">
</head>
<body>
<header class="header"><div class="inner">
<a class="logo" href="/"><img src="/images/logo.svg" alt="The Korea Herald"></a>
<nav><ul class="gnb">{nav}</ul></nav>
<a class="search" href="/search/detail?q=&amp;stype=NEWS">Search</a>
</div></header>
"""
_FOOT = """
<footer class="footer"><p>© The Korea Herald. All rights reserved.</p>
<a href="/rss/newsAll">RSS</a></footer>
</body>
</html>
"""


def _nav(active: str | None) -> str:
    return "".join(
        f"<li{' class=on' if section.name == active else ''}>"
        f'<a href="{section.path}">{esc(section.name)}</a></li>'
        for section in SECTIONS
    )


LINKS = chrome.Links(
    article=lambda article_id: f"/article/{article_id}",
    section=lambda section: section.path,
)


def _page(
    title: str,
    content: str,
    active: str | None = None,
    meta: str = "",
    weight: str = "light",
    dress: tuple[Corpus, str, Sequence[ArticleTruth], str | None] | None = None,
) -> str:
    """The page; at the realistic weight, with ``dress`` = (corpus, page key, teasers, section)."""
    head = _HEAD.format(title=esc(title), meta=meta, nav=_nav(active))
    if weight == "light" or dress is None:
        return head + content + _FOOT
    corpus, key, teasers, section = dress
    return chrome.dress(head, content, _FOOT, corpus, key, LINKS, teasers, section)


def home(corpus: Corpus, weight: str = "light") -> str:
    """Homepage: navigation, an empty Most Popular widget filled by script, latest news."""
    latest = "".join(
        f'<li><a href="/article/{a.article_id}"><p class="news_title">{esc(a.title)}</p>'
        f'<span class="date">{ap_date(a.published_at)}</span></a></li>'
        for a in corpus.articles[:20]
    )
    content = (
        '<main class="div_layout main">'
        '<section class="main_latest"><h2 class="main_tit">Latest News</h2>'
        f'<ul class="latest_list">{latest}</ul></section>'
        '<aside class="popular_wrap"><h2 class="popular_tit">Most Popular</h2>'
        '<ol class="popular_list" id="mostPopular" data-src="' + POPULAR_API + '"></ol></aside>'
        "</main>"
        f'<script src="{POPULAR_SCRIPT}" defer></script>'
    )
    dress = (corpus, "home", corpus.articles[:20], None)
    return _page("The Korea Herald", content, weight=weight, dress=dress)


def popular_json(corpus: Corpus) -> str:
    """The JSON the Most Popular script reads: rank, title and link of the top 10."""
    return json.dumps(
        [
            {"rank": rank, "title": corpus.by_id[article_id].title, "url": f"/article/{article_id}"}
            for rank, article_id in enumerate(corpus.popular_ids, start=1)
        ],
        ensure_ascii=False,
    )


POPULAR_JS = """// Builds the Most Popular list from its JSON endpoint.
(function () {
  var list = document.getElementById('mostPopular');
  if (!list) { return; }
  fetch(list.getAttribute('data-src'))
    .then(function (response) { return response.json(); })
    .then(function (entries) {
      entries.forEach(function (entry) {
        var item = document.createElement('li');
        var link = document.createElement('a');
        link.href = entry.url;
        var rank = document.createElement('span');
        rank.className = 'num';
        rank.textContent = String(entry.rank);
        var title = document.createElement('p');
        title.className = 'news_title';
        title.textContent = entry.title;
        link.appendChild(rank);
        link.appendChild(title);
        item.appendChild(link);
        list.appendChild(item);
      });
      list.setAttribute('data-ready', 'true');
    });
})();
"""


def section_for_path(path: str) -> SectionTruth | None:
    """The section served at ``path`` ("/National"), or None."""
    return next((s for s in SECTIONS if s.path == path.rstrip("/")), None)


def section_list(corpus: Corpus, section: SectionTruth, page: int, weight: str = "light") -> str:
    """A section's list page ``?page=N`` (15 teasers)."""
    articles = corpus.in_section(section.name)
    shown = articles[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    teasers = []
    for article in shown:
        image = (
            f'<div class="news_img"><img src="{esc(article.images[0][0])}?type=w&amp;w=640" alt="">'
            "</div>"
            if article.images
            else ""
        )
        teasers.append(
            f'<li><a href="/article/{article.article_id}">{image}<div class="news_txt_wrap">'
            f'<p class="news_title">{esc(article.title)}</p>'
            f'<p class="news_text">{esc(article.summary)}</p>'
            f'<span class="date">{ap_date(article.published_at)}</span></div></a></li>'
        )
    last = page_count(len(articles))
    pages = "".join(
        f'<a href="{section.path}?page={n}&amp;pageTop=true"{" class=on" if n == page else ""}>'
        f"{n}</a>"
        for n in range(max(1, page - 4), min(last, page + 5) + 1)
    )
    content = (
        '<main class="div_layout">'
        '<div class="nav_area">'
        f'<a class="category" href="{section.path}">{esc(section.name)}</a></div>'
        '<section class="section_list"><article class="recent_news">'
        f'<ul class="news_list">{"".join(teasers)}</ul></article>'
        f'<div class="pagination">{pages}</div></section></main>'
    )
    dress = (corpus, f"list:{section.name}:{page}", shown, section.name)
    return _page(
        f"{section.name} - The Korea Herald",
        content,
        active=section.name,
        weight=weight,
        dress=dress,
    )


def article(
    corpus: Corpus, article_id: str, drift: frozenset[str] = frozenset(), weight: str = "light"
) -> str | None:
    """An article page, or None for an unknown id.

    With the ``section`` drift, the navigation no longer marks the article's section.
    """
    truth = corpus.by_id.get(article_id)
    if truth is None:
        return None
    section = None if "section" in drift else truth.sections[0]
    dress = None
    if weight != "light":  # the rails' articles are drawn only for pages that show them
        dress = (corpus, f"article:{article_id}", chrome.article_pool(corpus, truth), truth.section)
    return _page(
        f"{truth.title} - The Korea Herald",
        _content(corpus, truth),
        active=section,
        meta=_meta(corpus, truth),
        weight=weight,
        dress=dress,
    )


def _meta(corpus: Corpus, truth: ArticleTruth) -> str:
    """JSON-LD and meta tags, as full as the article's JSON-LD variant (corpus.JSONLD_VARIANTS)."""
    variant = truth.jsonld or "full"
    image = (
        f'<meta property="og:image" content="{esc(truth.images[0][0])}">' if truth.images else ""
    )
    tags = [f'<meta property="og:description" content="{esc(truth.summary)}">']
    if variant != "bare":
        tags += [
            f'<meta property="og:title" content="{esc(truth.title)} - The Korea Herald">',
            '<meta property="og:type" content="article">',
            image,
            f'<meta property="article:published_time" content="{truth.published_at.isoformat()}">',
        ]
    if variant not in ("none", "bare"):
        ld = json.dumps(json_ld(corpus, truth), ensure_ascii=False).replace("</", "<\\/")
        tags.append(f'<script type="application/ld+json">{ld}</script>')
    return "\n".join(tag for tag in tags if tag)


def json_ld(corpus: Corpus, truth: ArticleTruth) -> dict[str, object]:
    """The NewsArticle object of the article's JSON-LD variant (dates without an offset)."""
    variant = truth.jsonld or "full"
    kind = "Person" if truth.person_authors else "Organization"
    authors = [{"@type": kind, "name": name} for name in truth.authors]
    data: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": f"{truth.title} - The Korea Herald",
        "datePublished": truth.published_at.strftime("%Y-%m-%dT%H:%M:%S"),
        "author": authors[0] if len(authors) == 1 else authors,
        "publisher": {"@type": "Organization", "name": "The Korea Herald"},
        "mainEntityOfPage": corpus.article_path(truth.article_id),
    }
    if variant == "no_author":
        del data["author"]
    modified = truth.stale_modified if variant == "stale_modified" else truth.updated_at
    if modified and variant != "no_modified":
        data["dateModified"] = modified.strftime("%Y-%m-%dT%H:%M:%S")
    if truth.images:
        data["image"] = [path for path, _ in truth.images]
    return data


def _content(corpus: Corpus, truth: ArticleTruth) -> str:
    subtitle = f"<h2>{esc(truth.subtitle)}</h2>" if truth.subtitle else ""
    dates = f"Published : {ap_datetime(truth.published_at)}"
    if truth.updated_at:
        dates += f" Updated : {ap_datetime(truth.updated_at)}"
    body = "".join(_block(corpus, truth, kind, value) for kind, value in truth.body_blocks())
    return (
        '<main class="div_layout view">'
        f'<div class="nav_area"><a class="category" href="#">{esc(truth.subsection)}</a></div>'
        f'<div class="news_title_wrap"><h1>{esc(truth.title)}</h1>{subtitle}'
        f'<p class="byline">{esc(truth.byline)}</p><p class="date">{dates}</p></div>'
        f'<article id="articleText" class="article-body">{body}</article>'
        "</main>"
    )


def _block(corpus: Corpus, truth: ArticleTruth, kind: str, value: str) -> str:
    if kind == "p":
        index = int(value)
        href = SECTION_BY_NAME[truth.section].path
        return f"<p>{inline_html(truth.paragraphs[index], truth.marks.get(index, []), href)}</p>"
    if kind == "empty":
        return value
    if kind == "photo":
        path, caption = truth.images[int(value)]
        return (
            '<div class="article-photo-wrap size-l align-c"><figure class="article-img">'
            f'<img src="{esc(path)}" alt="{esc(caption)}" referrerpolicy="no-referrer">'
            "</figure></div>"
        )
    if kind == "ad":  # invented: the live site's ad markup is unknown
        return (
            '<div class="ad-wrap"><div id="div-gpt-ad-article-1">'
            "<script>googletag.cmd.push(function(){googletag.display('div-gpt-ad-article-1');});"
            '</script></div><p class="ad-label">ADVERTISEMENT</p></div>'
        )
    links = "".join(
        f'<li><a href="/article/{other}">{esc(corpus.by_id[other].title)}</a></li>'
        for other in value.split(",")
        if other in corpus.by_id
    )
    return (  # invented, like the ad
        '<div class="related-news"><p class="related-tit">Related Articles</p>'
        f"<ul>{links}</ul></div>"
    )
