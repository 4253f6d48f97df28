"""The benchmark command works and reports every figure (a smoke run; benchmarks are not tests
of speed: their numbers are read by people, from `make bench`), and figure 6 scores what it
claims to score."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from benchmarks import aeb, common
from tests.crawling import REPO

FIGURES = ("1. crawl throughput", "2. parse cost", "3. store cost", "4. memory", "5. re-run cost",
           "6. generic extraction (article-extraction-benchmark)")  # fmt: skip


@pytest.mark.e2e
def test_benchmark_smoke_run_writes_every_figure(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--mode", "smoke", "--out", str(tmp_path)],
        cwd=REPO, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    for figure in FIGURES:
        assert figure in done.stdout
    results = json.loads((tmp_path / "latest.json").read_text())
    assert len(list(tmp_path.glob("bench-*.json"))) == 1
    # What a reader needs to judge the figures: the machine, how busy it was, the pages.
    assert results["machine"]["cpu_count"] >= 1
    assert len(results["machine"]["load_average_at_start"]) == 3
    weight = results["page_weight"]
    assert weight["page_weight"] == "realistic"
    medians = weight["article_page_medians"]
    assert medians["bytes"] > 50_000, "realistic pages, not the 5 KB light ones"
    assert medians["elements"] > 400
    assert medians["links"] > 60
    assert "realistic weight" in done.stdout
    assert "load average at start" in done.stdout
    throughput = results["crawl_throughput"]
    assert throughput["ratio_median"] > 0
    assert throughput["page_weight"] == "realistic"
    assert all(pair["pages"] > 60 for pair in throughput["pairs"])
    assert all(
        pair["newsbot_seconds"] > 0 and pair["bare_seconds"] > 0 for pair in throughput["pairs"]
    )
    parse = results["parse_cost"]
    assert {"newsbot", "trafilatura", "trafilatura_text_only"} <= set(parse["pages_per_s"])
    assert parse["ratio_vs_trafilatura"] > 0
    assert parse["page_weight"] == "realistic"
    for name, samples in parse["samples_pages_per_s"].items():
        assert len(samples) == (1 if name == "newspaper4k" else 3), name
        assert max(samples) == parse["pages_per_s"][name], name
    for database in ("sqlite", "postgresql"):
        assert results["store_cost"][database]["ratio"] > 0
        samples = results["store_cost"][database]["samples_rows_per_s"]
        assert len(samples["newsbot"]) == len(samples["raw_executemany"]) == 2
    memory = results["memory"]
    assert memory["page_weight"] == "realistic"
    assert all(crawl["peak_rss_mib"] > 0 for crawl in memory["crawls"].values())
    assert "growth_bytes_per_article" in memory
    rerun = results["rerun_cost"]
    assert rerun["second_article_pages"] == 0
    assert 0 < rerun["share"] < 1
    assert set(results["figure_seconds"]) == {
        "page_weight",
        "crawl_throughput and rerun_cost",
        "parse_cost",
        "store_cost",
        "memory",
        "generic_extraction",
    }
    generic = results["generic_extraction"]
    if generic["status"] == "dataset missing":
        assert set(generic) == {"status", "dataset", "goal"}
        assert "dataset missing" in done.stdout
        return
    assert generic["status"] == "ok"
    assert generic["pages"] == 15  # smoke mode's subset
    assert generic["labelled_pages"] >= 1
    assert set(generic["extractors"]) == {"newsbot", "trafilatura", "newspaper4k"}
    for name, scores in generic["extractors"].items():
        assert set(scores) >= {
            "f1",
            "precision",
            "recall",
            "pages_per_s",
            "errors",
            "timeouts",
            "title",
            "authors",
            "published_at",
            "published_day",
        }, name
        assert 0 <= scores["f1"] <= 1
    # trafilatura reads these 15 real pages well: a scorer or loader broken to 0 would show.
    assert generic["extractors"]["trafilatura"]["f1"] > 0.8
    assert generic["extractors"]["trafilatura"]["pages_per_s"] > 0
    assert re.search(r"newspaper4k +F1 [01]\.\d{3}", done.stdout)


@pytest.mark.e2e
def test_the_crawl_figure_alone_times_whole_processes_on_the_same_pages(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--mode", "smoke", "--only", "crawl",
         "--out", str(tmp_path)],
        cwd=REPO, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert FIGURES[0] in done.stdout
    assert not any(figure in done.stdout for figure in FIGURES[1:])
    results = json.loads((tmp_path / "latest.json").read_text())
    assert set(results) >= {"machine", "page_weight", "crawl_throughput"}
    assert "rerun_cost" not in results
    assert len(results["machine"]["load_average_at_end"]) == 3
    throughput = results["crawl_throughput"]
    assert throughput["timed"] == "whole process, start to exit"
    for pair in throughput["pairs"]:
        # The process also imports, opens the database and closes: longer than the engine ran.
        assert pair["newsbot_seconds"] > pair["newsbot_engine_seconds"] > 0
        assert pair["bare_seconds"] > pair["bare_engine_seconds"] > 0
        assert pair["ratio"] == pytest.approx(
            pair["bare_seconds"] / pair["newsbot_seconds"], rel=0.02
        )
        # CPU time is at most what two cores give in the wall time, and not nothing.
        assert 0 < pair["newsbot_cpu_seconds"] <= 2 * pair["newsbot_seconds"]
        assert 0 < pair["bare_cpu_seconds"] <= 2 * pair["bare_seconds"]


def test_crawls_that_fetched_different_pages_are_not_compared():
    home, article = "http://127.0.0.1:1/", "http://127.0.0.1:1/view.php?ud=1"
    common.same_pages({"requested_urls": [article, home]}, {"requested_urls": [home, article]})
    with pytest.raises(RuntimeError, match=r"1 only by newsbot .*0 only by the bare spider"):
        common.same_pages({"requested_urls": [home, article]}, {"requested_urls": [home]})
    with pytest.raises(RuntimeError, match="must fetch the same pages"):  # the same page twice
        common.same_pages({"requested_urls": [home, home]}, {"requested_urls": [home, article]})


def test_without_the_dataset_the_figure_says_so_and_is_skipped(tmp_path, monkeypatch):
    monkeypatch.setattr(aeb, "DATASET", tmp_path / "article-extraction-benchmark")
    result = aeb.figure()
    assert result["status"] == "dataset missing"
    assert aeb.figure_lines(result) == [
        "6. generic extraction (article-extraction-benchmark): dataset missing "
        f"({tmp_path / 'article-extraction-benchmark'}), skipped"
    ]


# --- body scores -----------------------------------------------------------------------


def test_body_scores_count_common_words_once_each():
    # truth has a, b, c, d; the extract a, b, x, x: 2 words in common, 4 extracted, 4 true.
    scores = aeb.body_scores("A b, c d.", "a B x x")
    assert scores.precision == pytest.approx(2 / 4)
    assert scores.recall == pytest.approx(2 / 4)
    assert scores.f1 == pytest.approx(0.5)


def test_body_scores_are_zero_for_nothing_extracted():
    assert aeb.body_scores("some true text", None) == aeb.Scores(0.0, 0.0, 0.0)


# --- label scores ----------------------------------------------------------------------


def label(title="A ‘quoted’ headline — with dashes", authors=("Kim Soo-yeon", "Lee Min"),
          published_at="2019-11-19T17:50-08:00"):  # fmt: skip
    return aeb.Label("0" * 64, "https://example.com/a", title, tuple(authors), published_at, "")


def test_a_title_matches_with_plain_quotes_dashes_and_spaces():
    assert aeb.title_matches(label(), "A  'quoted' headline - with dashes ")


@pytest.mark.parametrize(
    "title",
    ["a ‘quoted’ headline — with dashes",  # case counts
     "A ‘quoted’ headline — with dashes | Example News",  # a site name is not the headline
     None],
)  # fmt: skip
def test_a_title_that_is_not_the_headline_does_not_match(title):
    assert not aeb.title_matches(label(), title)


def test_authors_match_in_any_order_and_case():
    assert aeb.authors_match(label(), ["LEE MIN", " kim  soo-yeon"])


@pytest.mark.parametrize(
    "authors", [["Kim Soo-yeon"], ["Kim Soo-yeon", "Lee Min", "Example News"], []]
)
def test_authors_missing_or_extra_do_not_match(authors):
    assert not aeb.authors_match(label(), authors)


def test_no_byline_matches_only_no_authors():
    assert aeb.authors_match(label(authors=()), [])
    assert not aeb.authors_match(label(authors=()), ["Admin"])


PACIFIC = timezone(timedelta(hours=-8))


def test_a_labelled_minute_matches_the_same_instant_in_any_offset():
    assert aeb.published_matches(label(), datetime(2019, 11, 19, 17, 50, 59, tzinfo=PACIFIC))
    assert aeb.published_matches(label(), datetime(2019, 11, 20, 1, 50, tzinfo=UTC))


@pytest.mark.parametrize(
    "published",
    [datetime(2019, 11, 19, 17, 51, tzinfo=PACIFIC),  # a minute late
     datetime(2019, 11, 19, 17, 50, tzinfo=UTC),  # the clock read in the wrong zone
     datetime(2019, 11, 19, 17, 50),  # no offset: not an instant
     date(2019, 11, 19),  # a day is not a minute
     None],
)  # fmt: skip
def test_a_labelled_minute_rejects_other_instants_and_bare_dates(published):
    assert not aeb.published_matches(label(), published)


def test_a_labelled_date_matches_that_date_on_the_extractors_clock():
    day = label(published_at="2019-11-19")
    assert aeb.published_matches(day, date(2019, 11, 19))
    assert aeb.published_matches(day, datetime(2019, 11, 19, 23, 59, tzinfo=PACIFIC))
    assert not aeb.published_matches(day, datetime(2019, 11, 20, 1, 50, tzinfo=UTC))
    assert not aeb.published_matches(day, None)


def test_a_label_without_a_date_is_not_scored():
    assert aeb.published_matches(label(published_at=None), None) is None
    assert aeb.published_day_matches(label(published_at=None), None) is None


def test_the_published_day_is_read_in_the_labels_zone():
    # 01:50 UTC on the 20th is still the 19th in California, where the page was dated.
    assert aeb.published_day_matches(label(), datetime(2019, 11, 20, 1, 50, tzinfo=UTC))
    assert aeb.published_day_matches(label(), date(2019, 11, 19))
    assert not aeb.published_day_matches(label(), date(2019, 11, 20))


# --- the labels file -------------------------------------------------------------------


def write_labels(path, key="a" * 64, **changes):
    entry = {"url": "https://example.com/a", "title": "Headline", "authors": ["Kim"],
             "published_at": "2019-11-19", "note": "as shown", **changes}  # fmt: skip
    path.write_text(json.dumps({key: entry}), encoding="utf-8")
    return path


def test_well_formed_labels_load(tmp_path):
    labels = aeb.load_labels(write_labels(tmp_path / "labels.json"))
    assert labels["a" * 64].authors == ("Kim",)


@pytest.mark.parametrize(
    "changes",
    [{"key": "not-a-sha256"},
     {"published_at": "2019-11-19 17:50"},  # no offset
     {"published_at": "19 November 2019"},
     {"title": "  "},
     {"authors": [""]}],
)  # fmt: skip
def test_malformed_labels_are_rejected(tmp_path, changes):
    with pytest.raises(ValueError, match=r"label key|published_at|empty title"):
        aeb.load_labels(write_labels(tmp_path / "labels.json", **changes))


def test_the_hand_labels_cover_at_least_30_pages_of_many_sites():
    labels = aeb.load_labels()
    assert len(labels) >= 30
    hosts = {re.sub(r"^www\.", "", label.url.split("/")[2]) for label in labels.values()}
    assert len(hosts) >= 30
    assert all(label.note for label in labels.values())


# --- newspaper4k's worker ----------------------------------------------------------------

ARTICLE = """<html><head><title>Rain falls on Seoul | Example</title></head><body>
<article><h1>Rain falls on Seoul</h1><p class="byline">By Kim Soo-yeon</p>
<p>Heavy rain fell on Seoul on Tuesday, flooding several roads in the south of the city and
closing two subway stations for most of the morning, the city government said.</p>
<p>Officials said the rain would stop by the evening, and that the stations would reopen
before the night's last trains, after pumps had cleared the water from the platforms.</p>
</article></body></html>"""


def test_newspaper4k_runs_in_its_worker_and_is_timed_there():
    page = aeb.BenchPage("k1", "https://example.com/rain", ARTICLE, "")
    run = aeb.run_newspaper4k([page], timeout=60)
    assert (run.timeouts, run.errors) == (0, 0)
    extracted = run.extracted["k1"]
    assert extracted.title == "Rain falls on Seoul"
    assert "flooding several roads" in (extracted.body or "")
    assert 0 < run.seconds < 60


def test_a_newspaper4k_call_out_of_time_scores_nothing_and_is_counted():
    # No worker starts (and imports newspaper4k) within 10 ms: both calls run out of time.
    pages = [aeb.BenchPage(key, "https://example.com/rain", ARTICLE, "") for key in ("a", "b")]
    run = aeb.run_newspaper4k(pages, timeout=0.01)
    assert run.timeouts == 2
    assert run.extracted == {"a": aeb.Extracted(), "b": aeb.Extracted()}
    assert run.seconds == pytest.approx(0.02)


def test_the_worker_cannot_reach_beyond_loopback():
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        code = (
            "import socket; from benchmarks.aeb import _forbid_network; _forbid_network()\n"
            f"socket.create_connection(('127.0.0.1', {port}), timeout=5).close()\n"
            "try:\n"
            "    socket.create_connection(('192.0.2.1', 80), timeout=5)\n"
            "except OSError as error:\n"
            "    print(error)\n"
        )
        done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                              text=True, timeout=60, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "no network in the benchmark" in done.stdout


def test_a_worker_that_dies_is_replaced_and_its_page_counts_as_an_error(monkeypatch):
    def dying_worker():
        return subprocess.Popen([sys.executable, "-c", "import sys; sys.exit(3)"],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE)  # fmt: skip

    monkeypatch.setattr(aeb, "_start_worker", dying_worker)
    pages = [aeb.BenchPage(key, "https://example.com/rain", ARTICLE, "") for key in ("a", "b")]
    run = aeb.run_newspaper4k(pages, timeout=30)
    assert (run.errors, run.timeouts, run.seconds) == (2, 0, 0.0)
    assert run.extracted == {"a": aeb.Extracted(), "b": aeb.Extracted()}


def test_in_process_extractors_are_timed_after_their_first_call_sets_them_up():
    # Like newspaper4k's worker, which imports before the first page is timed: the first
    # call of an extractor imports its modules, once per process, not once per page.
    calls = []

    def slow_to_import(page):
        calls.append(page.key)
        if len(calls) == 1:
            time.sleep(0.5)
        return aeb.Extracted(body="rain")

    pages = [aeb.BenchPage(key, "https://example.com/rain", ARTICLE, "") for key in ("a", "b")]
    run = aeb.run_in_process("slow", slow_to_import, pages)
    assert run.seconds < 0.25
    assert calls == ["a", "a", "b"]
    assert run.extracted == {"a": aeb.Extracted(body="rain"), "b": aeb.Extracted(body="rain")}


@pytest.mark.filterwarnings("ignore:nltk is not installed")  # newspaper4k's, on import
def test_parse_cost_measures_both_korea_herald_layouts():
    from benchmarks import parse
    from benchmarks.common import Mode

    result = parse.figure(Mode(0, 1, 4, 0, 0, 0, 1))

    assert result["pages"] == 4
    assert set(result["by_layout"]) == {"2023", "current"}
    for layout in result["by_layout"].values():
        assert layout["pages"] == 2
        assert layout["ratio_vs_trafilatura"] > 0
        assert set(layout["pages_per_s"]) == {"newsbot", "trafilatura"}
    assert "current layout" in parse.lines(result)[0]


def test_in_process_extractors_take_turns_page_by_page():
    # On a shared machine the load changes within a minute: each page is read by both
    # extractors in turn, so both meet the same load.
    calls = []

    def extractor(name):
        def extract(page):
            calls.append((name, page.key))
            return aeb.Extracted(body=name)

        return extract

    pages = [aeb.BenchPage(key, "https://example.com/rain", ARTICLE, "") for key in ("a", "b")]
    runs = aeb.run_in_turns({"one": extractor("one"), "two": extractor("two")}, pages)

    assert calls[2:] == [("one", "a"), ("two", "a"), ("one", "b"), ("two", "b")]
    assert [run.name for run in runs] == ["one", "two"]
    assert runs[1].extracted == {"a": aeb.Extracted(body="two"), "b": aeb.Extracted(body="two")}
