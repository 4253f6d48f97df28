"""Scrapy settings for newsbot: the only settings module, defaults only.

Every ``NEWSBOT_*`` setting can also come from the environment variable of its name, and
``-s`` (Scrapyd's ``setting=``) beats both; newsbot.addon.NewsbotSettings applies them and
derives the paths left None here from the final ``NEWSBOT_EXPORTS_DIR``.

Defaults are polite to the live site (robots.txt, AutoThrottle, a delay, an honest user
agent). Crawls of the local replica override the politeness settings with ``-s``.
"""

from __future__ import annotations

import os

BOT_NAME = "newsbot"
# `scrapy crawl` exits with the crawl's outcome: 0 passed, 1 could not crawl, 2 a monitor
# failed, 3 interrupted (newsbot/commands/crawl.py, newsbot/exitcodes.py).
COMMANDS_MODULE = "newsbot.commands"
SPIDER_MODULES = ["newsbot.spiders"]
NEWSPIDER_MODULE = "newsbot.spiders"

# --- Politeness ---------------------------------------------------------------------------
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_START_DELAY = 2.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 1.0
ROBOTSTXT_OBEY = True
# NEWSBOT_USER_AGENT, when set, replaces it (newsbot.addon).
USER_AGENT = (
    "newsbot/0.1 (news archive crawler; +https://pypi.org/project/scrapy/; "
    "set NEWSBOT_USER_AGENT to add your contact)"
)

# --- Limits and losses: a page that breaks a limit is a lost page (newsbot/lost/<kind>/…) ---
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024  # also caps a compressed body once inflated (gzip bombs)
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
DOWNLOAD_TIMEOUT = 30  # seconds; one stalled page must not hold a crawl for minutes
# 429 and 503 are retried after the Retry-After they carry, up to this many seconds.
NEWSBOT_RETRY_AFTER_MAX = 120
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
# A request that runs out of retries is a counted lost page: a warning, not an error.
RETRY_GIVE_UP_LOG_LEVEL = "WARNING"
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "newsbot.retry.RetryAfterMiddleware": 550,
}
# A crash in a callback is a lost page (parse_error/<Exception>), not a spider traceback.
SPIDER_MIDDLEWARES = {"newsbot.callback_errors.CallbackErrors": 25}
# Lost articles are retried first by the next crawls, then given up after this many losses.
NEWSBOT_LOST_MAX_ATTEMPTS = 3
# Stored articles re-read per section list by every crawl (canaries), so that the monitors see
# a redesign even when nothing is new; parsed and judged, never stored. 0: none.
NEWSBOT_CANARY_PER_SECTION = 3

# --- Output: one set of JSON-lines files per crawl, one file per item class ------------------
NEWSBOT_EXPORTS_DIR = "exports"
FEED_EXPORT_ENCODING = "utf-8"
# FEEDS: articles-%(time)s.jsonl and popular-%(time)s.jsonl in NEWSBOT_EXPORTS_DIR/%(name)s/,
# set by newsbot.addon unless FEEDS (or -o) is given.

# --- JavaScript rendering: only requests with meta["playwright"] = True use the browser -------
# scrapy-playwright's handler, which starts Playwright only when a page is to be rendered.
DOWNLOAD_HANDLERS = {
    "http": "newsbot.browser.LazyPlaywrightHandler",
    "https": "newsbot.browser.LazyPlaywrightHandler",
}
# The spider replaces this with newsbot.browser.SiteOnly: the same, and nothing off the site.
PLAYWRIGHT_ABORT_REQUEST = "newsbot.browser.should_abort"
PLAYWRIGHT_BROWSER_TYPE = "chromium"
PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT = 30_000  # ms
PLAYWRIGHT_LAUNCH_OPTIONS = {
    # Debian's Chromium: Playwright's own browser download is neither needed nor wanted.
    "executable_path": os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
    "headless": True,
    # No phoning home (updates, sync, metrics): the browser talks only to the crawled site.
    "args": [
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-default-apps",
        "--disable-dev-shm-usage",
        "--disable-sync",
        "--metrics-recording-only",
        "--no-first-run",
    ],
}
PLAYWRIGHT_MAX_CONTEXTS = 1
PLAYWRIGHT_MAX_PAGES_PER_CONTEXT = 2
# Seconds a rendered homepage may take to fill its Most Popular list; then it is read as it is.
NEWSBOT_POPULAR_RENDER_TIMEOUT = 10.0

# --- Items: clean, validate, deduplicate, store ---------------------------------------------
ITEM_PIPELINES = {
    # Lone surrogates and control characters out of every string, before anything reads them.
    "newsbot.pipelines.sanitize.SanitizePipeline": 50,
    "newsbot.pipelines.validate.ValidatePipeline": 100,
    "newsbot.pipelines.dedupe.DedupePipeline": 200,
    "newsbot.pipelines.store.StorePipeline": 300,
}
LOG_FORMATTER = "newsbot.logformatter.NewsbotLogFormatter"
# Validation limits: beyond them a value is the debris of a broken page (reasons
# title_too_long, too_many_authors, author_too_long, body_too_large).
NEWSBOT_MAX_AUTHOR_CHARS = 200
NEWSBOT_MAX_AUTHORS = 50
NEWSBOT_MAX_BODY_BYTES = 1_000_000  # UTF-8
NEWSBOT_MAX_TITLE_CHARS = 500
# Invalid items, with their reasons, for a person to read and replay (`newsbot replay-rejects`).
# None: NEWSBOT_EXPORTS_DIR/%(name)s/rejects-%(time)s.jsonl (newsbot.addon).
NEWSBOT_REJECTS_FILE = None

# --- Storage: SQLite in the exports directory unless NEWSBOT_DATABASE_URL says otherwise ------
NEWSBOT_STORE_ENABLED = True
NEWSBOT_DATABASE_URL = None  # None: sqlite:///NEWSBOT_EXPORTS_DIR/newsbot.sqlite3 (newsbot.addon)
# Create the schema on an empty database and apply newer migrations before crawling.
NEWSBOT_DATABASE_AUTO_MIGRATE = True
NEWSBOT_STORE_BATCH_SIZE = 100
NEWSBOT_STORE_FLUSH_SECONDS = 2.0  # a batch older than this is written even if not full
# NEWSBOT_STORE_WAIT_FOR_COMMIT (off) is switched on by the distributed add-on; not set here,
# because a project setting would outrank the add-on.
# Batches the database could not take wait here until they are replayed.
NEWSBOT_SPOOL_DIR = None  # None: NEWSBOT_EXPORTS_DIR/spool (newsbot.addon)

# --- Extensions ----------------------------------------------------------------------------
# Order matters at close: Spidermon judges the crawl first, then its verdict is stored with
# the crawl run and written into the stats file.
EXTENSIONS = {
    # Scrapy's "Crawled N pages" line, with articles stored and pages queued.
    "scrapy.extensions.logstats.LogStats": None,
    "newsbot.extensions.summary.Progress": 0,
    "newsbot.extensions.summary.CrawlSummary": 100,
    "spidermon.contrib.scrapy.extensions.Spidermon": 500,
    "newsbot.extensions.crawl_run.CrawlRunRecorder": 600,
    "newsbot.extensions.stats_file.StatsFile": 700,
    # The process exits without the interpreter's last garbage collection (seconds of CPU).
    "newsbot.extensions.quick_exit.QuickExit": 800,
}
# Seconds between progress lines (pages crawled, articles stored, pages queued); 0: none.
NEWSBOT_PROGRESS_INTERVAL = 60.0
# The full stats go to the stats file (and to DEBUG); the log ends with a short summary.
STATS_DUMP = False
# Final stats as JSON beside the crawl's feeds; an empty value turns it off.
# None: NEWSBOT_EXPORTS_DIR/%(name)s/stats-%(time)s.json (newsbot.addon).
NEWSBOT_STATS_FILE = None

# --- Monitoring (Spidermon): checks when a crawl closes; see newsbot/monitors.py -----------
SPIDERMON_ENABLED = True
SPIDERMON_SPIDER_CLOSE_MONITORS = ("newsbot.monitors.CloseMonitorSuite",)
SPIDERMON_ADD_FIELD_COVERAGE = True  # counts filled fields per item type in the stats
SPIDERMON_FIELD_COVERAGE_SKIP_NONE = True  # a field set to None is not filled
SPIDERMON_EXPECTED_FINISH_REASONS = ["finished"]
SPIDERMON_MAX_ERRORS = 0
# No SPIDERMON_MIN_ITEMS: the Most Popular snapshot alone would satisfy it, and a quiet re-run
# has no new item. "Articles found" judges the section lists instead.
# Minimum share of article pages parsed (dropped ones included) with each field filled.
NEWSBOT_FIELD_COVERAGE = {
    "Article/title": 1.0,
    "Article/published_at": 1.0,
    "Article/body": 1.0,
    "Article/authors": 0.9,  # unsigned pieces exist, but a byline that vanished is drift
    # Current-layout pages name their section; 2023 pages do not, the crawl's section fills it.
    "Article/section": 0.95,
}
NEWSBOT_MAX_LOST_PAGES = 0  # pages lost for any reason (newsbot/lost/<kind>/<reason>)
NEWSBOT_MAX_UNRECOGNISED_PAGES = 0
# Pages of a site with known layouts read by the generic extractor instead (layout drift).
NEWSBOT_MAX_DRIFTED_PAGES = 0
# Share of the stored articles re-read as canaries that may fail to download (removed ones).
NEWSBOT_MAX_CANARY_LOST_SHARE = 0.5
NEWSBOT_MAX_REJECTS = 0
# None: NEWSBOT_EXPORTS_DIR/%(name)s/report-%(time)s.json (newsbot.addon).
NEWSBOT_REPORT_FILE = None

# --- Distributed crawls (scrapy-redis): off unless NEWSBOT_REDIS_URL is set ------------------
# The add-on switches the scheduler, duplicate filter, lease middleware and coordinator on;
# see newsbot/distributed.py. All workers of one crawl use the same NEWSBOT_CRAWL_ID.
# NewsbotSettings first: the distributed add-on reads NEWSBOT_REDIS_URL from the environment too.
ADDONS = {"newsbot.addon.NewsbotSettings": 0, "newsbot.distributed.DistributedMode": 10}
NEWSBOT_REDIS_URL = ""
NEWSBOT_CRAWL_ID = "default"
NEWSBOT_REDIS_PREFIX = "newsbot"
NEWSBOT_REDIS_HEARTBEAT_TTL = 30  # seconds without a heartbeat before a worker counts as dead
NEWSBOT_REDIS_KEEP_FINGERPRINTS = False  # True: the next crawl under this id skips seen pages

# --- `scrapy check`: contracts in the spiders' callbacks (see newsbot/contracts.py) ----------
# Their @url is a path on the spider's base_url: -a base_url=http://127.0.0.1:8023 checks a replica.
SPIDER_CONTRACTS = {
    "scrapy.contracts.default.UrlContract": None,
    "newsbot.contracts.SiteUrlContract": 1,
    "newsbot.contracts.FillsContract": 20,
    "newsbot.contracts.ReadsCleanlyContract": 30,
}

# --- Engine ---
# Scrapy starts CONCURRENT_ITEMS tasks for every response's output; a page here yields at most
# a list's 15 links or one article, so 16 does the same work as the default 100 at a fraction
# of the scheduling cost (measured by `make bench`).
CONCURRENT_ITEMS = 16
LOG_LEVEL = "INFO"  # NEWSBOT_LOG_LEVEL, when set, replaces it (newsbot.addon)
# No dict of library versions at the top of every crawl log (`scrapy version -v` prints them).
LOG_VERSIONS: list[str] = []
# No interactive consoles on a crawler that runs unattended.
REMOTE_CONTROL_ENABLED = False
TELNETCONSOLE_ENABLED = False
