"""Item pipelines, one job each; their order lives in ``settings.ITEM_PIPELINES``."""
