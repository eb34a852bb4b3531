# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""export_info against the authentik simulator: requests that grow with the pages of each listing, not with the
objects; defaults left out and references by name, slug or managed id; secrets never exported (placeholders and
the names of their variables); two exports equal whatever the listing order; match with and without dependencies;
one-line errors before any request; the order the tasks apply in; and the export applied to the same server as a
no-op."""

from __future__ import (absolute_import, division, print_function)
from __future__ import annotations

# boilerplate that ansible-test sanity of ansible-core 2.16 requires in these files
__metaclass__ = type

import importlib
import json
import re

import pytest
import yaml

from ansible_collections.authentik.api.plugins.modules import export_info

from ansible_collections.authentik.api.tests.simulator.authentik_sim import MAPPING_RDP_DEFAULT, MAPPING_UUIDS

MODULE = "export_info"
EP_SECRET = "EP-s3cret-value-4711"
MAP_SECRET = "MAP-s3cret-value-0815"
FQCN = "authentik.api."
FLOW = "default-provider-authorization-implicit-consent"


def module_of(task):
    return next(key[len(FQCN):] for key in task if key.startswith(FQCN))


def args_of(task):
    return task[FQCN + module_of(task)]


def tasks_of(result, kind=None):
    return [(module_of(t), args_of(t)) for t in result["tasks"] if kind is None or module_of(t) == kind]


def ident(kind, args):
    """The identity of an exported task (what its module finds the object by)."""
    return args.get({"application": "slug", "user": "username", "core_token": "identifier"}.get(kind, "name"))


def gets_by_path(sim):
    out = {}
    for method, path, _query in sim.requests:
        assert method == "GET", (method, path)
        out[path] = out.get(path, 0) + 1
    return out


def build(sim, run_module):
    """A small setup: a provider with two endpoints (one with a password in its settings), a property mapping with a
    password in its static settings, the managed RDP mapping referenced by the provider, an application, an outpost,
    groups in a hierarchy with a role, a user with a token, bindings of the application and an endpoint to a group and
    a user, a role with an object permission; and another provider with its own endpoint and application."""
    world = {}
    world["map"] = sim.seed_mapping("ex-map", static_settings={"password": MAP_SECRET, "port": "3389"})
    world["prov"] = sim.seed_provider("ex-prov", property_mappings=[MAPPING_UUIDS[MAPPING_RDP_DEFAULT]],
                                      connection_expiry="hours=2")
    world["ep"] = sim.seed_endpoint("ex-ep", world["prov"], host="dc01.example.com",
                                    settings={"password": EP_SECRET, "username": "admin"}, property_mappings=[world["map"]])
    world["ep2"] = sim.seed_endpoint("ex-ep2", world["prov"], host="dc02.example.com", maximum_connections=5)
    world["app"] = sim.seed_application("ex-app", name="Ex App", provider=world["prov"])
    world["outpost"] = sim.seed_outpost("ex-outpost", [world["prov"]], config={"log_level": "debug"})
    world["other"] = sim.seed_provider("other-prov")
    sim.seed_endpoint("other-ep", world["other"])
    sim.seed_application("other-app", provider=world["other"])
    assert run_module("rbac_role", name="ex-role", permissions=["authentik_core.view_user"])["changed"] is True
    assert run_module("group", name="ex-parent")["changed"] is True
    assert run_module("group", name="ex-child", parents=["ex-parent"], roles=["ex-role"], attributes={"a": 1})["changed"] is True
    assert run_module("user", username="ex-user", name="Ex User", groups=["ex-child"], password="Pw-never-exported-1")["changed"]
    assert run_module("core_token", identifier="ex-token", user="ex-user", description="made", key="Key-never-exported-0123456789",
                      expiring=False)["changed"] is True
    assert run_module("group", name="ex-bound-group")["changed"] is True
    assert run_module("user", username="ex-bound-user")["changed"] is True
    assert run_module("policy_binding", application="ex-app", group="ex-bound-group", order=5)["changed"] is True
    assert run_module("policy_binding", rac_endpoint="ex-ep", rac_provider="ex-prov", user="ex-bound-user", negate=True)["changed"]
    # a flow's binding: authentik lists it with the flow's pk as target (policy_binding sends its policybindingmodel_ptr_id)
    assert run_module("policy_binding", flow=FLOW, group="ex-bound-group", order=3)["changed"] is True
    assert run_module("rbac_role", name="ex-viewers", object_permissions=[
        dict(permission="authentik_providers_rac.view_racprovider", object="ex-prov"),
        dict(permission="authentik_core.view_group", object="ex-child")])["changed"] is True
    return world


# ---------------------------------------------------------------- (a) requests grow with pages, not objects

@pytest.mark.parametrize("endpoints, pages", [(1000, 10), (2000, 20)])
def test_requests_grow_with_pages_not_objects(sim, run_module, endpoints, pages):
    provider = sim.seed_provider("bulk")
    with sim.lock:
        for index in range(endpoints):
            sim.seed_endpoint("ep-%05d" % index, provider)
    sim.reset_counts()
    r = run_module(MODULE)
    assert r.get("failed") is not True, r.get("msg")
    assert r["counts"]["rac_endpoint"] == endpoints
    by_path = gets_by_path(sim)
    assert by_path.pop("/api/v3/rac/endpoints/") == pages
    # every other listing is one page, read once (the simulator starts with no role: no per-role request)
    assert set(by_path.values()) == {1}, by_path
    assert sorted(by_path) == sorted("/api/v3/" + p for p in (
        "admin/settings/", "propertymappings/provider/rac/", "providers/rac/", "core/applications/", "outposts/instances/",
        "rbac/roles/", "core/groups/", "core/users/", "core/tokens/", "policies/bindings/", "flows/instances/"))
    assert sim.count() == pages + 11 and sim.writes() == 0


# ---------------------------------------------------------------- (b) defaults left out, references by name

def test_defaults_left_out_and_references_by_name(sim, run_module):
    world = build(sim, run_module)
    r = run_module(MODULE)
    assert r.get("failed") is not True, r.get("msg")
    tasks = dict(((kind, ident(kind, args)), args) for kind, args in tasks_of(r) if kind != "policy_binding")
    assert tasks[("rac_provider", "ex-prov")] == {
        "name": "ex-prov", "authorization_flow": "default-provider-authorization-implicit-consent",
        "property_mappings": [MAPPING_RDP_DEFAULT], "connection_expiry": "hours=2"}  # the managed mapping by its id
    ep2 = tasks[("rac_endpoint", "ex-ep2")]
    assert ep2 == {"name": "ex-ep2", "provider": "ex-prov", "protocol": "rdp", "host": "dc02.example.com", "maximum_connections": 5}
    assert tasks[("rac_endpoint", "ex-ep")]["property_mappings"] == ["ex-map"]
    assert tasks[("application", "ex-app")] == {"slug": "ex-app", "name": "Ex App", "provider": "ex-prov"}
    assert tasks[("outpost", "ex-outpost")] == {"name": "ex-outpost", "type": "rac", "providers": ["ex-prov"],
                                                "config": {"log_level": "debug"}}
    assert tasks[("group", "ex-child")] == {"name": "ex-child", "parents": ["ex-parent"], "attributes": {"a": 1}, "roles": ["ex-role"]}
    assert tasks[("group", "ex-parent")] == {"name": "ex-parent"}
    assert tasks[("core_token", "ex-token")]["user"] == "ex-user"
    assert tasks[("user", "ex-user")]["groups"] == ["ex-child"]
    viewers = [args for kind, args in tasks_of(r, "rbac_role") if args["name"] == "ex-viewers" and "object_permissions" in args]
    assert viewers == [{"name": "ex-viewers", "object_permissions": [
        {"permission": "authentik_core.view_group", "object": "ex-child"},
        {"permission": "authentik_providers_rac.view_racprovider", "object": "ex-prov"}]}]
    bindings = sorted((json.dumps(args, sort_keys=True) for kind, args in tasks_of(r, "policy_binding")))
    assert bindings == sorted(json.dumps(b, sort_keys=True) for b in (
        {"application": "ex-app", "group": "ex-bound-group", "order": 5},
        {"rac_provider": "ex-prov", "rac_endpoint": "ex-ep", "user": "ex-bound-user", "order": 0, "negate": True},
        {"flow": FLOW, "group": "ex-bound-group", "order": 3}))
    text = json.dumps(r["tasks"])
    pks = [str(world[k]) for k in ("map", "ep", "ep2", "app", "outpost")] + [str(pk) for pk in sim.groups] + list(sim.roles)
    assert not [pk for pk in pks if pk in text], "a task names an object by its primary key"
    assert not re.search(r'"(provider|providers|user|group|parents|roles|groups)": \[?\d+', text)
    assert r["_warnings"] == []
    assert any("rdp-default" in line and "managed by authentik" in line for line in r["left_out"])


# ---------------------------------------------------------------- (c) secrets

def test_secrets_are_never_exported(sim, run_module):
    build(sim, run_module)
    r = run_module(MODULE)
    dumped = json.dumps(r)
    for secret in (EP_SECRET, MAP_SECRET, "Pw-never-exported-1", "Key-never-exported-0123456789"):
        assert secret not in dumped
    ep = next(args for kind, args in tasks_of(r, "rac_endpoint") if args["name"] == "ex-ep")
    var = "authentik_rac_endpoint_ex_prov_ex_ep_settings_password"
    assert ep["settings"] == ("{{ {'password': %s, 'username': 'admin'} if %s is defined else omit }}" % (var, var))
    mapping = next(args for kind, args in tasks_of(r, "rac_property_mapping") if args["name"] == "ex-map")
    mvar = "authentik_rac_property_mapping_ex_map_static_settings_password"
    assert mapping["static_settings"] == "{{ {'password': %s, 'port': '3389'} if %s is defined else omit }}" % (mvar, mvar)
    token = next(args for kind, args in tasks_of(r, "core_token") if args["identifier"] == "ex-token")
    assert token["key"] == "{{ authentik_core_token_ex_token_key | default(omit) }}"
    user = next(args for kind, args in tasks_of(r, "user") if args["username"] == "ex-user")
    assert user["password"] == "{{ authentik_user_ex_user_password | default(omit) }}"
    for name in (var, mvar, "authentik_core_token_ex_token_key", "authentik_user_ex_user_password"):
        assert name in r["secrets"]
    assert r["secrets"] == sorted(r["secrets"])


# ---------------------------------------------------------------- (d) stable

def test_two_exports_are_equal_whatever_the_listing_order(sim, run_module):
    build(sim, run_module)
    first = run_module(MODULE)
    # the same objects, listed in the reverse order
    for table in (sim.endpoints, sim.bindings, sim.groups, sim.roles, sim.mappings, sim.tokens, sim.users):
        items = list(table.items())
        table.clear()
        table.update(reversed(items))
    second = run_module(MODULE)
    keys = ("tasks", "secrets", "left_out", "counts")
    assert json.dumps(dict((k, first[k]) for k in keys)) == json.dumps(dict((k, second[k]) for k in keys))


# ---------------------------------------------------------------- (e) match and dependencies

def test_match_brings_what_belongs_and_what_is_needed(sim, run_module):
    build(sim, run_module)
    sim.reset_counts()
    r = run_module(MODULE, match={"rac_provider": ["ex-prov"]})
    assert r.get("failed") is not True, r.get("msg")
    names = sorted((kind, ident(kind, args)) for kind, args in tasks_of(r) if kind != "policy_binding")
    assert names == sorted([("rac_provider", "ex-prov"), ("rac_endpoint", "ex-ep"), ("rac_endpoint", "ex-ep2"),
                            ("rac_property_mapping", "ex-map"), ("application", "ex-app"), ("outpost", "ex-outpost"),
                            ("group", "ex-bound-group"), ("user", "ex-bound-user")])
    assert len(tasks_of(r, "policy_binding")) == 2
    assert sim.writes() == 0
    only = run_module(MODULE, match={"rac_provider": ["ex-prov"]}, dependencies=False)
    assert [kind for kind, args in tasks_of(only)] == ["rac_provider"]
    user = run_module(MODULE, match={"user": ["ex-user"]})  # its groups (with their parents and role), its token
    assert sorted((kind, ident(kind, args)) for kind, args in tasks_of(user)) == sorted([
        ("user", "ex-user"), ("group", "ex-child"), ("group", "ex-parent"), ("rbac_role", "ex-role"), ("core_token", "ex-token")])
    mapping = run_module(MODULE, match={"rac_property_mapping": ["ex-map"]}, kinds=["rac_property_mapping"])
    assert tasks_of(mapping) == [("rac_property_mapping", {"name": "ex-map", "static_settings": mapping["tasks"][0][
        FQCN + "rac_property_mapping"]["static_settings"]})]


# ---------------------------------------------------------------- (f) errors

@pytest.mark.parametrize("params, message", [
    (dict(match={"flows": ["x"]}), "match: 'flows' is not a kind this module exports"),
    (dict(match={"policy_binding": ["x"]}), "match: policy_binding has no names to match; match what it belongs to instead"),
    (dict(match={"system_settings": ["x"]}), "match: system_settings has no names to match"),
    (dict(match={"user": ["x"]}, kinds=["group"]), "match: user is not in kinds (group)"),
    (dict(match={"user": "akadmin"}), "match: user: 'akadmin' is not a list of names"),
])
def test_bad_match_fails_before_any_request(sim, run_module, failed_cleanly, params, message):
    sim.reset_counts()
    failed_cleanly(run_module(MODULE, **params), message)
    assert sim.count() == 0


def test_a_name_that_matches_nothing_fails_without_writing(sim, run_module, failed_cleanly):
    build(sim, run_module)
    sim.reset_counts()
    failed_cleanly(run_module(MODULE, match={"rac_provider": ["ex-prov", "no-such-provider"]}),
                   "match: rac_provider: no RAC provider 'no-such-provider' found")
    assert sim.writes() == 0
    failed_cleanly(run_module(MODULE, kinds=["system_settings", "bogus"]), "kinds")


# ---------------------------------------------------------------- (g) order

def test_tasks_come_in_an_order_that_applies_on_an_empty_server(sim, run_module):
    build(sim, run_module)
    run_module("group", name="aa-grandchild", parents=["ex-child"])  # sorts before its parents
    r = run_module(MODULE)
    index = {}
    for position, (kind, args) in enumerate(tasks_of(r)):
        key = (kind, ident(kind, args))
        if "object_permissions" in args and "permissions" not in args and kind == "rbac_role":
            key = ("rbac_role object_permissions", args["name"])
        index.setdefault(key, position)
    kinds = [kind for kind, args in tasks_of(r)]
    assert index[("group", "aa-grandchild")] > index[("group", "ex-child")] > index[("group", "ex-parent")]
    assert max(i for (k, n), i in index.items() if k == "rbac_role") < min(i for (k, n), i in index.items() if k == "group")
    assert max(i for (k, n), i in index.items() if k == "group") < min(i for (k, n), i in index.items() if k == "user")
    assert max(i for (k, n), i in index.items() if k == "user") < min(i for (k, n), i in index.items() if k == "core_token")
    last_binding = max(i for i, k in enumerate(kinds) if k == "policy_binding")
    first_binding = min(i for i, k in enumerate(kinds) if k == "policy_binding")
    assert all(k != "policy_binding" for k in kinds[:first_binding]) and first_binding > index[("core_token", "ex-token")]
    later = index[("rbac_role object_permissions", "ex-viewers")]
    assert later == last_binding + 1 == len(kinds) - 1, "the object permissions of roles come after everything"
    assert r["tasks"][later]["name"] == "role 'ex-viewers': object_permissions"


# ---------------------------------------------------------------- (h) the export applied to the same server

def untemplated(value):
    """What Ansible makes of an exported value when no secret variable is defined: a template leaves the option out
    (None), a raw block is its text."""
    if isinstance(value, str):
        raw = re.match(r"^\{% raw %\}(.*)\{% endraw %\}$", value, re.S)
        if raw:
            return raw.group(1)
        return None if "{{" in value else value
    if isinstance(value, dict):
        return dict((k, untemplated(v)) for k, v in value.items())
    if isinstance(value, list):
        return [untemplated(v) for v in value]
    return value


def test_applying_the_export_changes_nothing(sim, run_module):
    build(sim, run_module)
    sim.seed_mapping("ex-jinja", expression="return {'x': '{{ not a template }}'}\n")
    r = run_module(MODULE)
    assert r.get("failed") is not True, r.get("msg")
    assert "{% raw %}" in json.dumps(r["tasks"])
    sim.reset_counts()
    for task in r["tasks"]:
        kind, args = module_of(task), args_of(task)
        params = dict((k, v) for k, v in untemplated(args).items() if v is not None)
        result = run_module(kind, **params)
        assert result.get("failed") is not True and result["changed"] is False, (task["name"], result.get("msg"), result)
    assert sim.writes() == 0


def test_check_mode_and_kinds(sim, run_module):
    build(sim, run_module)
    sim.reset_counts()
    r = run_module(MODULE, kinds=["group", "user"], check_mode=True)
    assert r["changed"] is False and sim.writes() == 0
    assert set(kind for kind, args in tasks_of(r)) == {"group", "user"}
    assert set(r["counts"]) == {"group", "user"}


# ---------------------------------------------------------------- every option of every module is exported, or said why not

# options that say how a task applies (not what the object is), and options an export cannot fill, with the reason
NOT_OBJECT_STATE = {"state", "update_password", "return_key", "endpoint_uuid", "rac_provider"}
NOT_EXPORTED = {
    ("core_token", "key"): "never shown by the API: a placeholder variable",
    ("user", "password"): "never shown by the API: a placeholder variable",
    ("group", "users"): "membership is written on the users (groups)",
}


def _documented_options(kind):
    module = importlib.import_module("ansible_collections.authentik.api.plugins.modules.%s" % kind)
    options = yaml.safe_load(module.DOCUMENTATION)["options"]
    connection = yaml.safe_load(importlib.import_module(
        "ansible_collections.authentik.api.plugins.doc_fragments.authentik").ModuleDocFragment.DOCUMENTATION)["options"]
    return set(options) - set(connection)


@pytest.mark.parametrize("exp", export_info.EXPORTS, ids=lambda exp: exp.module)
def test_every_option_of_the_module_is_exported_or_said_why_not(exp):
    documented = _documented_options(exp.module)
    # X_mode says how the list X applies (replace, add, remove)
    options = set(name for name in documented if not (name.endswith("_mode") and name[:-5] in documented)) - NOT_OBJECT_STATE
    exported = set(spec.option for spec in exp.outs) | set(exp.ident)
    if exp.module == "policy_binding":
        exported |= {"application", "rac_endpoint", "flow", "group", "user", "policy"}  # written by binding_task
    if exp.secret:
        exported.add(exp.secret[0])
    missing = sorted(name for name in options - exported if (exp.module, name) not in NOT_EXPORTED)
    assert not missing, "%s: options neither exported nor listed in NOT_EXPORTED: %s" % (exp.module, missing)
    assert not (exported - options), "%s exports options its module does not have: %s" % (exp.module, sorted(exported - options))
