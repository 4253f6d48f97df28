"""SanitizePipeline and the cleaning it shares with replays: text that can be stored and shown."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pytest
from scrapy.settings import Settings

from newsbot.pipelines.sanitize import SanitizePipeline
from newsbot.sanitize import clean_text, clean_value, printable
from newsbot.storage import open_store
from newsbot.storage.queries import latest_articles
from tests.factories import article, rank
from tests.pipelines import crawler_with_spider


@pytest.mark.parametrize(
    ("dirty", "clean"),
    [
        ("Broken \ud800 title", "Broken \ufffd title"),  # a lone surrogate
        ("\udc00 and \ud83d", "\ufffd and \ufffd"),
        ("smile \ud83d\ude00", "smile \U0001f600"),  # a pair split in two: joined
        ("NUL\x00 here", "NUL here"),
        ("bell\x07 and \x1b[31mred", "bell and [31mred"),
        ("DEL\x7f and C1\x85\x9b", "DEL and C1"),
        ("tab\tand\nnewline", "tab\tand\nnewline"),
        ("Windows\r\nold Mac\rend", "Windows\nold Mac\nend"),
        ("form\x0cfeed, vertical\x0btab", "formfeed, verticaltab"),
        ("북한 김정은 \u00e9t\u00e9", "북한 김정은 \u00e9t\u00e9"),
    ],
)
def test_clean_text(dirty, clean):
    assert clean_text(dirty) == clean
    assert clean_text(clean) == clean  # idempotent


def test_clean_text_returns_clean_text_itself():
    text = "Nothing to do here, 북한."
    assert clean_text(text) is text


def test_clean_value_reaches_nested_strings_and_keeps_what_is_clean():
    clean = {"url": "https://x/1.jpg", "caption": None, "tags": ["a", ("b", 1)]}
    assert clean_value(clean) is clean
    dirty = {"url\x00": "https://x/1.jpg", "caption": "A\x07", "tags": ["a", ("b\ud800", 1)]}
    assert clean_value(dirty) == {
        "url": "https://x/1.jpg",
        "caption": "A",
        "tags": ["a", ("b\ufffd", 1)],
    }
    assert clean_value(3) == 3


def test_printable_is_one_safe_line():
    assert printable("a\x1b]0;x\x07b\nc\td\u202ee\ud800") == "a]0;xb c de\ufffd"
    text = "Fine 북한"
    assert printable(text) is text


@pytest.fixture
def pipeline():
    crawler = crawler_with_spider()
    return SanitizePipeline.from_crawler(crawler)


def test_every_string_of_an_article_is_cleaned_and_counted(pipeline):
    dirty = article(
        title="N. Korea\x00 \ud800",
        authors=["Kim\x1b[2J", "Lee"],
        body="First\x07 paragraph.\r\nSecond.",
        images=[{"url": "https://www.koreaherald.com/a.jpg", "caption": "Cap\x9btion"}],
    )
    assert pipeline.process_item(dirty) is dirty
    assert dirty.title == "N. Korea \ufffd"
    assert dirty.authors == ["Kim[2J", "Lee"]
    assert dirty.body == "First paragraph.\nSecond."
    assert dirty.images == [{"url": "https://www.koreaherald.com/a.jpg", "caption": "Caption"}]
    stats = pipeline.crawler.stats.get_stats()
    assert {key: value for key, value in stats.items() if "sanitized" in key} == {
        "newsbot/sanitized/Article/title": 1,
        "newsbot/sanitized/Article/authors": 1,
        "newsbot/sanitized/Article/body": 1,
        "newsbot/sanitized/Article/images": 1,
    }


def test_clean_items_pass_untouched_and_uncounted(pipeline):
    good = article()
    before = json.dumps(good.__dict__, default=str)
    assert pipeline.process_item(good) is good
    assert json.dumps(good.__dict__, default=str) == before
    assert not any("sanitized" in key for key in pipeline.crawler.stats.get_stats())


def test_ranks_dicts_and_other_dataclasses_are_cleaned(pipeline):
    @dataclass
    class Note:
        text: str = ""
        tags: list[str] = field(default_factory=list)

    ranked = pipeline.process_item(rank(1, title="Head\x00line"))
    assert ranked.title == "Headline"
    note = pipeline.process_item(Note(text="a\x1bb", tags=["\ud800"]))
    assert (note.text, note.tags) == ("ab", ["\ufffd"])
    plain = pipeline.process_item({"title": "x\x07"})
    assert plain == {"title": "x"}
    stats = pipeline.crawler.stats
    assert stats.get_value("newsbot/sanitized/PopularRank/title") == 1
    assert stats.get_value("newsbot/sanitized/Note/tags") == 1
    assert stats.get_value("newsbot/sanitized/dict/title") == 1


def test_sanitize_runs_first():
    settings = Settings()
    settings.setmodule("newsbot.settings")
    order = settings.getdict("ITEM_PIPELINES")
    assert min(order, key=order.get) == "newsbot.pipelines.sanitize.SanitizePipeline"


def test_a_cleaned_article_is_stored_on_postgresql_too(database_url, pipeline):
    dirty = pipeline.process_item(article(title="A\x00B \ud800", body="Body\x00."))
    store = open_store(database_url)
    assert store.save_articles([dirty]).new == 1
    [row] = latest_articles(store.engine)
    store.close()
    assert row["title"] == "AB \ufffd"
