"""Benchmarks: newsbot measured against its framework and the alternatives, as ratios.

Run with ``make bench`` (quick) or ``make bench-full``; see :mod:`benchmarks.__main__`.
"""
