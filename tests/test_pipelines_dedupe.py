from datetime import UTC, datetime

import pytest
from scrapy.exceptions import DropItem

from newsbot.pipelines.dedupe import DedupePipeline
from tests.factories import article, rank
from tests.pipelines import crawler_with_spider


@pytest.fixture
def pipeline():
    return DedupePipeline.from_crawler(crawler_with_spider())


def test_one_article_per_id_whatever_its_section_or_url(pipeline):
    first = article(section="National")
    assert pipeline.process_item(first) is first
    with pytest.raises(DropItem, match="duplicate Article"):
        pipeline.process_item(article(section="World"))
    assert pipeline.process_item(article("20230911000900")) is not None
    assert pipeline.crawler.stats.get_value("newsbot/duplicate/Article") == 1


def test_one_rank_per_list_snapshot_and_position(pipeline):
    pipeline.process_item(rank(1))
    with pytest.raises(DropItem, match="duplicate PopularRank"):
        pipeline.process_item(rank(1))
    assert pipeline.process_item(rank(2)) is not None
    later = datetime(2023, 9, 22, 10, 0, tzinfo=UTC)
    assert pipeline.process_item(rank(1, captured_at=later)) is not None
    assert pipeline.process_item(rank(1, list_name="most_viewed")) is not None
    assert pipeline.crawler.stats.get_value("newsbot/duplicate/PopularRank") == 1


def test_other_items_pass(pipeline):
    assert pipeline.process_item({"anything": 1}) == {"anything": 1}
