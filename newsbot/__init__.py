"""newsbot: a faithful, queryable record of news sites."""

__version__ = "0.1.0"
