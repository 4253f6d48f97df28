"""Layout drift: the replica serves markup newsbot does not know, one change per mode.

Each mode breaks what one field (or the section lists) is read from, so that every monitoring
rule can be shown failing on a real crawl. ``redesign`` is the original ``--drift``.
"""

from __future__ import annotations

from collections.abc import Iterable

# mode -> (the layout that serves it, what changes)
DRIFT_MODES = {
    "redesign": (
        "2023",
        "the byline moves to the reporter box; one article page in four renames its containers",
    ),
    "title": ("2023", "the headline's h1 loses its news_title class"),
    "published_at": ("2023", 'the date line says "Posted" instead of "Published"'),
    "authors": ("2023", "the byline moves out of the title area into the reporter box"),
    "body": ("2023", "paragraphs move from div.text_box to div.article_text"),
    "list": ("2023", "list teasers link with a.article_link instead of a.news_link"),
    "section": ("current", "the navigation no longer marks the article's section (li.on)"),
}


def drift_modes(drift: bool | str | Iterable[str] | None, layout: str) -> frozenset[str]:
    """The drift modes asked for: ``True`` is ``redesign``, a string may list several ("a,b").

    Raises ValueError for a mode that does not exist or that ``layout`` does not serve.
    """
    if drift is None or drift is False:
        return frozenset()
    if drift is True:
        names: Iterable[str] = ("redesign",)
    elif isinstance(drift, str):
        names = drift.split(",")
    else:
        names = drift
    modes = frozenset(name.strip() for name in names if name.strip())
    for mode in sorted(modes):
        if mode not in DRIFT_MODES:
            raise ValueError(f"unknown drift {mode!r} (known: {', '.join(DRIFT_MODES)})")
        if DRIFT_MODES[mode][0] != layout:
            raise ValueError(f"drift {mode!r} is served by the {DRIFT_MODES[mode][0]} layout")
    return modes
