"""The replica's 2023 layout (Aug 2023 – Dec 2024): ``view.php`` / ``list.php`` with news_* classes.

Sourced class names: ``news_content``, ``news_title_area``, ``h1/h2.news_title``, ``news_date``,
``news_text_area``, ``img_box``, ``img_caption``, ``text_box``, ``news_btn_wrap``,
``news_journalist_area``, ``category_detail_list``, ``news_link``, ``number``; the Most Popular
title ``p.news_title > span.ellipsis2``. Invented, because the live markup is unknown: the Most
Popular container (``popular_area``/``popular_list``/``rank``), the byline element
(``news_byline``), the teaser's section label, and the in-body ad (``ad_wrap``) and related
box (``related_news``). Parsers must not rely on the invented ones.

Article bodies follow the article's template (see :data:`newsbot.replica.corpus.TEMPLATES`):
inline ``<a>``, ``<em>``, ``<strong>`` and ``<br>`` in paragraphs, empty paragraphs, photos
with credited captions between paragraphs, ads and related boxes in the text box, or the text
split into several ``div.text_box`` (seen on the live site).
"""

from __future__ import annotations

from collections.abc import Sequence

from newsbot.replica import chrome
from newsbot.replica.common import PAGE_SIZE, ap_date, ap_datetime, esc, inline_html, page_count
from newsbot.replica.corpus import SECTION_BY_NAME, SECTIONS, ArticleTruth, Corpus

_HEAD = """<!DOCTYPE html>
<html lang="en">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<meta name="author" content="The Korea Herald">
<link rel="stylesheet" href="/css/common.css">
<script>var _GCD='020000000000'; var _AceTitle='{title}';</script>
</head>
<body>
<!-- 상단 헤더 영역 -->
<div class="header_wrap"><div class="header">
<h1 class="logo"><a href="/"><img src="/images/logo.png" alt="The Korea Herald"></a></h1>
<ul class="gnb">{nav}</ul>
<form class="search" action="/search/index.php"><input name="q" title="search"></form>
</div></div>
"""
_FOOT = """
<!-- 하단 영역 -->
<div class="footer"><p>Copyright Herald Corporation. All Rights Reserved.</p>
<ul class="footer_link"><li><a href="/list.php?ctv=21">Herald Interview</a></li>
<li><a href="/search/list_reporter.php?byline=Son+Ji-hyoung">Reporters</a></li></ul></div>
</body>
</html>
"""


def _nav() -> str:
    return "".join(
        f'<li><a href="/list.php?ct={section.ct}">{esc(section.name)}</a></li>'
        for section in SECTIONS
    )


LINKS = chrome.Links(
    article=lambda article_id: f"/view.php?ud={article_id}",
    section=lambda section: f"/list.php?ct={section.ct}",
)


def _page(
    title: str,
    content: str,
    weight: str = "light",
    dress: tuple[Corpus, str, Sequence[ArticleTruth], str | None] | None = None,
) -> str:
    """The page; at the realistic weight, with ``dress`` = (corpus, page key, teasers, section)."""
    head = _HEAD.format(title=esc(title), nav=_nav())
    if weight == "light" or dress is None:
        return head + content + _FOOT
    corpus, key, teasers, section = dress
    return chrome.dress(head, content, _FOOT, corpus, key, LINKS, teasers, section)


def most_popular(corpus: Corpus) -> str:
    """The site-wide top 10, first block of every page."""
    items = []
    for rank, article_id in enumerate(corpus.popular_ids, start=1):
        article = corpus.by_id[article_id]
        items.append(
            f'<li><a href="/view.php?ud={article_id}"><span class="rank">{rank}</span>'
            '<p class="news_title">'
            f'<span class="ellipsis2">{esc(article.title)}</span></p></a></li>'
        )
    return (
        '<div class="popular_area"><h3 class="popular_tit">Most Popular</h3>'
        f'<ul class="popular_list">{"".join(items)}</ul></div>\n'
    )


def home(corpus: Corpus, weight: str = "light") -> str:
    """Homepage: navigation, Most Popular, the latest headlines."""
    latest = "".join(
        f'<li><a href="/view.php?ud={a.article_id}">'
        f'<strong class="ellipsis">{esc(a.title)}</strong>'
        f'</a><span class="date">{ap_date(a.published_at)}</span></li>'
        for a in corpus.articles[:20]
    )
    content = (
        most_popular(corpus)
        + '<div class="main_latest"><h2 class="main_tit">Latest News</h2>'
        + f'<ul class="main_latest_list">{latest}</ul>'
        + '<a class="more" href="/list.php?ct=020000000000">more</a></div>'
    )
    return _page("The Korea Herald", content, weight, (corpus, "home", corpus.articles[:20], None))


def section_list(
    corpus: Corpus,
    ct: str,
    page: int,
    drift: frozenset[str] = frozenset(),
    weight: str = "light",
) -> str | None:
    """A section's list page ``np=page`` (15 teasers), or None for an unknown section.

    With the ``list`` drift, teaser links carry a class newsbot does not know.
    """
    section = next((s for s in SECTIONS if s.ct == ct), None)
    if section is None:
        return None
    articles = corpus.in_section(section.name)
    shown = articles[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    teasers = []
    link_class = "article_link" if "list" in drift else "news_link"
    for article in shown:
        image = (
            f'<div class="news_img"><img src="{esc(article.images[0][0])}" alt=""></div>'
            if article.images
            else ""
        )
        teasers.append(
            f'<li><a class="{link_class}" href="view.php?ud={article.article_id}">{image}'
            f'<div class="news_text"><strong class="ellipsis">{esc(article.title)}</strong>'
            f'<p class="news_txt ellipsis3">{esc(article.summary)}</p>'
            f'<p class="date"><span class="cate">{esc(article.subsection)}</span>'
            f"{ap_date(article.published_at)}</p></div></a></li>"
        )
    content = (
        most_popular(corpus)
        + '<div class="category_detail_layout">'
        + f'<h2 class="category_tit">{esc(section.name)}</h2>'
        + f'<ul class="category_detail_list">{"".join(teasers)}</ul>'
        + _paging(section.ct, page, page_count(len(articles)))
        + "</div>"
    )
    dress = (corpus, f"list:{ct}:{page}", shown, section.name)
    return _page(f"{section.name} - The Korea Herald", content, weight, dress)


def _paging(ct: str, page: int, last: int) -> str:
    block = (page - 1) // 10
    first, final = block * 10 + 1, min(block * 10 + 10, last)
    links = "".join(
        f'<a href="list.php?ct={ct}&amp;np={n}&amp;mp={block + 1}"'
        f"{' class=on' if n == page else ''}>{n}</a>"
        for n in range(first, final + 1)
    )
    previous = (
        f'<a class="prev" href="list.php?ct={ct}&amp;np={first - 1}&amp;mp={block}">Prev</a>'
        if block
        else ""
    )
    following = (
        f'<a class="next" href="list.php?ct={ct}&amp;np={final + 1}&amp;mp={block + 2}">Next</a>'
        if final < last
        else ""
    )
    return f'<div class="paging">{previous}<div class="number">{links}</div>{following}</div>'


def article(
    corpus: Corpus, article_id: str, drift: frozenset[str] = frozenset(), weight: str = "light"
) -> str | None:
    """An article page, or None for an unknown id.

    ``drift`` serves the markup of site redesigns newsbot does not know yet
    (:data:`newsbot.replica.drift.DRIFT_MODES`); ``redesign`` moves the byline out of the
    title area into the reporter box and renames one article page in four's containers.
    Monitoring must notice.
    """
    truth = corpus.by_id.get(article_id)
    if truth is None:
        return None
    moved_byline = bool(drift & {"redesign", "authors"})
    content = _content(corpus, truth, byline_in_title=not moved_byline)
    if "redesign" in drift and int(article_id) % 4 == 0:
        content = content.replace("news_title_area", "article_head").replace(
            "news_content", "article_wrap"
        )
    if "title" in drift:
        content = content.replace('<h1 class="news_title">', '<h1 class="article_headline">')
    if "published_at" in drift:
        content = content.replace("Published : ", "Posted : ")
    if "body" in drift:
        content = content.replace('<div class="text_box">', '<div class="article_text">')
    dress = None
    if weight != "light":  # the rails' articles are drawn only for pages that show them
        dress = (corpus, f"article:{article_id}", chrome.article_pool(corpus, truth), truth.section)
    return _page(f"{truth.title} - The Korea Herald", most_popular(corpus) + content, weight, dress)


def _content(corpus: Corpus, truth: ArticleTruth, byline_in_title: bool = True) -> str:
    subtitle = f'<h2 class="news_title">{esc(truth.subtitle)}</h2>' if truth.subtitle else ""
    dates = f"Published : {ap_datetime(truth.published_at)}"
    if truth.updated_at:
        dates += f" <span>Updated : {ap_datetime(truth.updated_at)}</span>"
    reporter = truth.authors[0] if truth.person_authors else "The Korea Herald"
    byline = f'<div class="news_byline">{esc(truth.byline)}</div>'
    return (
        '<div class="news_content">'
        '<div class="news_title_area">'
        f'<h1 class="news_title">{esc(truth.title)}</h1>{subtitle}'
        f"{byline if byline_in_title else ''}"
        f'<p class="news_date">{dates}</p>'
        "</div>"
        '<div class="news_btn_wrap"><button>Share</button><button>Print</button></div>'
        f'<div class="news_text_area">{_body(corpus, truth)}</div>'
        f'<div class="news_journalist_area"><p>{esc(reporter)}</p>'
        f"{'' if byline_in_title else byline}</div>"
        "</div>"
    )


def _body(corpus: Corpus, truth: ArticleTruth) -> str:
    """Photos, text boxes, ads and related boxes in the order of the article's blocks.

    Photos before the first paragraph come before the text box. Photo-led and wire pages
    split the text into several ``div.text_box`` at photos and ads (some scrapers join
    several boxes, S7); the others keep photos, ads and related boxes inside the text box.
    """
    split = truth.template in ("photo_led", "wire")
    parts: list[str] = []
    in_box = False
    for kind, value in truth.body_blocks():
        if kind in ("p", "empty") or not split:
            if not in_box and (kind != "photo" or parts):
                parts.append('<div class="text_box">')
                in_box = True
        elif in_box:
            parts.append("</div>")
            in_box = False
        parts.append(_block(corpus, truth, kind, value))
    if in_box:
        parts.append("</div>")
    return "".join(parts)


def _block(corpus: Corpus, truth: ArticleTruth, kind: str, value: str) -> str:
    if kind == "p":
        index = int(value)
        href = f"/list.php?ct={SECTION_BY_NAME[truth.section].ct}"
        return f"<p>{inline_html(truth.paragraphs[index], truth.marks.get(index, []), href)}</p>"
    if kind == "empty":
        return value
    if kind == "photo":
        path, caption = truth.images[int(value)]
        return (
            f'<div class="img_box"><img src="{esc(path)}" alt="">'
            f'<p class="img_caption">{esc(caption)}</p></div>'
        )
    if kind == "ad":  # invented: the live site's ad markup is unknown
        return (
            '<div class="ad_wrap"><p class="ad_txt">AD</p>'
            "<script>googletag.cmd.push(function(){googletag.display('ad_view_1');});</script>"
            "</div>"
        )
    links = "".join(
        f'<li><a href="view.php?ud={other}">{esc(corpus.by_id[other].title)}</a></li>'
        for other in value.split(",")
        if other in corpus.by_id
    )
    return (  # invented, like the ad
        '<div class="related_news"><p class="related_tit">Related Articles</p>'
        f"<ul>{links}</ul></div>"
    )
