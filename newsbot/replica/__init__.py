"""An offline replica of The Korea Herald, for tests, demos and benchmarks.

It serves either known layout (2023, current) or a redesign no site module knows.

It serves a deterministic generated corpus over loopback and knows the truth of every page
(:mod:`newsbot.replica.corpus`), so a crawl's output can be compared with what was served.
Class names that the live site's markup does not reveal are invented here, on purpose; the
parsers must not depend on them (see the module docstrings of the renderers).
"""
