"""The offline replica: a deterministic, varied corpus, served correctly over loopback."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from datetime import datetime

import pytest

from newsbot.extract.dates import KST
from newsbot.replica.common import PAGE_SIZE
from newsbot.replica.corpus import SECTIONS, build_corpus
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
