"""End to end: every article template and JSON-LD variant of the replica, crawled by
`scrapy crawl koreaherald` and checked against the replica's truth field by field.

Inline markup, empty paragraphs, ads, related boxes and photos between paragraphs, pages with
missing, partial or stale JSON-LD: the known layouts must read them all exactly.
"""

from __future__ import annotations

from collections import Counter

import pytest

from newsbot.replica.corpus import JSONLD_VARIANTS, TEMPLATES
from newsbot.replica.server import serving
from newsbot.replica.truth import article_mismatches, article_truth
from tests.crawling import assert_clean, crawl

pytestmark = pytest.mark.e2e

ARTICLES = 100


# The current layout's Most Popular list needs a browser; it is not what this test is about.
@pytest.mark.parametrize("layout", ["2023", "current"])
def test_every_template_and_json_ld_variant_crawled_equals_its_truth(layout, tmp_path):
    with serving(layout, ARTICLES) as server:
        result = crawl(server, tmp_path, "-a", "pages=100", "-a", "popular=skip")
        corpus = server.replica.corpus
    assert_clean(result)
    ids = [item["article_id"] for item in result.articles]
    assert len(ids) == len(set(ids)) == len(corpus.articles), "each article exactly once"
    problems = []
    for item in result.articles:
        truth = article_truth(corpus, corpus.by_id[item["article_id"]])
        problems += article_mismatches(item, truth, server.base_url, layout=layout)
    assert problems == []
    crawled = [corpus.by_id[i] for i in ids]
    templates = Counter(article.template for article in crawled)
    assert set(templates) == set(TEMPLATES), templates
    if layout == "current":
        variants = Counter(article.jsonld for article in crawled)
        assert set(variants) == set(JSONLD_VARIANTS), variants
    # The pages really hold what the templates promise, and the crawl read past it.
    assert any(article.kicker for article in crawled)
    assert any(len(article.authors) == 3 for article in crawled), '"By A, B and C"'
    assert any(article.byline.endswith("@heraldcorp.com)") for article in crawled)
    assert any(article.byline == "By Yonhap" for article in crawled)
