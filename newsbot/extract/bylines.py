"""Bylines ("By A and B", "By Yonhap", "By Kim (kim@heraldcorp.com)") into author names."""

from __future__ import annotations

import re

from newsbot.extract.text import clean_text

_EMAIL_IN_PARENS = re.compile(r"\(\s*[^()\s]+@[^()\s]+\s*\)")
_EMAIL = re.compile(r"\S+@\S+")
_LEADING_BY = re.compile(r"^\s*by\s+", re.IGNORECASE)
# Names are separated by commas, "and" or "&"; "Kim and Lee" and "Kim, Lee and Park".
_SEPARATORS = re.compile(r"\s*(?:,|\band\b|&)\s*", re.IGNORECASE)


def authors_from_byline(byline: str | None) -> list[str]:
    """Split a byline into a list of names, dropping "By" and e-mail addresses."""
    text = clean_text(byline)
    if not text:
        return []
    text = _LEADING_BY.sub("", text)
    text = _EMAIL_IN_PARENS.sub(" ", text)
    text = _EMAIL.sub(" ", text)
    names = (clean_text(part) for part in _SEPARATORS.split(text))
    return [name for name in names if name]
