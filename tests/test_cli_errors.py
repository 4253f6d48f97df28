"""The newsbot command's failures: one line on stderr and a non-zero status, never a traceback.

The failures are real: a PostgreSQL database that does not exist on the machine's server, a
Redis port nothing listens on, files that are missing or are not JSON lines.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from newsbot import cli
from newsbot.cli import main as newsbot
from newsbot.storage import open_store
from tests.databases import ADMIN_URL
from tests.factories import article

ROOT = Path(__file__).resolve().parent.parent
CLOSED_REDIS_PORT = 6399


def run_newsbot(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``python -m newsbot ARGS`` as an operator runs it, without the database variables."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSBOT_")}
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-m", "newsbot", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def one_line(stderr: str, command: str) -> str:
    """The single error line, checked for the ``newsbot <command>: `` form."""
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith(f"newsbot {command}: "), lines[0]
    assert "Traceback" not in stderr
    return lines[0]


def test_replay_rejects_of_a_missing_file(tmp_path):
    done = run_newsbot("replay-rejects", "/nonexistent.jsonl", cwd=tmp_path)
    assert done.returncode == 1
    line = one_line(done.stderr, "replay-rejects")
    assert "/nonexistent.jsonl" in line
    assert "No such file or directory" in line
    assert list(tmp_path.iterdir()) == []  # no database made for nothing to replay


def test_replay_rejects_of_a_file_that_is_not_json_lines(tmp_path):
    rejects = tmp_path / "rejects.jsonl"
    rejects.write_text('{"item_type": "Article", "item": {}}\n{not json\n', encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    done = run_newsbot("--database-url", url, "replay-rejects", str(rejects), cwd=tmp_path)
    assert done.returncode == 1
    line = one_line(done.stderr, "replay-rejects")
    assert f"{rejects}, line 2: not JSON" in line
    assert not rejects.with_name("rejects.jsonl.remaining").exists()  # nothing half-replayed


def test_a_reject_record_without_its_fields(tmp_path, capsys):
    rejects = tmp_path / "rejects.jsonl"
    rejects.write_text('{"item": {}}\n', encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    assert newsbot(["--database-url", url, "replay-rejects", str(rejects)]) == 1
    line = one_line(capsys.readouterr().err, "replay-rejects")
    assert f"{rejects}, line 1: not a rejects record" in line


def test_a_postgresql_database_that_does_not_exist(tmp_path):
    name = f"newsbot_test_absent_{uuid.uuid4().hex[:12]}"  # never created
    url = make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    done = run_newsbot("--database-url", url, "latest", cwd=tmp_path)
    assert done.returncode == 1
    line = one_line(done.stderr, "latest")
    assert f'database "{name}" does not exist' in line


def test_dist_status_with_nothing_listening_on_the_redis_port(tmp_path):
    with socket.socket() as probe:  # the premise: the port is closed
        assert probe.connect_ex(("127.0.0.1", CLOSED_REDIS_PORT)) != 0
    url = f"redis://127.0.0.1:{CLOSED_REDIS_PORT}/0"
    done = run_newsbot("dist", "status", "--redis-url", url, cwd=tmp_path)
    assert done.returncode == 1
    line = one_line(done.stderr, "dist")
    assert f"127.0.0.1:{CLOSED_REDIS_PORT}" in line
    assert "refused" in line.lower()


@pytest.mark.parametrize(
    ("command", "args"),
    [
        ("latest", ["latest"]),
        ("latest", ["--json", "latest"]),
        ("revisions", ["revisions", "20230911000813"]),
        ("rank-history", ["rank-history", "x"]),
        ("report", ["report"]),  # nor an empty report.html
        ("lost", ["lost"]),
    ],
)
def test_a_lookup_in_an_empty_directory_creates_nothing(tmp_path, command, args):
    done = run_newsbot(*args, cwd=tmp_path)
    assert done.returncode == 1
    line = one_line(done.stderr, command)
    assert "exports/newsbot.sqlite3" in line
    assert list(tmp_path.iterdir()) == []


def test_a_lookup_in_a_database_without_tables_does_not_create_them(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    (tmp_path / "empty.sqlite3").touch()
    assert newsbot(["--database-url", url, "latest"]) == 1
    line = one_line(capsys.readouterr().err, "latest")
    assert "newsbot migrate" in line
    assert (tmp_path / "empty.sqlite3").stat().st_size == 0
    assert [p.name for p in tmp_path.iterdir()] == ["empty.sqlite3"]  # no journal either


def test_commands_that_write_still_create_the_database(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'new' / 'newsbot.sqlite3'}"
    assert newsbot(["--database-url", url, "migrate"]) == 0
    assert (tmp_path / "new" / "newsbot.sqlite3").stat().st_size > 0
    assert newsbot(["--database-url", url, "latest"]) == 0  # an empty archive: no rows
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize(
    "args",
    [
        ["latest", "--json", "--database-url", "{url}"],
        ["--json", "latest", "--database-url", "{url}"],
        ["--database-url", "{url}", "latest", "--json"],
        ["--json", "--database-url", "{url}", "latest"],
    ],
)
def test_json_and_database_url_before_or_after_the_command(database_url, capsys, args):
    store = open_store(database_url)
    store.save_articles([article("20230921000100", title="Newest")])
    store.close()
    given = [database_url if a == "{url}" else a for a in args]
    assert newsbot(given) == 0
    [row] = json.loads(capsys.readouterr().out)
    assert row["title"] == "Newest"


def test_the_json_flag_given_before_is_not_reset_by_the_command(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    assert newsbot(["--database-url", url, "migrate"]) == 0
    capsys.readouterr()
    assert newsbot(["--json", "--database-url", url, "lost"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_debug_shows_the_traceback(tmp_path):
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    with pytest.raises(FileNotFoundError):
        newsbot(["--database-url", url, "replay-rejects", "/nonexistent.jsonl", "--debug"])


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    [action] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(action.choices)


def test_every_command_and_option_has_help_text():
    parser = cli.build_parser()  # type: ignore[attr-defined]
    [action] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    listed = {choice.dest: choice.help for choice in action._choices_actions}
    commands = _subcommands(parser)
    assert set(listed) == set(commands)
    for name, command in commands.items():
        assert listed[name], f"{name} has no help in the command list"
        assert command.description, f"{name} --help has no description"
        for option in command._actions:
            assert option.help, f"{name} {option.dest} has no help text"


def test_command_help_prints_its_description(capsys):
    with pytest.raises(SystemExit) as exited:
        newsbot(["latest", "--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    assert "--limit" in out
    assert "--json" in out
    assert "newest first" in out


def test_a_wrong_command_line_is_one_line_too(capsys):
    with pytest.raises(SystemExit) as exited:
        newsbot(["latest", "--limit", "many"])
    assert exited.value.code == 2
    line = one_line(capsys.readouterr().err, "latest")
    assert "argument --limit: invalid int value: 'many'" in line
    assert "newsbot latest --help" in line


def test_a_wrong_run_command_line_exits_as_a_crawl_that_could_not_run(capsys):
    # newsbot run's status 2 means "a monitor failed"; a bad command line is status 1 there.
    with pytest.raises(SystemExit) as exited:
        newsbot(["run"])
    assert exited.value.code == 1
    line = one_line(capsys.readouterr().err, "run")
    assert "the following arguments are required: job" in line


def test_an_article_that_is_not_there(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    assert newsbot(["--database-url", url, "migrate"]) == 0
    capsys.readouterr()
    assert newsbot(["--database-url", url, "revisions", "20990101000000"]) == 1
    line = one_line(capsys.readouterr().err, "revisions")
    assert line == "newsbot revisions: no article '20990101000000' on 'koreaherald'"


def test_replay_spool_from_a_directory_that_does_not_exist(tmp_path, capsys):
    missing = tmp_path / "no-spool"
    done = run_newsbot("replay-spool", "--spool-dir", str(missing), cwd=tmp_path)
    assert done.returncode == 1
    line = one_line(done.stderr, "replay-spool")
    assert line == f"newsbot replay-spool: no spool directory {missing}"
    assert list(tmp_path.iterdir()) == []  # and no database made for it


def test_migrate_a_postgresql_database_that_does_not_exist(tmp_path):
    name = f"newsbot_test_absent_{uuid.uuid4().hex[:12]}"  # never created
    url = make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    done = run_newsbot("migrate", "--database-url", url, cwd=tmp_path)
    assert done.returncode == 1
    line = one_line(done.stderr, "migrate")
    assert f'database "{name}" does not exist' in line


def test_a_headline_that_was_never_ranked(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    assert newsbot(["--database-url", url, "migrate"]) == 0
    capsys.readouterr()
    assert newsbot(["--database-url", url, "rank-history", "Nobody"]) == 1
    line = one_line(capsys.readouterr().err, "rank-history")
    assert line == "newsbot rank-history: nothing in most_popular matches 'Nobody'"


def test_ctrl_c_during_a_lookup_is_one_line_and_exit_130(tmp_path):
    # A "PostgreSQL server" that accepts the connection and never answers: the lookup waits
    # on it until it is interrupted, as it would on a database that hangs.
    silent = socket.create_server(("127.0.0.1", 0))
    port = silent.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSBOT_")}
    env["PYTHONPATH"] = str(ROOT)
    url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/test"
    process = subprocess.Popen(
        [sys.executable, "-m", "newsbot", "latest", "--database-url", url],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        silent.settimeout(30)
        connection, _ = silent.accept()  # the lookup is now waiting for the server
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=30)
        connection.close()
    finally:
        process.kill()
        silent.close()
    assert process.returncode == 130
    assert stdout == ""
    assert stderr == "newsbot latest: interrupted\n"
