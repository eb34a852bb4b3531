# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""user against the authentik simulator: create with a password, no-op, groups and roles as sets with their modes,
attributes merged, the password (on_create, always, never shown), the protection of the token's own user, check mode
with a group (and a token's user) planned by an earlier task, delete, and bad input (one line, no write)."""

from __future__ import (absolute_import, division, print_function)
from __future__ import annotations

import pytest

from ansible_collections.authentik.api.plugins.module_utils._engine import plan_covers
from ansible_collections.authentik.api.tests.simulator.authentik_sim import ADMIN_PK, ALICE_PK

# boilerplate that ansible-test sanity of ansible-core 2.16 requires in these files
__metaclass__ = type

MODULE = "user"
PASSWORD = "Corr3ct-horse-battery"


def user(sim, username):
    for pk, item in sim.users.items():
        if item["username"] == username:
            return sim.get_user(pk)
    return None


def test_create_with_password_then_noop(sim, run_module):
    staff = sim.seed_group("staff")
    sim.reset_counts()
    r = run_module(MODULE, username="jdoe", name="Jane Doe", email="jdoe@example.com", groups=["staff"], password=PASSWORD,
                   attributes={"team": "blue"}, diff=True)
    assert r["changed"] is True, r
    assert sim.count() == 4 and sim.writes() == 2, r  # find, group by name, POST, set_password
    pk = r["user"]["pk"]
    assert sim.check_password(pk, PASSWORD)
    assert r["user"]["groups"] == [staff] and r["user"]["attributes"] == {"team": "blue"}
    assert PASSWORD not in r["_raw"].replace('"password": "%s"' % PASSWORD, "")  # only the (masked) invocation may hold it
    assert r["diff"]["after"]["password"] == "******** (new value)" and r["diff"]["before"] == {}
    sim.reset_counts()
    r = run_module(MODULE, username="jdoe", name="Jane Doe", email="jdoe@example.com", groups=[staff], password="other-pw-123",
                   attributes={"team": "blue"})
    assert r["changed"] is False and sim.count() == 1 and sim.writes() == 0, r  # on_create: the password is left alone
    assert sim.check_password(pk, PASSWORD)
    assert "include_groups=false" in sim.requests[0][2]


def test_update_password_always_changes_every_run(sim, run_module):
    pk = run_module(MODULE, username="jdoe")["user"]["pk"]
    sim.reset_counts()
    for dummy in range(2):
        r = run_module(MODULE, username="jdoe", password=PASSWORD, update_password="always", diff=True)
        assert r["changed"] is True and r["diff"]["after"]["password"] == "******** (new value)", r
        assert r["diff"]["before"]["password"] == "********"
    assert sim.count("POST") == 2 and sim.writes() == 2 and sim.check_password(pk, PASSWORD)
    sim.reset_counts()
    r = run_module(MODULE, username="jdoe", password="Another-one-1", update_password="always", check_mode=True)
    assert r["changed"] is True and sim.writes() == 0 and sim.check_password(pk, PASSWORD)


def test_groups_modes_roles_and_attributes(sim, run_module):
    a, b, c = sim.seed_group("ga"), sim.seed_group("gb"), sim.seed_group("gc")
    role = sim.seed_role("auditors")
    managed = sim.seed_role("ak-managed-role--user-99", managed="ak-managed-role--user-99")
    pk = run_module(MODULE, username="jdoe", groups=["ga"], attributes={"x": 1, "y": 2})["user"]["pk"]
    sim.users[pk]["roles"].append(managed)  # authentik's own role for the user's direct permissions
    r = run_module(MODULE, username="jdoe", groups=["gb", "gc"], groups_mode="add")
    assert r["changed"] is True and sorted(r["user"]["groups"]) == sorted([a, b, c])
    assert run_module(MODULE, username="jdoe", groups=["gb"], groups_mode="add")["changed"] is False
    r = run_module(MODULE, username="jdoe", groups=["gb", "no-such-group"], groups_mode="remove")
    assert r["changed"] is True and sorted(r["user"]["groups"]) == sorted([a, c])
    assert run_module(MODULE, username="jdoe", groups=["gb"], groups_mode="remove")["changed"] is False
    r = run_module(MODULE, username="jdoe", groups=[c])
    assert r["changed"] is True and r["user"]["groups"] == [c]
    r = run_module(MODULE, username="jdoe", roles=["auditors"])
    assert r["changed"] is True and sorted(r["user"]["roles"]) == sorted([role, managed]), r  # the managed role stays
    assert run_module(MODULE, username="jdoe", roles=["auditors"])["changed"] is False
    r = run_module(MODULE, username="jdoe", roles=[role], roles_mode="remove")
    assert r["changed"] is True and r["user"]["roles"] == [managed]
    sim.reset_counts()
    r = run_module(MODULE, username="jdoe", attributes={"y": 3})
    assert r["changed"] is True and sim.count("PATCH") == 1
    assert sim.get_user(pk)["attributes"] == {"x": 1, "y": 3}  # merged: x stays
    assert run_module(MODULE, username="jdoe", attributes={"y": 3})["changed"] is False


def test_each_field_changes_once(sim, run_module):
    pk = run_module(MODULE, username="jdoe")["user"]["pk"]
    for option, value in (("name", "Jane"), ("email", "j@example.org"), ("type", "service_account"), ("is_active", False),
                          ("path", "users/contractors"), ("email", "")):
        sim.reset_counts()
        r = run_module(MODULE, username="jdoe", diff=True, **{option: value})
        assert r["changed"] is True and sim.count("PATCH") == 1 and sim.writes() == 1, (option, r)
        assert sim.get_user(pk)[option] == value and r["diff"]["after"][option] == value
        assert run_module(MODULE, username="jdoe", **{option: value})["changed"] is False


def test_check_mode_and_delete(sim, run_module):
    sim.reset_counts()
    r = run_module(MODULE, username="new", groups=["later"], password=PASSWORD, check_mode=True, diff=True)
    assert r["changed"] is True and sim.writes() == 0, r
    assert r["_authentik_check_plan"]["assumed"][0]["msg"] == "groups: no group 'later' found"
    assert r["diff"]["after"]["password"] == "******** (new value)"
    run_module(MODULE, username="gone", password=PASSWORD)
    assert run_module(MODULE, username="gone", state="absent", check_mode=True)["changed"] is True
    assert user(sim, "gone") is not None
    assert run_module(MODULE, username="gone", state="absent")["changed"] is True and user(sim, "gone") is None
    assert run_module(MODULE, username="gone", state="absent")["changed"] is False


def test_own_user_is_protected(sim, run_module, failed_cleanly):
    """The token's user (akadmin, a superuser through "authentik Admins") is not deactivated, deleted or taken out of
    every superuser group; a change that keeps a superuser group goes through."""
    other = sim.seed_group("other")
    sim.reset_counts()
    failed_cleanly(run_module(MODULE, username="akadmin", is_active=False), "is_active: refusing to deactivate user 'akadmin'")
    failed_cleanly(run_module(MODULE, username="akadmin", state="absent"), "state: refusing to delete user 'akadmin'")
    failed_cleanly(run_module(MODULE, username="akadmin", groups=["other"]), "groups: refusing to change the groups of user 'akadmin'")
    failed_cleanly(run_module(MODULE, username="akadmin", groups=["authentik Admins"], groups_mode="remove", check_mode=True),
                   "groups: refusing")
    assert sim.writes() == 0 and sim.get_user(ADMIN_PK)["is_superuser"] is True
    r = run_module(MODULE, username="akadmin", groups=["other"], groups_mode="add")
    assert r["changed"] is True and other in r["user"]["groups"]
    # another user is not protected
    assert run_module(MODULE, username="alice", is_active=False)["changed"] is True
    sim.reset_counts()
    assert run_module(MODULE, username="akadmin", name="Admin")["changed"] is True
    assert sim.count("GET", "core/users/me/") == 0  # the token's user is read only when a guard needs it


def test_a_service_account_and_its_token_in_check_mode(sim, run_module):
    """In check mode, core_token's user may name a service account that an earlier task of the play would create: the
    check plan of the action plugin covers it (see test_check_plan for the mechanism); here the module's own answer."""
    r = run_module(MODULE, username="backup-bot", type="service_account", check_mode=True)
    planned = r["_authentik_check_plan"]["planned"]
    assert planned[0]["path"] == "core/users/" and planned[0]["fields"]["username"] == "backup-bot"
    r = run_module("core_token", identifier="backup-bot-api", user="backup-bot", intent="api", check_mode=True)
    assert r["changed"] is True and sim.writes() == 0
    assumed = r["_authentik_check_plan"]["assumed"][0]
    assert assumed["path"] == "core/users/" and assumed["value"] == "backup-bot"
    assert plan_covers(assumed, planned)
    assert not plan_covers(dict(assumed, value="other-bot"), planned)


def test_internal_service_account_is_left_alone(sim, run_module, failed_cleanly):
    sim.users[ALICE_PK]["type"] = "internal_service_account"
    sim.reset_counts()
    failed_cleanly(run_module(MODULE, username="alice", name="x"), "refusing to change user 'alice': it is an internal service account")
    failed_cleanly(run_module(MODULE, username="alice", state="absent"), "refusing to delete user 'alice'")
    assert sim.writes() == 0
    assert run_module(MODULE, username="alice")["changed"] is False


# ---------------------------------------------------------------------------------------------------
# Bad input: one clear line, naming the option and the value, and no write
# ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("params, fragment", [
    (dict(groups=["no-such-group"]), "groups: no group 'no-such-group' found"),
    (dict(groups=[""]), "groups: an empty string is not a group"),
    (dict(roles=["no-such-role"]), "roles: no role 'no-such-role' found"),
    (dict(email="not-an-address"), "email: 'not-an-address' is not an email address"),
    (dict(email="a@b"), "email: 'a@b' is not an email address"),
    (dict(path="/users"), "path: '/users' has a leading or trailing '/'"),
    (dict(path="users/"), "path: 'users/' has a leading or trailing '/'"),
    (dict(path="users//x"), "path: 'users//x' has an empty segment"),
    (dict(path=""), "path: '' is empty"),
    (dict(username=""), "username: '' does not match"),
    (dict(username=" padded"), "username: ' padded' does not match"),
    (dict(username="u" * 151), "username: 'uuuu"),
    (dict(type="internal_service_account"), "type: 'internal_service_account' cannot be set"),
    (dict(type="robot"), "value of type must be one of"),
    (dict(update_password="always"), "update_password is always but all of the following are missing: password"),
    (dict(password=""), "password: an empty password is not allowed"),
    (dict(attributes="not a dict"), "attributes"),
    (dict(attributes=["a"]), "attributes"),
    (dict(is_active="maybe"), "is_active"),
    (dict(groups_mode="merge", groups=["x"]), "value of groups_mode must be one of"),
    (dict(username="akadmin", is_active=False), "is_active: refusing to deactivate user 'akadmin'"),
    (dict(username="akadmin", state="absent"), "state: refusing to delete user 'akadmin'"),
    (dict(username="akadmin", groups=[]), "groups: refusing to change the groups of user 'akadmin'"),
    (dict(username="akadmin", groups=["authentik Admins"], groups_mode="remove"), "groups: refusing"),
])
def test_bad_input_is_one_line_and_writes_nothing(sim, run_module, failed_cleanly, params, fragment):
    params.setdefault("username", "bad")
    sim.reset_counts()
    r = run_module(MODULE, **params)
    failed_cleanly(r, fragment)
    assert sim.writes() == 0
    assert user(sim, "bad") is None
