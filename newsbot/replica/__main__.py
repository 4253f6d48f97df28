"""Serve the replica for a person or a crawl: ``python -m newsbot.replica --layout 2023``."""

from __future__ import annotations

import argparse
import errno
import logging
import sys
from collections import Counter
from pathlib import Path

from newsbot.replica.chrome import WEIGHTS
from newsbot.replica.corpus import LAYOUTS, build_corpus
from newsbot.replica.drift import DRIFT_MODES
from newsbot.replica.server import ReplicaServer


def main(argv: list[str] | None = None) -> None:
    """Parse arguments and serve until interrupted."""
    parser = argparse.ArgumentParser(prog="python -m newsbot.replica", description=__doc__)
    parser.add_argument(
        "--layout",
        choices=LAYOUTS,
        default="2023",
        help="2023 (view.php pages), current (/article/<id>, RSS feeds) or redesign (the current "
        "articles in markup and section URLs no site module knows, MOST READ box, RSS feeds)",
    )
    parser.add_argument("--articles", type=int, default=300, help="corpus size (default 300)")
    parser.add_argument("--port", type=int, default=8023, help="0 picks a free port")
    parser.add_argument("--verbose", action="store_true", help="log every request")
    parser.add_argument(
        "--drift",
        nargs="?",
        const="redesign",
        default=None,
        metavar="MODE[,MODE]",
        help="serve markup newsbot does not know; alone: the 2023 redesign (byline moved, "
        "classes renamed); modes: "
        + "; ".join(f"{mode} ({layout}): {what}" for mode, (layout, what) in DRIFT_MODES.items()),
    )
    parser.add_argument(
        "--faults",
        type=int,
        metavar="SEED",
        help="inject faults (errors, resets, stalls, redirects, bad bodies) chosen by SEED; "
        "the truth gives each article's expected outcome",
    )
    parser.add_argument(
        "--ready-file",
        metavar="PATH",
        help="write the base URL to PATH once listening (for scripts: only then is it this "
        "replica that answers on the port)",
    )
    parser.add_argument(
        "--page-weight",
        choices=WEIGHTS,
        default="light",
        help="light (default): the content and the markup parsers read, about 5 KB a page; "
        "realistic: with the menus, inline scripts and JSON, ads, teaser rails and footers of "
        "real news pages (about 115 KB, 750 elements, 130 links), as the benchmarks use",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO)
    try:
        server = ReplicaServer(
            build_corpus(args.layout, args.articles),
            port=args.port,
            drift=args.drift or False,
            faults=args.faults,
            weight=args.page_weight,
        )
    except OSError as error:
        if error.errno != errno.EADDRINUSE:
            raise
        sys.exit(f"{parser.prog}: port {args.port} is taken ({error.strerror}); pick another")
    faults = f", faults from seed {args.faults}" if args.faults is not None else ""
    print(
        f"Korea Herald replica ({args.layout} layout, {args.articles} articles, "
        f"{args.page_weight} pages{faults})"
    )
    if server.replica.faults is not None:
        outcomes = Counter(server.replica.expected_outcomes().values())
        print("expected: " + ", ".join(f"{n} {o}" for o, n in sorted(outcomes.items())))
    print(f"serving {server.base_url}/  (truth: {server.base_url}/_replica/truth.json)", flush=True)
    if args.ready_file:
        Path(args.ready_file).write_text(f"{server.base_url}\n", encoding="utf-8")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
