"""Canaries: which stored articles a crawl re-reads, and what a lost one counts as."""

from __future__ import annotations

import scrapy
from scrapy.utils.test import get_crawler

from newsbot.extensions.summary import summary_lines
from newsbot.lost import ARTICLE_ID, CANARY, KIND, lost_pages
from newsbot.spiders.base import pick_canaries
from newsbot.spiders.koreaherald import KoreaHeraldSpider


def test_canaries_are_the_first_known_articles_of_the_list():
    listed = ["n1", "k1", "n2", "k2", "k3", "k4"]
    known = {"k1", "k2", "k3", "k4"}
    assert pick_canaries(listed, known, taken=set(), room=3) == ["k1", "k2", "k3"]


def test_canaries_skip_articles_already_taken_and_stop_at_the_room_left():
    listed = ["k1", "k2", "k3", "k4"]
    known = set(listed)
    assert pick_canaries(listed, known, taken={"k1", "k3"}, room=3) == ["k2", "k4"]
    assert pick_canaries(listed, known, taken=set(), room=1) == ["k1"]
    assert pick_canaries(listed, known, taken=set(), room=0) == []
    assert pick_canaries(listed, set(), taken=set(), room=3) == []


def test_a_repeated_or_missing_id_is_picked_at_most_once():
    assert pick_canaries(["k1", None, "k1", "k2"], {"k1", "k2"}, taken=set(), room=3) == [
        "k1",
        "k2",
    ]


def test_a_lost_canary_is_counted_as_a_canary_not_as_a_lost_article():
    crawler = get_crawler(KoreaHeraldSpider, {"NEWSBOT_STORE_ENABLED": False})
    request = scrapy.Request(
        "http://127.0.0.1/view.php?ud=1",
        meta={KIND: "article", ARTICLE_ID: "1", CANARY: True},
    )
    lost_pages(crawler).lost(request, "http_404", "Not Found")
    stats = crawler.stats.get_stats()
    assert stats["newsbot/canary/lost/http_404"] == 1
    assert not [key for key in stats if key.startswith("newsbot/lost")]


def test_the_summary_says_how_many_known_articles_were_re_read():
    stats = {
        "finish_reason": "finished",
        "response_received_count": 10,
        "newsbot/articles/skipped_known": 30,
        "newsbot/canary/requested": 6,
        "newsbot/canary/parsed": 5,
        "newsbot/canary/lost/http_404": 1,
        "newsbot/saved/PopularRank": 10,
    }
    assert summary_lines(stats, "koreaherald")[0] == (
        "Summary of koreaherald (finished): 10 pages crawled; articles 0 new, 0 revised, "
        "30 known (5 re-read as canaries, 1 lost); 10 Most Popular ranks captured"
    )
