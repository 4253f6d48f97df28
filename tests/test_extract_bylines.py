import pytest

from newsbot.extract.bylines import authors_from_byline


@pytest.mark.parametrize(
    ("byline", "authors"),
    [
        ("By Yonhap", ["Yonhap"]),
        ("By Kim So-hyun (sophie@heraldcorp.com)", ["Kim So-hyun"]),
        ("By Park Han-na and Lee Jung-joo", ["Park Han-na", "Lee Jung-joo"]),
        (
            "By Choi Si-young, Lee Jung-joo and Song Seung-hyun",
            ["Choi Si-young", "Lee Jung-joo", "Song Seung-hyun"],
        ),
        ("by  Jo He-rim & Kim Arin ", ["Jo He-rim", "Kim Arin"]),
        ("Son Ji-hyoung consnow@heraldcorp.com", ["Son Ji-hyoung"]),
        ("Kim Arin", ["Kim Arin"]),
        ("Alexandra Anderson", ["Alexandra Anderson"]),  # "and" inside a name is not a separator
        ("", []),
        (None, []),
    ],
)
def test_byline_to_names(byline, authors):
    assert authors_from_byline(byline) == authors
