"""The commands the documentation shows, and a sandbox to run them as written.

Extracts every command from the shell code blocks of README.md and docs/operations.md and every
cron line of deploy/crontab.example; tests/test_docs_commands.py runs them or lists them as
skipped, so a command added to the docs is either run by a test or skipped with a reason."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from tests.crawling import REPO

DOCS = ("README.md", "docs/operations.md")
CRONTAB = "deploy/crontab.example"
SHELL_BLOCKS = {"sh", "shell", "bash", "console", ""}
_TRAILING_COMMENT = re.compile(r"\s+#(\s.*)?$")
_CRON_LINE = re.compile(r"^(?:#\s*)?((?:[\d*/,-]+\s+){5}|@\w+\s+)(\S.*)$")
_CRON_VARIABLE = re.compile(r"^(#\s*)?([A-Z][A-Z0-9_]*)=(\S*)")


@dataclass(frozen=True)
class DocCommand:
    """One command as the docs show it: ``text`` without its trailing comment."""

    file: str
    line: int
    text: str
    notes: str = ""  # its trailing comment and the comment lines right after it
    output: str = ""  # for ``$ command`` blocks: the lines shown as its output

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class CronLine:
    line: int
    schedule: str
    command: str
    commented: bool  # option B ships commented out


@dataclass
class Crontab:
    variables: dict[str, str] = field(default_factory=dict)  # set lines (not commented)
    commented_variables: dict[str, str] = field(default_factory=dict)
    lines: list[CronLine] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)  # neither comment, variable nor schedule


def _strip_comment(line: str) -> tuple[str, str]:
    match = _TRAILING_COMMENT.search(line)
    if match is None:
        return line.rstrip(), ""
    return line[: match.start()].rstrip(), (match.group(1) or "").strip()


def _shell_block(file: str, start: int, lines: list[str]) -> list[DocCommand]:
    commands: list[DocCommand] = []
    pending: list[str] = []
    first = 0
    for number, raw in enumerate(lines, start):
        stripped = raw.strip()
        if not pending:
            if not stripped:
                continue
            if stripped.startswith("#"):
                if commands:  # a note under the command above (expected output, exit status)
                    last = commands[-1]
                    notes = f"{last.notes}\n{stripped.lstrip('#').strip()}".strip()
                    commands[-1] = DocCommand(last.file, last.line, last.text, notes)
                continue
            first = number
        pending.append(stripped)
        joined = "\n".join(pending)
        if stripped.endswith("\\"):
            continue
        if pending[0].startswith(("for ", "while ", "if ")) and not stripped.startswith(
            ("done", "fi")
        ):
            continue
        text, note = _strip_comment(joined) if len(pending) == 1 else (joined, "")
        commands.append(DocCommand(file, first, text, note))
        pending = []
    return commands


def _console_block(file: str, start: int, lines: list[str]) -> list[DocCommand]:
    commands: list[DocCommand] = []
    for number, raw in enumerate(lines, start):
        if raw.startswith("$ "):
            text, note = _strip_comment(raw[2:])
            commands.append(DocCommand(file, number, text, note))
        elif commands:
            last = commands[-1]
            output = f"{last.output}\n{raw}".strip("\n")
            commands[-1] = DocCommand(last.file, last.line, last.text, last.notes, output)
    return commands


def doc_commands(repo: Path = REPO) -> list[DocCommand]:
    """Every command of the shell code blocks of README.md and docs/operations.md."""
    commands: list[DocCommand] = []
    for file in DOCS:
        lines = (repo / file).read_text(encoding="utf-8").splitlines()
        index = 0
        while index < len(lines):
            fence = lines[index].strip()
            if not fence.startswith("```"):
                index += 1
                continue
            info = fence[3:].strip()
            end = index + 1
            while not lines[end].strip().startswith("```"):
                end += 1
            body = lines[index + 1 : end]
            if info in ("sh", "shell", "bash"):
                commands += _shell_block(file, index + 2, body)
            elif info in ("console", ""):
                commands += _console_block(file, index + 2, body)
            index = end + 1
    return commands


def crontab(repo: Path = REPO) -> Crontab:
    """The variables and the schedule lines (commented ones too) of deploy/crontab.example."""
    table = Crontab()
    text = (repo / CRONTAB).read_text(encoding="utf-8")
    for number, raw in enumerate(text.splitlines(), 1):
        cron = _CRON_LINE.match(raw)
        if cron:
            schedule = " ".join(cron.group(1).split())
            table.lines.append(CronLine(number, schedule, cron.group(2), raw.startswith("#")))
            continue
        variable = _CRON_VARIABLE.match(raw)
        if variable:
            target = table.commented_variables if variable.group(1) else table.variables
            target[variable.group(2)] = variable.group(3)
        elif raw.strip() and not raw.startswith("#"):
            table.unknown.append(raw)
    return table


def find(commands: Iterable[DocCommand], file: str, text: str) -> DocCommand:
    """The command ``text`` of ``file``; fails when the docs no longer show it."""
    for command in commands:
        if command.file == file and command.text == text:
            return command
    raise AssertionError(f"{file} no longer shows the command {text!r}")


# --- the sandbox ----------------------------------------------------------------------------

VENV = Path(sys.prefix)


def checkout(directory: Path) -> Path:
    """A checkout to run the docs in: the repository's files, ``.venv`` and an empty ``exports/``.

    ``pyproject.toml`` and ``constraints.txt`` are copies dated 1970 so that ``make``'s
    ``install`` target sees the existing virtualenv as up to date."""
    directory.mkdir(parents=True)
    for entry in REPO.iterdir():
        if entry.name in {".git", ".venv", "exports", "pyproject.toml", "constraints.txt"}:
            continue
        if entry.name.startswith((".pytest", ".mypy", ".ruff")):
            continue
        (directory / entry.name).symlink_to(entry)
    for name in ("pyproject.toml", "constraints.txt"):
        shutil.copy(REPO / name, directory / name)
        os.utime(directory / name, (0, 0))
    (directory / ".venv").symlink_to(VENV)
    (directory / "exports").mkdir()
    return directory


def sandbox_env(**extra: str) -> dict[str, str]:
    """The test's environment without newsbot's or Scrapyd's variables, this checkout importable.

    The virtualenv is not on PATH: run_commands activates it as the docs say."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSBOT_", "SCRAPYD_"))}
    # As typed in a shell, not run under `make test`: a make inside make prints "Entering
    # directory" and "Leaving directory" lines around its output (MAKELEVEL, MAKEFLAGS).
    for name in (
        "MAKELEVEL",
        "MAKEFLAGS",
        "MFLAGS",
        "MAKEOVERRIDES",
        "MAKE_TERMOUT",
        "MAKE_TERMERR",
    ):
        env.pop(name, None)
    venv_bin = str(VENV / "bin")
    env["PATH"] = os.pathsep.join(
        p for p in env.get("PATH", "/usr/bin:/bin").split(os.pathsep) if p != venv_bin
    )
    env.pop("VIRTUAL_ENV", None)
    env["PYTHONPATH"] = str(REPO)
    env.update(extra)
    return env


@dataclass
class Ran:
    text: str
    status: int
    output: str


def run_commands(
    texts: list[str], cwd: Path, env: dict[str, str], timeout: float = 180
) -> list[Ran]:
    """Run ``texts`` one after the other in one bash, as a person pastes them into a terminal.

    Each command's output and exit status are recorded apart; background jobs (``&``) stay
    in the shell's job table (``kill %1`` works) and are all stopped at the end."""
    work = Path(tempfile.mkdtemp(prefix=".doc-run-", dir=cwd))
    # "Commands that start with newsbot or scrapy run in the project's virtualenv
    # (make install, then . .venv/bin/activate)" (docs/operations.md).
    script = [". .venv/bin/activate"] if (cwd / ".venv" / "bin" / "activate").exists() else []
    for number, text in enumerate(texts):
        script.append(f"{{ {text}\n}} >{work}/out.{number} 2>&1 </dev/null")
        script.append(f"echo $? >{work}/status.{number}")
    process = subprocess.Popen(
        ["bash", "-c", "\n".join(script)], cwd=cwd, env=env, start_new_session=True
    )
    try:
        process.wait(timeout=timeout)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    results = []
    for number, text in enumerate(texts):
        status_file = work / f"status.{number}"
        status = int(status_file.read_text()) if status_file.exists() else -1
        out = work / f"out.{number}"
        results.append(Ran(text, status, out.read_text(errors="replace") if out.exists() else ""))
    return results


def run_each(texts: list[str], cwd: Path, env: dict[str, str], timeout: float = 180) -> list[Ran]:
    """Run independent commands side by side, each in its own shell (two at a time)."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        return list(pool.map(lambda text: run_commands([text], cwd, env, timeout)[0], texts))


def expected_status(command: DocCommand) -> int | None:
    """The exit status the docs announce under a command (``# exit status 2; …``)."""
    match = re.search(r"exit status (\d+)", command.notes)
    return int(match.group(1)) if match else None


def quoted_messages(command: DocCommand) -> list[str]:
    """The messages the docs quote under a command, up to the first ``…`` of each."""
    return [m.split("…")[0] for m in re.findall(r'"([^"]+)"', command.notes)]
