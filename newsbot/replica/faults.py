"""Faults the replica can inject, decided from a seed: which page fails how, and what then counts.

Everything here is pure: the plan says which page gets which fault and what a correct crawl
reports for each article (``stored``, ``lost:<reason>`` or ``rejected:<reason>``); the page
transforms turn a rendered page into its faulty bytes. The server (:mod:`.server`) counts
attempts and does what only a socket can do (reset, truncate, stall).

Faults go only where any crawl of the replica goes: articles listed on the first list page of
a section, those list pages and the homepage. Pages every crawl needs (homepage, list pages)
get only transient faults, which Scrapy's default ``RETRY_TIMES`` (2) gets past.
"""

from __future__ import annotations

import gzip
import json
import random
import re
from dataclasses import dataclass, replace
from functools import cache
from urllib.parse import parse_qs, urlsplit

from newsbot.replica import layout_2023, layout_current, layout_redesign
from newsbot.replica.common import PAGE_SIZE
from newsbot.replica.corpus import LAYOUTS, SECTIONS, ArticleTruth, Corpus

# Longer than any DOWNLOAD_TIMEOUT a crawl of the replica uses (newsbot's is 30 s); the stall
# ends early when the client gives up.
STALL_SECONDS = 120.0
# Bigger than newsbot's DOWNLOAD_MAXSIZE (10 MB), and so than any smaller test limit.
OVERSIZED_BYTES = 11 * 2**20
# What the gzip bomb inflates to; about 64 KB on the wire.
BOMB_BYTES = 64 * 2**20
# Past the validators' 500-character limit on titles.
LONG_TITLE_LENGTH = 600
# JSON-LD nesting that breaks a recursive parser (Python's json stops near 1,000).
DEEP_NESTING = 50_000
# Where off-site redirects point: loopback, but not the replica's host, so never reached.
OFFSITE_HOST = "127.0.0.2"
# Appended to the titles of re-encoded pages, so a page read with the wrong charset shows.
KOREAN_WORDS = "(서울 한류)"
# The charset the re-encoded pages use (EUC-KR, the subset of CP949 every decoder knows).
LEGACY_CHARSET = "euc-kr"

# Server actions beyond sending a response.
RESET = "reset"  # close with a TCP reset before answering
TRUNCATE = "truncate"  # promise more bytes than sent, then close
STALL = "stall"  # answer nothing until the client gives up


@dataclass(frozen=True)
class Fault:
    """A way a page can fail, and what a correct crawl then reports for its article."""

    name: str
    outcome: str  # "stored", "lost:<reason>" or "rejected:<reason>"
    description: str
    layouts: tuple[str, ...] = LAYOUTS
    transient: bool = False  # first attempt only


ARTICLE_FAULTS = (
    Fault("http_500", "stored", "500 on the first attempt", transient=True),
    Fault("http_503", "stored", "503 on the first attempt", transient=True),
    Fault("http_429", "stored", "429 with Retry-After: 1 on the first attempt", transient=True),
    Fault("reset", "stored", "connection reset on the first attempt", transient=True),
    Fault("truncated", "stored", "body shorter than its Content-Length, first", transient=True),
    Fault("timeout_once", "stored", "no answer on the first attempt", transient=True),
    Fault("timeout", "lost:timeout", "no answer, ever"),
    Fault("http_404", "lost:http_404", "404 Not Found"),
    Fault("http_410", "lost:http_410", "410 Gone"),
    Fault("redirect_loop", "lost:redirect_loop", "302 to a twin URL that redirects back"),
    Fault("redirect_offsite", "lost:redirect_offsite", f"302 to {OFFSITE_HOST}, another host"),
    Fault("redirect_file", "lost:redirect_scheme", "302 to file:///etc/passwd"),
    Fault("oversized", "lost:too_large", f"a {OVERSIZED_BYTES // 2**20} MB page"),
    Fault("gzip_bomb", "lost:too_large", f"gzip inflating to {BOMB_BYTES // 2**20} MB"),
    Fault("json_body", "lost:not_html", "application/json at the article URL"),
    Fault("charset_in_meta", "stored", "EUC-KR, the charset only in <meta>"),
    Fault("charset_header_wins", "stored", "EUC-KR in the header, utf-8 in <meta>"),
    Fault("poison", "stored", "\\ud800 and \\u0000 in JSON-LD, ESC and BEL in text"),
    Fault("jsonld_type_number", "stored", '"@type": 5', layouts=("current",)),
    Fault("jsonld_empty", "stored", "a [{}] block before the article's", layouts=("current",)),
    Fault("jsonld_deep", "stored", f"a {DEEP_NESTING:,}-deep array", layouts=("current",)),
    Fault("title_too_long", "rejected:title_too_long", f"a {LONG_TITLE_LENGTH}-character title"),
)
# Faults a page every crawl needs may get: each passes on the second attempt.
PAGE_FAULTS = tuple(f for f in ARTICLE_FAULTS if f.transient and f.name != "timeout_once")
FAULTS = {fault.name: fault for fault in ARTICLE_FAULTS}
FAULTY_LIST_PAGES = 3  # list pages given a transient fault


@dataclass(frozen=True)
class FaultPlan:
    """Which page gets which fault (by page key, see :func:`page_key`), for one seed."""

    seed: int
    layout: str
    pages: dict[str, str]

    def fault_for(self, key: str | None) -> Fault | None:
        """The fault of the page ``key``, if it has one."""
        name = self.pages.get(key) if key else None
        return FAULTS[name] if name else None

    def outcomes(self, corpus: Corpus) -> dict[str, str]:
        """Each article id's expected outcome: ``stored``, ``lost:<reason>``, ``rejected:…``."""
        return {
            article.article_id: getattr(
                self.fault_for(f"article:{article.article_id}"), "outcome", "stored"
            )
            for article in corpus.articles
        }

    def article_faults(self) -> dict[str, str]:
        """Article id → fault name, for the faulty articles."""
        return {
            key.removeprefix("article:"): name
            for key, name in self.pages.items()
            if key.startswith("article:")
        }


def plan_faults(corpus: Corpus, seed: int) -> FaultPlan:
    """Spread every fault of ``corpus.layout`` over pages any crawl reaches; same seed, same plan.

    Articles in the Most Popular list are left alone, so that its snapshot stays valid.
    """
    rng = random.Random(f"faults-{seed}-{corpus.layout}")
    faults = [f for f in ARTICLE_FAULTS if corpus.layout in f.layouts]
    ranked = set(corpus.popular_ids)
    candidates = [a.article_id for a in first_listed(corpus) if a.article_id not in ranked]
    if len(candidates) < len(faults):
        raise ValueError(
            f"{len(faults)} faults need {len(faults)} articles on first list pages, "
            f"this corpus has {len(candidates)}"
        )
    pages = {
        f"article:{article_id}": fault.name
        for article_id, fault in zip(rng.sample(candidates, len(faults)), faults, strict=True)
    }
    pages["home"] = rng.choice(PAGE_FAULTS).name
    for section in rng.sample(SECTIONS, FAULTY_LIST_PAGES):
        pages[f"list:{section.name}:1"] = rng.choice(PAGE_FAULTS).name
    return FaultPlan(seed, corpus.layout, pages)


def first_listed(corpus: Corpus) -> list[ArticleTruth]:
    """Articles on the first list page of some section, in corpus order."""
    shown = {
        article.article_id
        for section in SECTIONS
        for article in corpus.in_section(section.name)[:PAGE_SIZE]
    }
    return [article for article in corpus.articles if article.article_id in shown]


def faulty_corpus(corpus: Corpus, plan: FaultPlan) -> Corpus:
    """The corpus as the faulty replica serves it: titles the faults need, changed in the truth.

    Re-encoded pages get Korean words in their title (so a wrong decoding shows in the
    title); the over-long title is made over-long; pages whose fault is in their JSON-LD
    get complete JSON-LD.
    """
    faults = plan.article_faults()

    def changed(article: ArticleTruth) -> ArticleTruth:
        fault = faults.get(article.article_id, "")
        if fault in ("charset_in_meta", "charset_header_wins"):
            return replace(article, title=f"{article.title} {KOREAN_WORDS}")
        if fault == "title_too_long":
            return replace(article, title=long_title(article.title))
        if article.jsonld is not None and (fault == "poison" or fault.startswith("jsonld_")):
            # Faults aimed at JSON-LD need a page that has it, complete.
            return replace(article, jsonld="full")
        return article

    return replace(corpus, articles=[changed(article) for article in corpus.articles])


def long_title(title: str) -> str:
    """``title`` continued past :data:`LONG_TITLE_LENGTH` characters with real words."""
    words = title.split()
    text = title
    while len(text) < LONG_TITLE_LENGTH:
        text = f"{text} {words[len(text) % len(words)]}"
    return text


def page_key(layout: str, target: str) -> str | None:
    """Which page a request target is: ``home``, ``list:<Section>:<n>``, ``article:<id>``.

    Attempts are counted per page, so tracking parameters and loop twins count together.
    """
    parts = urlsplit(target)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    if parts.path == "/":
        return "home"
    if layout == "2023":
        if parts.path == "/view.php" and "ud" in query:
            return f"article:{query['ud']}"
        section = next((s for s in SECTIONS if s.ct == query.get("ct")), None)
        if parts.path == "/list.php" and section is not None:
            return f"list:{section.name}:{query.get('np', '1')}"
        return None
    if parts.path.startswith("/article/"):
        return f"article:{parts.path.removeprefix('/article/')}"
    if layout == "redesign":
        current = layout_redesign.section_for_path(parts.path)
    else:
        current = layout_current.section_for_path(parts.path)
    return f"list:{current.name}:{query.get('page', '1')}" if current else None


# --- page transforms (pure: text in, bytes out) -------------------------------------------

LOOP_PARAMETER = "loop"


def loop_target(target: str) -> str:
    """Where a looping page redirects: its twin, which redirects back."""
    parts = urlsplit(target)
    query = [p for p in parts.query.split("&") if p and not p.startswith(f"{LOOP_PARAMETER}=")]
    if len(query) == len([p for p in parts.query.split("&") if p]):
        query.append(f"{LOOP_PARAMETER}=1")
    return parts.path + (f"?{'&'.join(query)}" if query else "")


def json_body(truth: ArticleTruth) -> bytes:
    """What an API would answer at the article URL."""
    data = {"article_id": truth.article_id, "title": truth.title, "body": truth.body}
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


def legacy_encoded(html: str, charset_in_meta: bool) -> bytes:
    """The page in EUC-KR; the charset declared in ``<meta>`` only, or in the header.

    With ``charset_in_meta`` False the page's ``<meta>`` still says utf-8: the HTTP header,
    which the server sends, takes precedence (HTML's encoding sniffing), as in browsers.
    """
    declared = LEGACY_CHARSET if charset_in_meta else "utf-8"
    html = _META_CHARSET.sub(lambda m: m.group(1) + declared, html, count=1)
    return html.encode(LEGACY_CHARSET, errors="xmlcharrefreplace")


_META_CHARSET = re.compile(r"(<meta[^>]*charset=[\"']?)utf-8", re.IGNORECASE)

# Visible text gets ESC and BEL before spaces, JSON-LD strings get \ud800 and \u0000 escapes:
# a cleaner that drops them (or turns them into spaces) gives back the true text.
VISIBLE_POISON = ("\x1b", "\x07")
JSON_POISON = "\\ud800\\u0000"


def poisoned(corpus: Corpus, article_id: str, weight: str = "light") -> str:
    """The article page with control characters in its headline and paragraphs."""
    truth = corpus.by_id[article_id]
    title = _poison_text(truth.title)
    paragraphs = [_poison_text(text) for text in truth.paragraphs]
    dirty = replace(truth, title=title, paragraphs=paragraphs)
    served = replace(corpus, articles=[dirty if a is truth else a for a in corpus.articles])
    html = render_article(served, article_id, weight)
    # json.dumps wrote the control characters as \u001b and \u0007; make the JSON-LD worse.
    return html.replace("\\u001b", JSON_POISON).replace("\\u0007", JSON_POISON)


def _poison_text(text: str) -> str:
    words = text.split(" ")
    for index, char in enumerate(VISIBLE_POISON, start=1):
        if index < len(words):
            words[index - 1] += char
    return " ".join(words)


def hostile_json_ld(html: str, fault: str) -> str:
    """The current-layout page with a hostile JSON-LD block (see :data:`ARTICLE_FAULTS`)."""
    opening = '<script type="application/ld+json">'
    if fault == "jsonld_type_number":
        return html.replace('"@type": "NewsArticle"', '"@type": 5', 1)
    if fault == "jsonld_empty":
        return html.replace(opening, f"{opening}[{{}}]</script>\n{opening}", 1)
    deep = "[" * DEEP_NESTING + "]" * DEEP_NESTING
    return html.replace(opening, f"{opening}{deep}</script>\n{opening}", 1)


def oversized(html: str) -> bytes:
    """The page padded with a comment past :data:`OVERSIZED_BYTES`."""
    body = html.encode("utf-8")
    padding = OVERSIZED_BYTES - len(body) + 1
    return body.replace(b"</body>", b"<!--" + b"x" * padding + b"--></body>", 1)


@cache
def gzip_bomb() -> bytes:
    """Spaces that inflate to :data:`BOMB_BYTES`, gzipped once (about 64 KB)."""
    return gzip.compress(b"<html><body>" + b" " * BOMB_BYTES, compresslevel=9, mtime=0)


def render_article(corpus: Corpus, article_id: str, weight: str = "light") -> str:
    """The article page as the layout of ``corpus`` renders it, at ``weight``."""
    if corpus.layout == "2023":
        html = layout_2023.article(corpus, article_id, weight=weight)
    elif corpus.layout == "redesign":
        html = layout_redesign.article(corpus, article_id, weight)
    else:
        html = layout_current.article(corpus, article_id, weight=weight)
    if html is None:
        raise KeyError(article_id)
    return html
