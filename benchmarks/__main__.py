"""``python -m benchmarks [--mode quick|full|smoke]``: newsbot's costs, measured as ratios.

Every figure compares two things measured in the same run on the same machine, so it holds on
a noisy shared machine: newsbot against a bare Scrapy spider on the same replica, its parser
against generic extractors on the same pages, its store against raw ``executemany`` on the same
rows. Results are printed and written to ``exports/bench/bench-<time>.json`` (and
``latest.json``).

1. crawl throughput: pages/s of the full newsbot crawl ÷ pages/s of the bare spider, runs
   alternated A B A B in separate processes, the ratio taken pair by pair (goal ≥ 0.8);
2. parse cost: article pages parsed per second by newsbot ÷ by ``trafilatura.extract``
   with metadata (title, author, date: what newsbot extracts too; text-only is reported as
   well) and by newspaper4k, on the same HTML, one process (goal ≥ 10);
3. store cost: rows/s of newsbot's store ÷ raw batched ``executemany``, SQLite and PostgreSQL
   (goal ≥ 0.5);
4. memory: peak RSS of a full crawl, small and large, and the growth per article;
5. re-run cost: requests of a second crawl with nothing new ÷ requests of the first;
6. generic extraction on real pages no one here wrote (the public article-extraction-benchmark,
   read from ``../shared/datasets/``; skipped, saying so, when missing): body F1, precision,
   recall and pages/s of newsbot's generic path beside trafilatura and newspaper4k, and their
   title, authors and date against hand labels (goal: body F1 above trafilatura's, at least
   its speed; see ``benchmarks/aeb.py``).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks import aeb

REPO = Path(__file__).resolve().parents[1]
BARE_SPIDER = Path(__file__).with_name("bare_spider.py")
# The same engine settings for newsbot and the bare spider: no politeness, same concurrency.
ENGINE = [
    "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0",
    "-s", "CONCURRENT_REQUESTS=16", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16",
    "-s", "ROBOTSTXT_OBEY=True", "-s", "LOG_LEVEL=WARNING",
    "-s", "TELNETCONSOLE_ENABLED=False", "-s", "REMOTE_CONTROL_ENABLED=False",
]  # fmt: skip
POSTGRES_ADMIN = os.environ.get(
    "NEWSBOT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


@dataclass(frozen=True)
class Mode:
    """How much work each figure gets."""

    crawl_articles: int
    pairs: int
    parse_pages: int
    store_rows: int
    memory_small: int
    memory_large: int
    aeb_pages: int | None  # None: all 181


MODES = {
    "smoke": Mode(60, 1, 20, 200, 60, 120, 15),
    "quick": Mode(600, 3, 200, 2_000, 1_000, 4_000, None),
    "full": Mode(3_000, 5, 1_000, 20_000, 5_000, 20_000, None),
}


# --- helpers ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def replica(articles: int) -> Iterator[str]:
    """The 2023-layout replica in a process of its own (not competing with the driver)."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "newsbot.replica", "--layout", "2023",
         "--articles", str(articles), "--port", str(port)],
        cwd=REPO, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        subprocess.run([sys.executable, "-m", "newsbot.replica.wait", f"{base}/robots.txt"],
                       cwd=REPO, check=True)  # fmt: skip
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def run_process(command: list[str], cwd: Path, env: dict[str, str]) -> int:
    """Run, sampling the process's resident memory; returns its peak RSS in KiB.

    Sampled rather than read from ``wait4``'s ``ru_maxrss``: Linux carries that high-water
    mark across fork and exec, so a child would report this (larger) driver's memory.
    """
    import psutil

    process = subprocess.Popen(command, cwd=cwd, env=env)
    watched = psutil.Process(process.pid)
    peak = 0
    while process.poll() is None:
        try:
            peak = max(peak, watched.memory_info().rss)
        except psutil.NoSuchProcess:
            break
        time.sleep(0.05)
    if process.wait() != 0:
        raise RuntimeError(f"{command[:6]}… exited with {process.returncode}")
    return peak // 1024


def newsbot_crawl(base: str, workdir: Path) -> dict[str, Any]:
    """The whole product: parse, validate, dedupe, SQLite store, feeds, monitors."""
    env = {**os.environ, "NEWSBOT_EXPORTS_DIR": str(workdir)}
    for name in ("NEWSBOT_DATABASE_URL", "NEWSBOT_REDIS_URL", "NEWSBOT_STATS_FILE"):
        env.pop(name, None)
    stats_file = workdir / "stats.json"
    rss = run_process(
        # Section lists only: the bare spider does not read feeds (the 2023 replica has none).
        [sys.executable, "-m", "scrapy", "crawl", "koreaherald", "-a", f"base_url={base}",
         "-a", "pages=100000", "-a", "discover=sections", *ENGINE,
         "-s", f"NEWSBOT_STATS_FILE={stats_file}"],
        REPO, env,
    )  # fmt: skip
    stats: dict[str, Any] = json.loads(stats_file.read_text())
    stats["peak_rss_kib"] = rss
    return stats


def bare_crawl(base: str, workdir: Path) -> dict[str, Any]:
    """The baseline, run outside the project so that none of newsbot's settings apply."""
    stats_file = workdir / "bare-stats.json"
    env = {k: v for k, v in os.environ.items() if k != "SCRAPY_SETTINGS_MODULE"}
    rss = run_process(
        [sys.executable, "-m", "scrapy", "runspider", str(BARE_SPIDER), "-a", f"base_url={base}",
         "-a", f"stats_file={stats_file}", *ENGINE],
        workdir, env,
    )  # fmt: skip
    stats: dict[str, Any] = json.loads(stats_file.read_text())
    stats["peak_rss_kib"] = rss
    return stats


def pages_per_second(stats: dict[str, Any]) -> float:
    return float(stats["response_received_count"]) / float(stats["elapsed_time_seconds"])


def best_rate(work: Callable[[], int], rounds: int = 3) -> float:
    """Items per second of the fastest of ``rounds`` runs (the least disturbed one)."""
    rates = []
    for _ in range(rounds):
        started = time.perf_counter()
        done = work()
        rates.append(done / (time.perf_counter() - started))
    return max(rates)


# --- 1. crawl throughput and 5. re-run cost ---------------------------------------------


def crawl_throughput(mode: Mode, scratch: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    pairs = []
    first_newsbot: Path | None = None
    with replica(mode.crawl_articles) as base:
        bare_crawl(base, _fresh(scratch / "warm-up"))  # render and cache every page once
        for index in range(mode.pairs):
            workdir = _fresh(scratch / f"newsbot-{index}")
            a = newsbot_crawl(base, workdir)
            b = bare_crawl(base, _fresh(scratch / f"bare-{index}"))
            if a["response_received_count"] != b["response_received_count"]:
                raise RuntimeError(
                    f"newsbot fetched {a['response_received_count']} pages, the bare spider "
                    f"{b['response_received_count']}: they must follow the same links"
                )
            pairs.append(
                {
                    "newsbot_pages_per_s": round(pages_per_second(a), 1),
                    "bare_pages_per_s": round(pages_per_second(b), 1),
                    "ratio": round(pages_per_second(a) / pages_per_second(b), 3),
                    "pages": a["response_received_count"],
                }
            )
            first_newsbot = first_newsbot or workdir
        if first_newsbot is None:
            raise RuntimeError("no crawl pair ran")
        first = json.loads((first_newsbot / "stats.json").read_text())
        again = newsbot_crawl(base, first_newsbot)  # same database: nothing new
    throughput = {
        "articles": mode.crawl_articles,
        "pairs": pairs,
        "ratio_median": statistics.median(p["ratio"] for p in pairs),
        "goal": ">= 0.8",
    }
    rerun = {
        "first_requests": first["downloader/request_count"],
        "second_requests": again["downloader/request_count"],
        "share": round(again["downloader/request_count"] / first["downloader/request_count"], 4),
        "second_article_pages": again.get("newsbot/articles/2023", 0),
    }
    return throughput, rerun


def _fresh(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=False)
    return path


# --- 2. parse cost ----------------------------------------------------------------------


def parse_cost(mode: Mode) -> dict[str, Any]:
    from newsbot.page import Page
    from newsbot.replica import layout_2023
    from newsbot.replica.corpus import build_corpus
    from newsbot.sites import get_site

    corpus = build_corpus("2023", max(mode.parse_pages, 20))
    pages = [
        (f"https://www.koreaherald.com/view.php?ud={a.article_id}",
         layout_2023.article(corpus, a.article_id) or "")
        for a in corpus.articles[: mode.parse_pages]
    ]  # fmt: skip
    site = get_site("koreaherald")

    def newsbot() -> int:
        for url, html in pages:
            page = Page.from_html(url, html)
            layout = site.article_layout(page)
            if layout is None:
                raise RuntimeError(f"{url}: no layout")
            layout.parse_article(page, None)
        return len(pages)

    import trafilatura

    def trafilatura_text() -> int:
        for url, html in pages:
            trafilatura.extract(html, url=url)
        return len(pages)

    def trafilatura_metadata() -> int:
        # Like for like: newsbot also reads the title, byline and dates, not only the text.
        for url, html in pages:
            trafilatura.extract(html, url=url, with_metadata=True)
        return len(pages)

    rates = {
        "newsbot": best_rate(newsbot),
        "trafilatura": best_rate(trafilatura_metadata),
        "trafilatura_text_only": best_rate(trafilatura_text),
    }
    try:
        import newspaper

        def newspaper4k() -> int:
            for url, html in pages:
                article = newspaper.Article(url)
                article.download(input_html=html)
                article.parse()
            return len(pages)

        rates["newspaper4k"] = best_rate(newspaper4k)
    except ImportError:
        pass
    return {
        "pages": len(pages),
        "pages_per_s": {name: round(rate, 1) for name, rate in rates.items()},
        "ratio_vs_trafilatura": round(rates["newsbot"] / rates["trafilatura"], 2),
        "ratio_vs_trafilatura_text_only": round(
            rates["newsbot"] / rates["trafilatura_text_only"], 2
        ),
        **(
            {"ratio_vs_newspaper4k": round(rates["newsbot"] / rates["newspaper4k"], 2)}
            if "newspaper4k" in rates
            else {}
        ),
        "goal": ">= 10 vs trafilatura (with_metadata=True: the same fields newsbot extracts)",
    }


# --- 3. store cost ----------------------------------------------------------------------


def store_cost(mode: Mode, scratch: Path) -> dict[str, Any]:
    from newsbot.replica.corpus import build_corpus

    corpus = build_corpus("2023", mode.store_rows)
    crawled = datetime.now(UTC)
    articles = [_article(a, crawled) for a in corpus.articles]
    results = {"rows": len(articles), "goal": ">= 0.5"}
    results["sqlite"] = _store_pair(
        lambda: f"sqlite:///{_fresh(scratch / f'db-{time.monotonic_ns()}')}/bench.sqlite3",
        articles,
    )
    results["postgresql"] = _store_pair(_postgres_database, articles)
    return results


def _article(truth: Any, crawled: datetime) -> Any:
    from newsbot.items import Article

    return Article(
        url=f"https://www.koreaherald.com/view.php?ud={truth.article_id}",
        article_id=truth.article_id, site="koreaherald", layout="2023",
        section=truth.sections[0], title=truth.title, subtitle=truth.subtitle,
        kicker=truth.kicker, authors=list(truth.authors), published_at=truth.published_at,
        updated_at=truth.updated_at, body=truth.body,
        images=[{"url": f"https://www.koreaherald.com{p}", "caption": c} for p, c in truth.images],
        crawled_at=crawled,
    )  # fmt: skip


_DATABASES: list[str] = []


def _postgres_database() -> str:
    import uuid

    import psycopg
    from sqlalchemy.engine import make_url

    name = f"newsbot_bench_{uuid.uuid4().hex[:10]}"
    admin = make_url(POSTGRES_ADMIN).set(drivername="postgresql").render_as_string(False)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    _DATABASES.append(name)
    return make_url(POSTGRES_ADMIN).set(database=name).render_as_string(hide_password=False)


def _drop_postgres_databases() -> None:
    import psycopg
    from sqlalchemy.engine import make_url

    admin = make_url(POSTGRES_ADMIN).set(drivername="postgresql").render_as_string(False)
    with psycopg.connect(admin, autocommit=True) as connection:
        for name in _DATABASES:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _DATABASES.clear()


def _store_pair(new_database: Callable[[], str], articles: list[Any]) -> dict[str, Any]:
    from newsbot.storage.migrate import ensure_schema
    from newsbot.storage.sql import SqlStore

    def with_store(write: Callable[[SqlStore], None]) -> float:
        store = SqlStore(new_database())
        ensure_schema(store.engine, auto_migrate=True)
        started = time.perf_counter()
        write(store)
        elapsed = time.perf_counter() - started
        store.close()
        return len(articles) / elapsed

    def newsbot(store: SqlStore) -> None:
        for start in range(0, len(articles), 100):
            store.save_articles(articles[start : start + 100])

    def raw(store: SqlStore) -> None:
        _raw_executemany(store, articles)

    newsbot_rate = max(with_store(newsbot) for _ in range(2))
    raw_rate = max(with_store(raw) for _ in range(2))
    return {
        "newsbot_rows_per_s": round(newsbot_rate),
        "raw_executemany_rows_per_s": round(raw_rate),
        "ratio": round(newsbot_rate / raw_rate, 3),
    }


def _raw_executemany(store: Any, articles: list[Any]) -> None:
    """The same rows (article and first revision), batched, through the driver directly."""
    from newsbot.storage.serialize import content_hash

    postgres = store.engine.dialect.name == "postgresql"
    mark, json_mark = ("%s", "%s::jsonb") if postgres else ("?", "?")
    article_columns = (
        "id, site, article_id, url, layout, section, title, subtitle, kicker, authors, "
        "published_at, updated_at, body, images, content_hash, revision_count, "
        "first_seen_at, last_seen_at"
    )
    article_marks = ", ".join([mark] * 9 + [json_mark] + [mark] * 3 + [json_mark] + [mark] * 4)
    revision_columns = (
        "article_pk, revision, content_hash, url, title, subtitle, kicker, authors, "
        "published_at, updated_at, body, images, crawled_at"
    )
    revision_marks = ", ".join([mark] * 7 + [json_mark] + [mark] * 3 + [json_mark, mark])
    raw = store.engine.raw_connection()
    try:
        cursor = raw.cursor()
        for start in range(0, len(articles), 100):
            if (
                not postgres
            ):  # newsbot's engine runs SQLite in autocommit: open the batch's transaction
                cursor.execute("BEGIN")
            batch = list(enumerate(articles[start : start + 100], start=start + 1))
            rows, revision_rows = [], []
            for pk, a in batch:
                digest = content_hash(a)
                authors, images = json.dumps(a.authors), json.dumps(a.images)
                published = a.published_at.astimezone(UTC)
                updated = a.updated_at.astimezone(UTC) if a.updated_at else None
                when = (published, updated) if postgres else (str(published), str(updated))
                rows.append(
                    (pk, a.site, a.article_id, a.url, a.layout, a.section, a.title, a.subtitle,
                     a.kicker, authors, when[0], when[1], a.body, images, digest, 1,
                     a.crawled_at if postgres else str(a.crawled_at),
                     a.crawled_at if postgres else str(a.crawled_at))
                )  # fmt: skip
                revision_rows.append(
                    (pk, 1, digest, a.url, a.title, a.subtitle, a.kicker, authors, when[0],
                     when[1], a.body, images, a.crawled_at if postgres else str(a.crawled_at))
                )  # fmt: skip
            cursor.executemany(
                f"INSERT INTO articles ({article_columns}) VALUES ({article_marks})",
                rows,
            )
            cursor.executemany(
                f"INSERT INTO article_revisions ({revision_columns}) VALUES ({revision_marks})",
                revision_rows,
            )
            raw.commit()
    finally:
        raw.close()


# --- 4. memory --------------------------------------------------------------------------


def memory(mode: Mode, scratch: Path) -> dict[str, Any]:
    """Peak RSS of newsbot and of the bare spider on a small and a large site.

    The bare spider's growth is what the framework itself keeps per page (its duplicate
    filter, its queue); newsbot's growth beyond that is what newsbot keeps per article.
    """
    peaks: dict[str, dict[int, float]] = {"newsbot": {}, "bare": {}}
    articles: dict[int, int] = {}
    for size in (mode.memory_small, mode.memory_large):
        with replica(size) as base:
            stats = newsbot_crawl(base, _fresh(scratch / f"memory-{size}"))
            bare = bare_crawl(base, _fresh(scratch / f"memory-bare-{size}"))
        peaks["newsbot"][size] = round(stats["peak_rss_kib"] / 1024, 1)
        peaks["bare"][size] = round(bare["peak_rss_kib"] / 1024, 1)
        articles[size] = stats.get("newsbot/articles/2023", 0)
    extra = max(articles[mode.memory_large] - articles[mode.memory_small], 1)

    def growth(who: str) -> float:
        return peaks[who][mode.memory_large] - peaks[who][mode.memory_small]

    return {
        "crawls": {
            str(size): {
                "articles": articles[size],
                "peak_rss_mib": peaks["newsbot"][size],
                "bare_peak_rss_mib": peaks["bare"][size],
            }
            for size in articles
        },
        "growth_mib": round(growth("newsbot"), 1),
        "growth_bytes_per_article": round(growth("newsbot") * 1024 * 1024 / extra),
        "bare_growth_bytes_per_article": round(growth("bare") * 1024 * 1024 / extra),
    }


# --- driver ---------------------------------------------------------------------------


class _FigureTimer:
    """Wall seconds of each figure, by name."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        started = time.monotonic()
        yield
        self.seconds[name] = round(time.monotonic() - started, 1)


# --- main -----------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--mode", choices=sorted(MODES), default="quick")
    parser.add_argument("--out", type=Path, default=REPO / "exports" / "bench")
    args = parser.parse_args(argv)
    mode = MODES[args.mode]
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="newsbot-bench-") as scratch_dir:
        scratch = Path(scratch_dir)
        try:
            when = datetime.now(UTC).isoformat(timespec="seconds")
            # Where the run's minutes go: make bench should stay near two.
            timer = _FigureTimer()
            with timer("crawl_throughput and rerun_cost"):
                throughput, rerun = crawl_throughput(mode, scratch)
            with timer("parse_cost"):
                parse = parse_cost(mode)
            with timer("store_cost"):
                store = store_cost(mode, scratch)
            with timer("memory"):
                peak = memory(mode, scratch)
            with timer("generic_extraction"):
                generic = aeb.figure(mode.aeb_pages)
            results = {
                "mode": args.mode,
                "when": when,
                "python": sys.version.split()[0],
                "crawl_throughput": throughput,
                "parse_cost": parse,
                "store_cost": store,
                "memory": peak,
                "rerun_cost": rerun,
                "generic_extraction": generic,
                "figure_seconds": timer.seconds,
            }
        finally:
            _drop_postgres_databases()
    results["seconds"] = round(time.monotonic() - started, 1)
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"bench-{results['when'].replace(':', '-')}.json"
    text = json.dumps(results, indent=1)
    path.write_text(text + "\n", encoding="utf-8")
    (args.out / "latest.json").write_text(text + "\n", encoding="utf-8")
    _print(results, path)
    return 0


def _print(results: dict[str, Any], path: Path) -> None:
    t, p, s = results["crawl_throughput"], results["parse_cost"], results["store_cost"]
    m, r = results["memory"], results["rerun_cost"]
    lines = [
        f"newsbot benchmarks ({results['mode']} mode, {results['seconds']} s: "
        + ", ".join(f"{name} {took} s" for name, took in results["figure_seconds"].items())
        + ")",
        f"1. crawl throughput  newsbot/bare = {t['ratio_median']:.3f} (median of "
        f"{len(t['pairs'])} pairs: {', '.join(str(x['ratio']) for x in t['pairs'])}; "
        f"{t['pairs'][0]['pages']} pages; goal >= 0.8)",
        f"2. parse cost        newsbot/trafilatura = {p['ratio_vs_trafilatura']:.1f}x "
        f"(text only: {p['ratio_vs_trafilatura_text_only']:.1f}x)"
        + (f", newsbot/newspaper4k = {p['ratio_vs_newspaper4k']:.1f}x"
           if "ratio_vs_newspaper4k" in p else "")
        + f" (pages/s: {p['pages_per_s']}; goal >= 10x)",
        f"3. store cost        SQLite {s['sqlite']['ratio']:.2f}, PostgreSQL "
        f"{s['postgresql']['ratio']:.2f} of raw executemany ({s['rows']} rows; goal >= 0.5)",
        "4. memory            peak RSS "
        + ", ".join(f"{n} articles: {c['peak_rss_mib']} MiB" for n, c in m["crawls"].items())
        + f"; growth {m['growth_mib']} MiB ({m['growth_bytes_per_article']} bytes/article; "
        f"bare spider {m['bare_growth_bytes_per_article']} bytes/page)",
        f"5. re-run cost       {r['second_requests']} of {r['first_requests']} requests "
        f"({r['share']:.1%}); {r['second_article_pages']} article pages",
        *aeb.figure_lines(results["generic_extraction"]),
        f"written to {path}",
    ]  # fmt: skip
    print("\n".join(lines))


if __name__ == "__main__":
    sys.exit(main())
