"""``newsbot report``: the page's queries on both databases, and the page in real Chromium."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Table, desc, func, insert, select

from newsbot.cli import main as newsbot
from newsbot.report import human_duration
from newsbot.storage import open_store
from newsbot.storage.models import CrawlRunRow, PopularRankRow, PopularSnapshotRow
from newsbot.storage.queries import crawl_health, latest_by_section, top_trajectories
from tests.factories import article, rank, snapshot

T0 = datetime(2023, 9, 22, 9, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
A, B, C, D, E, F, G = (f"2023092100000{n}" for n in range(1, 8))
HOSTILE = "<script>window.pwned = 1</script> & $\\alpha$ </svg>"


def store_period(store) -> None:
    """Before the period: two stories; in it, three captures naming seven stories."""
    store.save_ranks(snapshot(T0 - HOUR, ["20230920009991", "20230920009992"]))
    first = snapshot(T0, [A, B, C])
    first[0] = rank(1, T0, article_id=A, title=HOSTILE)
    store.save_ranks(first)
    store.save_ranks(snapshot(T0 + HOUR, [B, D, E]))
    third = snapshot(T0 + 2 * HOUR, [F, A, G])
    third[1] = rank(2, T0 + 2 * HOUR, article_id=A, title=HOSTILE)
    store.save_ranks(third)
    elsewhere = rank(1, T0, site="example.com", article_id="https://example.com/x", title="X")
    store.save_ranks([elsewhere])


def store_runs(store) -> None:
    runs: Table = CrawlRunRow.__table__  # type: ignore[assignment]
    passed = {
        "newsbot/saved/Article/new": 4,
        "newsbot/saved/Article/revised": 1,
        "newsbot/lost/article/http_404": 2,
        "newsbot/lost/article/timeout": 1,
        "newsbot/invalid/Article": 1,
        "newsbot/invalid/Article/missing_title": 1,
        "newsbot/monitors/status": "passed",
    }
    failed = {
        "newsbot/saved/Article/new": 0,
        "newsbot/monitors/status": "failed",
        "newsbot/monitors/failures": ["Layout: <b>no body</b> on 3 pages"],
    }
    rows = [
        {"started_at": T0 - 2 * HOUR, "finished_at": T0 - HOUR, "stats": passed},
        {"started_at": T0, "finished_at": T0 + HOUR, "stats": passed},
        {"started_at": T0 + HOUR, "finished_at": T0 + 2 * HOUR, "stats": failed},
        {"started_at": T0 + 2 * HOUR, "finished_at": None, "stats": None},
    ]
    with store.engine.begin() as connection:
        for row in rows:
            finish = "finished" if row["finished_at"] else None
            connection.execute(
                insert(runs).values(spider="koreaherald", arguments={}, finish_reason=finish, **row)
            )


@pytest.fixture
def archive(database_url):
    store = open_store(database_url)
    store_period(store)
    store_runs(store)
    store.save_articles(
        [
            article("20230921000100", section="National", title="N new",
                    published_at=T0 - HOUR),
            article("20230921000101", section="National", title="N mid",
                    published_at=T0 - 2 * HOUR),
            article("20230921000102", section="National", title="N old",
                    published_at=T0 - 3 * HOUR),
            article("20230921000200", section="Business", title="B only",
                    published_at=T0 - 5 * HOUR),
        ]
    )  # fmt: skip
    yield store
    store.close()


def test_top_trajectories_of_the_period_best_rank_first(archive):
    lines = top_trajectories(archive.engine, T0, site="koreaherald", stories=5)
    # Best rank 1: A, B (twice each, first at T0, A ranked higher there), F (once); D 2;
    # C, E, G 3, once each: C first seen (T0), so C.
    assert [line.article_id for line in lines] == [A, B, F, D, C]
    by_id = {line.article_id: line for line in lines}
    assert by_id[A].points == [(T0, 1), (T0 + 2 * HOUR, 2)]
    assert by_id[A].title == HOSTILE
    assert by_id[A].time_in_list == timedelta(0), "not in the list at T0 + 1 h"
    assert by_id[B].time_in_list == HOUR
    assert by_id[A].list_captures == [T0, T0 + HOUR, T0 + 2 * HOUR]
    every_site = top_trajectories(archive.engine, T0, stories=5)
    assert {(line.site, line.article_id) for line in every_site} - {
        (line.site, line.article_id) for line in lines
    } == {("example.com", "https://example.com/x")}
    assert top_trajectories(archive.engine, T0 + 3 * HOUR) == []


def test_crawl_health_reads_each_run_of_the_period(archive):
    runs = crawl_health(archive.engine, T0)
    assert [run.started_at for run in runs] == [T0, T0 + HOUR, T0 + 2 * HOUR]
    assert [(run.new, run.revised, run.lost, run.rejected) for run in runs] == [
        (4, 1, 3, 1),
        (0, 0, 0, 0),
        (0, 0, 0, 0),
    ]
    assert [run.monitors for run in runs] == ["passed", "failed", "-"]
    assert runs[1].failures == ["Layout: <b>no body</b> on 3 pages"]
    assert runs[2].finish_reason is None


def test_latest_articles_per_section(archive):
    rows = latest_by_section(archive.engine, site="koreaherald", per_section=2)
    assert [(row["section"], row["title"]) for row in rows] == [
        ("Business", "B only"),
        ("National", "N new"),
        ("National", "N mid"),
    ]


@pytest.mark.parametrize(
    ("duration", "text"),
    [
        (timedelta(seconds=45), "45 s"),
        (timedelta(minutes=1), "1 min"),
        (timedelta(hours=3, minutes=20, seconds=59), "3 h 20 min"),
        (timedelta(hours=2), "2 h"),
        (timedelta(days=2, hours=1, minutes=5), "2 d 1 h"),
    ],
)
def test_human_durations(duration, text):
    assert human_duration(duration) == text


def series_the_database_implies(engine, since: datetime, stories: int) -> tuple[int, set[str]]:
    """Distinct stories of koreaherald's Most Popular since ``since``, the best ``stories``."""
    story = func.coalesce(PopularRankRow.article_id, PopularRankRow.title)
    best = (
        select(story.label("story"), func.min(PopularRankRow.title).label("title"))
        .join(PopularSnapshotRow, PopularSnapshotRow.id == PopularRankRow.snapshot_id)
        .where(
            PopularSnapshotRow.site == "koreaherald",
            PopularSnapshotRow.list_name == "most_popular",
            PopularSnapshotRow.captured_at >= since,
        )
        .group_by(story)
        .order_by(
            func.min(PopularRankRow.rank),
            desc(func.count()),
            func.min(PopularSnapshotRow.captured_at),
        )
        .limit(stories)
        .subquery()
    )
    with engine.connect() as connection:
        count = connection.execute(select(func.count()).select_from(best)).scalar_one()
        titles = set(connection.execute(select(best.c.title)).scalars())
    return count, titles


@pytest.mark.browser
def test_the_page_renders_in_chromium_with_the_series_the_database_implies(
    archive, database_url, tmp_path, capsys
):
    from playwright.sync_api import sync_playwright

    out = tmp_path / "report.html"
    arguments = ["--database-url", database_url, "report", "--out", str(out),
                 "--site", "koreaherald", "--since", T0.isoformat(), "--stories", "5"]  # fmt: skip
    assert newsbot(arguments) == 0
    assert str(out) in capsys.readouterr().out
    expected_series, expected_titles = series_the_database_implies(archive.engine, T0, 5)
    assert expected_series == 5  # seven stories in the period, five drawn
    requests: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
        )
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.on("request", lambda request: requests.append(request.url))
            page.goto(out.as_uri())
            page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
            charts = page.locator("figure.rank-chart")
            assert charts.count() == 1, "one site, one list"
            chart = page.locator("#rank-chart-koreaherald-most_popular")
            drawn = chart.locator('g[id^="rank-series-"] path')
            series = chart.locator('g[id^="rank-series-"]').count()
            legend = chart.locator("#rank-legend text").all_text_contents()
            # A left the list at T0 + 1 h and came back: its line is two pieces; B's one.
            line_a = chart.locator("#rank-series-0 > path").first.get_attribute("d") or ""
            line_b = chart.locator("#rank-series-1 > path").first.get_attribute("d") or ""
            box = chart.locator("svg").bounding_box()
            health_series = page.locator('#health-chart g[id^="health-series-"]').count()
            failed_marks = page.locator("#health-chart #health-monitors-failed").count()
            scripts = page.locator("script").count()
            pwned = page.evaluate("typeof window.pwned")
            row_texts = page.locator("table").first.locator("td").all_text_contents()
            body = page.locator("body").inner_text()
            assert drawn.count() >= series
        finally:
            browser.close()
    assert (tmp_path / "report.png").stat().st_size > 10_000
    assert series == expected_series
    assert len(legend) == expected_series
    assert line_a.count("M") == 2
    assert line_b.count("M") == 1
    assert {entry.split(" ", 1)[1] for entry in legend} == {
        title if len(title) <= 60 else title[:59] + "…" for title in expected_titles
    }
    assert box is not None
    assert box["width"] > 500
    assert box["height"] > 200
    assert health_series == 4  # new, revised, lost, rejected
    assert failed_marks == 1
    assert requests == [out.as_uri()], "nothing fetched beyond the page itself"
    assert scripts == 0, "a hostile title stays text"
    assert pwned == "undefined"
    assert HOSTILE in row_texts
    assert "Layout: <b>no body</b> on 3 pages" in body
    assert "a single capture" in body  # C, D and F were captured once
    assert "N new" in body
    assert "B only" in body


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (["--days", "0"], "argument --days: not a positive whole number: '0'"),
        (["--stories", "many"], "argument --stories: not a positive whole number: 'many'"),
        (["--since", "yesterday"], "argument --since: not an ISO 8601 date or time: 'yesterday'"),
    ],
)
def test_report_refuses_a_bad_period_and_writes_nothing(option, message, tmp_path, capsys):
    out = tmp_path / "report.html"
    database = f"sqlite:///{tmp_path / 'newsbot.sqlite3'}"
    with pytest.raises(SystemExit) as exit_status:
        newsbot(["--database-url", database, "report", "--out", str(out), *option])
    assert exit_status.value.code == 2
    assert message in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_report_with_a_naive_since_reads_it_as_utc(archive, database_url, tmp_path):
    out = tmp_path / "report.html"
    since = "2023-09-22T10:00"  # after A, B and C's first capture at 09:00 UTC
    assert newsbot(["--database-url", database_url, "report", "--out", str(out),
                    "--site", "koreaherald", "--since", since]) == 0  # fmt: skip
    page = out.read_text()
    assert "Since 2023-09-22 10:00 UTC" in page
    assert page.count('id="rank-series-') == 6  # B, D, E at 10:00; F, A, G at 11:00
