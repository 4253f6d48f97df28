"""``python -m benchmarks.pageweight``: how heavy real article pages are, and the replica's.

Parse cost, memory and crawl rate depend on page weight, so the replica's realistic pages are
made to weigh what real news pages weigh: in bytes, and in elements and links, which is what a
parser walks. This prints the median and quartiles of each measure for the 181 pages of the
public article-extraction-benchmark (read from ``../shared/datasets/``) and for the replica's
article and list pages at each ``--page-weight``.
"""

from __future__ import annotations

import argparse
import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import lxml.html

from benchmarks import aeb

# Measured by this module on the 181 pages of the public article-extraction-benchmark
# (https://github.com/scrapinghub/article-extraction-benchmark, html/*.html.gz), Nov 2026:
# median (lower quartile-upper quartile). The realistic replica pages aim at the medians.
DATASET = {
    "bytes": (114_612, 67_994, 200_858),
    "elements": (743, 462, 964),
    "links": (128, 78, 191),
    "scripts": (32, 19, 48),
    "inline_scripts": (19, 10, 30),
    "inline_json": (4, 2, 7),
}

MEASURES = ("bytes", "elements", "links", "scripts", "inline_scripts", "inline_json")


@dataclass(frozen=True)
class Weight:
    """What one page weighs: its bytes, elements, links and scripts."""

    bytes: int
    elements: int
    links: int
    scripts: int
    inline_scripts: int
    inline_json: int


def measure(html: str) -> Weight:
    """The weight of one HTML page.

    Elements are all elements of the parsed tree; links are ``<a href>``; inline JSON is a
    ``<script>`` with a JSON type (``application/ld+json``, ``application/json``) or an inline
    script that assigns a literal object (``window.__STATE__ = {…}``).
    """
    root = lxml.html.document_fromstring(html.encode("utf-8"))
    elements = sum(1 for element in root.iter() if isinstance(element.tag, str))
    scripts = root.xpath("//script")
    inline = [s for s in scripts if not s.get("src")]
    json_blobs = [
        s
        for s in inline
        if "json" in (s.get("type") or "").lower() or _assigns_object(s.text_content())
    ]
    return Weight(
        bytes=len(html.encode("utf-8")),
        elements=elements,
        links=len(root.xpath("//a[@href]")),
        scripts=len(scripts),
        inline_scripts=len(inline),
        inline_json=len(json_blobs),
    )


def _assigns_object(code: str) -> bool:
    head = code.strip()[:200]
    return "= {" in head or "={" in head or "=JSON.parse(" in head.replace(" ", "")


def summary(weights: Iterable[Weight]) -> dict[str, dict[str, float]]:
    """Median and quartiles of each measure."""
    rows = list(weights)
    result: dict[str, dict[str, float]] = {}
    for name in MEASURES:
        values = sorted(getattr(w, name) for w in rows)
        if len(values) < 2:
            q1 = q3 = float(values[0])
        else:
            q1, _, q3 = statistics.quantiles(values, n=4, method="inclusive")
        result[name] = {"q1": q1, "median": statistics.median(values), "q3": q3}
    return result


def dataset_weights(limit: int | None = None) -> list[Weight]:
    """The weight of each page of the article-extraction-benchmark (empty when missing)."""
    if not aeb.available():
        return []
    return [measure(page.html) for page in aeb.load_pages(limit)]


def replica_pages(layout: str, weight: str, count: int = 40) -> dict[str, list[str]]:
    """``count`` article pages and every list page of one section, rendered in-process."""
    from newsbot.replica.corpus import SECTIONS, build_corpus
    from newsbot.replica.server import Replica

    corpus = build_corpus(layout, 300)
    replica = Replica(corpus, weight=weight)
    articles = [
        replica.render(corpus.article_path(a.article_id)).body.decode()
        for a in corpus.articles[:count]
    ]
    section = SECTIONS[0]
    list_target = {
        "2023": f"/list.php?ct={section.ct}",
        "current": section.path,
        "redesign": section.redesign_path,
    }[layout]
    lists = [replica.render(list_target).body.decode(), replica.render("/").body.decode()]
    return {"article": articles, "list": lists}


def replica_weights(layout: str, weight: str, count: int = 40) -> dict[str, list[Weight]]:
    """The weight of the replica's article pages and list/home pages."""
    pages = replica_pages(layout, weight, count)
    return {kind: [measure(html) for html in htmls] for kind, htmls in pages.items()}


def weight_record(weight: str, layout: str = "2023") -> dict[str, Any]:
    """What a benchmark result says about the pages it ran at: medians of article pages."""
    medians = summary(replica_weights(layout, weight, 20)["article"])
    return {
        "page_weight": weight,
        "layout": layout,
        "article_page_medians": {name: medians[name]["median"] for name in MEASURES},
    }


def _line(label: str, stats: dict[str, dict[str, float]]) -> str:
    cells = [f"{name} {s['median']:.0f} ({s['q1']:.0f}-{s['q3']:.0f})" for name, s in stats.items()]
    return f"{label:<28} " + ", ".join(cells)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.pageweight", description=__doc__)
    parser.add_argument("--layouts", default="2023,current,redesign")
    args = parser.parse_args(argv)
    print("median (lower quartile-upper quartile) per page")
    dataset = dataset_weights()
    if dataset:
        print(_line(f"dataset ({len(dataset)} pages)", summary(dataset)))
    else:
        print(f"dataset: missing ({aeb.DATASET}), skipped")
    for layout in args.layouts.split(","):
        for weight in ("light", "realistic"):
            for kind, weights in replica_weights(layout, weight).items():
                print(_line(f"{layout} {weight} {kind}", summary(weights)))
    print("(list: one section's first list page and the homepage)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
