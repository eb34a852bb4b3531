# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""rbac_role against the authentik simulator: create with global and object permissions, the cheap no-op, the
replace/add/remove modes of both sets, objects by name of every kind, the managed roles refused, bad input refused
before any write, check mode, delete, and the simulator's permission checks honouring roles."""

from __future__ import (absolute_import, division, print_function)
from __future__ import annotations

# boilerplate that ansible-test sanity of ansible-core 2.16 requires in these files
__metaclass__ = type

import pytest

MODULE = "rbac_role"
VIEW_RAC = "authentik_providers_rac.view_racprovider"
VIEW_USER = "authentik_core.view_user"
VIEW_APP = "authentik_core.view_application"


def role_pk(sim, name):
    return next(pk for pk, r in sim.roles.items() if r["name"] == name)


def test_create_noop_update_delete_counts(sim, run_module):
    r = run_module(MODULE, name="ops", permissions=[VIEW_RAC, VIEW_USER])
    # lookup, 2 permission listings (one per application label), POST role, POST assign
    assert r["changed"] is True and sim.writes() == 2 and sim.count() == 5, sim.requests
    pk = r["role"]["pk"]
    assert r["role"]["permissions"] == sorted([VIEW_RAC, VIEW_USER])
    assert sim.role_permissions(pk)[0] == sorted([VIEW_RAC, VIEW_USER])
    sim.reset_counts()
    r = run_module(MODULE, name="ops", permissions=[VIEW_USER, VIEW_RAC])
    assert r["changed"] is False and sim.count() == 2 and sim.writes() == 0, sim.requests  # lookup, role's permissions
    sim.reset_counts()
    r = run_module(MODULE, name="ops", permissions=[VIEW_USER, VIEW_APP], diff=True)
    # lookup, role's permissions, one listing (authentik_core) for the new one, PATCH unassign, POST assign
    assert r["changed"] is True and sim.count() == 5 and sim.writes() == 2, sim.requests
    assert r["diff"]["before"]["permissions"] == sorted([VIEW_RAC, VIEW_USER])
    assert r["diff"]["after"]["permissions"] == sorted([VIEW_APP, VIEW_USER])
    sim.reset_counts()
    r = run_module(MODULE, name="ops", state="absent")
    assert r["changed"] is True and sim.count() == 2 and sim.writes() == 1
    assert pk not in sim.roles
    assert run_module(MODULE, name="ops", state="absent")["changed"] is False


def test_role_without_permissions_and_noop(sim, run_module):
    r = run_module(MODULE, name="bare")
    assert r["changed"] is True and sim.writes() == 1 and "permissions" not in r["role"]
    sim.reset_counts()
    assert run_module(MODULE, name="bare")["changed"] is False and sim.count() == 1


def test_permission_modes(sim, run_module):
    pk = run_module(MODULE, name="m", permissions=[VIEW_RAC])["role"]["pk"]
    r = run_module(MODULE, name="m", permissions=[VIEW_USER], permissions_mode="add")
    assert r["changed"] is True and sim.role_permissions(pk)[0] == sorted([VIEW_RAC, VIEW_USER])
    assert run_module(MODULE, name="m", permissions=[VIEW_USER], permissions_mode="add")["changed"] is False
    r = run_module(MODULE, name="m", permissions=[VIEW_RAC], permissions_mode="remove")
    assert r["changed"] is True and sim.role_permissions(pk)[0] == [VIEW_USER]
    assert run_module(MODULE, name="m", permissions=[VIEW_RAC], permissions_mode="remove")["changed"] is False
    r = run_module(MODULE, name="m", permissions=[])
    assert r["changed"] is True and sim.role_permissions(pk)[0] == []
    sim.reset_counts()
    r = run_module(MODULE, name="gone", permissions=[VIEW_RAC], permissions_mode="remove")
    assert r["changed"] is False and sim.writes() == 0  # a role is not created to hold nothing


def test_object_permissions_of_every_kind(sim, run_module):
    prov = sim.seed_provider("rac-a")
    endpoint = sim.seed_endpoint("ep-1", prov)
    sim.seed_application("app-a", provider=prov)
    app_pk = next(a["pk"] for a in sim.applications.values() if a["slug"] == "app-a")
    token = sim.seed_token("tok-a")
    token_pk = sim.token_by_identifier["tok-a"]
    group = sim.seed_group("grp-a")
    other = sim.seed_role("other-role")
    mapping = next(pk for pk, m in sim.mappings.items() if m["managed"] == "goauthentik.io/providers/rac/rdp-default")
    outpost = next(iter(sim.outposts))
    items = [
        dict(permission="authentik_providers_rac.change_racprovider", object="rac-a"),
        dict(permission="authentik_providers_rac.view_endpoint", object="ep-1"),
        dict(permission="authentik_providers_rac.view_racpropertymapping", object="goauthentik.io/providers/rac/rdp-default"),
        dict(permission=VIEW_APP, object="app-a"),
        dict(permission="authentik_core.view_token_key", object="tok-a"),
        dict(permission=VIEW_USER, object="alice"),
        dict(permission="authentik_core.add_user_to_group", object="grp-a"),
        dict(permission="authentik_rbac.view_role", object="other-role"),
        dict(permission="authentik_outposts.view_outpost", object="authentik Embedded Outpost"),
    ]
    r = run_module(MODULE, name="objs", object_permissions=items)
    assert r["changed"] is True, r
    pk = r["role"]["pk"]
    expected = sorted([
        ("authentik_providers_rac.change_racprovider", str(prov)), ("authentik_providers_rac.view_endpoint", endpoint),
        ("authentik_providers_rac.view_racpropertymapping", mapping), (VIEW_APP, app_pk),
        ("authentik_core.view_token_key", token_pk), (VIEW_USER, "6"), ("authentik_core.add_user_to_group", group),
        ("authentik_rbac.view_role", other), ("authentik_outposts.view_outpost", outpost)])
    assert sim.role_permissions(pk)[1] == expected
    assert token  # seeded
    shown = r["role"]["object_permissions"]
    assert {"permission": VIEW_USER, "object": "6"} in shown and len(shown) == 9
    sim.reset_counts()
    r = run_module(MODULE, name="objs", object_permissions=items)
    assert r["changed"] is False and sim.writes() == 0, r
    # lookup, object permissions; names: provider, endpoint, mapping, application, token, user, group, role, outpost
    assert sim.count() == 11, sim.requests


def test_object_permission_modes_and_pk(sim, run_module):
    pk = run_module(MODULE, name="o", object_permissions=[dict(permission=VIEW_USER, object="alice")])["role"]["pk"]
    r = run_module(MODULE, name="o", object_permissions=[dict(permission="authentik_core.change_user", object="6")],
                   object_permissions_mode="add")
    assert r["changed"] is True and len(sim.role_permissions(pk)[1]) == 2
    sim.reset_counts()
    r = run_module(MODULE, name="o", object_permissions=[dict(permission=VIEW_USER, object="6"),
                                                         dict(permission="authentik_core.change_user", object="6")],
                   object_permissions_mode="remove")
    assert r["changed"] is True and sim.role_permissions(pk)[1] == []
    assert sim.writes() == 1  # one unassign for both permissions of the object
    r = run_module(MODULE, name="o", object_permissions=[dict(permission=VIEW_USER, object="nobody")],
                   object_permissions_mode="remove")
    assert r["changed"] is False  # an object that does not exist is nothing to remove


def test_check_mode(sim, run_module):
    r = run_module(MODULE, name="cm", permissions=[VIEW_RAC], check_mode=True)
    assert r["changed"] is True and sim.writes() == 0
    run_module(MODULE, name="cm", permissions=[VIEW_RAC])
    sim.reset_counts()
    r = run_module(MODULE, name="cm", permissions=[VIEW_USER], check_mode=True, diff=True)
    assert r["changed"] is True and sim.writes() == 0 and r["diff"]["after"]["permissions"] == [VIEW_USER]


def test_managed_roles_are_refused(sim, run_module, failed_cleanly):
    sim.seed_role("ak-managed-role--user-6", managed="ak-managed-role--user-6")
    sim.reset_counts()
    for args in (dict(), dict(permissions=[VIEW_USER]), dict(state="absent")):
        failed_cleanly(run_module(MODULE, name="ak-managed-role--user-6", **args), "name: 'ak-managed-role--user-6' is the name")
    assert sim.count() == 0


def test_unknown_permission_names_it(sim, run_module, failed_cleanly):
    run_module(MODULE, name="u", permissions=[VIEW_RAC])
    sim.reset_counts()
    failed_cleanly(run_module(MODULE, name="u", permissions=[VIEW_RAC, "authentik_core.view_nothing"]),
                   "permissions: authentik has no permission 'authentik_core.view_nothing'")
    assert sim.writes() == 0


BAD_INPUTS = [
    ("empty name", dict(name=""), "name: '' is empty"),
    ("name with spaces", dict(name=" x "), "name: ' x ' has leading or trailing spaces"),
    ("long name", dict(name="x" * 151), "name: "),
    ("managed user role", dict(name="ak-managed-role--user-3"), "authentik manages"),
    ("managed group role", dict(name="ak-managed-role--group-1"), "authentik manages"),
    ("unknown permission", dict(permissions=["authentik_core.nope_user"]), "permissions: authentik has no permission 'authentik_core.nope_user'"),
    ("unknown app label", dict(permissions=["authentik_nothing.view_x"]), "permissions: authentik has no permission"),
    ("codename without dot", dict(permissions=["view_user"]), "permissions: 'view_user' is not a permission as app_label.codename"),
    ("codename with spaces", dict(permissions=["authentik_core. view_user"]), "is not a permission as app_label.codename"),
    ("two dots", dict(permissions=["a.b.c"]), "'a.b.c' is not a permission as app_label.codename"),
    ("object item without object", dict(object_permissions=[dict(permission=VIEW_USER)]), "object_permissions"),
    ("object item without permission", dict(object_permissions=[dict(object="alice")]), "object_permissions"),
    ("object item with empty object", dict(object_permissions=[dict(permission=VIEW_USER, object="")]),
     "object_permissions[0]: each item needs a permission and an object"),
    ("object of an unknown name", dict(object_permissions=[dict(permission=VIEW_USER, object="nobody")]),
     "object_permissions[0].object: no user 'nobody' found"),
    ("unknown RAC provider", dict(object_permissions=[dict(permission=VIEW_RAC, object="no-such")]),
     "object_permissions[0].object: no RAC provider 'no-such' found"),
    ("model not managed", dict(object_permissions=[dict(permission="authentik_policies.view_policy", object="x")]),
     "object_permissions[0].permission: 'authentik_policies.view_policy' is a permission on authentik_policies.policy objects"),
    ("unknown object permission", dict(object_permissions=[dict(permission="authentik_core.nope", object="alice")]),
     "object_permissions[0].permission: authentik has no permission 'authentik_core.nope'"),
    ("object permission without dot", dict(object_permissions=[dict(permission="view_user", object="alice")]),
     "object_permissions[0].permission: 'view_user' is not a permission"),
    ("bad permissions mode", dict(permissions=[VIEW_USER], permissions_mode="merge"), "permissions_mode"),
    ("unknown application slug", dict(object_permissions=[dict(permission=VIEW_APP, object="no-app")]),
     "object_permissions[0].object: no application 'no-app' found"),
]


@pytest.mark.parametrize("args, fragment", [c[1:] for c in BAD_INPUTS], ids=[c[0] for c in BAD_INPUTS])
def test_bad_input_is_one_line_with_no_write(sim, run_module, failed_cleanly, args, fragment):
    run_module(MODULE, name="bad-base")
    sim.reset_counts()
    params = dict(name="bad-base")
    params.update(args)
    failed_cleanly(run_module(MODULE, **params), fragment)
    assert sim.writes() == 0


def test_ambiguous_endpoint_name(sim, run_module, failed_cleanly):
    a, b = sim.seed_provider("p-a"), sim.seed_provider("p-b")
    sim.seed_endpoint("same", a)
    sim.seed_endpoint("same", b)
    sim.reset_counts()
    failed_cleanly(run_module(MODULE, name="amb", object_permissions=[
        dict(permission="authentik_providers_rac.view_endpoint", object="same")]), "matches 2 RAC endpoints")
    assert sim.writes() == 0


def test_simulator_permission_checks_honour_roles(sim, run_module):
    """alice gets view_racprovider through a role in her roles: the simulator's checks see it."""
    from ansible_collections.authentik.api.tests.simulator.sim_tokens import ALICE_TOKEN  # pylint: disable=import-outside-toplevel
    pk = run_module(MODULE, name="rac-viewers", permissions=[VIEW_RAC])["role"]["pk"]
    r = run_module("rac_provider", token=ALICE_TOKEN, name="x", state="absent")
    assert r.get("failed") is True and "403" in r["msg"]
    sim.users[6].setdefault("roles", []).append(pk)
    r = run_module("rac_provider", token=ALICE_TOKEN, name="x", state="absent")
    assert r["changed"] is False, r
