"""``newsbot``: database migrations, replays, and queries of the archive.

    newsbot run JOB [-- CRAWL ARGS]      run a crawl for cron: locked per job, logged, resumable
    newsbot dist status|stop|clean       watch, stop or clean a distributed crawl (Redis)
    newsbot migrate                      apply database migrations (production deploys)
    newsbot replay-spool                 store batches that waited for the database
    newsbot replay-rejects FILE          re-validate rejected items and store those now valid
    newsbot latest [--limit N]           latest articles
    newsbot revisions ARTICLE_ID         an article's stored versions
    newsbot rank-history ID_OR_TITLE     first seen, best rank, time in the Most Popular list
    newsbot report [--out FILE]          an HTML page: Most Popular ranks over time, crawl health,
                                         the latest articles per section
    newsbot lost [--pending]             articles given up after repeated losses (or still retried)
    newsbot parse [--url URL] FILE       the article newsbot reads from a saved page, as JSON
    newsbot parse --batch MANIFEST       the same for every page a JSON-lines manifest names
    newsbot fixture URL_OR_FILE          save a page and what newsbot reads from it as a test
                                         fixture, for a person to review

The database is ``--database-url``, else ``NEWSBOT_DATABASE_URL``, else the SQLite default.
``parse`` and ``fixture`` need no database. ``--database-url``, ``--json`` and ``--debug`` go
before or after the command. Lookups (latest, revisions, rank-history, report, lost) never
create a database. A failure is one line on stderr, ``newsbot COMMAND: what went wrong``, and exit
status 1 (2 for a wrong command line; 130, with ``interrupted``, for Ctrl-C); ``--debug`` shows
the traceback instead.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, NoReturn

from scrapy.settings import Settings

from newsbot.fixtures import (
    KINDS,
    SavedPageError,
    failure_text,
    parse_manifest,
    parse_saved_file,
    record_fixture,
)
from newsbot.items import Article, PopularRank
from newsbot.pipelines.validate import Limits, article_problems, rank_problems
from newsbot.rejects import RejectsBySite
from newsbot.rejects import default_template as default_rejects_template
from newsbot.report import build_report, human_duration
from newsbot.runner import run_job
from newsbot.sanitize import clean_item, printable
from newsbot.sites import site_timezone
from newsbot.sites.base import ParseError
from newsbot.storage import NoDatabase, default_database_url, open_existing_store
from newsbot.storage.batches import save_batch
from newsbot.storage.migrate import current_revision, upgrade
from newsbot.storage.queries import article_revisions, latest_articles, rank_history
from newsbot.storage.serialize import dumps, item_from_dict, item_to_dict
from newsbot.storage.spool import Spool
from newsbot.storage.sql import SqlStore

# Commands that only read the database: they never create it, its file or its tables.
LOOKUPS = frozenset({"latest", "revisions", "rank-history", "report", "lost"})


class CommandError(Exception):
    """A failure the operator can act on; its text is the whole message."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the exit status (1 with one line on stderr when it fails)."""
    args = build_parser().parse_args(argv)
    try:
        return _dispatch(args)
    except KeyboardInterrupt:
        if args.debug:
            raise
        print(f"newsbot {args.command}: interrupted", file=sys.stderr)
        return 130  # 128 + SIGINT, as a shell reports a command stopped by Ctrl-C
    except Exception as error:
        if args.debug:
            raise
        print(f"newsbot {args.command}: {printable(_describe(error))}", file=sys.stderr)
        return 1


def _dispatch(args: argparse.Namespace) -> int:
    if args.command in ("parse", "fixture"):  # saved pages: no database
        return _parse(args) if args.command == "parse" else _fixture(args)
    if args.command == "run":  # the crawl opens its own database; none needed here
        given = args.crawl_args
        crawl_args = given[1:] if given[:1] == ["--"] else given
        return run_job(args.job, crawl_args, spider=args.spider)
    if args.command == "dist":
        return _dist(args)
    if args.command == "replay-rejects":
        args.file.open("rb").close()  # a file that cannot be read fails before any database
    if args.command == "replay-spool" and args.spool_dir and not Path(args.spool_dir).is_dir():
        # A mistyped directory would otherwise replay "0 items" and pass; the default one
        # exists only once something was spooled, so its absence is no error.
        raise CommandError(f"no spool directory {args.spool_dir}")
    url = args.database_url or default_database_url()
    store = open_existing_store(url) if args.command in LOOKUPS else SqlStore(url)
    try:
        return COMMANDS[args.command](store, args)
    finally:
        store.close()


def _describe(error: Exception) -> str:
    """One line an operator can act on, from an error that may span many lines."""
    import redis
    from sqlalchemy.exc import DBAPIError, SQLAlchemyError

    if isinstance(error, (CommandError, NoDatabase)):
        text = str(error)
    elif isinstance(error, DBAPIError) and error.orig is not None:
        text = f"database error: {error.orig}"  # the driver's words, without SQLAlchemy's
    elif isinstance(error, SQLAlchemyError):
        text = f"database error: {error}"
    elif isinstance(error, redis.RedisError):
        text = f"Redis error: {error}"
    elif isinstance(error, OSError) and error.filename is not None:
        text = f"{error.filename}: {error.strerror or error}"
    else:
        text = f"{type(error).__name__}: {error}"
    return " ".join(text.split())


class _Parser(argparse.ArgumentParser):
    """argparse, with a wrong command line reported in one line instead of usage and error."""

    def error(self, message: str) -> NoReturn:
        # newsbot run's statuses are the crawl's, where 2 means a monitor failed.
        status = 1 if self.prog.endswith(" run") else 2
        self.exit(status, f"{self.prog}: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    """The ``newsbot`` command line: global options, then one subcommand with its own."""
    parser = _Parser(
        prog="newsbot", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    _add_global_options(parser, database_url=None, flag=False)
    # The same options after the command; absent there, they keep the value given before it.
    after = _Parser(add_help=False)
    _add_global_options(after, database_url=argparse.SUPPRESS, flag=argparse.SUPPRESS)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, help: str, description: str) -> Any:
        return commands.add_parser(name, help=help, description=description, parents=[after])

    run = command(
        "run",
        "run a crawl job (for cron)",
        "Run `scrapy crawl SPIDER` as job JOB: one run at a time per job (exit 75 when the job "
        "is locked), its log and stats under the job's directory, resumable after an "
        "interruption; the exit status is the crawl's.",
    )
    run.add_argument("job", help="job name: one lock, one log directory, one resumable queue")
    run.add_argument("--spider", default="koreaherald", help="default: koreaherald")
    run.add_argument("crawl_args", nargs=argparse.REMAINDER, help="after --: scrapy crawl options")
    dist = command(
        "dist",
        "a distributed crawl's state in Redis",
        "status: queued requests, seen fingerprints and workers; stop: drop the queue so "
        "workers finish and close; clean: delete the crawl's keys.",
    )
    dist.add_argument("action", choices=("status", "stop", "clean"), help="what to do")
    dist.add_argument(
        "--crawl-id",
        default=os.environ.get("NEWSBOT_CRAWL_ID", "default"),
        help="default: NEWSBOT_CRAWL_ID, else default",
    )
    dist.add_argument("--spider", default="koreaherald", help="default: koreaherald")
    dist.add_argument(
        "--redis-url",
        default=os.environ.get("NEWSBOT_REDIS_URL"),
        help="default: NEWSBOT_REDIS_URL",
    )
    dist.add_argument(
        "--prefix",
        default=os.environ.get("NEWSBOT_REDIS_PREFIX", "newsbot"),
        help="Redis key prefix (default: NEWSBOT_REDIS_PREFIX, else newsbot)",
    )
    dist.add_argument("--force", action="store_true", help="clean: even with live workers")
    command(
        "migrate",
        "apply database migrations",
        "Create the database's tables, or upgrade them to this version of newsbot.",
    )
    spool = command(
        "replay-spool",
        "store spooled batches",
        "Store the batches a crawl spooled while the database was away.",
    )
    spool.add_argument(
        "--spool-dir", default=None, help="default: NEWSBOT_SPOOL_DIR, else <exports>/spool"
    )
    spool.add_argument(
        "--rejects-file",
        default=None,
        help="where items the database refuses go, %%(name)s being their site "
        "(default: NEWSBOT_REJECTS_FILE, else <exports>/%%(name)s/rejects-%%(time)s.jsonl)",
    )
    rejects = command(
        "replay-rejects",
        "re-validate and store rejected items",
        "Check a rejects file's items again as a crawl does; store those now valid and write "
        "the rest to FILE.remaining (exit 1 when any remain).",
    )
    rejects.add_argument("file", type=Path, help="a rejects-*.jsonl file")
    latest = command("latest", "latest articles", "The latest stored articles, newest first.")
    latest.add_argument("--limit", type=int, default=20, help="how many (default: 20)")
    latest.add_argument("--site", default=None, help="one site's only (default: every site's)")
    revisions = command(
        "revisions", "an article's versions", "An article's stored versions, oldest first."
    )
    revisions.add_argument("article_id", help="the article's id on its site")
    revisions.add_argument("--site", default="koreaherald", help="default: koreaherald")
    history = command(
        "rank-history",
        "a headline's Most Popular history",
        "First seen, last seen, best and latest rank and time in a ranked list, for each "
        "article whose id or headline matches.",
    )
    history.add_argument("match", help="article id, or part of the headline")
    history.add_argument(
        "--list", dest="list_name", default="most_popular", help="default: most_popular"
    )
    history.add_argument("--site", default="koreaherald", help="default: koreaherald")
    _add_report_command(commands, after)
    lost = command(
        "lost",
        "articles the crawls lost and gave up (or retry)",
        "Article pages the crawls could not read and gave up, oldest first (--pending: those "
        "still retried); the count goes to stderr.",
    )
    lost.add_argument("--pending", action="store_true", help="those still to retry instead")
    lost.add_argument("--site", default=None, help="one site's only (default: every site's)")
    lost.add_argument("--limit", type=int, default=None, help="at most this many")
    _add_saved_page_commands(commands, after)
    return parser


def _add_global_options(parser: argparse.ArgumentParser, database_url: Any, flag: Any) -> None:
    parser.add_argument(
        "--database-url",
        default=database_url,
        help="default: NEWSBOT_DATABASE_URL, else sqlite:///<exports>/newsbot.sqlite3",
    )
    parser.add_argument(
        "--json", action="store_true", default=flag, help="print JSON instead of text"
    )
    parser.add_argument(
        "--debug", action="store_true", default=flag, help="on failure, show the traceback"
    )


def _add_report_command(commands: Any, after: argparse.ArgumentParser) -> None:
    report = commands.add_parser(
        "report",
        parents=[after],
        help="an HTML page of ranks over time, crawl health and the latest articles",
        description="Write one self-contained HTML page (no script, nothing fetched): the Most "
        "Popular rank of the period's top stories over time, with their best rank and time in "
        "the list; each crawl's new, revised, lost and rejected articles and its monitors' "
        "verdict; the latest articles of each section.",
    )
    report.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="FILE",
        help="the page to write (default: <NEWSBOT_EXPORTS_DIR, else exports>/report.html)",
    )
    report.add_argument("--site", default=None, help="one site only (default: every site)")
    period = report.add_mutually_exclusive_group()
    period.add_argument(
        "--since",
        type=_moment,
        default=None,
        metavar="WHEN",
        help="start of the period: an ISO 8601 date or time, UTC unless it has an offset",
    )
    period.add_argument(
        "--days",
        type=_positive_int,
        default=7,
        metavar="N",
        help="the period: the last N days (default 7)",
    )
    report.add_argument(
        "--stories",
        type=_positive_int,
        default=10,
        metavar="N",
        help="how many stories each ranking chart draws: the best-ranked (default 10)",
    )


def _moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 date or time: {text!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _positive_int(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"not a positive whole number: {text!r}")
    return number


def _add_saved_page_commands(commands: Any, after: argparse.ArgumentParser) -> None:
    parse = commands.add_parser(
        "parse",
        parents=[after],
        help="read a saved page as the spider does",
        description="Print the article newsbot reads from a saved page (.html or .html.gz) as "
        "one JSON object, as in the feeds; exit 1 with the reason on stderr when it cannot. "
        "Without --url the page is file://localhost/<path>; the site is --site, else the "
        "URL's (a site newsbot knows, else the generic site of its host).",
    )
    parse.add_argument("file", nargs="?", type=Path, help="the saved page")
    parse.add_argument(
        "--batch",
        type=Path,
        metavar="MANIFEST",
        help='JSON lines {"file": PATH, "url": URL} (optionally "site", "section"; --site and '
        "--section are their defaults); paths relative to the manifest's directory. One JSON "
        'line out per line in, {"file": PATH, ...the article} or {"file": PATH, "line": N, '
        '"error": REASON}; exit 0 once the manifest was read, even when pages failed',
    )
    parse.add_argument("--url", default=None, help="the page's URL (default: its file URL)")
    parse.add_argument("--site", default=None, help="a site newsbot knows, or generic")
    parse.add_argument("--section", default=None, help="the section the page was listed in")
    parse.add_argument(
        "--crawled-at", type=_aware_datetime, default=None, help="ISO 8601 (default: now)"
    )
    fixture = commands.add_parser(
        "fixture",
        parents=[after],
        help="save a page and its parsed values as a test fixture",
        description="Save a page (downloaded from an http(s) URL, or a saved file with its "
        "--url) to DIR/<site>/<name>/ with meta.json and expected.json, the values newsbot "
        'reads from it, marked "reviewed": false: the fixtures test fails until a person '
        'has checked them against the page and set "reviewed": true.',
    )
    fixture.add_argument("source", metavar="URL_OR_FILE", help="an http(s) URL or a saved page")
    fixture.add_argument("--url", default=None, help="the URL of a saved file")
    fixture.add_argument("--site", default=None, help="a site newsbot knows, or generic")
    fixture.add_argument("--kind", choices=KINDS, default=None, help="default: detected")
    fixture.add_argument("--section", default=None, help="the section the page was listed in")
    fixture.add_argument("--name", default=None, help="default: <kind>-<layout>-<URL's end>")
    fixture.add_argument(
        "--dir", type=Path, default=Path("tests/fixtures"), help="default: tests/fixtures"
    )
    fixture.add_argument("--force", action="store_true", help="replace an existing fixture")
    fixture.add_argument(
        "--crawled-at", type=_aware_datetime, default=None, help="ISO 8601 (default: now)"
    )


def _aware_datetime(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 date and time: {text!r}") from None
    if value.utcoffset() is None:
        raise argparse.ArgumentTypeError(f"needs a UTC offset: {text!r}")
    return value


def _parse(args: argparse.Namespace) -> int:
    """One page: its article as JSON, or exit 1 with the reason; --batch: one line per page."""
    if (args.file is None) == (args.batch is None):
        print("newsbot parse: give either FILE or --batch MANIFEST", file=sys.stderr)
        return 2
    if args.batch is not None:
        if args.url is not None:
            print("newsbot parse: with --batch, URLs come from the manifest", file=sys.stderr)
            return 2
        try:
            results = list(
                parse_manifest(
                    args.batch,
                    site_name=args.site,
                    section=args.section,
                    crawled_at=args.crawled_at,
                )
            )
        except OSError as error:
            print(f"newsbot parse: cannot read {args.batch}: {error.strerror}", file=sys.stderr)
            return 1
        for result in results:
            print(dumps(result))
        return 0
    try:
        article = parse_saved_file(
            args.file,
            url=args.url,
            site_name=args.site,
            section=args.section,
            crawled_at=args.crawled_at,
        )
    except (SavedPageError, ParseError) as error:
        print(f"newsbot parse: {printable(failure_text(error))}", file=sys.stderr)
        return 1
    print(dumps(item_to_dict(article)))
    return 0


def _fixture(args: argparse.Namespace) -> int:
    try:
        target = record_fixture(
            args.source,
            url=args.url,
            site_name=args.site,
            kind=args.kind,
            section=args.section,
            name=args.name,
            directory=args.dir,
            force=args.force,
            crawled_at=args.crawled_at,
        )
    except SavedPageError as error:
        print(f"newsbot fixture: {printable(failure_text(error))}", file=sys.stderr)
        return 1
    print(
        f"saved {target}; check expected.json against page.html, correct what is wrong, "
        'then set "reviewed": true'
    )
    return 0


def _dist(args: argparse.Namespace) -> int:
    """status: queue, workers, leases; stop: end the crawl; clean: delete the crawl's keys."""
    import redis

    from newsbot.distributed import NOTE_TTL, CrawlKeys, redis_time

    if not args.redis_url:
        print("newsbot dist: set NEWSBOT_REDIS_URL or --redis-url", file=sys.stderr)
        return 1
    server = redis.Redis.from_url(args.redis_url, decode_responses=True)
    keys = CrawlKeys(f"{args.prefix}:{args.spider}:{args.crawl_id}")
    if args.action == "stop":
        # The note first: a worker must not queue new requests into the emptied queue.
        server.set(keys.stopped, repr(redis_time(server)), ex=NOTE_TTL)
        dropped = server.zcard(keys.requests)
        server.delete(keys.requests)
        print(
            f"dropped {dropped} queued request(s); workers finish what they hold, then close "
            "(finish reason dist_stop)"
        )
        return 0
    if args.action == "clean":
        live = sorted(
            str(w) for w in server.smembers(keys.workers) if server.exists(keys.heartbeat(str(w)))
        )
        if live and not args.force:
            print(
                f"newsbot dist: {keys.prefix} has live worker(s): {', '.join(live)}; "
                "stop the crawl first (newsbot dist stop) or clean with --force",
                file=sys.stderr,
            )
            return 1
        doomed = list(server.scan_iter(match=f"{keys.prefix}:*"))
        if doomed:
            server.delete(*doomed)
        print(f"deleted {len(doomed)} key(s) of {keys.prefix}")
        if live:  # tell them why their keys went: they close with finish reason dist_clean
            server.set(keys.cleaned, repr(redis_time(server)), ex=NOTE_TTL)
            print(f"live worker(s) {', '.join(live)} close now (finish reason dist_clean)")
        return 0
    workers = sorted(str(worker) for worker in server.smembers(keys.workers))
    status: dict[str, Any] = {
        "crawl": keys.prefix,
        "queued": server.zcard(keys.requests),
        "fingerprints": server.scard(keys.fingerprints),
        "workers": {
            worker: {
                "alive": bool(server.exists(keys.heartbeat(worker))),
                "leased": server.hlen(keys.leases(worker)),
            }
            for worker in workers
        },
    }
    if args.json:
        _print_json([status])
        return 0
    print(
        f"{status['crawl']}: {status['queued']} queued, {status['fingerprints']} seen, "
        f"{len(workers)} worker(s)"
    )
    for worker, state in status["workers"].items():
        alive = "alive" if state["alive"] else "no heartbeat"
        print(f"  {worker}: {alive}, {state['leased']} request(s) in hand")
    return 0


def _migrate(store: SqlStore, args: argparse.Namespace) -> int:
    before = current_revision(store.engine)
    upgrade(store.engine)
    print(f"database at {current_revision(store.engine)} (was {before or 'empty'})")
    return 0


def _replay_spool(store: SqlStore, args: argparse.Namespace) -> int:
    directory = args.spool_dir or os.environ.get(
        "NEWSBOT_SPOOL_DIR", f"{os.environ.get('NEWSBOT_EXPORTS_DIR', 'exports')}/spool"
    )
    rejects = RejectsBySite(args.rejects_file or default_rejects_template())
    spool = Spool(directory)
    try:
        files, items = spool.drain(
            store,
            refuse=lambda refusal: rejects.write(refusal.item, [refusal.reason], [refusal.message]),
        )
    finally:
        rejects.close()
    runs = spool.drain_runs(store)  # after the batches: a completed run has all its items
    completed = f"; completed crawl run {', '.join(f'#{r}' for r in runs)}" if runs else ""
    print(f"replayed {items} items from {files} spooled batch(es) in {directory}{completed}")
    if rejects.written:
        paths = ", ".join(str(r.path) for r in rejects.files.values())
        print(f"{rejects.written} item(s) refused by the database, written to {paths}")
    return 0


def _replay_rejects(store: SqlStore, args: argparse.Namespace) -> int:
    """Items that pass today's validation are stored; the rest are written back for review.

    Items are cleaned and checked exactly as in a crawl (same limits); an item the database
    refuses is written back too, with its ``store_<Error>`` reason.
    """
    now = datetime.now(UTC)
    settings = Settings()
    settings.setmodule("newsbot.settings")
    limits = Limits.from_settings(settings)  # the crawl's limits
    valid_articles: list[Article] = []
    valid_ranks: list[PopularRank] = []
    records: dict[int, dict[str, Any]] = {}  # id(item) → its record, for store refusals
    still: list[dict[str, Any]] = []
    for number, line in enumerate(args.file.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        record, item = _reject_record(args.file, number, line)
        clean_item(item)
        hosts = record.get("allowed_domains") or []
        if isinstance(item, Article):
            problems = article_problems(item, hosts, now, limits)
        else:
            problems = rank_problems(item, hosts, limits)
        if problems:
            record["reasons"] = [p.reason for p in problems]
            record["errors"] = [p.message for p in problems]
            still.append(record)
            continue
        records[id(item)] = record
        if isinstance(item, Article):
            valid_articles.append(item)
        else:
            valid_ranks.append(item)
    outcome = save_batch(store, valid_articles, valid_ranks)
    if outcome.error is not None:
        raise outcome.error  # the database is away: the file is left as it is
    for refusal in outcome.refused:
        record = records[id(refusal.item)]
        record["reasons"], record["errors"] = [refusal.reason], [refusal.message]
        still.append(record)
    stored = len(valid_articles) + len(valid_ranks) - len(outcome.refused)
    remaining = args.file.with_name(args.file.name + ".remaining")
    if still:
        remaining.write_text("".join(dumps(r) + "\n" for r in still), encoding="utf-8")
    print(
        f"stored {stored} item(s); {len(still)} still invalid"
        + (f", written to {remaining}" if still else "")
    )
    return 0 if not still else 1


def _reject_record(
    file: Path, number: int, line: str
) -> tuple[dict[str, Any], Article | PopularRank]:
    """A rejects file's line: the record and its item; the whole file is refused otherwise."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        raise CommandError(f"{file}, line {number}: not JSON: {error}") from error
    try:
        return record, item_from_dict(record["item_type"], record["item"])
    except (KeyError, TypeError, ValueError) as error:
        raise CommandError(
            f"{file}, line {number}: not a rejects record ({type(error).__name__}: {error})"
        ) from error


def _latest(store: SqlStore, args: argparse.Namespace) -> int:
    rows = latest_articles(store.engine, site=args.site, limit=args.limit)
    if args.json:
        _print_json(rows)
        return 0
    for row in rows:
        zone = site_timezone(row["site"])
        when = row["published_at"].astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")
        authors = printable(", ".join(row["authors"])) or "-"
        print(f"{when}  {printable(row['article_id']):>14}  {printable(row['title'])}  ({authors})")
    return 0


def _revisions(store: SqlStore, args: argparse.Namespace) -> int:
    rows = article_revisions(store.engine, args.article_id, site=args.site)
    if not rows:
        raise CommandError(f"no article {args.article_id!r} on {args.site!r}")
    if args.json:
        _print_json(rows)
        return 0
    for row in rows:
        zone = site_timezone(args.site)
        updated = row["updated_at"].astimezone(zone).isoformat() if row["updated_at"] else "-"
        print(
            f"revision {row['revision']}: crawled {row['crawled_at'].isoformat()}, "
            f"updated {updated}, {len(row['body'])} characters, {printable(row['title'])}"
        )
    return 0


def _rank_history(store: SqlStore, args: argparse.Namespace) -> int:
    histories = rank_history(store.engine, args.match, args.list_name, args.site)
    if not histories:
        raise CommandError(f"nothing in {args.list_name} matches {args.match!r}")
    zone = site_timezone(args.site)
    if args.json:  # dates as in the feeds: ISO 8601 in the site's zone
        _print_json(
            [
                {
                    "article_id": h.article_id,
                    "title": h.title,
                    "first_seen": h.first_seen.astimezone(zone).isoformat(),
                    "last_seen": h.last_seen.astimezone(zone).isoformat(),
                    "captures": h.appearances,
                    "best_rank": h.best_rank,
                    "latest_rank": h.latest_rank,
                    "time_in_list_seconds": int(h.time_in_list.total_seconds()),
                }
                for h in histories
            ]
        )
        return 0
    for h in histories:
        name = f"{printable(h.title)} ({printable(h.article_id or '-')})"
        first = h.first_seen.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")
        if h.appearances == 1:  # one capture measures no time in the list
            print(f"{name}: a single capture, {first}, rank {h.best_rank}")
            continue
        last = h.last_seen.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")
        print(
            f"{name}: first seen {first}, last seen {last}, best rank {h.best_rank}, "
            f"latest rank {h.latest_rank}, {h.appearances} captures, "
            f"{human_duration(h.time_in_list)} in the list"
        )
    return 0


def _report(store: SqlStore, args: argparse.Namespace) -> int:
    now = datetime.now(UTC)
    since = args.since or now - timedelta(days=args.days)
    page = build_report(store.engine, since, site=args.site, stories=args.stories, now=now)
    out = args.out or Path(os.environ.get("NEWSBOT_EXPORTS_DIR", "exports")) / "report.html"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page, encoding="utf-8")
    print(f"report written to {out}")
    return 0


def _lost(store: SqlStore, args: argparse.Namespace) -> int:
    rows = store.lost_articles(site=args.site, given_up=not args.pending, limit=args.limit)
    if args.json:
        _print_json([asdict(row) for row in rows])
        return 0
    for row in rows:
        print(
            f"{row.url}  {row.last_reason}, {row.attempts} attempt(s), "
            f"last {row.last_lost_at.isoformat()}"
        )
    state = "still to retry" if args.pending else "given up"
    print(f"{len(rows)} lost article(s) {state}", file=sys.stderr)
    return 0


def _print_json(rows: list[dict[str, Any]]) -> None:
    """Readable non-ASCII, but no raw control character, bidi override or lone surrogate."""
    print(dumps(rows, default=str, indent=1))


COMMANDS = {
    "migrate": _migrate,
    "replay-spool": _replay_spool,
    "replay-rejects": _replay_rejects,
    "latest": _latest,
    "revisions": _revisions,
    "rank-history": _rank_history,
    "report": _report,
    "lost": _lost,
}

if __name__ == "__main__":
    sys.exit(main())
