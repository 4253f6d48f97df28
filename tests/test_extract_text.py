"""Text of script, style, noscript and template elements never enters a field."""

from __future__ import annotations

import re
from dataclasses import asdict

import pytest
from parsel import Selector

from newsbot.extract.landmarks import byline_after, byline_in, ranked_links_after_heading
from newsbot.extract.text import clean_text, node_text, node_texts
from newsbot.page import Page
from newsbot.sites import get_site
from tests.conftest import FIXTURES, load_fixture

SITE = get_site("koreaherald")
HIDDEN = [
    "<script>var ad = 'By Adman';</script>",
    "<style>h1 { color: red }</style>",
    "<noscript>Enable JavaScript</noscript>",
    "<template><p>Template text</p></template>",
]


@pytest.mark.parametrize("hidden", HIDDEN)
def test_node_text_skips_hidden_elements_but_keeps_their_tails(hidden):
    root = Selector(text=f"<body><h1>Korea {hidden}wins <b>gold</b> {hidden}</h1></body>")
    assert node_text(root.css("h1")) == "Korea wins gold "
    assert node_texts(root.css("h1")) == ["Korea wins gold "]


def test_node_text_of_a_hidden_element_is_empty():
    root = Selector(text="<body><script>var x = 1;</script></body>")
    assert node_text(root.css("script")) == ""


def test_landmarks_skip_hidden_text():
    root = Selector(
        text="<body><h2>Most Popular</h2><ol><li><a href='/article/1'>1 "
        "<script>document.write('Ad')</script>Title one</a></li></ol>"
        "<div class='area'><h1>T</h1><script>var by = 'By Adman';</script>"
        "<p>By Kim So-hyun</p></div>"
        "<h1 id='x'>Headline</h1><style>p:before{content:'By Nobody'}</style><p>By Lee</p></body>"
    )
    ranked = ranked_links_after_heading(root, "Most Popular", lambda href: True)
    assert [(r.rank, r.title) for r in ranked] == [(1, "Title one")]
    assert byline_in(root.css("div.area")[0]) == "Kim So-hyun"
    assert byline_after(root.css("h1#x")[0]) == "Lee"


def inject(html: str, after: str, hidden: str) -> str:
    assert after in html
    return html.replace(after, after + hidden, 1)


@pytest.mark.parametrize("hidden", HIDDEN)
def test_current_article_fields_skip_hidden_text(hidden):
    name = "article-current-fallback"
    fixture = load_fixture(FIXTURES / "koreaherald" / name)
    html = (FIXTURES / "koreaherald" / name / "page.html").read_text()
    html = re.sub(r'<meta property="og:title"[^>]*>', "", html)  # the title comes from the h1
    html = inject(html, "<h1>[KH Explains] ", hidden)
    html = inject(html, "</h1>", hidden)  # before the byline line
    html = inject(html, "<p>Tenants in Seoul ", hidden)
    page = Page.from_html(fixture.page.url, html, fixture.page.crawled_at)
    article = asdict(SITE.article_layout(page).parse_article(page, fixture.meta["section"]))
    want = fixture.expected["article"]
    assert (article["title"], article["body"]) == (want["title"], want["body"])
    assert article["authors"] == want["authors"]


@pytest.mark.parametrize("hidden", HIDDEN)
def test_2023_article_fields_skip_hidden_text(hidden):
    name = "article-2023-updated-two-authors"
    fixture = load_fixture(FIXTURES / "koreaherald" / name)
    html = (FIXTURES / "koreaherald" / name / "page.html").read_text()
    want = fixture.expected["article"]
    html = inject(html, '<h1 class="news_title">  [Herald Interview] ', hidden)
    html = inject(html, '<p class="news_date">', hidden)  # the title area's date line
    page = Page.from_html(fixture.page.url, html, fixture.page.crawled_at)
    article = asdict(SITE.article_layout(page).parse_article(page, fixture.meta["section"]))
    assert article["title"] == want["title"]
    assert article["authors"] == want["authors"]
    assert article["published_at"].isoformat() == want["published_at"]


def test_section_names_and_popular_titles_skip_hidden_text():
    page = Page.from_html(
        "https://www.koreaherald.com/",
        "<body><ul class='gnb'><li><a href='/National'>National<script>x()</script></a></li>"
        "</ul><h2>Most Popular</h2><ol><li><a href='/article/1234567'>"
        "<style>.a{}</style>Title</a></li></ol></body>",
    )
    assert [s.name for s in SITE.sections(page)] == ["National"]
    assert [r.title for r in SITE.popular(page) or []] == ["Title"]


# A <br> is a line break the reader sees: the words on either side stay apart. Fields hold
# single-spaced text, so after cleaning the break is one space.
@pytest.mark.parametrize("br", ["<br>", "<br/>", "<br />", "<BR>"])
def test_a_line_break_keeps_words_apart(br):
    root = Selector(
        text=f"<body><p><strong>14:30</strong>{br}Officials said so.{br}More.</p></body>"
    )
    assert node_text(root.css("p")) == "14:30\nOfficials said so.\nMore."
    assert clean_text(node_texts(root.css("p"))[0]) == "14:30 Officials said so. More."


def test_a_line_break_with_a_tail_inside_hidden_markup_stays_hidden():
    root = Selector(text="<body><p>Seen<noscript>hidden<br>gone</noscript>.</p></body>")
    assert node_text(root.css("p")) == "Seen."


@pytest.mark.parametrize("name", ["article-2023-updated-two-authors", "article-current-jsonld"])
def test_a_line_break_in_a_body_paragraph_reads_as_a_space(name):
    fixture = load_fixture(FIXTURES / "koreaherald" / name)
    html = (FIXTURES / "koreaherald" / name / "page.html").read_text()
    first = fixture.expected["article"]["body"].split("\n\n")[0]  # "SEOUL -- South Korea’s …"
    assert first in html
    served = html.replace(first, first.replace("-- ", "--<br>", 1), 1)
    page = Page.from_html(fixture.page.url, served, fixture.page.crawled_at)
    article = SITE.article_layout(page).parse_article(page, fixture.meta["section"])
    assert article.body == fixture.expected["article"]["body"]


# The texts after an element, walked lazily; XPath's ``following::text()`` with the hidden
# ones left out is the definition (it lists the rest of the page first, so it is not used).
AFTER_PAGE = """<html><head><title>T</title></head><body>
<div><span>before</span><h1>Head <b>inner</b></h1> tail of h1
  <p>By Jane <!-- note --> Doe</p><script>var a = 'By Adman';</script> after script
  <noscript><p>enable</p></noscript>
  <div><p>   </p><p>Published : Dec. 15, 2025 - 09:30<br>Updated</p></div>
</div> tail of div <template><h1>In a template</h1> after the inner heading</template>
<footer>end</footer></body></html>"""


@pytest.mark.parametrize("heading", ["//body/div/h1", "//template/h1", "//h1/b", "//footer"])
def test_texts_after_are_the_visible_text_nodes_after_an_element(heading):
    from newsbot.extract.text import NOT_HIDDEN, texts_after

    element = Selector(text=AFTER_PAGE).xpath(heading)[0]
    expected = element.xpath(f"following::text()[{NOT_HIDDEN}]").getall()

    found = [text for text, _ in texts_after(element.root)]

    assert found == expected
    assert "var a" not in "".join(found)


def test_texts_after_name_the_element_each_text_is_shown_in():
    from newsbot.extract.text import texts_after

    element = Selector(text=AFTER_PAGE).xpath("//body/div/h1")[0]

    holders = {text.strip(): holder.tag for text, holder in texts_after(element.root)}

    assert holders["tail of h1"] == "div"  # a tail is shown in the element around it
    assert holders["By Jane"] == "p"
    assert holders["tail of div"] == "body"


def test_a_page_answers_a_repeated_selection_without_searching_again():
    page = Page.from_html(
        "https://example.com/a", "<html><body><div class='x'>a</div></body></html>"
    )

    assert page.css("div.x") is page.css("div.x")
    assert page.css("div.x").getall() == ['<div class="x">a</div>']
    assert page.css("div.y") is page.css("div.y")
