"""Wait until a URL answers: ``python -m newsbot.replica.wait http://127.0.0.1:8023/robots.txt``."""

from __future__ import annotations

import sys
import time
import urllib.error
import urllib.request


def wait_for(url: str, timeout: float = 30.0) -> bool:
    """Poll ``url`` until it answers 200 or ``timeout`` seconds pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - http(s) only
                if response.status == 200:
                    return True
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.2)
    return False


if __name__ == "__main__":
    target = sys.argv[1]
    if not target.startswith(("http://", "https://")):
        sys.exit(f"not an http(s) URL: {target}")
    if not wait_for(target):
        sys.exit(f"{target} did not answer within 30 s")
