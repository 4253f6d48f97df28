"""Every saved page of every site parses to the values its expected.json holds.

Each directory under tests/fixtures/<site>/ is a case: the Korea Herald's and those of sites
read by the generic reader (a directory named after the host, e.g. ``example.com``). A
fixture is hand-written (``"synthetic": true`` in meta.json: its values derived by hand from
the markup) or recorded from a real page by ``newsbot fixture`` (``"recorded": true``). A
recorded fixture's values were copied from newsbot's own output: it fails here until a person
has checked them against the page and set ``"reviewed": true`` in its expected.json.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from urllib.parse import urlsplit

import pytest

from newsbot.fixtures import parse_article_page
from newsbot.sites.base import ParseError
from tests.conftest import Fixture, fixture_dirs, fixture_problems, load_fixture, review_problem

FIXTURES = [load_fixture(path) for path in fixture_dirs()]
CASES = [pytest.param(fixture, id=fixture.id) for fixture in FIXTURES]
KINDS = {"article", "list", "home"}


def cases(kind: str | None = None, has: str | None = None) -> list[object]:
    """The fixtures of one kind, or those whose expected.json has the key ``has``."""
    return [
        pytest.param(f, id=f.id)
        for f in FIXTURES
        if (kind is None or f.meta["kind"] == kind) and (has is None or has in f.expected)
    ]


def test_every_kind_and_layout_has_a_fixture():
    seen = {(f.meta["kind"], f.meta["layout"]) for f in FIXTURES if f.site.name == "koreaherald"}
    for layout in ("2023", "current"):
        for kind in KINDS:
            assert (kind, layout) in seen, f"no {kind} fixture for the {layout} layout"


@pytest.mark.parametrize("fixture", CASES)
def test_fixture_metadata(fixture: Fixture):
    assert fixture_problems(fixture) == []


@pytest.mark.parametrize("fixture", CASES)
def test_fixture_was_reviewed(fixture: Fixture):
    problem = review_problem(fixture)
    if problem is not None:
        pytest.fail(problem, pytrace=False)


@pytest.mark.parametrize("fixture", CASES)
def test_layout_is_detected_from_markup(fixture: Fixture):
    kind, site, page = fixture.meta["kind"], fixture.site, fixture.page
    assert kind in KINDS
    if kind == "article":  # what the spider reads it with: a layout of the site, else generic
        layout = site.article_layout(page) or site.fallback_layout
    elif kind == "list":
        layout = site.list_layout(page)
    else:
        return  # homepages are read by landmarks, not by layout
    assert (layout.name if layout else None) == fixture.meta["layout"]


@pytest.mark.parametrize("fixture", cases("article"))
def test_article_fields(fixture: Fixture):
    expected, section = fixture.expected, fixture.meta["section"]
    if "layout" in expected:  # none of the site's own layouts may claim the page
        assert fixture.site.article_layout(fixture.page) is None
        assert expected["layout"] is None
        return
    if "error" in expected:
        with pytest.raises(ParseError) as raised:
            parse_article_page(fixture.page, fixture.site, section)
        assert raised.value.reason == expected["error"]
        return
    item, layout = parse_article_page(fixture.page, fixture.site, section)
    article = asdict(item)
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
    if layout.name != "generic":
        # The exact per-layout parsers say nothing of provenance: that is the generic path's.
        assert article["provenance"] == {}
    assert set(article) - {"provenance"} == set(want) - {"provenance"} | (
        {"body"} if "body" not in want else set()
    )


@pytest.mark.parametrize("fixture", cases(has="popular"))
def test_most_popular(fixture: Fixture):
    ranks = fixture.site.popular(fixture.page)
    expected = fixture.expected["popular"]
    if expected is None:
        assert ranks is None
        return
    assert ranks is not None
    assert [(r.rank, r.title, r.article_id) for r in ranks] == [tuple(e) for e in expected]
    here = urlsplit(fixture.page.url)
    for rank in ranks:
        assert rank.site == fixture.site.name
        assert rank.list_name == "most_popular"
        assert rank.url is not None
        assert rank.url.endswith(rank.article_id or "<none>")
        assert rank.url.startswith(f"{here.scheme}://{here.netloc}/")
        assert rank.captured_at == fixture.page.crawled_at
        assert rank.source_url == fixture.page.url


@pytest.mark.parametrize("fixture", cases("list"))
def test_list_teasers_and_next_page(fixture: Fixture):
    layout = fixture.site.list_layout(fixture.page)
    assert layout is not None
    listing = layout.parse_list(fixture.page)
    got = [
        [t.url, t.article_id, t.published_on.isoformat() if t.published_on else None]
        for t in listing.teasers
    ]
    assert got == fixture.expected["teasers"]
    assert listing.next_url == fixture.expected["next_url"]


@pytest.mark.parametrize("fixture", cases("home"))
def test_home_sections(fixture: Fixture):
    sections = [[s.name, s.url] for s in fixture.site.sections(fixture.page)]
    assert sections == fixture.expected["sections"]
