"""``newsbot report``: one self-contained HTML page of what the archive holds.

Most Popular rank trajectories, crawl health over time and the latest articles per
section, with the charts drawn by matplotlib as inline SVG: the page needs no script, no
CDN and no network, and every text from the database is escaped.
"""

from __future__ import annotations

import html
import io
import math
from contextlib import AbstractContextManager
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

from matplotlib import rc_context
from matplotlib.dates import DateFormatter, date2num
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator
from sqlalchemy import Engine

from newsbot.sites import site_timezone
from newsbot.storage.queries import (
    CrawlHealth,
    RankTrajectory,
    crawl_health,
    latest_by_section,
    top_trajectories,
)


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


def build_report(
    engine: Engine,
    since: datetime,
    *,
    site: str | None = None,
    stories: int = 10,
    per_section: int = 5,
    now: datetime | None = None,
) -> str:
    """The report page for the period from ``since``: one HTML document, nothing external."""
    generated = now or datetime.now(UTC)
    trajectories = top_trajectories(engine, since, site=site, stories=stories)
    health = crawl_health(engine, since)
    latest = latest_by_section(engine, site=site, per_section=per_section)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        # No script, no external resource: the page reads the same offline and in a mail.
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; img-src data:\">",
        f"<title>newsbot report{_escape(' — ' + site if site else '')}</title>",
        f"<style>{_STYLE}</style></head><body>",
        f"<h1>newsbot report{_escape(' — ' + site if site else '')}</h1>",
        f"<p>Since {_escape(_when(since))}; generated {_escape(_when(generated))}.</p>",
        *_popular_sections(trajectories),
        *_health_section(health),
        *_latest_section(latest),
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


_STYLE = (
    "body{font-family:sans-serif;max-width:75em;margin:1em auto;padding:0 1em}"
    "table{border-collapse:collapse;margin:.5em 0 1.5em}"
    "td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left;vertical-align:top}"
    "td.n{text-align:right}.failed{color:#b00}figure{margin:0}svg{max-width:100%;height:auto}"
)


def _escape(text: object) -> str:
    return html.escape(str(text), quote=True)


def _when(moment: datetime, zone: ZoneInfo | None = None) -> str:
    return moment.astimezone(zone or ZoneInfo("UTC")).strftime("%Y-%m-%d %H:%M %Z")


def _popular_sections(trajectories: list[RankTrajectory]) -> list[str]:
    parts = ["<h2>Most Popular: rank over time</h2>"]
    lists: dict[tuple[str, str], list[RankTrajectory]] = {}
    for line in trajectories:
        lists.setdefault((line.site, line.list_name), []).append(line)
    if not lists:
        parts.append("<p>No ranking list was captured in this period.</p>")
    for (site, list_name), lines in lists.items():
        zone = site_timezone(site)
        chart_id = f"rank-chart-{site}-{list_name}"
        parts.append(f"<h3>{_escape(site)}: {_escape(list_name)}</h3>")
        parts.append(
            f'<figure class="chart rank-chart" id="{_escape(chart_id)}">'
            f"{_rank_chart(lines, zone)}</figure>"
        )
        parts.append(
            "<table><tr><th>Story</th><th>Best rank</th><th>Captures</th>"
            "<th>Time in the list</th><th>First seen</th><th>Last seen</th></tr>"
        )
        for line in lines:
            captures = len(line.points)
            stay = human_duration(line.time_in_list) if captures > 1 else "a single capture"
            parts.append(
                f"<tr><td>{_escape(line.title)}</td><td class=n>{line.best_rank}</td>"
                f"<td class=n>{captures}</td><td>{_escape(stay)}</td>"
                f"<td>{_escape(_when(line.points[0][0], zone))}</td>"
                f"<td>{_escape(_when(line.points[-1][0], zone))}</td></tr>"
            )
        parts.append("</table>")
    return parts


def _rank_chart(lines: list[RankTrajectory], zone: ZoneInfo) -> str:
    """Rank against capture time, rank 1 at the top; one line (with markers) per story."""
    with _chart_style():  # read as the texts are made, not when saved
        figure = Figure(figsize=(11, 5.5))
        axes = figure.add_subplot()
        for index, line in enumerate(lines):
            times, ranks = _with_gaps(line)
            label = f"#{line.best_rank} {_shorten(line.title)}"
            (drawn,) = axes.plot(times, ranks, marker="o", markersize=3, label=label)
            drawn.set_gid(f"rank-series-{index}")
        worst = max(rank for line in lines for _, rank in line.points)
        axes.set_ylim(worst + 0.5, 0.5)  # rank 1 at the top
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        axes.set_ylabel("rank")
        axes.set_xlabel(f"capture time ({zone.key})")
        axes.xaxis.set_major_formatter(DateFormatter("%m-%d %H:%M", tz=zone))
        axes.grid(alpha=0.3)
        legend = axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize="small")
        legend.set_gid("rank-legend")
        figure.autofmt_xdate()
        return _svg(figure)


def _with_gaps(line: RankTrajectory) -> tuple[list[float], list[float]]:
    """The line's points, broken (NaN) wherever a capture in between did not list the story."""
    following = dict(pairwise(line.list_captures))
    times: list[float] = []
    ranks: list[float] = []
    for (when, rank), (after, _) in zip(line.points, [*line.points[1:], (None, 0)], strict=True):
        times.append(float(date2num(when)))
        ranks.append(rank)
        if after is not None and following.get(when) != after:  # it left the list meanwhile
            times.append(math.nan)
            ranks.append(math.nan)
    return times, ranks


def _health_section(health: list[CrawlHealth]) -> list[str]:
    parts = ["<h2>Crawl health</h2>"]
    if not health:
        return [*parts, "<p>No crawl started in this period.</p>"]
    parts.append(f'<figure class="chart" id="health-chart">{_health_chart(health)}</figure>')
    parts.append(
        "<table><tr><th>Started (UTC)</th><th>Spider</th><th>Finish</th><th>New</th>"
        "<th>Revised</th><th>Lost</th><th>Rejected</th><th>Monitors</th></tr>"
    )
    for run in health:
        verdict = _escape(run.monitors)
        if run.failures:
            verdict += ": " + "; ".join(_escape(failure) for failure in run.failures)
        css = ' class="failed"' if run.monitors == "failed" else ""
        parts.append(
            f"<tr><td>{_escape(_when(run.started_at))}</td><td>{_escape(run.spider)}</td>"
            f"<td>{_escape(run.finish_reason or 'unfinished')}</td><td class=n>{run.new}</td>"
            f"<td class=n>{run.revised}</td><td class=n>{run.lost}</td>"
            f"<td class=n>{run.rejected}</td><td{css}>{verdict}</td></tr>"
        )
    parts.append("</table>")
    return parts


HEALTH_SERIES = ("new", "revised", "lost", "rejected")


def _health_chart(health: list[CrawlHealth]) -> str:
    """Counts per crawl over time, and a red mark under each crawl whose monitors failed."""
    with _chart_style():  # read as the texts are made, not when saved
        figure = Figure(figsize=(11, 4))
        axes = figure.add_subplot()
        starts = [date2num(run.started_at) for run in health]
        for name in HEALTH_SERIES:
            counts = [getattr(run, name) for run in health]
            (drawn,) = axes.plot(starts, counts, marker="o", markersize=3, label=f"articles {name}")
            drawn.set_gid(f"health-series-{name}")
        failed = [date2num(run.started_at) for run in health if run.monitors == "failed"]
        if failed:
            marks = axes.scatter(failed, [0] * len(failed), marker="x", color="red", zorder=3,
                                 label="monitors failed")  # fmt: skip
            marks.set_gid("health-monitors-failed")
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        axes.set_ylabel("per crawl")
        axes.set_xlabel("crawl start (UTC)")
        axes.xaxis.set_major_formatter(DateFormatter("%m-%d %H:%M", tz=ZoneInfo("UTC")))
        axes.grid(alpha=0.3)
        axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize="small")
        figure.autofmt_xdate()
        return _svg(figure)


def _latest_section(rows: list[dict[str, Any]]) -> list[str]:
    parts = ["<h2>Latest articles per section</h2>"]
    if not rows:
        return [*parts, "<p>No article stored.</p>"]
    current: tuple[str, str | None] | None = None
    for row in rows:
        key = (row["site"], row["section"])
        if key != current:
            if current is not None:
                parts.append("</ul>")
            current = key
            parts.append(f"<h3>{_escape(row['site'])}: {_escape(row['section'] or '-')}</h3><ul>")
        when = _when(row["published_at"], site_timezone(row["site"]))
        parts.append(
            f'<li>{_escape(when)} <a href="{_escape(_safe_link(row["url"]))}">'
            f"{_escape(row['title'])}</a></li>"
        )
    parts.append("</ul>")
    return parts


def _safe_link(url: str) -> str:
    """Only web links: a stored ``javascript:`` URL must not become a live link."""
    return url if url.lower().startswith(("http://", "https://")) else "#"


def _shorten(title: str, limit: int = 60) -> str:
    return title if len(title) <= limit else title[: limit - 1] + "…"


# Text stays text (searchable, escaped by matplotlib's SVG writer); a "$" in a headline is
# a dollar sign, not the start of TeX.
def _chart_style() -> AbstractContextManager[None]:
    return rc_context({"svg.fonttype": "none", "text.parse_math": False})


def _svg(figure: Figure) -> str:
    """The figure as an SVG element to inline: text kept as text, titles never read as TeX."""
    buffer = io.StringIO()
    with _chart_style():
        figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    document = buffer.getvalue()
    return document[document.index("<svg") :]
