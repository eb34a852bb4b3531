# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The RBAC area of the authentik API simulator: roles (``/rbac/roles/``: listed, read, created, updated, deleted),
permissions (``/rbac/permissions/``: a fixed subset of authentik 2025.12.4's list, with the real server's ids), and
what roles hold (``/rbac/permissions/assigned_by_roles/<role>/assign/`` and ``unassign/``, the role's global
permissions through ``/rbac/permissions/?role=<uuid>`` and its object permissions through
``/rbac/permissions/roles/?uuid=<uuid>``). See ``sim_core.py`` for what an area is.

State (other areas may read it):

- ``self.roles``: ``{role uuid (str): {"pk": uuid, "name": str, "managed": str or None}}``;
- ``self.role_model_perms``: ``{role uuid: {permission id: assignment id}}`` (global permissions);
- ``self.role_object_perms``: ``{role uuid: {(permission id, object pk str): assignment id}}``.

A user's global permissions in the simulator's checks are ``self.permissions[user pk]`` plus those of the roles
in the user's ``"roles"`` and of the roles of the groups in the user's ``"groups"`` (when those keys exist: the
directory areas keep them as role uuids and group pks); object permissions are kept and listed, not enforced.
"""

from __future__ import annotations

import uuid

if __package__:
    from .sim_core import ApiError, Route, _detail, _Fields, _matches_search, _parse_int, _parse_uuid, _search_terms, _sort
    from .sim_directory import DirectoryArea
else:  # run as a script, or imported with tests/simulator on sys.path (see authentik_sim.py)
    from sim_core import ApiError, Route, _detail, _Fields, _matches_search, _parse_int, _parse_uuid, _search_terms, _sort
    from sim_directory import DirectoryArea

# pylint: disable=consider-using-f-string,use-dict-literal  # %-formatting and dict() match the rest of the collection

ROLE_MODEL = "authentik_rbac.role"
MANAGED_ROLE_PREFIX = "ak-managed-role--"

#: (id, "app_label.codename", name) of the permissions the simulator knows: those of the models the collection
#: manages or refers to, with the ids and names authentik 2025.12.4 gave them (read from the real server)
PERMISSION_ROWS = (
    (1, 'authentik_core.add_group', 'Can add Group'),
    (2, 'authentik_core.change_group', 'Can change Group'),
    (3, 'authentik_core.delete_group', 'Can delete Group'),
    (4, 'authentik_core.view_group', 'Can view Group'),
    (5, 'authentik_core.add_user_to_group', 'Add user to group'),
    (6, 'authentik_core.remove_user_from_group', 'Remove user from group'),
    (7, 'authentik_core.enable_group_superuser', 'Enable superuser status'),
    (8, 'authentik_core.disable_group_superuser', 'Disable superuser status'),
    (17, 'authentik_core.add_user', 'Can add User'),
    (18, 'authentik_core.change_user', 'Can change User'),
    (19, 'authentik_core.delete_user', 'Can delete User'),
    (20, 'authentik_core.view_user', 'Can view User'),
    (21, 'authentik_core.reset_user_password', 'Reset Password'),
    (22, 'authentik_core.impersonate', 'Can impersonate other users'),
    (23, 'authentik_core.assign_user_permissions', 'Can assign permissions to users'),
    (24, 'authentik_core.unassign_user_permissions', 'Can unassign permissions from users'),
    (25, 'authentik_core.preview_user', 'Can preview user data sent to providers'),
    (26, 'authentik_core.view_user_applications', 'View applications the user has access to'),
    (27, 'authentik_core.add_provider', 'Can add provider'),
    (28, 'authentik_core.change_provider', 'Can change provider'),
    (29, 'authentik_core.delete_provider', 'Can delete provider'),
    (30, 'authentik_core.view_provider', 'Can view provider'),
    (31, 'authentik_core.add_application', 'Can add Application'),
    (32, 'authentik_core.change_application', 'Can change Application'),
    (33, 'authentik_core.delete_application', 'Can delete Application'),
    (34, 'authentik_core.view_application', 'Can view Application'),
    (51, 'authentik_core.add_token', 'Can add Token'),
    (52, 'authentik_core.change_token', 'Can change Token'),
    (53, 'authentik_core.delete_token', 'Can delete Token'),
    (54, 'authentik_core.view_token', 'Can view Token'),
    (55, 'authentik_core.view_token_key', "View token's key"),
    (56, 'authentik_core.set_token_key', "Set a token's key"),
    (207, 'authentik_flows.add_flow', 'Can add Flow'),
    (208, 'authentik_flows.change_flow', 'Can change Flow'),
    (209, 'authentik_flows.delete_flow', 'Can delete Flow'),
    (210, 'authentik_flows.view_flow', 'Can view Flow'),
    (211, 'authentik_flows.export_flow', 'Can export a Flow'),
    (212, 'authentik_flows.inspect_flow', "Can inspect a Flow's execution"),
    (213, 'authentik_flows.view_flow_cache', "View Flow's cache metrics"),
    (214, 'authentik_flows.clear_flow_cache', "Clear Flow's cache metrics"),
    (227, 'authentik_outposts.add_outpost', 'Can add Outpost'),
    (228, 'authentik_outposts.change_outpost', 'Can change Outpost'),
    (229, 'authentik_outposts.delete_outpost', 'Can delete Outpost'),
    (230, 'authentik_outposts.view_outpost', 'Can view Outpost'),
    (231, 'authentik_outposts.add_outpostserviceconnection', 'Can add Outpost Service-Connection'),
    (232, 'authentik_outposts.change_outpostserviceconnection', 'Can change Outpost Service-Connection'),
    (233, 'authentik_outposts.delete_outpostserviceconnection', 'Can delete Outpost Service-Connection'),
    (234, 'authentik_outposts.view_outpostserviceconnection', 'Can view Outpost Service-Connection'),
    (275, 'authentik_policies.add_policy', 'Can add Policy'),
    (276, 'authentik_policies.change_policy', 'Can change Policy'),
    (277, 'authentik_policies.delete_policy', 'Can delete Policy'),
    (278, 'authentik_policies.view_policy', 'Can view Policy'),
    (279, 'authentik_policies.view_policy_cache', "View Policy's cache metrics"),
    (280, 'authentik_policies.clear_policy_cache', "Clear Policy's cache metrics"),
    (281, 'authentik_policies.add_policybinding', 'Can add Policy Binding'),
    (282, 'authentik_policies.change_policybinding', 'Can change Policy Binding'),
    (283, 'authentik_policies.delete_policybinding', 'Can delete Policy Binding'),
    (284, 'authentik_policies.view_policybinding', 'Can view Policy Binding'),
    (321, 'authentik_providers_rac.add_racpropertymapping', 'Can add RAC Provider Property Mapping'),
    (322, 'authentik_providers_rac.change_racpropertymapping', 'Can change RAC Provider Property Mapping'),
    (323, 'authentik_providers_rac.delete_racpropertymapping', 'Can delete RAC Provider Property Mapping'),
    (324, 'authentik_providers_rac.view_racpropertymapping', 'Can view RAC Provider Property Mapping'),
    (325, 'authentik_providers_rac.add_racprovider', 'Can add RAC Provider'),
    (326, 'authentik_providers_rac.change_racprovider', 'Can change RAC Provider'),
    (327, 'authentik_providers_rac.delete_racprovider', 'Can delete RAC Provider'),
    (328, 'authentik_providers_rac.view_racprovider', 'Can view RAC Provider'),
    (329, 'authentik_providers_rac.add_endpoint', 'Can add RAC Endpoint'),
    (330, 'authentik_providers_rac.change_endpoint', 'Can change RAC Endpoint'),
    (331, 'authentik_providers_rac.delete_endpoint', 'Can delete RAC Endpoint'),
    (332, 'authentik_providers_rac.view_endpoint', 'Can view RAC Endpoint'),
    (333, 'authentik_providers_rac.add_connectiontoken', 'Can add RAC Connection token'),
    (334, 'authentik_providers_rac.change_connectiontoken', 'Can change RAC Connection token'),
    (335, 'authentik_providers_rac.delete_connectiontoken', 'Can delete RAC Connection token'),
    (336, 'authentik_providers_rac.view_connectiontoken', 'Can view RAC Connection token'),
    (373, 'authentik_rbac.add_role', 'Can add Role'),
    (374, 'authentik_rbac.change_role', 'Can change Role'),
    (375, 'authentik_rbac.delete_role', 'Can delete Role'),
    (376, 'authentik_rbac.view_role', 'Can view Role'),
    (377, 'authentik_rbac.assign_role_permissions', 'Can assign permissions to roles'),
    (378, 'authentik_rbac.unassign_role_permissions', 'Can unassign permissions from roles'),
    (379, 'authentik_rbac.view_system_info', 'Can view system info'),
    (380, 'authentik_rbac.access_admin_interface', 'Can access admin interface'),
    (381, 'authentik_rbac.view_system_settings', 'Can view system settings'),
    (382, 'authentik_rbac.edit_system_settings', 'Can edit system settings'),
    (383, 'authentik_rbac.view_media_files', 'Can view media files'),
    (384, 'authentik_rbac.manage_media_files', 'Can manage media files'),
    (385, 'authentik_rbac.add_initialpermissions', 'Can add Initial Permissions'),
    (386, 'authentik_rbac.change_initialpermissions', 'Can change Initial Permissions'),
    (387, 'authentik_rbac.delete_initialpermissions', 'Can delete Initial Permissions'),
    (388, 'authentik_rbac.view_initialpermissions', 'Can view Initial Permissions'),
)

#: model (``app_label.model``) -> model_verbose, as the real server answers
MODEL_VERBOSE = {
    "authentik_core.group": "Group", "authentik_core.user": "User", "authentik_core.provider": "provider",
    "authentik_core.application": "Application", "authentik_core.token": "Token", "authentik_flows.flow": "Flow",
    "authentik_outposts.outpost": "Outpost", "authentik_outposts.outpostserviceconnection": "Outpost Service-Connection",
    "authentik_policies.policy": "Policy", "authentik_policies.policybinding": "Policy Binding",
    "authentik_providers_rac.racpropertymapping": "RAC Provider Property Mapping", "authentik_providers_rac.racprovider": "RAC Provider",
    "authentik_providers_rac.endpoint": "RAC Endpoint", "authentik_providers_rac.connectiontoken": "RAC Connection token",
    "authentik_rbac.role": "Role", "authentik_rbac.systempermission": "System permission",
    "authentik_rbac.initialpermissions": "Initial Permissions",
}
APP_VERBOSE = {"authentik_core": "authentik Core", "authentik_flows": "authentik Flows", "authentik_outposts": "authentik Outpost",
               "authentik_policies": "authentik Policies", "authentik_providers_rac": "authentik Providers.RAC",
               "authentik_rbac": "authentik RBAC"}
#: how the codename decides the model of a permission
_CODENAME_MODEL = {}


def _permission_table():
    """{id: permission dict} built from PERMISSION_ROWS (the model of each from its codename's suffix)."""
    table = {}
    for pid, full, name in PERMISSION_ROWS:
        app, _dot, codename = full.partition(".")
        model = _CODENAME_MODEL.get(full)
        if model is None:
            candidates = [m.partition(".")[2] for m in MODEL_VERBOSE if m.startswith(app + ".")]
            model = max((m for m in candidates if codename.endswith("_" + m)), key=len, default=None)
        table[pid] = dict(id=pid, app_label=app, codename=codename, model=model, name=name)
    return table


_CODENAME_MODEL.update({
    "authentik_core.add_user_to_group": "group", "authentik_core.remove_user_from_group": "group",
    "authentik_core.enable_group_superuser": "group", "authentik_core.disable_group_superuser": "group",
    "authentik_core.reset_user_password": "user", "authentik_core.impersonate": "user",
    "authentik_core.assign_user_permissions": "user", "authentik_core.unassign_user_permissions": "user",
    "authentik_core.preview_user": "user", "authentik_core.view_user_applications": "user",
    "authentik_core.view_token_key": "token", "authentik_core.set_token_key": "token",
    "authentik_flows.export_flow": "flow", "authentik_flows.inspect_flow": "flow", "authentik_flows.view_flow_cache": "flow",
    "authentik_flows.clear_flow_cache": "flow", "authentik_policies.view_policy_cache": "policy",
    "authentik_policies.clear_policy_cache": "policy", "authentik_rbac.assign_role_permissions": "role",
    "authentik_rbac.unassign_role_permissions": "role",
    "authentik_rbac.view_system_info": "systempermission", "authentik_rbac.access_admin_interface": "systempermission",
    "authentik_rbac.view_system_settings": "systempermission", "authentik_rbac.edit_system_settings": "systempermission",
    "authentik_rbac.view_media_files": "systempermission", "authentik_rbac.manage_media_files": "systempermission",
})
PERMISSIONS = _permission_table()
PERMISSION_BY_NAME = {"%s.%s" % (p["app_label"], p["codename"]): pid for pid, p in PERMISSIONS.items()}


class RbacArea(DirectoryArea):
    """Roles, the permission list and what roles hold.

    Roles live in ``self.roles`` = ``{uuid string: {"pk": uuid string, "name": ..., "managed": None or str}}`` (set in
    ``_init_state``); other areas (users' and groups' roles) refer to these uuids.
    """

    ROUTES = (
        Route(r"^rbac/roles/$", {"GET": "_roles_list", "POST": "_role_create"}, model=ROLE_MODEL),
        Route(r"^rbac/roles/([^/.]+)/$", {"GET": "_role_get", "PUT": "_role_put", "PATCH": "_role_patch", "DELETE": "_role_delete"},
              model=ROLE_MODEL),
        Route(r"^rbac/permissions/$", {"GET": "_permissions_list"}, permission="owner"),
        Route(r"^rbac/permissions/roles/$", {"GET": "_role_object_perms_list"}, permission="owner", model=ROLE_MODEL),
        Route(r"^rbac/permissions/assigned_by_roles/$", {}, ("GET",), permission="owner", model=ROLE_MODEL),
        Route(r"^rbac/permissions/assigned_by_roles/([^/.]+)/assign/$", {"POST": "_role_assign"}, permission="owner", model=ROLE_MODEL),
        Route(r"^rbac/permissions/assigned_by_roles/([^/.]+)/unassign/$", {"PATCH": "_role_unassign"}, permission="owner",
              model=ROLE_MODEL),
        Route(r"^rbac/permissions/(\d+)/$", {"GET": "_permission_get"}, permission="owner"),
    )
    SEEDS = {"role": ("seed_role", False)}

    def _init_state(self):
        super()._init_state()
        self.roles = {}
        self.role_model_perms = {}
        self.role_object_perms = {}
        self._next_assignment = 1000

    # ---------------------------------------------------------------- roles

    @staticmethod
    def _role_obj(role):
        return {"pk": role["pk"], "name": role["name"]}

    def _roles_list(self, req):
        self._require_view_permission(req)
        items = list(self.roles.values())
        name = req.param("name")
        if name is not None:
            items = [r for r in items if r["name"] == name]
        managed = req.params("managed")
        if managed:
            choices = {r["managed"] for r in self.roles.values() if r["managed"] is not None}
            bad = [v for v in managed if v not in choices]
            if bad:
                raise ApiError(400, {"managed": ["Select a valid choice. %s is not one of the available choices." % bad[0]]})
            items = [r for r in items if r["managed"] in managed]
        isnull = req.param("managed__isnull")
        if isnull is not None and isnull.lower() in ("true", "false", "1", "0"):
            want = isnull.lower() in ("true", "1")
            items = [r for r in items if (r["managed"] is None) == want]
        users = req.param("users")
        if users is not None:
            user = self.users.get(_parse_int(users))
            held = set(user.get("roles", ())) if user else set()
            items = [r for r in items if r["pk"] in held]
        search = req.param("search")
        if search:
            terms = _search_terms(search)
            items = [r for r in items if _matches_search(terms, (r["name"],))]
        items = _sort(items, req.param("ordering"), {"name": lambda r: r["name"]}, ["name"])
        return 200, self._paginate(req, items, self._role_obj), "PaginatedRoleList"

    def _find_role(self, req, ident):
        self._require_view_permission(req)
        pk = _parse_uuid(ident)
        if pk is None:
            raise _detail(404, "Not found.")
        if pk not in self.roles:
            raise _detail(404, "No Role matches the given query.")
        return self.roles[pk]

    def _role_get(self, req, ident):
        return 200, self._role_obj(self._find_role(req, ident)), "Role"

    def _role_fields(self, req, partial, instance):
        """RoleSerializer: ``name`` (required, not blank, at most 150 characters, unique)."""
        fields = _Fields(self._body(req), partial)
        name = fields.string("name", required=True, max_length=150)
        if name is not None and "name" not in fields.errors and any(
                r["name"] == name and (instance is None or r["pk"] != instance["pk"]) for r in self.roles.values()):
            fields.errors["name"] = ["Role with this name already exists."]
        self._check_request(req, "PatchedRoleRequest" if partial else "RoleRequest", fields)
        return fields.out

    def _role_create(self, req):
        attrs = self._role_fields(req, False, None)
        role = dict(pk=str(uuid.uuid4()), name=attrs["name"], managed=None)
        self.roles[role["pk"]] = role
        return 201, self._role_obj(role), "Role"

    def _role_update(self, req, ident, partial):
        role = self._find_role(req, ident)
        role.update(self._role_fields(req, partial, role))
        return 200, self._role_obj(role), "Role"

    def _role_put(self, req, ident):
        return self._role_update(req, ident, False)

    def _role_patch(self, req, ident):
        return self._role_update(req, ident, True)

    def _role_delete(self, req, ident):
        self._delete_role(self._find_role(req, ident)["pk"])
        return 204, None, None

    def _delete_role(self, pk):
        """Delete a role, what it holds, and its place in users' and groups' roles."""
        del self.roles[pk]
        self.role_model_perms.pop(pk, None)
        self.role_object_perms.pop(pk, None)
        for holder in list(self.users.values()) + list(getattr(self, "groups", {}).values()):
            roles = holder.get("roles")
            if isinstance(roles, list) and pk in roles:
                roles.remove(pk)
            elif isinstance(roles, set):
                roles.discard(pk)
        for role_perms in self.role_object_perms.values():  # object permissions on the role itself
            for key in [k for k in role_perms if k[1] == pk]:
                del role_perms[key]

    # ---------------------------------------------------------------- permissions

    @staticmethod
    def _permission_obj(perm):
        full_model = "%s.%s" % (perm["app_label"], perm["model"])
        return {"id": perm["id"], "name": perm["name"], "codename": perm["codename"], "model": perm["model"],
                "app_label": perm["app_label"], "app_label_verbose": APP_VERBOSE[perm["app_label"]],
                "model_verbose": MODEL_VERBOSE[full_model]}

    def _permissions_list(self, req):
        """RBACPermissionViewSet: every authenticated user may list; filters codename, content_type__model,
        content_type__app_label, role (a role uuid: its global permissions); search over name, codename, model, app label."""
        items = list(PERMISSIONS.values())
        for param, key in (("codename", "codename"), ("content_type__model", "model"), ("content_type__app_label", "app_label")):
            value = req.param(param)
            if value is not None:
                items = [p for p in items if p[key] == value]
        role = req.param("role")
        if role is not None:
            pk = _parse_uuid(role)
            if pk is None:
                raise ApiError(400, {"role": ["\u201c%s\u201d is not a valid UUID." % role]})
            if pk not in self.roles:
                raise ApiError(400, {"role": ["Select a valid choice. That choice is not one of the available choices."]})
            held = self.role_model_perms.get(pk, {})
            items = [p for p in items if p["id"] in held]
        search = req.param("search")
        if search:
            terms = _search_terms(search)
            items = [p for p in items if _matches_search(terms, (p["name"], p["codename"], p["model"], p["app_label"]))]
        keys = {"name": lambda p: p["name"], "codename": lambda p: p["codename"], "id": lambda p: p["id"]}
        items = _sort(items, req.param("ordering"), keys, ["name"])
        return 200, self._paginate(req, items, self._permission_obj), "PaginatedPermissionList"

    def _permission_get(self, req, ident):
        perm = PERMISSIONS.get(_parse_int(ident))
        if perm is None:
            raise _detail(404, "No Permission matches the given query.")
        return 200, self._permission_obj(perm), "Permission"

    # ---------------------------------------------------------------- what roles hold

    def _role_for_assignment(self, req, ident, codename, verb):
        """The role of an assign/unassign path: view_role to see it (404 otherwise), then authentik's permission_required
        (the global permission, the simulator knows no object permissions of the caller), then what get_object() checks
        for the method (ObjectPermissions: ``verb``, add_role for POST, change_role for PATCH; 403 without it)."""
        role = self._find_role(req, ident)
        if not self._has_perm(req, codename) or not self._has_perm(req, verb):
            raise _detail(403, NO_PERMISSION_TEXT)
        return role

    def _assign_request(self, req):
        """PermissionAssignSerializer: permissions (a list of strings), model and object_pk (together); global
        permissions as app_label.codename. Returns (permission names, model or None, object pk or None)."""
        body = self._body(req)
        errors = {}
        perms = body.get("permissions")
        if "permissions" not in body:
            errors["permissions"] = ["This field is required."]
        elif not isinstance(perms, list) or not all(isinstance(p, str) for p in perms):
            raise self._violation("%s %s: permissions is not a list of strings: %r" % (req.method, req.path, perms))
        model = body.get("model")
        if model is not None and model not in MODEL_VERBOSE and model not in _OTHER_MODELS:
            errors["model"] = ["\"%s\" is not a valid choice." % model]
        object_pk = body.get("object_pk")
        if errors:
            raise ApiError(400, errors)
        if (model is None) != (object_pk is None):
            raise ApiError(400, {"non_field_errors": ["The fields model, object_pk must be used together."]})
        if model is None and not all("." in p for p in perms):
            raise ApiError(400, {"permissions": ["When assigning global permissions, codename must be given as app_label.codename"]})
        return perms, model, object_pk

    def _resolve_assignment(self, perms, model, object_pk):
        """[(permission id, object pk or None)] as guardian resolves them; an unknown permission, or a permission that is not
        of the object's model, fails inside authentik, whose error page answers a bodiless 405. An object that does not exist
        makes the assignment global (authentik's model_instance is None)."""
        obj = self._object_pk(model, object_pk) if model else None
        out = []
        for perm in perms:
            if obj is None:
                pid = PERMISSION_BY_NAME.get(perm)
            else:
                app, _dot, mname = model.partition(".")
                codename = perm.partition(".")[2] if "." in perm else perm
                pid = PERMISSION_BY_NAME.get("%s.%s" % (app, codename))
                if pid is not None and PERMISSIONS[pid]["model"] != mname:
                    pid = None
            if pid is None:
                raise ApiError(405, None)
            out.append((pid, obj))
        return out

    def _object_pk(self, model, object_pk):
        """The canonical pk (str) of the object ``object_pk`` of ``model``, or None when it does not exist."""
        if model in ("authentik_core.user", "authentik_providers_rac.racprovider"):
            pk = _parse_int(object_pk)
            table = self.users if model == "authentik_core.user" else getattr(self, "providers", {})
            return str(pk) if pk is not None and pk in table else None
        pk = _parse_uuid(object_pk)
        if pk is None:
            return None
        tables = {"authentik_core.group": getattr(self, "groups", {}), "authentik_rbac.role": self.roles,
                  "authentik_core.token": getattr(self, "tokens", {}), "authentik_outposts.outpost": getattr(self, "outposts", {}),
                  "authentik_providers_rac.endpoint": getattr(self, "endpoints", {}),
                  "authentik_providers_rac.racpropertymapping": self.mappings, "authentik_flows.flow": self.flows_by_uuid}
        if model == "authentik_core.application":
            return pk if any(a.get("pk") == pk for a in getattr(self, "applications", {}).values()) else None
        return pk if pk in tables.get(model, {}) else None

    def _role_assign(self, req, ident):
        role = self._role_for_assignment(req, ident, "assign_role_permissions", "add")
        perms, model, object_pk = self._assign_request(req)
        ids = []
        for pid, obj in self._resolve_assignment(perms, model, object_pk):
            if obj is None:
                held = self.role_model_perms.setdefault(role["pk"], {})
                key = pid
            else:
                held = self.role_object_perms.setdefault(role["pk"], {})
                key = (pid, obj)
            if key not in held:
                self._next_assignment += 1
                held[key] = self._next_assignment
            ids.append({"id": str(held[key])})
        return 200, ids, None

    def _role_unassign(self, req, ident):
        role = self._role_for_assignment(req, ident, "unassign_role_permissions", "change")
        perms, model, object_pk = self._assign_request(req)
        for pid, obj in self._resolve_assignment(perms, model, object_pk):
            if obj is None:
                self.role_model_perms.get(role["pk"], {}).pop(pid, None)
            else:
                self.role_object_perms.get(role["pk"], {}).pop((pid, obj), None)
        return 204, None, None

    def _role_object_perms_list(self, req):
        """RolePermissionViewSet: the object permissions of roles (filter ``uuid``: one role), ordered by role name; its
        pagination has no ``autocomplete``. Its queryset is guardian's RoleObjectPermission: authentik's ObjectFilter wants
        ``guardian.view_roleobjectpermission`` (which /rbac/permissions/ never lists, as it is not an authentik app's, but which
        a role can be assigned); without it 403, whatever the caller's role permissions."""
        if not self._has_perm(req, VIEW_ROLE_OBJECT_PERMS):
            raise _detail(403, NO_PERMISSION_TEXT)
        rows = []
        ident = req.param("uuid")
        if ident is not None:
            pk = _parse_uuid(ident)
            if pk is None:
                raise ApiError(400, {"uuid": ["Enter a valid UUID."]})
            role_pks = [pk] if pk in self.roles else []
        else:
            role_pks = [r["pk"] for r in sorted(self.roles.values(), key=lambda r: r["name"])]
        for role_pk in role_pks:
            for (pid, obj), aid in sorted(self.role_object_perms.get(role_pk, {}).items(), key=lambda kv: kv[1]):
                rows.append((PERMISSIONS[pid], obj, aid))
        page = self._paginate(req, rows, self._role_object_perm_obj)
        page.pop("autocomplete", None)
        return 200, page, "PaginatedExtraRoleObjectPermissionList"

    def _role_object_perm_obj(self, row):
        perm, obj, aid = row
        full_model = "%s.%s" % (perm["app_label"], perm["model"])
        return {"id": aid, "codename": perm["codename"], "model": perm["model"], "app_label": perm["app_label"], "object_pk": obj,
                "name": perm["name"], "app_label_verbose": APP_VERBOSE[perm["app_label"]], "model_verbose": MODEL_VERBOSE[full_model],
                "object_description": self._object_description(full_model, obj)}

    def _object_description(self, model, pk):
        """str() of the object, as authentik shows it (None when it is gone)."""
        if self._object_pk(model, pk) is None:
            return None
        if model == "authentik_core.user":
            return self.users[int(pk)]["username"]
        if model == "authentik_rbac.role":
            return "Role %s" % self.roles[pk]["name"]
        return None

    # ---------------------------------------------------------------- permission checks honour roles

    def _role_permission_names(self, user_pk):
        """The global permissions ("app.codename") a user holds through his roles and his groups' roles."""
        user = self.users.get(user_pk) or {}
        role_pks = set(user.get("roles") or ())
        groups = getattr(self, "groups", {})
        for group_pk in user.get("groups") or ():
            role_pks.update((groups.get(group_pk) or {}).get("roles") or ())
        for group in groups.values():
            if user_pk in (group.get("users") or ()):
                role_pks.update(group.get("roles") or ())
        names = set()
        for role_pk in role_pks:
            for pid in self.role_model_perms.get(role_pk, {}):
                perm = PERMISSIONS[pid]
                names.add("%s.%s" % (perm["app_label"], perm["codename"]))
        return names

    def _has_perm(self, req, verb):
        if super()._has_perm(req, verb):
            return True
        if "." in verb and verb in self.permissions.get(req.user["pk"], ()):
            return True
        if "." in verb:
            wanted = verb
        else:
            app, _dot, name = (req.route.model or ".").partition(".")
            wanted = "%s.%s" % (app, verb if "_" in verb else "%s_%s" % (verb, name))
        return wanted in self._role_permission_names(req.user["pk"])

    # ---------------------------------------------------------------- seeding (Python API)

    def seed_role(self, name, managed=None, permissions=()):
        """Add a role (``managed``: authentik's ``ak-managed-role--user-<pk>`` roles carry their name there) holding the global
        ``permissions`` ("app_label.codename"); returns its uuid."""
        with self.lock:
            if any(r["name"] == name for r in self.roles.values()):
                raise ValueError("role name %r is taken" % name)
            pk = str(uuid.uuid4())
            self.roles[pk] = dict(pk=pk, name=name, managed=managed)
            for perm in permissions:
                if perm not in PERMISSION_BY_NAME:
                    raise ValueError("unknown permission %r" % perm)
                self._next_assignment += 1
                self.role_model_perms.setdefault(pk, {})[PERMISSION_BY_NAME[perm]] = self._next_assignment
            return pk

    def role_permissions(self, pk):
        """(sorted global permission names, sorted (permission name, object pk) pairs) a role holds."""
        with self.lock:
            glob = sorted("%s.%s" % (PERMISSIONS[p]["app_label"], PERMISSIONS[p]["codename"]) for p in self.role_model_perms.get(pk, {}))
            objs = sorted(("%s.%s" % (PERMISSIONS[p]["app_label"], PERMISSIONS[p]["codename"]), o)
                          for p, o in self.role_object_perms.get(pk, {}))
            return glob, objs


NO_PERMISSION_TEXT = "You do not have permission to perform this action."
#: guardian's permission to list roles' object permissions (/rbac/permissions/roles/)
VIEW_ROLE_OBJECT_PERMS = "guardian.view_roleobjectpermission"
#: models authentik accepts in an assignment that the simulator keeps no objects of
_OTHER_MODELS = frozenset()
