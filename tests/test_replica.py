"""The offline replica: a deterministic, varied corpus, served correctly over loopback."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from parsel import Selector

import newsbot.replica
from newsbot.extract.dates import KST
from newsbot.replica.common import PAGE_SIZE, ap_datetime, esc, inline_html
from newsbot.replica.corpus import (
    JSONLD_VARIANTS,
    LAYOUTS,
    REFERENCE_ID,
    SECTIONS,
    TEMPLATES,
    build_corpus,
)
from newsbot.replica.server import Replica, ReplicaServer


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, ""


@pytest.mark.parametrize("layout", ["2023", "current"])
def test_corpus_is_deterministic_and_varied(layout):
    corpus = build_corpus(layout, 300)
    again = build_corpus(layout, 300)
    assert [(a.article_id, a.title, a.body) for a in corpus.articles] == [
        (a.article_id, a.title, a.body) for a in again.articles
    ]
    assert len(corpus.articles) == 300
    assert len(corpus.by_id) == 300, "article ids are unique"
    assert len({a.title for a in corpus.articles}) == 300, "titles are unique"
    assert all(a.published_at <= corpus.now for a in corpus.articles)
    assert len(corpus.popular_ids) == 10
    assert set(corpus.popular_ids) <= set(corpus.by_id)
    bylines = [a.byline for a in corpus.articles]
    assert any("@heraldcorp.com)" in b for b in bylines), "staff with e-mail"
    assert any(" and " in b for b in bylines), "several authors"
    assert any(b == "By Yonhap" for b in bylines), "wire service"
    assert any(len(a.sections) == 2 for a in corpus.articles), "an article in two sections"
    assert any(a.updated_at for a in corpus.articles)
    assert any(a.subtitle for a in corpus.articles)
    assert any(a.kicker for a in corpus.articles)
    assert any(caption for a in corpus.articles for _, caption in a.images)
    assert any(re.search("[\uac00-\ud7a3]", a.body) for a in corpus.articles), "Korean text"
    assert any(re.search("[‘’“”]", a.body) for a in corpus.articles), "curly quotes"


def test_ids_follow_the_site_schemes():
    for article in build_corpus("2023", 300).articles:
        assert re.fullmatch(r"\d{14}", article.article_id)
        assert article.article_id[:8] == article.published_at.strftime("%Y%m%d")
    for article in build_corpus("current", 300).articles:
        assert re.fullmatch(r"\d{8}", article.article_id)


def test_reference_article_is_in_the_2023_corpus():
    corpus = build_corpus("2023", 300)
    article = corpus.by_id["20230911000813"]
    assert article.title == "N. Korean leader to 'soon' visit Russia for summit with Putin: KCNA"
    assert article.byline == "By Yonhap"
    assert article.published_at == datetime(2023, 9, 11, 20, 38, tzinfo=KST)
    assert len(article.paragraphs) == 7
    assert corpus.by_id[corpus.popular_ids[0]].title == (
        "Mass stabbing fears set off stampede in Seoul subway"
    )


def test_bad_corpus_arguments():
    with pytest.raises(ValueError, match="unknown layout"):
        build_corpus("2019")
    with pytest.raises(ValueError, match="at least 20"):
        build_corpus("2023", 5)


def test_server_refuses_non_loopback_addresses():
    with pytest.raises(ValueError, match="loopback"):
        ReplicaServer(build_corpus("2023", 20), host="0.0.0.0")  # noqa: S104 - must be refused


@pytest.mark.parametrize("layout", LAYOUTS)
def test_a_section_lists_its_articles_newest_first_each_once(layout):
    corpus = build_corpus(layout, 300)
    names = {name for article in corpus.articles for name in article.sections}
    assert len(names) >= 6
    for name in names:
        listed = corpus.in_section(name)
        assert listed == [a for a in corpus.articles if name in a.sections]
        assert len({a.article_id for a in listed}) == len(listed)
        listed.clear()  # a caller's list is its own
        assert corpus.in_section(name), name
    assert corpus.in_section("Nope") == []


def test_2023_pages(replica_2023):
    base = replica_2023.base_url
    corpus = replica_2023.replica.corpus
    status, robots = fetch(f"{base}/robots.txt")
    assert status == 200
    assert "User-agent: *" in robots
    national = corpus.in_section("National")
    last = -(-len(national) // PAGE_SIZE)
    for page in (1, last):
        status, html = fetch(f"{base}/list.php?ct=020100000000&np={page}")
        assert status == 200
        links = re.findall(r'class="news_link" href="view\.php\?ud=(\d+)"', html)
        assert links == [a.article_id for a in national[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]]
    status, html = fetch(f"{base}/list.php?ct=020100000000&np={last + 1}")
    assert status == 200
    assert "news_link" not in html
    status, html = fetch(f"{base}/view.php?ud=20230911000813")
    assert status == 200
    assert html.index("Most Popular") < html.index("news_title_area")
    assert fetch(f"{base}/view.php?ud=20990101000001")[0] == 404
    assert fetch(f"{base}/list.php?ct=020100000000&np=zero")[0] == 404
    assert fetch(f"{base}/nowhere")[0] == 404


def test_current_pages(replica_current):
    base = replica_current.base_url
    corpus = replica_current.replica.corpus
    status, html = fetch(f"{base}/")
    assert status == 200
    assert 'id="mostPopular"' in html
    assert re.search(r'id="mostPopular"[^>]*></ol>', html), "served empty, filled by script"
    status, body = fetch(f"{base}/api/most-popular.json")
    entries = json.loads(body)
    assert [e["url"] for e in entries] == [f"/article/{i}" for i in corpus.popular_ids]
    assert [e["rank"] for e in entries] == list(range(1, 11))
    status, html = fetch(f"{base}/National?page=2&pageTop=true")
    assert status == 200
    links = re.findall(r'<li><a href="/article/(\d+)"', html)
    assert links == [a.article_id for a in corpus.in_section("National")[PAGE_SIZE : 2 * PAGE_SIZE]]
    article = corpus.articles[0]
    status, html = fetch(f"{base}/article/{article.article_id}")
    assert status == 200
    assert "application/ld+json" in html
    assert {s.path for s in SECTIONS} >= {"/National", "/Business"}


DRIFTED = {
    # mode: (layout, path of a page, markup the drifted page lacks, markup it has instead)
    "title": ("2023", "/view.php?ud=20230911000813", '<h1 class="news_title">', "article_headline"),
    "published_at": ("2023", "/view.php?ud=20230911000813", "Published : ", "Posted : "),
    "authors": (
        "2023",
        "/view.php?ud=20230911000813",
        "By Yonhap</div><p",
        "By Yonhap</div></div>",
    ),
    "body": ("2023", "/view.php?ud=20230911000813", 'class="text_box"', 'class="article_text"'),
    "list": ("2023", "/list.php?ct=020100000000", 'class="news_link"', 'class="article_link"'),
    "section": ("current", "/article/{id}", "<li class=on>", '<ul class="gnb"><li>'),
}


@pytest.mark.parametrize("mode", DRIFTED)
def test_each_drift_mode_changes_its_markup(mode):
    layout, path, before, after = DRIFTED[mode]
    corpus = build_corpus(layout, 300)
    path = path.format(id=corpus.articles[0].article_id)
    plain = Replica(corpus).handle(path).body.decode()
    drifted = Replica(corpus, drift=mode).handle(path).body.decode()
    assert before in plain
    assert after not in plain
    assert before not in drifted
    assert after in drifted


def test_plain_drift_is_the_redesign_and_bad_modes_are_refused():
    corpus = build_corpus("2023", 20)
    assert Replica(corpus, drift=True).drift == {"redesign"}
    assert Replica(corpus, drift="title,body").drift == {"title", "body"}
    assert Replica(corpus).drift == set()
    with pytest.raises(ValueError, match="unknown drift 'colour'"):
        Replica(corpus, drift="colour")
    with pytest.raises(ValueError, match="served by the current layout"):
        Replica(corpus, drift="section")


# --- templates, JSON-LD variants, truth, feeds and the redesign -----------------------------


@pytest.mark.parametrize("layout", ["2023", "current", "redesign"])
def test_every_template_occurs_in_a_small_corpus(layout):
    corpus = build_corpus(layout, 100)
    assert {a.template for a in corpus.articles} == set(TEMPLATES)
    if layout == "current":
        assert {a.jsonld for a in corpus.articles} == set(JSONLD_VARIANTS)
    assert {a.jsonld for a in corpus.articles} == {
        "2023": {None},
        "current": set(JSONLD_VARIANTS),
        "redesign": {"graph"},
    }[layout]


def test_the_redesign_serves_the_current_articles():
    current, redesign = build_corpus("current", 60), build_corpus("redesign", 60)
    assert [(a.article_id, a.title, a.body) for a in current.articles] == [
        (a.article_id, a.title, a.body) for a in redesign.articles
    ]


def test_kickers_are_the_generators_choice():
    corpus = build_corpus("2023", 300)
    assert corpus.by_id["20230921000655"].kicker == "Today’s K-pop"
    assert corpus.by_id[REFERENCE_ID].kicker is None
    for article in corpus.articles:
        if article.kicker:
            assert article.title.startswith(f"[{article.kicker}] ")
        else:
            assert not article.title.startswith("[")
    editorials = [a for a in corpus.articles if a.subsection == "Editorial"]
    assert editorials
    assert {a.kicker for a in editorials} == {"Editorial"}


def test_the_replica_imports_no_extraction_helper():
    """Its truth must not share the mistakes of the code it checks."""
    replica_dir = Path(newsbot.replica.__file__).parent
    for module in replica_dir.glob("*.py"):
        source = module.read_text(encoding="utf-8")
        assert not re.search(r"newsbot\.(extract|loaders|sites|sanitize)", source), module.name


def test_inline_markup_keeps_the_text():
    text = "Seoul said so. Busan agreed on Monday."
    marks = [
        ("a", "Seoul"),
        ("em", "on Monday"),
        ("br", "Busan agreed on Monday."),
        ("strong", "o"),
    ]
    html = inline_html(text, marks, "/National")
    assert html == '<a href="/National">Seoul</a> said so.<br>Busan agreed <em>on Monday</em>.'
    # A mark whose phrase is gone (an edited or damaged text) is left out.
    assert inline_html("Nothing here", [("em", "Seoul"), ("br", "Busan")], "/") == "Nothing here"


def article_html(layout: str, template: str, jsonld: str | None = None) -> tuple[str, Any]:
    corpus = build_corpus(layout, 100)
    truth = next(
        a
        for a in corpus.articles
        if a.template == template and (jsonld is None or a.jsonld == jsonld)
    )
    return Replica(corpus).handle(corpus.article_path(truth.article_id)).body.decode(), truth


@pytest.mark.parametrize("layout", ["2023", "current", "redesign"])
def test_templates_put_markup_between_and_inside_paragraphs(layout):
    html, truth = article_html(layout, "standard")
    assert re.search(r"<p>(&nbsp;)?</p>", html), "an empty paragraph"
    assert "Related" in html
    assert re.search("AD|Advertisement|ADVERTISEMENT", html)
    html, truth = article_html(layout, "live")
    assert re.search(r"<p><strong>\d\d:\d\d</strong><br>", html), "a live entry"
    html, truth = article_html(layout, "photo_led")
    captions = [caption for _, caption in truth.images]
    assert len(captions) >= 2
    assert all(esc(caption) in html for caption in captions)
    assert all(caption.endswith(("(Yonhap)", "(The Korea Herald)")) for caption in captions)


def jsonld_of(html: str) -> dict[str, Any] | None:
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', html)
    return json.loads(found.group(1)) if found else None


def test_current_jsonld_variants():
    html, truth = article_html("current", "standard", "full")
    assert jsonld_of(html)["author"]
    html, truth = article_html("current", "standard", "none")
    assert jsonld_of(html) is None
    assert 'property="og:title"' in html
    html, truth = article_html("current", "standard", "bare")
    assert jsonld_of(html) is None
    assert 'property="og:title"' not in html
    assert "article:published_time" not in html
    assert "Published : " in html
    html, truth = article_html("current", "live", "no_author")
    assert "author" not in jsonld_of(html)
    html, truth = article_html("current", "live", "no_modified")
    assert "dateModified" not in jsonld_of(html)
    assert f"Updated : {ap_datetime(truth.updated_at)}" in html
    html, truth = article_html("current", "live", "stale_modified")
    stale = datetime.fromisoformat(jsonld_of(html)["dateModified"]).replace(tzinfo=KST)
    assert stale < truth.updated_at
    assert f"Updated : {ap_datetime(truth.updated_at)}" in html


def test_truth_json_has_every_compared_field(replica_current):
    status, body = fetch(f"{replica_current.base_url}/_replica/truth.json")
    assert status == 200
    truth = json.loads(body)
    corpus = replica_current.replica.corpus
    assert len(truth["articles"]) == len(corpus.articles)
    for entry, article in zip(truth["articles"], corpus.articles, strict=True):
        assert set(entry) >= {
            "title", "subtitle", "kicker", "authors", "published_at", "updated_at", "body",
            "section", "images", "template", "jsonld",
        }  # fmt: skip
        assert entry["body"] == "\n\n".join(article.paragraphs)
        assert entry["kicker"] == article.kicker
        assert entry["section"] == article.sections[0]


@pytest.mark.parametrize("layout", ["current", "redesign"])
def test_rss_feeds(layout):
    corpus = build_corpus(layout, 120)
    replica = Replica(corpus)
    assert "Allow: /rss/" in replica.handle("/robots.txt").body.decode()
    response = replica.handle("/rss/newsAll")
    assert response.status == 200
    assert response.content_type.startswith("application/rss+xml")
    root = Selector(text=response.body.decode(), type="xml")
    items = root.xpath("/rss/channel/item")
    assert len(items) == 50
    assert [i.xpath("string(link)").get() for i in items] == [
        f"https://www.koreaherald.com/article/{a.article_id}" for a in corpus.articles[:50]
    ]
    first = corpus.articles[0]
    assert items[0].xpath("string(title)").get() == first.title
    assert items[0].xpath("string(category)").get() == first.sections[0]
    # RFC 822 with the KST offset, e.g. "Mon, 15 Dec 2025 17:43:00 +0900"
    assert items[0].xpath("string(pubDate)").get() == first.published_at.strftime(
        "%a, %d %b %Y %H:%M:%S +0900"
    )
    national = Selector(text=replica.handle("/rss/kh_National").body.decode(), type="xml")
    links = national.xpath("/rss/channel/item/link/text()").getall()
    listed = corpus.in_section("National")
    assert links == [f"https://www.koreaherald.com/article/{a.article_id}" for a in listed[:50]]
    assert replica.handle("/rss/kh_Nowhere").status == 404


def test_the_2023_layout_has_no_feeds():
    assert Replica(build_corpus("2023", 20)).handle("/rss/newsAll").status == 404


def test_redesign_pages_use_no_markup_the_parsers_know():
    corpus = build_corpus("redesign", 60)
    replica = Replica(corpus)
    home = replica.handle("/").body.decode()
    article = corpus.articles[0]
    page = replica.handle(f"/article/{article.article_id}").body.decode()
    listing = replica.handle("/news/national?page=2").body.decode()
    for html in (home, page, listing):
        for known in ('class="gnb"', "news_list", "articleText", "article-body", "news_title"):
            assert known not in html
        assert 'href="/National"' not in html
        assert "MOST READ" in html
    assert '<link rel="alternate" type="application/rss+xml"' in home
    assert 'href="/rss/kh_National"' in listing
    ranks = re.findall(
        r'most-read__rank">(\d+)</span><a class="most-read__link" href="/article/(\d+)"', home
    )
    assert ranks == [(str(n), i) for n, i in enumerate(corpus.popular_ids, start=1)]
    ld = jsonld_of(page)
    assert [node["@type"] for node in ld["@graph"]] == ["WebPage", "NewsArticle", "BreadcrumbList"]
    assert ld["@graph"][1]["headline"] == article.title
    national = corpus.in_section("National")
    cards = re.findall(r'story-card__link" href="/article/(\d+)"', listing)
    assert cards == [a.article_id for a in national[PAGE_SIZE : 2 * PAGE_SIZE]]
    assert replica.handle("/National").status == 404
