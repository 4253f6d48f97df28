"""Shim for scrapyd-deploy, which always runs ``setup.py``; the project is in pyproject.toml."""

from setuptools import setup

setup()
