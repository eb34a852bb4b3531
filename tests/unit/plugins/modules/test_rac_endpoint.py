# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""rac_endpoint against the authentik simulator: identity (name within provider, endpoint_uuid as direct address,
rename and move, namesakes on other providers, two namesakes on one provider), request counts (1 for a no-op with
pk/UUID references, +1 per name), exactly one write per change, check mode, diff, secrets in settings, delete, and
bad input (one line naming the option and the value, no write)."""

from __future__ import (absolute_import, division, print_function)
from __future__ import annotations

# boilerplate that ansible-test sanity of ansible-core 2.16 requires in these files
__metaclass__ = type

import uuid

import pytest
import requests

ADMIN_TOKEN = "sim-admin-token"
MODULE = "rac_endpoint"

RDP = "goauthentik.io/providers/rac/rdp-default"
SSH = "goauthentik.io/providers/rac/ssh-default"
RDP_NAME = "authentik default RAC Mapping: RDP Default settings"
PASSWORD = "Endpoint-Pa55word-7q"


def api(sim, method, path, **kwargs):
    return requests.request(method, sim.url + "/api/v3/" + path, headers={"Authorization": "Bearer " + ADMIN_TOKEN},
                            timeout=10, **kwargs)


def mapping_pk(sim, managed):
    found = [m for m in api(sim, "GET", "propertymappings/provider/rac/", params={"page_size": 100}).json()["results"]
             if m["managed"] == managed]
    assert len(found) == 1
    return found[0]["pk"]


def endpoints(sim, provider_pk=None):
    """The endpoints on the server (read without filters, so the helper trusts no filter)."""
    data = api(sim, "GET", "rac/endpoints/", params={"superuser_full_list": "true", "page_size": 100}).json()["results"]
    return [e for e in data if provider_pk is None or e["provider"] == provider_pk]


def endpoint(sim, name, provider_pk):
    found = [e for e in endpoints(sim, provider_pk) if e["name"] == name]
    assert len(found) <= 1, found
    return found[0] if found else None


@pytest.fixture
def prov(sim):
    """Two RAC providers: the one under test and another one (endpoints may share names across providers)."""
    return sim.seed_provider("Windows servers"), sim.seed_provider("Linux servers")


def create(sim, run_module, provider_pk, name="dc01", **params):
    params.setdefault("protocol", "rdp")
    params.setdefault("host", "dc01.example.com")
    r = run_module(MODULE, name=name, provider=str(provider_pk), **params)
    assert r["changed"] is True and not r.get("failed"), r
    sim.reset_counts()
    return r["endpoint"]


def writes_of(sim, method):
    return [q for q in sim.requests if q[0] == method]


# ---------------------------------------------------------------------------------------------------
# Create, rerun, request counts
# ---------------------------------------------------------------------------------------------------

def test_create_with_names_then_noop(sim, run_module, prov):
    win, dummy = prov
    params = dict(name="dc01", provider="Windows servers", protocol="rdp", host="dc01.example.com:3389", auth_mode="static",
                  settings={"security": "nla", "ignore-cert": "true"}, property_mappings=[RDP, RDP_NAME, SSH],
                  maximum_connections=2)
    sim.reset_counts()
    r = run_module(MODULE, **params)
    assert r["changed"] is True, r
    created = endpoint(sim, "dc01", win)
    assert r["endpoint"]["pk"] == created["pk"]
    assert created["host"] == "dc01.example.com:3389" and created["protocol"] == "rdp" and created["auth_mode"] == "static"
    assert created["settings"] == {"security": "nla", "ignore-cert": "true"}
    assert sorted(created["property_mappings"]) == sorted([mapping_pk(sim, RDP), mapping_pk(sim, SSH)])
    assert created["maximum_connections"] == 2
    assert "launch_url" in r["endpoint"] and r["endpoint"]["launch_url"] is None  # no application yet
    assert len(writes_of(sim, "POST")) == 1 and sim.writes() == 1

    sim.reset_counts()
    r = run_module(MODULE, **params)
    assert r["changed"] is False, r
    assert sim.writes() == 0
    # the provider name, the endpoint, two managed ids and one mapping name (RDP twice: looked up once per spelling)
    assert sim.count() == 5, sim.requests


def test_noop_with_pk_and_uuid_references_costs_one_request(sim, run_module, prov):
    win, dummy = prov
    rdp = mapping_pk(sim, RDP)
    params = dict(protocol="ssh", host="bastion", auth_mode="prompt", settings={"a": "b"}, property_mappings=[rdp],
                  maximum_connections=-1)
    create(sim, run_module, win, "bastion", **params)
    r = run_module(MODULE, name="bastion", provider=str(win), **params)
    assert r["changed"] is False, r
    assert sim.count() == 1 and sim.writes() == 0, sim.requests
    method, path, query = sim.requests[0]
    assert method == "GET" and path.endswith("/rac/endpoints/")
    assert "superuser_full_list=true" in query and "provider=%d" % win in query and "name=bastion" in query
    assert "search=bastion" in query  # authentik 2025.12.4 skips its per-provider endpoint cache only with search


def test_noop_by_endpoint_uuid_costs_one_request(sim, run_module, prov):
    win, dummy = prov
    created = create(sim, run_module, win, maximum_connections=3)
    r = run_module(MODULE, endpoint_uuid=created["pk"].upper(), host="dc01.example.com", maximum_connections=3)
    assert r["changed"] is False, r
    assert sim.count() == 1 and sim.writes() == 0
    assert sim.requests[0][1].endswith("/rac/endpoints/%s/" % created["pk"])


def test_create_update_delete_cost(sim, run_module, prov):
    win, dummy = prov
    sim.reset_counts()
    r = run_module(MODULE, name="dc02", provider=str(win), protocol="vnc", host="10.0.0.2")
    assert r["changed"] is True
    assert sim.count() == 2 and sim.writes() == 1  # the lookup and one POST
    assert r["endpoint"]["auth_mode"] == "prompt", "prompt when created without auth_mode, like Terraform"
    assert r["endpoint"]["maximum_connections"] == 1
    sim.reset_counts()
    r = run_module(MODULE, name="dc02", provider=str(win), host="10.0.0.3", maximum_connections=-1)
    assert r["changed"] is True
    assert sim.count() == 2 and len(writes_of(sim, "PATCH")) == 1 and sim.writes() == 1
    sim.reset_counts()
    r = run_module(MODULE, name="dc02", provider=str(win), state="absent")
    assert r["changed"] is True and r["endpoint"] == {}
    assert sim.count() == 2 and len(writes_of(sim, "DELETE")) == 1
    assert endpoint(sim, "dc02", win) is None
    sim.reset_counts()
    r = run_module(MODULE, name="dc02", provider=str(win), state="absent")
    assert r["changed"] is False
    assert sim.count() == 1 and sim.writes() == 0


def test_provider_by_name_costs_one_more_request(sim, run_module, prov):
    win, dummy = prov
    create(sim, run_module, win)
    r = run_module(MODULE, name="dc01", provider="Windows servers", host="dc01.example.com")
    assert r["changed"] is False
    assert sim.count() == 2 and sim.writes() == 0


# ---------------------------------------------------------------------------------------------------
# Identity: name within provider, endpoint_uuid
# ---------------------------------------------------------------------------------------------------

def test_same_name_on_two_providers_are_two_endpoints(sim, run_module, prov):
    win, lin = prov
    a = create(sim, run_module, win, "shared", host="a.example.com")
    r = run_module(MODULE, name="shared", provider="Linux servers", protocol="ssh", host="b.example.com")
    assert r["changed"] is True and r["endpoint"]["pk"] != a["pk"]
    r = run_module(MODULE, name="shared", provider=str(win), host="a2.example.com")
    assert r["changed"] is True and r["endpoint"]["pk"] == a["pk"]
    assert endpoint(sim, "shared", lin)["host"] == "b.example.com", "the other provider's endpoint is left alone"
    r = run_module(MODULE, name="shared", provider=str(lin), state="absent")
    assert r["changed"] is True
    assert endpoint(sim, "shared", win) is not None and endpoint(sim, "shared", lin) is None


def test_two_namesakes_on_one_provider_are_an_error_listing_both(sim, run_module, failed_cleanly, prov):
    win, dummy = prov
    first = sim.seed_endpoint("twin", win, host="a")
    second = sim.seed_endpoint("twin", win, host="b")
    for params in (dict(host="c"), dict(state="absent"), dict()):
        sim.reset_counts()
        r = run_module(MODULE, name="twin", provider="Windows servers", **params)
        failed_cleanly(r, "give endpoint_uuid to choose one, or rename the others")
        assert r["msg"].startswith("name: 2 RAC endpoints of provider 'Windows servers' are named 'twin' (UUIDs "), r["msg"]
        assert first in r["msg"] and second in r["msg"]
        assert sim.writes() == 0
    r = run_module(MODULE, endpoint_uuid=second, name="twin-b")
    assert r["changed"] is True
    r = run_module(MODULE, name="twin", provider=str(win), host="c")
    assert r["changed"] is True and r["endpoint"]["pk"] == first


def test_rename_and_move_by_endpoint_uuid(sim, run_module, prov):
    win, lin = prov
    created = create(sim, run_module, win, "old-name")
    r = run_module(MODULE, diff=True, endpoint_uuid=created["pk"], name="new-name", provider="Linux servers")
    assert r["changed"] is True, r
    assert (r["diff"]["before"]["name"], r["diff"]["after"]["name"]) == ("old-name", "new-name")
    assert (r["diff"]["before"]["provider"], r["diff"]["after"]["provider"]) == (win, lin)
    moved = sim.get_endpoint(created["pk"])
    assert (moved["name"], moved["provider"]) == ("new-name", lin)
    assert len(writes_of(sim, "PATCH")) == 1 and sim.writes() == 1
    r = run_module(MODULE, name="new-name", provider=str(lin))
    assert r["changed"] is False and r["endpoint"]["pk"] == created["pk"]


def test_endpoint_uuid_delete(sim, run_module, prov):
    win, dummy = prov
    created = create(sim, run_module, win)
    r = run_module(MODULE, endpoint_uuid=created["pk"], state="absent")
    assert r["changed"] is True and sim.get_endpoint(created["pk"]) is None
    r = run_module(MODULE, endpoint_uuid=created["pk"], state="absent")
    assert r["changed"] is False


def test_name_is_matched_exactly(sim, run_module, prov):
    win, dummy = prov
    create(sim, run_module, win, "DC01")
    r = run_module(MODULE, name="dc01", provider=str(win), protocol="rdp", host="x")
    assert r["changed"] is True
    assert endpoint(sim, "DC01", win)["pk"] != endpoint(sim, "dc01", win)["pk"]


# ---------------------------------------------------------------------------------------------------
# Updates, comparison, check mode, diff
# ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("option, value, expected", [
    ("protocol", "ssh", "ssh"),
    ("host", "dc01.example.com:3390", "dc01.example.com:3390"),
    ("auth_mode", "static", "static"),
    ("settings", {"enable-drive": "true"}, {"enable-drive": "true"}),
    ("maximum_connections", 5, 5),
    ("maximum_connections", -1, -1),
])
def test_update_each_field_with_one_patch(sim, run_module, prov, option, value, expected):
    win, dummy = prov
    before = create(sim, run_module, win, settings={"x": "1"})
    r = run_module(MODULE, name="dc01", provider=str(win), **{option: value})
    assert r["changed"] is True, r
    after = sim.get_endpoint(before["pk"])
    assert after[option] == expected
    assert len(writes_of(sim, "PATCH")) == 1 and sim.writes() == 1
    for other in ("protocol", "host", "auth_mode", "settings", "maximum_connections", "property_mappings", "name", "provider"):
        if other != option:
            assert after[other] == before[other], "%s must not change when only %s is set" % (other, option)
    r = run_module(MODULE, name="dc01", provider=str(win), **{option: value})
    assert r["changed"] is False


def test_property_mappings_are_a_set(sim, run_module, prov):
    win, dummy = prov
    rdp, ssh = mapping_pk(sim, RDP), mapping_pk(sim, SSH)
    create(sim, run_module, win, property_mappings=[rdp, ssh])
    for spelling in ([ssh, rdp], [RDP, SSH], [ssh.upper(), RDP_NAME, rdp]):
        r = run_module(MODULE, name="dc01", provider=str(win), property_mappings=spelling)
        assert r["changed"] is False, spelling
    r = run_module(MODULE, name="dc01", provider=str(win), property_mappings=[])
    assert r["changed"] is True
    assert endpoint(sim, "dc01", win)["property_mappings"] == []


def test_check_mode_writes_nothing(sim, run_module, prov):
    win, dummy = prov
    created = create(sim, run_module, win, maximum_connections=1)
    r = run_module(MODULE, check_mode=True, diff=True, name="new", provider=str(win), protocol="ssh", host="n")
    assert r["changed"] is True and r["diff"]["before"] == {}
    assert r["endpoint"]["name"] == "new" and r["endpoint"]["auth_mode"] == "prompt"
    r = run_module(MODULE, check_mode=True, diff=True, name="dc01", provider=str(win), maximum_connections=4)
    assert r["changed"] is True and r["endpoint"]["maximum_connections"] == 4
    assert (r["diff"]["before"]["maximum_connections"], r["diff"]["after"]["maximum_connections"]) == (1, 4)
    r = run_module(MODULE, check_mode=True, endpoint_uuid=created["pk"], name="renamed")
    assert r["changed"] is True
    r = run_module(MODULE, check_mode=True, name="dc01", provider=str(win), state="absent")
    assert r["changed"] is True
    assert sim.writes() == 0
    assert endpoint(sim, "new", win) is None and sim.get_endpoint(created["pk"])["name"] == "dc01"
    assert sim.get_endpoint(created["pk"])["maximum_connections"] == 1


def test_diff_shows_managed_fields_only(sim, run_module, prov):
    win, dummy = prov
    created = create(sim, run_module, win)
    r = run_module(MODULE, diff=True, name="dc01", provider=str(win), host="dc01.example.com:3389")
    before, after = r["diff"]["before"], r["diff"]["after"]
    assert before["pk"] == after["pk"] == created["pk"]
    assert (before["host"], after["host"]) == ("dc01.example.com", "dc01.example.com:3389")
    for key in ("provider_obj", "launch_url"):
        assert key not in before and key not in after


def test_secrets_in_settings_are_never_shown(sim, run_module, prov):
    win, dummy = prov
    r = run_module(MODULE, diff=True, name="dc01", provider=str(win), protocol="rdp", host="h",
                   settings={"username": "admin", "password": PASSWORD})
    assert r["changed"] is True
    assert sim.get_endpoint(r["endpoint"]["pk"])["settings"]["password"] == PASSWORD
    assert r["endpoint"]["settings"] == {"username": "admin", "password": "********"}
    assert r["diff"]["after"]["settings"]["password"] == "******** (new value)"
    assert PASSWORD not in r["_raw"]
    r = run_module(MODULE, diff=True, name="dc01", provider=str(win), settings={"username": "admin", "password": PASSWORD})
    assert r["changed"] is False and PASSWORD not in r["_raw"]
    r = run_module(MODULE, diff=True, name="dc01", provider=str(win), settings={"username": "admin", "password": PASSWORD + "x"})
    assert r["changed"] is True
    assert (r["diff"]["before"]["settings"]["password"], r["diff"]["after"]["settings"]["password"]) == (
        "********", "******** (new value)")
    assert PASSWORD not in r["_raw"]


# ---------------------------------------------------------------------------------------------------
# Bad input: one clear line, naming the option and the value, and no write
# ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("params, fragment", [
    (dict(protocol="telnet"), "value of protocol must be one of: rdp, vnc, ssh, got: telnet"),
    (dict(auth_mode="none"), "value of auth_mode must be one of: static, prompt, got: none"),
    (dict(host=""), "host: '' is not a host name or address"),
    (dict(host="dc 01"), "host: 'dc 01' is not a host name or address"),
    (dict(host="rdp://dc01"), "host: 'rdp://dc01' is not a host name or address"),
    (dict(host="fe80::1"), "host: 'fe80::1' is not host or host:port"),
    (dict(host="dc01:99999"), "host: 'dc01:99999' is not host or host:port with a port from 1 to 65535"),
    (dict(host="dc01:rdp"), "host: 'dc01:rdp' is not host or host:port"),
    (dict(maximum_connections=0), "maximum_connections: 0 is not -1 (no limit) or a positive number of connections"),
    (dict(maximum_connections=-2), "maximum_connections: -2 is not -1 (no limit)"),
    (dict(maximum_connections=2147483648), "maximum_connections: 2147483648 is more than authentik can store"),
    (dict(maximum_connections="many"), "maximum_connections"),
    (dict(settings="not a dict"), "settings"),
    (dict(settings=["a"]), "settings"),
    (dict(property_mappings=[RDP, "No such mapping"]), "property_mappings: no RAC property mapping 'No such mapping' found"),
    (dict(provider="No such provider"), "provider: no RAC provider 'No such provider' found"),
    (dict(provider="99999"), "provider: '99999' is not a RAC provider that authentik knows"),
    (dict(provider=None), "provider: required to find RAC endpoint 'bad' by name, which is unique only within its provider; "
                          "or give endpoint_uuid"),
    (dict(protocol=None), "protocol: required to create RAC endpoint 'bad', which does not exist yet"),
    (dict(host=None), "host: required to create RAC endpoint 'bad', which does not exist yet"),
    (dict(name=" bad"), "name: ' bad' does not match"),
    (dict(name=None), "one of the following is required: name, endpoint_uuid"),
    (dict(endpoint_uuid="not-a-uuid"), "endpoint_uuid: 'not-a-uuid' is not a UUID"),
    (dict(endpoint_uuid="0c3c6a4e-7e27-4d1c-9f6e-3a2b9f1d5e70"),
     "endpoint_uuid: RAC endpoint '0c3c6a4e-7e27-4d1c-9f6e-3a2b9f1d5e70' does not exist; to create one, leave endpoint_uuid "
     "out and give name and provider"),
    (dict(state="gone"), "value of state must be one of: present, absent, got: gone"),
])
def test_bad_input_is_one_line_and_writes_nothing(sim, run_module, failed_cleanly, prov, params, fragment):
    win, dummy = prov
    args = dict(name="bad", provider=str(win), protocol="rdp", host="h")
    args.update(params)
    sim.reset_counts()
    failed_cleanly(run_module(MODULE, **dict((k, v) for k, v in args.items() if v is not None)), fragment)
    assert sim.writes() == 0
    assert endpoints(sim) == []


def test_bad_input_on_an_existing_endpoint_changes_nothing(sim, run_module, prov):
    win, dummy = prov
    create(sim, run_module, win, maximum_connections=2)
    for params in (dict(maximum_connections=0), dict(host="a b"), dict(property_mappings=["nope"]), dict(protocol="x")):
        r = run_module(MODULE, name="dc01", provider=str(win), **params)
        assert r["failed"] is True, (params, r)
    assert sim.writes() == 0
    assert endpoint(sim, "dc01", win)["maximum_connections"] == 2


def test_values_that_need_no_lookup_are_checked_before_any_request(sim, run_module, prov):
    win, dummy = prov
    r = run_module(MODULE, name="x", provider="Windows servers", host="a b", protocol="rdp")
    assert r["failed"] is True
    assert sim.count() == 0


def test_unknown_mapping_uuid_is_refused_by_the_server(sim, run_module, prov):
    win, dummy = prov
    missing = str(uuid.uuid4())
    r = run_module(MODULE, name="ghost", provider=str(win), protocol="rdp", host="h", property_mappings=[missing])
    assert r["failed"] is True
    assert "HTTP 400" in r["msg"] and "property_mappings" in r["msg"], r["msg"]
    assert endpoint(sim, "ghost", win) is None


def test_secret_stays_hidden_when_the_task_fails(sim, run_module, prov):
    win, dummy = prov
    r = run_module(MODULE, name="dc01", provider=str(win), protocol="rdp", host="a b",
                   settings={"password": PASSWORD})
    assert r["failed"] is True
    assert PASSWORD not in r["_raw"]


@pytest.mark.parametrize("check_mode", [False, True])
def test_deleting_an_endpoint_of_a_provider_that_is_gone_is_nothing_to_do(sim, run_module, check_mode):
    """authentik deletes a provider's endpoints with it: a teardown that deleted the provider first, or runs twice."""
    sim.reset_counts()
    r = run_module(MODULE, name="dc01", provider="gone", state="absent", check_mode=check_mode)
    assert r.get("failed") is not True and r["changed"] is False and r["endpoint"] == {}, r
    assert "_authentik_check_plan" not in r and sim.writes() == 0 and sim.count() == 1
    r = run_module(MODULE, name="dc01", provider="gone", protocol="rdp", host="h")
    assert r["failed"] is True and r["msg"] == "provider: no RAC provider 'gone' found", r
