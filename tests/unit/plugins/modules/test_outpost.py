# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""outpost against the authentik simulator: create with its deployment token, no-op, providers as a set with
providers_mode add/remove, config compared on the keys given and sent merged, the type that cannot change, check
mode, service_connection, delete."""

from __future__ import (absolute_import, division, print_function)
from __future__ import annotations

# boilerplate that ansible-test sanity of ansible-core 2.16 requires in these files
__metaclass__ = type

MODULE = "outpost"


def test_create_noop_and_token(sim, run_module):
    a = sim.seed_provider("rac-a")
    sim.reset_counts()
    r = run_module(MODULE, name="rac", type="rac", providers=["rac-a"], config={"log_level": "debug"})
    assert r["changed"] is True and sim.writes() == 1 and sim.count() == 3, r  # find, provider, POST
    out = r["outpost"]
    assert out["providers"] == [a] and out["config"] == {"log_level": "debug"}  # stored as sent, as authentik does
    token = run_module("core_token", identifier=out["token_identifier"], return_key=True)
    assert token["changed"] is False and token["key"], token
    sim.reset_counts()
    r = run_module(MODULE, name="rac", type="rac", providers=[str(a)], config={"log_level": "debug"})
    assert r["changed"] is False and sim.count() == 1 and sim.writes() == 0, r


def test_providers_modes_and_config_merge(sim, run_module):
    a, b, c = sim.seed_provider("rac-a"), sim.seed_provider("rac-b"), sim.seed_provider("rac-c")
    pk = run_module(MODULE, name="rac", type="rac", providers=[str(a)])["outpost"]["pk"]
    r = run_module(MODULE, name="rac", providers=[str(b), str(c)], providers_mode="add", diff=True)
    assert r["changed"] is True and sorted(sim.get_outpost(pk)["providers"]) == [a, b, c], r
    r = run_module(MODULE, name="rac", providers=[str(b)], providers_mode="add")
    assert r["changed"] is False
    r = run_module(MODULE, name="rac", providers=[str(b)], providers_mode="remove")
    assert r["changed"] is True and sorted(sim.get_outpost(pk)["providers"]) == [a, c]
    r = run_module(MODULE, name="rac", providers=[str(b)], providers_mode="remove")
    assert r["changed"] is False
    r = run_module(MODULE, name="rac", providers=[str(c)])
    assert r["changed"] is True and sim.get_outpost(pk)["providers"] == [c]
    sim.reset_counts()
    r = run_module(MODULE, name="rac", config={"authentik_host": "https://ak.example.com"})
    assert r["changed"] is True and sim.count("PATCH") == 1
    config = sim.get_outpost(pk)["config"]
    assert config == {"authentik_host": "https://ak.example.com"}  # merged into the current config, which had no key
    assert run_module(MODULE, name="rac", config={"authentik_host": "https://ak.example.com"})["changed"] is False


def test_type_cannot_change_and_check_mode(sim, run_module, failed_cleanly):
    a = sim.seed_provider("rac-a")
    run_module(MODULE, name="rac", type="rac", providers=[str(a)])
    sim.reset_counts()
    failed_cleanly(run_module(MODULE, name="rac", type="proxy"), "type: outpost 'rac' is of type 'rac' and its type cannot change")
    assert sim.writes() == 0
    r = run_module(MODULE, name="new", type="rac", providers=["later"], check_mode=True)
    assert r["changed"] is True and sim.writes() == 0 and "does not exist yet" in r["_warnings"][0], r
    failed_cleanly(run_module(MODULE, name="new", type="rac"), "providers: required to create outpost 'new'")
    failed_cleanly(run_module(MODULE, name="rac", service_connection="docker"), "service_connection: no outpost service connection 'docker'")
    assert run_module(MODULE, name="rac", service_connection="")["changed"] is False
    assert sim.writes() == 0
    assert run_module(MODULE, name="rac", state="absent")["changed"] is True
    assert run_module(MODULE, name="rac", state="absent")["changed"] is False


def test_embedded_outpost_is_found(sim, run_module):
    r = run_module(MODULE, name="authentik Embedded Outpost", type="proxy")
    assert r["changed"] is False and r["outpost"]["managed"] == "goauthentik.io/outposts/embedded"
