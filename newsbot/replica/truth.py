"""What every replica page holds, as JSON, and how a crawled article is compared with it.

The truth is the corpus's own data (:mod:`newsbot.replica.corpus`), never re-derived with
newsbot's extraction helpers, so a defect in those shows as a mismatch. ``/_replica/truth.json``
serves :func:`truth_json`; tests compare crawl output with :func:`article_mismatches`.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime
from typing import Any

from newsbot.replica.corpus import ArticleTruth, Corpus

# Generic reading (pages no site module knows) is judged on the body's words, not its bytes.
MIN_BODY_F1 = 0.95
# Fields compared exactly, whatever the layout.
EXACT_FIELDS = ("title", "subtitle", "kicker", "authors")
_WORD = re.compile(r"\w+")


def article_truth(corpus: Corpus, article: ArticleTruth) -> dict[str, Any]:
    """One article's truth as JSON-safe values: every field a crawl is compared on."""
    return {
        "article_id": article.article_id,
        "path": corpus.article_path(article.article_id),
        "sections": list(article.sections),
        "section": article.section,
        "title": article.title,
        "subtitle": article.subtitle,
        "kicker": article.kicker,
        "authors": list(article.authors),
        "published_at": article.published_at.isoformat(),
        "updated_at": article.updated_at.isoformat() if article.updated_at else None,
        "body": article.body,
        "images": [{"path": path, "caption": caption} for path, caption in article.images],
        "template": article.template,
        "jsonld": article.jsonld,
    }


def word_f1(found: str | None, expected: str) -> float:
    """Word-level F1 of ``found`` against ``expected`` (case-insensitive bags of words)."""
    got = Counter(word.lower() for word in _WORD.findall(found or ""))
    want = Counter(word.lower() for word in _WORD.findall(expected))
    if not got or not want:
        return float(got == want)
    common = sum((got & want).values())
    if not common:
        return 0.0
    precision, recall = common / sum(got.values()), common / sum(want.values())
    return 2 * precision * recall / (precision + recall)


def article_mismatches(
    item: dict[str, Any],
    truth: dict[str, Any],
    base_url: str,
    *,
    layout: str,
    exact_body: bool = True,
    images: bool = True,
) -> list[str]:
    """How a crawled article (a feed line's dict) differs from its truth; empty when equal.

    ``layout`` is the parser the item must name ("2023", "current", "generic"). The body is
    compared exactly, or by word F1 of at least :data:`MIN_BODY_F1` when ``exact_body`` is
    False (generic reading). Dates must be equal instants with the truth's offset.
    """
    problems: list[str] = []
    ident = truth["article_id"]

    def differ(name: str, got: Any, want: Any) -> None:
        if got != want:
            problems.append(f"{ident} {name}: got {got!r}, expected {want!r}")

    differ("article_id", item.get("article_id"), ident)
    differ("url", item.get("url"), base_url + truth["path"])
    differ("layout", item.get("layout"), layout)
    if len(truth["sections"]) == 1 or layout != "2023":
        differ("section", item.get("section"), truth["section"])
    elif item.get("section") not in truth["sections"]:  # 2023 pages do not name it
        differ("section", item.get("section"), truth["sections"])
    for name in EXACT_FIELDS:
        differ(name, item.get(name), truth[name])
    for name in ("published_at", "updated_at"):
        differ(name, _moment(item.get(name)), _moment(truth[name]))
    if exact_body:
        differ("body", item.get("body"), truth["body"])
    elif (score := word_f1(item.get("body"), truth["body"])) < MIN_BODY_F1:
        problems.append(f"{ident} body: word F1 {score:.3f} < {MIN_BODY_F1}")
    if images:
        want = [{"url": base_url + i["path"], "caption": i["caption"]} for i in truth["images"]]
        differ("images", item.get("images"), want)
    return problems


def _moment(value: str | None) -> tuple[datetime, Any] | None:
    """An instant and its UTC offset: equal only when both are."""
    if not value:
        return None
    moment = datetime.fromisoformat(value)
    return moment, moment.utcoffset()
