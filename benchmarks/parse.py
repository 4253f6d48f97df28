"""Figure 2, parse cost: article pages per second, newsbot ÷ trafilatura and newspaper4k.

``trafilatura.extract`` with metadata (title, author, date: what newsbot extracts too;
text-only is reported as well) and newspaper4k, on the same realistic-weight HTML, in one
process (goal ≥ 10).
"""

from __future__ import annotations

from typing import Any

from benchmarks.common import PAGE_WEIGHT, Mode, rates


def figure(mode: Mode) -> dict[str, Any]:
    from newsbot.page import Page
    from newsbot.replica import layout_2023
    from newsbot.replica.corpus import build_corpus
    from newsbot.sites import get_site

    corpus = build_corpus("2023", max(mode.parse_pages, 20))
    pages = [
        (f"https://www.koreaherald.com/view.php?ud={a.article_id}",
         layout_2023.article(corpus, a.article_id, weight=PAGE_WEIGHT) or "")
        for a in corpus.articles[: mode.parse_pages]
    ]  # fmt: skip
    site = get_site("koreaherald")

    def newsbot() -> int:
        for url, html in pages:
            page = Page.from_html(url, html)
            layout = site.article_layout(page)
            if layout is None:
                raise RuntimeError(f"{url}: no layout")
            layout.parse_article(page, None)
        return len(pages)

    import trafilatura

    def trafilatura_text() -> int:
        for url, html in pages:
            trafilatura.extract(html, url=url)
        return len(pages)

    def trafilatura_metadata() -> int:
        # Like for like: newsbot also reads the title, byline and dates, not only the text.
        for url, html in pages:
            trafilatura.extract(html, url=url, with_metadata=True)
        return len(pages)

    samples = {
        "newsbot": rates(newsbot),
        "trafilatura": rates(trafilatura_metadata),
        "trafilatura_text_only": rates(trafilatura_text),
    }
    try:
        import newspaper

        def newspaper4k() -> int:
            for url, html in pages:
                article = newspaper.Article(url)
                article.download(input_html=html)
                article.parse()
            return len(pages)

        samples["newspaper4k"] = rates(newspaper4k)
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
        + f" (pages/s: {p['pages_per_s']}; goal >= 10x)"
    ]
