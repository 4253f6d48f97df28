from datetime import datetime

from newsbot.extract.dates import KST
from newsbot.loaders import ArticleLoader, PopularRankLoader


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
