"""Lost articles are remembered on both databases, retried, given up, forgotten once stored,
listed by ``newsbot lost``, and fetched first by the next crawl until stored or given up."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from newsbot.cli import main as newsbot
from newsbot.exitcodes import EXIT_MONITORS_FAILED
from newsbot.storage import open_store
from tests.crawling import crawl
from tests.factories import article
from tests.faults import serving_faults

T0 = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
SITE = "koreaherald"


def url(article_id: str) -> str:
    return f"https://www.koreaherald.com/view.php?ud={article_id}"


@pytest.fixture
def store(database_url):
    store = open_store(database_url)
    yield store
    store.close()


def lose(store, article_id, reason="http_404", when=T0, section="National"):
    return store.record_lost_article(SITE, article_id, url(article_id), reason, section, 3, when)


def test_a_loss_is_counted_per_attempt_until_given_up(store):
    first = lose(store, "20230911000813", "timeout")
    assert (first.attempts, first.given_up, first.last_reason) == (1, False, "timeout")
    lose(store, "20230911000813", "http_500", T0 + timedelta(hours=1), section=None)
    [pending] = store.lost_articles(SITE)
    assert pending.attempts == 2
    assert pending.last_reason == "http_500"
    assert pending.section == "National"  # kept when a retry does not know it
    assert (pending.first_lost_at, pending.last_lost_at) == (T0, T0 + timedelta(hours=1))
    third = lose(store, "20230911000813", "http_404", T0 + timedelta(hours=2))
    assert (third.attempts, third.given_up) == (3, True)
    assert store.lost_articles(SITE) == []
    [given_up] = store.lost_articles(SITE, given_up=True)
    assert given_up.url == url("20230911000813")
    assert given_up.last_lost_at == T0 + timedelta(hours=2)


def test_lost_articles_are_kept_per_site_oldest_first(store):
    lose(store, "2", when=T0 + timedelta(minutes=5))
    lose(store, "1", when=T0)
    store.record_lost_article("other", "1", "https://example.org/1", "dns", None, 3, T0)
    assert [a.article_id for a in store.lost_articles(SITE)] == ["1", "2"]
    assert [a.site for a in store.lost_articles()] == [SITE, "other", SITE]
    assert len(store.lost_articles(SITE, limit=1)) == 1


def test_a_stored_article_is_forgotten(store):
    lose(store, "20230911000813")
    lose(store, "20230911000900")
    store.save_articles([article("20230911000813")])
    assert [a.article_id for a in store.lost_articles(SITE)] == ["20230911000900"]
    assert store.forget_lost_articles(SITE, ["20230911000900", "nope"]) == 1
    assert store.lost_articles(SITE) == []


def test_newsbot_lost_lists_given_up_and_pending_articles(store, database_url, capsys):
    for _ in range(3):
        lose(store, "20230911000813", "http_410")
    lose(store, "20230911000900", "timeout")
    assert newsbot(["--database-url", database_url, "lost"]) == 0
    out = capsys.readouterr().out
    assert url("20230911000813") in out
    assert "http_410" in out
    assert "3 attempt(s)" in out
    assert url("20230911000900") not in out
    assert newsbot(["--database-url", database_url, "--json", "lost", "--pending"]) == 0
    [row] = json.loads(capsys.readouterr().out)
    assert (row["url"], row["last_reason"], row["attempts"]) == (
        url("20230911000900"),
        "timeout",
        1,
    )
    assert row["given_up"] is False


def test_a_database_outage_while_recording_a_loss_is_not_fatal(tmp_path):
    with serving_faults(articles=60) as server:
        corpus = server.faulty.corpus
        lost = corpus.in_section("National")[0]
        server.faulty.faults[corpus.article_path(lost.article_id)] = "http_404"
        # Nothing listens there: every database call fails (connection refused, at once).
        result = crawl(
            server,
            tmp_path / "crawl",
            "-a", "sections=National", "-a", "pages=1", "-a", "popular=skip",
            database_url="postgresql+psycopg://postgres@127.0.0.1:9/none",
        )  # fmt: skip
    assert result.returncode == EXIT_MONITORS_FAILED  # a page was lost; the crawl finished
    assert result.stats["newsbot/lost/article/http_404"] == 1
    assert result.stats["newsbot/store/errors/lost_article_record/OperationalError"] >= 1
    assert "Traceback" not in result.log.split("INFO: Closing spider")[0]


def test_lost_articles_are_fetched_first_until_stored_or_given_up(tmp_path):
    database = f"sqlite:///{tmp_path / 'news.sqlite3'}"
    args = ("-a", "sections=National", "-a", "pages=1", "-a", "popular=skip")
    with serving_faults(articles=60) as server:
        corpus = server.faulty.corpus
        doomed, healed = (a.article_id for a in corpus.in_section("National")[:2])
        faults = server.faulty.faults
        faults[corpus.article_path(doomed)] = "http_404"
        faults[corpus.article_path(healed)] = "http_500"
        first = crawl(server, tmp_path / "1", *args, database_url=database)
        assert first.stats["newsbot/lost/article/http_404"] == 1
        assert first.stats["newsbot/lost/article/http_500"] == 1
        store = open_store(database)
        assert {a.article_id: a.attempts for a in store.lost_articles(SITE)} == {
            doomed: 1,
            healed: 1,
        }

        del faults[corpus.article_path(healed)]
        server.faulty.hits.clear()
        # One request at a time, so that the server sees them in the order the crawl sends
        # them (in parallel, their arrival order is a race between connections).
        one_at_a_time = ("-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1")
        second = crawl(server, tmp_path / "2", *args, *one_at_a_time, database_url=database)
        hits = server.faulty.hits
        # The lost ones go first, before the homepage.
        assert hits[corpus.article_path(doomed)][0] < hits["/"][0]
        assert hits[corpus.article_path(healed)][0] < hits["/"][0]
        assert [a["article_id"] for a in second.articles] == [healed]
        assert {a.article_id: a.attempts for a in store.lost_articles(SITE)} == {doomed: 2}

        crawl(server, tmp_path / "3", *args, database_url=database)
        assert store.lost_articles(SITE) == []
        [given_up] = store.lost_articles(SITE, given_up=True)
        assert (given_up.article_id, given_up.attempts) == (doomed, 3)

        server.faulty.hits.clear()
        fourth = crawl(server, tmp_path / "4", *args, database_url=database)
        assert corpus.article_path(doomed) not in server.faulty.hits
        assert "newsbot/lost/article/http_404" not in fourth.stats
        store.close()
