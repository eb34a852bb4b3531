# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Parity: what the user and group modules send. Users changed (PATCH), their password set, their groups and roles
(the pk lists kept with include_groups=false / include_roles=false), /core/users/me/; groups created with parents,
members, attributes and is_superuser, changed, read without the members' details (include_users=false keeps the
members' pks), and the refusals authentik answers for bad values."""

from __future__ import annotations

import pytest

from parity_harness import fields, items

# pylint: disable=missing-function-docstring

USER_FIELDS = ("username", "name", "is_active", "is_superuser", "path", "type", "attributes", "groups", "groups_obj", "roles",
               "roles_obj", "email")
GROUP_FIELDS = ("name", "is_superuser", "parents", "parents_obj", "users", "users_obj", "attributes", "roles", "roles_obj", "children",
                "children_obj", "inherited_roles_obj")


def _members(view):
    """``view``, with the members' pks of each group as ``{"user": pk}`` (which the comparison shows by alias)."""
    def shown(group):
        if isinstance(group, dict) and isinstance(group.get("users"), list):
            group = dict(group, users=[{"user": pk} for pk in group["users"]])
        return group

    def wrapped(data):
        data = view(data)
        if isinstance(data, dict) and isinstance(data.get("results"), list):
            return dict(data, results=[shown(group) for group in data["results"]])
        return shown(data)
    return wrapped


def _user(t, suffix, **body):
    data = t.ok("POST", "core/users/", dict(dict(username=t.name(suffix), name=""), **body))
    return t.alias(data["pk"], "user:" + suffix)


def _group(t, suffix, **body):
    data = t.ok("POST", "core/groups/", dict(dict(name=t.name(suffix)), **body))
    return t.alias(data["pk"], "group:" + suffix)


def test_user_change_groups_roles_and_lists(both):
    def scenario(t):
        group = _group(t, "staff")
        role = t.alias(t.ok("POST", "rbac/roles/", {"name": t.name("auditors")})["pk"], "role")
        pk = _user(t, "jdoe")
        t.call("PATCH", "core/users/%s/" % pk, {"groups": [group], "roles": [role], "attributes": {"a": 1}, "email": "j@example.com",
                                                "path": "users/parity", "type": "service_account", "is_active": False},
               view=fields(*USER_FIELDS))
        for params in ({}, {"include_groups": "false"}, {"include_roles": "false"}, {"include_groups": "false", "include_roles": "false"}):
            t.call("GET", "core/users/", params=dict(params, username=t.name("jdoe"), page_size=20), view=items("pk", *USER_FIELDS))
        t.call("GET", "core/users/%s/" % pk, params={"include_groups": "false"}, view=fields(*USER_FIELDS))
        t.call("PATCH", "core/users/%s/" % pk, {"groups": []}, view=fields("groups", "roles"))
        t.call("GET", "core/groups/%s/" % group, params={"include_users": "false"}, view=_members(fields(*GROUP_FIELDS)))
    both(scenario)


@pytest.mark.parametrize("body", [
    {"groups": ["00000000-0000-4000-8000-000000000000"]},
    {"groups": ["not-a-uuid"]},
    {"roles": ["00000000-0000-4000-8000-000000000000"]},
    {"email": "not-an-address"},
    {"path": "/x"},
    {"path": "a//b"},
    {"type": "internal_service_account"},
    {"username": ""},
    {"name": None},
], ids=["unknown-group", "bad-uuid", "unknown-role", "email", "path-slash", "path-empty-segment", "isa", "blank-username", "null-name"])
def test_user_patch_refused(both, body):
    def scenario(t):
        pk = _user(t, "pat")
        t.call("PATCH", "core/users/%s/" % pk, body)
    both(scenario)


def test_set_password(both):
    def scenario(t):
        pk = _user(t, "pw")
        t.call("POST", "core/users/%s/set_password/" % pk, {"password": "Parity-pass-123"})
        t.call("POST", "core/users/%s/set_password/" % pk, {"password": ""})
        t.call("POST", "core/users/%s/set_password/" % pk, {})
        t.call("POST", "core/users/2147483000/set_password/", {"password": "Parity-pass-123"})
    both(scenario)


def test_users_me(both):
    both(lambda t: t.call("GET", "core/users/me/", view=lambda d: dict(
        (k, d["user"].get(k)) for k in ("username", "is_active", "is_superuser", "groups", "type"))))


def test_group_create_change_and_members(both):
    def scenario(t):
        parent = _group(t, "parent")
        alice = _user(t, "alice")
        bob = _user(t, "bob")
        reply = t.call("POST", "core/groups/", {"name": t.name("child"), "parents": [parent], "users": [alice], "attributes": {"x": 1},
                                                "is_superuser": False}, view=_members(fields(*GROUP_FIELDS)))
        child = t.alias(reply.data["pk"], "group:child")
        t.call("PATCH", "core/groups/%s/" % child, {"users": [alice, bob], "attributes": {"x": 1, "y": 2}}, view=_members(fields(*GROUP_FIELDS)))
        for params in ({}, {"include_users": "false"}, {"include_users": "false", "include_parents": "true", "include_children": "true"}):
            t.call("GET", "core/groups/", params=dict(params, name=t.name("child"), page_size=20), view=_members(items("pk", *GROUP_FIELDS)))
        t.call("GET", "core/groups/%s/" % parent, params={"include_users": "false", "include_children": "true"}, view=_members(fields(*GROUP_FIELDS)))
        t.call("GET", "core/users/%s/" % bob, params={"include_groups": "false"}, view=fields("groups", "is_superuser"))
        t.call("PATCH", "core/groups/%s/" % parent, {"is_superuser": True}, view=fields("is_superuser"))
        t.call("GET", "core/users/%s/" % bob, view=fields("groups", "is_superuser"))  # a member of a child of a superuser group
        t.call("PATCH", "core/groups/%s/" % child, {"parents": []}, view=fields("parents"))
        t.call("GET", "core/users/%s/" % bob, view=fields("is_superuser"))
        t.call("GET", "core/groups/", params={"is_superuser": "true", "name": t.name("parent"), "include_users": "false"},
               view=items("name"))
        t.ok("PATCH", "core/groups/%s/" % parent, {"is_superuser": False})
    both(scenario)


@pytest.mark.parametrize("body", [
    {"users": [2147483000]},
    {"parents": ["00000000-0000-4000-8000-000000000000"]},
    {"roles": ["00000000-0000-4000-8000-000000000000"]},
    {"name": ""},
    {"attributes": None},
], ids=["unknown-user", "unknown-parent", "unknown-role", "blank-name", "null-attributes"])
def test_group_patch_refused(both, body):
    def scenario(t):
        pk = _group(t, "bad")
        t.call("PATCH", "core/groups/%s/" % pk, body)
    both(scenario)
