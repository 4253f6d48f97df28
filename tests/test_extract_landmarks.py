from parsel import Selector

from newsbot.extract.landmarks import byline_after, byline_in, ranked_links_after_heading


def is_article(href: str) -> bool:
    return "/article/" in href


def test_no_heading_is_none():
    root = Selector(text="<body><h2>Latest</h2><ul><li><a href='/article/1'>x</a></li></ul>")
    assert ranked_links_after_heading(root, "Most Popular", is_article) is None


def test_heading_with_empty_list_is_empty():
    root = Selector(
        text="<body><h2>Most Popular</h2><ol></ol>"
        "<ul><li><a href='/article/1'>x</a></li></ul></body>"
    )
    assert ranked_links_after_heading(root, "Most Popular", is_article) == []


def test_heading_text_ignores_case_and_spacing():
    root = Selector(
        text="<body><p><span> MOST   popular </span></p>"
        "<ol><li><a href='/article/7'>Seven</a></li></ol></body>"
    )
    ranked = ranked_links_after_heading(root, "Most Popular", is_article)
    assert [(r.rank, r.title, r.href) for r in ranked] == [(1, "Seven", "/article/7")]


def test_only_article_links_count_and_printed_rank_wins():
    root = Selector(
        text="""<body><h3>Most Popular</h3><ul>
        <li><a href='/ad'>Advert</a></li>
        <li><a href='/article/5'><em>04</em> Fourth</a></li>
        <li><a href='/article/6'>No number</a></li></ul></body>"""
    )
    ranked = ranked_links_after_heading(root, "Most Popular", is_article)
    assert [(r.rank, r.title) for r in ranked] == [(4, "Fourth"), (2, "No number")]


def test_byline_in_block_stops_before_published():
    block = Selector(
        text="<div><h1>Title By Nobody</h1><span>By Yonhap</span>"
        "<p>Published : Sept. 11, 2023 - 20:38</p></div>"
    ).css("div")[0]
    assert byline_in(block) == "Yonhap"


def test_byline_in_block_when_run_together():
    block = Selector(text="<div><p>By YonhapPublished : Sept. 11, 2023 - 20:38</p></div>").css(
        "div"
    )[0]
    assert byline_in(block) == "Yonhap"


def test_no_byline_is_none():
    block = Selector(
        text="<div><h1>By the sea</h1><p>Published : Sept. 11, 2023 - 20:38</p></div>"
    ).css("div")[0]
    assert byline_in(block) is None


def test_byline_after_heading_within_window():
    root = Selector(text="<body><h1>T</h1><p>x</p><p>By Kim Arin</p></body>")
    assert byline_after(root.css("h1")[0]) == "Kim Arin"
    far = Selector(text="<body><h1>T</h1>" + "<p>x</p>" * 10 + "<p>By Kim Arin</p></body>")
    assert byline_after(far.css("h1")[0]) is None
