"""Feeds as a discovery source: parsing RSS 2.0 and Atom, rebasing links, which feeds to read."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from newsbot.feeds import UnreadableFeed, advertised_feeds, feed_entries, rebase
from newsbot.page import Page
from newsbot.sites.generic import GenericSite
from newsbot.sites.koreaherald import KoreaHerald

KH = KoreaHerald()

RSS = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel>
<title>The Korea Herald - National</title>
<link>https://www.koreaherald.com</link>
<item>
  <title><![CDATA[Seoul raises heat alert]]></title>
  <link>https://www.koreaherald.com/article/10612345</link>
  <pubDate>Mon, 17 Nov 2025 21:44:23 +09:00</pubDate>
  <category>National</category>
  <category>Social affairs</category>
  <author>Kim Arin</author>
</item>
<item>
  <title>Legacy link</title>
  <link>https://www.koreaherald.com/view.php?ud=20230911000813&amp;kr=1</link>
  <pubDate>Tue, 18 Nov 2025 08:05:00 +0900</pubDate>
</item>
<item>
  <title>Not an article</title>
  <link>https://www.koreaherald.com/National</link>
</item>
</channel></rss>
"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Example News</title>
  <id>urn:example</id>
  <updated>2025-11-17T12:00:00Z</updated>
  <entry>
    <title>Budget vote delayed</title>
    <id>urn:example:1</id>
    <link rel="alternate" href="/2025/11/17/budget-vote-delayed?utm_source=rss"/>
    <published>2025-11-17T09:30:00+01:00</published>
    <updated>2025-11-17T10:00:00+01:00</updated>
    <category term="politics" label="Politics"/>
  </entry>
  <entry>
    <title>Only updated</title>
    <id>urn:example:2</id>
    <link href="https://example.com/news/1234567"/>
    <updated>2025-11-16T23:15:00Z</updated>
  </entry>
</feed>
"""


def test_rss_entries_with_kst_dates_categories_and_canonical_links():
    entries = feed_entries(RSS, "https://www.koreaherald.com/rss/kh_National", KH)
    assert [(e.url, e.article_id) for e in entries] == [
        ("https://www.koreaherald.com/article/10612345", "10612345"),
        ("https://www.koreaherald.com/view.php?ud=20230911000813", "20230911000813"),
        ("https://www.koreaherald.com/National", None),
    ]
    # 21:44:23 at +09:00 is 12:44:23 UTC; 08:05 at +0900 is 23:05 UTC the day before.
    assert entries[0].published == datetime(2025, 11, 17, 12, 44, 23, tzinfo=UTC)
    assert entries[1].published == datetime(2025, 11, 17, 23, 5, tzinfo=UTC)
    assert entries[2].published is None
    assert entries[0].categories == ("National", "Social affairs")
    assert entries[1].categories == ()
    assert entries[0].title == "Seoul raises heat alert"


def test_atom_entries_resolve_relative_links_and_fall_back_to_updated():
    site = GenericSite("https://example.com")
    entries = feed_entries(ATOM, "https://example.com/feed.atom", site)
    assert [e.url for e in entries] == [
        "https://example.com/2025/11/17/budget-vote-delayed",  # tracking parameter dropped
        "https://example.com/news/1234567",
    ]
    assert [e.article_id for e in entries] == [e.url for e in entries]
    assert entries[0].published == datetime(2025, 11, 17, 8, 30, tzinfo=UTC)
    assert entries[1].published == datetime(2025, 11, 16, 23, 15, tzinfo=UTC)
    assert entries[0].categories == ("Politics",)


def test_feed_links_to_the_canonical_host_are_rebased_onto_the_crawled_host():
    entries = feed_entries(RSS, "http://127.0.0.1:8023/rss/newsAll", KH, "http://127.0.0.1:8023")
    assert entries[0].url == "http://127.0.0.1:8023/article/10612345"
    assert entries[1].url == "http://127.0.0.1:8023/view.php?ud=20230911000813"


def test_rebase_only_moves_links_of_the_site():
    domains = KH.domains
    base = "http://127.0.0.1:8023"
    assert rebase("https://m.koreaherald.com/article/1?x=1", base, domains) == (
        "http://127.0.0.1:8023/article/1?x=1"
    )
    assert rebase("https://other.org/article/1", base, domains) == "https://other.org/article/1"
    live = "https://www.koreaherald.com"
    assert rebase(f"{live}/article/1", live, domains) == f"{live}/article/1"


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"", "empty"),
        (b"  \n ", "empty"),
        (b"<!DOCTYPE html><html><head><title>Oops</title></head><body>Moved</body></html>",
         "not_a_feed"),
        (b'<?xml version="1.0"?><rss version="2.0"><channel><item><title>x</title>',
         "malformed"),
    ],
)  # fmt: skip
def test_a_feed_that_is_not_a_feed_is_unreadable(body, reason):
    with pytest.raises(UnreadableFeed) as raised:
        feed_entries(body, "https://www.koreaherald.com/rss/newsAll", KH)
    assert raised.value.reason == reason


def test_advertised_feeds_are_the_head_alternates_of_feed_types():
    page = Page.from_html(
        "https://example.com/",
        """<html><head>
        <link rel="alternate" type="application/rss+xml" href="/rss/all.xml">
        <link rel="alternate nofollow" type="application/atom+xml" href="https://example.com/a">
        <link rel="alternate" type="text/html" hreflang="ko" href="/ko/">
        <link rel="stylesheet" type="text/css" href="/s.css">
        <link rel="alternate" type="application/rss+xml" href="/rss/all.xml">
        </head><body></body></html>""",
    )
    assert advertised_feeds(page) == ["https://example.com/rss/all.xml", "https://example.com/a"]


def test_korea_herald_known_feeds_and_their_sections():
    base = "http://127.0.0.1:8023"
    feeds = KH.known_feeds(base, ["national", "Life & Culture", "k-pop"])
    assert [(f.url, f.section) for f in feeds] == [
        (f"{base}/rss/newsAll", None),
        (f"{base}/rss/kh_National", "national"),
        (f"{base}/rss/kh_LifenCulture", "Life & Culture"),
        (f"{base}/rss/kh_Kpop", "k-pop"),
    ]
    assert KH.feed_section(f"{base}/rss/kh_Business") == "Business"
    assert KH.feed_section(f"{base}/rss/kh_LifenCulture") == "Life & Culture"
    assert KH.feed_section(f"{base}/rss/newsAll") is None
    assert GenericSite("https://example.com").known_feeds("https://example.com", ["World"]) == []
