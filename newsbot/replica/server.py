"""The replica's HTTP server: loopback only, one layout per server, pages rendered on demand."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from newsbot.replica import layout_2023, layout_current
from newsbot.replica.corpus import Corpus, build_corpus
from newsbot.replica.drift import drift_modes

logger = logging.getLogger(__name__)

ROBOTS_TXT = """User-agent: *
Disallow: /search/
Disallow: /api/
Allow: /api/most-popular.json
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


class Replica:
    """Routes requests to one layout's pages over one corpus."""

    def __init__(self, corpus: Corpus, drift: bool | str = False) -> None:
        self.corpus = corpus
        self.drift = drift_modes(drift, corpus.layout)  # see newsbot.replica.drift
        self.requests: dict[str, int] = {}
        self._lock = threading.Lock()
        self.render = lru_cache(maxsize=4096)(self._render)

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
        return self.render(target)

    def _render(self, target: str) -> Response:
        parts = urlsplit(target)
        query = {key: values[0] for key, values in parse_qs(parts.query).items()}
        if parts.path == "/robots.txt":
            return Response(200, ROBOTS_TXT.encode(), "text/plain; charset=utf-8")
        if parts.path.endswith((".jpg", ".png", ".gif", ".svg")):
            return Response(200, PIXEL, "image/gif")
        if parts.path.endswith(".css"):
            return Response(200, b"body{font-family:sans-serif}", "text/css")
        if parts.path == "/_replica/truth.json":
            return Response(200, _truth_json(self.corpus).encode(), "application/json")
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
                return layout_2023.home(self.corpus)
            if path == "/list.php" and "ct" in query:
                return layout_2023.section_list(self.corpus, query["ct"], page, self.drift)
            if path == "/view.php" and "ud" in query:
                return layout_2023.article(self.corpus, query["ud"], drift=self.drift)
            return None
        if path == "/":
            return layout_current.home(self.corpus)
        if path == layout_current.POPULAR_API:
            body = layout_current.popular_json(self.corpus).encode()
            return Response(200, body, "application/json; charset=utf-8")
        if path == layout_current.POPULAR_SCRIPT:
            js = layout_current.POPULAR_JS.encode()
            return Response(200, js, "application/javascript; charset=utf-8")
        if path.startswith("/article/"):
            article_id = path.removeprefix("/article/")
            return layout_current.article(self.corpus, article_id, drift=self.drift)
        section = layout_current.section_for_path(path)
        if section is not None:
            return layout_current.section_list(self.corpus, section, page)
        return None


def _positive_int(value: str | None) -> int | None:
    if value is None:
        return 1
    return int(value) if value.isdigit() and int(value) >= 1 else None


def _truth_json(corpus: Corpus) -> str:
    return json.dumps(
        {
            "layout": corpus.layout,
            "now": corpus.now.isoformat(),
            "most_popular": corpus.popular_ids,
            "articles": [
                {
                    "article_id": a.article_id,
                    "path": corpus.article_path(a.article_id),
                    "sections": list(a.sections),
                    "title": a.title,
                    "authors": a.authors,
                    "published_at": a.published_at.isoformat(),
                    "updated_at": a.updated_at.isoformat() if a.updated_at else None,
                }
                for a in corpus.articles
            ],
        },
        ensure_ascii=False,
        indent=1,
    )


class _Handler(BaseHTTPRequestHandler):
    server: ReplicaServer
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        response = self.server.replica.handle(self.path)
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(response.body)

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("replica: " + format, *args)


class ReplicaServer(ThreadingHTTPServer):
    """A threaded HTTP server bound to 127.0.0.1; port 0 picks a free port."""

    daemon_threads = True

    def __init__(
        self, corpus: Corpus, port: int = 0, host: str = "127.0.0.1", drift: bool | str = False
    ) -> None:
        if host not in ("127.0.0.1", "localhost", "::1"):
            raise ValueError("the replica only listens on loopback")
        self.replica = Replica(corpus, drift=drift)
        super().__init__((host, port), _Handler)

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>``."""
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"


@contextmanager
def serving(
    layout: str = "2023", articles: int = 300, drift: bool | str = False
) -> Iterator[ReplicaServer]:
    """A replica served in a thread for the duration of a ``with`` block."""
    server = serve_in_thread(layout, articles, drift=drift)
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def serve_in_thread(
    layout: str = "2023", articles: int = 300, port: int = 0, drift: bool | str = False
) -> ReplicaServer:
    """Start a replica in a daemon thread; call ``shutdown()`` and ``server_close()`` to stop."""
    server = ReplicaServer(build_corpus(layout, articles), port=port, drift=drift)
    threading.Thread(target=server.serve_forever, name="replica", daemon=True).start()
    return server
