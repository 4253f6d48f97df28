"""Saving a batch so that an outage costs nothing and one bad item costs only itself.

A database error is either about the database (it is down, the connection broke, it is
locked: try the whole batch again later, from the spool) or about the data (a NUL byte
PostgreSQL refuses, a value too long, a broken constraint: no retry will help). A batch that
fails for its data is split in halves, recursively, until the items at fault are alone;
they are refused, with the database's message, and every other item is stored.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from sqlalchemy import exc

from newsbot.items import Article, PopularRank
from newsbot.storage import SaveResult, Store
from newsbot.storage.migrate import SchemaOutdated

# Errors that say nothing about the items: the batch is kept and retried as it is.
CONNECTIVITY_ERRORS: tuple[type[BaseException], ...] = (
    exc.OperationalError,  # refused, reset, timed out, "database is locked", server shutdown
    exc.InterfaceError,  # connection closed under the driver
    exc.DisconnectionError,
    exc.TimeoutError,  # no pooled connection in time
    OSError,
    SchemaOutdated,  # waits for `newsbot migrate`
)
MAX_MESSAGE = 2000  # the driver's message, not the statement with every parameter

T = TypeVar("T", Article, PopularRank)


def is_connectivity_error(error: BaseException) -> bool:
    """True when ``error`` is about reaching the database rather than about the data."""
    if isinstance(error, exc.DBAPIError) and error.connection_invalidated:
        return True
    return isinstance(error, CONNECTIVITY_ERRORS)


@dataclass
class Refusal:
    """An item the database refused, and why."""

    item: Article | PopularRank
    error: Exception

    @property
    def reason(self) -> str:
        """``store_<ExceptionClass>``, e.g. ``store_DataError``."""
        return f"store_{type(self.error).__name__}"

    @property
    def message(self) -> str:
        """The database's own message (SQLAlchemy's adds the statement and parameters)."""
        cause = self.error.orig if isinstance(self.error, exc.DBAPIError) else self.error
        return str(cause).strip()[:MAX_MESSAGE]


@dataclass
class BatchOutcome:
    """What became of a batch: stored, refused, or (after an outage) not tried yet."""

    items: int = 0  # in the batch
    saved: SaveResult = field(default_factory=SaveResult)
    ranks_stored: int = 0
    refused: list[Refusal] = field(default_factory=list)
    error: Exception | None = None  # the connectivity error that stopped the batch
    unsaved_articles: list[Article] = field(default_factory=list)
    unsaved_ranks: list[PopularRank] = field(default_factory=list)


def save_batch(
    store: Store, articles: Sequence[Article], ranks: Sequence[PopularRank]
) -> BatchOutcome:
    """Store what the database accepts; stop at a connectivity error, keeping the rest."""
    outcome = BatchOutcome(items=len(articles) + len(ranks))

    def save_articles(chunk: list[Article]) -> None:
        result = store.save_articles(chunk)
        outcome.saved.new += result.new
        outcome.saved.revised += result.revised
        outcome.saved.unchanged += result.unchanged

    def save_ranks(chunk: list[PopularRank]) -> None:
        outcome.ranks_stored += store.save_ranks(chunk)

    outcome.unsaved_articles = _bisect(list(articles), save_articles, outcome)
    if outcome.error is not None:
        outcome.unsaved_ranks = list(ranks)
        return outcome
    outcome.unsaved_ranks = _bisect(list(ranks), save_ranks, outcome)
    return outcome


def _bisect(items: list[T], save: Callable[[list[T]], None], outcome: BatchOutcome) -> list[T]:
    """Save ``items`` in order, halving any chunk that fails for its data.

    Each save is one transaction, so a failed chunk left nothing behind and the counts of
    the chunks that succeeded add up exactly. Returns the items not tried because the
    database became unreachable (``outcome.error`` is then set).
    """
    chunks: deque[list[T]] = deque([items] if items else [])
    while chunks:
        chunk = chunks.popleft()
        try:
            save(chunk)
        except Exception as error:
            if is_connectivity_error(error):
                outcome.error = error
                for rest in chunks:
                    chunk.extend(rest)
                return chunk
            if len(chunk) == 1:
                outcome.refused.append(Refusal(chunk[0], error))
            else:
                middle = len(chunk) // 2
                chunks.extendleft([chunk[middle:], chunk[:middle]])
    return []
