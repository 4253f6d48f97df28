"""Every saved Korea Herald page parses to the values checked by hand in its expected.json."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime

import pytest

from newsbot.sites import get_site
from newsbot.sites.base import ParseError
from tests.conftest import Fixture, fixture_dirs, load_fixture

SITE = get_site("koreaherald")
CASES = [pytest.param(load_fixture(path), id=path.name) for path in fixture_dirs()]
KINDS = {"article", "list", "home"}


def test_every_kind_and_layout_has_a_fixture():
    seen = {(case.values[0].meta["kind"], case.values[0].meta["layout"]) for case in CASES}
    for layout in ("2023", "current"):
        for kind in KINDS:
            assert (kind, layout) in seen, f"no {kind} fixture for the {layout} layout"


@pytest.mark.parametrize("fixture", CASES)
def test_layout_is_detected_from_markup(fixture: Fixture):
    kind = fixture.meta["kind"]
    assert kind in KINDS
    if kind == "article":
        layout = SITE.article_layout(fixture.page)
    elif kind == "list":
        layout = SITE.list_layout(fixture.page)
    else:
        return  # homepages are read by landmarks, not by layout
    assert (layout.name if layout else None) == fixture.meta["layout"]


@pytest.mark.parametrize("fixture", [c for c in CASES if c.values[0].meta["kind"] == "article"])
def test_article_fields(fixture: Fixture):
    layout = SITE.article_layout(fixture.page)
    expected = fixture.expected
    if "layout" in expected:
        assert layout is None
        return
    assert layout is not None
    if "error" in expected:
        with pytest.raises(ParseError) as raised:
            layout.parse_article(fixture.page, fixture.meta["section"])
        assert raised.value.reason == expected["error"]
        return
    article = asdict(layout.parse_article(fixture.page, fixture.meta["section"]))
    want = dict(expected["article"])
    paragraphs = article["body"].split("\n\n")
    if "body_paragraphs" in want:
        assert len(paragraphs) == want.pop("body_paragraphs")
        assert paragraphs[0].startswith(want.pop("body_starts"))
        assert paragraphs[-1].endswith(want.pop("body_ends"))
    for name in ("published_at", "updated_at", "crawled_at"):
        if want[name] is not None:
            want[name] = datetime.fromisoformat(want[name])
            # Same instant and the same offset the page implies (KST for published/updated).
            assert article[name].utcoffset() == want[name].utcoffset(), name
    got = {name: article[name] for name in want}
    assert got == want
    # The exact per-layout parsers say nothing of provenance: that is the generic path's.
    assert article.pop("provenance") == {}
    assert set(article) == set(want) | ({"body"} if "body" not in want else set())


@pytest.mark.parametrize("fixture", [c for c in CASES if "popular" in c.values[0].expected])
def test_most_popular(fixture: Fixture):
    ranks = SITE.popular(fixture.page)
    expected = fixture.expected["popular"]
    if expected is None:
        assert ranks is None
        return
    assert ranks is not None
    assert [(r.rank, r.title, r.article_id) for r in ranks] == [tuple(e) for e in expected]
    for rank in ranks:
        assert rank.site == "koreaherald"
        assert rank.list_name == "most_popular"
        assert rank.url is not None
        assert rank.url.endswith(rank.article_id or "<none>")
        assert rank.url.startswith("https://www.koreaherald.com/")
        assert rank.captured_at == fixture.page.crawled_at
        assert rank.source_url == fixture.page.url


@pytest.mark.parametrize("fixture", [c for c in CASES if c.values[0].meta["kind"] == "list"])
def test_list_teasers_and_next_page(fixture: Fixture):
    layout = SITE.list_layout(fixture.page)
    assert layout is not None
    listing = layout.parse_list(fixture.page)
    got = [
        [t.url, t.article_id, t.published_on.isoformat() if t.published_on else None]
        for t in listing.teasers
    ]
    assert got == fixture.expected["teasers"]
    assert listing.next_url == fixture.expected["next_url"]


@pytest.mark.parametrize("fixture", [c for c in CASES if c.values[0].meta["kind"] == "home"])
def test_home_sections(fixture: Fixture):
    sections = [[s.name, s.url] for s in SITE.sections(fixture.page)]
    assert sections == fixture.expected["sections"]
