"""Spiders: one per site, named after it, over the generic crawl in :mod:`.base`."""
