"""The replica's truth catches parsers that are wrong: every page of each known layout, parsed
in this process by the real parsers, equals its truth; a broken helper shows as mismatches.

The comparison is the one the end-to-end crawls use (newsbot.replica.truth).
"""

from __future__ import annotations

from collections import Counter

import pytest

import newsbot.extract.text
import newsbot.loaders
from newsbot.page import Page
from newsbot.replica.corpus import JSONLD_VARIANTS, TEMPLATES, Corpus, build_corpus
from newsbot.replica.server import Replica
from newsbot.replica.truth import article_mismatches, article_truth
from newsbot.sites import get_site, read_article
from newsbot.storage.serialize import item_to_dict

BASE_URL = "http://127.0.0.1:8023"
SITE = get_site("koreaherald")


def mismatches_of_every_page(corpus: Corpus) -> list[str]:
    """Parse each article page the replica serves and compare it with its truth."""
    replica = Replica(corpus)
    problems: list[str] = []
    for article in corpus.articles:
        path = corpus.article_path(article.article_id)
        page = Page.from_html(BASE_URL + path, replica.handle(path).body.decode("utf-8"))
        item, _ = read_article(page, SITE, article.sections[0])
        truth = article_truth(corpus, article)
        problems += article_mismatches(item_to_dict(item), truth, BASE_URL, layout=corpus.layout)
    return problems


@pytest.fixture(scope="module", params=["2023", "current"])
def corpus(request) -> Corpus:
    return build_corpus(request.param, 120)


def test_every_page_of_a_known_layout_equals_its_truth(corpus):
    assert {a.template for a in corpus.articles} == set(TEMPLATES)
    if corpus.layout == "current":
        assert {a.jsonld for a in corpus.articles} == set(JSONLD_VARIANTS)
    assert mismatches_of_every_page(corpus) == []


def test_a_kicker_helper_that_finds_nothing_fails_the_comparison(corpus, monkeypatch):
    with_kicker = {a.article_id for a in corpus.articles if a.kicker}
    assert with_kicker, "the corpus has kickers"
    # Broken where it is defined and where the loader uses it: the truth must not follow.
    monkeypatch.setattr(newsbot.extract.text, "kicker_of", lambda title: None)
    monkeypatch.setattr(newsbot.loaders, "kicker_of", lambda title: None)
    problems = mismatches_of_every_page(corpus)
    assert problems
    kicker_problems = [p for p in problems if p.split()[1] == "kicker:"]
    assert {p.split()[0] for p in kicker_problems} == with_kicker
    assert all(" got None, expected " in p for p in kicker_problems)


def test_a_byline_splitter_that_keeps_the_byline_whole_fails_the_comparison(corpus, monkeypatch):
    """Bylines are split where the page has no structured authors (every 2023 page)."""
    monkeypatch.setattr(newsbot.loaders, "authors_from_byline", lambda byline: [byline])
    problems = Counter(p.split()[1] for p in mismatches_of_every_page(corpus))
    assert problems["authors:"] > 0
