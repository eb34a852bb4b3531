#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: user
short_description: Manage authentik users (people and service accounts), their groups, roles and password
version_added: 1.0.0
description:
  - Create, update and delete authentik users (C(/api/v3/core/users/)), their group and role memberships, and set
    their password.
  - A user is identified by its exact O(username). Only the options you set are compared; the rest of the user is
    left alone.
  - O(groups) and O(roles) are compared as sets. With O(groups_mode=add) or O(groups_mode=remove) (and O(roles_mode)),
    a play adds the user to a group, or takes it out, without knowing (or disturbing) its other groups.
  - O(attributes) is compared only on the keys given, and sent merged into the current attributes, so that the other
    keys stay.
  - The user of the play's own API token is protected, so that a play cannot lock itself out. The task refuses, before
    anything is written, to deactivate it (O(is_active=false)), to delete it, or to change its O(groups) so that it is
    no longer in any superuser group (while it is a superuser through them).
author:
  - authentik.api contributors (@authentik-ansible)
extends_documentation_fragment:
  - authentik.api.authentik
  - authentik.api.authentik.attributes
options:
  username:
    description:
      - The user's username; identifies it (matched exactly, case included). At most 150 characters.
    type: str
    required: true
  state:
    description:
      - V(present) creates or updates the user, V(absent) deletes it (deleting a missing user is not an error).
    type: str
    choices: [present, absent]
    default: present
  name:
    description:
      - The user's display name. It may be empty, which is what a new user gets when this is not set.
    type: str
  email:
    description:
      - The user's email address; an empty string for none.
    type: str
  type:
    description:
      - The kind of account. V(service_account) is for machines (API tokens, automation); V(external) for users
        outside the organisation.
      - V(internal_service_account) is refused, as authentik refuses it; authentik makes such accounts itself (for
        outposts), and they cannot be changed or deleted through this module.
      - authentik makes a new user V(internal) when this is not set.
    type: str
    choices: [internal, external, service_account, internal_service_account]
  is_active:
    description:
      - Whether the user can log in and use its tokens. The user of the play's token cannot be deactivated here.
    type: bool
  path:
    description:
      - The user's path in the directory, such as C(users) (authentik's default) or C(users/contractors). No leading
        or trailing C(/), no empty segment.
    type: str
  attributes:
    description:
      - Custom attributes of the user (authentik's settings per user, for example C(goauthentik.io/user/token-expires)).
      - Only the keys given are compared, and they are sent merged into the current attributes.
    type: dict
  groups:
    description:
      - Groups of the user, by exact name or UUID. A name costs one request to look it up.
      - Changing the groups of the play's own user so that it is in no superuser group any more is refused.
    type: list
    elements: str
  groups_mode:
    description:
      - What O(groups) means. V(replace) is the whole set; V(add) adds the groups to the current ones; V(remove) takes
        them away (a group that does not exist is nothing to remove).
    type: str
    choices: [replace, add, remove]
    default: replace
  roles:
    description:
      - Roles given to the user directly, by exact name or UUID. A name costs one request to look it up.
      - The role that authentik manages for the user itself (C(ak-managed-role--user-<pk>), which holds the
        permissions given to the user directly) is kept with O(roles_mode=replace), even when the list does not name it.
    type: list
    elements: str
  roles_mode:
    description:
      - What O(roles) means. V(replace) is the whole set (the user's managed role aside); V(add) adds the roles;
        V(remove) takes them away.
    type: str
    choices: [replace, add, remove]
    default: replace
  password:
    description:
      - The user's password. authentik never shows a password, so it cannot be compared. It is set when the user is
        created, and on an existing user only with O(update_password=always).
      - Never shown in a diff, the result or a message.
    type: str
  update_password:
    description:
      - When to set O(password). V(on_create) sets it only for a new user. V(always) sets it on every run, and the task
        then reports a change on every run (authentik cannot tell whether the password is already that one).
      - V(always) needs O(password).
    type: str
    choices: [on_create, always]
    default: on_create
notes:
  - "Permissions (authentik 2025.12.4), check mode and runs without changes: C(authentik_core.view_user). Creating:
    also C(add_user). Changing: also C(change_user). Deleting: also C(delete_user)."
  - "Permissions per option: O(password) needs C(authentik_core.reset_user_password) (for a new user the password is
    set after the user is created: without the permission the task fails after that write); O(groups) given by name
    need C(authentik_core.view_group); O(roles) given by name need C(authentik_rbac.view_role). Changing, deleting or
    deactivating a user, and changing its groups, also reads the token's own user (C(/core/users/me/), no
    permission needed) for the protection of that user."
  - "authentik 2025.12.4 checks nothing more for O(groups) and O(roles): C(add_user) or C(change_user) alone lets the
    token's user put any user, itself included, into any group, a superuser group too, and give it any role. Treat
    these permissions as a superuser's."
seealso:
  - module: authentik.api.group
  - module: authentik.api.core_token
  - name: authentik users
    description: Users in the authentik documentation.
    link: https://docs.goauthentik.io/docs/users-sources/user/
"""

EXAMPLES = r"""
- name: Manage authentik users
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/authentik.api.authentik:
      url: https://authentik.example.com
      token: "{{ lookup('ansible.builtin.env', 'AUTHENTIK_TOKEN') }}"
  tasks:
    - name: A person, in the staff group, with an initial password
      authentik.api.user:
        username: jdoe
        name: Jane Doe
        email: jdoe@example.com
        groups:
          - staff
        password: "{{ initial_password }}"
      no_log: true

    - name: Add her to the on-call group, keeping her other groups
      authentik.api.user:
        username: jdoe
        groups:
          - on-call
        groups_mode: add

    - name: A service account for the backup job, and its API token
      authentik.api.user:
        username: backup-bot
        type: service_account
        path: services
        attributes:
          goauthentik.io/user/token-expires: false

    - name: Its API token
      authentik.api.core_token:
        identifier: backup-bot-api
        user: backup-bot
        intent: api
        expiring: false

    - name: Deactivate a user who left
      authentik.api.user:
        username: former-colleague
        is_active: false
"""

RETURN = r"""
user:
  description:
    - The user as authentik returns it after the task (the predicted user in check mode, without the read-only fields
      when it would be created). Empty when O(state=absent). Never the password.
  returned: success
  type: dict
  sample:
    pk: 42
    username: jdoe
    name: Jane Doe
    email: jdoe@example.com
    is_active: true
    is_superuser: false
    type: internal
    path: users
    groups: [0b4ba4a6-6a3b-4a63-9b5c-4f1f3f0d6e2a]
    roles: []
    attributes: {}
diff:
  description:
    - The user's C(pk), O(username) and writable fields before and after the task. A password set shows as
      C(******** (new value)), never in clear.
  returned: in diff mode
  type: dict
  sample:
    before: {username: jdoe, is_active: true}
    after: {username: jdoe, is_active: false}
"""

import re

from ansible_collections.authentik.api.plugins.module_utils._client import AuthentikError
from ansible_collections.authentik.api.plugins.module_utils._directory import managed_roles, reaches_superuser, token_user
from ansible_collections.authentik.api.plugins.module_utils._engine import Field, Kind, Resource, Secret, ensure
from ansible_collections.authentik.api.plugins.module_utils._module import AuthentikModule
from ansible_collections.authentik.api.plugins.module_utils._resources import GROUP, ROLE, TRIMMED

# Django's EmailValidator in its essentials: one @, a dot in the domain, no spaces.
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")


def check_email(value):
    if value and not EMAIL.match(value):
        return "is not an email address"
    return None


def check_path(value):
    if value == "":
        return "is empty; authentik's default path is 'users'"
    if value[:1] == "/" or value[-1:] == "/":
        return "has a leading or trailing '/', which authentik does not allow"
    if "" in value.split("/"):
        return "has an empty segment ('//'), which authentik does not allow"
    return None


def check_type(value):
    if value == "internal_service_account":
        return ("cannot be set: authentik makes internal service accounts itself (for outposts) and refuses to make one "
                "through the API; use service_account")
    return None


def guard(module, current, changes):
    """The user of the play's token is never deleted, deactivated, or taken out of every superuser group it is in."""
    if changes is not None and changes.get("is_active") is not False and "groups" not in changes:
        return None
    me = token_user(module)
    if current.get("pk") != me.get("pk"):
        return None
    who = "user %r: it is the user of this play's API token" % current.get("username")
    if changes is None:
        return "state: refusing to delete %s (use another token to delete it)" % who
    if changes.get("is_active") is False:
        return "is_active: refusing to deactivate %s, and the play would lock itself out" % who
    if current.get("is_superuser") and not reaches_superuser(module, changes["groups"]):
        return ("groups: refusing to change the groups of %s, and with groups %s it would be in no superuser group: the token "
                "would lose the rights the play runs with" % (who, module.params.get("groups")))
    return None


def internal_account(obj):
    if obj.get("type") == "internal_service_account":
        return "it is an internal service account, which authentik manages itself (for an outpost)"
    return None


USER = Resource(
    name="user",
    path="core/users/",
    key="pk",
    lookup=("username", "username", "username"),
    fields=dict(
        username=Field(pattern=TRIMMED, max_length=150),
        name=Field(kind=Kind.TEXT),
        email=Field(kind=Kind.TEXT, check=check_email, max_length=254),
        type=Field(check=check_type),
        is_active=Field(kind=Kind.BOOL),
        path=Field(kind=Kind.TEXT, check=check_path),
        attributes=Field(kind=Kind.DICT, merge=True),
        groups=Field(kind=Kind.UUID_SET, ref=GROUP, many=True, mode="groups_mode"),
        roles=Field(kind=Kind.UUID_SET, ref=ROLE, many=True, mode="roles_mode", keep=managed_roles),
    ),
    # groups_obj (each group with its attributes) is the heavy part of a user; the group pks stay in the answer.
    # roles_obj stays: it names the user's managed role, which a replace of the roles keeps.
    list_params={"include_groups": "false"},
    write_params={"include_groups": "false"},
    create_defaults=dict(name=""),
    secret=Secret("password", read=None, write="set_password/", attr="password", update="update_password"),
    protect=internal_account,
    guard=guard,
)


def run(module, res):
    password = module.params.get("password")
    if password is not None and password == "":
        raise AuthentikError("password: an empty password is not allowed (authentik refuses it)", sent=False)
    return ensure(module, res)


def main():
    module = AuthentikModule(argument_spec=dict(
        username=dict(type="str", required=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        name=dict(type="str"),
        email=dict(type="str"),
        type=dict(type="str", choices=["internal", "external", "service_account", "internal_service_account"]),
        is_active=dict(type="bool"),
        path=dict(type="str"),
        attributes=dict(type="dict"),
        groups=dict(type="list", elements="str"),
        groups_mode=dict(type="str", choices=["replace", "add", "remove"], default="replace"),
        roles=dict(type="list", elements="str"),
        roles_mode=dict(type="str", choices=["replace", "add", "remove"], default="replace"),
        password=dict(type="str", no_log=True),
        update_password=dict(type="str", choices=["on_create", "always"], default="on_create", no_log=False),
    ), required_if=[("update_password", "always", ["password"])])
    module.run(run, USER)


if __name__ == "__main__":
    main()
