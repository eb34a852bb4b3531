# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""rac_property_mapping against the authentik simulator: create, no-op rerun (one request), one write per change,
expression compared without surrounding whitespace, static_settings compared as a whole, secrets of static_settings
never in the result, the diff, the invocation, warnings or errors, check mode, delete, authentik's managed mappings
refused for change and delete (but readable and usable as references), and bad input."""

from __future__ import (absolute_import, division, print_function)
from __future__ import annotations

# boilerplate that ansible-test sanity of ansible-core 2.16 requires in these files
__metaclass__ = type

import json

import pytest
import requests

from ansible.module_utils import basic

ADMIN_TOKEN = "sim-admin-token"
MODULE = "rac_property_mapping"

RDP = "goauthentik.io/providers/rac/rdp-default"
RDP_NAME = "authentik default RAC Mapping: RDP Default settings"
PASSWORD = "Mapping-Pa55word-9z"
PRIVATE_KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----"
PASSPHRASE = "correct-horse-battery-staple"
SECRETS = (PASSWORD, PRIVATE_KEY, PASSPHRASE, "Gateway-Secret-4u", "Api-Secret-77")


def api(sim, method, path, **kwargs):
    return requests.request(method, sim.url + "/api/v3/" + path, headers={"Authorization": "Bearer " + ADMIN_TOKEN},
                            timeout=10, **kwargs)


def mappings(sim):
    return dict((m["name"], m) for m in
                api(sim, "GET", "propertymappings/provider/rac/", params={"page_size": 100}).json()["results"])


def mapping(sim, name):
    return mappings(sim).get(name)


def writes_of(sim, method):
    return [q for q in sim.requests if q[0] == method]


def create(sim, run_module, name="win-login", **params):
    params.setdefault("static_settings", {"username": "svc", "password": PASSWORD})
    r = run_module(MODULE, name=name, **params)
    assert r["changed"] is True and not r.get("failed"), r
    sim.reset_counts()
    return r["property_mapping"]


def assert_no_secret(r):
    """No secret in the module's output, as text or JSON-escaped (the private key has newlines)."""
    for secret in SECRETS:
        assert secret not in r["_raw"] and json.dumps(secret)[1:-1] not in r["_raw"], secret


# ---------------------------------------------------------------------------------------------------
# Create, rerun, request counts
# ---------------------------------------------------------------------------------------------------

def test_create_then_noop_costs_one_request(sim, run_module):
    params = dict(name="win-login", expression='return {"domain": "CORP"}',
                  static_settings={"username": "svc", "password": PASSWORD, "ignore-cert": "true"})
    sim.reset_counts()
    r = run_module(MODULE, **params)
    assert r["changed"] is True, r
    assert sim.count() == 2 and len(writes_of(sim, "POST")) == 1 and sim.writes() == 1
    stored = mapping(sim, "win-login")
    assert stored["static_settings"] == params["static_settings"], "the real password is stored"
    assert stored["expression"] == 'return {"domain": "CORP"}' and stored["managed"] is None
    assert r["property_mapping"]["pk"] == stored["pk"]
    assert r["property_mapping"]["static_settings"] == {"username": "svc", "password": "********", "ignore-cert": "true"}
    assert_no_secret(r)

    sim.reset_counts()
    r = run_module(MODULE, **params)
    assert r["changed"] is False, r
    assert sim.count() == 1 and sim.writes() == 0
    method, path, query = sim.requests[0]
    assert method == "GET" and path.endswith("/propertymappings/provider/rac/") and "name=win-login" in query
    assert_no_secret(r)


def test_create_minimal_gets_server_defaults(sim, run_module):
    r = run_module(MODULE, name="empty")
    assert r["changed"] is True, r
    assert mapping(sim, "empty")["static_settings"] == {} and mapping(sim, "empty")["expression"] == ""
    r = run_module(MODULE, name="empty", expression="", static_settings={})
    assert r["changed"] is False


def test_update_and_delete_cost(sim, run_module):
    create(sim, run_module)
    r = run_module(MODULE, name="win-login", expression="return {}")
    assert r["changed"] is True
    assert sim.count() == 2 and len(writes_of(sim, "PATCH")) == 1 and sim.writes() == 1
    assert mapping(sim, "win-login")["static_settings"]["password"] == PASSWORD, "static_settings left alone"
    sim.reset_counts()
    r = run_module(MODULE, diff=True, name="win-login", state="absent")
    assert r["changed"] is True and r["property_mapping"] == {}
    assert sim.count() == 2 and len(writes_of(sim, "DELETE")) == 1
    assert r["diff"]["before"]["static_settings"]["password"] == "********" and r["diff"]["after"] == {}
    assert mapping(sim, "win-login") is None
    assert_no_secret(r)
    sim.reset_counts()
    r = run_module(MODULE, name="win-login", state="absent")
    assert r["changed"] is False and sim.count() == 1 and sim.writes() == 0


def test_delete_detaches_it_from_providers_and_endpoints(sim, run_module):
    created = create(sim, run_module)
    pk = sim.seed_provider("rdp", property_mappings=[created["pk"]])
    ep = sim.seed_endpoint("dc01", pk, property_mappings=[created["pk"]])
    r = run_module(MODULE, name="win-login", state="absent")
    assert r["changed"] is True
    assert sim.get_provider(pk)["property_mappings"] == [] and sim.get_endpoint(ep)["property_mappings"] == []


# ---------------------------------------------------------------------------------------------------
# Comparison
# ---------------------------------------------------------------------------------------------------

def test_expression_is_compared_without_surrounding_whitespace(sim, run_module):
    create(sim, run_module, expression="return {\n    'username': user.username,\n}\n")
    stored = mapping(sim, "win-login")["expression"]
    assert stored == "return {\n    'username': user.username,\n}", "authentik strips it"
    for spelling in ("return {\n    'username': user.username,\n}\n", "\n\nreturn {\n    'username': user.username,\n}  "):
        r = run_module(MODULE, name="win-login", expression=spelling)
        assert r["changed"] is False, repr(spelling)
    r = run_module(MODULE, name="win-login", expression="return {\n  'username': user.username,\n}")
    assert r["changed"] is True, "indentation inside the code is a change"


def test_static_settings_are_compared_and_replaced_as_a_whole(sim, run_module):
    create(sim, run_module, static_settings={"username": "svc", "password": PASSWORD, "domain": "CORP"})
    r = run_module(MODULE, name="win-login", static_settings={"domain": "CORP", "password": PASSWORD, "username": "svc"})
    assert r["changed"] is False, "key order does not matter"
    r = run_module(MODULE, name="win-login", static_settings={"username": "svc", "password": PASSWORD})
    assert r["changed"] is True
    assert mapping(sim, "win-login")["static_settings"] == {"username": "svc", "password": PASSWORD}
    r = run_module(MODULE, name="win-login", static_settings={})
    assert r["changed"] is True and mapping(sim, "win-login")["static_settings"] == {}


# ---------------------------------------------------------------------------------------------------
# Secrets
# ---------------------------------------------------------------------------------------------------

SECRET_SETTINGS = {"username": "svc", "password": PASSWORD, "private-key": PRIVATE_KEY, "passphrase": PASSPHRASE,
                   "gateway-password": "Gateway-Secret-4u", "Client-Secret": "Api-Secret-77", "domain": "CORP"}
MASKED_KEYS = ("password", "private-key", "passphrase", "gateway-password", "Client-Secret")


def test_every_credential_key_is_masked_in_result_and_diff(sim, run_module):
    r = run_module(MODULE, diff=True, name="ssh-login", static_settings=SECRET_SETTINGS)
    assert r["changed"] is True
    assert mapping(sim, "ssh-login")["static_settings"] == SECRET_SETTINGS
    for key in MASKED_KEYS:
        assert r["property_mapping"]["static_settings"][key] == "********", key
        assert r["diff"]["after"]["static_settings"][key] == "******** (new value)", key
    assert r["diff"]["after"]["static_settings"]["username"] == "svc"
    assert r["diff"]["after"]["static_settings"]["domain"] == "CORP"
    assert r["diff"]["before"] == {}
    assert_no_secret(r)


def test_a_changed_secret_shows_as_new_value_and_an_unchanged_one_as_mask(sim, run_module):
    create(sim, run_module, static_settings=SECRET_SETTINGS)
    changed = dict(SECRET_SETTINGS, password=PASSWORD + "-2")
    r = run_module(MODULE, diff=True, name="win-login", static_settings=changed)
    assert r["changed"] is True
    before, after = r["diff"]["before"]["static_settings"], r["diff"]["after"]["static_settings"]
    assert (before["password"], after["password"]) == ("********", "******** (new value)")
    assert (before["passphrase"], after["passphrase"]) == ("********", "********")
    assert mapping(sim, "win-login")["static_settings"]["password"] == PASSWORD + "-2"
    assert_no_secret(r)
    assert PASSWORD + "-2" not in r["_raw"]
    r = run_module(MODULE, diff=True, name="win-login", static_settings=changed)
    assert r["changed"] is False and r["diff"]["before"] == r["diff"]["after"]


def test_secrets_stay_hidden_in_check_mode_and_in_errors(sim, run_module):
    r = run_module(MODULE, check_mode=True, diff=True, name="new", static_settings=SECRET_SETTINGS)
    assert r["changed"] is True and sim.writes() == 0
    assert r["property_mapping"]["static_settings"]["password"] == "********"
    assert_no_secret(r)
    r = run_module(MODULE, name=" bad", static_settings=SECRET_SETTINGS)
    assert r["failed"] is True
    assert_no_secret(r)
    r = run_module(MODULE, name="bad", expression=["x"], static_settings=SECRET_SETTINGS)
    assert r["failed"] is True
    assert_no_secret(r)
    r = run_module(MODULE, name="bad", expression="return {", static_settings=SECRET_SETTINGS)
    assert r["failed"] is True and "expression" in r["msg"]
    assert_no_secret(r)


def test_secrets_stay_out_of_the_invocation_log(sim, run_module, monkeypatch):
    logged = []
    monkeypatch.setattr(basic.AnsibleModule, "log", lambda self, msg, log_args=None: logged.append((msg, log_args)))
    r = run_module(MODULE, name="logged", static_settings=SECRET_SETTINGS)
    assert r["changed"] is True
    assert len(logged) == 1 and logged[0][0].startswith("Invoked with ")
    text = repr(logged)
    assert "logged" in text, "the invocation is still logged"
    for secret in SECRETS:
        assert secret not in text and json.dumps(secret)[1:-1] not in text, secret


# ---------------------------------------------------------------------------------------------------
# Check mode and diff
# ---------------------------------------------------------------------------------------------------

def test_check_mode_writes_nothing(sim, run_module):
    create(sim, run_module, expression="")
    r = run_module(MODULE, check_mode=True, diff=True, name="brand-new", expression="return {}")
    assert r["changed"] is True and r["property_mapping"]["name"] == "brand-new"
    assert r["diff"]["before"] == {} and r["diff"]["after"]["expression"] == "return {}"
    r = run_module(MODULE, check_mode=True, diff=True, name="win-login", expression="return {}")
    assert r["changed"] is True
    assert (r["diff"]["before"]["expression"], r["diff"]["after"]["expression"]) == ("", "return {}")
    r = run_module(MODULE, check_mode=True, name="win-login", state="absent")
    assert r["changed"] is True
    assert sim.writes() == 0
    assert mapping(sim, "brand-new") is None and mapping(sim, "win-login")["expression"] == ""


def test_diff_shows_managed_fields_only(sim, run_module):
    created = create(sim, run_module)
    r = run_module(MODULE, diff=True, name="win-login", expression="return {}")
    before, after = r["diff"]["before"], r["diff"]["after"]
    assert before["pk"] == after["pk"] == created["pk"]
    assert set(after) == {"pk", "name", "expression", "static_settings"}


# ---------------------------------------------------------------------------------------------------
# authentik's managed mappings
# ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("params, action", [
    (dict(expression="return {}"), "change"),
    (dict(static_settings={"enable-wallpaper": "false"}), "change"),
    (dict(state="absent"), "delete"),
])
@pytest.mark.parametrize("check_mode", [False, True])
def test_managed_mappings_are_refused_for_change_and_delete(sim, run_module, params, action, check_mode):
    before = mapping(sim, RDP_NAME)
    sim.reset_counts()
    r = run_module(MODULE, check_mode=check_mode, name=RDP_NAME, **params)
    assert r["failed"] is True, r
    assert r["msg"] == ("name: refusing to %s RAC property mapping %r: it is shipped and managed by authentik "
                        "(managed: %s), which restores it on upgrade; create a mapping of your own instead"
                        % (action, RDP_NAME, RDP)), r["msg"]
    assert sim.count() == 1 and sim.writes() == 0
    assert mapping(sim, RDP_NAME) == before


def test_managed_mapping_that_already_matches_is_fine(sim, run_module):
    current = mapping(sim, RDP_NAME)
    r = run_module(MODULE, name=RDP_NAME, expression="", static_settings=current["static_settings"])
    assert r["changed"] is False, r
    assert r["property_mapping"]["managed"] == RDP


def test_managed_mappings_stay_usable_as_references(sim, run_module):
    mine = create(sim, run_module)
    r = run_module("rac_provider", name="rdp", authorization_flow="default-provider-authorization-implicit-consent",
                   property_mappings=[RDP, RDP_NAME, "win-login"])
    assert r["changed"] is True, r
    assert sorted(r["provider"]["property_mappings"]) == sorted([mapping(sim, RDP_NAME)["pk"], mine["pk"]])


# ---------------------------------------------------------------------------------------------------
# Bad input: one clear line, naming the option and the value, and no write
# ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("params, fragment", [
    (dict(expression=5), "expression: 5 is not a string (int given)"),
    (dict(expression=["return {}"]), "expression: ['return {}'] is not a string (list given)"),
    (dict(expression={"a": 1}), "expression: {'a': 1} is not a string (dict given)"),
    (dict(expression=True), "expression: True is not a string (bool given)"),
    (dict(expression="return {"), "expression: Expression Syntax Error"),
    (dict(static_settings="not a dict"), "static_settings"),
    (dict(static_settings=["a", "b"]), "static_settings"),
    (dict(name=""), "name: '' does not match"),
    (dict(name=" padded "), "name: ' padded ' does not match"),
    (dict(name=None), "missing required arguments: name"),
    (dict(state="gone"), "value of state must be one of: present, absent, got: gone"),
    (dict(name="bad", unknown_option=1), "Unsupported parameters"),
])
def test_bad_input_is_one_line_and_writes_nothing(sim, run_module, failed_cleanly, params, fragment):
    args = dict(name="bad")
    args.update(params)
    before = mappings(sim)
    sim.reset_counts()
    failed_cleanly(run_module(MODULE, **dict((k, v) for k, v in args.items() if v is not None)), fragment)
    assert sim.writes() <= (1 if "Syntax" in fragment else 0)  # only the server can check the syntax
    assert mappings(sim) == before


def test_name_held_by_another_kind_of_property_mapping(sim, run_module):
    sim.add_foreign_mapping("authentik default SAML Mapping: Name")
    sim.reset_counts()
    r = run_module(MODULE, name="authentik default SAML Mapping: Name", static_settings={})
    assert r["failed"] is True, r
    assert r["msg"].startswith("name: 'authentik default SAML Mapping: Name' is already the name of another kind of "
                               "authentik property mapping"), r["msg"]
    assert "Property Mapping with this name already exists." in r["msg"]
    assert len(writes_of(sim, "POST")) == 1, "one refused POST, never retried"
    assert mapping(sim, "authentik default SAML Mapping: Name") is None


def test_name_is_matched_exactly(sim, run_module):
    create(sim, run_module, name="Win-Login")
    r = run_module(MODULE, name="win-login")
    assert r["changed"] is True
    assert {"Win-Login", "win-login"} <= set(mappings(sim))
