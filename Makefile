# newsbot: every entry point a person or CI needs. `make help` lists them.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
LAYOUT ?= 2023
PORT ?= 8023
ARTICLES ?= 300
ARGS ?=
# The replica is local: politeness settings meant for the live site only slow it down.
FAST := -s AUTOTHROTTLE_ENABLED=False -s DOWNLOAD_DELAY=0 -s CONCURRENT_REQUESTS_PER_DOMAIN=16

.PHONY: help install chromium demo crawl replica test lint format constraints clean bench bench-full bench-aeb bench-scale

help:
	@echo "make demo      crawl the bundled offline replica (LAYOUT=2023|current|redesign, PORT=8023,"
	@echo "               ARTICLES=300, ARGS='-a pages=2')"
	@echo "make test      install everything and run the test suite"
	@echo "make crawl     crawl www.koreaherald.com (needs internet; ARGS='-a sections=National')"
	@echo "make replica   serve the replica on http://127.0.0.1:$(PORT)/ to look at"
	@echo "make lint      ruff and mypy"
	@echo "make bench     benchmarks, quick mode (< 2 min); make bench-full for the full run"
	@echo "make bench-aeb generic extraction on the article-extraction-benchmark (ARGS='--compare')"
	@echo "make bench-scale peak memory of 5,000, 20,000 and 100,000-article crawls (ARGS='--profile')"

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $@

# Debian's Chromium drives JavaScript rendering; Playwright's own browser download is not used.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium package"; \
	  SUDO=$$( [ "$$(id -u)" -eq 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }
	@chromium --version

# The crawl starts only once the replica itself listens (its --ready-file): when PORT is taken,
# the replica exits and so does the demo, instead of crawling whatever answers there.
demo: install chromium
	@ready=$$(mktemp -d); \
	$(BIN)/python -m newsbot.replica --layout $(LAYOUT) --articles $(ARTICLES) --port $(PORT) --ready-file $$ready/url & replica=$$!; \
	trap 'kill $$replica 2>/dev/null; rm -rf $$ready' EXIT; \
	$(BIN)/python -m newsbot.replica.wait --ready-file $$ready/url --pid $$replica || { \
	  echo "make demo: port $(PORT) is taken or the replica did not start; run make demo PORT=$$(($(PORT) + 7))" >&2; \
	  exit 1; }; \
	$(BIN)/scrapy crawl koreaherald -a base_url=http://127.0.0.1:$(PORT) $(ARGS) $(FAST) && \
	echo "Output: $${NEWSBOT_EXPORTS_DIR:-exports}/koreaherald/ (articles-*.jsonl, popular-*.jsonl, stats-*.json)"

crawl: install chromium
	$(BIN)/scrapy crawl koreaherald $(ARGS)

replica: install
	$(BIN)/python -m newsbot.replica --layout $(LAYOUT) --port $(PORT)

test: install chromium
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check newsbot tests benchmarks
	$(BIN)/ruff format --check newsbot tests benchmarks
	$(BIN)/mypy

format: install
	$(BIN)/ruff format newsbot tests
	$(BIN)/ruff check --fix newsbot tests

constraints: install
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^-e' > constraints.txt.new
	mv constraints.txt.new constraints.txt

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache *.egg-info

# Benchmarks: ratios measured side by side in one run (see benchmarks/__main__.py).
bench: install
	$(BIN)/python -m benchmarks --mode quick

bench-full: install
	$(BIN)/python -m benchmarks --mode full

# Figure 6 alone, for tuning: newsbot's scores, worst pages and label misses.
bench-aeb: install
	$(BIN)/python -m benchmarks.aeb $(ARGS)

# Memory at archive scale: newsbot and the bare spider on 5k, 20k and 100k-article replicas.
bench-scale: install
	$(BIN)/python -m benchmarks.scale $(ARGS)
