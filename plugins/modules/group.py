#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: group
short_description: Manage authentik groups, their members, parents and roles
version_added: 1.0.0
description:
  - Create, update and delete authentik groups (C(/api/v3/core/groups/)), their members, their parent groups and
    their roles.
  - A group is identified by its exact O(name). Only the options you set are compared; the rest of the group is
    left alone.
  - O(users), O(parents) and O(roles) are compared as sets. With O(users_mode=add) or O(users_mode=remove) (and
    O(roles_mode)), a play adds members to a group, or takes them out, without knowing (or disturbing) the others.
  - O(attributes) is compared only on the keys given, and sent merged into the current attributes.
  - The task reads groups without their members' details (C(include_users=false)), so that a run without changes
    costs the same for a group of ten thousand users as for an empty one.
  - The user of the play's own API token is protected, so that a play cannot lock itself out. The task refuses, before
    anything is written, a change that takes that user out of the superuser group it depends on (through O(users) or
    O(parents)), that sets O(is_superuser=false) on such a group, or that deletes it.
author:
  - authentik.api contributors (@authentik-ansible)
extends_documentation_fragment:
  - authentik.api.authentik
  - authentik.api.authentik.attributes
options:
  name:
    description:
      - The group's name; identifies it (matched exactly, case included).
    type: str
    required: true
  state:
    description:
      - V(present) creates or updates the group, V(absent) deletes it (deleting a missing group is not an error).
    type: str
    choices: [present, absent]
    default: present
  parents:
    description:
      - The group's parent groups, by exact name or UUID (authentik 2025.12 groups may have several). A member of a
        group is also a member of its parents for policies, and a superuser when one of them is a superuser group.
      - An empty list for none.
    type: list
    elements: str
  is_superuser:
    description:
      - Whether the group's members are superusers. Changing it needs the permission
        C(authentik_core.enable_group_superuser) or C(authentik_core.disable_group_superuser).
    type: bool
  attributes:
    description:
      - Custom attributes of the group (settings inherited by its members).
      - Only the keys given are compared, and they are sent merged into the current attributes.
    type: dict
  users:
    description:
      - Members of the group, by exact username or numeric pk. A username costs one request to look it up.
    type: list
    elements: str
  users_mode:
    description:
      - What O(users) means. V(replace) is the whole set of members; V(add) adds the users to the current members;
        V(remove) takes them away (a user that does not exist is nothing to remove).
    type: str
    choices: [replace, add, remove]
    default: replace
  roles:
    description:
      - Roles of the group (their permissions go to every member), by exact name or UUID.
      - The role that authentik manages for the group itself (C(ak-managed-role--group-<pk>)) is kept with
        O(roles_mode=replace), even when the list does not name it.
    type: list
    elements: str
  roles_mode:
    description:
      - What O(roles) means. V(replace) is the whole set (the group's managed role aside); V(add) adds the roles;
        V(remove) takes them away.
    type: str
    choices: [replace, add, remove]
    default: replace
notes:
  - "Permissions (authentik 2025.12.4), check mode and runs without changes: C(authentik_core.view_group). Creating:
    also C(add_group). Changing: also C(change_group). Deleting: also C(delete_group)."
  - "Permissions per option: O(users) given by username need C(authentik_core.view_user); O(roles) given by name need
    C(authentik_rbac.view_role); O(parents) given by name need C(authentik_core.view_group); O(is_superuser) needs
    C(authentik_core.enable_group_superuser) to set it (on a new group too) and C(disable_group_superuser) to clear
    it (authentik answers HTTP 400, not 403, without them). A change of O(users), O(parents) or O(is_superuser), and
    a deletion, also read the token's own user (C(/core/users/me/), no permission needed) for the protection of that
    user."
  - "authentik 2025.12.4 checks nothing more for O(users): C(change_group) alone (without C(add_user_to_group)) lets
    the token's user put any user, itself included, into a superuser group. Treat it as a superuser's permission."
seealso:
  - module: authentik.api.user
  - module: authentik.api.policy_binding
  - name: authentik groups
    description: Groups in the authentik documentation.
    link: https://docs.goauthentik.io/docs/users-sources/groups/
"""

EXAMPLES = r"""
- name: Manage authentik groups
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/authentik.api.authentik:
      url: https://authentik.example.com
      token: "{{ lookup('ansible.builtin.env', 'AUTHENTIK_TOKEN') }}"
  tasks:
    - name: The staff group
      authentik.api.group:
        name: staff
        attributes:
          department: engineering

    - name: On-call engineers, a subgroup of staff, with two members
      authentik.api.group:
        name: on-call
        parents:
          - staff
        users:
          - jdoe
          - rroe

    - name: Add a member, keeping the others
      authentik.api.group:
        name: on-call
        users:
          - asmith
        users_mode: add

    - name: Take a member out
      authentik.api.group:
        name: on-call
        users:
          - rroe
        users_mode: remove
"""

RETURN = r"""
group:
  description:
    - The group as authentik returns it after the task (the predicted group in check mode, without the read-only
      fields when it would be created), with its members' pks in C(users). Empty when O(state=absent).
  returned: success
  type: dict
  sample:
    pk: 0b4ba4a6-6a3b-4a63-9b5c-4f1f3f0d6e2a
    num_pk: 19534
    name: on-call
    is_superuser: false
    parents: [5e0b5f6c-0d8e-4d8e-9a53-3a3fe1b0b7e1]
    users: [42, 43]
    roles: []
    attributes: {}
diff:
  description: The group's C(pk), O(name) and writable fields before and after the task.
  returned: in diff mode
  type: dict
  sample:
    before: {name: on-call, users: [42, 43]}
    after: {name: on-call, users: [42, 43, 44]}
"""

from ansible_collections.authentik.api.plugins.module_utils._directory import managed_roles, reaches_superuser, token_user
from ansible_collections.authentik.api.plugins.module_utils._engine import Field, Kind, Resource, ensure
from ansible_collections.authentik.api.plugins.module_utils._module import AuthentikModule
from ansible_collections.authentik.api.plugins.module_utils._resources import GROUP, ROLE, TRIMMED, USER


def guard(module, current, changes):
    """The user of the play's token stays a superuser when it is one through this group: it is not taken out of the
    group, the group keeps is_superuser and its parents, and it is not deleted."""
    if changes is not None and not (changes.get("is_superuser") is False or "users" in changes or "parents" in changes):
        return None
    me = token_user(module)
    if not me.get("is_superuser") or current.get("pk") not in [str(g.get("pk")) for g in me.get("groups") or []]:
        return None  # only a superuser's groups (with their ancestors) can make it one
    member = module.client.get(module.client.item_path("core/users/", me["pk"]), params={"include_groups": "false"})
    groups = list(member.get("groups") or [])
    override = {}
    if changes is None:
        groups = [pk for pk in groups if pk != current["pk"]]
        override[current["pk"]] = dict(is_superuser=False, parents=[])
    else:
        if "users" in changes and me["pk"] not in changes["users"]:
            groups = [pk for pk in groups if pk != current["pk"]]
        wanted = dict((name, changes[name]) for name in ("is_superuser", "parents") if name in changes)
        if wanted:
            override[current["pk"]] = wanted
    if reaches_superuser(module, groups, override):
        return None
    who = "the user of this play's API token (%r)" % me.get("username")
    if changes is None:
        return ("state: refusing to delete group %r: %s is a superuser through it and would lose the rights the play runs "
                "with" % (current.get("name"), who))
    option = "is_superuser" if changes.get("is_superuser") is False else "users" if "users" in changes else "parents"
    return ("%s: refusing this change of group %r: %s is a superuser through it and would lose the rights the play runs "
            "with" % (option, current.get("name"), who))


GROUP_RESOURCE = Resource(
    name="group",
    path="core/groups/",
    key="pk",
    lookup=("name", "name", "name"),
    fields=dict(
        name=Field(pattern=TRIMMED),
        parents=Field(kind=Kind.UUID_SET, ref=GROUP, many=True),
        is_superuser=Field(kind=Kind.BOOL),
        attributes=Field(kind=Kind.DICT, merge=True),
        users=Field(kind=Kind.INT_SET, ref=USER, many=True, mode="users_mode"),
        roles=Field(kind=Kind.UUID_SET, ref=ROLE, many=True, mode="roles_mode", keep=managed_roles),
    ),
    # users_obj (every member's details) is the heavy part of a group; the members' pks stay in the answer.
    list_params={"include_users": "false"},
    write_params={"include_users": "false"},
    guard=guard,
)


def main():
    module = AuthentikModule(argument_spec=dict(
        name=dict(type="str", required=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        parents=dict(type="list", elements="str"),
        is_superuser=dict(type="bool"),
        attributes=dict(type="dict"),
        users=dict(type="list", elements="str"),
        users_mode=dict(type="str", choices=["replace", "add", "remove"], default="replace"),
        roles=dict(type="list", elements="str"),
        roles_mode=dict(type="str", choices=["replace", "add", "remove"], default="replace"),
    ))
    module.run(ensure, GROUP_RESOURCE)


if __name__ == "__main__":
    main()
