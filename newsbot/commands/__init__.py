"""newsbot's Scrapy commands (``COMMANDS_MODULE``): ``crawl`` with honest exit codes."""
