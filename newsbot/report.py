"""``newsbot report``: one self-contained HTML page of what the archive holds.

Most Popular rank trajectories, crawl health over time and the latest articles per
section, with the charts drawn by matplotlib as inline SVG: the page needs no script, no
CDN and no network, and every text from the database is escaped.
"""

from __future__ import annotations

from datetime import timedelta


def human_duration(duration: timedelta) -> str:
    """A duration as people write it: ``3 h 20 min``, ``2 d 1 h``, ``45 s``.

    Minutes are the finest unit from one minute on; seconds only below that.
    """
    seconds = int(duration.total_seconds())
    if seconds < 60:
        return f"{max(seconds, 0)} s"
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    parts = [f"{days} d"] if days else []
    if hours:
        parts.append(f"{hours} h")
    if minutes and not days:  # minutes add nothing a reader needs beside days
        parts.append(f"{minutes} min")
    return " ".join(parts)
