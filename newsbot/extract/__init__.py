"""Site-agnostic extraction helpers: text, dates, bylines, JSON-LD and text landmarks."""
