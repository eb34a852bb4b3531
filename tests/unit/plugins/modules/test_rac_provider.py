# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""rac_provider against the authentik simulator: create, no-op rerun (one request with UUID references, one more
per name or slug), update of each field, no change when only the spelling of a reference or a duration differs,
settings compared as a whole, check mode with zero writes, diff content, delete, delete missing, and every bad input
(unknown flow or mapping, bad connection_expiry, a name held by another provider type, missing authorization_flow,
settings not a dictionary, a name authentik would strip)."""

from __future__ import (absolute_import, division, print_function)
from __future__ import annotations

# boilerplate that ansible-test sanity of ansible-core 2.16 requires in these files
__metaclass__ = type

import uuid

import pytest
import requests

ADMIN_TOKEN = "sim-admin-token"
MODULE = "rac_provider"

IMPLICIT = "default-provider-authorization-implicit-consent"
EXPLICIT = "default-provider-authorization-explicit-consent"
AUTHN = "default-authentication-flow"
RDP = "goauthentik.io/providers/rac/rdp-default"
HIFI = "goauthentik.io/providers/rac/rdp-high-fidelity"
SSH = "goauthentik.io/providers/rac/ssh-default"


def api(sim, method, path, **kwargs):
    return requests.request(method, sim.url + "/api/v3/" + path, headers={"Authorization": "Bearer " + ADMIN_TOKEN},
                            timeout=10, **kwargs)


def providers(sim):
    """Every RAC provider on the server, by name (read without filters, so the helper trusts no filter)."""
    data = api(sim, "GET", "providers/rac/", params={"page_size": 100}).json()
    return dict((p["name"], p) for p in data["results"])


def provider(sim, name):
    return providers(sim).get(name)


def flow_pk(sim, slug):
    resp = api(sim, "GET", "flows/instances/%s/" % slug)
    assert resp.status_code == 200, "the simulator should seed the flow %s" % slug
    return resp.json()["pk"]


def mappings(sim):
    data = api(sim, "GET", "propertymappings/provider/rac/", params={"page_size": 100}).json()
    return data["results"]


def mapping(sim, managed):
    """The RAC property mapping with this ``managed`` id (pk and name)."""
    found = [m for m in mappings(sim) if m.get("managed") == managed]
    assert len(found) == 1, "the simulator should seed the mapping %s" % managed
    return found[0]


def writes_of(sim, method):
    return [q for q in sim.requests if q[0] == method]


# Engine gaps, with the proposed _engine.py changes in the module's report; remove the marks once they are applied.


def create(sim, run_module, name, **params):
    """Create a provider through the module (UUID references only) and reset the counters."""
    params.setdefault("authorization_flow", flow_pk(sim, IMPLICIT))
    r = run_module(MODULE, name=name, **params)
    assert r["changed"] is True and not r.get("failed"), r
    sim.reset_counts()
    return r["provider"]


# ---------------------------------------------------------------------------------------------------
# Create, rerun, request counts
# ---------------------------------------------------------------------------------------------------

def test_create_with_names_then_noop(sim, run_module):
    params = dict(
        name="rdp-servers",
        authorization_flow=IMPLICIT,
        authentication_flow=AUTHN,
        property_mappings=[RDP, mapping(sim, HIFI)["name"]],
        settings={"enable-wallpaper": "false", "resize-method": "display-update"},
        connection_expiry="hours=1;minutes=30",
        delete_token_on_disconnect=True,
    )
    sim.reset_counts()
    r = run_module(MODULE, **params)
    assert r["changed"] is True, r
    created = provider(sim, "rdp-servers")
    assert created is not None
    assert r["provider"]["pk"] == created["pk"]
    assert created["authorization_flow"] == flow_pk(sim, IMPLICIT)
    assert created["authentication_flow"] == flow_pk(sim, AUTHN)
    assert sorted(created["property_mappings"]) == sorted([mapping(sim, RDP)["pk"], mapping(sim, HIFI)["pk"]])
    assert created["settings"] == {"enable-wallpaper": "false", "resize-method": "display-update"}
    assert created["connection_expiry"] == "hours=1;minutes=30"
    assert created["delete_token_on_disconnect"] is True
    assert len(writes_of(sim, "POST")) == 1 and sim.writes() == 1

    sim.reset_counts()
    r = run_module(MODULE, **params)
    assert r["changed"] is False, r
    assert r["provider"]["pk"] == created["pk"]
    assert sim.writes() == 0
    # the provider, two flow slugs, a managed id and a mapping name: one request each
    assert sim.count() == 5, sim.requests


def test_create_minimal_gets_server_defaults(sim, run_module):
    r = run_module(MODULE, name="minimal", authorization_flow=IMPLICIT)
    assert r["changed"] is True, r
    created = provider(sim, "minimal")
    assert created["connection_expiry"] == "hours=8"
    assert created["delete_token_on_disconnect"] is False
    assert created["authentication_flow"] is None
    assert created["property_mappings"] == []
    r = run_module(MODULE, name="minimal", connection_expiry="hours=8", delete_token_on_disconnect=False)
    assert r["changed"] is False, r


def test_noop_with_uuid_references_costs_exactly_one_request(sim, run_module):
    params = dict(
        authorization_flow=flow_pk(sim, EXPLICIT),
        authentication_flow=flow_pk(sim, AUTHN),
        property_mappings=[mapping(sim, RDP)["pk"], mapping(sim, SSH)["pk"]],
        settings={"a": "b"},
        connection_expiry="minutes=45",
        delete_token_on_disconnect=True,
    )
    create(sim, run_module, "uuid-refs", **params)
    r = run_module(MODULE, name="uuid-refs", **params)
    assert r["changed"] is False, r
    assert sim.count() == 1, sim.requests
    assert sim.writes() == 0
    method, path, query = sim.requests[0]
    assert method == "GET" and path.endswith("/providers/rac/")
    assert "name__iexact" in str(query), "?name= is not a filter of /providers/rac/"


def test_update_with_uuid_references_costs_two_requests(sim, run_module):
    create(sim, run_module, "upd-count")
    explicit = flow_pk(sim, EXPLICIT)
    sim.reset_counts()
    r = run_module(MODULE, name="upd-count", authorization_flow=explicit, connection_expiry="hours=2")
    assert r["changed"] is True
    assert sim.count() == 2 and sim.writes() == 1  # the lookup and one PATCH


def test_create_with_uuid_references_costs_two_requests(sim, run_module):
    implicit, rdp = flow_pk(sim, IMPLICIT), mapping(sim, RDP)["pk"]
    sim.reset_counts()
    r = run_module(MODULE, name="create-count", authorization_flow=implicit, property_mappings=[rdp])
    assert r["changed"] is True
    assert sim.count() == 2 and sim.writes() == 1  # the lookup and one POST


@pytest.mark.parametrize("refs, extra", [
    (dict(authorization_flow=IMPLICIT), 1),
    (dict(authentication_flow=AUTHN), 1),
    (dict(authorization_flow=IMPLICIT, authentication_flow=IMPLICIT), 1),  # the same slug is looked up once
    (dict(property_mappings=[RDP]), 1),
    (dict(property_mappings=["authentik default RAC Mapping: RDP Default settings"]), 1),
    (dict(authorization_flow=IMPLICIT, authentication_flow=AUTHN, property_mappings=[RDP, SSH]), 4),
])
def test_each_name_reference_costs_at_most_one_request(sim, run_module, refs, extra):
    full = dict(authorization_flow=IMPLICIT, authentication_flow=IMPLICIT, property_mappings=[RDP, SSH])
    full.update(refs)
    create(sim, run_module, "ref-count", **full)
    r = run_module(MODULE, name="ref-count", **refs)
    assert r["changed"] is False, r
    assert sim.count() == 1 + extra, sim.requests
    assert sim.writes() == 0


# ---------------------------------------------------------------------------------------------------
# Updates
# ---------------------------------------------------------------------------------------------------

def _update_cases():
    return [
        ("authorization_flow", lambda sim: EXPLICIT, lambda sim, p: p["authorization_flow"] == flow_pk(sim, EXPLICIT)),
        ("authentication_flow", lambda sim: AUTHN, lambda sim, p: p["authentication_flow"] == flow_pk(sim, AUTHN)),
        ("property_mappings", lambda sim: [SSH], lambda sim, p: p["property_mappings"] == [mapping(sim, SSH)["pk"]]),
        ("settings", lambda sim: {"enable-drive": "true"}, lambda sim, p: p["settings"] == {"enable-drive": "true"}),
        ("connection_expiry", lambda sim: "days=1", lambda sim, p: p["connection_expiry"] == "days=1"),
        ("delete_token_on_disconnect", lambda sim: True, lambda sim, p: p["delete_token_on_disconnect"] is True),
    ]


@pytest.mark.parametrize("option, value, check", _update_cases(), ids=[c[0] for c in _update_cases()])
def test_update_each_field(sim, run_module, option, value, check):
    before = create(sim, run_module, "upd", property_mappings=[RDP], settings={"enable-wallpaper": "false"})
    wanted = value(sim)
    sim.reset_counts()
    r = run_module(MODULE, name="upd", **{option: wanted})
    assert r["changed"] is True, r
    after = provider(sim, "upd")
    assert check(sim, after), after
    assert r["provider"] == after
    patches = writes_of(sim, "PATCH")
    assert len(patches) == 1 and sim.writes() == 1
    for other in ("authorization_flow", "authentication_flow", "property_mappings", "settings", "connection_expiry",
                  "delete_token_on_disconnect"):
        if other != option:
            assert after[other] == before[other], "%s must not change when only %s is set" % (other, option)
    r = run_module(MODULE, name="upd", **{option: wanted})
    assert r["changed"] is False, r


def test_update_many_fields_in_one_patch(sim, run_module):
    create(sim, run_module, "multi")
    r = run_module(MODULE, name="multi", authorization_flow=EXPLICIT, property_mappings=[RDP, SSH],
                   settings={"x": "1"}, connection_expiry="minutes=5", delete_token_on_disconnect=True)
    assert r["changed"] is True
    assert len(writes_of(sim, "PATCH")) == 1 and sim.writes() == 1
    after = provider(sim, "multi")
    assert sorted(after["property_mappings"]) == sorted([mapping(sim, RDP)["pk"], mapping(sim, SSH)["pk"]])
    assert (after["settings"], after["connection_expiry"], after["delete_token_on_disconnect"]) == ({"x": "1"}, "minutes=5", True)


def test_empty_authentication_flow_clears_it(sim, run_module):
    create(sim, run_module, "clear-authn", authentication_flow=flow_pk(sim, AUTHN))
    r = run_module(MODULE, diff=True, name="clear-authn", authentication_flow="")
    assert r["changed"] is True, r
    assert provider(sim, "clear-authn")["authentication_flow"] is None
    assert r["diff"]["before"]["authentication_flow"] == flow_pk(sim, AUTHN)
    assert r["diff"]["after"]["authentication_flow"] is None
    sim.reset_counts()
    r = run_module(MODULE, name="clear-authn", authentication_flow="")
    assert r["changed"] is False
    assert sim.count() == 1


def test_empty_list_removes_every_mapping(sim, run_module):
    create(sim, run_module, "no-maps", property_mappings=[RDP, SSH])
    r = run_module(MODULE, name="no-maps", property_mappings=[])
    assert r["changed"] is True
    assert provider(sim, "no-maps")["property_mappings"] == []
    r = run_module(MODULE, name="no-maps", property_mappings=[])
    assert r["changed"] is False


def test_settings_are_compared_and_replaced_as_a_whole(sim, run_module):
    create(sim, run_module, "settings", settings={"enable-wallpaper": "false", "enable-drive": "true"})
    r = run_module(MODULE, name="settings", settings={"enable-drive": "true", "enable-wallpaper": "false"})
    assert r["changed"] is False, "key order does not matter"
    r = run_module(MODULE, name="settings", settings={"enable-drive": "true"})
    assert r["changed"] is True, "a key missing from the desired settings is a change"
    assert provider(sim, "settings")["settings"] == {"enable-drive": "true"}
    r = run_module(MODULE, name="settings", settings={"enable-drive": "false"})
    assert r["changed"] is True
    assert provider(sim, "settings")["settings"] == {"enable-drive": "false"}
    r = run_module(MODULE, name="settings", settings={})
    assert r["changed"] is True
    assert provider(sim, "settings")["settings"] == {}
    r = run_module(MODULE, name="settings", settings={})
    assert r["changed"] is False


# ---------------------------------------------------------------------------------------------------
# Spelling: the same value written differently is no change
# ---------------------------------------------------------------------------------------------------

def test_flow_slug_and_uuid_are_the_same(sim, run_module):
    create(sim, run_module, "flow-spelling", authorization_flow=IMPLICIT, authentication_flow=AUTHN)
    for authz, authn in ((IMPLICIT, AUTHN), (flow_pk(sim, IMPLICIT), flow_pk(sim, AUTHN)),
                         (flow_pk(sim, IMPLICIT).upper(), "{%s}" % flow_pk(sim, AUTHN))):
        sim.reset_counts()
        r = run_module(MODULE, name="flow-spelling", authorization_flow=authz, authentication_flow=authn)
        assert r["changed"] is False, (authz, authn, r)
        assert sim.writes() == 0


def test_mapping_name_managed_id_and_uuid_are_the_same(sim, run_module):
    rdp, ssh = mapping(sim, RDP), mapping(sim, SSH)
    create(sim, run_module, "map-spelling", property_mappings=[rdp["pk"], ssh["pk"]])
    for spelling in ([RDP, SSH], [rdp["name"], ssh["name"]], [ssh["pk"].upper(), RDP], [SSH, rdp["name"], RDP, ssh["pk"]]):
        sim.reset_counts()
        r = run_module(MODULE, name="map-spelling", property_mappings=spelling)
        assert r["changed"] is False, (spelling, r)
        assert sim.writes() == 0


@pytest.mark.parametrize("spelling", ["hours=1;minutes=30", "minutes=90", "seconds=5400", "Hours=1;Minutes=30",
                                      "minutes=30;hours=1", "hours=1.5", "days=0;hours=1;minutes=30"])
def test_connection_expiry_is_compared_as_a_duration(sim, run_module, spelling):
    create(sim, run_module, "expiry", connection_expiry="minutes=90")
    r = run_module(MODULE, name="expiry", connection_expiry=spelling)
    assert r["changed"] is False, r
    assert sim.writes() == 0
    assert provider(sim, "expiry")["connection_expiry"] == "minutes=90", "the stored spelling is left alone"


def test_name_is_matched_exactly(sim, run_module):
    create(sim, run_module, "Jump-Hosts")
    r = run_module(MODULE, name="jump-hosts", authorization_flow=IMPLICIT)
    assert r["changed"] is True
    assert set(providers(sim)) >= {"Jump-Hosts", "jump-hosts"}
    assert provider(sim, "Jump-Hosts")["pk"] != provider(sim, "jump-hosts")["pk"]
    r = run_module(MODULE, name="Jump-Hosts", state="absent")
    assert r["changed"] is True
    assert "jump-hosts" in providers(sim) and "Jump-Hosts" not in providers(sim)


# ---------------------------------------------------------------------------------------------------
# Check mode and diff
# ---------------------------------------------------------------------------------------------------

def test_check_mode_writes_nothing(sim, run_module):
    create(sim, run_module, "existing", connection_expiry="hours=8")
    r = run_module(MODULE, check_mode=True, diff=True, name="brand-new", authorization_flow=IMPLICIT,
                   property_mappings=[RDP], connection_expiry="minutes=90")
    assert r["changed"] is True, r
    assert r["provider"]["name"] == "brand-new"
    assert r["provider"]["authorization_flow"] == flow_pk(sim, IMPLICIT)
    assert r["provider"]["property_mappings"] == [mapping(sim, RDP)["pk"]]
    assert r["diff"]["before"] == {}
    assert r["diff"]["after"]["connection_expiry"] == "minutes=90"
    r = run_module(MODULE, check_mode=True, name="existing", connection_expiry="hours=2", delete_token_on_disconnect=True)
    assert r["changed"] is True
    assert r["provider"]["connection_expiry"] == "hours=2" and r["provider"]["delete_token_on_disconnect"] is True
    r = run_module(MODULE, check_mode=True, name="existing", connection_expiry="minutes=480")
    assert r["changed"] is False
    r = run_module(MODULE, check_mode=True, name="existing", state="absent")
    assert r["changed"] is True
    assert sim.writes() == 0
    assert provider(sim, "brand-new") is None
    assert provider(sim, "existing")["connection_expiry"] == "hours=8"


def test_diff_shows_only_managed_fields_before_and_after(sim, run_module):
    created = create(sim, run_module, "diffed", property_mappings=[RDP], connection_expiry="hours=8")
    r = run_module(MODULE, diff=True, name="diffed", property_mappings=[SSH], connection_expiry="hours=1;minutes=30",
                   settings={"enable-drive": "true"})
    assert r["changed"] is True
    before, after = r["diff"]["before"], r["diff"]["after"]
    assert before["pk"] == after["pk"] == created["pk"]
    assert before["name"] == after["name"] == "diffed"
    assert before["property_mappings"] == [mapping(sim, RDP)["pk"]]
    assert after["property_mappings"] == [mapping(sim, SSH)["pk"]]
    assert (before["connection_expiry"], after["connection_expiry"]) == ("hours=8", "hours=1;minutes=30")
    assert (before["settings"], after["settings"]) == ({}, {"enable-drive": "true"})
    assert before["authorization_flow"] == after["authorization_flow"]
    for key in ("component", "verbose_name", "meta_model_name", "outpost_set", "assigned_application_slug"):
        assert key not in before and key not in after
    r = run_module(MODULE, diff=True, name="diffed", connection_expiry="minutes=90")
    assert r["changed"] is False
    assert r["diff"]["before"] == r["diff"]["after"]


# ---------------------------------------------------------------------------------------------------
# Delete
# ---------------------------------------------------------------------------------------------------

def test_delete_and_delete_missing(sim, run_module):
    create(sim, run_module, "gone")
    r = run_module(MODULE, diff=True, name="gone", state="absent")
    assert r["changed"] is True
    assert r["provider"] == {}
    assert r["diff"]["before"]["name"] == "gone" and r["diff"]["after"] == {}
    assert provider(sim, "gone") is None
    assert len(writes_of(sim, "DELETE")) == 1
    sim.reset_counts()
    r = run_module(MODULE, name="gone", state="absent")
    assert r["changed"] is False
    assert sim.count() == 1 and sim.writes() == 0


def test_delete_ignores_the_other_options(sim, run_module):
    create(sim, run_module, "gone2")
    r = run_module(MODULE, name="gone2", state="absent", authorization_flow="no-such-flow", connection_expiry="soon")
    assert r["changed"] is True, r
    assert provider(sim, "gone2") is None


def test_delete_leaves_a_foreign_provider_of_the_same_name_alone(sim, run_module):
    sim.add_foreign_provider("shared-name")
    r = run_module(MODULE, name="shared-name", state="absent")
    assert r["changed"] is False, r
    assert sim.writes() == 0


# ---------------------------------------------------------------------------------------------------
# Bad input: one clear line, naming the option and the value, and no write
# ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("params, fragment", [
    (dict(authorization_flow="no-such-flow"), "authorization_flow: no flow 'no-such-flow' found"),
    (dict(authorization_flow=IMPLICIT, authentication_flow="nope-flow"), "authentication_flow: no flow 'nope-flow' found"),
    (dict(authorization_flow=""), "authorization_flow: an empty string is not a flow"),
    pytest.param(dict(authorization_flow=IMPLICIT, property_mappings=[RDP, "No such mapping"]),
                 "property_mappings: no RAC property mapping 'No such mapping' found"),
    pytest.param(dict(authorization_flow=IMPLICIT, property_mappings=["goauthentik.io/providers/rac/nope"]),
                 "property_mappings: no RAC property mapping 'goauthentik.io/providers/rac/nope' found"),
    (dict(authorization_flow=IMPLICIT, connection_expiry="8 hours"), "connection_expiry: '8 hours' is not a duration"),
    (dict(authorization_flow=IMPLICIT, connection_expiry="hours=8;fortnights=1"), "connection_expiry: 'hours=8;fortnights=1' is not a duration"),
    (dict(authorization_flow=IMPLICIT, connection_expiry="hours=x"), "connection_expiry: 'hours=x' is not a duration"),
    (dict(authorization_flow=IMPLICIT, connection_expiry=""), "connection_expiry: '' is not a duration"),
    pytest.param(dict(authorization_flow=IMPLICIT, connection_expiry="hours=1;"), "connection_expiry: 'hours=1;' is not a duration"),
    pytest.param(dict(authorization_flow=IMPLICIT, connection_expiry="minutes=30; hours=1"),
                 "connection_expiry: 'minutes=30; hours=1' is not a duration"),
    (dict(authorization_flow=IMPLICIT, settings="not a dict"), "settings"),
    (dict(authorization_flow=IMPLICIT, settings=["a", "b"]), "settings"),
    (dict(authorization_flow=IMPLICIT, delete_token_on_disconnect="maybe"), "delete_token_on_disconnect"),
    (dict(authorization_flow=IMPLICIT, state="gone"), "value of state must be one of: present, absent, got: gone"),
    (dict(connection_expiry="hours=1"), "authorization_flow: required to create RAC provider 'bad', which does not exist yet"),
    (dict(authentication_flow=AUTHN, property_mappings=[RDP]),
     "authorization_flow: required to create RAC provider 'bad', which does not exist yet"),
])
def test_bad_input_is_one_line_and_writes_nothing(sim, run_module, failed_cleanly, params, fragment):
    params.setdefault("name", "bad")
    sim.reset_counts()
    r = run_module(MODULE, **params)
    failed_cleanly(r, fragment)
    assert sim.writes() == 0
    assert provider(sim, "bad") is None


@pytest.mark.parametrize("name", ["", " padded ", "trailing\t"])
def test_a_name_authentik_would_strip_is_refused(sim, run_module, name):
    r = run_module(MODULE, name=name, authorization_flow=IMPLICIT)
    assert r["failed"] is True, r
    assert r["msg"].startswith("name: %r does not match" % name), r["msg"]
    assert sim.count() == 0


def test_bad_input_on_an_existing_provider_changes_nothing(sim, run_module):
    create(sim, run_module, "keep", connection_expiry="hours=8")
    for params in (dict(connection_expiry="forever"), dict(property_mappings=["nope"]), dict(authorization_flow="nope")):
        r = run_module(MODULE, name="keep", **params)
        assert r["failed"] is True, (params, r)
    assert sim.writes() == 0
    assert provider(sim, "keep")["connection_expiry"] == "hours=8"


def test_name_held_by_another_provider_type(sim, run_module):
    sim.add_foreign_provider("sso-proxy")
    sim.reset_counts()
    r = run_module(MODULE, name="sso-proxy", authorization_flow=IMPLICIT)
    assert r["failed"] is True, r
    assert r["msg"].startswith("name: 'sso-proxy' is already the name of another kind of authentik provider"), r["msg"]
    assert "provider with this name already exists" in r["msg"]
    assert r["status"] == 400
    assert provider(sim, "sso-proxy") is None
    assert len(writes_of(sim, "POST")) == 1, "one refused POST, never retried"


def test_unknown_flow_uuid_is_refused_by_the_server(sim, run_module):
    missing = str(uuid.uuid4())
    r = run_module(MODULE, name="ghost-flow", authorization_flow=missing)
    assert r["failed"] is True, r
    assert "HTTP 400" in r["msg"] and "authorization_flow" in r["msg"], r["msg"]
    assert provider(sim, "ghost-flow") is None


def test_wrong_api_token(run_module):
    r = run_module(MODULE, name="x", authorization_flow=IMPLICIT, token="not-a-real-token")
    assert r["failed"] is True
    assert r["msg"] == ("GET /api/v3/providers/rac/: HTTP 403: Token invalid/expired (check the token option or AUTHENTIK_TOKEN: "
                        "authentik accepts only the key of an existing, unexpired token with intent api, not an app password)")
    assert "not-a-real-token" not in r["_raw"]
