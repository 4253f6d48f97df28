from datetime import datetime

import pytest
from itemloaders.processors import MapCompose

from newsbot.extract.dates import KST
from newsbot.extract.text import clean_text
from newsbot.loaders import ArticleLoader, Each, PopularRankLoader, to_authors, unique


def test_article_loader_cleans_and_derives_kicker():
    loader = ArticleLoader()
    loader.add_value("title", "  [Today’s K-pop]\n Blackpink’s Rose  renews ")
    loader.add_value("authors", "By Kim So-hyun (sophie@heraldcorp.com)")
    loader.add_value("authors", ["Kim So-hyun", "Yonhap"])
    loader.add_value("published_at", "Published : Sept. 11, 2023 - 20:38")
    loader.add_value("body", [" First\u3000paragraph ", "", "\xa0", "Second"])
    item = loader.load_item()
    assert item.title == "[Today’s K-pop] Blackpink’s Rose renews"
    assert item.kicker == "Today’s K-pop"
    assert item.authors == ["Kim So-hyun", "Yonhap"]
    assert item.published_at == datetime(2023, 9, 11, 20, 38, tzinfo=KST)
    assert item.body == "First paragraph\n\nSecond"


def test_naive_datetimes_are_refused():
    loader = ArticleLoader()
    loader.add_value("published_at", datetime(2023, 9, 11, 20, 38))  # no zone: ambiguous
    assert loader.load_item().published_at is None


def test_first_value_wins_and_no_kicker_without_brackets():
    loader = ArticleLoader()
    loader.add_value("title", None)
    loader.add_value("title", "Plain headline")
    loader.add_value("title", "Other headline")
    item = loader.load_item()
    assert item.title == "Plain headline"
    assert item.kicker is None


def test_popular_rank_loader_reads_printed_rank():
    loader = PopularRankLoader()
    loader.add_value("rank", "01")
    loader.add_value("title", " Title ")
    item = loader.load_item()
    assert item.rank == 1
    assert item.title == "Title"


@pytest.mark.parametrize(
    "value",
    [None, "", " a ", ["a ", None, "", " b"], ("x", "y"), ["By Kim and Lee", "Park"], 5],
)
@pytest.mark.parametrize("function", [clean_text, to_authors, lambda v: None if v == "" else v])
def test_each_gives_what_map_compose_gives(function, value):
    try:
        expected = MapCompose(function)(value)
    except ValueError:
        with pytest.raises(AttributeError):  # MapCompose wraps it in a ValueError
            Each(function)(value)
        return
    assert Each(function)(value) == expected


def test_processors_are_the_declared_ones():
    loader = ArticleLoader()
    assert loader.get_input_processor("authors") is ArticleLoader.authors_in
    assert loader.get_output_processor("authors") is unique
    assert loader.get_output_processor("body") is ArticleLoader.body_out
    assert ArticleLoader().get_input_processor("title") is ArticleLoader.default_input_processor
    assert PopularRankLoader().get_input_processor("rank") is PopularRankLoader.rank_in
