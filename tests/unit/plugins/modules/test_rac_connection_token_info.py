# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""rac_connection_token_info against the authentik simulator: the compact list, each filter and their
combinations, all pages, unknown references, and never a write (check mode included)."""

from __future__ import (absolute_import, division, print_function)
from __future__ import annotations

# boilerplate that ansible-test sanity of ansible-core 2.16 requires in these files
__metaclass__ = type

import pytest

ADMIN = 3
ALICE = 6
BOB = 7
MODULE = "rac_connection_token_info"


@pytest.fixture
def rac(sim):
    """Endpoint ``dc01`` on both providers (names are not unique), ``dc02`` on the first only."""
    seeded = dict(p1=sim.seed_provider("ct-p1"), p2=sim.seed_provider("ct-p2"))
    seeded["e1"] = sim.seed_endpoint("dc01", seeded["p1"])
    seeded["e2"] = sim.seed_endpoint("dc02", seeded["p1"])
    seeded["e3"] = sim.seed_endpoint("dc01", seeded["p2"])
    seeded["alice_e1"] = sim.seed_connection_token(seeded["p1"], seeded["e1"], ALICE)
    seeded["bob_e1"] = sim.seed_connection_token(seeded["p1"], seeded["e1"], BOB)
    seeded["alice_e2"] = sim.seed_connection_token(seeded["p1"], seeded["e2"], ALICE)
    seeded["bob_e3"] = sim.seed_connection_token(seeded["p2"], seeded["e3"], BOB)
    sim.reset_counts()
    return seeded


def pks(items):
    return sorted(item["pk"] for item in items)


def test_list_everything(sim, rac, run_module):
    r = run_module(MODULE)
    assert r["changed"] is False
    assert r["count"] == 4
    assert pks(r["connection_tokens"]) == sorted([rac["alice_e1"], rac["bob_e1"], rac["alice_e2"], rac["bob_e3"]])
    assert sim.count() == 1
    assert sim.writes() == 0


def test_compact_shape(sim, rac, run_module):
    r = run_module(MODULE, user="bob", provider="ct-p2")
    assert r["connection_tokens"] == [{
        "pk": rac["bob_e3"],
        "user": {"pk": BOB, "username": "bob"},
        "endpoint": {"pk": rac["e3"], "name": "dc01"},
        "provider": {"pk": rac["p2"], "name": "ct-p2"},
    }]
    assert r["count"] == 1


@pytest.mark.parametrize("params, expected", [
    ({"user": "alice"}, ("alice_e1", "alice_e2")),
    ({"user": str(BOB)}, ("bob_e1", "bob_e3")),
    ({"user": "akadmin"}, ()),
    ({"provider": "ct-p1"}, ("alice_e1", "bob_e1", "alice_e2")),
    ({"provider": "P2"}, ("bob_e3",)),
    ({"endpoint": "E1"}, ("alice_e1", "bob_e1")),
    ({"endpoint": "dc02"}, ("alice_e2",)),
    ({"provider": "ct-p2", "endpoint": "dc01"}, ("bob_e3",)),
    ({"provider": "ct-p1", "endpoint": "dc01", "user": "bob"}, ("bob_e1",)),
    ({"provider": "ct-p1", "user": "alice"}, ("alice_e1", "alice_e2")),
])
def test_filters(sim, rac, run_module, params, expected):
    params = dict((name, {"P2": str(rac["p2"]), "E1": rac["e1"]}.get(value, value)) for name, value in params.items())
    r = run_module(MODULE, **params)
    assert "failed" not in r, r
    assert r["changed"] is False
    assert pks(r["connection_tokens"]) == sorted(rac[name] for name in expected)
    assert r["count"] == len(expected)
    assert sim.writes() == 0


def test_check_mode(sim, rac, run_module):
    r = run_module(MODULE, check_mode=True, user="alice")
    assert r["changed"] is False and r["count"] == 2
    assert sim.writes() == 0


@pytest.mark.parametrize("params, start", [
    ({"provider": "nope"}, "provider: no RAC provider 'nope' found"),
    ({"user": "nobody"}, "user: no user 'nobody' found"),
    ({"endpoint": "nope"}, "endpoint: no RAC endpoint 'nope' found"),
    ({"endpoint": "dc01"}, "endpoint: 'dc01' matches 2 RAC endpoints"),
])
def test_unknown_or_ambiguous_reference(sim, rac, run_module, params, start):
    r = run_module(MODULE, **params)
    assert r["failed"] is True
    assert r["msg"].startswith(start), r["msg"]
    assert "connection_tokens" not in r


def test_all_pages(sim, run_module):
    provider = sim.seed_provider("ct-many")
    endpoint = sim.seed_endpoint("busy", provider)
    sim.seed_connection_tokens(250, provider, endpoint, ALICE)
    sim.seed_connection_token(provider, endpoint, BOB)
    sim.reset_counts()
    r = run_module(MODULE)
    assert r["count"] == 251
    assert len(set(pks(r["connection_tokens"]))) == 251
    assert sim.count() == 3, "pages of 100"
    sim.reset_counts()
    r = run_module(MODULE, user="alice", provider=str(provider))
    assert r["count"] == 250
    assert sim.count() == 4, "user lookup + 3 pages"
    assert sim.writes() == 0
