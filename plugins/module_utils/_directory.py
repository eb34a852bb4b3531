# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What the user and group modules share: the roles authentik manages for a user or a group, the user of the play's
token, and whether group memberships make a user a superuser (for the guards that keep a play from locking itself out).

PRIVATE to the authentik.api collection: the leading underscore means this is not a public API.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.authentik.api.plugins.module_utils._engine import predicted

# authentik's own role for one user or group, which holds its direct permissions: ak-managed-role--user-<pk>
MANAGED_ROLE_PREFIX = "ak-managed-role--"


def managed_roles(obj):
    """The roles of ``obj`` (a user or a group, with its ``roles_obj``) that authentik manages for it: a ``replace``
    of the roles keeps them."""
    return [role["pk"] for role in obj.get("roles_obj") or [] if str(role.get("name", "")).startswith(MANAGED_ROLE_PREFIX)]


def token_user(module):
    """The user of the play's API token (``/core/users/me/``, whose ``groups`` are all the user's groups with their
    ancestors), fetched once per task, only when a guard needs it."""
    me = getattr(module, "_authentik_me", None)
    if me is None:
        me = module.client.get("core/users/me/")["user"]
        module._authentik_me = me
    return me


def reaches_superuser(module, groups, override=None):
    """Whether membership of ``groups`` (pks) makes a user a superuser: one of them, or one of their ancestors, has
    is_superuser (authentik's User.is_superuser). ``override``: group pk -> the fields (is_superuser, parents) that the
    task would give that group. One GET per group visited, without its members' details (none for a group whose
    both fields are overridden)."""
    override = override or {}
    seen = set()
    todo = [pk for pk in groups if not predicted(pk)]
    while todo:
        pk = str(todo.pop())
        if pk in seen:
            continue
        seen.add(pk)
        wanted = override.get(pk, {})
        if "is_superuser" in wanted and "parents" in wanted:
            group = {}
        else:
            group = module.client.get_or_none(module.client.item_path("core/groups/", pk), params={"include_users": "false"}) or {}
        group = dict(group, **wanted)
        if group.get("is_superuser"):
            return True
        todo.extend(parent for parent in group.get("parents") or [] if not predicted(parent))
    return False
