"""Generic article extraction: any article page, read without class or id names.

Structured data first (JSON-LD, microdata, meta tags, Dublin Core, ``<time datetime>``), then
visible text (a byline, dates printed near the headline), the body through trafilatura with
newsbot's own paragraph cleaning. One exception to that order: the headline a reader sees
(``<h1>``) wins over structured headlines, which are often a search-engine variant of it
(on hand-labelled real pages the visible one was right every time they differed); structured
data then chooses among several ``<h1>``. Every filled field says where it came from in
``Article.provenance``; the sources are:

=============== ==================================================================
``jsonld``      a JSON-LD article object (``@graph``, arrays and main entities opened)
``microdata``   ``itemprop`` attributes (headline, author, datePublished, …)
``meta``        ``og:``, ``article:``, ``twitter:`` and plain ``<meta name>`` tags
``dublincore``  ``dc.*`` / ``dcterms.*`` meta tags (any case)
``breadcrumb``  a BreadcrumbList (JSON-LD) or a ``nav`` labelled "breadcrumb"
``time``        a ``<time datetime>`` element
``h1``          the visible headline
``title``       the document's ``<title>``
``byline``      a visible "By …" line, ``rel="author"`` links, links to author pages,
                names printed alone under the headline, ``mailto:`` names
``text``        visible text near the headline (printed dates, a wire dateline "(AP)")
``trafilatura`` the body as trafilatura finds it (``jsonld``: only ``articleBody`` had it)
``htmldate``    htmldate's guess, the last resort for the publication date
``crawl``       the section the crawl reached the page from
=============== ==================================================================

A date read from a source that gives only the day is midnight and its provenance ends in
``/date_only`` (``"meta/date_only"``), unless the page gives a time for that same day
elsewhere (structured data, ``<time>``, visible text): the most precise source that agrees
wins and is named. Times without a zone are in the zone the article's structured dates state
(an offset other than UTC's), else in the site's zone (for a site on the domain of a country
with one zone, that country's; else UTC).

The generic path reads tags, structured data, ``itemprop``/``rel``/ARIA attributes, link
targets and visible text only, never class or id names: nobody here wrote the markup.
trafilatura, which finds the body, weighs class and id names with its own site-independent
patterns; see :mod:`newsbot.extract.generic.body` for why it still sees them.

Each field has its module; :func:`extract_article` reads the page once and calls them in
order (the headline first: authors and dates are looked for around it):

=============== ==================================================================
``sources``     structured data read once: JSON-LD, meta tags, microdata, site names
``headline``    the headline, the ``<h1>`` showing it, site names stripped
``near``        the visible texts just before and after the headline
``authors``     structured authors, else the visible byline, else a wire dateline
``dates``       publication and revision dates; htmldate as the last resort
``body``        trafilatura on a trimmed copy, paragraphs cleaned; ``articleBody``
``section``     the stated section, else the breadcrumb trail
``urls``        the canonical URL and the images
=============== ==================================================================
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from newsbot.extract.generic.authors import read_authors
from newsbot.extract.generic.body import read_body
from newsbot.extract.generic.dates import (
    htmldate_published,
    page_zone,
    read_dates,
    timed_same_day,
)
from newsbot.extract.generic.headline import find_headings, read_title
from newsbot.extract.generic.near import near_headline
from newsbot.extract.generic.section import read_section
from newsbot.extract.generic.sources import read_sources
from newsbot.extract.generic.urls import article_url, read_images
from newsbot.extract.text import clean_text
from newsbot.loaders import ArticleLoader
from newsbot.sites.base import require_article_fields

if TYPE_CHECKING:
    from newsbot.items import Article
    from newsbot.page import Page
    from newsbot.sites.base import Site

__all__ = ["extract_article"]


def extract_article(page: Page, *, site: Site, section: str | None = None) -> Article:
    """Read ``page`` as an article of ``site``; raise ParseError when required fields lack.

    ``url`` is the page's canonical link when it points to the site, else the page's URL;
    ``article_id`` is ``site.article_id(url)``; times without a zone take the offset the
    page states on its other dates, else ``site.timezone``.
    """
    root = page.selector.root
    sources = read_sources(page, root, site)
    provenance: dict[str, str] = {}
    headings = find_headings(root)
    url = article_url(page, sources, site)

    loader = ArticleLoader()
    loader.add_value("url", url)
    loader.add_value("article_id", site.article_id(url))
    loader.add_value("site", site.name)
    loader.add_value("layout", "generic")
    loader.add_value("crawled_at", page.crawled_at)

    title, heading = read_title(root, sources, headings, provenance)
    loader.add_value("title", title)
    paragraphs = read_body(root, page.url, sources, title, provenance)
    loader.add_value("body", paragraphs)
    first_paragraph = paragraphs[0] if paragraphs else None
    near = near_headline(root, heading)
    loader.add_value("authors", read_authors(root, sources, near, first_paragraph, provenance))
    zone = page_zone(sources, site.timezone)
    published, updated = read_dates(root, sources, near, zone, provenance)
    if published is None:
        published = htmldate_published(root, page.url, zone, provenance)
        if published is not None and provenance["published_at"].endswith("/date_only"):
            published = timed_same_day(published, root, [], zone, provenance)
    loader.add_value("published_at", published)
    loader.add_value("updated_at", updated)
    found_section = read_section(root, sources, title, provenance)
    if found_section is None and clean_text(section):
        found_section, provenance["section"] = section, "crawl"
    loader.add_value("section", found_section)
    loader.add_value("images", read_images(page, sources))
    article: Article = loader.load_item()
    article.provenance = {
        name: source for name, source in provenance.items() if getattr(article, name)
    }
    return require_article_fields(article, page)
