"""A replica whose chosen pages fail the ways real servers fail, served on 127.0.0.1.

Every request for a page without a fault is answered by the replica as usual; a page with a
fault gets a status, a bad redirect, a body that is too large, truncated or not HTML, a stall,
a reset connection, or a 429/503 with ``Retry-After`` before its real answer.
"""

from __future__ import annotations

import gzip
import socket
import struct
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from newsbot.replica.corpus import Corpus, build_corpus
from newsbot.replica.server import ROBOTS_TXT, Replica

FAULTS = (
    "http_403",
    "http_404",
    "http_410",
    "http_500",
    "redirect_self",  # Location: the same URL
    "redirect_chain",  # a new URL each time, without end
    "redirect_offsite",
    "redirect_file",  # Location: file:///etc/passwd
    "json",
    "stall",  # answers after STALL_SECONDS
    "reset",  # closes the connection without an answer
    "truncated",  # Content-Length larger than the body sent
    "too_large",  # a body over the test's DOWNLOAD_MAXSIZE, with its Content-Length
    "too_large_streamed",  # the same, without a length: cut while it streams
    "gzip_bomb",  # a small gzip body that inflates past DOWNLOAD_MAXSIZE
    "retry_after_429",  # 429 with Retry-After: 1, then the page
    "retry_after_503_date",  # 503 with Retry-After as an HTTP date, then the page
    "flaky_500",  # one 500, then the page
    "robots",  # forbidden by robots.txt
    # and "redirect:<target>": a 301 to that target
)
STALL_SECONDS = 4.0
LARGE_BODY = 200_000  # bytes; tests set DOWNLOAD_MAXSIZE below this


@dataclass
class FaultyReplica:
    """The replica's pages, with ``faults`` keyed by request target (path and query)."""

    corpus: Corpus
    faults: dict[str, str] = field(default_factory=dict)
    hits: dict[str, list[float]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.replica = Replica(self.corpus)
        self.lock = threading.Lock()

    def hit(self, target: str) -> int:
        """Record a request; returns how many came for ``target`` before it."""
        with self.lock:
            times = self.hits.setdefault(target, [])
            times.append(time.monotonic())
            return len(times) - 1


class _Handler(BaseHTTPRequestHandler):
    server: FaultyServer
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        faulty = self.server.faulty
        target = self.path.split("&hop=")[0]
        before = faulty.hit(self.path)
        fault = faulty.faults.get(target)
        if self.path == "/robots.txt":
            forbidden = [t for t, f in faulty.faults.items() if f == "robots"]
            text = ROBOTS_TXT + "".join(f"Disallow: {t}\n" for t in forbidden)
            self._send(200, text.encode(), "text/plain")
            return
        if fault is None or self._serve_fault(fault, before) is False:
            answer = faulty.replica.handle(self.path)
            self._send(answer.status, answer.body, answer.content_type, answer.headers)

    def _serve_fault(self, fault: str, before: int) -> bool:
        """Answer with the fault; False to let the replica answer normally."""
        if fault.startswith("http_"):
            self._send(int(fault.removeprefix("http_")), b"<html><body>no</body></html>")
        elif fault.startswith("redirect:"):
            self._send(301, b"", headers={"Location": fault.removeprefix("redirect:")})
        elif fault == "redirect_self":
            self._send(302, b"", headers={"Location": self.path})
        elif fault == "redirect_chain":
            hop = int(self.path.split("&hop=")[1]) + 1 if "&hop=" in self.path else 1
            target = self.path.split("&hop=")[0]
            self._send(302, b"", headers={"Location": f"{target}&hop={hop}"})
        elif fault == "redirect_offsite":
            port = self.server.server_address[1]
            self._send(302, b"", headers={"Location": f"http://localhost:{port}{self.path}"})
        elif fault == "redirect_file":
            self._send(302, b"", headers={"Location": "file:///etc/passwd"})
        elif fault == "json":
            self._send(200, b'{"article": "moved"}', "application/json")
        elif fault == "stall":
            time.sleep(STALL_SECONDS)
            return False
        elif fault == "reset":
            # SO_LINGER 0: close() sends a RST, as a crashed server or a middlebox would.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
        elif fault == "truncated":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "10000")
            self.end_headers()
            self.wfile.write(b"<html><body>cut short")
            self.close_connection = True
        elif fault == "too_large":
            self._send(200, b"<html><body>" + b"x" * LARGE_BODY + b"</body></html>")
        elif fault == "too_large_streamed":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Connection", "close")
            self.end_headers()
            for _ in range(LARGE_BODY // 10_000):
                self.wfile.write(b"x" * 10_000)
            self.close_connection = True
        elif fault == "gzip_bomb":
            body = gzip.compress(b"<html><body>" + b" " * (20 * LARGE_BODY))
            self._send(200, body, headers={"Content-Encoding": "gzip"})
        elif fault.startswith("retry_after") or fault == "flaky_500":
            if before > 0:
                return False
            if fault == "retry_after_429":
                self._send(429, b"slow down", headers={"Retry-After": "1"})
            elif fault == "retry_after_503_date":
                when = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(time.time() + 2))
                self._send(503, b"busy", headers={"Retry-After": when})
            else:
                self._send(500, b"oops")
        return True

    def _send(
        self,
        status: int,
        body: bytes,
        content_type: str = "text/html; charset=utf-8",
        headers: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class FaultyServer(ThreadingHTTPServer):
    """A threaded server on 127.0.0.1 answering for a :class:`FaultyReplica`."""

    daemon_threads = True
    request_queue_size = 128  # the default 5 drops connections a concurrent crawl opens

    def __init__(self, faulty: FaultyReplica) -> None:
        self.faulty = faulty
        super().__init__(("127.0.0.1", 0), _Handler)

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>``."""
        return f"http://127.0.0.1:{self.server_address[1]}"

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients hang up on some faults (a body too large): expected, not worth a trace."""

    @property
    def replica(self) -> Replica:
        """The replica behind the faults (what crawling.py reads for its URL)."""
        return self.faulty.replica


@contextmanager
def serving_faults(articles: int = 60) -> Iterator[FaultyServer]:
    """A 2023-layout replica with faults added by the test (``server.faulty.faults``)."""
    server = FaultyServer(FaultyReplica(build_corpus("2023", articles)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
