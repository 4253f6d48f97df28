"""Which hosts belong to a site: what its rendered pages may load from."""

from __future__ import annotations

from types import SimpleNamespace

from scrapy.utils.test import get_crawler

from newsbot.browser import SiteOnly
from newsbot.sites.base import on_domains
from newsbot.sites.koreaherald import KoreaHerald


def test_a_domain_covers_its_subdomains_and_nothing_that_merely_ends_like_it():
    assert on_domains("koreaherald.com", ["koreaherald.com"])
    assert on_domains("m.koreaherald.com", ["koreaherald.com"])
    assert on_domains("WWW.KoreaHerald.com.", ["koreaherald.com"])
    assert not on_domains("evilkoreaherald.com", ["koreaherald.com"])
    assert not on_domains("koreaherald.com.example", ["koreaherald.com"])
    assert not on_domains("", ["koreaherald.com"])


def test_the_live_site_keeps_its_domains_and_a_replica_only_its_own_host():
    site = KoreaHerald()
    assert site.domains_for("https://www.koreaherald.com") == site.domains
    assert "res.heraldm.com" in site.domains
    assert site.domains_for("http://127.0.0.1:8023") == ("127.0.0.1",)
    assert site.domains_for("https://koreaherald.example.org") == ("koreaherald.example.org",)


def test_the_browser_guard_refuses_other_hosts_and_skipped_resources():
    crawler = get_crawler()
    guard = SiteOnly(crawler, KoreaHerald.domains)

    def request(url: str, kind: str = "script") -> SimpleNamespace:
        return SimpleNamespace(url=url, resource_type=kind)

    assert not guard(request("https://www.koreaherald.com/js/popular.js"))
    assert not guard(request("data:text/javascript,1"))
    assert guard(request("https://www.koreaherald.com/logo.png", "image"))
    assert guard(request("https://tracker.example.net/collect", "fetch"))
    assert guard(request("https://wimg.heraldcorp.com.evil.net/x.js"))
    assert crawler.stats.get_value("newsbot/browser/aborted_offsite") == 2
