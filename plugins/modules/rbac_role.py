#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: rbac_role
short_description: Manage authentik RBAC roles and the permissions they hold
version_added: 1.0.0
description:
  - Create and delete authentik roles (C(/api/v3/rbac/roles/)), and set the global and object
    permissions a role holds (C(/api/v3/rbac/permissions/assigned_by_roles/)). Users and groups get permissions through
    their roles.
  - A role is identified by its exact O(name). The roles authentik makes itself for the direct permissions of a user or a
    group (named C(ak-managed-role--user-<pk>) and C(ak-managed-role--group-<pk>)) are refused before any request.
  - O(permissions) and O(object_permissions) are compared as sets. With the V(add) and V(remove) modes, a play grants or
    takes away its own permissions without knowing (or disturbing) the others.
  - Only permissions that the role does not hold yet are looked up (one request per application label), so a run without
    changes costs two or three requests whatever the number of permissions.
author:
  - authentik.api contributors (@authentik-ansible)
extends_documentation_fragment:
  - authentik.api.authentik
  - authentik.api.authentik.attributes
options:
  name:
    description:
      - The role's name; identifies it (matched exactly, case included). At most 150 characters.
      - Names starting with C(ak-managed-role--) belong to the roles authentik manages and are refused.
    type: str
    required: true
  state:
    description:
      - V(present) creates the role or updates its permissions, V(absent) deletes it (deleting a missing role is not an
        error). Deleting a role takes its permissions away from every user and group that has it.
    type: str
    choices: [present, absent]
    default: present
  permissions:
    description:
      - Global permissions, each as C(app_label.codename), for example C(authentik_providers_rac.view_racprovider) or
        C(authentik_core.view_user). A global permission applies to every object of its model.
      - An unknown permission is an error naming it, before anything is written.
    type: list
    elements: str
  permissions_mode:
    description:
      - What O(permissions) means. V(replace) is the whole set of the role's global permissions; V(add) adds them to the
        current ones; V(remove) takes them away.
      - With V(remove), a role that does not exist is not created, so a teardown runs twice without an error.
    type: str
    choices: [replace, add, remove]
    default: replace
  object_permissions:
    description:
      - Permissions on single objects. Each item names a O(object_permissions[].permission) and the
        O(object_permissions[].object) it applies to.
      - The permission's model says what kind of object it is, and the object is given as that kind's module takes it
        (see O(object_permissions[].object)). Objects of other kinds are refused.
      - Compared as (permission, object primary key) pairs; results and diffs show them as C({permission, object}) with
        the object's primary key.
    type: list
    elements: dict
    suboptions:
      permission:
        description:
          - The permission, as C(app_label.codename), for example C(authentik_providers_rac.view_racprovider).
        type: str
        required: true
      object:
        description:
          - The object, by its primary key or by the name its module takes. C(authentik_providers_rac.racprovider) a RAC
            provider by name or pk; C(authentik_providers_rac.endpoint) a RAC endpoint by UUID or name (names are unique
            only per provider, a name that several endpoints share is an error); C(authentik_providers_rac.racpropertymapping)
            a RAC property mapping by name, managed id or UUID; C(authentik_core.application) an application by slug;
            C(authentik_core.token) a token by identifier; C(authentik_core.user) a user by username or pk;
            C(authentik_core.group) a group by name; C(authentik_rbac.role) a role by name; C(authentik_outposts.outpost)
            an outpost by name; C(authentik_flows.flow) a flow by slug or UUID.
        type: str
        required: true
  object_permissions_mode:
    description:
      - What O(object_permissions) means. V(replace) is the whole set of the role's object permissions; V(add) adds them;
        V(remove) takes them away (an object that does not exist is nothing to remove).
    type: str
    choices: [replace, add, remove]
    default: replace
notes:
  - "Permissions (authentik 2025.12.4), check mode and runs without changes: C(authentik_rbac.view_role) (the role's
    global permissions are listed through C(/rbac/permissions/), which every authenticated user may read). Creating:
    also C(add_role). Deleting: also C(delete_role). Granting permissions: also C(authentik_rbac.assign_role_permissions)
    and C(add_role); taking them away: C(authentik_rbac.unassign_role_permissions) and C(change_role) (authentik
    checks the role's add or change permission on these requests too)."
  - "Permissions per option: O(object_permissions) needs C(guardian.view_roleobjectpermission), django-guardian's
    permission to list a role's object permissions, which authentik's permission lists do not show (and this module
    does not take in O(permissions)); without it only a superuser can read them. Grant it through authentik's API
    (C(POST /api/v3/rbac/permissions/assigned_by_roles/<role uuid>/assign/) with it in C(permissions)). Objects given
    by name need the view permission of their model (for example C(authentik_core.view_group))."
  - "A role's permissions are any that its holder grants: C(add_role) and C(assign_role_permissions), with a way to
    give the role to a user or group, amount to a superuser's rights."
  - "authentik answers an unknown permission, or an object that does not exist, with an error page (HTTP 405) or, worse,
    grants a global permission instead; this module therefore checks every permission to add and resolves every object
    before it writes anything."
seealso:
  - name: authentik RBAC
    description: Roles and permissions in the authentik documentation.
    link: https://docs.goauthentik.io/docs/users-sources/access-control/
"""

EXAMPLES = r"""
- name: Manage authentik roles
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/authentik.api.authentik:
      url: https://authentik.example.com
      token: "{{ lookup('ansible.builtin.env', 'AUTHENTIK_TOKEN') }}"
  tasks:
    - name: A role that may read every RAC provider and manage one of them
      authentik.api.rbac_role:
        name: rac-operators
        permissions:
          - authentik_providers_rac.view_racprovider
          - authentik_providers_rac.view_endpoint
        object_permissions:
          - permission: authentik_providers_rac.change_racprovider
            object: Windows servers
          - permission: authentik_core.view_application
            object: windows-servers

    - name: Grant one more permission, keeping the others
      authentik.api.rbac_role:
        name: rac-operators
        permissions:
          - authentik_core.view_user
        permissions_mode: add

    - name: Delete the role
      authentik.api.rbac_role:
        name: rac-operators
        state: absent
"""

RETURN = r"""
role:
  description:
    - The role after the task (C(pk) and C(name)), with its C(permissions) and C(object_permissions) when the task set
      them. Empty when O(state=absent).
  returned: success
  type: dict
  sample:
    pk: 3a0c1c8e-5a0e-4d7b-9d1e-0f1f7b0c2a11
    name: rac-operators
    permissions: [authentik_core.view_user, authentik_providers_rac.view_racprovider]
    object_permissions:
      - {permission: authentik_providers_rac.change_racprovider, object: "5"}
diff:
  description: The role's C(pk), O(name) and permission sets before and after the task.
  returned: in diff mode
  type: dict
  sample:
    before: {name: rac-operators, permissions: [authentik_providers_rac.view_racprovider]}
    after: {name: rac-operators, permissions: [authentik_core.view_user, authentik_providers_rac.view_racprovider]}
"""

import re

from ansible_collections.authentik.api.plugins.module_utils._client import AuthentikError
from ansible_collections.authentik.api.plugins.module_utils._engine import Attached, Field, Kind, Ref, Resource, ensure
from ansible_collections.authentik.api.plugins.module_utils._module import AuthentikModule
from ansible_collections.authentik.api.plugins.module_utils._resources import (
    APPLICATION, FLOW, GROUP, RAC_ENDPOINT, RAC_PROPERTY_MAPPING, RAC_PROVIDER, ROLE, USER)

MANAGED_PREFIX = "ak-managed-role--"
PERMISSION = re.compile(r"^([a-z][a-z0-9_]*)\.([a-z][a-z0-9_]*)$")

OUTPOST = Ref("outpost", "outposts/instances/", by=("name__iexact",), pk_kind=Kind.UUID, exact="name",
              label=lambda o: "%s (%s)" % (o.get("name"), o.get("pk")))
TOKEN = Ref("token", "core/tokens/", by=("identifier",), pk_kind=Kind.UUID, exact="identifier",
            label=lambda t: "%s (%s)" % (t.get("identifier"), t.get("pk")))

#: the models whose objects this collection manages, and how an object of each is named
OBJECT_REFS = {
    "authentik_providers_rac.racprovider": RAC_PROVIDER,
    "authentik_providers_rac.endpoint": RAC_ENDPOINT,
    "authentik_providers_rac.racpropertymapping": RAC_PROPERTY_MAPPING,
    "authentik_core.application": APPLICATION,
    "authentik_core.token": TOKEN,
    "authentik_core.user": USER,
    "authentik_core.group": GROUP,
    "authentik_rbac.role": ROLE,
    "authentik_outposts.outpost": OUTPOST,
    "authentik_flows.flow": FLOW,
}
#: the model of permissions whose codename does not end with it (authentik 2025.12.4)
EXTRA_PERMISSION_MODELS = {
    "authentik_core.add_user_to_group": "group", "authentik_core.remove_user_from_group": "group",
    "authentik_core.enable_group_superuser": "group", "authentik_core.disable_group_superuser": "group",
    "authentik_core.reset_user_password": "user", "authentik_core.impersonate": "user",
    "authentik_core.assign_user_permissions": "user", "authentik_core.unassign_user_permissions": "user",
    "authentik_core.preview_user": "user", "authentik_core.view_user_applications": "user",
    "authentik_core.view_token_key": "token", "authentik_core.set_token_key": "token",
    "authentik_rbac.assign_role_permissions": "role", "authentik_rbac.unassign_role_permissions": "role",
}


def check_name(name):
    """What is wrong with a role name, or None."""
    if not name:
        return "is empty; a role needs a name"
    if name != name.strip():
        return "has leading or trailing spaces, which authentik strips: the role could never be found again"
    if name.startswith(MANAGED_PREFIX):
        return ("is the name of a role that authentik manages for the direct permissions of a user or a group; "
                "give permissions to a role of your own instead")
    return None


def protect(role):
    name = role.get("name") or ""
    return name.startswith(MANAGED_PREFIX) and "authentik manages this role for the direct permissions of a user or a group"


def _split(option, perm):
    """(app_label, codename) of a permission as the user gives it; an error naming the option otherwise."""
    match = PERMISSION.match(str(perm).strip()) if isinstance(perm, str) else None
    if match is None:
        raise AuthentikError("%s: %r is not a permission as app_label.codename (for example authentik_core.view_user)"
                             % (option, perm), sent=False)
    return match.group(1), match.group(2)


def _known(module, app):
    """{codename: model} of authentik's permissions of one application label (one listing per label and run)."""
    cache = getattr(module, "_rbac_known", None)
    if cache is None:
        cache = {}
        setattr(module, "_rbac_known", cache)
    if app not in cache:
        cache[app] = dict((p["codename"], p["model"]) for p in module.client.list(
            "rbac/permissions/", params={"content_type__app_label": app}))
    return cache[app]


def _validate_known(module, option, perms):
    """Every permission in ``perms`` ("app.codename") exists in authentik: one listing per application label."""
    for perm in perms:
        app, codename = perm.split(".", 1)
        if codename not in _known(module, app):
            raise AuthentikError("%s: authentik has no permission %r" % (option, perm), sent=False)


def _model_of(module, option, perm):
    """The model (``app_label.model``) of a permission: from its codename when it ends with a model this collection
    manages, else from authentik's permission list (one request per application label)."""
    app, codename = _split(option, perm)
    model = EXTRA_PERMISSION_MODELS.get(perm)
    if model is None:
        for full in OBJECT_REFS:
            label, name = full.split(".")
            if label == app and re.match(r"^(add|change|delete|view)_%s$" % name, codename):
                model = name
    if model is None:
        model = _known(module, app).get(codename)
        if model is None:
            raise AuthentikError("%s: authentik has no permission %r" % (option, perm), sent=False)
    return "%s.%s" % (app, model)


# ------------------------------------------------------------------ global permissions


def resolve_permissions(module, option, value):
    items = []
    for perm in value:
        app, codename = _split(option, perm)
        full = "%s.%s" % (app, codename)
        if full not in items:
            items.append(full)
    return items


def read_permissions(module, role):
    return ["%s.%s" % (p["app_label"], p["codename"])
            for p in module.client.list("rbac/permissions/", params={"role": role["pk"]})]


def _assignment(module, role, action, body):
    path = "rbac/permissions/assigned_by_roles/%s/%s/" % (role["pk"], action)
    module.client.request("POST" if action == "assign" else "PATCH", path, body=body, idempotent=True)


def add_permissions(module, role, items):
    _assignment(module, role, "assign", {"permissions": sorted(items)})


def remove_permissions(module, role, items):
    _assignment(module, role, "unassign", {"permissions": sorted(items)})


# ------------------------------------------------------------------ object permissions


def _remember_model(module, perm, model):
    models = getattr(module, "_rbac_models", None)
    if models is None:
        models = {}
        setattr(module, "_rbac_models", models)
    models[perm] = model


def resolve_object_permissions(module, option, value):
    removing = module.params.get("object_permissions_mode") == "remove"
    items = []
    for index, item in enumerate(value):
        where = "%s[%d]" % (option, index)
        if not isinstance(item, dict) or not item.get("permission") or item.get("object") in (None, ""):
            raise AuthentikError("%s: each item needs a permission and an object (got %r)" % (where, item), sent=False)
        perm = "%s.%s" % _split(where + ".permission", item["permission"])
        model = _model_of(module, where + ".permission", perm)
        ref = OBJECT_REFS.get(model)
        if ref is None:
            raise AuthentikError("%s.permission: %r is a permission on %s objects, which this collection does not manage "
                                 "(object permissions take objects of: %s); give it in permissions as a global permission"
                                 % (where, perm, model, ", ".join(sorted(OBJECT_REFS))), sent=False)
        pk = ref.resolve(module, where + ".object", item["object"], {}, missing_ok=removing)
        if pk is None:
            continue  # nothing to remove
        _remember_model(module, perm, model)
        entry = (perm, str(pk))
        if entry not in items:
            items.append(entry)
    return items


def validate_object_permissions(module, option, items):
    for perm, _pk in items:
        app, codename = perm.split(".", 1)
        known = _known(module, app) if perm not in EXTRA_PERMISSION_MODELS else {codename: True}
        if codename not in known:
            raise AuthentikError("%s: authentik has no permission %r" % (option, perm), sent=False)


def read_object_permissions(module, role):
    items = []
    for row in module.client.list("rbac/permissions/roles/", params={"uuid": role["pk"]}):
        perm = "%s.%s" % (row["app_label"], row["codename"])
        _remember_model(module, perm, "%s.%s" % (row["app_label"], row["model"]))
        items.append((perm, str(row["object_pk"])))
    return items


def _by_object(module, items):
    grouped = {}
    for perm, pk in items:
        grouped.setdefault((module._rbac_models[perm], pk), []).append(perm)
    return sorted(grouped.items())


def add_object_permissions(module, role, items):
    for (model, pk), perms in _by_object(module, items):
        _assignment(module, role, "assign", {"permissions": sorted(perms), "model": model, "object_pk": pk})


def remove_object_permissions(module, role, items):
    for (model, pk), perms in _by_object(module, items):
        _assignment(module, role, "unassign", {"permissions": sorted(perms), "model": model, "object_pk": pk})


def show_object_permission(item):
    return {"permission": item[0], "object": item[1]}


ROLE_RESOURCE = Resource(
    name="role",
    path="rbac/roles/",
    key="pk",
    lookup=("name", "name", "name"),
    fields=dict(
        name=Field(max_length=150, check=check_name),
        permissions=Field(mode="permissions_mode", attached=Attached(
            read_permissions, add_permissions, remove_permissions, resolve=resolve_permissions, validate=_validate_known)),
        object_permissions=Field(mode="object_permissions_mode", attached=Attached(
            read_object_permissions, add_object_permissions, remove_object_permissions, resolve=resolve_object_permissions,
            show=show_object_permission, validate=validate_object_permissions)),
    ),
    protect=protect,
)


def main():
    module = AuthentikModule(argument_spec=dict(
        name=dict(type="str", required=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        permissions=dict(type="list", elements="str"),
        permissions_mode=dict(type="str", choices=["replace", "add", "remove"], default="replace"),
        object_permissions=dict(type="list", elements="dict", options=dict(
            permission=dict(type="str", required=True),
            object=dict(type="str", required=True),
        )),
        object_permissions_mode=dict(type="str", choices=["replace", "add", "remove"], default="replace"),
    ))
    module.run(ensure, ROLE_RESOURCE)


if __name__ == "__main__":
    main()
