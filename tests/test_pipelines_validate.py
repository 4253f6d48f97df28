"""ValidatePipeline: every rule rejects what it should, and rejects are kept with their reason."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from scrapy.exceptions import DropItem

from newsbot.pipelines.validate import ValidatePipeline
from tests.factories import article, rank
from tests.pipelines import crawler_with_spider

NAIVE = datetime(2023, 9, 11, 20, 38)


@pytest.fixture
def pipeline(tmp_path):
    crawler = crawler_with_spider(
        {"NEWSBOT_REJECTS_FILE": str(tmp_path / "rejects-%(name)s.jsonl")}
    )
    validator = ValidatePipeline.from_crawler(crawler)
    validator.open_spider()
    yield validator
    validator.close_spider()


def rejects(tmp_path):
    path = tmp_path / "rejects-koreaherald.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def test_valid_items_pass_untouched(pipeline, tmp_path):
    good = article()
    assert pipeline.process_item(good) is good
    for position in range(1, 11):
        item = rank(position)
        assert pipeline.process_item(item) is item
    assert rejects(tmp_path) == []


ARTICLE_RULES = [
    ("missing_url", {"url": None}),
    ("url_not_absolute", {"url": "/view.php?ud=20230911000813"}),
    ("url_not_absolute", {"url": "ftp://www.koreaherald.com/view.php?ud=20230911000813"}),
    ("url_off_site", {"url": "https://evil.example/view.php?ud=20230911000813"}),
    ("missing_site", {"site": None}),
    ("missing_article_id", {"article_id": ""}),
    (
        "article_id_mismatch",
        {
            "article_id": "20230911000999",
            "url": "https://www.koreaherald.com/view.php?ud=20230911000813",
        },
    ),
    ("unknown_site", {"site": "elsewhere"}),
    ("missing_title", {"title": "   "}),
    ("missing_body", {"body": None}),
    ("missing_published_at", {"published_at": None}),
    ("naive_published_at", {"published_at": NAIVE}),
    ("bad_published_at", {"published_at": "Sept. 11, 2023"}),
    ("published_at_future", {"published_at": datetime.now(UTC) + timedelta(days=3)}),
    ("published_at_too_old", {"published_at": datetime(1900, 1, 1, tzinfo=UTC)}),
    ("naive_updated_at", {"updated_at": NAIVE}),
    ("updated_before_published", {"updated_at": datetime(2023, 9, 1, tzinfo=UTC)}),
    ("missing_crawled_at", {"crawled_at": None}),
    ("naive_crawled_at", {"crawled_at": NAIVE}),
    ("bad_authors", {"authors": ["Yonhap", ""]}),
    ("bad_authors", {"authors": "Yonhap"}),
    ("bad_image", {"images": [{"url": "/relative.jpg", "caption": None}]}),
    ("title_too_long", {"title": "x" * 1_000_000}),
    ("title_too_long", {"title": "x" * 501}),
    ("too_many_authors", {"authors": [f"Reporter {i}" for i in range(20_000)]}),
    ("too_many_authors", {"authors": [f"Reporter {i}" for i in range(51)]}),
    ("author_too_long", {"authors": ["Yonhap", "y" * 201]}),
    ("body_too_large", {"body": "b" * (120 * 1024 * 1024)}),
    ("body_too_large", {"body": "가" * 333_334}),  # 1,000,002 bytes in UTF-8
    ("article_id_too_long", {"article_id": "1" * 2049}),
]


@pytest.mark.parametrize(("reason", "changes"), ARTICLE_RULES)
def test_article_rule_rejects(pipeline, tmp_path, reason, changes):
    bad = article(**changes)
    with pytest.raises(DropItem, match="invalid Article"):
        pipeline.process_item(bad)
    stats = pipeline.crawler.stats
    assert stats.get_value(f"newsbot/invalid/Article/{reason}") == 1
    assert stats.get_value("newsbot/invalid/Article") == 1
    [record] = rejects(tmp_path)
    assert reason in record["reasons"]
    assert record["item_type"] == "Article"
    assert record["source_url"] == bad.url
    assert record["item"]["article_id"] == bad.article_id
    assert record["errors"]


RANK_RULES = [
    ("bad_rank", {"rank": 0}),
    ("bad_rank", {"rank": "1"}),
    ("bad_rank", {"rank": None}),
    ("missing_title", {"title": ""}),
    ("missing_list_name", {"list_name": None}),
    ("missing_site", {"site": ""}),
    ("missing_article_id", {"article_id": None}),
    ("url_off_site", {"url": "https://elsewhere.example/view.php?ud=1"}),
    ("missing_source_url", {"source_url": None}),
    ("missing_captured_at", {"captured_at": None}),
    ("naive_captured_at", {"captured_at": NAIVE}),
    ("title_too_long", {"title": "x" * 501}),
    ("article_id_too_long", {"article_id": "2" * 2049}),
]


@pytest.mark.parametrize(("reason", "changes"), RANK_RULES)
def test_rank_rule_rejects(pipeline, tmp_path, reason, changes):
    bad = replace(rank(1), **changes)
    with pytest.raises(DropItem, match="invalid PopularRank"):
        pipeline.process_item(bad)
    assert pipeline.crawler.stats.get_value(f"newsbot/invalid/PopularRank/{reason}") == 1
    [record] = rejects(tmp_path)
    assert reason in record["reasons"]
    assert record["source_url"] == bad.source_url


def test_two_entries_claiming_one_rank_in_a_snapshot(pipeline, tmp_path):
    first = rank(3, article_id="20230921000001")
    pipeline.process_item(first)
    # The very same entry again is a duplicate (the dedupe pipeline's job), not a clash.
    assert pipeline.process_item(rank(3, article_id="20230921000001")) is not None
    with pytest.raises(DropItem, match="rank 3 appears twice"):
        pipeline.process_item(rank(3, article_id="20230921000002"))
    assert pipeline.crawler.stats.get_value("newsbot/invalid/PopularRank/rank_not_unique") == 1
    # The same rank in another snapshot is fine.
    later = rank(3, captured_at=datetime(2023, 9, 22, 10, 0, tzinfo=UTC), article_id="x")
    assert pipeline.process_item(replace(later, url=first.url)) is not None


def test_every_problem_is_reported_at_once(pipeline, tmp_path):
    with pytest.raises(DropItem):
        pipeline.process_item(article(title=None, body="", published_at=None))
    [record] = rejects(tmp_path)
    assert {"missing_title", "missing_body", "missing_published_at"} <= set(record["reasons"])


def test_rejects_keep_text_that_is_not_valid_unicode(pipeline, tmp_path):
    with pytest.raises(DropItem):
        pipeline.process_item(article(title="Broken \ud800 title", body=None))
    (tmp_path / "rejects-koreaherald.jsonl").read_bytes().decode("utf-8")  # valid UTF-8
    [record] = rejects(tmp_path)
    assert record["reasons"] == ["missing_body"]
    assert record["item"]["title"] == "Broken \ud800 title"


def test_items_at_the_limits_pass(pipeline):
    at_limits = article(
        title="t" * 500,
        authors=[f"{i:02d}" + "a" * 198 for i in range(50)],
        body="가" * 333_333 + "b",  # 1,000,000 bytes in UTF-8
    )
    assert pipeline.process_item(at_limits) is at_limits


def test_limits_are_settings(tmp_path):
    crawler = crawler_with_spider(
        {
            "NEWSBOT_REJECTS_FILE": str(tmp_path / "rejects-%(name)s.jsonl"),
            "NEWSBOT_MAX_TITLE_CHARS": 10,
            "NEWSBOT_MAX_AUTHORS": 1,
            "NEWSBOT_MAX_AUTHOR_CHARS": 3,
            "NEWSBOT_MAX_BODY_BYTES": 5,
        }
    )
    validator = ValidatePipeline.from_crawler(crawler)
    validator.open_spider()
    with pytest.raises(DropItem):
        validator.process_item(article(title="Eleven char", authors=["Kim", "Lee"], body="12345"))
    with pytest.raises(DropItem):
        validator.process_item(article(authors=["Park"], body="123456"))
    validator.close_spider()
    reasons = [set(record["reasons"]) for record in rejects(tmp_path)]
    assert reasons == [
        {"title_too_long", "too_many_authors"},
        {"title_too_long", "author_too_long", "body_too_large"},
    ]


# --- sites newsbot has no parser for: named after their host, ids are canonical URLs --------

STORY = "https://www.example.com/2025/11/17/council-approves-budget"
NOW = datetime(2025, 11, 18, tzinfo=UTC)


def story(**changes):
    values = {"url": STORY, "article_id": STORY, "site": "example.com", "layout": "generic"}
    return article(**{**values, "images": [], **changes})


def test_an_article_of_a_site_named_after_its_host_passes():
    from newsbot.pipelines.validate import article_problems

    assert article_problems(story(), ["www.example.com"], NOW) == []


@pytest.mark.parametrize(
    ("reason", "changes"),
    [
        ("unknown_site", {"site": "www.example.com"}),  # the name drops "www."
        ("unknown_site", {"site": "example.org"}),
        ("article_id_mismatch", {"site": "koreaherald"}),  # its ids are not URLs
        ("article_id_mismatch", {"article_id": f"{STORY}?utm_source=rss"}),  # not canonical
        ("article_id_mismatch", {"article_id": "council-approves-budget"}),
    ],
)
def test_an_article_of_an_unregistered_site_is_rejected(reason, changes):
    from newsbot.pipelines.validate import article_problems

    reasons = [p.reason for p in article_problems(story(**changes), ["www.example.com"], NOW)]
    assert reason in reasons
