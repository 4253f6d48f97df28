"""Deploy to a real Scrapyd with scrapyd-deploy, schedule a crawl through schedule.json, check
what it stored. Scrapyd runs in an environment where newsbot is importable only from the egg."""

from __future__ import annotations

import base64
import json
import os
import shutil
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from newsbot.replica.server import serving
from newsbot.storage.migrate import upgrade
from tests.crawling import REPO
from tests.databases import postgres_database
from tests.test_e2e_storage import table_counts

pytestmark = pytest.mark.e2e

USER, PASSWORD = "operator", "s3cret-for-tests"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def egg_free_python(directory: Path) -> Path:
    """A virtualenv that sees newsbot's dependencies but not newsbot itself."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(directory)], check=True)
    purelib = Path(sysconfig.get_paths()["purelib"])
    venv_lib = next((directory / "lib").glob("python3*/site-packages"))
    # A plain path entry: the .pth files in it (newsbot's editable install) are not processed.
    (venv_lib / "newsbot-deps.pth").write_text(f"{purelib}\n")
    return directory / "bin" / "python"


class Scrapyd:
    def __init__(self, url: str, process: subprocess.Popen[bytes]) -> None:
        self.url = url
        self.process = process

    def call(self, endpoint: str, data: dict | list | None = None) -> dict:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        request = urllib.request.Request(self.url + endpoint, data=body)
        token = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        request.add_header("Authorization", f"Basic {token}")
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())


@pytest.fixture
def scrapyd(tmp_path):
    python = egg_free_python(tmp_path / "scrapyd-venv")
    bare = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    check = subprocess.run(
        [python, "-c", "import newsbot"], cwd=tmp_path, env=bare, capture_output=True, check=False
    )
    assert check.returncode != 0, "newsbot must come from the deployed egg only"
    port = free_port()
    home = tmp_path / "scrapyd"
    home.mkdir()
    (home / "scrapyd.conf").write_text(
        "[scrapyd]\n"
        f"bind_address = 127.0.0.1\nhttp_port = {port}\n"
        f"username = {USER}\npassword = {PASSWORD}\n"
        f"eggs_dir = {home / 'eggs'}\nlogs_dir = {home / 'logs'}\ndbs_dir = {home / 'dbs'}\n"
        f"jobs_dir = {home / 'jobs'}\nitems_dir =\n"
        "jobstorage = scrapyd.jobstorage.SqliteJobStorage\n"
        "max_proc = 2\npoll_interval = 0.5\n"
    )
    with postgres_database() as database_url:
        env = {
            **os.environ,
            "NEWSBOT_DATABASE_URL": database_url,
            "NEWSBOT_EXPORTS_DIR": str(tmp_path / "exports"),
        }
        env.pop("PYTHONPATH", None)
        process = subprocess.Popen(
            [python, "-m", "scrapyd"],
            cwd=home,
            env=env,
            stdout=(home / "scrapyd.out").open("wb"),
            stderr=subprocess.STDOUT,
        )
        server = Scrapyd(f"http://127.0.0.1:{port}/", process)
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    assert server.call("daemonstatus.json")["status"] == "ok"
                    break
                except OSError:
                    if time.monotonic() > deadline or process.poll() is not None:
                        raise
                    time.sleep(0.3)
            server.database_url = database_url
            server.home = home
            server.exports = tmp_path / "exports"
            yield server
        finally:
            process.terminate()
            process.wait(timeout=30)


def deploy(scrapyd: Scrapyd, tmp_path: Path) -> dict:
    """scrapyd-deploy from a copy of the project, as an operator would from a checkout."""
    project = tmp_path / "project"
    tracked = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"], cwd=REPO, capture_output=True,
        text=True, check=True,
    ).stdout.split()  # fmt: skip
    for name in tracked:
        if (REPO / name).is_file():
            (project / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, project / name)
    env = {
        **os.environ,
        "SCRAPYD_URL": scrapyd.url,
        "SCRAPYD_USERNAME": USER,
        "SCRAPYD_PASSWORD": PASSWORD,
    }
    deploy_bin = Path(sys.executable).parent / "scrapyd-deploy"
    done = subprocess.run(
        [deploy_bin, "prod", "-p", "newsbot", "--version", "r1"],
        cwd=project, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_egg_holds_the_settings_entry_point_and_migrations(tmp_path):
    egg = tmp_path / "newsbot.egg"
    subprocess.run(
        [Path(sys.executable).parent / "scrapyd-deploy", f"--build-egg={egg}"],
        cwd=REPO, check=True, capture_output=True,
    )  # fmt: skip
    with zipfile.ZipFile(egg) as archive:
        names = set(archive.namelist())
        entry_points = archive.read("EGG-INFO/entry_points.txt").decode()
    assert "[scrapy]\nsettings = newsbot.settings" in entry_points
    assert "newsbot/storage/migrations/env.py" in names
    assert "newsbot/storage/migrations/versions/0001_initial.py" in names
    assert "newsbot/spiders/koreaherald.py" in names


def test_deploy_schedule_and_store_through_scrapyd(scrapyd, tmp_path):
    answer = deploy(scrapyd, tmp_path)
    assert answer["status"] == "ok"
    assert answer["spiders"] == 2
    spiders = scrapyd.call("listspiders.json?project=newsbot")["spiders"]
    assert sorted(spiders) == ["koreaherald", "news"]
    # An older schema: the job must run the newest migration, read from the egg.
    engine = create_engine(scrapyd.database_url)
    try:
        upgrade(engine, "0003")
    finally:
        engine.dispose()

    with serving("2023", articles=120) as replica:
        scheduled = scrapyd.call(
            "schedule.json",
            [
                ("project", "newsbot"),
                ("spider", "koreaherald"),
                ("base_url", replica.base_url),  # every other field is a spider argument
                ("pages", "100"),
                ("sections", "National,Business"),
                ("discover", "sections"),  # the lists this test counts, without feeds
                ("setting", "AUTOTHROTTLE_ENABLED=False"),
                ("setting", "DOWNLOAD_DELAY=0"),
            ],
        )
        assert scheduled["status"] == "ok"
        job = scheduled["jobid"]
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            jobs = scrapyd.call("listjobs.json?project=newsbot")
            if any(j["id"] == job for j in jobs["finished"]):
                break
            time.sleep(0.5)
        else:
            pytest.fail("the job did not finish")

    log = (scrapyd.home / "logs" / "newsbot" / "koreaherald" / f"{job}.log").read_text()
    assert "Spider closed (finished)" in log, log[-3000:]
    assert " ERROR: " not in log, log[-3000:]
    # The job could only import newsbot from the egg, so its migrations ran from the zip too.
    assert "from 0003 to 0004" in log, log[-3000:]
    corpus = replica.replica.corpus
    wanted = {a.article_id for name in ("National", "Business") for a in corpus.in_section(name)}
    counts = table_counts(scrapyd.database_url)
    assert counts["articles"] == len(wanted)
    assert counts["popular_ranks"] == 10
    assert counts["crawl_runs"] == 1
    [feed] = (scrapyd.exports / "koreaherald").glob("articles-*.jsonl")
    ids = [json.loads(line)["article_id"] for line in feed.read_text().splitlines()]
    assert sorted(ids) == sorted(wanted)


def test_scrapyd_logs_the_exit_code_of_a_job_that_could_not_crawl(scrapyd, tmp_path):
    """Scrapyd lists every ended job as finished; its own log tells a failed one by its code."""
    deploy(scrapyd, tmp_path)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = sock.getsockname()[1]
    scheduled = scrapyd.call(
        "schedule.json",
        [
            ("project", "newsbot"),
            ("spider", "koreaherald"),
            ("base_url", f"http://127.0.0.1:{closed}"),
            ("setting", "RETRY_ENABLED=False"),
        ],
    )
    job = scheduled["jobid"]
    deadline = time.monotonic() + 120
    while not any(
        j["id"] == job for j in scrapyd.call("listjobs.json?project=newsbot")["finished"]
    ):
        assert time.monotonic() < deadline, "the job did not finish"
        time.sleep(0.5)
    log = (scrapyd.home / "logs" / "newsbot" / "koreaherald" / f"{job}.log").read_text()
    assert f"Site unreachable: http://127.0.0.1:{closed}/ — connection refused" in log
    deadline = time.monotonic() + 10
    while "exitstatus=1" not in (scrapyd.home / "scrapyd.out").read_text():
        assert time.monotonic() < deadline, (scrapyd.home / "scrapyd.out").read_text()[-3000:]
        time.sleep(0.2)
    assert (
        f"Process died: exitstatus=1 project='newsbot' spider='koreaherald' job='{job}'"
        in (scrapyd.home / "scrapyd.out").read_text()
    )
