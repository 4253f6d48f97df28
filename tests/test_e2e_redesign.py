"""End to end: a redesign of the site that no site module knows (``--layout redesign``).

Every class and every section URL is new; only ``/article/<id>`` stays. The koreaherald
spider must still store every article, read generically (layout "generic"): title, authors
and dates exactly, the body by word F1 of at least 0.95; it must capture the MOST READ
ranking, and its monitors must fail, naming the pages the generic extractor read, so that
someone writes a parser for the new layout.
"""

from __future__ import annotations

import json

import pytest

from newsbot.replica.server import serving
from newsbot.replica.truth import MIN_BODY_F1, article_mismatches, article_truth, word_f1
from tests.crawling import crawl

pytestmark = pytest.mark.e2e

ARTICLES = 60
# What generic reading must get exactly; the body is judged by word F1.
EXACT = {"article_id:", "url:", "layout:", "title:", "authors:", "published_at:", "updated_at:"}


def test_a_redesigned_site_is_read_generically_and_the_monitors_say_so(tmp_path):
    with serving("redesign", ARTICLES) as server:
        result = crawl(server, tmp_path, "-a", "pages=100")
        corpus = server.replica.corpus
        base_url = server.base_url

    ids = [item["article_id"] for item in result.articles]
    assert len(ids) == len(set(ids)), "each article once"
    assert set(ids) == set(corpus.by_id), "every article read"
    assert result.stats["newsbot/saved/Article/new"] == ARTICLES, "every article stored"
    problems = []
    scores = []
    for item in result.articles:
        truth = article_truth(corpus, corpus.by_id[item["article_id"]])
        found = article_mismatches(
            item, truth, base_url, layout="generic", exact_body=False, images=False
        )
        problems += [p for p in found if p.split()[1] in EXACT or p.split()[1] == "body:"]
        scores.append(word_f1(item["body"], truth["body"]))
    assert problems == []
    assert min(scores) >= MIN_BODY_F1

    ranks = result.popular
    assert [r["rank"] for r in ranks] == list(range(1, 11))
    assert [r["article_id"] for r in ranks] == corpus.popular_ids
    assert [r["title"] for r in ranks] == [corpus.by_id[i].title for i in corpus.popular_ids]

    [path] = (result.out / "koreaherald").glob("report-*.json")
    report = json.loads(path.read_text())
    assert report["status"] == "failed"
    failed = " ".join(c["message"] for c in report["checks"] if c["status"] == "FAILED")
    assert "pages read by the generic extractor" in failed
    assert result.stats["newsbot/monitors/status"] == "failed"
