"""The replica's HTTP server: loopback only, one layout per server, pages rendered on demand."""

from __future__ import annotations

import json
import logging
import select
import socket
import struct
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from newsbot.replica import chrome, feeds, layout_2023, layout_current, layout_redesign
from newsbot.replica import faults as faulty
from newsbot.replica.corpus import Corpus, build_corpus
from newsbot.replica.drift import drift_modes
from newsbot.replica.truth import article_truth

logger = logging.getLogger(__name__)

ROBOTS_TXT = """User-agent: *
Disallow: /search/
Disallow: /api/
Allow: /api/most-popular.json
Allow: /rss/
"""
# A 1×1 transparent GIF stands in for every photo and logo.
PIXEL = bytes.fromhex(
    "47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b"
)


@dataclass
class Response:
    """What a route returns."""

    status: int
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    action: str | None = None  # a fault the socket acts out: faults.RESET, TRUNCATE or STALL


class Replica:
    """Routes requests to one layout's pages over one corpus."""

    def __init__(
        self,
        corpus: Corpus,
        drift: bool | str = False,
        faults: int | None = None,
        weight: str = "light",
    ) -> None:
        if weight not in chrome.WEIGHTS:
            raise ValueError(f"page weight {weight!r}: one of {', '.join(chrome.WEIGHTS)}")
        # light: the content and the markup parsers read; realistic: with the menus, scripts,
        # ads, rails and footers real pages carry (newsbot.replica.chrome).
        self.weight = weight
        # With a fault seed, the served corpus is the faulty one (some titles change).
        self.faults = faulty.plan_faults(corpus, faults) if faults is not None else None
        self.corpus = faulty.faulty_corpus(corpus, self.faults) if self.faults else corpus
        self.drift = drift_modes(drift, corpus.layout)  # see newsbot.replica.drift
        self.requests: dict[str, int] = {}
        self.targets: dict[str, int] = {}  # by whole request target, query included
        self.attempts: dict[str, int] = {}  # per page (faults.page_key), for transient faults
        self.offsite_base = f"http://{faulty.OFFSITE_HOST}"  # the server adds its port
        self._lock = threading.Lock()
        self.render = lru_cache(maxsize=4096)(self._render)

    def expected_outcomes(self) -> dict[str, str]:
        """Each article id's outcome in a correct crawl: ``stored``, ``lost:…``, ``rejected:…``."""
        if self.faults is None:
            return {article.article_id: "stored" for article in self.corpus.articles}
        return self.faults.outcomes(self.corpus)

    def edit_article(self, article_id: str, note: str, when: datetime | None = None) -> None:
        """Edit an article as a newsroom would: a line added, the updated time moved.

        Used to show that re-crawls record revisions; pages are re-rendered afterwards.
        """
        article = self.corpus.by_id[article_id]
        article.paragraphs = [*article.paragraphs, note]
        article.updated_at = when or max(article.published_at, self.corpus.now) + timedelta(hours=1)
        self.render.cache_clear()

    def handle(self, target: str) -> Response:
        """Answer a request target such as ``/list.php?ct=…&np=2``."""
        with self._lock:
            path = urlsplit(target).path
            self.requests[path] = self.requests.get(path, 0) + 1
            self.targets[target] = self.targets.get(target, 0) + 1
            key = faulty.page_key(self.corpus.layout, target) if self.faults else None
            attempt = 0
            if key is not None:
                attempt = self.attempts[key] = self.attempts.get(key, 0) + 1
        fault = self.faults.fault_for(key) if self.faults else None
        if fault is not None and not (fault.transient and attempt > 1):
            injected = self._inject(fault.name, target)
            if injected is not None:
                return injected
        return self.render(target)

    def _inject(self, fault: str, target: str) -> Response | None:
        """The faulty answer to ``target`` (see faults.ARTICLE_FAULTS); None: serve it as is."""
        statuses = {"http_500": 500, "http_503": 503, "http_429": 429, "http_404": 404}
        if fault in statuses or fault == "http_410":
            status = statuses.get(fault, 410)
            retry_after = {"Retry-After": "1"} if status == 429 else {}
            body = f"<html><body><h1>{status}</h1></body></html>".encode()
            return Response(status, body, headers=retry_after)
        if fault == "reset":
            return Response(0, b"", action=faulty.RESET)
        if fault in ("timeout", "timeout_once"):
            return Response(0, b"", action=faulty.STALL)
        redirects = {
            "redirect_loop": faulty.loop_target(target),
            "redirect_offsite": self.offsite_base + target,
            "redirect_file": "file:///etc/passwd",
        }
        if fault in redirects:
            return Response(302, b"", headers={"Location": redirects[fault]})
        if fault == "gzip_bomb":
            return Response(200, faulty.gzip_bomb(), headers={"Content-Encoding": "gzip"})
        normal = self.render(target)
        if fault == "truncated":
            return replace(normal, action=faulty.TRUNCATE)
        return self._content_fault(fault, target, normal.body.decode("utf-8"))

    def _content_fault(self, fault: str, target: str, html: str) -> Response | None:
        article_id = (faulty.page_key(self.corpus.layout, target) or "").removeprefix("article:")
        if fault == "oversized":
            return Response(200, faulty.oversized(html))
        if fault == "json_body":
            body = faulty.json_body(self.corpus.by_id[article_id])
            return Response(200, body, "application/json")
        if fault == "charset_in_meta":
            return Response(200, faulty.legacy_encoded(html, charset_in_meta=True), "text/html")
        if fault == "charset_header_wins":
            body = faulty.legacy_encoded(html, charset_in_meta=False)
            return Response(200, body, f"text/html; charset={faulty.LEGACY_CHARSET}")
        if fault == "poison":
            poisoned = faulty.poisoned(self.corpus, article_id, self.weight)
            return Response(200, poisoned.encode("utf-8"))
        if fault.startswith("jsonld_"):
            return Response(200, faulty.hostile_json_ld(html, fault).encode("utf-8"))
        return None  # title_too_long: the served corpus already has the long title

    def _render(self, target: str) -> Response:
        parts = urlsplit(target)
        query = {key: values[0] for key, values in parse_qs(parts.query).items()}
        if parts.path == "/robots.txt":
            return Response(200, ROBOTS_TXT.encode(), "text/plain; charset=utf-8")
        if parts.path.endswith((".jpg", ".png", ".gif", ".svg")):
            return Response(200, PIXEL, "image/gif")
        if parts.path.endswith(".css"):
            return Response(200, b"body{font-family:sans-serif}", "text/css")
        if parts.path.startswith("/js/vendor/") and parts.path.endswith(".js"):
            # The realistic pages' vendor scripts: empty stand-ins for a browser to load.
            return Response(200, b"/* vendor script */", "application/javascript")
        if parts.path == "/_replica/truth.json":
            truth = _truth_json(self.corpus, self.faults)
            return Response(200, truth.encode(), "application/json")
        html = self._page(parts.path, query)
        if html is None:
            return Response(404, b"<html><body><h1>404 Not Found</h1></body></html>")
        if isinstance(html, Response):
            return html
        return Response(200, html.encode("utf-8"))

    def _page(self, path: str, query: dict[str, str]) -> str | Response | None:
        page = _positive_int(query.get("np" if self.corpus.layout == "2023" else "page"))
        if page is None:
            return None
        if self.corpus.layout == "2023":
            if path == "/":
                return layout_2023.home(self.corpus, self.weight)
            if path == "/list.php" and "ct" in query:
                return layout_2023.section_list(
                    self.corpus, query["ct"], page, self.drift, self.weight
                )
            if path == "/view.php" and "ud" in query:
                return layout_2023.article(
                    self.corpus, query["ud"], drift=self.drift, weight=self.weight
                )
            return None
        if path.startswith("/rss/"):
            feed = feeds.rss(self.corpus, path.removeprefix("/rss/"))
            if feed is None:
                return None
            return Response(200, feed.encode("utf-8"), "application/rss+xml; charset=utf-8")
        if self.corpus.layout == "redesign":
            return self._redesign_page(path, page)
        if path == "/":
            return layout_current.home(self.corpus, self.weight)
        if path == layout_current.POPULAR_API:
            body = layout_current.popular_json(self.corpus).encode()
            return Response(200, body, "application/json; charset=utf-8")
        if path == layout_current.POPULAR_SCRIPT:
            js = layout_current.POPULAR_JS.encode()
            return Response(200, js, "application/javascript; charset=utf-8")
        if path.startswith("/article/"):
            article_id = path.removeprefix("/article/")
            return layout_current.article(
                self.corpus, article_id, drift=self.drift, weight=self.weight
            )
        section = layout_current.section_for_path(path)
        if section is not None:
            return layout_current.section_list(self.corpus, section, page, self.weight)
        return None

    def _redesign_page(self, path: str, page: int) -> str | None:
        if path == "/":
            return layout_redesign.home(self.corpus, self.weight)
        if path.startswith("/article/"):
            article_id = path.removeprefix("/article/")
            return layout_redesign.article(self.corpus, article_id, self.weight)
        section = layout_redesign.section_for_path(path)
        if section is not None:
            return layout_redesign.section_list(self.corpus, section, page, self.weight)
        return None


def _positive_int(value: str | None) -> int | None:
    if value is None:
        return 1
    return int(value) if value.isdigit() and int(value) >= 1 else None


def _truth_json(corpus: Corpus, plan: faulty.FaultPlan | None = None) -> str:
    expected = plan.outcomes(corpus) if plan else {}
    article_faults = plan.article_faults() if plan else {}
    return json.dumps(
        {
            "layout": corpus.layout,
            "now": corpus.now.isoformat(),
            "most_popular": corpus.popular_ids,
            "faults": _faults_json(plan) if plan else None,
            "articles": [
                {
                    **article_truth(corpus, a),
                    "expected": expected.get(a.article_id, "stored"),
                    "fault": article_faults.get(a.article_id),
                }
                for a in corpus.articles
            ],
        },
        ensure_ascii=False,
        indent=1,
    )


def _faults_json(plan: faulty.FaultPlan) -> dict[str, Any]:
    used = set(plan.pages.values())
    return {
        "seed": plan.seed,
        "pages": plan.pages,
        "catalogue": {
            fault.name: {
                "outcome": fault.outcome,
                "transient": fault.transient,
                "description": fault.description,
            }
            for fault in faulty.ARTICLE_FAULTS
            if fault.name in used
        },
    }


class _Handler(BaseHTTPRequestHandler):
    server: ReplicaServer
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        response = self.server.replica.handle(self.path)
        if response.action == faulty.RESET:
            self._reset()
            return
        if response.action == faulty.STALL:
            self._stall()
            return
        body = response.body
        if response.action == faulty.TRUNCATE:
            body = body[: len(body) // 2]  # half of what Content-Length promises, then close
            self.close_connection = True
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        for name, value in response.headers.items():
            self.send_header(name, value)
        try:
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # a client refusing a huge body
            self.close_connection = True

    def _reset(self) -> None:
        """Drop the connection with a TCP reset (linger 0), before any byte of an answer."""
        self.close_connection = True
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.rfile.close()  # the socket closes only once its files are closed too
        self.connection.close()

    def _stall(self) -> None:
        """Answer nothing until the client hangs up (or faults.STALL_SECONDS pass), then close."""
        self.close_connection = True
        deadline = time.monotonic() + faulty.STALL_SECONDS
        while (left := deadline - time.monotonic()) > 0:
            readable, _, _ = select.select([self.connection], [], [], min(left, 0.5))
            if not readable:
                continue
            try:
                if not self.connection.recv(1, socket.MSG_PEEK):
                    return  # the client gave up
            except OSError:
                return
            time.sleep(0.5)  # a client sending more: keep stalling

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("replica: " + format, *args)


class ReplicaServer(ThreadingHTTPServer):
    """A threaded HTTP server bound to 127.0.0.1; port 0 picks a free port."""

    daemon_threads = True

    def __init__(
        self,
        corpus: Corpus,
        port: int = 0,
        host: str = "127.0.0.1",
        drift: bool | str = False,
        faults: int | None = None,
        weight: str = "light",
    ) -> None:
        if host not in ("127.0.0.1", "localhost", "::1"):
            raise ValueError("the replica only listens on loopback")
        self.replica = Replica(corpus, drift=drift, faults=faults, weight=weight)
        super().__init__((host, port), _Handler)
        self.replica.offsite_base = f"http://{faulty.OFFSITE_HOST}:{self.server_address[1]}"

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>``."""
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"


@contextmanager
def serving(
    layout: str = "2023",
    articles: int = 300,
    drift: bool | str = False,
    faults: int | None = None,
    weight: str = "light",
) -> Iterator[ReplicaServer]:
    """A replica served in a thread for the duration of a ``with`` block."""
    server = serve_in_thread(layout, articles, drift=drift, faults=faults, weight=weight)
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def serve_in_thread(
    layout: str = "2023",
    articles: int = 300,
    port: int = 0,
    drift: bool | str = False,
    faults: int | None = None,
    weight: str = "light",
) -> ReplicaServer:
    """Start a replica in a daemon thread; call ``shutdown()`` and ``server_close()`` to stop."""
    corpus = build_corpus(layout, articles)
    server = ReplicaServer(corpus, port=port, drift=drift, faults=faults, weight=weight)
    threading.Thread(target=server.serve_forever, name="replica", daemon=True).start()
    return server
