"""The benchmark command works and reports every figure (a smoke run; benchmarks are not tests
of speed: their numbers are read by people, from `make bench`)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.crawling import REPO

pytestmark = pytest.mark.e2e


def test_benchmark_smoke_run_writes_every_figure(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--mode", "smoke", "--out", str(tmp_path)],
        cwd=REPO, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    for figure in ("1. crawl throughput", "2. parse cost", "3. store cost", "4. memory",
                   "5. re-run cost"):  # fmt: skip
        assert figure in done.stdout
    results = json.loads((tmp_path / "latest.json").read_text())
    assert len(list(tmp_path.glob("bench-*.json"))) == 1
    throughput = results["crawl_throughput"]
    assert throughput["ratio_median"] > 0
    assert all(pair["pages"] > 60 for pair in throughput["pairs"])
    parse = results["parse_cost"]
    assert {"newsbot", "trafilatura", "trafilatura_text_only"} <= set(parse["pages_per_s"])
    assert parse["ratio_vs_trafilatura"] > 0
    for database in ("sqlite", "postgresql"):
        assert results["store_cost"][database]["ratio"] > 0
    memory = results["memory"]
    assert all(crawl["peak_rss_mib"] > 0 for crawl in memory["crawls"].values())
    assert "growth_bytes_per_article" in memory
    rerun = results["rerun_cost"]
    assert rerun["second_article_pages"] == 0
    assert 0 < rerun["share"] < 1
