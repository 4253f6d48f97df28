"""A durable on-disk spool for batches the database could not take, replayed exactly once.

Each failed batch becomes one JSON-lines file, written to a temporary name, fsynced and renamed,
so a crash never leaves half a batch. Replaying claims a file by renaming it, stores its items
with the store's idempotent writes, and deletes it only after the database committed them:
a replay that fails part-way leaves the file to be replayed again, without duplicates.
"""

from __future__ import annotations

import json
import logging
import os
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from newsbot.items import Article, PopularRank
from newsbot.storage import Store
from newsbot.storage.serialize import item_from_dict, item_to_dict

logger = logging.getLogger(__name__)

SUFFIX = ".jsonl"


class Spool:
    """Batches waiting for the database, one file each, in ``directory``."""

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)

    def write(self, articles: Sequence[Article], ranks: Sequence[PopularRank]) -> Path:
        """Persist a batch durably; returns its file."""
        self.directory.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        final = self.directory / f"batch-{stamp}-{uuid.uuid4().hex[:8]}{SUFFIX}"
        temporary = final.with_suffix(".tmp")
        with temporary.open("w", encoding="utf-8") as handle:
            batch: list[Article | PopularRank] = [*articles, *ranks]
            for item in batch:
                record = {"type": type(item).__name__, "item": item_to_dict(item)}
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        temporary.replace(final)
        return final

    def files(self) -> list[Path]:
        """Spooled batches, oldest first."""
        if not self.directory.is_dir():
            return []
        return sorted(self.directory.glob(f"batch-*{SUFFIX}"))

    def drain(self, store: Store) -> tuple[int, int]:
        """Store every spooled batch, oldest first; returns (files, items) replayed.

        Stops at the first batch the store refuses, leaving it and later ones in place,
        and raises that error.
        """
        files = items = 0
        for path in self.files():
            claimed = path.with_name(f"{path.name}.replaying-{os.getpid()}")
            try:
                path.rename(claimed)
            except FileNotFoundError:
                continue  # another process claimed it
            try:
                count = replay_file(claimed, store)
            except BaseException:
                claimed.rename(path)
                raise
            claimed.unlink()
            files, items = files + 1, items + count
            logger.info("Replayed %d spooled items from %s", count, path.name)
        return files, items


def replay_file(path: Path, store: Store) -> int:
    """Store the items of one spool file; returns how many it held."""
    articles: list[Article] = []
    ranks: list[PopularRank] = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            record = json.loads(line)
            item = item_from_dict(record["type"], record["item"])
            (articles if isinstance(item, Article) else ranks).append(item)  # type: ignore[arg-type]
    store.save_articles(articles)
    store.save_ranks(ranks)
    return len(articles) + len(ranks)
