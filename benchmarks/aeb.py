"""Generic extraction on real pages: the public article-extraction-benchmark (181 pages).

The pages are read from ``../shared/datasets/article-extraction-benchmark/`` (never copied into
the project). Body text is scored word by word against the benchmark's ``articleBody``: per page
precision, recall and F1 of the bags of words, averaged over all pages; a page an extractor
fails on scores 0.

``python -m benchmarks.aeb [--limit N] [--worst N]`` scores newsbot's generic path alone and lists
its worst pages (for tuning); ``make bench`` runs the full comparison.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATASET = REPO.parent / "shared" / "datasets" / "article-extraction-benchmark"
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class BenchPage:
    """One page of the benchmark: its id (sha256), URL, HTML and true body."""

    key: str
    url: str
    html: str
    body: str


@dataclass(frozen=True)
class Scores:
    """Word-level precision, recall and F1 of one extracted body."""

    precision: float
    recall: float
    f1: float


def available() -> bool:
    """Whether the dataset is on this machine."""
    return (DATASET / "ground-truth.json").is_file()


def load_pages(limit: int | None = None) -> list[BenchPage]:
    """The benchmark's pages in a stable order (by key); the first ``limit`` when given."""
    truth = json.loads((DATASET / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for key in sorted(truth)[:limit]:
        raw = gzip.decompress((DATASET / "html" / f"{key}.html.gz").read_bytes())
        pages.append(BenchPage(key, truth[key]["url"], _decode(raw), truth[key]["articleBody"]))
    return pages


def _decode(raw: bytes) -> str:
    # The pages were saved as UTF-8; a few carry stray bytes, which must not end the run.
    return raw.decode("utf-8", errors="replace")


def words(text: str | None) -> Counter[str]:
    """The bag of lower-cased words of ``text``."""
    return Counter(_WORD.findall((text or "").lower()))


def body_scores(truth: str, extracted: str | None) -> Scores:
    """Word-level scores of ``extracted`` against ``truth`` (0 for nothing extracted)."""
    expected, got = words(truth), words(extracted)
    common = sum((expected & got).values())
    if not common:
        return Scores(0.0, 0.0, 0.0)
    precision = common / sum(got.values())
    recall = common / sum(expected.values())
    return Scores(precision, recall, 2 * precision * recall / (precision + recall))


def newsbot_body(page: BenchPage) -> str | None:
    """The body newsbot's generic path extracts, or None when it gives up on the page."""
    from newsbot.page import Page
    from newsbot.sites import read_article, site_for_url
    from newsbot.sites.base import ParseError

    parsed = Page.from_html(page.url, page.html)
    try:
        article, _ = read_article(parsed, site_for_url(page.url))
    except ParseError as error:
        return error.article.body if error.article else None
    return article.body


def score(
    extractor: Callable[[BenchPage], str | None], pages: list[BenchPage]
) -> Iterator[tuple[BenchPage, Scores, float]]:
    """Each page with its scores and the seconds the extractor took on it."""
    for page in pages:
        started = time.perf_counter()
        try:
            body = extractor(page)
        except Exception:  # a crash on one real page scores 0 and must not end the run
            body = None
        yield page, body_scores(page.body, body), time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    """Score newsbot's generic path alone, for tuning."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.aeb")
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--worst", type=int, default=10, help="list the N worst pages")
    args = parser.parse_args(argv)
    if not available():
        print(f"dataset missing: {DATASET}")
        return 1
    results = list(score(newsbot_body, load_pages(args.limit)))
    count = len(results)
    mean = {
        name: sum(getattr(scores, name) for _, scores, _ in results) / count
        for name in ("precision", "recall", "f1")
    }
    seconds = sum(took for _, _, took in results)
    print(
        f"newsbot generic: {count} pages, F1 {mean['f1']:.3f}, precision {mean['precision']:.3f},"
        f" recall {mean['recall']:.3f}, {count / seconds:.1f} pages/s"
    )
    for page, scores, _ in sorted(results, key=lambda r: r[1].f1)[: args.worst]:
        print(
            f"  {scores.f1:.2f} P {scores.precision:.2f} R {scores.recall:.2f}"
            f"  {page.key[:12]}  {page.url}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
