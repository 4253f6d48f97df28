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

A crawl that could not record its run in the database (its start, its end, or both) spools
its run record too, as a ``run-….json`` file: replayed after the batches, it completes (or
inserts) the crawl's ``crawl_runs`` row, keyed by the crawl's uuid, so a record replayed
twice, or by a replay that died before deleting it, still makes one row.
"""

from __future__ import annotations

import json
import logging
import os
import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from newsbot.items import Article, PopularRank
from newsbot.pids import alive
from newsbot.sanitize import clean_item
from newsbot.storage import CrawlRun, Store
from newsbot.storage.batches import BatchOutcome, Refusal, save_batch
from newsbot.storage.serialize import dumps, item_from_dict, item_to_dict

logger = logging.getLogger(__name__)

SUFFIX = ".jsonl"
RUN_SUFFIX = ".json"
# batch-….jsonl.replaying-<pid> (claimed by a replay), batch-….jsonl.tmp-<pid> (being written);
# the same for run-….json
_CLAIMED = re.compile(r"^(batch-.+\.jsonl|run-.+\.json)\.(replaying|tmp)-(\d+)$")


class Spool:
    """Batches waiting for the database, one file each, in ``directory``."""

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)

    def write(self, articles: Sequence[Article], ranks: Sequence[PopularRank]) -> Path:
        """Persist a batch durably; returns its file. Raises, leaving nothing, if it cannot."""
        final = self._new_file("batch", SUFFIX)
        _write_atomically(final, [*articles, *ranks])
        return final

    def write_run(self, run: CrawlRun) -> Path:
        """Persist a crawl's run record durably; returns its file."""
        final = self._new_file("run", RUN_SUFFIX)
        _write_text_atomically(final, dumps(_run_to_dict(run)) + "\n")
        return final

    def files(self) -> list[Path]:
        """Spooled batches, oldest first."""
        if not self.directory.is_dir():
            return []
        return sorted(self.directory.glob(f"batch-*{SUFFIX}"))

    def run_files(self) -> list[Path]:
        """Spooled run records, oldest first."""
        if not self.directory.is_dir():
            return []
        return sorted(self.directory.glob(f"run-*{RUN_SUFFIX}"))

    def drain_runs(self, store: Store) -> list[int]:
        """Complete the crawl run of every spooled run record; returns their run ids.

        Meant after :meth:`drain`, so that a run is completed once its batches are stored.
        When the database is unreachable, stops, keeping the record and later ones, and raises.
        """
        self.recover()
        completed: list[int] = []
        for path in self.run_files():
            claimed = _claim(path)
            if claimed is None:
                continue  # another process claimed it
            try:
                run = _read_run(claimed)
            except (ValueError, KeyError, TypeError) as error:
                aside = path.with_name(f"{path.name}.broken")
                claimed.rename(aside)
                logger.error(
                    "Spooled run record %s cannot be read (%r); moved to %s", path, error, aside
                )
                continue
            try:
                run_id = store.complete_run(run)
            except BaseException:
                claimed.rename(path)
                raise
            claimed.unlink()
            completed.append(run_id)
            logger.info("Completed crawl run #%d from %s", run_id, path.name)
        return completed

    def _new_file(self, kind: str, suffix: str) -> Path:
        self.directory.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        return self.directory / f"{kind}-{stamp}-{uuid.uuid4().hex[:8]}{suffix}"

    def drain(self, store: Store, refuse: Callable[[Refusal], None]) -> tuple[int, int]:
        """Store every spooled batch, oldest first; returns (files, items) replayed.

        Items the database refuses for their data go to ``refuse`` and the rest of their
        batch is stored. When the database is unreachable, stops, keeping the batch's unsaved
        items and later batches in place, and raises that error.
        """
        self.recover()
        files = items = 0
        for path in self.files():
            claimed = _claim(path)
            if claimed is None:
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
            elif original.name.startswith("run-"):
                _salvage_run(path, original)
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
    lines = (dumps({"type": type(item).__name__, "item": item_to_dict(item)}) for item in items)
    _write_text_atomically(final, "".join(line + "\n" for line in lines))


def _write_text_atomically(final: Path, text: str) -> None:
    temporary = final.with_name(f"{final.name}.tmp-{os.getpid()}")
    try:
        with temporary.open("w", encoding="utf-8") as handle:
            handle.write(text)
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


def _salvage_run(temporary: Path, final: Path) -> None:
    """A run record whose writer died: kept if it was written whole, else dropped."""
    try:
        _read_run(temporary)
    except (ValueError, KeyError, TypeError):
        logger.warning("Dropping %s, a run record its writer left unfinished", temporary.name)
        temporary.unlink()
        return
    temporary.replace(final)


def _run_to_dict(run: CrawlRun) -> dict[str, Any]:
    record = asdict(run)
    record["started_at"] = run.started_at.isoformat()
    record["finished_at"] = run.finished_at.isoformat()
    return {"type": "CrawlRun", **record}


def _read_run(path: Path) -> CrawlRun:
    record = json.loads(path.read_text(encoding="utf-8", errors="surrogateescape"))
    if record.pop("type") != "CrawlRun":
        raise ValueError("not a crawl run record")
    record["started_at"] = datetime.fromisoformat(record["started_at"])
    record["finished_at"] = datetime.fromisoformat(record["finished_at"])
    return CrawlRun(**record)


def _alive(pid: int) -> bool:
    # Our own files are being worked on.
    return pid == os.getpid() or alive(pid)


def _claim(path: Path) -> Path | None:
    """Rename ``path`` to this process's replaying name; None when another process took it."""
    claimed = path.with_name(f"{path.name}.replaying-{os.getpid()}")
    try:
        path.rename(claimed)
    except FileNotFoundError:
        return None
    return claimed
