"""The fault-injecting replica: each fault behaves as declared over real loopback HTTP, and the
plan (which page gets which fault, what each article's outcome is) follows from the seed."""

from __future__ import annotations

import html
import http.client
import json
import re
import socket
import subprocess
import sys
import threading
import urllib.request
import zlib
from dataclasses import dataclass

import pytest

from newsbot.replica.common import PAGE_SIZE
from newsbot.replica.corpus import SECTIONS, ArticleTruth, build_corpus
from newsbot.replica.faults import (
    ARTICLE_FAULTS,
    BOMB_BYTES,
    FAULTS,
    LONG_TITLE_LENGTH,
    OVERSIZED_BYTES,
    page_key,
    plan_faults,
)
from newsbot.replica.server import ReplicaServer, serving
from tests.crawling import REPO

SEED = 11


@pytest.fixture(scope="module")
def current():
    with serving("current", articles=70, faults=SEED) as server:
        yield server


@pytest.fixture(scope="module")
def layout_2023():
    with serving("2023", articles=70, faults=SEED) as server:
        yield server


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes


def get(server: ReplicaServer, target: str, timeout: float = 10, read: bool = True) -> Answer:
    host, port = server.server_address[:2]
    connection = http.client.HTTPConnection(str(host), port, timeout=timeout)
    try:
        connection.request("GET", target)
        response = connection.getresponse()
        body = response.read() if read else b""
        return Answer(response.status, response.headers, body)
    finally:
        connection.close()


def truth_of(server: ReplicaServer, fault: str) -> ArticleTruth:
    """The article that ``fault`` was given to."""
    [article_id] = [i for i, f in server.replica.faults.article_faults().items() if f == fault]
    return server.replica.corpus.by_id[article_id]


def path_of(server: ReplicaServer, fault: str) -> str:
    return server.replica.corpus.article_path(truth_of(server, fault).article_id)


def html_title(body: str) -> str:
    """The headline (the 2023 layout's logo is an ``<h1>`` too, before it)."""
    headings = re.findall(r"<h1[^>]*>(.*?)</h1>", body, re.S)
    assert headings
    return html.unescape(headings[-1])


def og_title(body: str) -> str:
    match = re.search(r'<meta property="og:title" content="([^"]*)"', body)
    assert match
    return html.unescape(match.group(1))


def json_ld_blocks(body: str) -> list[str]:
    return re.findall(r'<script type="application/ld\+json">(.*?)</script>', body, re.S)


# --- the plan -------------------------------------------------------------------------------


@pytest.mark.parametrize("layout", ["2023", "current"])
def test_plan_is_deterministic_per_seed_and_covers_every_fault(layout):
    corpus = build_corpus(layout, 70)
    plan = plan_faults(corpus, SEED)
    assert plan == plan_faults(build_corpus(layout, 70), SEED)
    assert plan.pages != plan_faults(corpus, SEED + 1).pages
    faults = plan.article_faults()
    expected = {f.name for f in ARTICLE_FAULTS if layout in f.layouts}
    assert sorted(faults.values()) == sorted(expected), "each fault once"
    if layout == "2023":
        assert not any(name.startswith("jsonld_") for name in faults.values())
    # Only where any crawl goes: articles on a section's first list page, never a popular one.
    first_pages = {a.article_id for s in SECTIONS for a in corpus.in_section(s.name)[:PAGE_SIZE]}
    assert set(faults) <= first_pages
    assert not set(faults) & set(corpus.popular_ids)
    # Pages every crawl needs fail only once.
    shared = {key: name for key, name in plan.pages.items() if not key.startswith("article:")}
    assert "home" in shared
    assert sum(key.startswith("list:") for key in shared) == 3
    assert all(key == "home" or key.endswith(":1") for key in shared)
    assert all(FAULTS[name].transient for name in shared.values())


def test_plan_refuses_a_corpus_too_small_for_its_faults():
    with pytest.raises(ValueError, match="faults need"):
        plan_faults(build_corpus("current", 20), SEED)


def test_outcomes_name_a_reason_for_every_article_not_stored(current):
    outcomes = current.replica.expected_outcomes()
    corpus = current.replica.corpus
    assert set(outcomes) == set(corpus.by_id)
    faults = current.replica.faults.article_faults()
    for article_id, outcome in outcomes.items():
        fault = faults.get(article_id)
        assert outcome == (FAULTS[fault].outcome if fault else "stored")
    assert outcomes[truth_of(current, "http_410").article_id] == "lost:http_410"
    assert outcomes[truth_of(current, "redirect_file").article_id] == "lost:redirect_scheme"
    assert outcomes[truth_of(current, "gzip_bomb").article_id] == "lost:too_large"
    assert outcomes[truth_of(current, "json_body").article_id] == "lost:not_html"
    assert outcomes[truth_of(current, "title_too_long").article_id] == "rejected:title_too_long"
    assert outcomes[truth_of(current, "http_503").article_id] == "stored"


def test_truth_json_gives_each_article_its_outcome_and_fault(current):
    with urllib.request.urlopen(f"{current.base_url}/_replica/truth.json", timeout=10) as answer:
        truth = json.load(answer)
    assert truth["faults"]["seed"] == SEED
    assert truth["faults"]["pages"] == current.replica.faults.pages
    catalogue = truth["faults"]["catalogue"]
    assert set(catalogue) == set(current.replica.faults.pages.values())
    assert catalogue["redirect_file"]["outcome"] == "lost:redirect_scheme"
    assert catalogue["http_500"]["transient"] is True
    outcomes = current.replica.expected_outcomes()
    faults = current.replica.faults.article_faults()
    assert {a["article_id"]: a["expected"] for a in truth["articles"]} == outcomes
    assert {a["article_id"]: a["fault"] for a in truth["articles"] if a["fault"]} == faults
    titles = {a["article_id"]: a["title"] for a in truth["articles"]}
    assert len(titles[truth_of(current, "title_too_long").article_id]) > LONG_TITLE_LENGTH - 1


def test_replica_without_faults_expects_every_article_stored():
    with serving("2023", articles=30) as server:
        assert set(server.replica.expected_outcomes().values()) == {"stored"}
        with urllib.request.urlopen(f"{server.base_url}/_replica/truth.json", timeout=10) as a:
            truth = json.load(a)
    assert truth["faults"] is None
    assert {a["expected"] for a in truth["articles"]} == {"stored"}


def test_page_keys_count_twins_and_tracking_parameters_together():
    assert page_key("2023", "/view.php?ud=20230911000813&loop=1") == "article:20230911000813"
    assert page_key("2023", "/list.php?ct=020100000000&np=2&mp=1") == "list:National:2"
    assert page_key("2023", "/list.php?ct=020100000000") == "list:National:1"
    assert page_key("current", "/article/10636733?loop=1") == "article:10636733"
    assert page_key("current", "/Business?page=3&pageTop=true") == "list:Business:3"
    assert page_key("current", "/") == "home"
    assert page_key("current", "/robots.txt") is None


# --- transient faults: the first attempt fails, the second succeeds -----------------------


@pytest.mark.parametrize(("fault", "status"), [("http_500", 500), ("http_503", 503)])
def test_server_errors_fail_the_first_attempt_only(current, fault, status):
    path = path_of(current, fault)
    assert get(current, path).status == status
    second = get(current, path)
    assert second.status == 200
    assert html_title(second.body.decode()) == truth_of(current, fault).title


def test_429_asks_to_retry_after_a_second_once(current):
    path = path_of(current, "http_429")
    first = get(current, path)
    assert first.status == 429
    assert first.headers["Retry-After"] == "1"
    assert get(current, path).status == 200


def test_reset_drops_the_first_connection(current):
    path = path_of(current, "reset")
    with pytest.raises(ConnectionResetError):
        get(current, path)
    assert get(current, path).status == 200


def test_truncated_body_is_shorter_than_its_content_length_once(current):
    path = path_of(current, "truncated")
    with pytest.raises(http.client.IncompleteRead) as error:
        get(current, path)
    assert error.value.expected > 0
    complete = get(current, path)
    assert complete.status == 200
    assert int(complete.headers["Content-Length"]) == len(complete.body)


def test_transient_timeout_stalls_the_first_attempt_only(current):
    path = path_of(current, "timeout_once")
    with pytest.raises(TimeoutError):
        get(current, path, timeout=1)
    assert get(current, path, timeout=5).status == 200


def test_concurrent_first_attempts_fail_exactly_once(layout_2023):
    path = path_of(layout_2023, "http_500")
    statuses: list[int] = []
    lock = threading.Lock()

    def fetch() -> None:
        status = get(layout_2023, path).status
        with lock:
            statuses.append(status)

    threads = [threading.Thread(target=fetch) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(statuses) == [200] * 7 + [500]


@pytest.mark.parametrize("server_name", ["current", "layout_2023"])
def test_homepage_and_list_pages_fail_once_then_serve(server_name, request):
    server = request.getfixturevalue(server_name)
    corpus = server.replica.corpus
    shared = {k: v for k, v in server.replica.faults.pages.items() if not k.startswith("article")}
    for key, fault in shared.items():
        if key == "home":
            target = "/"
        else:
            section = next(s for s in SECTIONS if s.name == key.split(":")[1])
            target = f"/list.php?ct={section.ct}" if corpus.layout == "2023" else section.path
        try:
            failed = get(server, target).status != 200
        except (ConnectionError, http.client.HTTPException):
            failed = True
        assert failed, f"{key} ({fault}) must fail on its first attempt"
        answer = get(server, target)
        assert answer.status == 200
        assert b"The Korea Herald" in answer.body


# --- permanent faults: every attempt fails the same way -----------------------------------


@pytest.mark.parametrize(("fault", "status"), [("http_404", 404), ("http_410", 410)])
def test_missing_pages_stay_missing(current, fault, status):
    path = path_of(current, fault)
    assert [get(current, path).status for _ in range(3)] == [status] * 3


def test_permanent_timeout_never_answers(current):
    path = path_of(current, "timeout")
    for _ in range(2):
        with pytest.raises(TimeoutError):
            get(current, path, timeout=1)


def test_redirect_loop_sends_the_twin_back_to_the_page(layout_2023):
    path = path_of(layout_2023, "redirect_loop")
    first = get(layout_2023, path)
    assert first.status == 302
    twin = first.headers["Location"]
    assert twin == f"{path}&loop=1"
    back = get(layout_2023, twin)
    assert back.status == 302
    assert back.headers["Location"] == path
    assert get(layout_2023, path).headers["Location"] == twin, "for ever"


def test_offsite_redirect_points_at_another_loopback_host(current):
    path = path_of(current, "redirect_offsite")
    answer = get(current, path)
    assert answer.status == 302
    port = current.server_address[1]
    assert answer.headers["Location"] == f"http://127.0.0.2:{port}{path}"


def test_redirect_to_a_local_file(current):
    answer = get(current, path_of(current, "redirect_file"))
    assert answer.status == 302
    assert answer.headers["Location"] == "file:///etc/passwd"


def test_oversized_page_declares_its_size(current):
    answer = get(current, path_of(current, "oversized"), read=False)
    assert answer.status == 200
    assert int(answer.headers["Content-Length"]) > OVERSIZED_BYTES


def test_gzip_bomb_is_small_on_the_wire_and_huge_inflated(current):
    answer = get(current, path_of(current, "gzip_bomb"))
    assert answer.headers["Content-Encoding"] == "gzip"
    assert len(answer.body) < 200_000
    inflate = zlib.decompressobj(wbits=31)
    inflated = 0
    chunk = inflate.decompress(answer.body, 2**20)
    while chunk:
        inflated += len(chunk)
        chunk = inflate.decompress(inflate.unconsumed_tail, 2**20)
    assert inflated > BOMB_BYTES


def test_json_at_an_article_url(current):
    answer = get(current, path_of(current, "json_body"))
    assert answer.status == 200
    assert answer.headers["Content-Type"] == "application/json"
    assert json.loads(answer.body)["title"] == truth_of(current, "json_body").title


# --- pages that must be read right despite their bytes ------------------------------------


@pytest.mark.parametrize("server_name", ["current", "layout_2023"])
def test_legacy_charset_declared_only_in_meta(server_name, request):
    server = request.getfixturevalue(server_name)
    answer = get(server, path_of(server, "charset_in_meta"))
    assert answer.headers["Content-Type"] == "text/html", "no charset in the header"
    with pytest.raises(UnicodeDecodeError):
        answer.body.decode("utf-8")
    page = answer.body.decode("euc-kr")
    assert re.search(r"<meta[^>]*charset=[\"']?euc-kr", page)
    title = truth_of(server, "charset_in_meta").title
    assert title.endswith("(서울 한류)")
    assert html_title(page) == title


def test_header_charset_overrides_a_wrong_meta(current):
    answer = get(current, path_of(current, "charset_header_wins"))
    assert answer.headers["Content-Type"] == "text/html; charset=euc-kr"
    page = answer.body.decode("euc-kr")
    assert '<meta charset="utf-8">' in page, "the page itself claims utf-8"
    assert html_title(page) == truth_of(current, "charset_header_wins").title


def test_poison_characters_in_json_ld_and_visible_text(current):
    truth = truth_of(current, "poison")
    page = get(current, path_of(current, "poison")).body.decode("utf-8")
    visible = html_title(page)
    assert "\x1b" in visible
    assert "\x07" in visible
    assert re.sub(r"[\x00-\x1f]", "", visible) == truth.title
    [block] = json_ld_blocks(page)
    assert "\\ud800\\u0000" in block
    headline = json.loads(block)["headline"]
    assert "\ud800" in headline
    assert "\x00" in headline
    assert re.sub(r"[\ud800\x00]", "", headline) == f"{truth.title} - The Korea Herald"


def test_poison_reaches_the_2023_layout_as_visible_text(layout_2023):
    page = get(layout_2023, path_of(layout_2023, "poison")).body.decode("utf-8")
    assert "\x1b" in html_title(page)
    assert re.sub(r"[\x00-\x1f]", "", html_title(page)) == truth_of(layout_2023, "poison").title


def test_hostile_json_ld_keeps_the_fallbacks(current):
    typed = get(current, path_of(current, "jsonld_type_number")).body.decode()
    assert json.loads(json_ld_blocks(typed)[0])["@type"] == 5
    empty = get(current, path_of(current, "jsonld_empty")).body.decode()
    assert json.loads(json_ld_blocks(empty)[0]) == [{}]
    deep = get(current, path_of(current, "jsonld_deep")).body.decode()
    with pytest.raises(RecursionError):
        json.loads(json_ld_blocks(deep)[0])
    assert json.loads(json_ld_blocks(deep)[1])["@type"] == "NewsArticle"
    for fault, page in (
        ("jsonld_type_number", typed),
        ("jsonld_empty", empty),
        ("jsonld_deep", deep),
    ):
        truth = truth_of(current, fault)
        assert html_title(page) == truth.title
        assert og_title(page) == f"{truth.title} - The Korea Herald"
        assert "article:published_time" in page


def test_over_long_title_is_served_as_the_truth_says(layout_2023):
    truth = truth_of(layout_2023, "title_too_long")
    assert len(truth.title) >= LONG_TITLE_LENGTH
    page = get(layout_2023, path_of(layout_2023, "title_too_long")).body.decode()
    assert html_title(page) == truth.title


def test_healthy_pages_and_robots_are_untouched(current):
    faulty = set(current.replica.faults.article_faults())
    healthy = next(a for a in current.replica.corpus.articles if a.article_id not in faulty)
    for _ in range(2):
        assert get(current, current.replica.corpus.article_path(healthy.article_id)).status == 200
        assert get(current, "/robots.txt").status == 200


def test_command_line_serves_faults_from_a_seed():
    command = [sys.executable, "-m", "newsbot.replica", "--layout", "current",
               "--articles", "60", "--port", "0", "--faults", "5"]  # fmt: skip
    process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        banner = process.stdout.readline()
        assert "faults from seed 5" in banner
        assert process.stdout.readline().startswith("expected: 1 lost:http_404, 1 lost:http_410")
        base = re.search(r"http://127\.0\.0\.1:\d+", process.stdout.readline())
        assert base
        with urllib.request.urlopen(f"{base.group()}/_replica/truth.json", timeout=10) as a:
            truth = json.load(a)
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout:
            process.stdout.close()
    plan = plan_faults(build_corpus("current", 60), 5)
    assert truth["faults"]["seed"] == 5
    assert truth["faults"]["pages"] == plan.pages


def test_stalled_connections_end_when_the_client_hangs_up(current):
    """A stall holds a server thread only while the client waits."""
    host, port = current.server_address[:2]
    path = path_of(current, "timeout")
    with socket.create_connection((str(host), port), timeout=5) as client:
        client.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        client.settimeout(0.5)
        with pytest.raises(TimeoutError):
            client.recv(1)
    # The server notices the hang-up and serves others meanwhile.
    assert get(current, "/robots.txt").status == 200
