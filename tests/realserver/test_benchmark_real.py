# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Smoke of benchmarks/real.py (whole plays against the real server, both module execution modes): small sizes, the
request counts only (times depend on the machine; run ``python benchmarks/real.py`` for them)."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
TASKS, ITEMS, LARGE = 5, 10, 15


def test_benchmark_real_quick(server, tmp_path):
    out = str(tmp_path / "real.json")
    proc = subprocess.run([sys.executable, os.path.join(REPO, "benchmarks", "real.py"), "--quick", "--no-start",
                           "--tasks", str(TASKS), "--items", str(ITEMS), "--large", str(LARGE), "--json", out],
                          capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    with open(out, encoding="utf-8") as handle:
        rows = dict((row["name"], row) for row in json.load(handle)["rows"])
    assert not [name for name, row in rows.items() if row["result"] == "FAIL"], proc.stdout
    # benchmarks/real.py judges every count (FAIL above): 1 GET per separate no-op task in both modes; normal: the
    # provider by name, the lookup (and the POST) per item; in-process the items share the provider and the endpoint
    # listing: a no-op loop costs its pages, the provider once and who the token is once. Every row is there:
    for mode in ("in-process", "normal"):
        assert rows["%d core_token %s tasks" % (TASKS, mode)]["result"] == "PASS"
        assert rows["rac_endpoint loop of %d, create (%s)" % (ITEMS, mode)]["result"] == "PASS"
        for n in (ITEMS, LARGE):
            noop = rows["rac_endpoint loop of %d, no-op rerun (%s)" % (n, mode)]
            assert noop["result"] == "PASS", noop
            if mode == "in-process":
                assert max(noop["data"]["requests"]) <= int(math.ceil(n / 100.0)) + 4, noop  # not per item
    assert rows["%d ansible.builtin.uri GET tasks" % TASKS]["result"] == "PASS"
    assert rows["%d debug tasks" % TASKS]["data"]["requests"] == [0]
