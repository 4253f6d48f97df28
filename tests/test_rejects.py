"""One rejects file per crawl, shared by validation and the store; records always readable."""

from __future__ import annotations

import asyncio
import json

import pytest
from scrapy.exceptions import DropItem

from newsbot.pipelines.store import StorePipeline
from newsbot.pipelines.validate import ValidatePipeline
from newsbot.rejects import RejectsBySite, RejectsFile, crawler_rejects, render
from newsbot.storage.crawler import close_crawler_store
from tests.factories import article, rank
from tests.pipelines import crawler_with_spider


def test_validation_and_the_store_share_the_crawl_rejects_file(tmp_path):
    crawler = crawler_with_spider(
        {
            "NEWSBOT_REJECTS_FILE": str(tmp_path / "%(name)s" / "rejects-%(time)s.jsonl"),
            "NEWSBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "NEWSBOT_SPOOL_DIR": str(tmp_path / "spool"),
        }
    )
    validator = ValidatePipeline.from_crawler(crawler)
    store = StorePipeline.from_crawler(crawler)
    assert crawler_rejects(crawler) is crawler_rejects(crawler)

    async def crawl():
        validator.open_spider()
        store.open_spider()
        with pytest.raises(DropItem):
            validator.process_item(article("20230911000001", body=None))
        await store.process_item(article("20230911000002", title="Bad \ud800"))
        validator.close_spider()  # closes first, as Scrapy does; the store still writes after
        await store.close_spider()

    asyncio.run(crawl())
    close_crawler_store(crawler)
    [path] = (tmp_path / "koreaherald").glob("rejects-*.jsonl")
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert [r["reasons"] for r in records] == [["missing_body"], ["store_UnicodeEncodeError"]]
    for record in records:
        assert set(record) == {
            "rejected_at",
            "item_type",
            "reasons",
            "errors",
            "source_url",
            "allowed_domains",
            "item",
        }
        assert record["allowed_domains"] == list(crawler.spider.allowed_domains)
    assert crawler.stats.get_value("newsbot/invalid/Article") == 2


def test_records_are_valid_utf8_with_controls_escaped(tmp_path):
    rejects = RejectsFile(tmp_path / "rejects.jsonl")
    rejects.write({"title": "\ud800 \x1b \x9b \u202e 북한"})
    rejects.close()
    raw = (tmp_path / "rejects.jsonl").read_bytes().decode("utf-8")
    assert "북한" in raw  # still readable
    assert "\x9b" not in raw
    assert "\u202e" not in raw
    assert json.loads(raw) == {"title": "\ud800 \x1b \x9b \u202e 북한"}


def test_rejects_outside_a_crawl_go_to_one_file_per_site(tmp_path):
    rejects = RejectsBySite(str(tmp_path / "%(name)s-%(time)s.jsonl"))
    rejects.write(article(), ["store_DataError"], ["value too long"])
    rejects.write(rank(1, site=None), ["store_ValueError"], ["no site"])
    rejects.close()
    assert rejects.written == 2
    names = sorted(path.name.split("-")[0] for path in tmp_path.iterdir())
    assert names == ["koreaherald", "replay"]
    assert render("x/%(name)s/%(time)s", "site").parts[1] == "site"
