"""Scrapy add-on: ``NEWSBOT_*`` settings from the environment or ``-s``, and derived paths.

The paths (feeds, stats, report, rejects, spool, SQLite file) follow ``NEWSBOT_EXPORTS_DIR``
whichever way it came.

settings.py holds defaults only: what it computed from ``os.environ`` at import time could not
see ``-s`` (nor Scrapyd's ``setting=``, which becomes ``-s``). Order of precedence, highest
first: ``-s`` (and a spider's ``custom_settings``), the environment, settings.py, the paths
derived here.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from scrapy.settings import BaseSettings, Settings, get_settings_priority

PREFIX = "NEWSBOT_"
PROJECT = get_settings_priority("project")

# Left None in settings.py and filled here from the final NEWSBOT_EXPORTS_DIR, unless set.
DERIVED_PATHS = {
    "NEWSBOT_DATABASE_URL": "sqlite:///{exports}/newsbot.sqlite3",
    "NEWSBOT_REJECTS_FILE": "{exports}/%(name)s/rejects-%(time)s.jsonl",
    "NEWSBOT_REPORT_FILE": "{exports}/%(name)s/report-%(time)s.json",
    "NEWSBOT_SPOOL_DIR": "{exports}/spool",
    "NEWSBOT_STATS_FILE": "{exports}/%(name)s/stats-%(time)s.json",
}
# Empty means "the default" for these (the others turn their file off when empty).
CANNOT_BE_OFF = {"NEWSBOT_DATABASE_URL", "NEWSBOT_SPOOL_DIR"}
# One JSON-lines feed per item class and crawl.
FEED_FILES = {
    "{exports}/%(name)s/articles-%(time)s.jsonl": "newsbot.items.Article",
    "{exports}/%(name)s/popular-%(time)s.jsonl": "newsbot.items.PopularRank",
}
# Scrapy's consoles, each switched off in settings.py: an extension of one left off is not even
# loaded (the remote control's module imports aiohttp's web server, about 0.1 s of a crawl's
# start). Turning one on with its setting brings its extension back.
CONSOLES = {
    "REMOTE_CONTROL_ENABLED": "scrapy.extensions.remote_control.RemoteControl",
    "TELNETCONSOLE_ENABLED": "scrapy.extensions.telnet.TelnetConsole",
}
# Scrapy settings that newsbot names give a value to.
SCRAPY_ALIASES = {"NEWSBOT_LOG_LEVEL": "LOG_LEVEL", "NEWSBOT_USER_AGENT": "USER_AGENT"}
_FALSE = {"", "0", "false", "no", "off"}
_TRUE = {"1", "true", "yes", "on"}


def apply_environment(settings: BaseSettings, environ: Mapping[str, str] | None = None) -> None:
    """Give every ``NEWSBOT_*`` environment variable to the setting of its name.

    At settings.py's priority, so ``-s`` and ``custom_settings`` still win; a value already
    taken from there is left alone. Booleans accept the usual words (``0``, ``false``, empty…).
    """
    environ = os.environ if environ is None else environ
    for name, value in environ.items():
        if not name.startswith(PREFIX) or not _below_project(settings, name):
            continue
        settings.set(name, _typed(name, value, settings.get(name)), PROJECT)
    for name, scrapy_name in SCRAPY_ALIASES.items():
        value = settings.get(name)
        if value and _below_project(settings, scrapy_name):
            settings.set(scrapy_name, value, settings.getpriority(name) or PROJECT)


def derive_paths(settings: BaseSettings) -> None:
    """Fill the feeds and the file settings nobody set from ``NEWSBOT_EXPORTS_DIR``."""
    exports = str(settings.get("NEWSBOT_EXPORTS_DIR") or "exports").rstrip("/") or "/"
    for name, template in DERIVED_PATHS.items():
        value = settings.get(name)
        if value is None or (value == "" and name in CANNOT_BE_OFF):
            settings.set(name, template.format(exports=exports), settings.getpriority(name) or 0)
    if not settings.getdict("FEEDS") and _below_project(settings, "FEEDS"):
        feeds = {
            template.format(exports=exports): {
                "format": "jsonlines",
                "item_classes": [item_class],
                "store_empty": False,
            }
            for template, item_class in FEED_FILES.items()
        }
        settings.set("FEEDS", feeds, PROJECT)


def drop_consoles_turned_off(settings: BaseSettings) -> None:
    """Leave out the extension of each console whose setting is off (see ``CONSOLES``).

    Taken out of ``EXTENSIONS_BASE``: Scrapy imports every class named in ``EXTENSIONS`` to
    compare names, even one set to None.
    """
    base = settings["EXTENSIONS_BASE"]
    for setting, extension in CONSOLES.items():
        if not settings.getbool(setting):
            base.pop(extension, None)


class NewsbotSettings:
    """Scrapy add-on applying :func:`apply_environment` and :func:`derive_paths`.

    The environment goes in before the crawler exists, so that ``NEWSBOT_LOG_LEVEL`` reaches
    the logging set up then; the paths are derived once ``-s`` and ``custom_settings`` are in.
    """

    @classmethod
    def update_pre_crawler_settings(cls, settings: BaseSettings) -> None:
        """Take the ``NEWSBOT_*`` environment variables; quiet the start-up listings.

        The loggers are quieted here, before Scrapy loads the components it names: loading the
        crawl-run recorder imports Alembic, whose plugins announce themselves at INFO.
        """
        from newsbot.extensions.summary import quiet_noisy_loggers  # spidermon: only for crawls

        apply_environment(settings)
        quiet_noisy_loggers(None)

    def update_settings(self, settings: Settings) -> None:
        """Again for crawlers made without a runner (idempotent), then derive the paths.

        Also leaves out the consoles' extensions while they are off.
        """
        apply_environment(settings)
        derive_paths(settings)
        drop_consoles_turned_off(settings)


def _below_project(settings: BaseSettings, name: str) -> bool:
    """Whether ``name`` was set by nobody above settings.py (no ``-s``, no custom_settings)."""
    priority = settings.getpriority(name)
    return priority is None or priority <= PROJECT


def _typed(name: str, value: str, default: Any) -> Any:
    """``value`` as the default's type where Scrapy's getters would not read it (booleans)."""
    if isinstance(default, bool):
        word = value.strip().lower()
        if word in _FALSE | _TRUE:
            return word in _TRUE
        raise ValueError(f"{name}={value!r}: expected one of 1, 0, true, false, yes, no")
    return value
