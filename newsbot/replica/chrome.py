"""The markup real news pages carry around their content, for ``--page-weight realistic``.

Real article pages weigh 100-300 KB: a mega-menu of nested navigation, many inline scripts
(analytics and ad tag setup, a JSON state blob), ad slots, tracking pixels, rails of teasers
to other articles, a cookie banner and a long footer. Parse cost, memory and crawl rate depend
on that weight, in elements and links as much as in bytes, so the realistic pages carry it,
sized on the public article-extraction-benchmark's pages (``python -m benchmarks.pageweight``).

None of it may change what a crawl requests or reads, in any layout:

- links in menus and footers go to topics, reporters, searches, company pages and other
  hosts, which no section finder takes for a section, or to the sections the navigation
  already names, with the same names;
- teaser rails on list pages and the homepage link only to articles those pages already list,
  after them; on article pages (which a crawl does not follow) they link to other articles;
- no rail has a ranking heading ("Most Popular", "Trending"...), a byline, a date or a
  ``<time>``; scripts hold no article's date or body; everything is ASCII (the legacy-charset
  fault re-encodes pages).

Everything is chosen by a random generator seeded with the page's key, so pages are the same
from run to run.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from newsbot.replica.common import esc
from newsbot.replica.corpus import SECTIONS, ArticleTruth, Corpus, SectionTruth

WEIGHTS = ("light", "realistic")

_TOPICS = (
    "Politics", "North Korea", "Defense", "Diplomacy", "Education", "Health", "Environment",
    "Labor", "Crime", "Courts", "Markets", "Banking", "Real Estate", "Autos", "Chips",
    "Batteries", "Startups", "Retail", "Energy", "Trade", "Film", "Drama", "Books", "K-pop",
    "Art", "Food", "Travel", "Fashion", "Baseball", "Soccer", "Golf", "Esports", "Asia",
    "US", "China", "Japan", "Europe", "Climate", "AI", "Space",
)  # fmt: skip
_REPORTERS = (
    "Kim Da-sol", "Lee Jung-joo", "Park Han-na", "Choi Si-young", "Jung Min-kyung",
    "Yoon Min-sik", "Shin Ji-hye", "Hwang Joo-young", "Son Ji-hyoung", "Ko Jun-tae",
)  # fmt: skip
_COMPANY = (
    ("About us", "/about/company"), ("Contact us", "/contact/newsroom"),
    ("Advertise", "/about/advertise"), ("Privacy policy", "/privacy/policy"),
    ("Terms of service", "/terms/service"), ("Subscribe", "/subscribe/digital"),
    ("Newsletters", "/subscribe/newsletters"), ("Log in", "/login/form"),
    ("Corrections", "/about/corrections"), ("Ethics code", "/about/ethics"),
    ("Careers", "/about/careers"), ("Sitemap", "/about/sitemap"),
)  # fmt: skip
_PARTNERS = (
    ("Herald Corporation", "https://www.heraldcorp.com/"),
    ("Herald Business", "https://biz.heraldcorp.com/"),
    ("K-pop Herald", "https://kpopherald.koreaherald.example/"),
    ("Herald Design Forum", "https://www.heralddesignforum.example/"),
    ("Asia News Network", "https://asianews.network/"),
)  # fmt: skip
_SOCIAL = ("facebook", "x", "instagram", "youtube", "linkedin", "threads")
_AD_SLOTS = ("leaderboard", "billboard", "rail_top", "rail_mid", "rail_bottom", "inline_1",
             "inline_2", "footer", "sticky", "interstitial")  # fmt: skip


@dataclass(frozen=True)
class Links:
    """How one layout writes links: to an article by id, and to a section."""

    article: Callable[[str], str]
    section: Callable[[SectionTruth], str]


def _slug(text: str) -> str:
    return "-".join(text.lower().replace("-", " ").split())


def head(corpus: Corpus, key: str, links: Links, teasers: Sequence[ArticleTruth]) -> str:
    """Tags for ``<head>``: preloads, social meta, vendor scripts, inline setup and a state blob."""
    rng = random.Random(f"head:{corpus.layout}:{key}")
    version = rng.randrange(10_000, 99_999)
    tags = [
        '<meta name="referrer" content="no-referrer-when-downgrade">',
        '<meta name="twitter:card" content="summary_large_image">',
        '<meta name="twitter:site" content="@TheKoreaHerald">',
        '<meta property="fb:app_id" content="1234567890">',
        '<meta name="theme-color" content="#0b2b5a">',
        '<meta name="google-site-verification" content="kh-replica-verification">',
        '<link rel="icon" href="/images/favicon.png">',
        '<link rel="apple-touch-icon" href="/images/touch-icon.png">',
        '<link rel="manifest" href="/manifest.webmanifest">',
    ]
    tags += [
        f'<link rel="preload" as="font" href="/fonts/{name}.woff2?v={version}" crossorigin>'
        for name in ("serif-regular", "serif-bold", "sans-regular", "sans-bold")
    ]
    tags += [
        f'<link rel="stylesheet" href="/css/{name}.css?v={version}">'
        for name in ("reset", "layout", "menu", "article", "ads")
    ]
    tags += [
        f'<link rel="preconnect" href="https://{host}">'
        for host in ("securepubads.g.doubleclick.net", "www.googletagmanager.com",
                     "cdn.ampproject.org", "fonts.gstatic.com", "static.chartbeat.com",
                     "sb.scorecardresearch.com")
    ]  # fmt: skip
    tags += [
        f'<script src="/js/vendor/{name}.js?v={version}" async></script>'
        for name in ("jquery", "swiper", "lazysizes", "gpt", "prebid", "analytics", "consent",
                     "chartbeat", "comscore", "video-player", "comments", "push", "paywall")
    ]  # fmt: skip
    tags += [
        _script(_analytics(rng, key)),
        _script(_ad_setup(rng)),
        _script(_consent(rng)),
        _script(_bundle(rng, "polyfills", 18)),
        _script(_bundle(rng, "header", 14)),
        _script(_bundle(rng, "vendor", 60)),
        _script(_bundle(rng, "widgets", 40)),
        _script(_bundle(rng, "player", 30)),
        _script(_bundle(rng, "measurement", 50)),
        f'<script type="application/json" id="i18n">{_json(_i18n(rng))}</script>',
        f'<script type="application/json" id="site-config">{_json(_site_config(rng))}</script>',
        f"<script>window.__INITIAL_STATE__ = {_json(_state(rng, key, links, teasers))};</script>",
    ]
    return "\n".join(tags)


def top(corpus: Corpus, key: str, links: Links) -> str:
    """The start of ``<body>``: tag-manager frame, leaderboard ad and the mega-menu."""
    rng = random.Random(f"top:{corpus.layout}:{key}")
    return (
        '<noscript><iframe src="about:blank" title="tag manager" height="0" width="0" '
        'style="display:none;visibility:hidden"></iframe></noscript>\n'
        + _icon_sprite()
        + _ad(rng, "leaderboard")
        + _mega_menu(rng, links)
        + _ad(rng, "billboard")
    )


def rails(
    corpus: Corpus, key: str, links: Links, teasers: Sequence[ArticleTruth], section: str | None
) -> str:
    """Teaser rails and rail ads; ``teasers`` are the articles the rails may link to."""
    rng = random.Random(f"rails:{corpus.layout}:{key}")
    pool = list(teasers)
    titles = (
        f"More from {section or 'The Korea Herald'}",
        "Editor's Picks",
        "You may also like",
        "Photo News",
    )
    parts = [_ad(rng, "rail_top")]
    for index, title in enumerate(titles):
        if not pool:
            break
        chosen = rng.sample(pool, min(len(pool), 5 if index < 3 else 4))
        parts.append(_rail(title, chosen, links))
        parts.append(_ad(rng, "rail_mid" if index % 2 == 0 else "rail_bottom"))
    return f'<aside class="kh-rails" aria-label="More stories">{"".join(parts)}</aside>\n'


def bottom(corpus: Corpus, key: str, links: Links) -> str:
    """The end of ``<body>``: the long footer, cookie banner, pixels and trailing scripts."""
    rng = random.Random(f"bottom:{corpus.layout}:{key}")
    return (
        _ad(rng, "footer")
        + _footer(rng, links)
        + _cookie_banner()
        + _pixels(rng, key)
        + _script(_bundle(rng, "footer", 16))
        + _script(_bundle(rng, "lazyload", 10))
        + _script(_bundle(rng, "paywall", 25))
        + _script(
            "(function(){var depth=0;window.addEventListener('scroll',function(){"
            "var d=Math.round(100*window.scrollY/Math.max(1,document.body.scrollHeight));"
            "if(d>depth+24){depth=d;(window.dataLayer=window.dataLayer||[])"
            ".push({'event':'scroll_depth','depth':d});}});})();"
        )
        + _script(
            "setInterval(function(){if(window.googletag&&googletag.pubads){"
            "googletag.cmd.push(function(){googletag.pubads().refresh();});}}, 60000);"
        )
        + _script(
            "window.dataLayer = window.dataLayer || [];"
            f"dataLayer.push({{'event': 'page_ready', 'page_key': '{key}'}});"
        )
        + _ad(rng, "sticky")
    )


def article_pool(corpus: Corpus, truth: ArticleTruth, count: int = 24) -> list[ArticleTruth]:
    """Other articles an article page's rails link to: its section first, then any."""
    rng = random.Random(f"pool:{corpus.layout}:{truth.article_id}")
    same = [a for a in corpus.in_section(truth.section) if a.article_id != truth.article_id]
    chosen = rng.sample(same, min(len(same), count // 2))
    taken = {truth.article_id, *(a.article_id for a in chosen)}
    # Drawn from a sample a little larger than needed: no pass over a large corpus per page.
    wanted = count - len(chosen)
    extra = rng.sample(corpus.articles, min(len(corpus.articles), wanted + len(taken)))
    chosen += [a for a in extra if a.article_id not in taken][:wanted]
    return chosen


# --- pieces -------------------------------------------------------------------------------


def _script(code: str) -> str:
    return f"<script>{code}</script>\n"


def _json(data: object) -> str:
    # Inside <script>: no "</" may end the element early.
    return json.dumps(data, ensure_ascii=True, separators=(",", ":")).replace("</", "<\\/")


def _analytics(rng: random.Random, key: str) -> str:
    measurement = f"G-{rng.randrange(16**8):08X}"
    return (
        "window.dataLayer = window.dataLayer || [];"
        "function gtag(){dataLayer.push(arguments);}"
        "gtag('js', new Date());"
        f"gtag('config', '{measurement}', {{'page_key': '{key}', 'content_group': 'news', "
        "'anonymize_ip': true, 'send_page_view': true});"
        "(function(w,d,s,l,i){w[l]=w[l]||[];w[l].push({'gtm.start':new Date().getTime(),"
        "event:'gtm.js'});})(window,document,'script','dataLayer','GTM-KHREPLICA');"
    )


def _ad_setup(rng: random.Random) -> str:
    lines = ["window.googletag = window.googletag || {cmd: []};", "googletag.cmd.push(function() {"]
    for slot in _AD_SLOTS:
        sizes = rng.choice(("[[728, 90], [970, 250]]", "[[300, 250], [300, 600]]", "[[320, 50]]"))
        lines.append(
            f"  googletag.defineSlot('/2150745/koreaherald/{slot}', {sizes}, "
            f"'div-gpt-ad-{slot}').addService(googletag.pubads())"
            f".setTargeting('pos', '{slot}').setTargeting('rnd', '{rng.randrange(1000)}');"
        )
    lines += [
        "  googletag.pubads().enableSingleRequest();",
        "  googletag.pubads().collapseEmptyDivs();",
        "  googletag.enableServices();",
        "});",
        "window.pbjs = window.pbjs || {que: []};",
        "pbjs.que.push(function() { pbjs.setConfig({priceGranularity: 'dense', "
        "bidderTimeout: 1200}); });",
    ]
    return "\n".join(lines)


def _consent(rng: random.Random) -> str:
    vendors = ",".join(str(rng.randrange(1, 1200)) for _ in range(60))
    return (
        "window.__tcfapi = window.__tcfapi || function(){(window.__tcfapi.a = "
        "window.__tcfapi.a || []).push(arguments);};"
        f"window.__consentVendors = [{vendors}];"
    )


_WORDS = ("render", "update", "queue", "handler", "observer", "target", "element", "state",
          "config", "module", "listener", "payload", "request", "resolve", "options",
          "cache")  # fmt: skip


def _bundle(rng: random.Random, name: str, functions: int) -> str:
    """Minified-looking vendor code: a module of small functions (never run by a crawl)."""
    body = []
    for index in range(functions):
        a, b, c = rng.sample(_WORDS, 3)
        body.append(
            f"function {a}{index}(e,t){{var n=e&&e.{b}||{{}};if(!n.{c}){{n.{c}=[]}}"
            f"for(var r=0;r<n.{c}.length;r++){{if(n.{c}[r]===t){{return r}}}}"
            f"n.{c}.push(t);return n.{c}.length-{rng.randrange(1, 9)}}}"
        )
    exports = ",".join(f"{name}_{i}:typeof x" for i in range(functions))
    return f"!function(x){{{''.join(body)};window.__{name}={{{exports}}}}}(window);"


def _site_config(rng: random.Random) -> dict[str, object]:
    return {
        "site": "koreaherald",
        "env": "production",
        "build": f"{rng.randrange(16**12):012x}",
        "features": {f"flag_{i}": rng.random() < 0.5 for i in range(40)},
        "paywall": {"meter": rng.randrange(3, 10), "regions": ["KR", "US", "JP", "CN"]},
        "ads": {slot: {"refresh": rng.randrange(30, 90), "lazy": True} for slot in _AD_SLOTS},
    }


def _state(
    rng: random.Random, key: str, links: Links, teasers: Sequence[ArticleTruth]
) -> dict[str, object]:
    """A framework's serialised state: the page's widgets and the stories they show."""
    return {
        "page": {"key": key, "type": "news", "abVariant": rng.choice("ABCD")},
        "menu": [
            {"name": s.name, "href": links.section(s), "children": list(s.subsections)}
            for s in SECTIONS
        ],
        "stories": [
            {
                "id": a.article_id,
                "href": links.article(a.article_id),
                "headline": a.title,
                "dek": a.summary,
                "section": a.section,
                "subsection": a.subsection,
                "image": a.images[0][0] if a.images else None,
                "tracking": f"{rng.randrange(16**16):016x}",
            }
            for a in teasers[:24]
        ],
        "experiments": {f"exp_{i}": rng.choice(("control", "variant")) for i in range(30)},
    }


_UI_STRINGS = ("share", "copy_link", "print", "font_size", "subscribe", "log_in", "log_out",
               "search", "menu", "close", "more", "previous", "next", "loading", "error",
               "retry", "newsletter", "accept", "decline", "settings", "comments", "reply",
               "report", "save", "saved", "follow", "unfollow", "notifications",
               "dark_mode")  # fmt: skip
_LANGUAGES = ("en", "ko", "ja", "zh", "es", "fr")


def _i18n(rng: random.Random) -> dict[str, dict[str, str]]:
    """Interface strings per language (placeholders: the replica's pages are English)."""
    return {
        language: {name: f"{language}:{name}:{rng.randrange(16**6):06x}" for name in _UI_STRINGS}
        for language in _LANGUAGES
    }


_ICONS = ("search", "menu", "close", "chevron", "arrow", "share", "print", "mail", "link",
          "facebook", "x", "instagram", "youtube", "linkedin", "threads", "bell", "user",
          "bookmark", "play", "pause", "photo", "video", "clock", "comment", "font", "sun",
          "moon", "globe", "home", "rss")  # fmt: skip


def _icon_sprite() -> str:
    symbols = "".join(
        f'<symbol id="icon-{name}" viewBox="0 0 24 24">'
        f'<path d="M{3 + i % 5} {4 + i % 7}h{10 + i % 4}v{8 + i % 3}H{3 + i % 5}z"></path></symbol>'
        for i, name in enumerate(_ICONS)
    )
    return f'<svg class="icon-sprite" aria-hidden="true" style="display:none">{symbols}</svg>\n'


def _ad(rng: random.Random, slot: str) -> str:
    return (
        f'<div class="ad-container ad-{slot}" data-slot="{slot}" aria-hidden="true">'
        f'<div id="div-gpt-ad-{slot}" class="gpt-slot" data-rnd="{rng.randrange(1000)}">'
        f'<iframe src="about:blank" title="advertisement" width="1" height="1" '
        f'frameborder="0" scrolling="no"></iframe></div>'
        '<span class="ad-label">Advertisement</span></div>\n'
    )


def _mega_menu(rng: random.Random, links: Links) -> str:
    """Every section with its subsections' topic pages and a few reporters, nested lists."""
    columns = []
    for section in SECTIONS:
        topics = [*section.subsections, *rng.sample(_TOPICS, 2)]
        items = "".join(
            f'<li class="mega-menu__item"><a class="mega-menu__link" '
            f'href="/topic/{_slug(topic)}"><span>{esc(topic)}</span></a></li>'
            for topic in topics
        )
        columns.append(
            '<li class="mega-menu__column">'
            f'<a class="mega-menu__heading" href="{esc(links.section(section))}">'
            f"{esc(section.name)}</a>"
            '<button class="mega-menu__toggle" aria-expanded="false"><svg width="12" height="12">'
            '<use href="#icon-chevron"></use></svg></button>'
            f'<ul class="mega-menu__list">{items}</ul></li>'
        )
    reporters = "".join(
        f'<li><a href="/reporter/{_slug(name)}">{esc(name)}</a></li>'
        for name in rng.sample(_REPORTERS, 4)
    )
    return (
        '<nav class="mega-menu" aria-label="All sections"><div class="mega-menu__inner">'
        f'<ul class="mega-menu__columns">{"".join(columns)}</ul>'
        '<div class="mega-menu__extra"><p class="mega-menu__label">Our reporters</p>'
        f"<ul>{reporters}</ul></div>"
        '<form class="mega-menu__search" action="/search/index.php">'
        '<label><span class="sr-only">Search</span><input name="q" type="search"></label>'
        "<button>Go</button></form></div></nav>\n"
    )


def _rail(title: str, articles: Sequence[ArticleTruth], links: Links) -> str:
    teasers = "".join(
        '<li class="rail-card"><a class="rail-card__link" '
        f'href="{esc(links.article(a.article_id))}">'
        '<figure class="rail-card__thumb"><picture>'
        f'<source type="image/webp" srcset="{_thumb(a)}.webp 1x">'
        f'<img src="{_thumb(a)}" alt="" loading="lazy" width="120" height="80">'
        "</picture></figure>"
        '<div class="rail-card__text">'
        f'<h3 class="rail-card__headline">{esc(a.title)}</h3>'
        f'<span class="rail-card__label">{esc(a.subsection)}</span></div></a></li>'
        for a in articles
    )
    return (
        f'<section class="rail"><h2 class="rail__title"><span>{esc(title)}</span></h2>'
        f'<ul class="rail__list">{teasers}</ul></section>'
    )


def _thumb(article: ArticleTruth) -> str:
    return esc(article.images[0][0]) if article.images else "/images/placeholder.png"


def _footer(rng: random.Random, links: Links) -> str:
    sections = "".join(
        f'<li><a href="{esc(links.section(s))}">{esc(s.name)}</a></li>' for s in SECTIONS
    )
    topics = "".join(
        f'<li><a href="/topic/{_slug(t)}">{esc(t)}</a></li>' for t in rng.sample(_TOPICS, 16)
    )
    company = "".join(f'<li><a href="{href}">{esc(name)}</a></li>' for name, href in _COMPANY)
    partners = "".join(
        f'<li><a href="{href}" rel="noopener" target="_blank">{esc(name)}</a></li>'
        for name, href in _PARTNERS
    )
    social = "".join(
        f'<a class="social social--{name}" href="https://www.{name}.com/thekoreaherald" '
        f'aria-label="{name}"><svg viewBox="0 0 24 24" width="24" height="24">'
        '<path d="M12 2a10 10 0 1 0 0 20a10 10 0 1 0 0-20z"></path></svg></a>'
        for name in _SOCIAL
    )
    return (
        '<div class="site-footer-wide"><div class="footer-sitemap">'
        + "".join(
            f'<div class="footer-col"><p class="footer-col__title">{title}</p>'
            f"<ul>{items}</ul></div>"
            for title, items in (
                ("Sections", sections),
                ("Topics", topics),
                ("Company", company),
                ("Family sites", partners),
            )
        )
        + "</div>"
        f'<div class="footer-social">{social}</div>'
        '<address class="footer-address"><p>Huam-ro 4-gil 10, Yongsan-gu, Seoul</p>'
        "<p>Tel: +82-2-727-0114</p><p>Registration: Seoul A 00001</p>"
        "<p>Publisher and editor: The Korea Herald</p></address></div>\n"
    )


def _cookie_banner() -> str:
    return (
        '<div class="cookie-consent" role="dialog" aria-label="Cookies" hidden>'
        "<p>We use cookies to improve your experience, measure traffic and show ads. "
        '<a href="/privacy/cookies">Learn more</a></p>'
        '<div class="cookie-consent__buttons"><button data-consent="all">Accept all</button>'
        '<button data-consent="necessary">Necessary only</button>'
        '<button data-consent="settings">Settings</button></div></div>\n'
    )


def _pixels(rng: random.Random, key: str) -> str:
    pixels = "".join(
        f'<img src="/pixel/{name}.gif?k={esc(key)}&amp;r={rng.randrange(10**8)}" '
        'width="1" height="1" alt="" style="position:absolute;left:-9999px">'
        for name in ("comscore", "chartbeat", "nielsen", "quantcast", "meta", "naver")
    )
    return f'<noscript>{pixels}</noscript><div class="pixels" aria-hidden="true">{pixels}</div>\n'


def dress(
    head_html: str,
    content: str,
    foot_html: str,
    corpus: Corpus,
    key: str,
    links: Links,
    teasers: Sequence[ArticleTruth],
    section: str | None = None,
) -> str:
    """A page of a layout (its head and header, content, footer) with the realistic markup.

    Head tags go before ``</head>``, the menu right after the layout's header, the rails
    after the content and the footer, banner and pixels before ``</body>``.
    """
    return (
        head_html.replace("</head>", head(corpus, key, links, teasers) + "\n</head>", 1)
        + top(corpus, key, links)
        + content
        + rails(corpus, key, links, teasers, section)
        + foot_html.replace("</body>", bottom(corpus, key, links) + "</body>", 1)
    )
