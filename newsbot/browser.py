"""Rules for the headless browser that renders pages whose content a script builds."""

from __future__ import annotations

from typing import Any

# What a rendered page needs is its markup and the scripts that build it; pictures, fonts,
# styles and media only cost time and bandwidth.
SKIPPED_RESOURCE_TYPES = frozenset({"image", "media", "font", "stylesheet", "manifest"})


def should_abort(request: Any) -> bool:
    """``PLAYWRIGHT_ABORT_REQUEST``: drop resources that do not change the page's text."""
    return request.resource_type in SKIPPED_RESOURCE_TYPES
