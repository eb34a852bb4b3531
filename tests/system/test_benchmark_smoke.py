# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Quick smoke of benchmarks/run.py: the request-count targets, asserted on real ansible-playbook runs.

Times are not asserted here (run ``python benchmarks/run.py`` for them); counts are exact and cheap:

- every module: create, no-op with pk/UUID references = 1 request, each name or slug reference at most one
  more, update = exactly one write, delete, check mode = 0 writes (one playbook, rows of benchmarks/run.py;
  the RAC endpoint and property mapping modules in this section only);
- no-op tasks still need 1 request each with 10,000 tokens and 5,000 providers on the server (server-side
  filters, never list-and-scan);
- a bulk revoke of 150 connection tokens costs pages + deletes + lookups requests over one TCP connection.
"""

from __future__ import annotations

import importlib.util
import os

import pytest

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def _load_benchmarks():
    spec = importlib.util.spec_from_file_location("authentik_api_benchmarks", os.path.join(REPO, "benchmarks", "run.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bench_run = _load_benchmarks()


@pytest.fixture(scope="module")
def bench(simulator, collections_path, tmp_path_factory):
    """A benchmark runner on the session's simulator (the ``sim`` fixture resets it before each test)."""
    runner = bench_run.Bench(simulator, collections_path=collections_path, workdir=str(tmp_path_factory.mktemp("bench")))
    yield runner
    runner.close()


def _failed(rows):
    bad = [row for row in rows if row.ok is False]
    return "\n" + bench_run.markdown(bad or rows)


def test_request_counts_of_every_module(sim, bench):
    rows = bench_run.measure_counts(bench, smoke=True)
    modules = set(row.name.split(":", 1)[0] for row in rows)
    assert modules == set(bench_run.COUNT_MODULES) | {"ansible.builtin.uri"}, modules
    assert len(rows) >= 25
    assert all(row.ok for row in rows), _failed(rows)


def test_noop_requests_do_not_grow_with_the_server(sim, bench):
    rows = bench_run.measure_scale(bench, items=2, reps=1, tokens=10000, providers=5000, judge_times=False, small=False)
    assert len(rows) == 2, _failed(rows)
    assert all(row.kind == "count" and row.ok for row in rows), _failed(rows)


@pytest.mark.parametrize("by_names", [False, True], ids=["pk-refs", "name-refs"])
def test_bulk_revoke_uses_one_connection(sim, bench, by_names):
    rows = bench_run.measure_bulk(bench, 150, by_names=by_names)
    counted = rows[0]
    assert counted.ok, _failed(rows)
    assert counted.data["connections"] == 1
    assert counted.data["requests"] == 2 + 150 + (3 if by_names else 0)


def test_noop_overhead_rows_cover_every_module(sim, bench):
    """Section 2 (no-op tasks against uri GETs) has a row for every module of the collection, each no-op 1 request."""
    modules = set(name[:-3] for name in os.listdir(os.path.join(REPO, "plugins", "modules"))
                  if name.endswith(".py") and not name.startswith("_"))
    assert set(bench_run.OVERHEAD_MODULES) == modules - set(bench_run.NOT_NOOP_MODULES)
    rows = bench_run.measure_overhead(bench, items=2, reps=1, judge_times=False, block=2)
    counts = dict((row.name.split(" no-op", 1)[0], row) for row in rows if row.name.endswith("no-op: requests per task"))
    assert set(counts) == modules - set(bench_run.NOT_NOOP_MODULES), _failed(rows)
    assert all(row.ok for row in counts.values()), _failed(rows)
