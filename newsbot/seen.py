"""The crawl's ledger of articles: which it requested and which it passed on, in little memory.

A crawl asks for each article once (the spider) and passes each article on once (the dedupe
pipeline). Both records grow with the crawl, one entry per article, so they share one
dictionary per site whose keys are compact: an id that is a number (the Korea Herald's
14-digit ``ud``) is kept as that number, any other as a 16-byte digest, never as the id's
string or a tuple of strings. An entry takes about 60 bytes, where the two sets of tuples and
strings took about 300. Across crawls the database decides what is known, so nothing here
outlives the crawl.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

REQUESTED = 1  # the spider asked for the article's page
PASSED = 2  # an Article item with this id left the dedupe pipeline
_NUMBER_DIGITS = 18  # below 2**63: a number this long is still one small int object
_DIGEST_BYTES = 16  # 128 bits: no two ids of a crawl (or of any archive) share one

Key = int | bytes


def compact_key(article_id: str | None) -> Key:
    """``article_id`` as a small dictionary key that no other id has.

    A number written without leading zeros is kept as a number (``"0123"`` and ``"123"`` stay
    apart); anything else as a BLAKE2b digest of its text; no id (``None``) as empty bytes.
    """
    if article_id is None:
        return b""
    if (
        article_id.isascii()
        and article_id.isdigit()
        and len(article_id) <= _NUMBER_DIGITS
        and (article_id == "0" or not article_id.startswith("0"))
    ):
        return int(article_id)
    text = article_id.encode("utf-8", "surrogatepass")
    return hashlib.blake2b(text, digest_size=_DIGEST_BYTES).digest()


class ArticleLedger:
    """Marks (``REQUESTED``, ``PASSED``) per article of each site, one small entry per article."""

    def __init__(self) -> None:
        self._marks: dict[str, dict[Key, int]] = {}

    def mark(self, site: str, article_id: str | None, flag: int) -> bool:
        """Set ``flag`` on the article; returns whether it was set already."""
        marks = self._marks.setdefault(site, {})
        key = compact_key(article_id)
        held = marks.get(key, 0)
        if held & flag:
            return True
        marks[key] = held | flag
        return False

    def has(self, site: str, article_id: str | None, flag: int) -> bool:
        """Whether ``flag`` is set on the article."""
        return bool(self._marks.get(site, {}).get(compact_key(article_id), 0) & flag)

    def __len__(self) -> int:
        return sum(len(marks) for marks in self._marks.values())


_LEDGERS: WeakKeyDictionary[Crawler, ArticleLedger] = WeakKeyDictionary()


def article_ledger(crawler: Crawler) -> ArticleLedger:
    """The crawl's ledger (one per crawler), shared by its spider and its dedupe pipeline."""
    ledger = _LEDGERS.get(crawler)
    if ledger is None:
        ledger = _LEDGERS[crawler] = ArticleLedger()
    return ledger
