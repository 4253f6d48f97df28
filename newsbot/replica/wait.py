"""Wait until the replica serves.

``python -m newsbot.replica.wait http://127.0.0.1:8023/robots.txt`` waits until a URL answers;
``python -m newsbot.replica.wait --ready-file PATH --pid PID`` waits until the replica started as
process PID with ``--ready-file PATH`` listens, and fails as soon as that process has exited (its
port was taken, say): whatever else answers on the port is not the replica.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path


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


def running(pid: int) -> bool:
    """Whether process ``pid`` runs (an exited child not yet reaped by its parent does not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    stat = Path(f"/proc/{pid}/stat")
    try:
        # The state follows the parenthesised command name: Z for a zombie.
        return stat.read_text().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except (OSError, IndexError):
        return True


def wait_ready(ready_file: Path, pid: int, timeout: float = 60.0) -> bool:
    """Wait until ``ready_file`` exists; False when process ``pid`` ended or time ran out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ready_file.exists():
            return True
        if not running(pid):
            return ready_file.exists()
        time.sleep(0.1)
    return False


def main(argv: list[str] | None = None) -> None:
    """Wait for a URL, or for the replica's ready file; exit non-zero when it does not come."""
    parser = argparse.ArgumentParser(prog="python -m newsbot.replica.wait", description=__doc__)
    parser.add_argument("url", nargs="?", help="an http(s) URL to wait for")
    parser.add_argument("--ready-file", type=Path, help="the replica's --ready-file")
    parser.add_argument("--pid", type=int, help="the replica's process id (with --ready-file)")
    args = parser.parse_args(argv)
    if args.ready_file is not None:
        if args.pid is None:
            parser.error("--ready-file needs --pid")
        if not wait_ready(args.ready_file, args.pid):
            sys.exit("the replica is not serving (see its message above)")
        return
    if args.url is None or not args.url.startswith(("http://", "https://")):
        sys.exit(f"not an http(s) URL: {args.url}")
    if not wait_for(args.url):
        sys.exit(f"{args.url} did not answer within 30 s")


if __name__ == "__main__":
    main()
