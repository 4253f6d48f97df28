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
