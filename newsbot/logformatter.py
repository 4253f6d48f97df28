"""Log lines for dropped items that name the item and the reason, without dumping its body."""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Spider
from scrapy.http import Response
from scrapy.logformatter import LogFormatter, LogFormatterResult
from twisted.python.failure import Failure


class NewsbotLogFormatter(LogFormatter):
    """Scrapy's formatter, with one-line drop messages (the reason already names the item)."""

    def dropped(
        self,
        item: Any,
        exception: BaseException,
        response: Response | Failure | None,
        spider: Spider,
    ) -> LogFormatterResult:
        """``Dropped: <reason>`` at the level the pipeline chose (WARNING by default)."""
        result = super().dropped(item, exception, response, spider)
        level = result.get("level", logging.WARNING)
        return {"level": level, "msg": "Dropped: %(exception)s", "args": {"exception": exception}}
