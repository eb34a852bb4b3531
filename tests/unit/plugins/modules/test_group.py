# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""group against the authentik simulator: create, no-op without the members' details, users/parents/roles as sets with
their modes, attributes merged, is_superuser, the protection of the token's own user (its superuser group), check
mode with a parent planned by an earlier task, delete, and bad input (one line, no write)."""

from __future__ import (absolute_import, division, print_function)
from __future__ import annotations

import pytest

from ansible_collections.authentik.api.tests.simulator.authentik_sim import ADMIN_PK, ALICE_PK, BOB_PK

# boilerplate that ansible-test sanity of ansible-core 2.16 requires in these files
__metaclass__ = type

MODULE = "group"


def group(sim, name):
    for pk, item in sim.groups.items():
        if item["name"] == name:
            return sim.get_group(pk)
    return None


def test_create_then_noop_without_member_details(sim, run_module):
    parent = sim.seed_group("staff")
    sim.reset_counts()
    r = run_module(MODULE, name="on-call", parents=["staff"], users=["alice", str(BOB_PK)], attributes={"pager": True}, diff=True)
    assert r["changed"] is True and sim.count() == 4 and sim.writes() == 1, r  # find, parent, alice, POST
    assert r["group"]["parents"] == [parent] and r["group"]["users"] == [ALICE_PK, BOB_PK]
    assert r["diff"]["after"]["users"] == [ALICE_PK, BOB_PK]
    sim.reset_counts()
    r = run_module(MODULE, name="on-call", parents=[parent], users=[str(ALICE_PK), str(BOB_PK)], attributes={"pager": True})
    assert r["changed"] is False and sim.count() == 1 and sim.writes() == 0, r
    assert "include_users=false" in sim.requests[0][2]
    assert r["group"]["users_obj"] is None and r["group"]["users"] == [ALICE_PK, BOB_PK]  # the pks without the details


def test_users_modes_roles_and_attributes(sim, run_module):
    pk = run_module(MODULE, name="g", users=["alice"], attributes={"x": 1})["group"]["pk"]
    r = run_module(MODULE, name="g", users=["bob"], users_mode="add")
    assert r["changed"] is True and sorted(r["group"]["users"]) == [ALICE_PK, BOB_PK]
    assert run_module(MODULE, name="g", users=["bob"], users_mode="add")["changed"] is False
    r = run_module(MODULE, name="g", users=["alice", "nobody"], users_mode="remove")
    assert r["changed"] is True and r["group"]["users"] == [BOB_PK]
    assert run_module(MODULE, name="g", users=["alice"], users_mode="remove")["changed"] is False
    r = run_module(MODULE, name="g", users=[])
    assert r["changed"] is True and r["group"]["users"] == []
    role = sim.seed_role("auditors")
    managed = sim.seed_role("ak-managed-role--group-1", managed="ak-managed-role--group-1")
    sim.groups[pk]["roles"].append(managed)
    r = run_module(MODULE, name="g", roles=["auditors"])
    assert r["changed"] is True and sorted(r["group"]["roles"]) == sorted([role, managed])  # the managed role stays
    assert run_module(MODULE, name="g", roles=[role])["changed"] is False
    r = run_module(MODULE, name="g", roles=["auditors"], roles_mode="remove")
    assert r["changed"] is True and r["group"]["roles"] == [managed]
    r = run_module(MODULE, name="g", attributes={"y": 2})
    assert r["changed"] is True and sim.get_group(pk)["attributes"] == {"x": 1, "y": 2}
    assert run_module(MODULE, name="g", attributes={"x": 1})["changed"] is False


def test_superuser_flag_and_parents(sim, run_module):
    run_module(MODULE, name="admins2", is_superuser=True, users=["alice"])
    assert sim.get_user(ALICE_PK)["is_superuser"] is True
    run_module(MODULE, name="child", parents=["admins2"], users=["bob"])
    assert sim.get_user(BOB_PK)["is_superuser"] is True  # a member of a child of a superuser group
    r = run_module(MODULE, name="child", parents=[])
    assert r["changed"] is True and sim.get_user(BOB_PK)["is_superuser"] is False
    r = run_module(MODULE, name="admins2", is_superuser=False)
    assert r["changed"] is True and sim.get_user(ALICE_PK)["is_superuser"] is False
    assert run_module(MODULE, name="admins2", is_superuser=False)["changed"] is False


def test_own_superuser_group_is_protected(sim, run_module, failed_cleanly):
    admins = "authentik Admins"
    sim.reset_counts()
    failed_cleanly(run_module(MODULE, name=admins, is_superuser=False), "is_superuser: refusing this change of group 'authentik Admins'")
    failed_cleanly(run_module(MODULE, name=admins, users=["alice"]), "users: refusing this change of group 'authentik Admins'")
    failed_cleanly(run_module(MODULE, name=admins, users=["akadmin"], users_mode="remove", check_mode=True), "users: refusing")
    failed_cleanly(run_module(MODULE, name=admins, state="absent"), "state: refusing to delete group 'authentik Admins'")
    assert sim.writes() == 0 and sim.get_user(ADMIN_PK)["is_superuser"] is True
    # adding members keeps the token's user: no refusal
    assert run_module(MODULE, name=admins, users=["bob"], users_mode="add")["changed"] is True
    # with a second superuser group, the first one is no longer needed
    run_module(MODULE, name="backup admins", is_superuser=True, users=["akadmin"])
    assert run_module(MODULE, name=admins, users=["akadmin"], users_mode="remove")["changed"] is True
    failed_cleanly(run_module(MODULE, name="backup admins", state="absent"), "state: refusing to delete group 'backup admins'")
    # a group that does not make the token's user a superuser costs no /me/ for a change of its attributes
    sim.reset_counts()
    run_module(MODULE, name="plain", attributes={"a": 1})
    run_module(MODULE, name="plain", attributes={"a": 2})
    assert sim.count("GET", "core/users/me/") == 0


def test_check_mode_with_a_planned_parent_and_delete(sim, run_module):
    sim.reset_counts()
    r = run_module(MODULE, name="child", parents=["parent-later"], users=["alice"], check_mode=True)
    assert r["changed"] is True and sim.writes() == 0, r
    assert r["_authentik_check_plan"]["assumed"][0]["msg"] == "parents: no group 'parent-later' found"
    run_module(MODULE, name="gone")
    assert run_module(MODULE, name="gone", state="absent", check_mode=True)["changed"] is True and group(sim, "gone")
    assert run_module(MODULE, name="gone", state="absent")["changed"] is True and group(sim, "gone") is None
    assert run_module(MODULE, name="gone", state="absent")["changed"] is False
    assert run_module(MODULE, name="gone", users=["alice"], users_mode="remove")["changed"] is False  # not created to hold nothing


# ---------------------------------------------------------------------------------------------------
# Bad input: one clear line, naming the option and the value, and no write
# ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("params, fragment", [
    (dict(users=["nobody"]), "users: no user 'nobody' found"),
    (dict(users=[""]), "users: an empty string is not a user"),
    (dict(users=["alice", "nobody"], users_mode="add"), "users: no user 'nobody' found"),
    (dict(parents=["no-such-parent"]), "parents: no group 'no-such-parent' found"),
    (dict(parents=[""]), "parents: an empty string is not a group"),
    (dict(roles=["no-such-role"]), "roles: no role 'no-such-role' found"),
    (dict(name=""), "name: '' does not match"),
    (dict(name=" padded "), "name: ' padded ' does not match"),
    (dict(attributes="not a dict"), "attributes"),
    (dict(attributes=[1, 2]), "attributes"),
    (dict(is_superuser="maybe"), "is_superuser"),
    (dict(users_mode="merge", users=["alice"]), "value of users_mode must be one of"),
    (dict(roles_mode="all", roles=["x"]), "value of roles_mode must be one of"),
    (dict(state="gone"), "value of state must be one of: present, absent, got: gone"),
    (dict(name="authentik Admins", is_superuser=False), "is_superuser: refusing this change of group 'authentik Admins'"),
    (dict(name="authentik Admins", users=["alice"]), "users: refusing this change of group 'authentik Admins'"),
    (dict(name="authentik Admins", users=["akadmin"], users_mode="remove"), "users: refusing"),
    (dict(name="authentik Admins", state="absent"), "state: refusing to delete group 'authentik Admins'"),
])
def test_bad_input_is_one_line_and_writes_nothing(sim, run_module, failed_cleanly, params, fragment):
    params.setdefault("name", "bad")
    sim.reset_counts()
    r = run_module(MODULE, **params)
    failed_cleanly(r, fragment)
    assert sim.writes() == 0
    assert group(sim, "bad") is None
    assert sim.get_user(ADMIN_PK)["is_superuser"] is True
