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
    assert r["changed"] is True and sim.writes() == 0, r
    assert r["_authentik_check_plan"]["assumed"][0]["msg"] == "providers: no provider 'later' found"
    failed_cleanly(run_module(MODULE, name="new", type="rac"), "providers: required to create outpost 'new'")
    failed_cleanly(run_module(MODULE, name="rac", service_connection="docker"), "service_connection: no outpost service connection 'docker'")
    assert run_module(MODULE, name="rac", service_connection="")["changed"] is False
    assert sim.writes() == 0
    assert run_module(MODULE, name="rac", state="absent")["changed"] is True
    assert run_module(MODULE, name="rac", state="absent")["changed"] is False


def test_embedded_outpost_is_found(sim, run_module):
    r = run_module(MODULE, name="authentik Embedded Outpost", type="proxy")
    assert r["changed"] is False and r["outpost"]["managed"] == "goauthentik.io/outposts/embedded"


def test_a_provider_the_outpost_cannot_serve_is_refused(sim, run_module, failed_cleanly):
    """authentik accepts a RAC provider on the embedded (proxy) outpost, where it silently does not work."""
    rac = sim.seed_provider("rac-a")
    proxy = sim.add_foreign_provider("proxy-a")
    sim.reset_counts()
    embedded = "authentik Embedded Outpost"
    r = run_module(MODULE, name=embedded, providers=["rac-a"], providers_mode="add")
    failed_cleanly(r, "providers: provider 'rac-a' is a RAC Provider (authentik_providers_rac.racprovider) and outpost "
                      "'authentik Embedded Outpost' is of type proxy, which serves only proxy providers; give it to an "
                      "outpost of type rac")
    assert sim.writes() == 0 and sim.count() == 2, "the outpost, the provider's lookup (which gives its type)"
    failed_cleanly(run_module(MODULE, name=embedded, providers=[str(rac)], providers_mode="add", check_mode=True),
                   "is a RAC Provider")
    failed_cleanly(run_module(MODULE, name="new", type="rac", providers=["rac-a", "proxy-a"]),
                   "providers: provider 'proxy-a' is a Proxy Provider (authentik_providers_proxy.proxyprovider) and outpost "
                   "'new' is of type rac, which serves only rac providers; give it to an outpost of type proxy")
    assert sim.writes() == 0
    assert run_module(MODULE, name=embedded, providers=["proxy-a"], providers_mode="add")["changed"] is True
    pk = run_module(MODULE, name="rac", type="rac", providers=["rac-a"])["outpost"]["pk"]
    sim.reset_counts()
    r = run_module(MODULE, name="rac", providers=[str(proxy)], providers_mode="add")
    failed_cleanly(r, "provider 'proxy-a' is a Proxy Provider")
    assert sim.count() == 2 and sim.writes() == 0, "the outpost, one GET of the provider given by its pk"
    assert sim.get_outpost(pk)["providers"] == [rac]


def test_removing_what_does_not_exist_is_nothing_to_do(sim, run_module):
    """A teardown run twice: a provider that is gone, or an outpost that is gone, is nothing to remove."""
    a, b = sim.seed_provider("rac-a"), sim.seed_provider("rac-b")
    pk = run_module(MODULE, name="rac", type="rac", providers=[str(a), str(b)])["outpost"]["pk"]
    for check_mode in (True, False):
        sim.reset_counts()
        r = run_module(MODULE, name="rac", providers=["gone", "rac-b"], providers_mode="remove", check_mode=check_mode)
        assert r["changed"] is True and not r.get("_authentik_check_plan", {}).get("assumed"), r
    assert sim.get_outpost(pk)["providers"] == [a]
    r = run_module(MODULE, name="rac", providers=["gone", "rac-b"], providers_mode="remove")
    assert r["changed"] is False and sim.get_outpost(pk)["providers"] == [a]
    for check_mode in (True, False):
        sim.reset_counts()
        r = run_module(MODULE, name="never-made", providers=["rac-a"], providers_mode="remove", check_mode=check_mode)
        assert r.get("failed") is not True and r["changed"] is False and r["outpost"] == {}, r
        assert sim.writes() == 0
    r = run_module(MODULE, name="never-made", providers=["rac-a"], providers_mode="add")
    assert r["failed"] is True and "type: required to create outpost 'never-made'" in r["msg"], r
