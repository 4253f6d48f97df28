"""Generic extraction on real pages: the public article-extraction-benchmark (181 pages).

The pages are read from ``../shared/datasets/article-extraction-benchmark/`` (never copied into
the project). Body text is scored word by word against the benchmark's ``articleBody``: per page
precision, recall and F1 of the bags of words, averaged over all pages; a page an extractor
fails on scores 0.

Title, authors and publication time are scored against ``aeb_labels.json``: hand labels of what
some of the pages show a reader (the visible headline, byline, date and time). A title matches
when equal after Unicode NFKC, curly quotes and dashes made plain and runs of white space made
one space (case counts); authors when the sets of names are equal, ignoring case; a labelled
time when the extracted one is the same instant to the minute (a time without an offset never
is), a date-only label when the extracted date is that date. A page whose label has no date
(the page shows none) is not scored on dates.

``python -m benchmarks.aeb [--limit N] [--worst N] [--misses N]`` scores newsbot's generic path
alone and lists its worst pages and its label misses (for tuning); ``--compare`` adds
trafilatura and newspaper4k; ``make bench`` runs the full comparison as its figure 6.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import select
import subprocess
import sys
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DATASET = REPO.parent / "shared" / "datasets" / "article-extraction-benchmark"
LABELS = Path(__file__).with_name("aeb_labels.json")
_WORD = re.compile(r"\w+")
# newspaper4k normally takes well under a second a page; a call still running after this long
# is stuck, and the page scores 0.
NEWSPAPER_TIMEOUT = 10.0
GOAL = "body F1 above trafilatura's; at least its speed"


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


@dataclass(frozen=True)
class Extracted:
    """What an extractor read from a page; empty when it failed or timed out."""

    body: str | None = None
    title: str | None = None
    authors: tuple[str, ...] = ()
    # An aware or naive datetime, or a bare date when the extractor gives only a day.
    published_at: datetime | date | None = None


@dataclass(frozen=True)
class Label:
    """The hand label of one page: what its headline, byline and date line show."""

    key: str
    url: str
    title: str
    authors: tuple[str, ...]
    published_at: str | None  # "YYYY-MM-DDTHH:MM±HH:MM", "YYYY-MM-DD", or None: none shown
    note: str


@dataclass
class Run:
    """One extractor over the pages: what it read, and the seconds each call took."""

    name: str
    extracted: dict[str, Extracted] = field(default_factory=dict)
    seconds: float = 0.0
    errors: int = 0
    timeouts: int = 0


def available() -> bool:
    """Whether the dataset is on this machine."""
    return (DATASET / "ground-truth.json").is_file()


def load_pages(limit: int | None = None) -> list[BenchPage]:
    """The benchmark's pages in a stable order (by key); the first ``limit`` when given."""
    truth = json.loads((DATASET / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for key in sorted(truth)[:limit]:
        pages.append(BenchPage(key, truth[key]["url"], _read_html(key), truth[key]["articleBody"]))
    return pages


def _read_html(key: str) -> str:
    raw = gzip.decompress((DATASET / "html" / f"{key}.html.gz").read_bytes())
    # The pages were saved as UTF-8; a few carry stray bytes, which must not end the run.
    return raw.decode("utf-8", errors="replace")


_TIMED = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d[+-]\d\d:\d\d")
_DAY = re.compile(r"\d{4}-\d\d-\d\d")
_SHA256 = re.compile(r"[0-9a-f]{64}")


def load_labels(path: Path = LABELS) -> dict[str, Label]:
    """The hand labels by page key; raises ValueError on a malformed label."""
    labels = {}
    for key, raw in json.loads(path.read_text(encoding="utf-8")).items():
        published = raw["published_at"]
        if not _SHA256.fullmatch(key):
            raise ValueError(f"label key {key!r} is not a page's sha256")
        if published is not None and not (_TIMED.fullmatch(published) or _DAY.fullmatch(published)):
            raise ValueError(f"{key}: published_at {published!r} is neither a minute nor a date")
        if not raw["title"].strip() or not all(name.strip() for name in raw["authors"]):
            raise ValueError(f"{key}: empty title or author name")
        labels[key] = Label(
            key, raw["url"], raw["title"], tuple(raw["authors"]), published, raw["note"]
        )
    return labels


# --- scoring ----------------------------------------------------------------------------


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


_PLAIN = str.maketrans(
    {
        **dict.fromkeys("‘’‚‛′`", "'"),
        **dict.fromkeys("“”„‟″«»", '"'),
        **dict.fromkeys("‐‑‒–—―−", "-"),
    }
)


def normalise_text(text: str | None) -> str:
    """``text`` in NFKC, with plain quotes and dashes and single spaces, stripped."""
    return " ".join(unicodedata.normalize("NFKC", text or "").translate(_PLAIN).split())


def title_matches(label: Label, title: str | None) -> bool:
    """Whether ``title`` is the labelled headline (see the module's docstring)."""
    return normalise_text(title) == normalise_text(label.title)


def authors_match(label: Label, authors: Iterable[str]) -> bool:
    """Whether ``authors`` are the labelled names, in any order and case."""

    def names(values: Iterable[str]) -> set[str]:
        return {normalise_text(value).casefold() for value in values if normalise_text(value)}

    return names(authors) == names(label.authors)


def published_matches(label: Label, published: datetime | date | None) -> bool | None:
    """Whether ``published`` is the labelled time (None when the label has no date).

    A labelled minute needs the same instant to the minute, so an offset is needed: a time
    without one, or a bare date, does not match. A labelled date needs that calendar date on
    the extractor's own clock.
    """
    if label.published_at is None:
        return None
    if published is None:
        return False
    if _DAY.fullmatch(label.published_at):
        day = published.date() if isinstance(published, datetime) else published
        return day == date.fromisoformat(label.published_at)
    if not isinstance(published, datetime) or published.utcoffset() is None:
        return False
    expected = datetime.fromisoformat(label.published_at)
    return published.astimezone(UTC).replace(second=0, microsecond=0) == expected.astimezone(UTC)


def published_day_matches(label: Label, published: datetime | date | None) -> bool | None:
    """Whether ``published`` falls on the labelled day, in the label's own zone when it has one.

    Gentler than :func:`published_matches`: an extractor that gives only a date (trafilatura)
    is compared on what it gives.
    """
    if label.published_at is None:
        return None
    if published is None:
        return False
    expected = datetime.fromisoformat(label.published_at)
    if isinstance(published, datetime):
        if published.utcoffset() is not None and expected.tzinfo is not None:
            published = published.astimezone(expected.tzinfo)
        published = published.date()
    return published == expected.date()


# --- extractors -------------------------------------------------------------------------


def newsbot_extract(page: BenchPage) -> Extracted:
    """What newsbot's generic path reads (what it had read, when it gives up on the page)."""
    from newsbot.page import Page
    from newsbot.sites import read_article, site_for_url
    from newsbot.sites.base import ParseError

    parsed = Page.from_html(page.url, page.html)
    try:
        article, _ = read_article(parsed, site_for_url(page.url))
    except ParseError as error:
        if error.article is None:
            return Extracted()
        article = error.article
    return Extracted(article.body, article.title, tuple(article.authors), article.published_at)


def newsbot_body(page: BenchPage) -> str | None:
    """The body newsbot's generic path extracts, or None when it gives up on the page."""
    return newsbot_extract(page).body


def trafilatura_extract(page: BenchPage) -> Extracted:
    """What ``trafilatura.bare_extraction(html, url=url, with_metadata=True)`` reads."""
    import trafilatura

    document = trafilatura.bare_extraction(page.html, url=page.url, with_metadata=True)
    if document is None:
        return Extracted()
    # trafilatura joins several authors with "; " and gives the date as YYYY-MM-DD.
    authors = tuple(name.strip() for name in (document.author or "").split(";") if name.strip())
    return Extracted(document.text, document.title, authors, _as_time(document.date))


def newspaper4k_extract(page: BenchPage) -> Extracted:
    """What newspaper4k reads from the page's HTML (images not fetched, no NLP)."""
    import newspaper

    article = newspaper.Article(page.url, fetch_images=False)
    article.download(input_html=page.html)
    article.parse()
    published = article.publish_date
    if isinstance(published, str):
        published = _as_time(published)
    return Extracted(article.text, article.title, tuple(article.authors), published)


def _as_time(value: str | None) -> datetime | date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value) if _DAY.fullmatch(value) else datetime.fromisoformat(value)
    except ValueError:
        return None


def run_in_turns(
    extractors: dict[str, Callable[[BenchPage], Extracted]], pages: list[BenchPage]
) -> list[Run]:
    """Run each extractor on each page here, page by page in turns, timing each call.

    The load of a shared machine changes within the minute one extractor takes over all
    pages: taking turns on each page, every extractor meets the same load. Each first runs
    once, untimed, to import what it needs (as in :func:`run_in_process`).
    """
    runs = {name: Run(name) for name in extractors}
    for extractor in extractors.values():
        if pages:
            with suppress(Exception):
                extractor(pages[0])
    for page in pages:
        for name, extractor in extractors.items():
            _timed_call(runs[name], extractor, page)
    return list(runs.values())


def _timed_call(run: Run, extractor: Callable[[BenchPage], Extracted], page: BenchPage) -> None:
    started = time.perf_counter()
    try:
        run.extracted[page.key] = extractor(page)
    except Exception:  # a crash on one real page scores 0 and must not end the run
        run.extracted[page.key] = Extracted()
        run.errors += 1
    run.seconds += time.perf_counter() - started


def run_in_process(
    name: str, extractor: Callable[[BenchPage], Extracted], pages: list[BenchPage]
) -> Run:
    """Run ``extractor`` on each page here, timing each call.

    A first, untimed call on the first page imports what the extractor needs (newspaper4k's
    worker imports before its first page too): a crawl pays that once, not once per page.
    """
    run = Run(name)
    if pages:
        with suppress(Exception):
            extractor(pages[0])
    for page in pages:
        _timed_call(run, extractor, page)
    return run


def run_newspaper4k(pages: list[BenchPage], timeout: float = NEWSPAPER_TIMEOUT) -> Run:
    """newspaper4k in a worker process, each call bounded by ``timeout`` seconds.

    A call that runs out of time scores 0, counts as a timeout and costs the whole
    ``timeout``; one that kills the worker scores 0 and counts as an error. Either way the
    worker is then replaced. The seconds are measured inside
    the worker, around the extraction alone (not the reading of the page or the pipe).
    """
    run = Run("newspaper4k")
    worker: subprocess.Popen[bytes] | None = None
    try:
        for page in pages:
            worker = worker or _start_worker()
            answer = _ask(worker, page, timeout)
            if not isinstance(answer, dict):  # out of time, or the worker died: replace it
                _stop_worker(worker)
                worker = None
                if answer is _TIMED_OUT:
                    run.timeouts += 1
                    run.seconds += timeout
                else:
                    run.errors += 1
                run.extracted[page.key] = Extracted()
                continue
            run.seconds += answer["seconds"]
            run.errors += 1 if answer["error"] else 0
            run.extracted[page.key] = Extracted(
                answer["body"],
                answer["title"],
                tuple(answer["authors"]),
                _as_time(answer["published_at"]),
            )
    finally:
        if worker is not None:
            _stop_worker(worker)
    return run


_TIMED_OUT = object()


def _ask(worker: subprocess.Popen[bytes], page: BenchPage, timeout: float) -> Any:
    """The worker's answer for ``page``: a dict, _TIMED_OUT, or None when the worker died."""
    if worker.stdin is None or worker.stdout is None:
        raise RuntimeError("the worker's pipes are not open")
    try:
        worker.stdin.write(json.dumps({"url": page.url, "html": page.html}).encode() + b"\n")
        worker.stdin.flush()
    except BrokenPipeError:
        return None
    ready, _, _ = select.select([worker.stdout], [], [], timeout)
    if not ready:
        return _TIMED_OUT
    # One line per page, flushed at once: once it starts, the whole line follows.
    line = worker.stdout.readline()
    return json.loads(line) if line else None


def _start_worker() -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "benchmarks.aeb", "--newspaper4k-worker"],
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,  # newspaper4k's warnings about missing NLP packages
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )


def _stop_worker(worker: subprocess.Popen[bytes]) -> None:
    worker.kill()
    worker.wait()
    for stream in (worker.stdin, worker.stdout):
        if stream is not None:
            stream.close()


def _newspaper4k_worker() -> int:
    """Read pages (JSON lines: url, html) on stdin; answer one JSON line each.

    The answer holds what newspaper4k read, the seconds it took and the error, if any.
    """
    _forbid_network()
    import newspaper  # noqa: F401  imported before the first page is timed

    for line in sys.stdin:
        request = json.loads(line)
        page = BenchPage("", request["url"], request["html"], "")
        started = time.perf_counter()
        error = None
        try:
            extracted = newspaper4k_extract(page)
        except Exception as exc:  # e.g. ImportError: the language needs nltk, not installed
            extracted, error = Extracted(), f"{type(exc).__name__}: {exc}"
        seconds = time.perf_counter() - started
        published = extracted.published_at
        answer = {
            **asdict(extracted),
            "published_at": published.isoformat() if published else None,
            "seconds": seconds,
            "error": error,
        }
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()
    return 0


def _forbid_network() -> None:
    """Make any connection beyond loopback fail: newspaper4k must not download anything."""
    import socket

    connect, connect_ex = socket.socket.connect, socket.socket.connect_ex

    def refuse_beyond_loopback(sock: socket.socket, address: Any) -> None:
        host = address[0] if isinstance(address, tuple) else None
        if sock.family in (socket.AF_INET, socket.AF_INET6) and host not in (
            "127.0.0.1",
            "::1",
            "localhost",
        ):
            raise OSError(f"no network in the benchmark: {address!r}")

    def checked_connect(sock: socket.socket, address: Any) -> None:
        refuse_beyond_loopback(sock, address)
        connect(sock, address)

    def checked_connect_ex(sock: socket.socket, address: Any) -> int:
        refuse_beyond_loopback(sock, address)
        return connect_ex(sock, address)

    socket.socket.connect = checked_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = checked_connect_ex  # type: ignore[method-assign]


# --- the figure -------------------------------------------------------------------------


def summarise(run: Run, pages: list[BenchPage], labels: dict[str, Label]) -> dict[str, Any]:
    """Body scores averaged over all pages, speed, failures, and label scores of one run."""
    scores = [body_scores(page.body, run.extracted[page.key].body) for page in pages]
    count = len(pages)
    labelled = [labels[page.key] for page in pages if page.key in labels]

    def share(check: Callable[[Label, Extracted], bool | None]) -> float | None:
        verdicts = [check(label, run.extracted[label.key]) for label in labelled]
        scored = [verdict for verdict in verdicts if verdict is not None]
        return round(sum(scored) / len(scored), 3) if scored else None

    return {
        "f1": round(sum(s.f1 for s in scores) / count, 3),
        "precision": round(sum(s.precision for s in scores) / count, 3),
        "recall": round(sum(s.recall for s in scores) / count, 3),
        "pages_per_s": round(count / run.seconds, 1) if run.seconds else None,
        "seconds": round(run.seconds, 2),
        "errors": run.errors,
        "timeouts": run.timeouts,
        "title": share(lambda label, got: title_matches(label, got.title)),
        "authors": share(lambda label, got: authors_match(label, got.authors)),
        "published_at": share(lambda label, got: published_matches(label, got.published_at)),
        "published_day": share(lambda label, got: published_day_matches(label, got.published_at)),
    }


def figure(limit: int | None = None) -> dict[str, Any]:
    """Figure 6 of ``make bench``: newsbot's generic path beside trafilatura and newspaper4k."""
    if not available():
        return {"status": "dataset missing", "dataset": str(DATASET), "goal": GOAL}
    pages = load_pages(limit)
    labels = load_labels()
    # newspaper4k's worker takes the second core meanwhile: each call is timed on its own, so
    # running side by side changes little but the figure's wall time.
    with ThreadPoolExecutor(max_workers=1) as pool:
        newspaper4k = pool.submit(run_newspaper4k, pages)
        runs = [
            *run_in_turns({"newsbot": newsbot_extract, "trafilatura": trafilatura_extract}, pages),
            newspaper4k.result(),
        ]
    extractors = {run.name: summarise(run, pages, labels) for run in runs}
    newsbot, trafilatura = extractors["newsbot"], extractors["trafilatura"]
    labelled = [labels[page.key] for page in pages if page.key in labels]
    return {
        "status": "ok",
        "pages": len(pages),
        "labelled_pages": len(labelled),
        "dated_labels": sum(label.published_at is not None for label in labelled),
        "extractors": extractors,
        "f1_vs_trafilatura": round(newsbot["f1"] - trafilatura["f1"], 3),
        "speed_vs_trafilatura": (
            round(newsbot["pages_per_s"] / trafilatura["pages_per_s"], 2)
            if newsbot["pages_per_s"] and trafilatura["pages_per_s"]
            else None
        ),
        "timing": "pages ÷ summed seconds of the extraction calls, each timed in the process "
        "that runs it after its imports, newsbot and trafilatura taking turns page by page "
        "(newspaper4k: in its worker process, on the other core "
        "at the same time; "
        f"a timeout costs {NEWSPAPER_TIMEOUT:.0f} s)",
        "goal": GOAL,
    }


def figure_lines(result: dict[str, Any]) -> list[str]:
    """The figure as printed by ``make bench``."""
    title = "6. generic extraction (article-extraction-benchmark)"
    if result["status"] != "ok":
        return [f"{title}: dataset missing ({result['dataset']}), skipped"]
    extractors = result["extractors"]

    def fraction(value: float | None) -> str:
        return "-" if value is None else f"{value:.2f}"

    lines = [
        f"{title}: {result['pages']} pages; body F1 newsbot "
        f"{extractors['newsbot']['f1']:.3f} vs trafilatura {extractors['trafilatura']['f1']:.3f}"
        f" ({result['f1_vs_trafilatura']:+.3f}), speed {result['speed_vs_trafilatura']}x "
        f"trafilatura's (goal: {GOAL})"
    ]
    for name, s in extractors.items():
        lines.append(
            f"   {name:<12} F1 {s['f1']:.3f}  P {s['precision']:.3f}  R {s['recall']:.3f}  "
            f"{s['pages_per_s']} pages/s  errors {s['errors']}  timeouts {s['timeouts']}  | "
            f"labels: title {fraction(s['title'])}  authors {fraction(s['authors'])}  "
            f"published {fraction(s['published_at'])} (day {fraction(s['published_day'])})"
        )
    lines.append(
        f"   labels: {result['labelled_pages']} hand-labelled pages ({result['dated_labels']} "
        "dated); goal for newsbot: title and authors >= 0.9, published >= 0.95"
    )
    lines.append(f"   pages/s: {result['timing']}")
    return lines


# --- tuning -----------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    """Score newsbot's generic path alone (or ``--compare`` all three), for tuning."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.aeb")
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--worst", type=int, default=10, help="list the N worst pages")
    parser.add_argument("--misses", type=int, default=200, help="list N label misses")
    parser.add_argument(
        "--compare", action="store_true", help="also run trafilatura and newspaper4k"
    )
    parser.add_argument("--newspaper4k-worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.newspaper4k_worker:
        return _newspaper4k_worker()
    if not available():
        print(f"dataset missing: {DATASET}")
        return 1
    if args.compare:
        print("\n".join(figure_lines(figure(args.limit))))
        return 0
    pages = load_pages(args.limit)
    labels = load_labels()
    run = run_in_process("newsbot", newsbot_extract, pages)
    s = summarise(run, pages, labels)
    print(
        f"newsbot generic: {len(pages)} pages, F1 {s['f1']:.3f}, precision {s['precision']:.3f},"
        f" recall {s['recall']:.3f}, {s['pages_per_s']} pages/s, {s['errors']} errors; labels:"
        f" title {s['title']}, authors {s['authors']}, published {s['published_at']}"
        f" (day {s['published_day']})"
    )
    results = sorted(
        ((page, body_scores(page.body, run.extracted[page.key].body)) for page in pages),
        key=lambda pair: pair[1].f1,
    )
    for page, scores in results[: args.worst]:
        print(
            f"  {scores.f1:.2f} P {scores.precision:.2f} R {scores.recall:.2f}"
            f"  {page.key[:12]}  {page.url}"
        )
    for line in _label_misses(run, pages, labels)[: args.misses]:
        print(line)
    return 0


def _label_misses(run: Run, pages: list[BenchPage], labels: dict[str, Label]) -> list[str]:
    misses = []
    for page in pages:
        label, got = labels.get(page.key), run.extracted[page.key]
        if label is None:
            continue
        checks: Iterator[tuple[str, bool | None, object, object]] = iter(
            [
                ("title", title_matches(label, got.title), label.title, got.title),
                ("authors", authors_match(label, got.authors), list(label.authors),
                 list(got.authors)),
                ("published", published_matches(label, got.published_at), label.published_at,
                 got.published_at.isoformat() if got.published_at else None),
            ]
        )  # fmt: skip
        for field_name, verdict, expected, found in checks:
            if verdict is False:
                misses.append(
                    f"  miss {field_name:<9} {page.key[:12]}  want {expected!r}  got {found!r}"
                )
    return misses


if __name__ == "__main__":
    raise SystemExit(main())
