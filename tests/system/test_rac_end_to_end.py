# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""examples/rac_end_to_end.yml against the simulator, counted through its admin API (GET /_sim/stats): check mode
on an empty server predicts every change with 0 writes, the first run changes everything, the second run changes
nothing and writes nothing. tests/realserver/test_rac_end_to_end_real.py runs the same example on the real server."""

from __future__ import annotations

import json
import os
import re

import requests

from conftest import ADMIN_TOKEN

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
EXAMPLE = os.path.join(REPO, "examples", "rac_end_to_end.yml")
HOSTS = 3
TASKS = 6  # provider, mapping, application, outpost, endpoints (one loop), binding
INVENTORY = "[windows]\n" + "".join("win%d ansible_host=10.14.0.%d\n" % (n, n) for n in range(1, HOSTS + 1))
ADMIN = {"Authorization": "Bearer " + ADMIN_TOKEN}
EXTRA = ["-e", json.dumps(dict(rac_name="e2e-rdp", rac_rdp_password="Vault-Secret-14"))]


def counted(sim, playbook, *args):
    """Runs the example; returns the run and the simulator's stats of that run (read over its admin API)."""
    assert requests.post(sim.url + "/_sim/reset_counts", headers=ADMIN, timeout=10).status_code < 300
    run = playbook(EXAMPLE, *(EXTRA + list(args)), inventory=INVENTORY)
    stats = requests.get(sim.url + "/_sim/stats", headers=ADMIN, timeout=10).json()
    assert run.rc == 0, run.output[-4000:]
    assert stats["violations"] == []
    items = len(re.findall(r"^changed: \[localhost\] => \(item=", run.stdout, re.M))
    return run, stats, items


def test_rac_end_to_end_counts(sim, playbook):
    check, stats, items = counted(sim, playbook, "--check")
    assert (check.recap()["changed"], items, stats["writes"]) == (TASKS, HOSTS, 0)
    # every name an earlier task creates is predicted (no failure, no warning about it)
    assert "does not exist yet" not in check.output
    print("check: %d requests, %d writes, %.1f s" % (stats["requests"], stats["writes"], check.seconds))

    first, stats, items = counted(sim, playbook)
    assert (first.recap()["changed"], items) == (TASKS, HOSTS)
    # one write per object: provider, mapping, application, outpost, 3 endpoints, binding
    assert stats["writes"] == 5 + HOSTS, stats["by_method"]
    print("first: %d requests, %d writes, %.1f s" % (stats["requests"], stats["writes"], first.seconds))

    second, stats, items = counted(sim, playbook)
    assert (second.recap()["changed"], items, stats["writes"]) == (0, 0, 0)
    print("second: %d requests, %d writes, %.1f s" % (stats["requests"], stats["writes"], second.seconds))
