"""A durable on-disk spool for batches the database could not take, replayed exactly once.

Only batches that failed because the database was unreachable are spooled; items the
database refuses for their data never are (see ``storage.batches``). Each batch becomes one
JSON-lines file, written to a temporary name, fsynced and renamed, so a crash never leaves
half a batch under a name that is replayed; a write that fails removes its temporary file.
Replaying claims a file by renaming it, stores its items with the store's idempotent writes,
and deletes it only after the database committed them: a replay that fails part-way keeps
what is left to be replayed again, without duplicates. Files claimed by a process that died
are taken back; a file that cannot be read at all is set aside as ``*.broken``, with an error
in the log, rather than block every later replay.
"""

from __future__ import annotations

import json
import logging
import os
import re
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from newsbot.items import Article, PopularRank
from newsbot.pids import alive
from newsbot.sanitize import clean_item
from newsbot.storage import Store
from newsbot.storage.batches import BatchOutcome, Refusal, save_batch
from newsbot.storage.serialize import dumps, item_from_dict, item_to_dict

logger = logging.getLogger(__name__)

SUFFIX = ".jsonl"
# batch-….jsonl.replaying-<pid> (claimed by a replay), batch-….jsonl.tmp-<pid> (being written)
_CLAIMED = re.compile(r"^(batch-.+\.jsonl)\.(replaying|tmp)-(\d+)$")


class Spool:
    """Batches waiting for the database, one file each, in ``directory``."""

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)

    def write(self, articles: Sequence[Article], ranks: Sequence[PopularRank]) -> Path:
        """Persist a batch durably; returns its file. Raises, leaving nothing, if it cannot."""
        self.directory.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        final = self.directory / f"batch-{stamp}-{uuid.uuid4().hex[:8]}{SUFFIX}"
        _write_atomically(final, [*articles, *ranks])
        return final

    def files(self) -> list[Path]:
        """Spooled batches, oldest first."""
        if not self.directory.is_dir():
            return []
        return sorted(self.directory.glob(f"batch-*{SUFFIX}"))

    def drain(self, store: Store, refuse: Callable[[Refusal], None]) -> tuple[int, int]:
        """Store every spooled batch, oldest first; returns (files, items) replayed.

        Items the database refuses for their data go to ``refuse`` and the rest of their
        batch is stored. When the database is unreachable, stops, keeping the batch's unsaved
        items and later batches in place, and raises that error.
        """
        self.recover()
        files = items = 0
        for path in self.files():
            claimed = path.with_name(f"{path.name}.replaying-{os.getpid()}")
            try:
                path.rename(claimed)
            except FileNotFoundError:
                continue  # another process claimed it
            try:
                outcome = replay_file(claimed, store)
                for refusal in outcome.refused:
                    refuse(refusal)
            except UnreadableBatch as error:  # no replay can help: set it aside for a person
                aside = path.with_name(f"{path.name}.broken")
                claimed.rename(aside)
                logger.error(
                    "Spooled batch %s cannot be read (%s); moved to %s", path, error, aside
                )
                continue
            except BaseException:
                claimed.rename(path)
                raise
            if outcome.error is not None:
                _keep_unsaved(claimed, path, outcome)
                raise outcome.error
            claimed.unlink()
            files, items = files + 1, items + outcome.items
            logger.info("Replayed %d spooled items from %s", outcome.items, path.name)
        return files, items

    def recover(self) -> None:
        """Take back the files of processes that died while replaying or writing them."""
        if not self.directory.is_dir():
            return
        for path in sorted(self.directory.iterdir()):
            match = _CLAIMED.match(path.name)
            if match is None or _alive(int(match.group(3))):
                continue
            original = path.with_name(match.group(1))
            if match.group(2) == "replaying":
                logger.warning("Taking back %s from a replay that did not finish", original.name)
                path.rename(original)
            else:
                _salvage(path, original)


class UnreadableBatch(ValueError):
    """A spool file that is not a batch of items (edited by hand, damaged on disk)."""


def replay_file(path: Path, store: Store) -> BatchOutcome:
    """Store the items of one spool file, cleaned as the crawl cleans them."""
    articles: list[Article] = []
    ranks: list[PopularRank] = []
    try:
        items = _read(path)
    except (ValueError, KeyError, TypeError) as error:
        raise UnreadableBatch(repr(error)) from error
    for item in items:
        clean_item(item)
        if isinstance(item, Article):
            articles.append(item)
        else:
            ranks.append(item)
    return save_batch(store, articles, ranks)


def _read(path: Path, partial: bool = False) -> list[Article | PopularRank]:
    """The items of a spool file; with ``partial``, stops at a line cut short by a crash."""
    items: list[Article | PopularRank] = []
    with path.open(encoding="utf-8", errors="surrogateescape") as handle:
        for line in handle:
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                items.append(item_from_dict(record["type"], record["item"]))
            except (ValueError, KeyError, TypeError):
                if partial:
                    break
                raise
    return items


def _write_atomically(final: Path, items: Sequence[Article | PopularRank]) -> None:
    temporary = final.with_name(f"{final.name}.tmp-{os.getpid()}")
    try:
        with temporary.open("w", encoding="utf-8") as handle:
            for item in items:
                record = {"type": type(item).__name__, "item": item_to_dict(item)}
                handle.write(dumps(record) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        temporary.replace(final)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _keep_unsaved(claimed: Path, path: Path, outcome: BatchOutcome) -> None:
    """After an outage mid-batch: keep only what was not stored or refused, under its name."""
    if not (outcome.saved.new or outcome.saved.revised or outcome.saved.unchanged) and not (
        outcome.ranks_stored or outcome.refused
    ):
        claimed.rename(path)  # nothing happened: the file stays as it was
        return
    _write_atomically(path, [*outcome.unsaved_articles, *outcome.unsaved_ranks])
    claimed.unlink()


def _salvage(temporary: Path, final: Path) -> None:
    """A batch whose writer died: keep its complete lines as a batch, if there are any."""
    items = _read(temporary, partial=True)
    if items:
        logger.warning("Recovered %d items from %s, left by a writer that died", len(items), final)
        _write_atomically(final, items)
    temporary.unlink()


def _alive(pid: int) -> bool:
    # Our own files are being worked on.
    return pid == os.getpid() or alive(pid)
