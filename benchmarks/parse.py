"""Figure 2, parse cost: article pages per second, newsbot ÷ trafilatura and newspaper4k.

``trafilatura.extract`` with metadata (title, author, date: what newsbot extracts too;
text-only is reported as well) and newspaper4k, on the same realistic-weight HTML, in one
process (goal ≥ 10). Half the pages are in the 2023 layout, half in the current one (what the
live site serves); newsbot and trafilatura are also measured on each layout alone.

Each reads a page from what a Scrapy crawl has: newsbot a response with the page's UTF-8 bytes
(as the spider builds its pages), the others the decoded text (which Scrapy decodes for them).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from benchmarks.common import PAGE_WEIGHT, Mode, rates

if TYPE_CHECKING:
    from scrapy.http import HtmlResponse

ROUNDS = 3  # rounds of each measurement; the fastest counts
NEWSPAPER4K_ROUNDS = 1


def figure(mode: Mode) -> dict[str, Any]:
    from scrapy.http import HtmlResponse

    from newsbot.page import Page
    from newsbot.replica import layout_2023, layout_current
    from newsbot.replica.corpus import build_corpus
    from newsbot.sites import get_site

    per_layout = mode.parse_pages - mode.parse_pages // 2
    by_layout: dict[str, list[tuple[str, str]]] = {}
    for layout, module, url in (
        ("2023", layout_2023, "https://www.koreaherald.com/view.php?ud={}"),
        ("current", layout_current, "https://www.koreaherald.com/article/{}"),
    ):
        corpus = build_corpus(layout, max(per_layout, 20))
        count = per_layout if layout == "2023" else mode.parse_pages // 2
        by_layout[layout] = [
            (url.format(a.article_id), module.article(corpus, a.article_id, weight=PAGE_WEIGHT))
            for a in corpus.articles[:count]
        ]
    pages = [page for layout_pages in by_layout.values() for page in layout_pages]
    site = get_site("koreaherald")
    headers = {"Content-Type": "text/html; charset=utf-8"}  # as the replica serves them
    bodies = {url: html.encode("utf-8") for url, html in pages}

    def responses(pages: list[tuple[str, str]]) -> Iterator[list[HtmlResponse]]:
        """Fresh responses for each round, made before it.

        A response keeps the tree it was read into, and making one is the downloader's work.
        """
        made = [
            [HtmlResponse(url, body=bodies[url], headers=headers) for url, _ in pages]
            for _ in range(ROUNDS)
        ]
        return iter(made)

    def newsbot(responses: list[HtmlResponse]) -> int:
        for response in responses:
            page = Page.from_response(response)
            layout = site.article_layout(page)
            if layout is None:
                raise RuntimeError(f"{response.url}: no layout")
            layout.parse_article(page, None)
        return len(responses)

    import trafilatura

    def trafilatura_text() -> int:
        for url, html in pages:
            trafilatura.extract(html, url=url)
        return len(pages)

    def trafilatura_metadata(pages: list[tuple[str, str]]) -> int:
        # Like for like: newsbot also reads the title, byline and dates, not only the text.
        for url, html in pages:
            trafilatura.extract(html, url=url, with_metadata=True)
        return len(pages)

    all_rounds = responses(pages)
    samples = {
        "newsbot": rates(lambda: newsbot(next(all_rounds)), ROUNDS),
        "trafilatura": rates(lambda: trafilatura_metadata(pages)),
        "trafilatura_text_only": rates(trafilatura_text),
    }
    layouts: dict[str, Any] = {}
    for layout, layout_pages in by_layout.items():
        rounds = responses(layout_pages)
        found = {
            "newsbot": max(rates(lambda: newsbot(next(rounds)), ROUNDS)),  # noqa: B023
            "trafilatura": max(rates(lambda: trafilatura_metadata(layout_pages))),  # noqa: B023
        }
        layouts[layout] = {
            "pages": len(layout_pages),
            "pages_per_s": {name: round(rate, 1) for name, rate in found.items()},
            "ratio_vs_trafilatura": round(found["newsbot"] / found["trafilatura"], 2),
        }
    try:
        import newspaper

        def newspaper4k() -> int:
            for url, html in pages:
                article = newspaper.Article(url)
                article.download(input_html=html)
                article.parse()
            return len(pages)

        # A reference far below both (about 12 pages/s): one round is enough to place it, and
        # its three rounds were a fifth of the quick run's time.
        samples["newspaper4k"] = rates(newspaper4k, NEWSPAPER4K_ROUNDS)
    except ImportError:
        pass
    best = {name: max(found) for name, found in samples.items()}
    return {
        "pages": len(pages),
        "page_weight": PAGE_WEIGHT,
        "pages_per_s": {name: round(rate, 1) for name, rate in best.items()},
        "samples_pages_per_s": {
            name: [round(rate, 1) for rate in found] for name, found in samples.items()
        },
        "ratio_vs_trafilatura": round(best["newsbot"] / best["trafilatura"], 2),
        "ratio_vs_trafilatura_text_only": round(best["newsbot"] / best["trafilatura_text_only"], 2),
        **(
            {"ratio_vs_newspaper4k": round(best["newsbot"] / best["newspaper4k"], 2)}
            if "newspaper4k" in best
            else {}
        ),
        "by_layout": layouts,
        "goal": ">= 10 vs trafilatura (with_metadata=True: the same fields newsbot extracts)",
    }


def lines(result: dict[str, Any]) -> list[str]:
    p = result
    return [
        f"2. parse cost        newsbot/trafilatura = {p['ratio_vs_trafilatura']:.1f}x "
        f"(text only: {p['ratio_vs_trafilatura_text_only']:.1f}x)"
        + (
            f", newsbot/newspaper4k = {p['ratio_vs_newspaper4k']:.1f}x"
            if "ratio_vs_newspaper4k" in p
            else ""
        )
        + f" (pages/s: {p['pages_per_s']}; goal >= 10x); "
        + ", ".join(
            f"{name} layout {layout['ratio_vs_trafilatura']:.1f}x"
            for name, layout in p.get("by_layout", {}).items()
        )
    ]
