"""``newsbot parse`` reads saved pages as the spider does; ``newsbot fixture`` records them.

Values are checked against the hand-written fixtures' expected.json, which people derived
from the pages, not against newsbot's own output.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from newsbot.cli import main as newsbot
from newsbot.fixtures import USER_AGENT, SavedPageError, download
from tests.conftest import FIXTURES, fixture_problems, load_fixture, review_problem

ROOT = Path(__file__).parent.parent
KOREAHERALD = FIXTURES / "koreaherald"
REFERENCE = KOREAHERALD / "article-2023-reference"
REFERENCE_URL = "https://www.koreaherald.com/view.php?ud=20230911000813"
CRAWLED_AT = "2023-09-22T09:00:00+00:00"
# A page no reader can take for an article: no headline, no date, one short line.
NOT_AN_ARTICLE = b"<!doctype html><html><head></head><body><p>Hello.</p></body></html>"


def just_now(iso: str) -> bool:
    return abs(datetime.fromisoformat(iso) - datetime.now(UTC)) < timedelta(minutes=5)


def expected(directory: Path) -> dict[str, Any]:
    values: dict[str, Any] = json.loads((directory / "expected.json").read_text("utf-8"))
    return values


def assert_reference_article(got: dict[str, Any]) -> None:
    """The reference page's values, as checked by hand (tests/fixtures/…/expected.json)."""
    want = dict(expected(REFERENCE)["article"])
    paragraphs = got["body"].split("\n\n")
    assert len(paragraphs) == want.pop("body_paragraphs")
    assert paragraphs[0].startswith(want.pop("body_starts"))
    assert paragraphs[-1].endswith(want.pop("body_ends"))
    assert {name: got[name] for name in want} == want
    assert got["provenance"] == {}


def parse_json(capsys: pytest.CaptureFixture[str], argv: list[str]) -> dict[str, Any]:
    assert newsbot(["parse", *argv]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert out.count("\n") == 1  # one JSON object on one line, as in the feeds
    values: dict[str, Any] = json.loads(out)
    return values


def parse_error(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    assert newsbot(["parse", *argv]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1  # the reason on one line
    return err.rstrip("\n")


# --- newsbot parse ----------------------------------------------------------------------


def test_parse_prints_the_article_as_the_feeds_write_it(capsys):
    argv = ["--url", REFERENCE_URL, "--section", "National", "--crawled-at", CRAWLED_AT]
    assert_reference_article(parse_json(capsys, [*argv, str(REFERENCE / "page.html")]))


def test_parse_reads_gzipped_pages(tmp_path, capsys):
    page = tmp_path / "page.html.gz"
    page.write_bytes(gzip.compress((REFERENCE / "page.html").read_bytes()))
    argv = ["--url", REFERENCE_URL, "--section", "National", "--crawled-at", CRAWLED_AT]
    assert_reference_article(parse_json(capsys, [*argv, str(page)]))


def test_parse_takes_the_site_from_the_option_and_the_crawl_time_now_by_default(capsys):
    page = str(REFERENCE / "page.html")
    got = parse_json(capsys, ["--site", "koreaherald", "--url", REFERENCE_URL, page])
    assert got["site"] == "koreaherald"
    # No --section: the 2023 layout does not state it, so the article has none.
    assert got["section"] is None
    assert just_now(got["crawled_at"])


@pytest.mark.parametrize(
    ("name", "encoding"),
    [("article-current-fallback", "euc-kr"), ("article-current-jsonld", "windows-1252")],
)
def test_parse_decodes_as_the_page_declares(tmp_path, capsys, name, encoding):
    html = (KOREAHERALD / name / "page.html").read_text(encoding="utf-8")
    assert '<meta charset="utf-8">' in html
    page = tmp_path / "page.html"
    page.write_bytes(html.replace("utf-8", encoding, 1).encode(encoding))
    want = expected(KOREAHERALD / name)["article"]
    got = parse_json(capsys, ["--url", want["url"], str(page)])
    assert (got["title"], got["body"]) == (want["title"], want["body"])


def test_parse_replaces_undecodable_bytes_instead_of_failing(tmp_path, capsys):
    html = (REFERENCE / "page.html").read_bytes()
    # Not UTF-8 although the page says so: one byte of Latin-1 in the headline.
    page = tmp_path / "page.html"
    page.write_bytes(html.replace(b"N. Korean leader", b"N. Korean l\xe9ader"))
    got = parse_json(capsys, ["--url", REFERENCE_URL, str(page)])
    assert got["title"].startswith("N. Korean l\ufffdader to 'soon' visit")


def test_parse_fails_with_the_reason_when_the_title_is_missing(capsys):
    url = "https://www.koreaherald.com/view.php?ud=20231002000100"
    page = KOREAHERALD / "article-2023-no-title" / "page.html"
    assert parse_error(capsys, ["--url", url, str(page)]) == (
        f"newsbot parse: missing_title: article page {url} lacks required field(s): title"
    )


def test_parse_of_a_page_of_another_site_reads_it_generically(tmp_path, capsys):
    page = tmp_path / "story.html"
    page.write_bytes(NOT_AN_ARTICLE)
    error = parse_error(capsys, ["--url", "https://news.example.com/story/1", str(page)])
    assert error.startswith("newsbot parse: missing_")
    assert ": article page https://news.example.com/story/1 lacks required field(s): " in error


def test_parse_without_a_url_names_the_page_by_its_file(tmp_path, capsys):
    page = tmp_path / "story.html"
    page.write_bytes(NOT_AN_ARTICLE)
    error = parse_error(capsys, [str(page)])
    assert f"article page file://localhost{page} lacks required field(s)" in error


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["missing.html"], "newsbot parse: no_such_file: missing.html"),
        (["--site", "nowhere", str(REFERENCE / "page.html")], "newsbot parse: unknown_site: "),
    ],
)
def test_parse_fails_with_the_reason_on_bad_input(capsys, argv, message):
    assert parse_error(capsys, argv).startswith(message)


@pytest.mark.parametrize(
    "body",
    [gzip.compress((REFERENCE / "page.html").read_bytes())[:-8], b"<html>not gzip</html>"],
    ids=["truncated", "not-gzip"],
)
def test_parse_reports_a_broken_gzip_file(tmp_path, capsys, body):
    page = tmp_path / "page.html.gz"
    page.write_bytes(body)
    assert parse_error(capsys, [str(page)]).startswith(
        f"newsbot parse: bad_gzip: {page} is not a complete gzip file: "
    )


def test_parse_needs_a_file_or_a_manifest(capsys):
    assert newsbot(["parse"]) == 2
    assert "give either FILE or --batch MANIFEST" in capsys.readouterr().err


def test_parse_refuses_a_crawl_time_without_an_offset(capsys):
    with pytest.raises(SystemExit) as exited:
        newsbot(["parse", "--crawled-at", "2023-09-22T09:00:00", "page.html"])
    assert exited.value.code == 2
    assert "needs a UTC offset" in capsys.readouterr().err


def test_batch_writes_one_line_per_page_and_errors_in_place(tmp_path, capsys):
    pages = tmp_path / "pages"
    pages.mkdir()
    shutil.copy(REFERENCE / "page.html", pages / "reference.html")
    gzipped = tmp_path / "elsewhere.html.gz"
    gzipped.write_bytes(gzip.compress((REFERENCE / "page.html").read_bytes()))
    no_title = KOREAHERALD / "article-2023-no-title" / "page.html"
    lines = [
        {"file": "pages/reference.html", "url": REFERENCE_URL, "section": "National"},
        {"file": "pages/gone.html", "url": REFERENCE_URL},
        "{not json",
        {"url": REFERENCE_URL},
        {"file": str(gzipped), "url": REFERENCE_URL, "section": "National"},
        ["a list"],
        {"file": str(no_title), "url": "https://www.koreaherald.com/view.php?ud=20231002000100"},
    ]
    manifest = tmp_path / "manifest.jsonl"
    manifest.write_text(
        "\n\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines),
        encoding="utf-8",
    )
    assert newsbot(["parse", "--batch", str(manifest), "--crawled-at", CRAWLED_AT]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    results = [json.loads(line) for line in out.splitlines()]
    assert len(results) == 7
    first, gone, not_json, no_file, gz, a_list, untitled = results
    assert first["file"] == "pages/reference.html"
    assert_reference_article(first)
    assert gone == {
        "file": "pages/gone.html",
        "line": 3,
        "error": "no_such_file: " + str(tmp_path / "pages" / "gone.html"),
    }
    assert not_json["file"] is None
    assert not_json["line"] == 5
    assert not_json["error"].startswith("bad_line: not JSON: ")
    assert no_file == {"file": None, "line": 7, "error": "bad_line: 'file' missing or not a string"}
    assert gz["file"] == str(gzipped)
    assert_reference_article(gz)
    assert a_list == {"file": None, "line": 11, "error": "bad_line: not a JSON object"}
    assert untitled["file"] == str(no_title)
    assert untitled["error"].startswith("missing_title: article page ")


def test_batch_options_are_defaults_for_its_lines(tmp_path, capsys):
    shutil.copy(REFERENCE / "page.html", tmp_path / "page.html")
    manifest = tmp_path / "manifest.jsonl"
    lines = [{"file": "page.html", "url": REFERENCE_URL}]
    lines.append({**lines[0], "section": "Business"})
    lines.append({**lines[0], "site": "generic"})
    manifest.write_text("\n".join(json.dumps(line) for line in lines), encoding="utf-8")
    argv = ["--batch", str(manifest), "--site", "koreaherald", "--section", "National"]
    assert newsbot(["parse", *argv]) == 0
    out = capsys.readouterr().out
    national, business, generic = [json.loads(line) for line in out.splitlines()]
    assert (national["site"], national["section"]) == ("koreaherald", "National")
    assert (business["site"], business["section"]) == ("koreaherald", "Business")
    # The generic site of the URL's host reads the page, whatever its layout.
    if "error" in generic:  # the generic reader need not find every field of this page
        assert generic["error"].startswith("missing_")
    else:
        assert (generic["site"], generic["layout"]) == ("koreaherald.com", "generic")


def test_batch_takes_urls_from_the_manifest_only(tmp_path, capsys):
    manifest = tmp_path / "manifest.jsonl"
    manifest.write_text("", encoding="utf-8")
    assert newsbot(["parse", "--batch", str(manifest), "--url", REFERENCE_URL]) == 2
    assert capsys.readouterr().err == "newsbot parse: with --batch, URLs come from the manifest\n"


def test_batch_fails_when_the_manifest_cannot_be_read(tmp_path, capsys):
    assert newsbot(["parse", "--batch", str(tmp_path / "none.jsonl")]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(f"newsbot parse: cannot read {tmp_path / 'none.jsonl'}: ")


# --- newsbot fixture --------------------------------------------------------------------


@dataclass
class Served:
    """What the loopback server answers per path, and the requests it received."""

    pages: dict[str, tuple[int, dict[str, str], bytes]]
    requests: list[dict[str, str]] = field(default_factory=list)
    base: str = ""


@pytest.fixture
def server() -> Iterator[Served]:
    served = Served({})

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            served.requests.append({"path": self.path, **dict(self.headers)})
            status, headers, body = served.pages.get(self.path, (404, {}, b"not found"))
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    served.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield served
    httpd.shutdown()
    httpd.server_close()


def record(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, str, str]:
    status = newsbot(["fixture", *argv])
    out, err = capsys.readouterr()
    return status, out, err


def test_fixture_from_a_file_saves_page_meta_and_unreviewed_values(tmp_path, capsys):
    argv = ["--url", REFERENCE_URL, "--section", "National", "--crawled-at", CRAWLED_AT]
    status, out, err = record(capsys, [*argv, "--dir", str(tmp_path), str(REFERENCE / "page.html")])
    assert (status, err) == (0, "")
    target = tmp_path / "koreaherald" / "article-2023-view-php-ud-20230911000813"
    assert out.startswith(f"saved {target}; check expected.json against page.html")
    assert (target / "page.html").read_bytes() == (REFERENCE / "page.html").read_bytes()
    meta = json.loads((target / "meta.json").read_text("utf-8"))
    assert just_now(meta.pop("recorded_at"))
    assert meta == {
        "kind": "article",
        "layout": "2023",
        "url": REFERENCE_URL,
        "crawled_at": CRAWLED_AT,
        "section": "National",
        "recorded": True,
        "source": str(REFERENCE / "page.html"),
        "encoding": "utf-8",
    }
    values = json.loads((target / "expected.json").read_text("utf-8"))
    assert values["reviewed"] is False
    assert_reference_article(values["article"] | {"provenance": {}})
    assert values["popular"] == expected(REFERENCE)["popular"]
    fixture = load_fixture(target)
    assert fixture_problems(fixture) == []
    assert "compare each value with page.html" in (review_problem(fixture) or "")


@pytest.mark.parametrize("name", ["list-2023-national", "home-2023", "home-current-rendered"])
def test_fixture_of_lists_and_homepages(tmp_path, capsys, name):
    source = KOREAHERALD / name
    meta = json.loads((source / "meta.json").read_text("utf-8"))
    page = tmp_path / "page.html.gz"
    page.write_bytes(gzip.compress((source / "page.html").read_bytes()))
    argv = ["--url", meta["url"], "--dir", str(tmp_path / "out"), "--name", "recorded"]
    assert record(capsys, [*argv, str(page)])[0] == 0
    target = tmp_path / "out" / "koreaherald" / "recorded"
    assert (target / "page.html").read_bytes() == (source / "page.html").read_bytes()
    recorded = json.loads((target / "meta.json").read_text("utf-8"))
    assert recorded["kind"] == meta["kind"]
    if meta["kind"] == "list":
        assert recorded["layout"] == meta["layout"]
    values = json.loads((target / "expected.json").read_text("utf-8"))
    assert values.pop("reviewed") is False
    assert values == expected(source)


def test_fixture_refuses_a_list_no_layout_reads(tmp_path, capsys):
    argv = ["--kind", "list", "--url", REFERENCE_URL, "--dir", str(tmp_path)]
    status, out, err = record(capsys, [*argv, str(REFERENCE / "page.html")])
    assert (status, out) == (1, "")
    assert err == (
        f"newsbot fixture: not_a_list: no list layout of koreaherald reads {REFERENCE_URL}\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_fixture_refuses_to_overwrite_without_force(tmp_path, capsys):
    argv = ["--url", REFERENCE_URL, "--dir", str(tmp_path), "--name", "reference"]
    source = str(REFERENCE / "page.html")
    assert record(capsys, [*argv, source])[0] == 0
    target = tmp_path / "koreaherald" / "reference"
    (target / "expected.json").write_text('{"reviewed": true}', encoding="utf-8")
    status, out, err = record(capsys, [*argv, source])
    assert (status, out) == (1, "")
    assert err == f"newsbot fixture: exists: {target} exists; give --force to replace it\n"
    assert (target / "expected.json").read_text("utf-8") == '{"reviewed": true}'
    assert record(capsys, [*argv, "--force", source])[0] == 0
    assert json.loads((target / "expected.json").read_text("utf-8"))["reviewed"] is False


def test_fixture_from_a_file_needs_its_url(tmp_path, capsys):
    status, out, err = record(capsys, ["--dir", str(tmp_path), str(REFERENCE / "page.html")])
    assert (status, out) == (1, "")
    assert err == "newsbot fixture: url_needed: a fixture from a file needs the page's --url\n"
    assert list(tmp_path.iterdir()) == []


def test_fixture_downloads_a_page_as_a_browser_asks_for_it(tmp_path, capsys, server):
    # No <meta charset>: only the HTTP header says how the page is encoded.
    html = (KOREAHERALD / "article-current-fallback" / "page.html").read_text("utf-8")
    body = html.replace('<meta charset="utf-8">', "").encode("euc-kr")
    path = "/article/2847104"
    server.pages[path] = (200, {"Content-Type": "text/html; charset=EUC-KR"}, body)
    url = server.base + path
    status, _, err = record(capsys, ["--site", "koreaherald", "--dir", str(tmp_path), url])
    assert (status, err) == (0, ""), err
    assert server.requests[0]["User-Agent"] == USER_AGENT
    target = tmp_path / "koreaherald" / "article-current-2847104"
    assert (target / "page.html").read_bytes() == body
    meta = json.loads((target / "meta.json").read_text("utf-8"))
    assert (meta["kind"], meta["layout"], meta["url"], meta["source"]) == (
        "article",
        "current",
        url,
        url,
    )
    assert meta["encoding"] == "cp949"  # w3lib reads EUC-KR as its superset
    # The fixture reads back as it was served: the header's encoding is kept in meta.json.
    want = expected(KOREAHERALD / "article-current-fallback")["article"]
    values = json.loads((target / "expected.json").read_text("utf-8"))["article"]
    assert values["body"] == want["body"] == load_fixture(target).expected["article"]["body"]
    assert "(전세)" in load_fixture(target).page.css("body").get()


def test_fixture_of_a_page_of_another_site_goes_under_its_host(tmp_path, capsys, server):
    server.pages["/story/1"] = (200, {"Content-Type": "text/html"}, NOT_AN_ARTICLE)
    server.pages["/"] = (200, {"Content-Type": "text/html"}, NOT_AN_ARTICLE)
    argv = ["--dir", str(tmp_path), server.base + "/story/1"]
    assert record(capsys, argv)[0] == 0
    target = tmp_path / "127.0.0.1" / "article-generic-1"
    meta = json.loads((target / "meta.json").read_text("utf-8"))
    assert (meta["kind"], meta["layout"]) == ("article", "generic")
    values = json.loads((target / "expected.json").read_text("utf-8"))
    assert values["error"].startswith("missing_")
    assert values["reviewed"] is False
    assert record(capsys, ["--dir", str(tmp_path), server.base + "/"])[0] == 0
    home = json.loads((tmp_path / "127.0.0.1" / "home-unknown-index" / "meta.json").read_text())
    assert home["kind"] == "home"


def test_fixture_of_a_download_takes_no_url(tmp_path, capsys, server):
    argv = ["--url", REFERENCE_URL, "--dir", str(tmp_path), server.base + "/story/1"]
    status, out, err = record(capsys, argv)
    assert (status, out) == (1, "")
    assert err == "newsbot fixture: url_given: a downloaded page's URL is where it came from\n"
    assert server.requests == []


def test_fixture_reports_a_failed_download(tmp_path, capsys, server):
    status, out, err = record(capsys, ["--dir", str(tmp_path), server.base + "/missing"])
    assert (status, out) == (1, "")
    assert err == f"newsbot fixture: download_failed: {server.base}/missing: HTTP 404\n"
    assert list(tmp_path.iterdir()) == []


def test_download_refuses_pages_over_the_size_limit(server):
    server.pages["/big"] = (200, {"Content-Type": "text/html"}, b"<p>" + b"x" * 200)
    with pytest.raises(SavedPageError) as raised:
        download(server.base + "/big", max_bytes=100)
    assert raised.value.reason == "too_large"
    assert len(download(server.base + "/big", max_bytes=203).body) == 203


def test_download_refuses_other_schemes():
    with pytest.raises(SavedPageError) as raised:
        download(f"file://{REFERENCE / 'page.html'}")
    assert raised.value.reason == "bad_url"


# --- the fixtures test and recorded fixtures ---------------------------------------------


def run_fixtures_test(fixtures: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NEWSBOT_TEST_FIXTURES_DIR": str(fixtures)}
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    return subprocess.run(
        [*command, "tests/test_sites_fixtures.py"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_fixtures_test_fails_on_a_recorded_fixture_until_it_is_reviewed(tmp_path, capsys):
    fixtures = tmp_path / "fixtures"
    shutil.copytree(FIXTURES, fixtures)
    argv = ["--url", REFERENCE_URL, "--section", "National", "--name", "recorded"]
    assert record(capsys, [*argv, "--dir", str(fixtures), str(REFERENCE / "page.html")])[0] == 0
    generic_page = tmp_path / "story.html"
    generic_page.write_bytes(NOT_AN_ARTICLE)
    argv = ["--url", "https://news.example.com/story/1", "--name", "recorded"]
    assert record(capsys, [*argv, "--dir", str(fixtures), str(generic_page)])[0] == 0

    result = run_fixtures_test(fixtures)
    assert result.returncode == 1, result.stdout
    failed = sorted(line for line in result.stdout.splitlines() if line.startswith("FAILED"))
    assert [line.split(" - ")[0] for line in failed] == [
        "FAILED tests/test_sites_fixtures.py::test_fixture_was_reviewed[koreaherald/recorded]",
        "FAILED tests/test_sites_fixtures.py::test_fixture_was_reviewed[news.example.com/recorded]",
    ]
    assert 'then set "reviewed": true in expected.json' in result.stdout
    assert "2 failed" in result.stdout

    for site in ("koreaherald", "news.example.com"):
        path = fixtures / site / "recorded" / "expected.json"
        path.write_text(path.read_text("utf-8").replace('"reviewed": false', '"reviewed": true'))
    result = run_fixtures_test(fixtures)
    assert result.returncode == 0, result.stdout
    # Both recorded fixtures ran through the checks of their kind.
    verbose = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "tests/test_sites_fixtures.py"],
        cwd=ROOT,
        env={**os.environ, "NEWSBOT_TEST_FIXTURES_DIR": str(fixtures)},
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    assert "test_article_fields[news.example.com/recorded]" in verbose
    assert "test_article_fields[koreaherald/recorded]" in verbose


def fixture_with(
    meta: dict[str, Any], expected_values: dict[str, Any], tmp_path: Path, site: str = "koreaherald"
):
    directory = tmp_path / site / "case"
    shutil.copytree(REFERENCE, directory)
    original = json.loads((REFERENCE / "meta.json").read_text("utf-8"))
    (directory / "meta.json").write_text(json.dumps(original | meta), encoding="utf-8")
    (directory / "expected.json").write_text(json.dumps(expected_values), encoding="utf-8")
    return load_fixture(directory)


@pytest.mark.parametrize(
    ("meta", "problem"),
    [
        ({"recorded": True, "source": "x", "recorded_at": "2026-01-01"}, "; it says both"),
        ({"synthetic": False}, "; it says neither"),
        ({"synthetic": None, "recorded": True, "recorded_at": "2026-01-01"}, "needs 'source'"),
        ({"synthetic": None, "recorded": True, "source": "x"}, "needs 'recorded_at'"),
        ({"kind": "video"}, "kind must be one of article, list, home, not 'video'"),
    ],
)
def test_fixture_metadata_must_say_where_the_fixture_came_from(tmp_path, meta, problem):
    problems = fixture_problems(fixture_with(meta, {}, tmp_path))
    assert len(problems) == 1
    assert problem in problems[0]


def test_a_generic_sites_fixture_must_be_a_page_of_its_host(tmp_path):
    meta = {"url": "https://www.example.org/a"}
    assert fixture_problems(fixture_with(meta, {}, tmp_path, "example.org")) == []
    problems = fixture_problems(fixture_with(meta, {}, tmp_path, "news.example.com"))
    assert problems == ["https://www.example.org/a is not a page of news.example.com"]


@pytest.mark.parametrize(
    ("meta", "values", "reviewed"),
    [
        ({}, {}, True),  # hand-written: derived by hand
        ({}, {"reviewed": False}, False),
        ({"synthetic": None, "recorded": True}, {}, False),
        ({"synthetic": None, "recorded": True}, {"reviewed": False}, False),
        ({"synthetic": None, "recorded": True}, {"reviewed": "yes"}, False),
        ({"synthetic": None, "recorded": True}, {"reviewed": True}, True),
    ],
)
def test_recorded_values_are_a_test_only_once_reviewed(tmp_path, meta, values, reviewed):
    assert (review_problem(fixture_with(meta, values, tmp_path)) is None) == reviewed
