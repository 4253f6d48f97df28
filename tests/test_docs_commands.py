"""The docs run as written: every command of README.md, docs/operations.md and
deploy/crontab.example is run here (against the replica, PostgreSQL and a real Scrapyd) or listed
in SKIP with its reason. A command added to the docs that is neither fails
test_every_documented_command_is_run_or_skipped.

Rewrites, only where the docs are about the replica: its ports (8023, 8024, 8041) become free
ports. The live site and the example database host are never contacted: commands about them are
skipped, or (cron's ``newsbot run`` lines, Scrapyd's ``schedule.json``) run with a replica
``base_url`` added or cancelled at once."""

from __future__ import annotations

import gzip
import json
import os
import re
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
import sqlalchemy

from newsbot.replica.server import serving
from tests.databases import postgres_database
from tests.doc_commands import (
    CRONTAB,
    VENV,
    DocCommand,
    checkout,
    crontab,
    doc_commands,
    expected_status,
    find,
    quoted_messages,
    run_commands,
    run_each,
    sandbox_env,
)
from tests.test_e2e_storage import table_counts
from tests.test_scrapyd import PASSWORD, USER, Scrapyd, deploy, free_port, scrapyd

pytestmark = pytest.mark.e2e

__all__ = ["scrapyd"]  # the fixture, reused

README, OPERATIONS = "README.md", "docs/operations.md"
LIVE = "crawls the live site (www.koreaherald.com or an example site); the replica scenarios run it"
INSTALL = "package installation on the Scrapyd host (python3 -m venv, pip into /srv, apt-get)"
RECURSIVE = "runs the test suite, this test included"
BENCH = "benchmarks take minutes; tests/test_bench.py runs them in quick mode"
DIST = (
    "the distributed example crawls the live site with three workers; "
    "tests/test_distributed.py runs workers and `newsbot dist` against the replica"
)
EXAMPLE_DB = "sets the example database URL (db.example); the scenarios set a real one instead"
# Every benchmark command of the README, skipped for one reason: one entry of the skip list.
BENCHMARKS = {
    (README, text)
    for text in (
        "make bench",
        "make bench-full",
        "make bench-scale",
        ".venv/bin/python -m benchmarks.pageweight",
        ".venv/bin/python -m benchmarks --mode quick --only crawl",
        ".venv/bin/python -m benchmarks --only parse",
        ".venv/bin/python -m benchmarks --only aeb",
        "make bench-aeb ARGS='--compare'",
        "make bench-aeb ARGS='--limit 40 --worst 20 --misses 30'",
        "make bench-scale ARGS='--together --sizes 5000,20000'",
        "make bench-scale ARGS='--together --sizes 100000'",
        "make bench-scale ARGS='--profile'",
    )
}
SKIP: dict[tuple[str, str], str] = {
    (README, "make test"): RECURSIVE,
    (README, '.venv/bin/python -m pytest -m "not browser"'): RECURSIVE,
    (README, "make crawl ARGS='-a sections=National,Business -a pages=3'"): LIVE,
    (
        README,
        "scrapy crawl news -a base_url=https://www.example.com -a timezone=Europe/Paris",
    ): LIVE,
    (README, "scrapy crawl koreaherald"): LIVE,
    (README, "scrapy parse https://www.koreaherald.com/article/10345678"): LIVE,
    (
        README,
        "scrapy parse --spider news -a base_url=https://example.com "
        "https://example.com/2025/01/some-story",
    ): LIVE,
    (README, "newsbot fixture https://www.koreaherald.com/article/10636733"): LIVE,
    (README, "export NEWSBOT_REDIS_URL=redis://127.0.0.1:6379/0"): DIST,
    (README, "export NEWSBOT_CRAWL_ID=sections-$(date -u +%Y%m%dT%H)"): DIST,
    (
        README,
        "for worker in 1 2 3; do\nNEWSBOT_EXPORTS_DIR=exports/worker-$worker "
        ".venv/bin/scrapy crawl koreaherald -a pages=100 &\ndone",
    ): DIST,
    (README, ".venv/bin/newsbot dist status"): DIST,
    (README, ".venv/bin/newsbot dist stop"): DIST,
    (README, "wait"): DIST,
    (README, ".venv/bin/newsbot latest"): DIST,
    (OPERATIONS, "python3 -m venv /srv/scrapyd/venv"): INSTALL,
    (
        OPERATIONS,
        "/srv/scrapyd/venv/bin/pip install -c constraints.txt 'scrapyd>=1.6' "
        "'setuptools>=67.7,<81' .",
    ): INSTALL,
    (OPERATIONS, "/srv/scrapyd/venv/bin/pip uninstall -y newsbot"): INSTALL,
    (OPERATIONS, "apt-get install -y chromium"): INSTALL,
    **dict.fromkeys(BENCHMARKS, BENCH),
}
EXAMPLE_DATABASE = (
    "export NEWSBOT_DATABASE_URL='postgresql+psycopg://newsbot:SECRET@db.example:5432/newsbot'"
)
EXAMPLE_SCRAPYD = (
    "export SCRAPYD_URL=http://scrapyd.example:6800/ SCRAPYD_USERNAME=operator SCRAPYD_PASSWORD=…"
)

# Filled by the scenarios below at import time: every command they run, by (file, text).
RUN: set[tuple[str, str]] = set()


def documented(file: str, text: str) -> DocCommand:
    """A command the docs show (fails if they no longer do), recorded as run by a test."""
    RUN.add((file, text))
    return find(COMMANDS, file, text)


def documented_again(file: str, text: str) -> DocCommand:
    """The second place the docs show a command (with the notes under it there)."""
    RUN.add((file, text))
    shown = [c for c in COMMANDS if c.file == file and c.text == text]
    assert len(shown) >= 2, f"{file} shows {text!r} {len(shown)} time(s)"
    return shown[1]


COMMANDS = doc_commands()
FAST = "-s AUTOTHROTTLE_ENABLED=False -s DOWNLOAD_DELAY=0"


def test_every_documented_command_is_run_or_skipped():
    shown = {(c.file, c.text) for c in COMMANDS}
    neither = sorted(shown - RUN - set(SKIP))
    assert not neither, f"documented commands no test runs and SKIP does not list: {neither}"
    stale = sorted((RUN | set(SKIP)) - shown)
    assert not stale, f"run or skipped but no longer in the docs: {stale}"
    assert not RUN & set(SKIP), "a command is both run and skipped"
    # the benchmark commands count as one entry: they share one reason
    assert len(set(SKIP) - BENCHMARKS) + 1 <= 25, "the skip list is meant to stay short"


def test_cron_lines_are_all_run():
    # Option A's lines (set) and option B's (commented out) are each run by a test below.
    table = crontab()
    assert not table.unknown, f"{CRONTAB}: lines no test understands: {table.unknown}"
    assert any(not line.commented for line in table.lines)
    assert any(line.commented for line in table.lines)


def rewrite_port(text: str, documented_port: int, port: int) -> str:
    return text.replace(f"127.0.0.1:{documented_port}", f"127.0.0.1:{port}")


# --- make demo, the query commands on its database, the CLI's documented errors -------------

MAKE_DEMO = documented(README, "make demo")
QUERIES = [
    documented(README, "newsbot lost"),
    documented(README, "newsbot lost --pending"),
    documented(README, "newsbot replay-spool"),
    documented(README, "newsbot latest --limit 10"),
    documented(README, "newsbot revisions 20230911000813"),
    documented(README, 'newsbot rank-history "stampede"'),
    documented(README, "newsbot rank-history 20230922000489 --json"),
    documented(README, "newsbot report"),
    documented(README, "newsbot report --site koreaherald --days 2 --out /tmp/report.html"),
]
REPLAY_REJECTS = documented(
    README, "newsbot replay-rejects exports/koreaherald/rejects-2026-11-29T19-24-12+00-00.jsonl"
)
PARSE = [
    documented(
        README,
        "newsbot parse --url 'https://www.koreaherald.com/view.php?ud=20230911000813' page.html",
    ),
    documented(
        README, "newsbot parse --url https://news.example.com/story/1 --section World story.html.gz"
    ),
    documented(README, "newsbot parse --batch pages.jsonl > articles.jsonl"),
    documented(README, "newsbot fixture --url 'https://news.example.com/story/1' saved.html.gz"),
]
ERRORS = [
    documented(README, "newsbot --database-url postgresql+psycopg://newsbot@db/no_such_db latest"),
    documented(README, "newsbot dist status --redis-url redis://127.0.0.1:6399/0"),
    documented(README, "newsbot replay-rejects /nonexistent.jsonl"),
    documented(README, "newsbot latest"),
]
LINT = documented(README, "make lint")
SPOOL_RUNS = [
    documented(
        OPERATIONS,
        'sqlite3 exports/newsbot.sqlite3 "SELECT id, spider, started_at FROM crawl_runs '
        'WHERE finished_at IS NULL"',
    ),
    documented(OPERATIONS, "newsbot replay-spool --spool-dir exports/spool"),
]


def test_make_demo_then_the_documented_queries(tmp_path):
    home = checkout(tmp_path / "newsbot")
    exports = tmp_path / "demo-exports"
    env = sandbox_env(NEWSBOT_EXPORTS_DIR=str(exports))
    port = free_port()
    # A smaller corpus than the demo's 300 articles keeps this test short.
    [demo] = run_commands([f"{MAKE_DEMO.text} PORT={port} ARTICLES=40"], home, env, timeout=240)
    assert demo.status == 0, demo.output[-3000:]
    # The last line names the exports directory the crawl really wrote to.
    last = demo.output.strip().splitlines()[-1]
    assert f"{exports}/koreaherald/" in last, last
    assert list((exports / "koreaherald").glob("articles-*.jsonl"))
    assert not list((home / "exports").iterdir()), "nothing written to ./exports"

    # The query commands on what the demo stored (NEWSBOT_EXPORTS_DIR as the crawl had it).
    rejects = REPLAY_REJECTS.text.split()[-1].replace("exports/", f"{exports}/")
    Path(rejects).write_text("")  # an empty rejects file: nothing to replay
    texts = [c.text for c in QUERIES] + [
        REPLAY_REJECTS.text.replace(REPLAY_REJECTS.text.split()[-1], rejects)
    ]
    report = Path("/tmp/report.html")  # noqa: S108 - the path the README shows
    report.unlink(missing_ok=True)
    results = run_each(texts, home, env)
    for ran in results:
        assert ran.status == 0, f"{ran.text}: {ran.output[-2000:]}"
    by_text = {ran.text: ran for ran in results}
    assert len(by_text["newsbot latest --limit 10"].output.strip().splitlines()) >= 10
    assert json.loads(by_text["newsbot rank-history 20230922000489 --json"].output)
    assert (exports / "report.html").is_file()
    assert report.is_file()

    # The runs without a finish, and the replay that completes them: the demo finished, so
    # nothing waits (its spool directory is made as a crawl that lost its database makes it).
    (exports / "spool").mkdir(exist_ok=True)
    query, replay = run_commands(
        [c.text.replace("exports/", f"{exports}/") for c in SPOOL_RUNS], home, env
    )
    assert query.status == 0, query.output
    assert query.output.strip() == "", query.output
    assert replay.status == 0, replay.output
    assert replay.output.startswith("replayed 0 items from 0 spooled batch(es) in "), replay.output

    # The documented errors: status 1 and the message the README shows.
    empty = tmp_path / "elsewhere"
    empty.mkdir()
    (empty / ".venv").symlink_to(VENV)
    results = run_each([c.text for c in ERRORS], empty, sandbox_env())
    for command, ran in zip(ERRORS, results, strict=True):
        assert ran.status == 1, f"{ran.text}: {ran.output}"
        shown = command.output
        if "connection failed" in shown:  # the host and reason depend on the network
            shown = shown.split("connection failed")[0]
        elif "Error 111" in shown:
            shown = shown.split("Error 111")[0] + "Error 111"
        assert ran.output.strip().startswith(shown.strip()), (shown, ran.output)


def test_make_demo_fails_clearly_when_its_port_is_taken(tmp_path):
    requests: list[str] = []

    class Foreign(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requests.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"not the replica\n")

        def log_message(self, *args: object) -> None:
            pass

    foreign = HTTPServer(("127.0.0.1", 0), Foreign)
    threading.Thread(target=foreign.serve_forever, daemon=True).start()
    port = foreign.server_address[1]
    home = checkout(tmp_path / "newsbot")
    exports = tmp_path / "demo-exports"
    try:
        [demo] = run_commands(
            [f"{MAKE_DEMO.text} PORT={port}"],
            home,
            sandbox_env(NEWSBOT_EXPORTS_DIR=str(exports)),
            timeout=120,
        )
    finally:
        foreign.shutdown()
        foreign.server_close()
    assert demo.status != 0, demo.output
    assert f"port {port} is taken" in demo.output, demo.output
    assert "make demo PORT=" in demo.output, demo.output
    assert requests == [], "crawled a server that is not the replica"
    assert not exports.exists() or not any(exports.rglob("*.jsonl"))


def test_documented_parse_commands(tmp_path):
    home = checkout(tmp_path / "newsbot")
    with serving("2023", articles=20) as replica:
        article = replica.replica.corpus.articles[0]
        url = f"{replica.base_url}/view.php?ud={article.article_id}"
        import urllib.request

        with urllib.request.urlopen(url) as response:
            page = response.read()
    (home / "page.html").write_bytes(page)
    (home / "story.html.gz").write_bytes(gzip.compress(page))
    (home / "saved.html.gz").write_bytes(gzip.compress(page))
    (home / "tests").unlink()  # newsbot fixture writes into ./tests/fixtures: not the repository's
    (home / "tests").mkdir()
    (home / "pages.jsonl").write_text(
        json.dumps({"file": "page.html", "url": "https://news.example.com/story/1"}) + "\n"
    )
    results = run_commands([c.text for c in PARSE], home, sandbox_env())
    for ran in results:
        assert ran.status == 0, f"{ran.text}: {ran.output[-2000:]}"
    assert json.loads(results[0].output)["title"]
    assert json.loads(results[1].output)["section"] == "World"
    assert json.loads((home / "articles.jsonl").read_text().splitlines()[0])["title"]
    [recorded] = (home / "tests" / "fixtures").glob("*/*/expected.json")
    assert (recorded.parent / "page.html").read_bytes() == page


# --- the replica, scrapy check/parse/shell and the news spider --------------------------------

REPLICA_BLOCK = [
    documented(README, "make replica &"),
    documented(
        README,
        "scrapy check koreaherald -a base_url=http://127.0.0.1:8023 -s NEWSBOT_STORE_ENABLED=0",
    ),
    documented(
        README,
        "scrapy check koreaherald -a base_url=http://127.0.0.1:8023 -s NEWSBOT_STORE_ENABLED=0 -v",
    ),
    documented(README, "scrapy check -l"),
    documented(
        README,
        'scrapy parse --spider koreaherald -a base_url=http://127.0.0.1:8023 "http://127.0.0.1:8023/view.php?ud=20230922000489"',
    ),
    documented(
        README, "scrapy shell --spider koreaherald -s 'DOWNLOAD_HANDLERS={}' http://127.0.0.1:8023/"
    ),
]
NEWS_ON_REDESIGN = documented(
    README, "scrapy crawl news -a base_url=http://127.0.0.1:8041 -a timezone=Asia/Seoul"
)
REPLICA_SERVERS = [
    documented(README, "make replica LAYOUT=current PORT=8023"),
    documented(README, ".venv/bin/python -m newsbot.replica --layout redesign"),
    documented(README, ".venv/bin/python -m newsbot.replica --layout 2023 --drift"),
    documented(README, ".venv/bin/python -m newsbot.replica --layout 2023 --drift authors,body"),
    documented(README, ".venv/bin/python -m newsbot.replica --layout current --faults 7"),
    documented(README, ".venv/bin/python -m newsbot.replica --layout 2023 --page-weight realistic"),
]


def wait_line(url: str) -> str:
    return f".venv/bin/python -m newsbot.replica.wait {url}/robots.txt"


def test_replica_scrapy_check_parse_and_shell(tmp_path):
    home = checkout(tmp_path / "newsbot")
    env = sandbox_env(NEWSBOT_EXPORTS_DIR=str(tmp_path / "exports"))
    port = free_port()
    texts = [rewrite_port(c.text, 8023, port) for c in REPLICA_BLOCK]
    texts[0] = texts[0].replace("make replica", f"make replica PORT={port}")
    texts.insert(1, wait_line(f"http://127.0.0.1:{port}"))
    results = run_commands(texts, home, env)
    for ran in results[1:]:
        assert ran.status == 0, f"{ran.text}: {ran.output[-3000:]}"
    check, verbose, listed, parsed, shell = results[2:]
    assert "OK" in check.output
    assert "OK" in verbose.output
    assert "parse_article" in verbose.output
    assert "parse_article" in listed.output
    assert "20230922000489" in parsed.output
    assert "Available Scrapy objects" in shell.output or "[s]" in shell.output

    # Each replica command of the README serves until stopped.
    texts = []
    for command in REPLICA_SERVERS:
        port = free_port()
        text = command.text.replace("PORT=8023", f"PORT={port}")
        if "--port" not in text and "PORT=" not in text:
            text += f" --port {port}"
        texts += [text + " &", wait_line(f"http://127.0.0.1:{port}"), "kill %%"]
    results = run_commands(texts, home, env)
    for ran in results[1::3]:
        assert ran.status == 0, f"{ran.text}: {results}"


def test_news_spider_on_the_redesigned_replica(tmp_path):
    home = checkout(tmp_path / "newsbot")
    exports = tmp_path / "exports"
    env = sandbox_env(NEWSBOT_EXPORTS_DIR=str(exports))
    with serving("redesign", articles=20) as replica:
        text = rewrite_port(NEWS_ON_REDESIGN.text, 8041, int(replica.base_url.rsplit(":", 1)[1]))
        [ran] = run_commands([text], home, env, timeout=240)
    assert ran.status == 0, ran.output[-3000:]
    [feed] = (exports / "news").glob("articles-*.jsonl")
    assert len(feed.read_text().splitlines()) == 20


# --- PostgreSQL ---------------------------------------------------------------------------

MIGRATE = [
    (documented(README, EXAMPLE_DATABASE), documented(README, "newsbot migrate")),
    (documented(OPERATIONS, EXAMPLE_DATABASE), documented(OPERATIONS, "newsbot migrate")),
]


def test_migrate_as_documented(tmp_path):
    home = checkout(tmp_path / "newsbot")
    for export, migrate in MIGRATE:
        with postgres_database() as url:
            text = export.text.replace(export.text.split("=", 1)[1], f"'{url}'")
            results = run_commands([text, migrate.text], home, sandbox_env())
            assert [r.status for r in results] == [0, 0], results
            engine = sqlalchemy.create_engine(url)
            with engine.connect() as connection:
                tables = set(sqlalchemy.inspect(connection).get_table_names())
            engine.dispose()
            assert {"articles", "crawl_runs", "alembic_version"} <= tables


# --- newsbot run: the monitoring demos of docs/operations.md §5 ------------------------------

DEMO_BLOCKS = [
    [
        documented(
            OPERATIONS, ".venv/bin/python -m newsbot.replica --layout 2023 --drift --port 8024 &"
        ),
        documented(
            OPERATIONS,
            f".venv/bin/newsbot run drift-demo -- -a base_url=http://127.0.0.1:8024 {FAST}",
        ),
        documented(OPERATIONS, "kill %1"),
    ],
    [
        documented(
            OPERATIONS, ".venv/bin/python -m newsbot.replica --layout redesign --port 8024 &"
        ),
        documented(
            OPERATIONS,
            f".venv/bin/newsbot run redesign-demo -- -a base_url=http://127.0.0.1:8024 {FAST}",
        ),
        documented(
            OPERATIONS,
            ".venv/bin/newsbot run --spider news news-demo -- "
            f"-a base_url=http://127.0.0.1:8024 {FAST}",
        ),
        # Run again with nothing new: its canaries still fail Layout drift.
        documented_again(
            OPERATIONS,
            f".venv/bin/newsbot run redesign-demo -- -a base_url=http://127.0.0.1:8024 {FAST}",
        ),
        documented(OPERATIONS, "kill %1"),
    ],
]


@pytest.mark.parametrize("block", DEMO_BLOCKS, ids=["drift", "redesign"])
def test_monitoring_demos(tmp_path, block):
    home = checkout(tmp_path / "newsbot")
    env = sandbox_env(NEWSBOT_EXPORTS_DIR=str(tmp_path / "exports"))
    port = free_port()
    texts = [
        rewrite_port(c.text, 8024, port).replace("--port 8024", f"--port {port}") for c in block
    ]
    texts.insert(1, wait_line(f"http://127.0.0.1:{port}"))
    results = run_commands(texts, home, env, timeout=300)
    assert results[1].status == 0, results[0].output
    for command, ran in zip(block[1:-1], results[2:-1], strict=True):
        status = expected_status(command)
        assert status is not None, f"{command.where}: the docs say which exit status"
        assert ran.status == status, f"{ran.text}: {ran.output[-3000:]}"
        for message in quoted_messages(command):
            # Counts and percentages depend on the corpus; the message's wording does not.
            wording = re.split(r"\d", message)[0]
            assert wording in ran.output, (wording, ran.output[-3000:])
    assert results[-1].status == 0


# --- exit statuses: the one-line refusals and an unreachable site (docs/operations.md §3) ------

EXIT_STATUSES = [
    documented(OPERATIONS, 'scrapy crawl koreaherald -a since=yesterday; echo "exit $?"'),
    documented(
        OPERATIONS,
        "scrapy crawl koreaherald -a base_url=http://127.0.0.1:9 -s RETRY_TIMES=1 "
        '-s LOG_FILE=unreachable.log; echo "exit $?"',
    ),
    documented(
        OPERATIONS,
        'grep -E "Site unreachable|could not be reached|Exit status" unreachable.log',
    ),
]


def test_exit_statuses_as_documented(tmp_path):
    home = checkout(tmp_path / "newsbot")
    env = sandbox_env(NEWSBOT_EXPORTS_DIR=str(tmp_path / "exports"))
    results = run_commands([c.text for c in EXIT_STATUSES], home, env)
    for command, ran in zip(EXIT_STATUSES, results, strict=True):
        assert ran.status == 0, f"{ran.text}: {ran.output[-3000:]}"  # echo's and grep's
        lines = ran.output.splitlines()
        for shown in command.output.splitlines():
            if shown.startswith("… "):  # a log line: its time stamp elided
                assert any(line.endswith(shown[2:]) for line in lines), (shown, ran.output)
            else:
                assert shown in lines, (shown, ran.output)
    assert len(results[0].output.splitlines()) == 2, "one line, then the exit status"


# --- newsbot run and cron (option A) ---------------------------------------------------------

RUN_JOBS = [
    documented(OPERATIONS, "newsbot run popular  -- -a popular=only"),
    documented(OPERATIONS, "newsbot run sections -- -a popular=skip -a pages=5"),
]


def cron_env(home: Path, variables: dict[str, str], **extra: str) -> dict[str, str]:
    """What cron gives a job (SHELL, PATH, HOME, LOGNAME) plus the crontab's own variables."""
    env = {
        "SHELL": "/bin/sh",
        "PATH": "/usr/bin:/bin",
        "HOME": str(home),
        "LOGNAME": os.environ.get("USER", "root"),
    }
    env.update(variables)
    env.update(extra)
    return env


def run_cron(
    command: str, env: dict[str, str], timeout: float = 240
) -> subprocess.CompletedProcess[str]:
    """Run a crontab command as cron does: ``/bin/sh -c`` in ``env`` alone; an unescaped ``%``
    ends the command (the rest is its stdin) and ``\\%`` stands for ``%`` (crontab(5))."""
    command, _, stdin = re.sub(r"(?<!\\)%", "\0", command).partition("\0")
    return subprocess.run(
        ["env", "-i", *(f"{k}={v}" for k, v in env.items()), "/bin/sh", "-c",
         command.replace("\\%", "%")],
        input=stdin.replace("\0", "\n"), capture_output=True, text=True, timeout=timeout,
        check=False,
    )  # fmt: skip


def test_newsbot_run_jobs_and_their_cron_lines(tmp_path):
    table = crontab()
    home = checkout(tmp_path / "newsbot")
    exports = tmp_path / "exports"
    cron_lines = [line for line in table.lines if not line.commented]
    with serving("2023", articles=20) as replica:
        extra = f" -a base_url={replica.base_url} {FAST}"  # never the live site
        results = run_commands(
            [c.text + extra for c in RUN_JOBS], home, sandbox_env(NEWSBOT_EXPORTS_DIR=str(exports))
        )
        for ran in results:
            assert ran.status == 0, f"{ran.text}: {ran.output[-3000:]}"
        assert (exports / "runs" / "popular" / "latest.log").exists()
        assert (exports / "runs" / "sections" / "latest.log").exists()

        # The crontab's own lines, in cron's empty environment. The crontab's variables, with
        # the paths of this checkout; PYTHONPATH makes the virtualenv import this checkout's code.
        variables = {
            **table.variables,
            "NEWSBOT_HOME": str(home),
            "NEWSBOT_EXPORTS_DIR": str(tmp_path / "cron-exports"),
            "PYTHONPATH": str(Path(__file__).resolve().parents[1]),
        }
        for line in cron_lines:
            done = run_cron(line.command + extra, cron_env(tmp_path, variables))
            assert done.returncode == 0, f"{CRONTAB}:{line.line}: {done.stdout}{done.stderr}"
    for job in ("popular", "sections"):
        assert (tmp_path / "cron-exports" / "runs" / job / "latest.log").exists()


# --- Scrapyd: deploy, schedule, cron option B, resume a cancelled job --------------------------

DEPLOY = [
    documented(OPERATIONS, EXAMPLE_SCRAPYD),
    documented(OPERATIONS, ".venv/bin/scrapyd-deploy prod -p newsbot --version GIT"),
]
SCHEDULE = documented(
    OPERATIONS,
    'curl -fsS -u "$SCRAPYD_USERNAME:$SCRAPYD_PASSWORD" "${SCRAPYD_URL%/}/schedule.json" \\\n'
    "-d project=newsbot -d spider=koreaherald \\\n"
    "-d sections=National,Business -d pages=3 -d popular=skip \\\n"
    "-d setting=LOG_LEVEL=INFO",
)


def cancel_all(server: Scrapyd) -> None:
    """Stop the jobs the docs schedule: they would crawl the live site."""
    jobs = server.call("listjobs.json?project=newsbot")
    for job in jobs["pending"] + jobs["running"]:
        server.call("cancel.json", {"project": "newsbot", "job": job["id"]})


def test_scrapyd_deploy_schedule_and_cron_option_b(scrapyd, tmp_path):
    project = tmp_path / "project"
    deploy(scrapyd, tmp_path)  # a copy of the checkout (scrapyd-deploy writes build files)
    (project / ".venv").symlink_to(VENV)
    table = crontab()
    option_b = [line for line in table.lines if line.commented]
    port = scrapyd.url.rsplit(":", 1)[1].strip("/")
    for url in (f"http://127.0.0.1:{port}/", f"http://127.0.0.1:{port}"):
        export = DEPLOY[0].text.replace("http://scrapyd.example:6800/", url)
        export = export.replace("SCRAPYD_USERNAME=operator", f"SCRAPYD_USERNAME={USER}")
        export = export.replace("SCRAPYD_PASSWORD=…", f"SCRAPYD_PASSWORD={PASSWORD}")
        results = run_commands([export, DEPLOY[1].text, SCHEDULE.text], project, sandbox_env())
        assert [r.status for r in results] == [0, 0, 0], results
        answer = json.loads(results[1].output.strip().splitlines()[-1])
        shown = json.loads(DEPLOY[1].notes.split("→", 1)[1])
        assert {k: answer[k] for k in shown} == shown
        assert json.loads(results[2].output)["status"] == "ok"
        cancel_all(scrapyd)

        # Option B of the crontab, uncommented, in cron's environment: credentials come from
        # the env file the crontab names, the URL from the crontab.
        env_file = tmp_path / "scrapyd.env"
        env_file.write_text(f"SCRAPYD_USERNAME={USER}\nSCRAPYD_PASSWORD={PASSWORD}\n")
        env_file.chmod(0o600)
        scrapyd_variables = {
            name: value
            for name, value in table.commented_variables.items()
            if name.startswith("SCRAPYD_")
        }
        assert set(scrapyd_variables) == {"SCRAPYD_URL", "SCRAPYD_ENV_FILE"}
        variables = {**table.variables, **scrapyd_variables, "SCRAPYD_URL": url}
        variables["SCRAPYD_ENV_FILE"] = str(env_file)
        for line in option_b:
            done = run_cron(line.command, cron_env(tmp_path, variables))
            assert done.returncode == 0, f"{CRONTAB}:{line.line}: {done.stdout}{done.stderr}"
            assert json.loads(done.stdout)["status"] == "ok"
            cancel_all(scrapyd)


def test_scrapyd_resumes_a_cancelled_job_with_the_same_jobid(scrapyd, tmp_path):
    deploy(scrapyd, tmp_path)
    with serving("2023", articles=150) as replica:
        fields = [
            ("project", "newsbot"),
            ("spider", "koreaherald"),
            ("jobid", "sections-resume"),
            ("base_url", replica.base_url),
            ("pages", "100"),
            ("setting", "AUTOTHROTTLE_ENABLED=False"),
            ("setting", "DOWNLOAD_DELAY=0.1"),
            ("setting", "CONCURRENT_REQUESTS=1"),
        ]
        assert scrapyd.call("schedule.json", fields)["jobid"] == "sections-resume"
        log = scrapyd.home / "logs" / "newsbot" / "koreaherald" / "sections-resume.log"
        wait_for(lambda: stored(scrapyd.database_url) >= 10, 120)
        scrapyd.call("cancel.json", {"project": "newsbot", "job": "sections-resume"})
        wait_for(lambda: finished(scrapyd, "sections-resume") == 1, 120)
        first = log.read_text()
        assert "Spider closed (shutdown)" in first, first[-3000:]
        jobdir = scrapyd.home / "jobs" / "newsbot" / "koreaherald" / "sections-resume"
        assert (jobdir / "requests.queue").is_dir(), "the queue was kept on disk"
        stored_first = table_counts(scrapyd.database_url)["articles"]

        assert scrapyd.call("schedule.json", fields)["jobid"] == "sections-resume"
        wait_for(lambda: finished(scrapyd, "sections-resume") == 2, 180)
    second = log.read_text()[len(first) :]  # Scrapy appends to the job's log
    resumed = re.search(r"Resuming crawl \((\d+) requests scheduled\)", second)
    assert resumed, second[-3000:]
    assert int(resumed.group(1)) > 0
    assert "Spider closed (finished)" in second, second[-3000:]
    wanted = len(replica.replica.corpus.articles)
    assert stored_first < wanted
    # Together the two jobs stored every article; the second fetched only what the first left.
    assert table_counts(scrapyd.database_url)["articles"] == wanted
    summary = re.search(r"articles (\d+) new, .*?; (\d+) Most Popular ranks captured", second)
    assert summary, second[-3000:]
    # It stored as new exactly what the first job had not, and did not fetch the home page
    # (where the Most Popular list is read) again.
    assert int(summary.group(1)) == wanted - stored_first
    assert int(summary.group(2)) == 0


def stored(database_url: str) -> int:
    """Articles stored so far (0 until the job has created the schema)."""
    try:
        return table_counts(database_url)["articles"]
    except sqlalchemy.exc.ProgrammingError:
        return 0


def finished(server: Scrapyd, job: str) -> int:
    jobs = server.call("listjobs.json?project=newsbot")
    return sum(1 for j in jobs["finished"] if j["id"] == job)


def wait_for(condition, timeout: float) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail("timed out")
        time.sleep(0.5)


def test_lint_as_documented(tmp_path):
    home = checkout(tmp_path / "newsbot")
    [ran] = run_commands([LINT.text], home, sandbox_env(), timeout=300)
    assert ran.status == 0, ran.output[-3000:]
