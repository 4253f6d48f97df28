"""The newsbot command: queries people need, and replaying rejects after a fix."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from scrapy.exceptions import DropItem

from newsbot.cli import main as newsbot
from newsbot.pipelines.validate import ValidatePipeline
from newsbot.storage import open_store
from newsbot.storage.queries import article_revisions, latest_articles, rank_history
from newsbot.storage.serialize import item_to_dict
from tests.factories import article, rank, snapshot
from tests.pipelines import crawler_with_spider

T0 = datetime(2023, 9, 22, 9, 0, tzinfo=UTC)


@pytest.fixture
def archive(database_url):
    store = open_store(database_url)
    store.save_articles(
        [
            article("20230911000813", published_at=T0 - timedelta(days=11)),
            article("20230921000100", title="Newest", published_at=T0 - timedelta(hours=2)),
            article("20230920000100", title="Middle", published_at=T0 - timedelta(days=2)),
        ]
    )
    store.save_articles(
        [article("20230911000813", body="Corrected.", published_at=T0 - timedelta(days=11))]
    )
    store.save_ranks(snapshot(T0, ["20230920000100", "x", "20230921000100"]))
    store.save_ranks(snapshot(T0 + timedelta(hours=1), ["20230921000100", "x"]))
    store.save_ranks(snapshot(T0 + timedelta(hours=2), ["x", "y"]))
    yield store
    store.close()


def test_latest_articles_newest_first(archive):
    rows = latest_articles(archive.engine, limit=2)
    assert [r["title"] for r in rows] == ["Newest", "Middle"]


def test_revisions_oldest_first(archive):
    rows = article_revisions(archive.engine, "20230911000813")
    assert [(r["revision"], r["body"]) for r in rows] == [
        (1, "First paragraph.\n\nSecond paragraph. (Yonhap)"),
        (2, "Corrected."),
    ]
    assert article_revisions(archive.engine, "nope") == []


def test_rank_history_first_seen_best_rank_time_in_list(archive):
    [history] = rank_history(archive.engine, "20230921000100")
    assert history.first_seen == T0
    assert history.last_seen == T0 + timedelta(hours=1)
    assert history.best_rank == 1
    assert history.latest_rank == 1
    assert history.appearances == 2
    # Seen at 9:00 and 10:00, gone at 11:00: one hour observed in the list, not two.
    assert history.time_in_list == timedelta(hours=1)
    assert history.time_in_list <= history.last_seen - history.first_seen
    [by_title] = rank_history(archive.engine, "Headline 20230921")
    assert by_title.article_id == "20230921000100"


def test_cli_queries(archive, database_url, capsys):
    assert newsbot(["--database-url", database_url, "latest", "--limit", "1"]) == 0
    assert "Newest" in capsys.readouterr().out
    assert newsbot(["--database-url", database_url, "--json", "revisions", "20230911000813"]) == 0
    assert [r["revision"] for r in json.loads(capsys.readouterr().out)] == [1, 2]
    assert newsbot(["--database-url", database_url, "rank-history", "20230921000100"]) == 0
    assert "best rank 1" in capsys.readouterr().out
    assert newsbot(["--database-url", database_url, "revisions", "20990101000000"]) == 1


def test_rank_history_time_in_list_counts_only_captures_it_stayed_through(database_url):
    store = open_store(database_url)
    hour = timedelta(hours=1)
    # In at 0 h and 1 h, out at 2 h, back at 3 h, last capture at 4 h lists it too.
    a, x, y = "20230921000001", "20230921000002", "20230921000003"
    for offset, ids in enumerate([[a, x], [x, a], [x], [a], [y, a]]):
        store.save_ranks(snapshot(T0 + offset * hour, ids))
    [history] = rank_history(store.engine, a)
    store.close()
    assert (history.first_seen, history.last_seen) == (T0, T0 + 4 * hour)
    assert history.appearances == 4
    assert (history.best_rank, history.latest_rank) == (1, 2)
    assert history.time_in_list == 2 * hour  # 0 h to 1 h, and 3 h to 4 h


def test_rank_history_text_reads_as_durations_and_names_a_single_capture(database_url, capsys):
    store = open_store(database_url)
    store.save_ranks(snapshot(T0, ["20230921000100", "20230921000200"]))
    store.save_ranks(snapshot(T0 + timedelta(hours=3, minutes=20), ["20230921000100"]))
    store.close()
    assert newsbot(["--database-url", database_url, "rank-history", "20230921000100"]) == 0
    out = capsys.readouterr().out
    # 09:00 UTC is 18:00 in Seoul, where the Herald dates its pages.
    assert "first seen 2023-09-22 18:00 KST" in out
    assert "last seen 2023-09-22 21:20 KST" in out
    assert "2 captures" in out
    assert "3 h 20 min in the list" in out
    assert "0:" not in out, "no raw timedelta"
    assert newsbot(["--database-url", database_url, "rank-history", "20230921000200"]) == 0
    single = capsys.readouterr().out
    assert "a single capture, 2023-09-22 18:00 KST, rank 2" in single
    assert "in the list" not in single, "one capture measures no time in the list"


def test_rank_history_json_dates_are_iso_with_the_site_offset(database_url, capsys):
    store = open_store(database_url)
    store.save_ranks(snapshot(T0, ["20230921000100"]))
    store.save_ranks(snapshot(T0 + timedelta(minutes=90), ["20230921000100"]))
    store.close()
    args = ["--database-url", database_url, "--json", "rank-history", "20230921000100"]
    assert newsbot(args) == 0
    [record] = json.loads(capsys.readouterr().out)
    assert record["first_seen"] == "2023-09-22T18:00:00+09:00"
    assert record["last_seen"] == "2023-09-22T19:30:00+09:00"
    assert record["captures"] == 2
    assert record["best_rank"] == 1
    assert record["time_in_list_seconds"] == 5400


def test_rejects_replay_after_a_fix(database_url, tmp_path, capsys):
    rejects = tmp_path / "rejects.jsonl"
    crawler = crawler_with_spider({"NEWSBOT_REJECTS_FILE": str(rejects)})
    validator = ValidatePipeline.from_crawler(crawler)
    validator.open_spider()
    for bad in (article("20230911000813", title=None), article("20230911000900", body="")):
        with pytest.raises(DropItem):
            validator.process_item(bad)
    validator.close_spider()
    records = [json.loads(line) for line in rejects.read_text().splitlines()]
    assert [r["reasons"] for r in records] == [["missing_title"], ["missing_body"]]
    records[0]["item"]["title"] = "A title restored by hand"  # the fix
    rejects.write_text("".join(json.dumps(r) + "\n" for r in records))

    assert newsbot(["--database-url", database_url, "replay-rejects", str(rejects)]) == 1
    assert "stored 1 item(s); 1 still invalid" in capsys.readouterr().out
    store = open_store(database_url)
    assert store.known_article_ids("koreaherald", ["20230911000813", "20230911000900"]) == {
        "20230911000813"
    }
    store.close()
    remaining = (tmp_path / "rejects.jsonl.remaining").read_text().splitlines()
    assert [json.loads(line)["reasons"] for line in remaining] == [["missing_body"]]


def test_replay_rejects_applies_the_limits_and_the_cleaning(database_url, tmp_path, capsys):
    rejects = tmp_path / "rejects.jsonl"
    items = [
        article("20230911000813", title="x" * 501),
        article("20230911000900", title="A\x00B\x1b"),
    ]
    records = [
        {
            "item_type": "Article",
            "reasons": [],
            "errors": [],
            "allowed_domains": ["koreaherald.com"],
            "item": item_to_dict(item),
        }
        for item in items
    ]
    rejects.write_text("".join(json.dumps(r) + "\n" for r in records))
    assert newsbot(["--database-url", database_url, "replay-rejects", str(rejects)]) == 1
    assert "stored 1 item(s); 1 still invalid" in capsys.readouterr().out
    remaining = (tmp_path / "rejects.jsonl.remaining").read_text().splitlines()
    assert [json.loads(line)["reasons"] for line in remaining] == [["title_too_long"]]
    store = open_store(database_url)
    [row] = latest_articles(store.engine)
    store.close()
    assert row["title"] == "AB"


HOSTILE = "Evil\x1b]0;owned\x07 news\x9b2J \u202eend"
# What must never reach a terminal raw: C0 controls (newline ends lines), DEL, C1, bidi overrides.
CONTROLS = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@pytest.fixture
def hostile(database_url):
    store = open_store(database_url)
    store.save_articles(
        [article("20230921000100", title=HOSTILE, authors=["Kim\x1b[31m"], published_at=T0)]
    )
    store.save_ranks(
        [
            rank(1, T0, article_id="20230921000100", title=HOSTILE),
            rank(2, T0, article_id="20230921000200", title="Exports up 100% in Q3"),
        ]
    )
    yield store
    store.close()


COMMANDS = [["latest"], ["revisions", "20230921000100"], ["rank-history", "Evil"]]


@pytest.mark.parametrize("command", COMMANDS)
def test_text_output_carries_no_control_characters(hostile, database_url, capsys, command):
    assert newsbot(["--database-url", database_url, *command]) == 0
    out = capsys.readouterr().out
    assert "Evil" in out
    assert "news" in out
    assert CONTROLS.search(out) is None


@pytest.mark.parametrize("command", COMMANDS)
def test_json_output_escapes_control_characters(hostile, database_url, capsys, command):
    assert newsbot(["--database-url", database_url, "--json", *command]) == 0
    out = capsys.readouterr().out
    assert CONTROLS.search(out) is None
    assert json.loads(out)[0]["title"] == HOSTILE  # escaped, not lost


def test_rank_history_title_match_is_literal_and_case_insensitive(hostile, database_url, capsys):
    engine = hostile.engine
    assert [h.article_id for h in rank_history(engine, "%")] == ["20230921000200"]
    assert rank_history(engine, "E_il") == []
    assert rank_history(engine, "_") == []
    assert rank_history(engine, "\\") == []
    assert [h.article_id for h in rank_history(engine, "100%")] == ["20230921000200"]
    assert [h.article_id for h in rank_history(engine, "up 100% IN q3")] == ["20230921000200"]
    assert [h.article_id for h in rank_history(engine, "EVIL")] == ["20230921000100"]
    assert newsbot(["--database-url", database_url, "rank-history", "E%l"]) == 1


def test_rank_history_ignores_case_beyond_ascii(database_url):
    store = open_store(database_url)
    store.save_ranks([rank(1, T0, article_id="20230921000300", title="Été à Séoul")])
    matched = [h.article_id for h in rank_history(store.engine, "ÉTÉ À SÉOUL")]
    store.close()
    assert matched == ["20230921000300"]


def test_latest_prints_each_article_in_its_own_sites_zone(database_url, capsys):
    # 11:38 UTC is 20:38 in Seoul; a site newsbot has no module for is shown in UTC.
    published = datetime(2023, 9, 11, 11, 38, tzinfo=UTC)
    url = "https://news.example.com/2023/09/11/council-vote"
    store = open_store(database_url)
    try:
        store.save_articles(
            [
                article("20230911000813", published_at=published),
                article(
                    url, url=url, site="news.example.com", layout="generic", images=[],
                    title="Council vote", published_at=published,
                ),
            ]
        )  # fmt: skip
    finally:
        store.close()
    assert newsbot(["--database-url", database_url, "latest"]) == 0
    lines = capsys.readouterr().out.splitlines()
    herald = next(line for line in lines if "20230911000813" in line)
    other = next(line for line in lines if "Council vote" in line)
    assert herald.startswith("2023-09-11 20:38 KST")
    assert other.startswith("2023-09-11 11:38 UTC")
