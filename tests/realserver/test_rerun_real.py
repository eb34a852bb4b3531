# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Plays run again in any state, on the real server (the plays of tests/system/rerun_plays.py, which the simulator's
system tests run too): teardown twice in both orders, check mode that predicts a whole setup and catches a misspelt
name (in both module execution modes), the embedded outpost refusing a RAC provider."""

from __future__ import annotations

import uuid

import pytest

import rerun_plays  # tests/system is on sys.path (conftest)


@pytest.fixture
def world(server):
    prefix = "rerun-%s" % uuid.uuid4().hex[:8]
    group = server.ok("POST", "core/groups/", {"name": prefix + "-group"})
    yield prefix, group["name"]
    server.remove_prefixed(prefix, group["pk"])


def leftovers(server, prefix):
    """What of the setup still exists (the teardown removes all of it)."""
    out = [p["name"] for p in server.listing("providers/rac/", search=prefix)]
    out += [a["slug"] for a in server.listing("core/applications/", search=prefix, superuser_full_list="true")]
    out += [m["name"] for m in server.listing("propertymappings/provider/rac/", search=prefix)]
    out += [e["name"] for e in server.listing("rac/endpoints/", search=prefix, superuser_full_list="true")]
    out += [o["name"] for o in server.listing("outposts/instances/", search=prefix)]
    out += [t["identifier"] for t in server.listing("core/tokens/", search=prefix)]
    out += [u["username"] for u in server.listing("core/users/", search=prefix) if u["username"].startswith(prefix)]
    out += [g["name"] for g in server.listing("core/groups/", search=prefix, include_users="false")
            if g["name"].startswith(prefix) and g["name"] != prefix + "-group"]  # the world's group, not the setup's
    out += [r["name"] for r in server.listing("rbac/roles/", search=prefix) if r["name"].startswith(prefix)]
    return out


@pytest.mark.parametrize("order", sorted(rerun_plays.ORDERS))
def test_teardown_runs_twice(server, playbook, world, order):
    prefix, group = world
    first, second = rerun_plays.teardown_twice(playbook, prefix, group, order, "in-process")
    assert leftovers(server, prefix) == []
    print("teardown %s: first run changed=%d, second run changed=0 failed=0 (%.1f s)" % (
        order, first.recap()["changed"], second.seconds))


@pytest.mark.parametrize("mode", ["in-process", "normal"])
def test_check_mode_predicts_a_new_setup_and_catches_a_typo(server, playbook, world, mode):
    prefix, group = world
    rerun_plays.check_mode_of_a_new_setup(playbook, prefix, group, mode)
    rerun_plays.check_mode_catches_a_typo(playbook, prefix, group, mode)
    assert leftovers(server, prefix) == [], "check mode wrote something"


def test_embedded_outpost_refuses_a_rac_provider(server, playbook, world):
    prefix, group = world
    [embedded] = [o for o in server.listing("outposts/instances/") if o.get("managed") == "goauthentik.io/outposts/embedded"]
    msg = rerun_plays.embedded_outpost_refuses_rac(playbook, prefix, group, "in-process")
    [after] = [o for o in server.listing("outposts/instances/") if o["pk"] == embedded["pk"]]
    assert after["providers"] == embedded["providers"]
    print(msg)
