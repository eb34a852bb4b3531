# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The applications area of the authentik API simulator: groups (``/core/groups/``), applications
(``/core/applications/``), providers of every type (``/providers/all/``), policies (``/policies/all/``, one seeded
policy), outposts (``/outposts/instances/`` and its ``default_settings/``, with authentik's embedded outpost and a deployment token per outpost),
service connections (none) and policy bindings (``/policies/bindings/``). See ``sim_core.py`` for what an area is.

Like authentik 2025.12.4, it sends no application ``pbm_uuid`` and no binding ``expires``/``expiring`` (newer
client models require them: see ``REAL_SERVER_NULLS`` and ``NEWER_THAN_SIMULATED`` in sim_core.py)."""

from __future__ import annotations

import copy
import uuid

if __package__:
    from .sim_core import ApiError, SLUG_RE, Route, _detail, _Fields, _matches_search, _parse_int, _parse_uuid, _search_terms, _sort
    from .sim_directory import ADMIN_PK, FLOW_IMPLICIT, FLOW_UUIDS
    from .sim_rac import RacArea
else:  # run as a script, or imported with tests/simulator on sys.path (see authentik_sim.py)
    from sim_core import ApiError, SLUG_RE, Route, _detail, _Fields, _matches_search, _parse_int, _parse_uuid, _search_terms, _sort
    from sim_directory import ADMIN_PK, FLOW_IMPLICIT, FLOW_UUIDS
    from sim_rac import RacArea

# pylint: disable=consider-using-f-string,use-dict-literal  # %-formatting and dict() match the rest of the collection

EMBEDDED_OUTPOST_PK = "a8167371-bc73-41ec-b464-a0c38ac5b3ff"
EMBEDDED_OUTPOST_NAME = "authentik Embedded Outpost"
SEEDED_POLICY_PK = "97d918d5-9837-4fcf-b8c5-67f02bf4c49c"
SEEDED_POLICY_NAME = "default-match-policy-exception"
OUTPOST_TYPES = ("proxy", "ldap", "radius", "rac")
# authentik's default outpost configuration (as the real server shows it on its embedded outpost)
DEFAULT_OUTPOST_CONFIG = {
    "log_level": "info", "docker_labels": None, "authentik_host": "", "docker_network": None, "container_image": None,
    "docker_map_ports": True, "refresh_interval": "minutes=5", "kubernetes_replicas": 1, "kubernetes_namespace": "default",
    "authentik_host_browser": "", "object_naming_template": "ak-outpost-%(name)s", "authentik_host_insecure": False,
    "kubernetes_json_patches": None, "kubernetes_service_type": "ClusterIP", "kubernetes_ingress_path_type": None,
    "kubernetes_image_pull_secrets": [], "kubernetes_ingress_class_name": None, "kubernetes_disabled_components": [],
    "kubernetes_ingress_annotations": {}, "kubernetes_ingress_secret_name": "authentik-outpost-tls",
    "kubernetes_httproute_annotations": {}, "kubernetes_httproute_parent_refs": [],
}
SEEDED_GROUPS = (("authentik Admins", True), ("authentik Read-only", False))
APP_MODEL = "authentik_core.application"
OUTPOST_MODEL = "authentik_outposts.outpost"
BINDING_MODEL = "authentik_policies.policybinding"


class AppsArea(RacArea):
    """Groups, applications, outposts and policy bindings."""

    ROUTES = (
        Route(r"^core/groups/$", {"GET": "_groups_list", "POST": "_group_create"}, model="authentik_core.group"),
        Route(r"^core/groups/([^/.]+)/$", {"GET": "_group_get", "PUT": "_group_put", "PATCH": "_group_patch", "DELETE": "_group_delete"},
              model="authentik_core.group"),
        Route(r"^core/applications/$", {"GET": "_apps_list", "POST": "_app_create"}, model=APP_MODEL),
        Route(r"^core/applications/([^/]+)/$", {"GET": "_app_get", "PUT": "_app_put", "PATCH": "_app_patch", "DELETE": "_app_delete"},
              model=APP_MODEL),
        Route(r"^providers/all/$", {"GET": "_all_providers_list"}, model="authentik_core.provider"),
        Route(r"^providers/all/([^/.]+)/$", {"GET": "_all_provider_get"}, model="authentik_core.provider"),
        Route(r"^policies/all/$", {"GET": "_policies_list"}, model="authentik_policies.policy"),
        Route(r"^outposts/service_connections/all/$", {"GET": "_service_connections_list"}, model="authentik_outposts.outpostserviceconnection"),
        Route(r"^outposts/instances/$", {"GET": "_outposts_list", "POST": "_outpost_create"}, model=OUTPOST_MODEL),
        # a list action (before the object's path, which would take "default_settings" for a pk): any caller may read it
        Route(r"^outposts/instances/default_settings/$", {"GET": "_outpost_default_settings"}, model=OUTPOST_MODEL),
        Route(r"^outposts/instances/([^/.]+)/$", {"GET": "_outpost_get", "PUT": "_outpost_put", "PATCH": "_outpost_patch",
                                                  "DELETE": "_outpost_delete"}, model=OUTPOST_MODEL),
        Route(r"^policies/bindings/$", {"GET": "_bindings_list", "POST": "_binding_create"}, model=BINDING_MODEL),
        # the real server answered PATCH of a binding with 405 Method Not Allowed
        Route(r"^policies/bindings/([^/.]+)/$", {"GET": "_binding_get", "PUT": "_binding_put", "DELETE": "_binding_delete"}, ("PATCH",),
              model=BINDING_MODEL),
    )
    SEEDS = {"group": ("seed_group", False), "application": ("seed_application", False)}

    def _init_state(self):
        super()._init_state()
        self.groups = {}
        self.applications = {}  # slug -> application
        self.outposts = {}
        self.bindings = {}
        self._next_group_num = 19533
        for name, superuser in SEEDED_GROUPS:
            pk = self.seed_group(name, is_superuser=superuser)
            if superuser:
                self.users[ADMIN_PK]["groups"].append(pk)  # akadmin is a superuser through "authentik Admins"
        self._refresh_superusers()
        self.outposts[EMBEDDED_OUTPOST_PK] = dict(pk=EMBEDDED_OUTPOST_PK, name=EMBEDDED_OUTPOST_NAME, type="proxy", providers=[],
                                                  service_connection=None, config=dict(DEFAULT_OUTPOST_CONFIG, log_level="warning"),
                                                  managed="goauthentik.io/outposts/embedded")

    # ---------------------------------------------------------------- groups

    def _group_obj(self, group, req=None):
        """GroupSerializer: ``include_users`` (default true) fills users_obj; ``include_children``, ``include_parents``
        and ``include_inherited_roles`` (default false) the other ``_obj`` fields. The pk lists are always there."""
        def flag(name, default):
            return req is None or str(req.param(name) or default).lower() == "true"

        def related(other):
            return {"pk": other["pk"], "name": other["name"], "is_superuser": other["is_superuser"],
                    "attributes": copy.deepcopy(other["attributes"]), "group_uuid": other["pk"]}

        members = self._group_members(group["pk"])
        children = sorted((g for g in self.groups.values() if group["pk"] in g["parents"]), key=lambda g: g["name"])
        parents = sorted((self.groups[pk] for pk in group["parents"] if pk in self.groups), key=lambda g: g["name"])
        roles = self._user_role_objs(group)
        return {"pk": group["pk"], "num_pk": group["num_pk"], "name": group["name"], "is_superuser": group["is_superuser"],
                "parents": [g["pk"] for g in parents], "parents_obj": [related(g) for g in parents] if flag("include_parents", "false") else None,
                "users": members, "users_obj": [self._partial_user(pk) for pk in members] if flag("include_users", "true") else None,
                "attributes": copy.deepcopy(group["attributes"]), "roles": [r["pk"] for r in roles],
                "roles_obj": [{"pk": r["pk"], "name": r["name"]} for r in roles],
                "inherited_roles_obj": [] if flag("include_inherited_roles", "false") else None,
                "children": [g["pk"] for g in children],
                "children_obj": [related(g) for g in children] if flag("include_children", "false") else None}

    def _group_members(self, pk):
        return sorted(u["pk"] for u in self.users.values() if pk in u["groups"])

    def _groups_list(self, req):
        self._require_view_permission(req)
        items = list(self.groups.values())
        name = req.param("name")
        if name is not None:
            items = [g for g in items if g["name"] == name]
        superuser = req.param("is_superuser")
        if superuser is not None and superuser.lower() in ("true", "false", "1", "0"):
            items = [g for g in items if g["is_superuser"] == (superuser.lower() in ("true", "1"))]
        for param, key in (("members_by_pk", "pk"), ("members_by_username", "username")):
            wanted = req.params(param)
            if wanted:
                found = [u["pk"] for u in self.users.values() if str(u[key]) in wanted]
                missing = [v for v in wanted if not any(str(u[key]) == v for u in self.users.values())]
                if missing:
                    raise ApiError(400, {param: ["Select a valid choice. %s is not one of the available choices." % missing[0]]})
                items = [g for g in items if set(found) & set(self._group_members(g["pk"]))]
        search = req.param("search")
        if search:
            terms = _search_terms(search)
            items = [g for g in items if _matches_search(terms, (g["name"],))]
        items = _sort(items, req.param("ordering"), {"name": lambda g: g["name"]}, ["name"])
        return 200, self._paginate(req, items, lambda g: self._group_obj(g, req)), "PaginatedGroupList"

    def _find_group(self, req, ident):
        self._require_view_permission(req)
        pk = _parse_uuid(ident)
        if pk is None or pk not in self.groups:
            raise _detail(404, "No Group matches the given query.")
        return self.groups[pk]

    def _group_get(self, req, ident):
        return 200, self._group_obj(self._find_group(req, ident), req), "Group"

    def _group_fields(self, req, partial, instance):
        """GroupSerializer: name (required, unique), is_superuser (changing it needs enable_/disable_group_superuser),
        parents, users, roles and children (lists of existing pks), attributes (an object)."""
        fields = _Fields(self._body(req), partial)
        name = fields.string("name", required=True)
        if name is not None and "name" not in fields.errors and any(
                g["name"] == name and (instance is None or g["pk"] != instance["pk"]) for g in self.groups.values()):
            fields.errors["name"] = ["group with this name already exists."]
        fields.boolean("is_superuser")
        superuser = fields.out.get("is_superuser")
        if superuser is not None and not (instance is not None and superuser == instance["is_superuser"]) and (instance or superuser):
            perm = "enable_group_superuser" if superuser else "disable_group_superuser"
            if not self._has_perm(req, perm):
                fields.errors["is_superuser"] = ["User does not have permission to set superuser status to %s." % superuser]
        fields.related_many("parents", "uuid", lambda pk: pk in self.groups)
        fields.related_many("children", "uuid", lambda pk: pk in self.groups)
        fields.related_many("users", "int", lambda pk: pk in self.users)
        fields.related_many("roles", "uuid", lambda pk: pk in getattr(self, "roles", {}))
        fields.json_object("attributes")
        self._check_request(req, "PatchedGroupRequest" if partial else "GroupRequest", fields)
        return fields.out

    def _save_group(self, pk, attrs, partial):
        """Store the fields of a group (created or changed); users and children change the other side of the relation."""
        group = self.groups[pk]
        for name in ("name", "is_superuser", "parents", "roles", "attributes"):
            if name in attrs:
                group[name] = attrs[name]
            elif not partial and name in ("parents", "roles"):
                group[name] = []
        if "users" in attrs or not partial:
            members = set(attrs.get("users", []))
            for user in self.users.values():
                if user["pk"] in members and pk not in user["groups"]:
                    user["groups"].append(pk)
                elif user["pk"] not in members and pk in user["groups"]:
                    user["groups"].remove(pk)
        if "children" in attrs or not partial:
            children = set(attrs.get("children", []))
            for other in self.groups.values():
                if other["pk"] in children and pk not in other["parents"]:
                    other["parents"].append(pk)
                elif other["pk"] not in children and pk in other["parents"]:
                    other["parents"].remove(pk)
        self._refresh_superusers()

    def _group_create(self, req):
        attrs = self._group_fields(req, False, None)
        pk = self.seed_group(attrs["name"], is_superuser=attrs.get("is_superuser", False))
        self._save_group(pk, attrs, False)
        return 201, self._group_obj(self.groups[pk], req), "Group"

    def _group_update(self, req, ident, partial):
        group = self._find_group(req, ident)
        self._save_group(group["pk"], self._group_fields(req, partial, group), partial)
        return 200, self._group_obj(group, req), "Group"

    def _group_put(self, req, ident):
        return self._group_update(req, ident, False)

    def _group_patch(self, req, ident):
        return self._group_update(req, ident, True)

    def _group_delete(self, req, ident):
        pk = self._find_group(req, ident)["pk"]
        del self.groups[pk]
        for binding_pk in [b["pk"] for b in self.bindings.values() if b["group"] == pk]:
            del self.bindings[binding_pk]
        for user in self.users.values():
            if pk in user["groups"]:
                user["groups"].remove(pk)
        for other in self.groups.values():
            if pk in other["parents"]:
                other["parents"].remove(pk)
        self._refresh_superusers()
        return 204, None, None

    # ---------------------------------------------------------------- providers of every type, policies, service connections

    def _owner_of(self, provider_pk, backchannel=False):
        for app in self.applications.values():
            if (provider_pk in app["backchannel_providers"]) if backchannel else app["provider"] == provider_pk:
                return app
        return None

    def _provider_obj(self, provider):
        out = super()._provider_obj(provider)
        self._assigned(out, provider["pk"])
        return out

    def _assigned(self, out, pk):
        app = self._owner_of(pk)
        back = self._owner_of(pk, backchannel=True)
        out.update(assigned_application_slug=app and app["slug"], assigned_application_name=app and app["name"],
                   assigned_backchannel_application_slug=back and back["slug"],
                   assigned_backchannel_application_name=back and back["name"])
        return out

    def _generic_provider(self, pk):
        if pk in self.providers:
            full = self._provider_obj(self.providers[pk])
            keys = ("pk", "name", "authentication_flow", "authorization_flow", "property_mappings", "component", "verbose_name",
                    "verbose_name_plural", "meta_model_name")
            out = dict((k, full[k]) for k in keys)
        else:  # a provider of another type, known by its name only
            out = {"pk": pk, "name": self.foreign_providers[pk], "authentication_flow": None,
                   "authorization_flow": FLOW_UUIDS[FLOW_IMPLICIT],
                   "property_mappings": [], "component": "ak-provider-proxy-form", "verbose_name": "Proxy Provider",
                   "verbose_name_plural": "Proxy Providers", "meta_model_name": "authentik_providers_proxy.proxyprovider"}
        out["invalidation_flow"] = None
        return self._assigned(out, pk)

    def _any_provider_exists(self, pk):
        return pk in self.providers or pk in self.foreign_providers

    def _all_providers_list(self, req):
        self._require_view_permission(req)
        items = sorted(list(self.providers) + list(self.foreign_providers))
        search = req.param("search")
        if search:
            terms = _search_terms(search)
            items = [pk for pk in items if _matches_search(terms, (self._generic_provider(pk)["name"],
                                                                   (self._owner_of(pk) or {}).get("name", "")))]
        return 200, self._paginate(req, items, self._generic_provider), "PaginatedProviderList"

    def _all_provider_get(self, req, ident):
        self._require_view_permission(req)
        pk = _parse_int(ident)
        if pk is None or not self._any_provider_exists(pk):
            raise _detail(404, "No Provider matches the given query.")
        return 200, self._generic_provider(pk), "Provider"

    def _policy_obj(self, pk):
        return {"pk": pk, "name": SEEDED_POLICY_NAME, "execution_logging": False, "component": "ak-policy-event-matcher-form",
                "verbose_name": "Event Matcher Policy", "verbose_name_plural": "Event Matcher Policies",
                "meta_model_name": "authentik_policies_event_matcher.eventmatcherpolicy",
                "bound_to": sum(1 for b in self.bindings.values() if b["policy"] == pk)}

    def _policies_list(self, req):
        self._require_view_permission(req)
        items = [SEEDED_POLICY_PK]
        search = req.param("search")
        if search:
            items = [pk for pk in items if _matches_search(_search_terms(search), (SEEDED_POLICY_NAME,))]
        return 200, self._paginate(req, items, self._policy_obj), "PaginatedPolicyList"

    def _service_connections_list(self, req):
        self._require_view_permission(req)
        return 200, self._paginate(req, [], lambda c: c), "PaginatedServiceConnectionList"

    # ---------------------------------------------------------------- applications

    def _app_obj(self, app):
        provider = app["provider"]
        return {
            "pk": app["pk"], "name": app["name"], "slug": app["slug"], "provider": provider,
            "provider_obj": self._generic_provider(provider) if provider is not None else None,
            "backchannel_providers": list(app["backchannel_providers"]),
            "backchannel_providers_obj": [self._generic_provider(pk) for pk in app["backchannel_providers"]],
            "launch_url": ("goauthentik.io://providers/rac/launch" if provider in self.providers else None),
            "open_in_new_tab": app["open_in_new_tab"], "meta_launch_url": app["meta_launch_url"], "meta_icon": "",
            "meta_icon_url": None, "meta_icon_themed_urls": None, "meta_description": app["meta_description"],
            "meta_publisher": app["meta_publisher"], "policy_engine_mode": app["policy_engine_mode"], "group": app["group"],
        }

    def _apps_list(self, req):
        items = list(self.applications.values())
        if not (req.user["is_superuser"] and str(req.param("superuser_full_list") or "").lower() == "true"):
            # authentik lists the applications whose policies the caller passes, not those he may view (it also caches
            # that list per user and page for a while, which the simulator does not)
            items = [a for a in items if self._app_passes(a, req.user)]
        for name in ("name", "slug", "group", "meta_launch_url", "meta_description", "meta_publisher"):
            value = req.param(name)
            if value is not None:
                items = [a for a in items if a[name] == value]
        search = req.param("search")
        if search:
            terms = _search_terms(search)
            items = [a for a in items if _matches_search(terms, (a["name"], a["slug"], a["meta_description"], a["group"]))]
        items = _sort(items, req.param("ordering"), {"name": lambda a: a["name"], "slug": lambda a: a["slug"]}, ["name"])
        return 200, self._paginate(req, items, self._app_obj), "PaginatedApplicationList"

    def _app_passes(self, app, user):
        """authentik's PolicyEngine for an application and a user: no enabled binding passes; the group and user
        bindings give one result (any of them matching, negate inverting each; a group counts with its ancestors), each
        policy binding one (the seeded event matcher policy matches no request, negate inverting it); the application's
        policy_engine_mode combines them."""
        bindings = [b for b in self.bindings.values() if b["target"] == app["pk"] and b["enabled"]]
        groups = self._group_closure(user["groups"])
        static = [b for b in bindings if b["policy"] is None]
        results = [any((b["user"] == user["pk"] if b["user"] is not None else b["group"] in groups) != b["negate"] for b in static)] if static else []
        results += [b["negate"] for b in bindings if b["policy"] is not None]
        if not results:
            return True
        return any(results) if app["policy_engine_mode"] == "any" else all(results)

    def _find_app(self, req, ident):
        self._require_view_permission(req)
        if ident not in self.applications:
            raise _detail(404, "No Application matches the given query.")
        return self.applications[ident]

    def _app_get(self, req, ident):
        return 200, self._app_obj(self._find_app(req, ident)), "Application"

    def _app_fields(self, req, partial, instance):
        fields = _Fields(self._body(req), partial)
        fields.string("name", required=True)
        slug = fields.string("slug", required=True)
        if slug is not None:
            if not SLUG_RE.match(slug):
                fields.errors["slug"] = ["Enter a valid \u201cslug\u201d consisting of letters, numbers, underscores or hyphens."]
            elif slug in self.applications and (instance is None or slug != instance["slug"]):
                fields.errors["slug"] = ["Application with this slug already exists."]
        fields.related("provider", "int", self._any_provider_exists, allow_null=True)
        provider = fields.out.get("provider")
        if provider is not None:
            owner = self._owner_of(provider)
            if owner is not None and (instance is None or owner["slug"] != instance["slug"]):
                fields.errors["provider"] = ["Application with this provider already exists."]
        fields.related_many("backchannel_providers", "int", self._any_provider_exists)
        fields.boolean("open_in_new_tab")
        for name in ("meta_launch_url", "meta_description", "meta_publisher", "group"):
            fields.string(name, allow_blank=True)
        fields.choice("policy_engine_mode", ("all", "any"))
        self._check_request(req, "PatchedApplicationRequest" if partial else "ApplicationRequest", fields)
        return fields.out

    def _app_create(self, req):
        attrs = self._app_fields(req, False, None)
        app = dict(pk=str(uuid.uuid4()), provider=None, backchannel_providers=[], open_in_new_tab=False, meta_launch_url="",
                   meta_description="", meta_publisher="", policy_engine_mode="any", group="")
        app.update(attrs)
        self.applications[app["slug"]] = app
        return 201, self._app_obj(app), "Application"

    def _app_update(self, req, ident, partial):
        app = self._find_app(req, ident)
        attrs = self._app_fields(req, partial, app)
        del self.applications[app["slug"]]
        app.update(attrs)
        self.applications[app["slug"]] = app
        return 200, self._app_obj(app), "Application"

    def _app_put(self, req, ident):
        return self._app_update(req, ident, False)

    def _app_patch(self, req, ident):
        return self._app_update(req, ident, True)

    def _app_delete(self, req, ident):
        app = self.applications.pop(self._find_app(req, ident)["slug"])
        self._delete_bindings_of(app["pk"])
        return 204, None, None

    # ---------------------------------------------------------------- outposts

    def _outpost_obj(self, outpost):
        return {
            "pk": outpost["pk"], "name": outpost["name"], "type": outpost["type"], "providers": list(outpost["providers"]),
            "providers_obj": [self._generic_provider(pk) for pk in outpost["providers"]], "service_connection": None,
            "service_connection_obj": None, "refresh_interval_s": 300, "token_identifier": "ak-outpost-%s-api" % outpost["pk"],
            "config": copy.deepcopy(outpost["config"]), "managed": outpost["managed"],
        }

    def _outposts_list(self, req):
        self._require_view_permission(req)
        items = list(self.outposts.values())
        for param, key in (("name__iexact", "name"), ("managed__iexact", "managed")):
            value = req.param(param)
            if value is not None:
                items = [o for o in items if (o[key] or "").lower() == value.lower()]
        search = req.param("search")
        if search:
            terms = _search_terms(search)
            items = [o for o in items if _matches_search(terms, (o["name"],))]
        items = _sort(items, req.param("ordering"), {"name": lambda o: o["name"]}, ["name"])
        return 200, self._paginate(req, items, self._outpost_obj), "PaginatedOutpostList"

    def _outpost_default_settings(self, req):
        """authentik's default configuration of a new outpost: its authentik_host is the server's own URL as the request
        addressed it (``request.build_absolute_uri("/")``), its log_level the server's own (warning, as on the embedded
        outpost)."""
        host = req.headers.get("Host") or "%s:%s" % (self.host, self.port)
        base = "%s://%s/" % ("https" if self.tls else "http", host)
        return 200, {"config": dict(DEFAULT_OUTPOST_CONFIG, log_level="warning", authentik_host=base)}, "OutpostDefaultConfig"

    def _find_outpost(self, req, ident):
        self._require_view_permission(req)
        pk = _parse_uuid(ident)
        if pk is None or pk not in self.outposts:
            raise _detail(404, "No Outpost matches the given query.")
        return self.outposts[pk]

    def _outpost_get(self, req, ident):
        return 200, self._outpost_obj(self._find_outpost(req, ident)), "Outpost"

    def _outpost_fields(self, req, partial, instance):
        body = self._body(req)
        fields = _Fields(body, partial)
        name = fields.string("name", required=True)
        if name is not None and any(o["name"] == name and (instance is None or o["pk"] != instance["pk"]) for o in self.outposts.values()):
            fields.errors["name"] = ["Outpost with this name already exists."]
        if instance is not None and instance["managed"] and name is not None and name != EMBEDDED_OUTPOST_NAME:
            fields.errors["name"] = ["Embedded outpost's name cannot be changed"]
        fields.choice("type", OUTPOST_TYPES, required=True)
        fields.related_many("providers", "int", self._any_provider_exists)
        providers = fields.out.get("providers")
        if providers is None and not partial and "providers" not in fields.errors:
            fields.errors["providers"] = ["This field is required."]
        if providers is not None:
            wanted = body.get("type")
            if providers and wanted is not None and wanted not in OUTPOST_TYPES:
                # authentik 2025.12.4's validate_providers looks the given type up in a dict of the known types (KeyError for
                # another): the real server then answers 405 with an empty body (seen by the parity suite).
                raise ApiError(405, None)
            for pk in providers:
                kind = "rac" if pk in self.providers else "proxy"
                if wanted is not None and wanted != kind:
                    fields.errors["providers"] = ["Outpost type %s can't be used with %s providers."
                                                  % (wanted, "RACProvider" if kind == "rac" else "ProxyProvider")]
                    break
            else:
                if not providers and not (instance is not None and instance["managed"]):
                    fields.errors["providers"] = ["This list may not be empty."]
        fields.json_object("config")
        if "config" not in body and not partial:
            fields.errors["config"] = ["This field is required."]
        if "service_connection" in body and body["service_connection"] is not None:
            fields.errors["service_connection"] = ['Invalid pk "%s" - object does not exist.' % body["service_connection"]]
        self._check_request(req, "PatchedOutpostRequest" if partial else "OutpostRequest", fields, ignore=("service_connection",))
        return fields.out

    def _outpost_create(self, req):
        # the config is stored as sent: authentik fills in its defaults only when it reads them
        outpost = self._add_outpost(self._outpost_fields(req, False, None))
        self.seed_token("ak-outpost-%s-api" % outpost["pk"], user=ADMIN_PK, intent="api", expiring=False,
                        description="Autogenerated by authentik for Outpost %s" % outpost["name"],
                        managed="goauthentik.io/outpost/ak-outpost-%s-api" % outpost["pk"])
        return 201, self._outpost_obj(outpost), "Outpost"

    def _add_outpost(self, attrs):
        outpost = dict(pk=str(uuid.uuid4()), service_connection=None, managed=None, config={})
        outpost.update(attrs)
        self.outposts[outpost["pk"]] = outpost
        return outpost

    def _outpost_update(self, req, ident, partial):
        outpost = self._find_outpost(req, ident)
        outpost.update(self._outpost_fields(req, partial, outpost))
        return 200, self._outpost_obj(outpost), "Outpost"

    def _outpost_put(self, req, ident):
        return self._outpost_update(req, ident, False)

    def _outpost_patch(self, req, ident):
        return self._outpost_update(req, ident, True)

    def _outpost_delete(self, req, ident):
        outpost = self.outposts.pop(self._find_outpost(req, ident)["pk"])
        identifier = "ak-outpost-%s-api" % outpost["pk"]
        if identifier in self.token_by_identifier:
            self._remove_token(self.tokens[self.token_by_identifier[identifier]])
        return 204, None, None

    # ---------------------------------------------------------------- policy bindings

    def _target_exists(self, pk):
        """What authentik 2025.12.4 takes as a binding's target: the pk of an application, an endpoint or a flow, or a
        flow's policybindingmodel_ptr_id (its PolicyBindingModelForeignKey tries the subclasses' pks, then pbm_uuid)."""
        return self._pbm_exists(pk) or pk in self.flows_by_uuid

    def _pbm_exists(self, pk):
        """A pbm_uuid (what the binding list's target filter takes): an application's or an endpoint's pk, a flow's
        policybindingmodel_ptr_id (not its pk: 400)."""
        return any(a["pk"] == pk for a in self.applications.values()) or pk in self.endpoints or pk in self.flows_by_ptr

    def _target_pk(self, pk):
        """The target as a binding shows it: the pk of the object (a flow's own pk, also when given by its ptr id)."""
        return self.flows[self.flows_by_ptr[pk]]["pk"] if pk in self.flows_by_ptr else pk

    def _binding_obj(self, binding):
        return {
            "pk": binding["pk"], "policy": binding["policy"], "group": binding["group"], "user": binding["user"],
            "policy_obj": self._policy_obj(binding["policy"]) if binding["policy"] else None,
            "group_obj": self._partial_group(binding["group"]) if binding["group"] else None,
            "user_obj": self._partial_user(binding["user"]) if binding["user"] is not None else None,
            "target": binding["target"], "negate": binding["negate"], "enabled": binding["enabled"], "order": binding["order"],
            "timeout": binding["timeout"], "failure_result": binding["failure_result"],
        }

    def _bindings_list(self, req):
        self._require_view_permission(req)
        items = list(self.bindings.values())
        errors = {}
        for name in ("target", "policy"):
            value = req.param(name)
            if value is not None:
                pk = _parse_uuid(value)
                if pk is None:
                    errors[name] = ["\u201c%s\u201d is not a valid UUID." % value]
                elif not (self._pbm_exists(pk) if name == "target" else pk == SEEDED_POLICY_PK):
                    errors[name] = ["Select a valid choice. That choice is not one of the available choices."]
                items = [b for b in items if b[name] == (self._target_pk(pk) if name == "target" else pk)]
        self._filter_errors(errors)
        items = _sort(items, req.param("ordering"), {"order": lambda b: b["order"], "pk": lambda b: b["pk"]}, ["order", "pk"])
        return 200, self._paginate(req, items, self._binding_obj), "PaginatedPolicyBindingList"

    def _find_binding(self, req, ident):
        self._require_view_permission(req)
        pk = _parse_uuid(ident)
        if pk is None or pk not in self.bindings:
            raise _detail(404, "No PolicyBinding matches the given query.")
        return self.bindings[pk]

    def _binding_get(self, req, ident):
        return 200, self._binding_obj(self._find_binding(req, ident)), "PolicyBinding"

    def _binding_fields(self, req, partial, instance):
        fields = _Fields(self._body(req), partial)
        fields.related("policy", "uuid", lambda pk: pk == SEEDED_POLICY_PK, allow_null=True)
        fields.related("group", "uuid", lambda pk: pk in self.groups, allow_null=True)
        fields.related("user", "int", lambda pk: pk in self.users, allow_null=True)
        fields.related("target", "uuid", self._target_exists, required=True)
        if fields.out.get("target") is not None:
            fields.out["target"] = self._target_pk(fields.out["target"])
        for name in ("negate", "enabled", "failure_result"):
            fields.boolean(name)
        fields.integer("order", required=True, bounds=(-2147483648, 2147483647))
        fields.integer("timeout", bounds=(0, 2147483647))
        self._check_request(req, "PatchedPolicyBindingRequest" if partial else "PolicyBindingRequest", fields)
        merged = dict(instance or {})
        merged.update(fields.out)
        count = sum(1 for name in ("group", "policy", "user") if merged.get(name) is not None)
        if count != 1:
            raise ApiError(400, {"non_field_errors": ["%s of 'group', 'policy', 'user' %s set." % (
                ("Only one", "can be") if count > 1 else ("One", "must be"))]})
        if merged.get("policy") is not None and any(
                b["policy"] == merged["policy"] and b["target"] == merged["target"] and b["order"] == merged["order"]
                and (instance is None or b["pk"] != instance["pk"]) for b in self.bindings.values()):
            raise ApiError(400, {"non_field_errors": ["The fields policy, target, order must make a unique set."]})
        return fields.out

    def _binding_create(self, req):
        binding = self._add_binding(self._binding_fields(req, False, None))
        return 201, self._binding_obj(binding), "PolicyBinding"

    def _add_binding(self, attrs):
        binding = dict(pk=str(uuid.uuid4()), policy=None, group=None, user=None, negate=False, enabled=True, timeout=30,
                       failure_result=False)
        binding.update(attrs)
        self.bindings[binding["pk"]] = binding
        return binding

    def _binding_update(self, req, ident, partial):
        binding = self._find_binding(req, ident)
        binding.update(self._binding_fields(req, partial, binding))
        return 200, self._binding_obj(binding), "PolicyBinding"

    def _binding_put(self, req, ident):
        return self._binding_update(req, ident, False)

    def _binding_delete(self, req, ident):
        del self.bindings[self._find_binding(req, ident)["pk"]]
        return 204, None, None

    def _delete_bindings_of(self, target):
        for pk in [b["pk"] for b in self.bindings.values() if b["target"] == target]:
            del self.bindings[pk]

    # ---------------------------------------------------------------- cascades of other areas' deletions

    def _delete_endpoint(self, pk):
        self._delete_bindings_of(pk)
        super()._delete_endpoint(pk)

    def _delete_provider(self, pk):
        for app in self.applications.values():
            if app["provider"] == pk:
                app["provider"] = None
            app["backchannel_providers"] = [p for p in app["backchannel_providers"] if p != pk]
        for outpost in self.outposts.values():
            outpost["providers"] = [p for p in outpost["providers"] if p != pk]
        super()._delete_provider(pk)

    def _delete_user(self, pk):
        for binding_pk in [b["pk"] for b in self.bindings.values() if b["user"] == pk]:
            del self.bindings[binding_pk]
        super()._delete_user(pk)

    # ---------------------------------------------------------------- seeding and inspection (Python API)

    def seed_group(self, name, is_superuser=False):
        """Add a group; returns its pk (UUID string)."""
        with self.lock:
            if any(g["name"] == name for g in self.groups.values()):
                raise ValueError("group name %r is taken" % name)
            pk = str(uuid.uuid4())
            self.groups[pk] = dict(pk=pk, num_pk=self._next_group_num, name=name, is_superuser=is_superuser, parents=[], roles=[],
                                   attributes={})
            self._next_group_num += 1
            return pk

    def add_to_group(self, group, user):
        """Make user ``user`` (pk) a member of group ``group`` (pk)."""
        with self.lock:
            if group not in self.users[user]["groups"]:
                self.users[user]["groups"].append(group)
            self._refresh_superusers()

    def get_group(self, pk):
        """The group as the API shows it (with its members), or None."""
        with self.lock:
            return self._group_obj(self.groups[pk]) if pk in self.groups else None

    def seed_application(self, slug, name=None, provider=None):
        """Add an application; returns its pk (UUID string)."""
        with self.lock:
            if slug in self.applications:
                raise ValueError("application slug %r is taken" % slug)
            app = dict(pk=str(uuid.uuid4()), slug=slug, name=name or slug, provider=provider, backchannel_providers=[],
                       open_in_new_tab=False, meta_launch_url="", meta_description="", meta_publisher="", policy_engine_mode="any",
                       group="")
            self.applications[slug] = app
            return app["pk"]

    def seed_outpost(self, name, providers, type="rac", config=None):  # pylint: disable=redefined-builtin
        """Add an outpost serving ``providers`` (pks), with no API token of its own; returns its pk (UUID string)."""
        with self.lock:
            if any(o["name"] == name for o in self.outposts.values()):
                raise ValueError("outpost name %r is taken" % name)
            return self._add_outpost(dict(name=name, type=type, providers=list(providers), config=dict(config or {})))["pk"]

    def seed_binding(self, target, order=0, group=None, user=None, policy=None):
        """Add a policy binding of ``target`` (a UUID) to one group, user or policy; returns its pk (UUID string)."""
        with self.lock:
            return self._add_binding(dict(target=self._target_pk(target), order=order, group=group, user=user, policy=policy))["pk"]

    def get_application(self, slug):
        with self.lock:
            return self._app_obj(self.applications[slug]) if slug in self.applications else None

    def get_outpost(self, pk):
        with self.lock:
            return self._outpost_obj(self.outposts[pk]) if pk in self.outposts else None

    def list_bindings(self, target=None):
        with self.lock:
            return [self._binding_obj(b) for b in self.bindings.values() if target is None or b["target"] == target]
