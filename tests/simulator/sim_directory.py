# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The directory area of the authentik API simulator: users (``/core/users/``: listed, read, created, changed and
deleted, their password set, ``me/``; their groups and roles kept as ``"groups"`` and ``"roles"`` pk lists), flows
(``/flows/instances/``, read-only objects of a fixed seed) and RAC property mappings
(``/propertymappings/provider/rac/``: listed, read, created, updated and deleted, with the three managed ones of
authentik's blueprints in the seed); the other areas refer to all three. See ``sim_core.py`` for what an area is."""

from __future__ import annotations

import copy
import datetime
import hashlib
import re
import textwrap
import uuid

if __package__:
    from .sim_core import (ApiError, Route, SimulatorCore, _detail, _Fields, _fixed_uuid, _matches_search, _parse_int, _parse_uuid,
                           _search_terms, _sort, fmt_dt, utcnow)
else:  # run as a script, or imported with tests/simulator on sys.path (see authentik_sim.py)
    from sim_core import (ApiError, Route, SimulatorCore, _detail, _Fields, _fixed_uuid, _matches_search, _parse_int, _parse_uuid,
                          _search_terms, _sort, fmt_dt, utcnow)

# pylint: disable=consider-using-f-string,use-dict-literal  # %-formatting and dict() match the rest of the collection

ADMIN_PK = 3
ALICE_PK = 6
BOB_PK = 7

FLOW_IMPLICIT = "default-provider-authorization-implicit-consent"
FLOW_EXPLICIT = "default-provider-authorization-explicit-consent"
FLOW_AUTHENTICATION = "default-authentication-flow"
#: slug -> pk of the seeded flows (``uuid5(NAMESPACE_DNS, slug)``)
FLOW_UUIDS = {slug: _fixed_uuid(slug) for slug in (FLOW_IMPLICIT, FLOW_EXPLICIT, FLOW_AUTHENTICATION)}
#: slug -> policybindingmodel_ptr_id of the seeded flows: a flow has its own pk (flow_uuid) beside the pk of the
#: PolicyBindingModel it extends (pbm_uuid), which policy bindings are filtered by (see sim_apps.py)
FLOW_PTRS = {slug: _fixed_uuid(slug + "/policybindingmodel") for slug in FLOW_UUIDS}

MAPPING_RDP_DEFAULT = "goauthentik.io/providers/rac/rdp-default"
MAPPING_RDP_HIGH_FIDELITY = "goauthentik.io/providers/rac/rdp-high-fidelity"
MAPPING_SSH_DEFAULT = "goauthentik.io/providers/rac/ssh-default"
#: managed name -> pk of the seeded RAC property mappings (``uuid5(NAMESPACE_DNS, managed)``)
MAPPING_UUIDS = {managed: _fixed_uuid(managed) for managed in (MAPPING_RDP_DEFAULT, MAPPING_RDP_HIGH_FIDELITY, MAPPING_SSH_DEFAULT)}

FLOW_DESIGNATIONS = ("authentication", "authorization", "invalidation", "enrollment", "unenrollment", "recovery",
                     "stage_configuration")
EPOCH = datetime.datetime(2025, 12, 1, 9, 0, 0, tzinfo=datetime.timezone.utc)
USER_TYPES = ("internal", "external", "service_account", "internal_service_account")
USER_MODEL = "authentik_core.user"
FLOW_MODEL = "authentik_flows.flow"
MAPPING_MODEL = "authentik_providers_rac.racpropertymapping"


class DirectoryArea(SimulatorCore):
    """Users (listed, read, created, deleted), flows (listed and read) and RAC property mappings (all of it)."""

    ROUTES = (
        Route(r"^core/users/$", {"GET": "_users_list", "POST": "_user_create"}, model=USER_MODEL),
        # every authenticated user reads himself; set_password checks reset_user_password (see its handler)
        Route(r"^core/users/me/$", {"GET": "_user_me"}, permission="owner", model=USER_MODEL),
        Route(r"^core/users/([^/.]+)/set_password/$", {"POST": "_user_set_password"}, permission="owner", model=USER_MODEL),
        Route(r"^core/users/([^/.]+)/$", {"GET": "_user_get", "PUT": "_user_put", "PATCH": "_user_patch", "DELETE": "_user_delete"},
              model=USER_MODEL),
        Route(r"^flows/instances/$", {"GET": "_flows_list"}, ("POST",), model=FLOW_MODEL),
        Route(r"^flows/instances/([^/.]+)/$", {"GET": "_flow_get"}, ("PUT", "PATCH", "DELETE"), model=FLOW_MODEL),
        Route(r"^propertymappings/provider/rac/$", {"GET": "_mappings_list", "POST": "_mapping_create"}, model=MAPPING_MODEL),
        Route(r"^propertymappings/provider/rac/([^/.]+)/$", {"GET": "_mapping_get", "PUT": "_mapping_put", "PATCH": "_mapping_patch",
                                                             "DELETE": "_mapping_delete"}, model=MAPPING_MODEL),
    )
    SEEDS = {"mapping": ("seed_mapping", False), "foreign_mapping": ("add_foreign_mapping", False),
             "permissions": ("grant_permissions", False)}

    def _init_state(self):
        super()._init_state()
        self.users = {}
        self.flows = {}
        self.flows_by_uuid = {}
        self.flows_by_ptr = {}  # policybindingmodel_ptr_id -> slug
        self.mappings = {}
        self.foreign_mappings = {}  # pk -> name: property mappings of other kinds (SAML, OAuth2, ...), whose names are taken
        for pk, username, name, email, superuser in ((ADMIN_PK, "akadmin", "authentik Default Admin", "admin@example.com", True),
                                                     (ALICE_PK, "alice", "Alice Example", "alice@example.com", False),
                                                     (BOB_PK, "bob", "Bob Example", "bob@example.com", False)):
            # is_superuser is what the user's groups make him (see _refresh_superusers; the applications area puts
            # akadmin into "authentik Admins"), kept in the dict for the permission checks of every area
            self.users[pk] = dict(pk=pk, username=username, name=name, email=email, is_superuser=superuser, is_active=True,
                                  uuid=_fixed_uuid("user-" + username), path="users", type="internal", attributes={},
                                  date_joined=EPOCH, uid=hashlib.sha256(("%d-authentik-sim" % pk).encode()).hexdigest(),
                                  groups=[], roles=[], password_hash=None, password_change_date=EPOCH)
        for slug, name, title, designation, authentication in (
                (FLOW_IMPLICIT, "Authorize Application", "Redirecting to %(app)s", "authorization", "require_authenticated"),
                (FLOW_EXPLICIT, "Authorize Application", "Redirecting to %(app)s", "authorization", "require_authenticated"),
                (FLOW_AUTHENTICATION, "Welcome to authentik!", "Welcome to authentik!", "authentication", "none")):
            self.flows[slug] = dict(pk=FLOW_UUIDS[slug], ptr=FLOW_PTRS[slug], slug=slug, name=name, title=title,
                                    designation=designation, authentication=authentication)
            self.flows_by_uuid[FLOW_UUIDS[slug]] = slug
            self.flows_by_ptr[FLOW_PTRS[slug]] = slug
        for managed, name, static in (
                (MAPPING_RDP_DEFAULT, "authentik default RAC Mapping: RDP Default settings",
                 {"resize-method": "display-update", "enable-wallpaper": "true", "enable-font-smoothing": "true"}),
                (MAPPING_RDP_HIGH_FIDELITY, "authentik default RAC Mapping: RDP High Fidelity",
                 {"enable-theming": "true", "enable-wallpaper": "true", "enable-font-smoothing": "true", "enable-menu-animations": "true",
                  "enable-full-window-drag": "true", "enable-desktop-composition": "true"}),
                (MAPPING_SSH_DEFAULT, "authentik default RAC Mapping: SSH Default settings", {"terminal-type": "xterm-256color"})):
            self.mappings[MAPPING_UUIDS[managed]] = dict(pk=MAPPING_UUIDS[managed], managed=managed, name=name, expression="",
                                                         static_settings=static)

    # ---------------------------------------------------------------- users

    def _user_group_objs(self, user):
        groups = getattr(self, "groups", {})
        return sorted((groups[pk] for pk in user["groups"] if pk in groups), key=lambda g: g["name"])

    def _user_role_objs(self, holder):
        roles = getattr(self, "roles", {})
        return sorted((roles[pk] for pk in holder.get("roles", ()) if pk in roles), key=lambda r: r["name"])

    def _user_obj(self, pk, req=None):
        """UserSerializer; ``include_groups=false`` / ``include_roles=false`` leave groups_obj / roles_obj null (the pk
        lists stay)."""
        user = self.users[pk]
        groups = self._user_group_objs(user)
        roles = self._user_role_objs(user)
        include_groups = req is None or str(req.param("include_groups") or "true").lower() == "true"
        include_roles = req is None or str(req.param("include_roles") or "true").lower() == "true"
        return {
            "pk": user["pk"], "username": user["username"], "name": user["name"], "is_active": user["is_active"],
            "last_login": None, "date_joined": fmt_dt(user["date_joined"]), "is_superuser": user["is_superuser"],
            "groups": [g["pk"] for g in groups],
            "groups_obj": [self._partial_group(g["pk"]) for g in groups] if include_groups else None,
            "roles": [r["pk"] for r in roles],
            "roles_obj": [{"pk": r["pk"], "name": r["name"]} for r in roles] if include_roles else None,
            "email": user["email"],
            "avatar": "/static/dist/assets/images/user_default.png", "attributes": copy.deepcopy(user["attributes"]), "uid": user["uid"],
            "path": user["path"], "type": user["type"], "uuid": user["uuid"], "password_change_date": fmt_dt(user["password_change_date"]),
            "last_updated": fmt_dt(user["date_joined"]),
        }

    def _partial_group(self, pk):
        """PartialGroupSerializer of a group (the applications area keeps groups)."""
        group = self.groups[pk]
        return {"pk": group["pk"], "num_pk": group["num_pk"], "name": group["name"], "is_superuser": group["is_superuser"],
                "attributes": copy.deepcopy(group.get("attributes", {}))}

    def _partial_user(self, pk):
        user = self.users[pk]
        return {"pk": user["pk"], "username": user["username"], "name": user["name"], "is_active": user["is_active"],
                "last_login": None, "email": user["email"], "attributes": copy.deepcopy(user["attributes"]), "uid": user["uid"]}

    def _group_closure(self, pks):
        """The groups ``pks`` and all their ancestors (authentik's ``with_ancestors``)."""
        groups = getattr(self, "groups", {})
        seen = set()
        todo = [pk for pk in pks if pk in groups]
        while todo:
            pk = todo.pop()
            if pk in seen:
                continue
            seen.add(pk)
            todo.extend(parent for parent in groups[pk].get("parents", ()) if parent in groups)
        return seen

    def _refresh_superusers(self):
        """authentik's User.is_superuser: a member of a group with is_superuser, or of a descendant of one."""
        groups = getattr(self, "groups", {})
        for user in self.users.values():
            user["is_superuser"] = any(groups[pk]["is_superuser"] for pk in self._group_closure(user.get("groups", ())))

    def _users_list(self, req):
        self._require_view_permission(req)
        items = list(self.users.values())
        errors = {}
        for name in ("username", "email", "name", "path"):
            value = req.param(name)
            if value is not None:
                items = [u for u in items if u[name] == value]
        for name in ("is_active", "is_superuser"):
            value = req.param(name)
            if value is not None and value.lower() in ("true", "false", "1", "0"):
                want = value.lower() in ("true", "1")
                items = [u for u in items if u[name] == want]
        types = req.params("type")
        if types:
            bad = [t for t in types if t not in USER_TYPES]
            if bad:
                errors["type"] = ["Select a valid choice. %s is not one of the available choices." % bad[0]]
            items = [u for u in items if u["type"] in types]
        groups = getattr(self, "groups", {})
        for name, key, table in (("groups_by_pk", "pk", groups), ("groups_by_name", "name", groups),
                                 ("roles_by_pk", "pk", getattr(self, "roles", {})), ("roles_by_name", "name", getattr(self, "roles", {}))):
            wanted = req.params(name)
            if not wanted:
                continue

            def same(obj, value, key=key):
                return str(obj[key]) == value or (key == "pk" and _parse_uuid(value) == obj["pk"])
            found = {obj["pk"] for obj in table.values() if any(same(obj, value) for value in wanted)}
            missing = [value for value in wanted if not any(same(obj, value) for obj in table.values())]
            if missing:
                errors[name] = ["Select a valid choice. %s is not one of the available choices." % missing[0]]
            field = "groups" if name.startswith("groups") else "roles"
            items = [u for u in items if found & set(u.get(field, ()))]
        self._filter_errors(errors)
        search = req.param("search")
        if search:
            terms = _search_terms(search)
            items = [u for u in items if _matches_search(terms, (u["username"], u["name"], u["email"], u["uuid"]))]
        keys = {"username": lambda u: u["username"], "name": lambda u: u["name"], "pk": lambda u: u["pk"], "email": lambda u: u["email"]}
        items = _sort(items, req.param("ordering"), keys, ["username"])
        return 200, self._paginate(req, items, lambda u: self._user_obj(u["pk"], req)), "PaginatedUserList"

    def _find_user(self, req, ident):
        self._require_view_permission(req)
        pk = _parse_int(ident)
        if pk is None:
            raise _detail(404, "Not found.")
        if pk not in self.users:
            raise _detail(404, "No User matches the given query.")
        return pk

    def _user_get(self, req, ident):
        return 200, self._user_obj(self._find_user(req, ident), req), "User"

    def _user_me(self, req):
        """SessionUserSerializer: the token's user under "user", his groups with their ancestors (name and pk)."""
        user = req.user
        groups = getattr(self, "groups", {})
        closure = sorted((groups[pk] for pk in self._group_closure(user["groups"])), key=lambda g: g["name"])
        return 200, {"user": {
            "pk": user["pk"], "username": user["username"], "name": user["name"], "is_active": user["is_active"],
            "is_superuser": user["is_superuser"], "groups": [{"name": g["name"], "pk": g["pk"]} for g in closure],
            "roles": [{"name": r["name"], "pk": r["pk"]} for r in self._user_role_objs(user)], "email": user["email"],
            "avatar": "/static/dist/assets/images/user_default.png", "uid": user["uid"], "settings": {}, "type": user["type"],
            "system_permissions": [],
        }}, "SessionUser"

    def _user_fields(self, req, partial, instance):
        """UserSerializer: username (unique, at most 150) and name (may be blank) are required; groups and roles are
        lists of existing pks; an internal service account is neither made nor changed."""
        fields = _Fields(self._body(req), partial)
        if instance is not None and instance["type"] == "internal_service_account":
            raise ApiError(400, {"non_field_errors": ["Can't modify internal service account users"]})
        username = fields.string("username", required=True, max_length=150)
        if username is not None and "username" not in fields.errors and any(
                u["username"] == username and (instance is None or u["pk"] != instance["pk"]) for u in self.users.values()):
            fields.errors["username"] = ["This field must be unique."]
        fields.string("name", required=True, allow_blank=True)
        email = fields.string("email", allow_blank=True, max_length=254)
        if email and "email" not in fields.errors and not re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", email):
            fields.errors["email"] = ["Enter a valid email address."]
        fields.boolean("is_active")
        path = fields.string("path")
        if path is not None:
            if path[:1] == "/" or path[-1:] == "/":
                fields.errors["path"] = ["No leading or trailing slashes allowed."]
            elif "" in path.split("/"):
                fields.errors["path"] = ["No empty segments in user path allowed."]
        fields.choice("type", USER_TYPES)
        if fields.out.get("type") == "internal_service_account" and instance is None:
            fields.errors["type"] = ["Setting a user to internal service account is not allowed."]
        fields.json_object("attributes")
        fields.related_many("groups", "uuid", lambda pk: pk in getattr(self, "groups", {}))
        fields.related_many("roles", "uuid", lambda pk: pk in getattr(self, "roles", {}))
        self._check_request(req, "PatchedUserRequest" if partial else "UserRequest", fields)
        return fields.out

    def _user_create(self, req):
        attrs = self._user_fields(req, False, None)
        pk = max(self.users) + 1
        self.users[pk] = dict(pk=pk, username=attrs["username"], name=attrs["name"], email=attrs.get("email", ""), is_superuser=False,
                              is_active=attrs.get("is_active", True), uuid=str(uuid.uuid4()), path=attrs.get("path", "users"),
                              type=attrs.get("type", "internal"), attributes=attrs.get("attributes", {}), date_joined=utcnow(),
                              uid=hashlib.sha256(("%d-authentik-sim" % pk).encode()).hexdigest(), groups=attrs.get("groups", []),
                              roles=attrs.get("roles", []), password_hash=None, password_change_date=utcnow())
        self._refresh_superusers()
        return 201, self._user_obj(pk, req), "User"

    def _user_update(self, req, ident, partial):
        pk = self._find_user(req, ident)
        user = self.users[pk]
        attrs = self._user_fields(req, partial, user)
        if not partial:  # PUT: the fields left out get their defaults (groups and roles: none)
            attrs.setdefault("groups", [])
            attrs.setdefault("roles", [])
        user.update(attrs)
        self._refresh_superusers()
        return 200, self._user_obj(pk, req), "User"

    def _user_put(self, req, ident):
        return self._user_update(req, ident, False)

    def _user_patch(self, req, ident):
        return self._user_update(req, ident, True)

    def _user_set_password(self, req, ident):
        """set_password: authentik_core.reset_user_password; 204, no body."""
        pk = self._find_user(req, ident)
        if not self._has_perm(req, "reset_user_password"):
            raise _detail(403, "You do not have permission to perform this action.")
        fields = _Fields(self._body(req), False)
        password = fields.string("password", required=True, trim=False)
        self._check_request(req, "UserPasswordSetRequest", fields)
        self._save_password(pk, password)
        return 204, None, None

    def _save_password(self, pk, password):
        """Keep user ``pk``'s new password (as a hash; tests/system/test_secrets.py records what passes here)."""
        self.users[pk]["password_hash"] = hashlib.sha256(password.encode("utf-8")).hexdigest()
        self.users[pk]["password_change_date"] = utcnow()

    def _user_delete(self, req, ident):
        self._delete_user(self._find_user(req, ident))
        return 204, None, None

    def _delete_user(self, pk):
        """Delete a user and what belongs to it: each area that keeps something of a user extends this."""
        del self.users[pk]
        self.permissions.pop(pk, None)

    # ---------------------------------------------------------------- flows and property mappings

    def _flow_obj(self, flow):
        return {
            "pk": flow["pk"], "policybindingmodel_ptr_id": flow["ptr"], "name": flow["name"], "slug": flow["slug"],
            "title": flow["title"], "designation": flow["designation"], "background": None,
            "background_url": "/static/dist/assets/images/flow_background.jpg", "background_themed_urls": None,
            "stages": [], "policies": [], "cache_count": 0, "policy_engine_mode": "any", "compatibility_mode": False,
            "export_url": "/api/v3/flows/instances/%s/export/" % flow["slug"], "layout": "stacked",
            "denied_action": "message_continue", "authentication": flow["authentication"],
        }

    def _flows_list(self, req):
        self._require_view_permission(req)
        items = list(self.flows.values())
        errors = {}
        for name in ("slug", "name"):
            value = req.param(name)
            if value is not None:
                items = [f for f in items if f[name] == value]
        designation = req.param("designation")
        if designation is not None:
            if designation not in FLOW_DESIGNATIONS:
                errors["designation"] = ["Select a valid choice. %s is not one of the available choices." % designation]
            items = [f for f in items if f["designation"] == designation]
        flow_uuid = req.param("flow_uuid")
        if flow_uuid is not None:
            parsed = _parse_uuid(flow_uuid)
            if parsed is None:
                errors["flow_uuid"] = ["Enter a valid UUID."]
            items = [f for f in items if f["pk"] == parsed]
        self._filter_errors(errors)
        search = req.param("search")
        if search:
            terms = _search_terms(search)
            items = [f for f in items if _matches_search(terms, (f["name"], f["slug"], f["designation"], f["title"]))]
        keys = {"slug": lambda f: f["slug"], "name": lambda f: f["name"], "designation": lambda f: f["designation"],
                "title": lambda f: f["title"]}
        items = _sort(items, req.param("ordering"), keys, ["slug"])
        return 200, self._paginate(req, items, self._flow_obj), "PaginatedFlowList"

    def _flow_get(self, req, ident):
        self._require_view_permission(req)
        flow = self.flows.get(ident)
        if flow is None:
            raise _detail(404, "No Flow matches the given query.")
        return 200, self._flow_obj(flow), "Flow"

    @staticmethod
    def _mapping_obj(mapping):
        return {
            "pk": mapping["pk"], "managed": mapping["managed"], "name": mapping["name"], "expression": mapping["expression"],
            "component": "ak-property-mapping-provider-rac-form", "verbose_name": "RAC Provider Property Mapping",
            "verbose_name_plural": "RAC Provider Property Mappings",
            "meta_model_name": "authentik_providers_rac.racpropertymapping",
            "static_settings": copy.deepcopy(mapping["static_settings"]),
        }

    def _mappings_list(self, req):
        self._require_view_permission(req)
        items = list(self.mappings.values())
        name = req.param("name")
        if name is not None:
            items = [m for m in items if m["name"] == name]
        managed = req.params("managed")
        if managed:
            choices = {m["managed"] for m in self.mappings.values() if m["managed"] is not None}
            bad = [v for v in managed if v not in choices]
            if bad:
                raise ApiError(400, {"managed": ["Select a valid choice. %s is not one of the available choices." % bad[0]]})
            items = [m for m in items if m["managed"] in managed]
        search = req.param("search")
        if search:
            terms = _search_terms(search)
            items = [m for m in items if _matches_search(terms, (m["name"],))]
        items = _sort(items, req.param("ordering"), {"name": lambda m: m["name"], "managed": lambda m: m["managed"]}, ["name"])
        return 200, self._paginate(req, items, self._mapping_obj), "PaginatedRACPropertyMappingList"

    def _find_mapping(self, req, ident):
        self._require_view_permission(req)
        pk = _parse_uuid(ident)
        if pk is None:
            raise _detail(404, "Not found.")
        if pk not in self.mappings:
            raise _detail(404, "No RACPropertyMapping matches the given query.")
        return self.mappings[pk]

    def _mapping_get(self, req, ident):
        return 200, self._mapping_obj(self._find_mapping(req, ident)), "RACPropertyMapping"

    def _mapping_exists(self, pk):
        """Whether ``pk`` is a property mapping of any kind (providers and endpoints accept every kind)."""
        return pk in self.mappings or pk in self.foreign_mappings

    def _mapping_fields(self, req, body, partial, instance):
        """RACPropertyMappingSerializer: ``name`` unique across every kind of property mapping, ``expression`` (optional,
        blank allowed, syntax-checked as authentik compiles it), ``static_settings`` (a JSON object, required on create and
        PUT) and ``managed`` (writable in authentik 2025.12: the read-only field of its ManagedSerializer mixin is not
        picked up; unique, not blank)."""
        fields = _Fields(body, partial)
        name = fields.string("name", required=True)
        if name is not None and "name" not in fields.errors and self._mapping_name_taken(name, instance):
            fields.errors["name"] = ["Property Mapping with this name already exists."]
        managed = fields.string("managed", allow_null=True)
        if managed is not None and "managed" not in fields.errors:
            if any(m["managed"] == managed and (instance is None or pk != instance["pk"]) for pk, m in self.mappings.items()):
                fields.errors["managed"] = ["Property Mapping with this Managed by authentik already exists."]
        expression = fields.string("expression", allow_blank=True)
        if expression and "expression" not in fields.errors:
            problem = expression_syntax_error(expression, instance["name"] if instance is not None else "None")
            if problem:
                fields.errors["expression"] = ["Expression Syntax Error: %s" % problem]
        if not partial and "static_settings" not in body:
            fields.errors["static_settings"] = ["This field is required."]
        fields.json_object("static_settings")
        self._check_request(req, "PatchedRACPropertyMappingRequest" if partial else "RACPropertyMappingRequest", fields)
        return fields.out

    def _mapping_name_taken(self, name, instance=None):
        """Whether a property mapping of any kind other than ``instance`` has this name."""
        return (any(m["name"] == name and (instance is None or pk != instance["pk"]) for pk, m in self.mappings.items())
                or name in self.foreign_mappings.values())

    def _mapping_create(self, req):
        attrs = self._mapping_fields(req, self._body(req), False, None)
        mapping = dict(pk=str(uuid.uuid4()), managed=attrs.get("managed"), name=attrs["name"], expression=attrs.get("expression", ""),
                       static_settings=attrs["static_settings"])
        self._save_mapping(mapping)
        return 201, self._mapping_obj(mapping), "RACPropertyMapping"

    def _mapping_update(self, req, ident, partial):
        mapping = dict(self._find_mapping(req, ident))
        mapping.update(self._mapping_fields(req, self._body(req), partial, mapping))
        self._save_mapping(mapping)
        return 200, self._mapping_obj(mapping), "RACPropertyMapping"

    def _mapping_put(self, req, ident):
        return self._mapping_update(req, ident, False)

    def _mapping_patch(self, req, ident):
        return self._mapping_update(req, ident, True)

    def _save_mapping(self, mapping):
        """Store a RAC property mapping (created or updated); the secret scan of tests/system wraps this."""
        self.mappings[mapping["pk"]] = mapping

    def _mapping_delete(self, req, ident):
        self._delete_mapping(self._find_mapping(req, ident)["pk"])
        return 204, None, None

    def _delete_mapping(self, pk):
        """Delete a RAC property mapping: each area whose objects refer to mappings extends this."""
        del self.mappings[pk]

    # ---------------------------------------------------------------- seeding (Python API)

    def seed_mapping(self, name, static_settings=None, expression="", managed=None):
        """Add a RAC property mapping without validation; returns its pk (UUID string)."""
        with self.lock:
            if self._mapping_name_taken(name):
                raise ValueError("property mapping name %r is taken" % name)
            mapping = dict(pk=str(uuid.uuid4()), managed=managed, name=name, expression=expression,
                           static_settings=dict(static_settings or {}))
            self._save_mapping(mapping)
            return mapping["pk"]

    def check_password(self, user, password):
        """Whether ``password`` is user ``user``'s (pk) password."""
        with self.lock:
            digest = self.users[user]["password_hash"]
            return digest is not None and digest == hashlib.sha256(password.encode("utf-8")).hexdigest()

    def get_user(self, pk):
        """The user as the API shows it, or None."""
        with self.lock:
            return self._user_obj(pk) if pk in self.users else None

    def grant_permissions(self, user, permissions):
        """Give user ``user`` (pk) global permissions (``authentik_providers_rac.view_racprovider``, ...), as a role of a
        group of his would on the real server; returns the user's pk."""
        with self.lock:
            if user not in self.users:
                raise ValueError("no user %r" % user)
            self.permissions.setdefault(user, set()).update(permissions)
            return user

    def add_foreign_mapping(self, name):
        """Register a property mapping of another kind (SAML, OAuth2 scope, ...): its name blocks RAC mappings, providers and
        endpoints accept its pk, the RAC list never shows it; returns its pk."""
        with self.lock:
            if self._mapping_name_taken(name):
                raise ValueError("property mapping name %r is taken" % name)
            pk = str(uuid.uuid4())
            self.foreign_mappings[pk] = name
            return pk

    def get_mapping(self, pk):
        """The RAC property mapping as the API shows it, or None."""
        with self.lock:
            return self._mapping_obj(self.mappings[pk]) if pk in self.mappings else None


def expression_syntax_error(expression, filename):
    """What authentik's ``BaseEvaluator.validate`` says of an expression (it compiles the expression as the body of a
    function, so line numbers count from 2), or None when it compiles."""
    wrapped = "def handler():\n%s\nresult = handler()" % textwrap.indent(expression, "    ")
    try:
        compile(wrapped, filename, "exec")
    except (SyntaxError, ValueError) as exc:
        return str(exc)
    return None
