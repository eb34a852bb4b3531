# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The RAC area of the authentik API simulator: RAC providers (``/providers/rac/``), their endpoints
(``/rac/endpoints/``) and connection tokens (``/rac/connection_tokens/``). See ``sim_core.py`` for what an
area is."""

from __future__ import annotations

import copy
import datetime
import uuid

if __package__:
    from .sim_core import (INT32, INVALID_CHOICE_FILTER, Route, _bool_filter, _detail, _Fields, _matches_search, _parse_int, _parse_uuid,
                           _search_terms, _sort)
    from .sim_directory import ADMIN_PK, FLOW_IMPLICIT, FLOW_UUIDS, DirectoryArea
else:  # run as a script, or imported with tests/simulator on sys.path (see authentik_sim.py)
    from sim_core import (INT32, INVALID_CHOICE_FILTER, Route, _bool_filter, _detail, _Fields, _matches_search, _parse_int, _parse_uuid,
                          _search_terms, _sort)
    from sim_directory import ADMIN_PK, FLOW_IMPLICIT, FLOW_UUIDS, DirectoryArea

# pylint: disable=unknown-option-value,too-many-arguments,too-many-positional-arguments
# pylint: disable=consider-using-f-string,use-dict-literal  # %-formatting and dict() match the rest of the collection

PROTOCOLS = ("rdp", "vnc", "ssh")
AUTH_MODES = ("static", "prompt")
TIMEDELTA_KEYS = ("microseconds", "milliseconds", "seconds", "minutes", "hours", "days", "weeks")
PROVIDER_MODEL = "authentik_providers_rac.racprovider"
ENDPOINT_MODEL = "authentik_providers_rac.endpoint"
CTOKEN_MODEL = "authentik_providers_rac.connectiontoken"


def timedelta_from_string(expr):
    """authentik's ``timedelta_from_string``: ``hours=1;minutes=30``; unknown keys are skipped; raises ValueError."""
    kwargs = {}
    for pair in expr.split(";"):
        key, value = pair.split("=")
        if key.lower() not in TIMEDELTA_KEYS:
            continue
        kwargs[key.lower()] = float(value.strip())
    if not kwargs:
        raise ValueError("No valid keys to pass to timedelta")
    try:
        return datetime.timedelta(**kwargs)
    except OverflowError as exc:
        raise ValueError(str(exc)) from exc


class RacArea(DirectoryArea):
    """RAC providers, endpoints and connection tokens (only the seed helpers create these, as if a user had opened an endpoint)."""

    ROUTES = (
        Route(r"^providers/rac/$", {"GET": "_providers_list", "POST": "_provider_create"}, model=PROVIDER_MODEL),
        Route(r"^providers/rac/([^/.]+)/$", {"GET": "_provider_get", "PUT": "_provider_put", "PATCH": "_provider_patch", "DELETE": "_provider_delete"},
              model=PROVIDER_MODEL),
        Route(r"^rac/endpoints/$", {"GET": "_endpoints_list", "POST": "_endpoint_create"}, model=ENDPOINT_MODEL),
        Route(r"^rac/endpoints/([^/.]+)/$", {"GET": "_endpoint_get", "PUT": "_endpoint_put", "PATCH": "_endpoint_patch", "DELETE": "_endpoint_delete"},
              model=ENDPOINT_MODEL),
        Route(r"^rac/connection_tokens/$", {"GET": "_ctokens_list"}, permission="ctokens", model=CTOKEN_MODEL),
        Route(r"^rac/connection_tokens/([^/.]+)/$", {"GET": "_ctoken_get", "PUT": "_ctoken_put", "PATCH": "_ctoken_patch", "DELETE": "_ctoken_delete"},
              permission="ctokens", model=CTOKEN_MODEL),
    )
    SEEDS = {"provider": ("seed_provider", False), "providers": ("seed_providers", True), "endpoint": ("seed_endpoint", False),
             "connection_token": ("seed_connection_token", False), "connection_tokens": ("seed_connection_tokens", True),
             "foreign_provider": ("add_foreign_provider", False)}

    def _init_state(self):
        super()._init_state()
        self.providers = {}
        self.provider_names = {}
        self.foreign_providers = {}
        self.endpoints = {}
        self.connection_tokens = {}
        self._next_provider_pk = 1

    # ---------------------------------------------------------------- RAC providers

    def _provider_obj(self, provider):
        return {
            "pk": provider["pk"], "name": provider["name"], "authentication_flow": provider["authentication_flow"],
            "authorization_flow": provider["authorization_flow"], "property_mappings": sorted(provider["property_mappings"]),
            "component": "ak-provider-rac-form", "assigned_application_slug": None, "assigned_application_name": None,
            "assigned_backchannel_application_slug": None, "assigned_backchannel_application_name": None,
            "verbose_name": "RAC Provider", "verbose_name_plural": "RAC Providers",
            "meta_model_name": "authentik_providers_rac.racprovider", "settings": copy.deepcopy(provider["settings"]),
            "outpost_set": [], "connection_expiry": provider["connection_expiry"],
            "delete_token_on_disconnect": provider["delete_token_on_disconnect"],
        }

    def _find_provider(self, req, ident):
        self._require_view_permission(req)
        pk = _parse_int(ident)
        if pk is None:
            raise _detail(404, "Not found.")
        if pk not in self.providers:
            raise _detail(404, "No RACProvider matches the given query.")
        return self.providers[pk]

    def _providers_list(self, req):
        self._require_view_permission(req)
        items = list(self.providers.values())
        iexact = req.param("name__iexact")
        if iexact is not None:
            items = [p for p in items if p["name"].lower() == iexact.lower()]
        isnull = req.param("application__isnull")
        if isnull is not None and _bool_filter(isnull) is False:
            items = []  # no provider of the simulator has an application
        search = req.param("search")
        if search:
            terms = _search_terms(search)
            items = [p for p in items if _matches_search(terms, (p["name"],))]
        keys = {"name": lambda p: p["name"], "pk": lambda p: p["pk"], "connection_expiry": lambda p: p["connection_expiry"]}
        items = _sort(items, req.param("ordering"), keys, ["name"])
        return 200, self._paginate(req, items, self._provider_obj), "PaginatedRACProviderList"

    def _provider_get(self, req, ident):
        return 200, self._provider_obj(self._find_provider(req, ident)), "RACProvider"

    def _provider_fields(self, req, body, partial, instance):
        fields = _Fields(body, partial)
        name = fields.string("name", required=True)
        if name is not None:
            owner = self.provider_names.get(name)
            if owner is not None and (instance is None or owner != instance["pk"]):
                fields.errors["name"] = ["provider with this name already exists."]
        fields.related("authorization_flow", "uuid", lambda pk: pk in self.flows_by_uuid, required=True)
        fields.related("authentication_flow", "uuid", lambda pk: pk in self.flows_by_uuid, allow_null=True)
        fields.related_many("property_mappings", "uuid", self._mapping_exists)
        fields.json_object("settings")
        expiry = fields.string("connection_expiry")
        if expiry is not None:
            try:
                timedelta_from_string(expiry)
            except ValueError:
                fields.errors["connection_expiry"] = ["%s is not in the correct format of 'hours=3;minutes=1'." % expiry]
        fields.boolean("delete_token_on_disconnect")
        self._check_request(req, "PatchedRACProviderRequest" if partial else "RACProviderRequest", fields)
        return fields.out

    def _provider_create(self, req):
        attrs = self._provider_fields(req, self._body(req), False, None)
        provider = dict(pk=self._alloc_provider_pk(), name=attrs["name"], authorization_flow=attrs["authorization_flow"],
                        authentication_flow=attrs.get("authentication_flow"), property_mappings=attrs.get("property_mappings", []),
                        settings=attrs.get("settings", {}), connection_expiry=attrs.get("connection_expiry", "hours=8"),
                        delete_token_on_disconnect=attrs.get("delete_token_on_disconnect", False))
        self.providers[provider["pk"]] = provider
        self.provider_names[provider["name"]] = provider["pk"]
        return 201, self._provider_obj(provider), "RACProvider"

    def _alloc_provider_pk(self):
        pk = self._next_provider_pk
        self._next_provider_pk += 1
        return pk

    def _provider_update(self, req, ident, partial):
        provider = self._find_provider(req, ident)
        attrs = self._provider_fields(req, self._body(req), partial, provider)
        if "name" in attrs:
            del self.provider_names[provider["name"]]
            self.provider_names[attrs["name"]] = provider["pk"]
        provider.update(attrs)
        return 200, self._provider_obj(provider), "RACProvider"

    def _provider_put(self, req, ident):
        return self._provider_update(req, ident, False)

    def _provider_patch(self, req, ident):
        return self._provider_update(req, ident, True)

    def _provider_delete(self, req, ident):
        provider = self._find_provider(req, ident)
        self._delete_provider(provider["pk"])
        return 204, None, None

    def _delete_provider(self, pk):
        provider = self.providers.pop(pk)
        del self.provider_names[provider["name"]]
        for endpoint_pk in [e["pk"] for e in self.endpoints.values() if e["provider"] == pk]:
            self._delete_endpoint(endpoint_pk)
        for token_pk in [t["pk"] for t in self.connection_tokens.values() if t["provider"] == pk]:
            del self.connection_tokens[token_pk]

    # ---------------------------------------------------------------- RAC endpoints

    def _endpoint_obj(self, endpoint):
        return {
            "pk": endpoint["pk"], "name": endpoint["name"], "provider": endpoint["provider"],
            "provider_obj": self._provider_obj(self.providers[endpoint["provider"]]), "protocol": endpoint["protocol"],
            "host": endpoint["host"], "settings": copy.deepcopy(endpoint["settings"]),
            "property_mappings": sorted(endpoint["property_mappings"]), "auth_mode": endpoint["auth_mode"], "launch_url": None,
            "maximum_connections": endpoint["maximum_connections"],
        }

    def _find_endpoint(self, req, ident):
        self._require_view_permission(req)  # the list skips authentik's ObjectFilter, a single endpoint does not
        pk = _parse_uuid(ident)
        if pk is None:
            raise _detail(404, "Not found.")
        if pk not in self.endpoints:
            raise _detail(404, "No Endpoint matches the given query.")
        return self.endpoints[pk]

    def _endpoints_list(self, req):
        items = list(self.endpoints.values())
        errors = {}
        name = req.param("name")
        if name is not None:
            items = [e for e in items if e["name"] == name]
        provider = req.param("provider")
        if provider is not None:
            pk = _parse_int(provider)
            if pk not in self.providers:
                errors["provider"] = [INVALID_CHOICE_FILTER]
            items = [e for e in items if e["provider"] == pk]
        self._filter_errors(errors)
        search = req.param("search")
        if search:
            terms = _search_terms(search)
            items = [e for e in items if _matches_search(terms, (e["name"], e["protocol"]))]
        keys = {"name": lambda e: e["name"], "protocol": lambda e: e["protocol"], "host": lambda e: e["host"],
                "provider": lambda e: e["provider"], "pk": lambda e: e["pk"]}
        items = _sort(items, req.param("ordering"), keys, ["name", "protocol"])
        full = str(req.param("superuser_full_list") or "false").lower() == "true"
        if full and req.user["is_superuser"]:
            return 200, self._paginate(req, items, self._endpoint_obj), "PaginatedEndpointList"
        # authentik's quirk: the page is validated, but every visible endpoint comes back in one page
        return 200, self._paginate(req, items, self._endpoint_obj, all_results=True), "PaginatedEndpointList"

    def _endpoint_get(self, req, ident):
        return 200, self._endpoint_obj(self._find_endpoint(req, ident)), "Endpoint"

    def _endpoint_fields(self, req, body, partial):
        fields = _Fields(body, partial)
        fields.string("name", required=True)
        fields.related("provider", "int", lambda pk: pk in self.providers, required=True)
        fields.choice("protocol", PROTOCOLS, required=True)
        fields.string("host", required=True)
        fields.json_object("settings")
        fields.related_many("property_mappings", "uuid", self._mapping_exists)
        fields.choice("auth_mode", AUTH_MODES, required=True)
        fields.integer("maximum_connections", bounds=INT32)
        self._check_request(req, "PatchedEndpointRequest" if partial else "EndpointRequest", fields)
        return fields.out

    def _endpoint_create(self, req):
        attrs = self._endpoint_fields(req, self._body(req), False)
        endpoint = dict(pk=str(uuid.uuid4()), name=attrs["name"], provider=attrs["provider"], protocol=attrs["protocol"],
                        host=attrs["host"], settings=attrs.get("settings", {}), property_mappings=attrs.get("property_mappings", []),
                        auth_mode=attrs["auth_mode"], maximum_connections=attrs.get("maximum_connections", 1))
        self.endpoints[endpoint["pk"]] = endpoint
        return 201, self._endpoint_obj(endpoint), "Endpoint"

    def _endpoint_update(self, req, ident, partial):
        endpoint = self._find_endpoint(req, ident)
        endpoint.update(self._endpoint_fields(req, self._body(req), partial))
        return 200, self._endpoint_obj(endpoint), "Endpoint"

    def _endpoint_put(self, req, ident):
        return self._endpoint_update(req, ident, False)

    def _endpoint_patch(self, req, ident):
        return self._endpoint_update(req, ident, True)

    def _endpoint_delete(self, req, ident):
        self._delete_endpoint(self._find_endpoint(req, ident)["pk"])
        return 204, None, None

    def _delete_endpoint(self, pk):
        del self.endpoints[pk]
        for token_pk in [t["pk"] for t in self.connection_tokens.values() if t["endpoint"] == pk]:
            del self.connection_tokens[token_pk]

    # ---------------------------------------------------------------- RAC connection tokens

    def _ctoken_obj(self, token):
        return {
            "pk": token["pk"], "provider": token["provider"], "provider_obj": self._provider_obj(self.providers[token["provider"]]),
            "endpoint": token["endpoint"], "endpoint_obj": self._endpoint_obj(self.endpoints[token["endpoint"]]),
            "user": self._partial_user(token["user"]),
        }

    def _find_ctoken(self, req, ident):
        pk = _parse_uuid(ident)
        if pk is None:
            raise _detail(404, "Not found.")
        token = self.connection_tokens.get(pk)
        if token is None or not (self._has_perm(req, "view") or token["user"] == req.user["pk"]):
            raise _detail(404, "No ConnectionToken matches the given query.")
        return token

    def _ctokens_list(self, req):
        items = list(self.connection_tokens.values())
        if not self._has_perm(req, "view"):  # authentik's ObjectFilter: without view_connectiontoken, the caller's own
            items = [t for t in items if t["user"] == req.user["pk"]]
        errors = {}
        endpoint = req.param("endpoint")
        if endpoint is not None:
            pk = _parse_uuid(endpoint)
            if pk is None:
                errors["endpoint"] = ["\u201c%s\u201d is not a valid UUID." % endpoint]
            elif pk not in self.endpoints:
                errors["endpoint"] = [INVALID_CHOICE_FILTER]
            items = [t for t in items if t["endpoint"] == pk]
        provider = req.param("provider")
        if provider is not None:
            pk = _parse_int(provider)
            if pk not in self.providers:
                errors["provider"] = [INVALID_CHOICE_FILTER]
            items = [t for t in items if t["provider"] == pk]
        session_user = req.param("session__user")
        if session_user is not None:
            pk = _parse_int(session_user)
            if pk not in self.users:
                errors["session__user"] = [INVALID_CHOICE_FILTER]
            items = [t for t in items if t["user"] == pk]
        self._filter_errors(errors)
        search = req.param("search")
        if search:
            terms = _search_terms(search)
            items = [t for t in items if _matches_search(terms, (self.endpoints[t["endpoint"]]["name"],
                                                                 self.providers[t["provider"]]["name"]))]
        items = _sort(items, req.param("ordering"), {
            "endpoint__name": lambda t: self.endpoints[t["endpoint"]]["name"],
            "provider__name": lambda t: self.providers[t["provider"]]["name"],
            "pk": lambda t: t["pk"]}, ["endpoint__name", "provider__name"])
        return 200, self._paginate(req, items, self._ctoken_obj), "PaginatedConnectionTokenList"

    def _ctoken_get(self, req, ident):
        return 200, self._ctoken_obj(self._find_ctoken(req, ident)), "ConnectionToken"

    def _ctoken_update(self, req, ident, partial):
        token = self._find_ctoken(req, ident)
        fields = _Fields(self._body(req), partial)
        fields.uuid_value("pk")
        fields.related("provider", "int", lambda pk: pk in self.providers, required=True)
        fields.related("endpoint", "uuid", lambda pk: pk in self.endpoints, required=True)
        self._check_request(req, "PatchedConnectionTokenRequest" if partial else "ConnectionTokenRequest", fields)
        attrs = fields.out
        attrs.pop("pk", None)  # a writable primary key in the schema; the simulator keeps the token's pk
        token.update(attrs)
        return 200, self._ctoken_obj(token), "ConnectionToken"

    def _ctoken_put(self, req, ident):
        return self._ctoken_update(req, ident, False)

    def _ctoken_patch(self, req, ident):
        return self._ctoken_update(req, ident, True)

    def _delete_mapping(self, pk):
        """A deleted property mapping leaves the providers and endpoints that used it."""
        for obj in list(self.providers.values()) + list(self.endpoints.values()):
            if pk in obj["property_mappings"]:
                obj["property_mappings"] = [m for m in obj["property_mappings"] if m != pk]
        super()._delete_mapping(pk)

    def _delete_user(self, pk):
        """A user's connection tokens (of the user's sessions) go with the user."""
        for token_pk in [t["pk"] for t in self.connection_tokens.values() if t["user"] == pk]:
            del self.connection_tokens[token_pk]
        super()._delete_user(pk)

    def _ctoken_delete(self, req, ident):
        del self.connection_tokens[self._find_ctoken(req, ident)["pk"]]
        return 204, None, None

    # ---------------------------------------------------------------- seeding (Python API)

    def seed_provider(self, name, authorization_flow=None, authentication_flow=None, property_mappings=(), settings=None,
                      connection_expiry="hours=8", delete_token_on_disconnect=False):
        """Add a RAC provider without validation; returns its pk."""
        with self.lock:
            if name in self.provider_names:
                raise ValueError("provider name %r is taken" % name)
            provider = dict(pk=self._alloc_provider_pk(), name=name, authorization_flow=authorization_flow or FLOW_UUIDS[FLOW_IMPLICIT],
                            authentication_flow=authentication_flow, property_mappings=[str(m) for m in property_mappings],
                            settings=dict(settings or {}), connection_expiry=connection_expiry,
                            delete_token_on_disconnect=delete_token_on_disconnect)
            self.providers[provider["pk"]] = provider
            self.provider_names[name] = provider["pk"]
            return provider["pk"]

    def seed_providers(self, n, prefix="bulk-provider"):
        """Add ``n`` RAC providers ``<prefix>-00000`` ...; returns their pks."""
        return [self.seed_provider("%s-%05d" % (prefix, i)) for i in range(n)]

    def add_foreign_provider(self, name):
        """Register a provider of another type (proxy, OAuth2, ...): its name blocks RAC providers; returns its pk."""
        with self.lock:
            if name in self.provider_names:
                raise ValueError("provider name %r is taken" % name)
            pk = self._alloc_provider_pk()
            self.foreign_providers[pk] = name
            self.provider_names[name] = pk
            return pk

    def seed_endpoint(self, name, provider_pk, protocol="rdp", host="10.0.0.10", auth_mode="prompt", settings=None,
                      property_mappings=(), maximum_connections=1):
        """Add a RAC endpoint without validation; returns its pk (UUID string)."""
        with self.lock:
            if provider_pk not in self.providers:
                raise ValueError("no RAC provider %r" % provider_pk)
            endpoint = dict(pk=str(uuid.uuid4()), name=name, provider=provider_pk, protocol=protocol, host=host,
                            settings=dict(settings or {}), property_mappings=[str(m) for m in property_mappings], auth_mode=auth_mode,
                            maximum_connections=maximum_connections)
            self.endpoints[endpoint["pk"]] = endpoint
            return endpoint["pk"]

    def seed_connection_token(self, provider_pk, endpoint_uuid, user_pk=ADMIN_PK):
        """Add a connection token (as if ``user_pk`` had opened the endpoint); returns its pk (UUID string)."""
        return self.seed_connection_tokens(1, provider_pk, endpoint_uuid, user_pk)[0]

    def seed_connection_tokens(self, n, provider_pk, endpoint_uuid, user_pk=ADMIN_PK):
        """Add ``n`` connection tokens; returns their pks."""
        with self.lock:
            if provider_pk not in self.providers:
                raise ValueError("no RAC provider %r" % provider_pk)
            if endpoint_uuid not in self.endpoints:
                raise ValueError("no endpoint %r" % endpoint_uuid)
            if user_pk not in self.users:
                raise ValueError("no user %r" % user_pk)
            pks = [str(uuid.uuid4()) for _i in range(n)]
            for pk in pks:
                self.connection_tokens[pk] = dict(pk=pk, provider=provider_pk, endpoint=endpoint_uuid, user=user_pk)
            return pks

    # ---------------------------------------------------------------- inspection (Python API)

    def get_provider(self, pk):
        """The RAC provider as the API shows it, or None."""
        with self.lock:
            return self._provider_obj(self.providers[pk]) if pk in self.providers else None

    def get_endpoint(self, pk):
        """The endpoint as the API shows it, or None."""
        with self.lock:
            return self._endpoint_obj(self.endpoints[pk]) if pk in self.endpoints else None

    def get_connection_token(self, pk):
        """The connection token as the API shows it, or None."""
        with self.lock:
            return self._ctoken_obj(self.connection_tokens[pk]) if pk in self.connection_tokens else None
