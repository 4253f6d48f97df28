"""What a crawl keeps per article to fetch and store each once: correct, and small at scale.

The budget: the bare Scrapy spider grows by about 1,150 bytes per page it fetches (its duplicate
filter's fingerprints, its queue; `make bench-scale`), and newsbot's growth per article is to
stay within 1.1 times that: about 115 bytes for everything newsbot keeps per article. The
per-crawl record of articles requested and stored must take well under that.
"""

import gc
import tracemalloc

import pytest
from scrapy.exceptions import DropItem

from newsbot.pipelines.dedupe import DedupePipeline
from newsbot.seen import PASSED, REQUESTED, ArticleLedger, compact_key
from tests.factories import article
from tests.pipelines import crawler_with_spider

ARTICLES = 20_000
BUDGET = 80  # bytes per article, of the ~115 the goal leaves newsbot


def ids(count: int) -> list[str]:
    """Korea Herald-style ids (14 digits), distinct."""
    return [f"2023{n:010d}" for n in range(count)]


def retained_bytes_per_article(work) -> float:
    """Bytes still allocated after ``work()`` ran, per article (its garbage collected)."""
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        keep = work()
        gc.collect()
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    del keep
    return (after - before) / ARTICLES


def test_compact_keys_tell_ids_apart():
    assert compact_key("20230911000813") == 20230911000813
    assert compact_key("0123") != compact_key("123")  # leading zeros are a different id
    assert compact_key("abc") != compact_key("abd")
    assert isinstance(compact_key("a-long-slug-" * 20), bytes)
    assert len(compact_key("a-long-slug-" * 20)) == 16
    assert isinstance(compact_key("١٢٣"), bytes)  # digits, but not ASCII ones
    assert isinstance(compact_key("9" * 40), bytes)  # a number too large to be a small key


def test_ledger_marks_each_site_and_kind_apart():
    ledger = ArticleLedger()
    assert not ledger.mark("koreaherald", "20230911000813", REQUESTED)
    assert ledger.mark("koreaherald", "20230911000813", REQUESTED)
    assert not ledger.mark("koreaherald", "20230911000813", PASSED)
    assert ledger.mark("koreaherald", "20230911000813", PASSED)
    assert not ledger.mark("other", "20230911000813", REQUESTED)
    assert not ledger.mark("koreaherald", "a-slug", PASSED)
    assert not ledger.mark("koreaherald", "a-slug", REQUESTED)
    assert ledger.has("koreaherald", "a-slug", REQUESTED)
    assert not ledger.has("koreaherald", "unknown", REQUESTED)
    assert len(ledger) == 3


def test_dedupe_keeps_little_per_article():
    pipeline = DedupePipeline.from_crawler(crawler_with_spider())

    def work():
        for article_id in ids(ARTICLES):
            pipeline.process_item(article(article_id))
        return pipeline

    assert retained_bytes_per_article(work) < BUDGET
    with pytest.raises(DropItem):
        pipeline.process_item(article(ids(ARTICLES)[-1]))


def test_spider_and_dedupe_together_keep_little_per_article():
    """An article requested then stored is one entry, not one in the spider and one in dedupe."""
    crawler = crawler_with_spider()
    spider = crawler.spider
    pipeline = DedupePipeline.from_crawler(crawler)

    def work():
        for article_id in ids(ARTICLES):
            for _ in spider._article(f"http://x/view.php?ud={article_id}", article_id, None, 10):
                pass
            pipeline.process_item(article(article_id))
        return pipeline

    assert retained_bytes_per_article(work) < BUDGET
    assert list(spider._article("http://x/", ids(ARTICLES)[0], None, 10)) == []
    assert crawler.stats.get_value("newsbot/articles/already_requested") == 1


def test_an_article_stored_but_never_requested_is_still_requested_once():
    """Dedupe's record does not stop a request: only an earlier request does."""
    crawler = crawler_with_spider()
    pipeline = DedupePipeline.from_crawler(crawler)
    pipeline.process_item(article("20230911000900"))  # reached through another URL
    assert len(list(crawler.spider._article("http://x/", "20230911000900", None, 10))) == 1
    with pytest.raises(DropItem):
        pipeline.process_item(article("20230911000900"))
