"""The replica's realistic page weight (``--page-weight realistic``): pages as heavy as real
news pages, in bytes, elements and links, that a crawl reads exactly as it reads light ones."""

from __future__ import annotations

import statistics
from typing import Any

import lxml.html
import pytest

from benchmarks.pageweight import DATASET, measure
from newsbot.replica.corpus import LAYOUTS, build_corpus
from newsbot.replica.server import Replica, serving
from tests.crawling import assert_clean, crawl


def _pages(layout: str, weight: str, count: int = 12) -> list[str]:
    corpus = build_corpus(layout, 120)
    replica = Replica(corpus, weight=weight)
    return [
        replica.render(corpus.article_path(a.article_id)).body.decode()
        for a in corpus.articles[:count]
    ]


@pytest.mark.parametrize("layout", LAYOUTS)
def test_realistic_article_pages_weigh_what_real_pages_weigh(layout):
    weights = [measure(html) for html in _pages(layout, "realistic")]
    for name in ("bytes", "elements", "links"):
        median = statistics.median(getattr(w, name) for w in weights)
        real = DATASET[name][0]
        assert 0.75 * real <= median <= 1.25 * real, (name, median, real)
    light = [measure(html) for html in _pages(layout, "light")]
    assert statistics.median(w.bytes for w in light) < 15_000, "light pages stay light"


@pytest.mark.parametrize("layout", LAYOUTS)
def test_the_weight_is_many_elements_and_scripts_not_one_blob(layout):
    html = _pages(layout, "realistic", 1)[0]
    root = lxml.html.document_fromstring(html.encode())
    inline = [s.text_content() for s in root.xpath("//script[not(@src)]")]
    assert len(inline) >= 10
    assert max(len(code) for code in inline) < 0.2 * len(html.encode())
    # Navigation of nested lists, teaser rails, ad slots and a footer.
    assert len(root.xpath("//nav//ul//li//ul//li/a")) >= 20
    assert len(root.xpath("//*[contains(@class, 'ad-container')]")) >= 5
    assert root.xpath("//footer") or root.xpath("//*[contains(@class, 'footer')]")


@pytest.mark.parametrize("layout", LAYOUTS)
def test_realistic_pages_are_the_same_from_run_to_run(layout):
    assert _pages(layout, "realistic", 3) == _pages(layout, "realistic", 3)


def test_an_unknown_weight_is_refused():
    with pytest.raises(ValueError, match="page weight"):
        Replica(build_corpus("2023", 20), weight="heavy")


def _normalised(items: list[dict[str, Any]], base_url: str) -> list[dict[str, Any]]:
    """Items without what differs between two crawls: times, the server's port."""
    moving = {"crawled_at", "captured_at", "first_seen_at", "last_seen_at"}
    rows = []
    for item in items:
        row = {k: v for k, v in item.items() if k not in moving}
        rows.append({k: _rebase(v, base_url) for k, v in row.items()})
    return sorted(rows, key=lambda row: (str(row.get("article_id")), str(row.get("rank"))))


def _listed_sections(items: list[dict[str, Any]], corpus: Any) -> list[dict[str, Any]]:
    """Items whose section is one the article is listed in, replaced by all of them.

    A page that does not name its section (2023 layout) takes the section of the list the
    crawl read it from first, and an article listed in two sections may come first from
    either: which one depends on the order responses arrive, not on the page weight.
    """
    rows = []
    for item in items:
        sections = corpus.by_id[item["article_id"]].sections
        assert item["section"] in sections
        rows.append({**item, "section": sorted(sections)} if len(sections) > 1 else item)
    return rows


def _rebase(value: Any, base_url: str) -> Any:
    if isinstance(value, str):
        return value.replace(base_url, "BASE")
    if isinstance(value, list):
        return [_rebase(v, base_url) for v in value]
    if isinstance(value, dict):
        return {k: _rebase(v, base_url) for k, v in value.items()}
    return value


# The current layout's Most Popular list needs a browser; the other two read it from the page.
@pytest.mark.e2e
@pytest.mark.parametrize("layout", LAYOUTS)
def test_a_crawl_requests_and_reads_the_same_at_either_weight(layout, tmp_path):
    popular = ["-a", "popular=skip"] if layout == "current" else []
    results = {}
    for weight in ("light", "realistic"):
        with serving(layout, 80, weight=weight) as server:
            # Two list pages of each section: rails linking past them must not be followed.
            result = crawl(server, tmp_path / weight, "-a", "pages=2", *popular)
            targets = dict(server.replica.targets)
            base_url = server.base_url
            corpus = server.replica.corpus
        if layout != "redesign":  # the redesign is read generically, and its monitors fail
            assert_clean(result)
        results[weight] = (
            targets,
            _normalised(_listed_sections(result.articles, corpus), base_url),
            _normalised(result.popular, base_url),
        )
    light, realistic = results["light"], results["realistic"]
    assert realistic[0] == light[0], "the same pages requested, as often"
    assert len(light[1]) > 10
    assert realistic[1] == light[1], "the same articles, field by field"
    assert realistic[2] == light[2], "the same Most Popular ranking"
    if layout != "current":
        assert len(light[2]) == 10


@pytest.mark.parametrize("layout", LAYOUTS)
def test_faults_and_drift_answer_the_same_at_either_weight(layout):
    drift = "redesign" if layout == "2023" else False
    answers = {}
    for weight in ("light", "realistic"):
        corpus = build_corpus(layout, 150)
        replica = Replica(corpus, drift=drift, faults=3, weight=weight)
        assert replica.faults is not None
        assert replica.faults.pages
        answers[weight] = [
            (response.status, response.action, response.content_type, bool(response.body))
            for target in ["/", *(corpus.article_path(a.article_id) for a in corpus.articles)]
            for response in [replica.handle(target), replica.handle(target)]
        ]
    assert answers["realistic"] == answers["light"]
