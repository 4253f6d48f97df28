"""The known layouts' parsers on what the replica's templates serve: boxes inside the body
container, photos between paragraphs, a visible date line where structured data falls short.

Each case edits a hand-checked fixture page and states what a reader of the edited page sees.
"""

from __future__ import annotations

from dataclasses import asdict

from newsbot.page import Page
from newsbot.sites import get_site
from tests.conftest import FIXTURES, load_fixture

SITE = get_site("koreaherald")


def parse(name: str, edit) -> tuple[dict, dict]:
    """The fixture page ``name`` edited by ``edit(html)``, parsed; and its expected article."""
    fixture = load_fixture(FIXTURES / "koreaherald" / name)
    html = edit((FIXTURES / "koreaherald" / name / "page.html").read_text(encoding="utf-8"))
    page = Page.from_html(fixture.page.url, html, fixture.page.crawled_at)
    article = asdict(SITE.article_layout(page).parse_article(page, fixture.meta["section"]))
    return article, fixture.expected["article"]


def replace_once(html: str, old: str, new: str) -> str:
    assert old in html
    return html.replace(old, new, 1)


# An ad, a photo with its caption and a related-article box inside the 2023 text box, between
# the paragraphs: none of their text is body text.
BOXES_2023 = (
    '<div class="ad_wrap"><p class="ad_txt">AD</p></div>'
    '<div class="img_box"><img src="/content/image/2024/03/12/20240312000388_1.jpg">'
    '<p class="img_caption">The port of Busan. (Yonhap)</p></div>'
    '<div class="related_news"><p class="related_tit">Related Articles</p>'
    '<ul><li><a href="view.php?ud=20240311000100">Busan bets on its port</a></li></ul></div>'
)


def test_2023_boxes_inside_the_text_box_are_not_body():
    article, want = parse(
        "article-2023-updated-two-authors",
        lambda html: replace_once(html, "<p>&nbsp;</p>", "<p>&nbsp;</p>" + BOXES_2023),
    )
    assert article["body"] == want["body"]
    assert article["images"] == [
        *want["images"],
        {
            "url": "https://www.koreaherald.com/content/image/2024/03/12/20240312000388_1.jpg",
            "caption": "The port of Busan. (Yonhap)",
        },
    ]


# The current layout's visible date line. Its markup is unknown on the live site; the replica
# prints "Published : … Updated : …" under the byline, and these pages use other markup.
JSONLD_PAGE = "article-current-jsonld"
BYLINE = "<p>By Kim So-hyun and Song Seung-hyun</p>"


def with_date_line(line: str):
    return lambda html: replace_once(
        html, BYLINE, f'{BYLINE}<div class="info"><em>{line}</em></div>'
    )


def test_current_visible_update_time_wins_over_a_stale_json_ld_date_modified():
    # JSON-LD says 14:02; the page shows readers an update at 16:45: the page is right.
    article, want = parse(
        JSONLD_PAGE,
        with_date_line("Published : Dec. 15, 2025 - 09:30 Updated : Dec. 15, 2025 - 16:45"),
    )
    assert article["updated_at"].isoformat() == "2025-12-15T16:45:00+09:00"
    assert article["published_at"].isoformat() == want["published_at"]


def test_current_visible_update_time_where_json_ld_has_no_date_modified():
    def edit(html: str) -> str:
        html = replace_once(html, ',"dateModified":"2025-12-15T14:02:00"', "")
        return with_date_line("Published : Dec. 15, 2025 - 09:30 Updated : Dec. 15, 2025 - 14:02")(
            html
        )

    article, want = parse(JSONLD_PAGE, edit)
    assert article["updated_at"].isoformat() == want["updated_at"] == "2025-12-15T14:02:00+09:00"


def test_current_json_ld_date_modified_stands_when_the_page_shows_no_update():
    article, want = parse(JSONLD_PAGE, with_date_line("Published : Dec. 15, 2025 - 09:30"))
    assert article["updated_at"].isoformat() == want["updated_at"]


def test_current_page_without_structured_data_is_dated_by_its_date_line():
    # The migrated story without usable JSON-LD loses its article:published_time too: the
    # visible line under the byline is all that dates it.
    def edit(html: str) -> str:
        html = replace_once(
            html, '<meta property="article:published_time" content="2022-04-20T16:41:00">', ""
        )
        return replace_once(
            html,
            "(consnow@heraldcorp.com)</span>",
            "(consnow@heraldcorp.com)</span><span class='time'>Published : April 20, 2022 - "
            "16:41</span>",
        )

    article, want = parse("article-current-fallback", edit)
    assert (
        article["published_at"].isoformat() == want["published_at"] == "2022-04-20T16:41:00+09:00"
    )
    assert article["updated_at"] is None
    assert article["authors"] == want["authors"]
