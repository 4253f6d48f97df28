"""Monitoring: a normal crawl passes every check; a drifted layout fails them, naming the field
whose coverage dropped and the pages no layout recognises."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from newsbot.replica.server import serving
from newsbot.storage import open_store
from newsbot.storage.models import CrawlRunRow
from tests.crawling import crawl

pytestmark = pytest.mark.e2e

CHECKS = {
    "Finish Reason Monitor/Should have the expected finished reason(s)",
    "Error Count Monitor/test_stat_monitor",
    "Extracted Items Monitor/test_stat_monitor",
    "Field coverage/Fields users rely on are filled",
    "Unrecognised pages/Pages are understood",
    "Validation rejects/Items pass validation",
}


def report_of(result) -> dict:
    [path] = (result.out / "koreaherald").glob("report-*.json")
    return json.loads(path.read_text())


def stored_run_stats(database_url: str) -> dict:
    store = open_store(database_url)
    with store.engine.connect() as connection:
        stats = connection.execute(select(CrawlRunRow.stats)).scalar_one()
    store.close()
    return stats


def test_normal_crawl_passes_every_check(replica_2023, tmp_path):
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    result = crawl(replica_2023, tmp_path, "-a", "pages=100", database_url=url)
    report = report_of(result)
    assert report["status"] == "passed"
    assert {c["check"] for c in report["checks"]} == CHECKS
    assert {c["status"] for c in report["checks"]} <= {"OK", "SKIPPED"}
    assert result.stats["newsbot/monitors/status"] == "passed"
    assert stored_run_stats(url)["newsbot/monitors/status"] == "passed"


def test_drifted_layout_fails_with_the_field_and_the_pages_named(tmp_path):
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    with serving("2023", articles=300, drift=True) as server:
        result = crawl(server, tmp_path, "-a", "pages=100", database_url=url)
    corpus = server.replica.corpus
    renamed = sum(1 for a in corpus.articles if int(a.article_id) % 4 == 0)
    parsed = len(corpus.articles) - renamed
    assert 0 < renamed < len(corpus.articles)
    assert len(result.articles) == parsed

    report = report_of(result)
    assert report["status"] == "failed"
    failed = {c["check"]: c["message"] for c in report["checks"] if c["status"] == "FAILED"}
    assert set(failed) == {
        "Field coverage/Fields users rely on are filled",
        "Unrecognised pages/Pages are understood",
    }
    assert failed["Field coverage/Fields users rely on are filled"] == (
        f"field coverage dropped: Article.authors filled in 0% of {parsed} items "
        "(expected at least 90%)"
    )
    assert failed["Unrecognised pages/Pages are understood"] == (
        f"{renamed} page(s) not understood (allowed 0): layout_unknown/article: {renamed}"
    )
    assert result.stats["newsbot/monitors/status"] == "failed"
    stored = stored_run_stats(url)
    assert stored["newsbot/monitors/status"] == "failed"
    assert len(stored["newsbot/monitors/failures"]) == 2
    assert "Monitor failed: Field coverage" in result.log
