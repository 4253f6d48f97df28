"""Pages of unknown markup: article-looking links, sections by navigation text, ranking boxes
under any usual heading (and the decoys around them), generic list pages."""

from __future__ import annotations

from datetime import date

import pytest

from newsbot.page import Page
from newsbot.sites.base import Section
from newsbot.sites.generic import GenericSite, looks_like_article
from newsbot.sites.koreaherald import KoreaHerald

KH = KoreaHerald()


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/2024/05/12/city-council-votes",
        "https://example.com/world/2024/05/story",
        "https://example.com/news/1234567",
        "https://example.com/a/98765/",
        "https://example.com/politics/council-votes-on-new-budget-plan",
        "https://example.com/local/council-votes.html",
        "/2024/05/12/relative-link",
    ],
)
def test_article_looking_links(url):
    assert looks_like_article(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/",
        "https://example.com/world",
        "https://example.com/2024/05/",
        "https://example.com/tag/council-votes-on-new-budget",
        "https://example.com/author/jane-doe-smith-jones",
        "https://example.com/category/local-news-and-more-things",
        "https://example.com/search?q=1234567",
        "https://example.com/page/2",
        "https://example.com/world/page/12345",
        "https://example.com/feed",
        "https://example.com/rss/all-news-in-one-feed",
        "https://example.com/images/12345678.jpg",
        "https://example.com/uploads/a-photo-of-the-council.png",
        "https://example.com/sitemap-news-2024-05.xml",
        "mailto:desk@example.com",
    ],
)
def test_links_that_never_are_articles(url):
    assert not looks_like_article(url)


def test_generic_site_names_articles_by_canonical_url_and_keeps_its_host():
    site = GenericSite("https://www.example.com")
    assert site.name == "example.com"
    link = "https://www.example.com/news/1234567?utm_source=x#comments"
    assert site.article_url(link) == "https://www.example.com/news/1234567"
    # article_id stays "canonical URL of any same-site URL": validation compares it.
    assert site.article_id("https://www.example.com/world") == "https://www.example.com/world"
    assert site.article_url("https://www.example.com/world") is None
    assert site.article_url("https://other.org/news/1234567") is None


NAV_HOME = """<html><body>
<header>
  <a href="/"><img alt="Example Times"></a>
  <ul class="x1">
    <li><a href="/world">World</a></li>
    <li><a href="/business/">Business</a></li>
    <li><a href="https://other.org/sports">Sports elsewhere</a></li>
  </ul>
</header>
<nav aria-label="More">
  <a href="/culture">Culture &amp; Arts</a>
  <a href="/world">World</a>
  <a href="/2024/05/12/breaking-story-here">Breaking: a long headline in the nav</a>
  <a href="/tag/elections">Elections</a>
  <a href="/rss">RSS</a>
  <a href="#top">Top</a>
  <a href="/opinion">An unusually long navigation label that is no section name</a>
</nav>
<main><ul><li><a href="/science">Science</a></li></ul></main>
</body></html>"""


def test_sections_by_navigation_text_for_any_site():
    page = Page.from_html("https://example.com/", NAV_HOME)
    assert GenericSite("https://example.com").sections(page) == [
        Section("World", "https://example.com/world"),
        Section("Business", "https://example.com/business/"),
        Section("Culture & Arts", "https://example.com/culture"),
    ]


def test_korea_herald_sections_by_navigation_text_when_no_url_form_is_known():
    html = """<html><body><nav role="navigation"><ul>
      <li><a href="/news/national">National</a></li>
      <li><a href="/news/business">Business</a></li>
      <li><a href="/article/10612345">A story in the menu</a></li>
    </ul></nav>
    <a href="/news/opinion">Opinion</a></body></html>"""
    page = Page.from_html("https://www.koreaherald.com/", html)
    assert KH.sections(page) == [
        Section("National", "https://www.koreaherald.com/news/national"),
        Section("Business", "https://www.koreaherald.com/news/business"),
    ]
    # A known URL form wins: navigation text is the fallback only.
    known = html.replace("/news/national", "/National")
    assert KH.sections(Page.from_html("https://www.koreaherald.com/", known)) == [
        Section("National", "https://www.koreaherald.com/National")
    ]


def popular_page(box: str) -> str:
    return f"""<html><body>
    <nav><ul><li><a href="/trending">Trending</a></li><li><a href="/world">World</a></li></ul>
    <ul><li><a href="/article/10000001">Nav story one</a></li>
        <li><a href="/article/10000002">Nav story two</a></li>
        <li><a href="/article/10000003">Nav story three</a></li></ul></nav>
    <section><h3>Popular tags</h3><ul>
      <li><a href="/tag/economy">economy</a></li><li><a href="/tag/kpop">kpop</a></li>
      <li><a href="/tag/seoul">seoul</a></li><li><a href="/tag/trade">trade</a></li></ul></section>
    <section><h3> Popular </h3><ul>
      <li><a href="/article/10000011">Decoy one</a></li>
      <li><a href="/article/10000012">Decoy two</a></li></ul></section>
    {box}
    </body></html>"""


MOST_READ = """<aside><div><h2>MOST
   READ</h2></div><ol>
  <li><span>1</span><a href="/article/10000021">First story</a></li>
  <li><span>2</span><a href="/article/10000022">Second story</a></li>
  <li><span>3</span><a href="/article/10000023">Third story</a></li>
  <li><a href="/tag/seoul">seoul</a></li>
</ol></aside>"""


def test_most_read_box_wins_over_decoys():
    page = Page.from_html("https://www.koreaherald.com/", popular_page(MOST_READ))
    ranks = KH.popular(page)
    assert ranks is not None
    assert [(r.rank, r.title, r.article_id) for r in ranks] == [
        (1, "First story", "10000021"),
        (2, "Second story", "10000022"),
        (3, "Third story", "10000023"),
    ]
    assert {r.list_name for r in ranks} == {"most_popular"}
    assert ranks[0].url == "https://www.koreaherald.com/article/10000021"


@pytest.mark.parametrize("heading", ["Most Popular", "most viewed", "Trending", "  Popular  "])
def test_every_usual_heading_names_the_box(heading):
    box = MOST_READ.replace("MOST\n   READ", heading)
    page = Page.from_html("https://www.koreaherald.com/", popular_page(box))
    ranks = KH.popular(page)
    assert [r.article_id for r in ranks or []] == ["10000021", "10000022", "10000023"]


def test_decoys_alone_are_no_ranking_box():
    page = Page.from_html("https://www.koreaherald.com/", popular_page(""))
    assert KH.popular(page) is None


def test_an_empty_most_popular_list_is_still_a_list_a_script_fills():
    box = "<div><h2>Most Popular</h2><ol></ol></div>"
    page = Page.from_html("https://www.koreaherald.com/", popular_page(box))
    assert KH.popular(page) == []


def test_generic_site_reads_its_ranking_box_with_article_looking_links():
    html = """<html><body><h2>Most Read</h2><ol>
      <li><a href="/2025/11/17/first-story">First</a></li>
      <li><a href="/world">World</a></li>
      <li><a href="/news/1234567?utm_source=box">Second</a></li>
      <li><a href="https://other.org/news/7654321">Elsewhere</a></li>
      <li><a href="/local/third-story-of-the-day">Third</a></li>
    </ol></body></html>"""
    site = GenericSite("https://example.com")
    ranks = site.popular(Page.from_html("https://example.com/", html))
    assert ranks is not None
    assert [(r.rank, r.title, r.url) for r in ranks] == [
        (1, "First", "https://example.com/2025/11/17/first-story"),
        (2, "Second", "https://example.com/news/1234567"),
        (3, "Third", "https://example.com/local/third-story-of-the-day"),
    ]
    assert all(r.article_id == r.url and r.site == "example.com" for r in ranks)


REDESIGNED_LIST = """<html><body>
<nav><a href="/article/10000099">Menu story</a></nav>
<div class="cards">
  <div class="card"><a href="/article/10000005?ref=list"><h3>Five</h3></a>
    <p>Politics · Nov. 17, 2025</p></div>
  <div class="card"><a href="/article/10000004">Four</a><span>2025.11.16 21:00</span>
    <a href="/article/10000004#comments">12 comments</a></div>
  <div class="card"><a href="/article/10000003">Three, undated</a></div>
  <div class="card"><a href="/National">National</a></div>
</div>
<div class="pager"><a href="/National/list?p=1">‹</a> <a href="/National/list?p=3">›</a></div>
</body></html>"""


def test_generic_list_takes_article_links_in_order_with_nearby_dates():
    page = Page.from_html("https://www.koreaherald.com/National/list?p=2", REDESIGNED_LIST)
    listing = KH.generic_list(page)
    assert [(t.url, t.article_id, t.published_on) for t in listing.teasers] == [
        ("https://www.koreaherald.com/article/10000005", "10000005", date(2025, 11, 17)),
        ("https://www.koreaherald.com/article/10000004", "10000004", date(2025, 11, 16)),
        ("https://www.koreaherald.com/article/10000003", "10000003", None),
    ]
    assert listing.next_url == "https://www.koreaherald.com/National/list?p=3"


@pytest.mark.parametrize(
    ("pager", "expected"),
    [
        ('<link rel="next" href="/world?page=3">', "https://example.com/world?page=3"),
        ('<a href="/world?page=3">2</a><a href="/world?page=3x">Next</a>',
         "https://example.com/world?page=3"),  # the same list one page on, by its URL
        ('<a href="/world/older">Next page »</a>', "https://example.com/world/older"),
        ('<a href="/world/more">More</a>', "https://example.com/world/more"),
        ('<a href="https://other.org/world/more">More</a>', None),
        ('<a href="/world?page=2">Next</a>', None),  # this very page
        ('<a href="/world/about">About</a>', None),
    ],
)  # fmt: skip
def test_generic_list_next_page(pager, expected):
    html = f"<html><head></head><body><a href='/2025/11/17/a-story'>A</a>{pager}</body></html>"
    if pager.startswith("<link"):
        html = html.replace("<head></head>", f"<head>{pager}</head>").replace(pager + "</b", "</b")
    page = Page.from_html("https://example.com/world?page=2", html)
    assert GenericSite("https://example.com").generic_list(page).next_url == expected


def test_a_usual_heading_over_a_list_without_links_is_a_list_a_script_fills():
    box = "<div><h2>Most Read</h2><ol id='popular'></ol></div>"
    page = Page.from_html("https://www.koreaherald.com/", popular_page(box))
    assert KH.popular(page) == []
    # A list holding links, none of them articles, is no box to wait for.
    tags = "<div><h2>Most Read</h2><ol><li><a href='/tag/x'>x</a></li></ol></div>"
    assert KH.popular(Page.from_html("https://www.koreaherald.com/", popular_page(tags))) is None
