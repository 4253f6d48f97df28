"""ValidatePipeline: every item checked against its contract before it is stored.

An invalid item is dropped with every reason found, counted in stats
(``newsbot/invalid/<Item>/<reason>``) and written, with its source URL, to a rejects JSON-lines
file that a person can read and replay after a fix (``newsbot replay-rejects FILE``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from scrapy.exceptions import DropItem

from newsbot.items import Article, PopularRank
from newsbot.rejects import RejectsFile, crawler_rejects, reject
from newsbot.sites import all_sites, site_for_url
from newsbot.sites.base import Site, on_domains
from newsbot.storage.tables import ARTICLE_ID_MAX_CHARS

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)

SITES_BY_NAME = {site.name: site for site in all_sites()}
# Articles dated more than this ahead of the crawl are bad dates, not scoops.
FUTURE_TOLERANCE = timedelta(days=1)
# Before any site newsbot crawls existed (The Korea Herald was founded in 1953).
EARLIEST = datetime(1950, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Limits:
    """Sizes past which a value is the debris of a broken page, not news.

    Such values would also bloat the database, the feeds and every revision.
    """

    title_chars: int = 500
    authors: int = 50
    author_chars: int = 200
    body_bytes: int = 1_000_000  # UTF-8

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> Limits:
        """Limits from the ``NEWSBOT_MAX_*`` settings.

        ``NEWSBOT_MAX_TITLE_CHARS``, ``NEWSBOT_MAX_AUTHORS``, ``NEWSBOT_MAX_AUTHOR_CHARS``,
        ``NEWSBOT_MAX_BODY_BYTES``; a missing one keeps its default.
        """
        return cls(
            title_chars=settings.getint("NEWSBOT_MAX_TITLE_CHARS", cls.title_chars),
            authors=settings.getint("NEWSBOT_MAX_AUTHORS", cls.authors),
            author_chars=settings.getint("NEWSBOT_MAX_AUTHOR_CHARS", cls.author_chars),
            body_bytes=settings.getint("NEWSBOT_MAX_BODY_BYTES", cls.body_bytes),
        )


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class Problem:
    """Why an item is invalid: a stats key suffix and a sentence for people."""

    reason: str
    message: str


def article_problems(
    article: Article, hosts: Iterable[str], now: datetime, limits: Limits = DEFAULT_LIMITS
) -> list[Problem]:
    """Everything wrong with an article; empty when it is valid."""
    problems = _url_problems("url", article.url, hosts)
    problems += _text_problems(article, ("site", "article_id", "title", "body"))
    problems += _article_id_problems(article.article_id)
    problems += _title_problems(article.title, limits)
    problems += _size_problems(article, limits)
    site = _site_of(article)
    if article.site and site is None:
        problems.append(Problem("unknown_site", f"no site named {article.site!r} at {article.url}"))
    elif site and article.url and article.article_id != site.article_id(article.url):
        problems.append(Problem("article_id_mismatch", "article_id does not match its URL"))
    problems += _time_problems("published_at", article.published_at, required=True)
    problems += _time_problems("updated_at", article.updated_at, required=False)
    published, updated = _aware(article.published_at), _aware(article.updated_at)
    if published and published > now + FUTURE_TOLERANCE:
        problems.append(Problem("published_at_future", f"published_at {published}"))
    if published and published < EARLIEST:
        problems.append(Problem("published_at_too_old", f"published_at {published}"))
    if published and updated and updated < published:
        problems.append(Problem("updated_before_published", "updated_at precedes published_at"))
    problems += _time_problems("crawled_at", article.crawled_at, required=True)
    if not isinstance(article.authors, list) or not all(
        isinstance(name, str) and name.strip() for name in article.authors
    ):
        problems.append(Problem("bad_authors", f"authors must be names, got {article.authors!r}"))
    for image in article.images or []:
        if not isinstance(image, dict) or _url_problems("image", image.get("url"), hosts=None):
            problems.append(Problem("bad_image", f"image without an absolute URL: {image!r}"))
            break
    return problems


def _site_of(article: Article) -> Site | None:
    """The article's site: a registered one by name, else the generic site of its URL's host.

    A site newsbot has no parser for is named after its host (``www.`` dropped), so a name
    that is neither registered nor its URL's host is unknown.
    """
    if not isinstance(article.site, str):
        return None
    site = SITES_BY_NAME.get(article.site)
    if site is not None or not isinstance(article.url, str):
        return site
    by_url = site_for_url(article.url)
    return by_url if article.site and by_url.name == article.site else None


def rank_problems(
    rank: PopularRank, hosts: Iterable[str], limits: Limits = DEFAULT_LIMITS
) -> list[Problem]:
    """Everything wrong with one ranking entry taken alone; empty when it is valid."""
    problems = _url_problems("url", rank.url, hosts)
    problems += _url_problems("source_url", rank.source_url, hosts)
    problems += _text_problems(rank, ("site", "list_name", "title", "article_id"))
    problems += _article_id_problems(rank.article_id)
    problems += _title_problems(rank.title, limits)
    if not isinstance(rank.rank, int) or isinstance(rank.rank, bool) or rank.rank < 1:
        problems.append(Problem("bad_rank", f"rank must be a whole number ≥ 1, got {rank.rank!r}"))
    problems += _time_problems("captured_at", rank.captured_at, required=True)
    return problems


def _article_id_problems(article_id: Any) -> list[Problem]:
    """An id the database column cannot hold (a generic site's id is a whole URL)."""
    if isinstance(article_id, str) and len(article_id) > ARTICLE_ID_MAX_CHARS:
        return [
            Problem(
                "article_id_too_long",
                f"article_id has {len(article_id)} characters, over {ARTICLE_ID_MAX_CHARS}",
            )
        ]
    return []


def _title_problems(title: Any, limits: Limits) -> list[Problem]:
    if isinstance(title, str) and len(title) > limits.title_chars:
        message = f"title has {len(title)} characters (at most {limits.title_chars})"
        return [Problem("title_too_long", message)]
    return []


def _size_problems(article: Article, limits: Limits) -> list[Problem]:
    problems = []
    authors = article.authors
    if isinstance(authors, list):
        if len(authors) > limits.authors:
            message = f"{len(authors)} authors (at most {limits.authors})"
            problems.append(Problem("too_many_authors", message))
        longest = max((len(a) for a in authors if isinstance(a, str)), default=0)
        if longest > limits.author_chars:
            message = f"an author name has {longest} characters (at most {limits.author_chars})"
            problems.append(Problem("author_too_long", message))
    body = article.body
    if isinstance(body, str) and _utf8_over(body, limits.body_bytes):
        message = f"body has over {limits.body_bytes} bytes in UTF-8"
        problems.append(Problem("body_too_large", message))
    return problems


def _utf8_over(text: str, limit: int) -> bool:
    """Whether ``text`` takes more than ``limit`` bytes in UTF-8, encoding it only if needed."""
    if len(text) > limit:  # at least a byte per character
        return True
    if len(text) * 4 <= limit:  # at most four
        return False
    return len(text.encode("utf-8", "surrogatepass")) > limit


def _text_problems(item: Any, names: Iterable[str]) -> list[Problem]:
    problems = []
    for name in names:
        value = getattr(item, name)
        if not isinstance(value, str) or not value.strip():
            problems.append(Problem(f"missing_{name}", f"{name} is empty"))
    return problems


def _url_problems(name: str, url: Any, hosts: Iterable[str] | None) -> list[Problem]:
    if not isinstance(url, str) or not url:
        return [Problem(f"missing_{name}", f"{name} is empty")]
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return [Problem(f"{name}_not_absolute", f"{name} is not an absolute http(s) URL: {url}")]
    if hosts is not None and not on_domains(parts.hostname, hosts):
        return [Problem(f"{name}_off_site", f"{name} is not on the crawled site: {url}")]
    return []


def _aware(value: Any) -> datetime | None:
    """``value`` when it is an aware datetime (other cases are reported by _time_problems)."""
    if isinstance(value, datetime) and value.utcoffset() is not None:
        return value
    return None


def _time_problems(name: str, value: Any, required: bool) -> list[Problem]:
    if value is None:
        return [Problem(f"missing_{name}", f"{name} is empty")] if required else []
    if not isinstance(value, datetime):
        return [Problem(f"bad_{name}", f"{name} is not a datetime: {value!r}")]
    if value.tzinfo is None or value.utcoffset() is None:
        return [Problem(f"naive_{name}", f"{name} has no time zone: {value}")]
    return []


class ValidatePipeline:
    """Drop invalid items, with reasons in stats, the log and the rejects file."""

    def __init__(self, crawler: Crawler, limits: Limits = DEFAULT_LIMITS) -> None:
        self.crawler = crawler
        self.limits = limits
        self.rejects: RejectsFile | None = None
        self.hosts: list[str] = []
        # rank → article id per snapshot, to catch two entries claiming the same place.
        self.snapshots: dict[tuple[Any, ...], dict[int, str | None]] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ValidatePipeline:
        """Rejects go to ``NEWSBOT_REJECTS_FILE`` (``%(name)s``, ``%(time)s`` allowed).

        Size limits come from the ``NEWSBOT_MAX_*`` settings (see :class:`Limits`).
        """
        return cls(crawler, Limits.from_settings(crawler.settings))

    def open_spider(self) -> None:
        """Learn the crawled site's hosts and where rejects go."""
        spider = self.crawler.spider
        assert spider is not None  # noqa: S101 - pipelines open with the spider
        self.hosts = list(getattr(spider, "allowed_domains", None) or [])
        self.rejects = crawler_rejects(self.crawler)

    def close_spider(self) -> None:
        """Close the rejects file."""
        if self.rejects is not None:
            self.rejects.close()

    def process_item(self, item: Any) -> Any:
        """Return a valid item; drop an invalid one."""
        if isinstance(item, Article):
            problems = article_problems(item, self.hosts, datetime.now(UTC), self.limits)
            source = item.url
        elif isinstance(item, PopularRank):
            problems = rank_problems(item, self.hosts, self.limits) + self._rank_clash(item)
            source = item.source_url
        else:
            return item
        if not problems:
            return item
        kind = type(item).__name__
        reject(
            item,
            [p.reason for p in problems],
            [p.message for p in problems],
            rejects=self.rejects,
            stats=self.crawler.stats,
            allowed_domains=self.hosts,
        )
        raise DropItem(f"invalid {kind} from {source}: " + "; ".join(p.message for p in problems))

    def _rank_clash(self, rank: PopularRank) -> list[Problem]:
        if not isinstance(rank.rank, int):
            return []
        key = (rank.site, rank.list_name, rank.captured_at)
        taken = self.snapshots.setdefault(key, {})
        if rank.rank in taken and taken[rank.rank] != rank.article_id:
            return [Problem("rank_not_unique", f"rank {rank.rank} appears twice in one snapshot")]
        taken.setdefault(rank.rank, rank.article_id)
        return []
