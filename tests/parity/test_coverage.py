# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Parity: every request the modules send (``REQUESTS``: path and method, with the query parameters and bodies the
modules use) by each kind of caller (``CALLERS``): the superuser, a non-superuser without any permission (alice) and a
non-superuser who holds the permissions the modules need (carol, see parity_world.PERMISSIONS).

One test per module (``AREAS``) and caller sends that module's requests in the order a run of it does: the lookup, the
create, the change, the delete, and the lookups of the objects it refers to. Where the caller may not create, he tries
the change and the delete on an object of the world (or one the admin makes). Each test checks that it sent every request of its
module; ``test_every_request_is_covered`` that the modules cover ``REQUESTS`` (a request that several modules send, such as a
lookup of a user by username, is in the test of each)."""

from __future__ import annotations

import pytest

from parity_harness import fields, items
from parity_world import IMPLICIT, RDP_DEFAULT, connection_tokens, spare_connection_token

# pylint: disable=missing-function-docstring

CALLERS = {"admin": "superuser", "alice": "non-superuser without permissions", "carol": "non-superuser with the permissions"}

#: (path, method): the module(s) and what they send it for (plugins/module_utils/_engine.py and _resources.py, plugins/modules/*.py)
REQUESTS = {
    ("core/tokens/", "GET"): "core_token: the lookup by identifier",
    ("core/tokens/", "POST"): "core_token: create",
    ("core/tokens/{identifier}/", "PATCH"): "core_token: change (with user and intent)",
    ("core/tokens/{identifier}/", "DELETE"): "core_token: delete",
    ("core/tokens/{identifier}/view_key/", "GET"): "core_token: key, return_key",
    ("core/tokens/{identifier}/set_key/", "POST"): "core_token: key",
    ("core/users/", "GET"): "every user option given by username; user: the lookup (include_groups=false)",
    ("core/users/", "POST"): "user: create",
    ("core/users/{pk}/", "GET"): "group: its guard reads the groups of the token's user (include_groups=false)",
    ("core/users/{pk}/", "PATCH"): "user: change",
    ("core/users/{pk}/", "DELETE"): "user: delete",
    ("core/users/{pk}/set_password/", "POST"): "user: password",
    ("core/users/me/", "GET"): "user and group: their guards read the token's own user",
    ("flows/instances/{slug}/", "GET"): "rac_provider's flows, policy_binding's flow",
    ("propertymappings/provider/rac/", "GET"): "rac_property_mapping's lookup; property_mappings by name or managed",
    ("propertymappings/provider/rac/", "POST"): "rac_property_mapping: create",
    ("propertymappings/provider/rac/{pk}/", "PATCH"): "rac_property_mapping: change",
    ("propertymappings/provider/rac/{pk}/", "DELETE"): "rac_property_mapping: delete",
    ("providers/rac/", "GET"): "rac_provider's lookup (name__iexact); provider and rac_provider options",
    ("providers/rac/", "POST"): "rac_provider: create",
    ("providers/rac/{pk}/", "PATCH"): "rac_provider: change",
    ("providers/rac/{pk}/", "DELETE"): "rac_provider: delete",
    ("rac/endpoints/", "GET"): "rac_endpoint's lookup by name in its provider; endpoint and rac_endpoint options",
    ("rac/endpoints/", "POST"): "rac_endpoint: create",
    ("rac/endpoints/{pk}/", "GET"): "rac_endpoint: endpoint_uuid",
    ("rac/endpoints/{pk}/", "PATCH"): "rac_endpoint: change",
    ("rac/endpoints/{pk}/", "DELETE"): "rac_endpoint: delete",
    ("rac/connection_tokens/", "GET"): "rac_connection_token(_info): the tokens matching the filters, every page",
    ("rac/connection_tokens/{pk}/", "GET"): "rac_connection_token: token_uuid",
    ("rac/connection_tokens/{pk}/", "PATCH"): "rac_connection_token: repoint",
    ("rac/connection_tokens/{pk}/", "DELETE"): "rac_connection_token: revoke one, bulk revoke",
    ("core/applications/{slug}/", "GET"): "application's lookup; policy_binding's application",
    ("core/applications/", "POST"): "application: create",
    ("core/applications/{slug}/", "PATCH"): "application: change",
    ("core/applications/{slug}/", "DELETE"): "application: delete",
    ("providers/all/", "GET"): "application's provider and backchannel_providers, outpost's providers (search)",
    ("providers/all/{pk}/", "GET"): "application: whose provider is it; outpost: which type it is",
    ("outposts/instances/", "GET"): "outpost's lookup (name__iexact)",
    ("outposts/instances/", "POST"): "outpost: create",
    ("outposts/instances/{pk}/", "PATCH"): "outpost: change",
    ("outposts/instances/{pk}/", "DELETE"): "outpost: delete",
    ("outposts/service_connections/all/", "GET"): "outpost's service_connection by name",
    ("policies/bindings/", "GET"): "policy_binding's lookup (target, every page)",
    ("policies/bindings/", "POST"): "policy_binding: create",
    ("policies/bindings/{pk}/", "PUT"): "policy_binding: change (PATCH is a 405)",
    ("policies/bindings/{pk}/", "DELETE"): "policy_binding: delete",
    ("core/groups/", "GET"): "policy_binding's, user's and group's groups by name; group: the lookup (include_users=false)",
    ("core/groups/", "POST"): "group: create",
    ("core/groups/{pk}/", "GET"): "user's and group's guards: whether a group makes a superuser (include_users=false)",
    ("core/groups/{pk}/", "PATCH"): "group: change",
    ("core/groups/{pk}/", "DELETE"): "group: delete",
    ("rbac/roles/", "GET"): "rbac_role: the lookup; user's and group's roles by name",
    ("rbac/roles/", "POST"): "rbac_role: create",
    ("rbac/roles/{pk}/", "DELETE"): "rbac_role: delete",
    ("rbac/permissions/", "GET"): "rbac_role: a role's global permissions (role), the permissions of an app label (content_type__app_label)",
    ("rbac/permissions/roles/", "GET"): "rbac_role: a role's object permissions (uuid)",
    ("rbac/permissions/assigned_by_roles/{pk}/assign/", "POST"): "rbac_role: grant global or object permissions",
    ("rbac/permissions/assigned_by_roles/{pk}/unassign/", "PATCH"): "rbac_role: take global or object permissions away",
    ("policies/all/", "GET"): "policy_binding's policy by name (search)",
    ("admin/settings/", "GET"): "system_settings: read",
    ("admin/settings/", "PATCH"): "system_settings: change (only the settings that differ)",
    ("core/applications/", "GET"): "export_info: every application (superuser_full_list)",
    ("flows/instances/", "GET"): "export_info: every flow (a reference to a flow is written as its slug)",
    ("outposts/instances/default_settings/", "GET"): "export_info: a new outpost's configuration (an outpost's config is compared with it)",
}
#: requests that only export_info sends (its listings of every object)
EXPORT_ONLY = frozenset((("core/applications/", "GET"), ("flows/instances/", "GET"), ("outposts/instances/default_settings/", "GET")))

TOKEN_FIELDS = ("identifier", "intent", "user", "description", "expires", "expiring", "managed")
ENDPOINT_FIELDS = ("name", "provider", "protocol", "host", "auth_mode", "maximum_connections")
OUTPOST_FIELDS = ("name", "type", "providers")
USER_FIELDS = ("pk", "username", "name", "is_active", "type", "path", "attributes", "groups", "roles")
GROUP_FIELDS = ("pk", "name", "is_superuser", "parents", "attributes", "roles")
PERM_FIELDS = ("codename", "model", "app_label")
BINDING_FIELDS = ("target", "group", "user", "policy", "order", "enabled", "negate", "timeout", "failure_result")


def send(t, who, method, template, values=None, body=None, params=None, view=None):
    """One request of ``REQUESTS`` by caller ``who``: the path is ``template`` filled with ``values``; its answer."""
    if (template, method) not in REQUESTS:
        raise AssertionError("%s %s is not in REQUESTS" % (method, template))
    t.world.setdefault("sent", set()).add((template, method, t.case))
    path = template.format(**(values or {}))
    if body is None:
        return t.call(method, path, params=params, auth=who, view=view)
    return t.call(method, path, body, params=params, auth=who, view=view)


def made(t, who, reply, alias, instead=None, path=None, body=None, key="pk"):
    """The key of the object the caller's POST made, for the change and the delete that he tries next. When he may not
    create: for alice, who holds no permission, ``instead`` (an object of the world, which she cannot change); else one
    that the admin makes with the same body."""
    if reply.status == 201:
        return t.alias(reply.data[key], alias) if key == "pk" else reply.data[key]
    if who == "alice" and instead is not None:
        return instead
    data = t.ok("POST", path, body)
    return t.alias(data[key], alias) if key == "pk" else data[key]


def tokens(t, who):
    identifier = t.name("tok")
    me = t.world["users"]["akadmin" if who == "admin" else who]
    given = t.w({"admin": "f-api", "alice": "alice-api", "carol": "carol-api"}[who])  # made for the caller by the admin
    lookup = {"identifier": identifier, "page_size": 20}
    send(t, who, "GET", "core/users/", params={"username": t.world["usernames"]["bob"], "page_size": 20}, view=items("pk", "username"))
    send(t, who, "GET", "core/tokens/", params=lookup, view=items(*TOKEN_FIELDS))
    send(t, who, "POST", "core/tokens/", body={"identifier": identifier, "intent": "api", "expiring": False, "description": "made"},
         view=fields(*TOKEN_FIELDS))
    send(t, who, "GET", "core/tokens/", params=lookup, view=items(*TOKEN_FIELDS))
    send(t, who, "PATCH", "core/tokens/{identifier}/", dict(identifier=identifier), {"description": "changed", "user": me, "intent": "api"},
         view=fields(*TOKEN_FIELDS))
    for name in (identifier, given):
        send(t, who, "GET", "core/tokens/{identifier}/view_key/", dict(identifier=name), view=sorted)
    send(t, who, "POST", "core/tokens/{identifier}/set_key/", dict(identifier=identifier), {"key": t.name("key-0123456789")})
    send(t, who, "DELETE", "core/tokens/{identifier}/", dict(identifier=identifier))


def mappings(t, who):
    name = t.name("map")
    send(t, who, "GET", "propertymappings/provider/rac/", params={"name": name, "page_size": 20}, view=items("name", "managed"))
    send(t, who, "GET", "propertymappings/provider/rac/", params={"managed": RDP_DEFAULT, "page_size": 20}, view=items("pk", "managed"))
    body = {"static_settings": {}, "expression": "return {}\n", "name": name}
    pk = made(t, who, send(t, who, "POST", "propertymappings/provider/rac/", body=body, view=fields("name", "static_settings")), "map",
              t.world["mappings"][RDP_DEFAULT], "propertymappings/provider/rac/", body)
    send(t, who, "PATCH", "propertymappings/provider/rac/{pk}/", dict(pk=pk), {"static_settings": {"port": "3389"}},
         view=fields("name", "static_settings"))
    send(t, who, "DELETE", "propertymappings/provider/rac/{pk}/", dict(pk=pk))


def providers(t, who):
    name = t.name("prov")
    send(t, who, "GET", "flows/instances/{slug}/", dict(slug=IMPLICIT), view=fields("pk", "slug", "designation"))
    send(t, who, "GET", "providers/rac/", params={"name__iexact": name, "page_size": 20}, view=items("pk", "name"))
    body = {"name": name, "authorization_flow": t.world["flow"], "property_mappings": [t.world["mappings"][RDP_DEFAULT]]}
    pk = made(t, who, send(t, who, "POST", "providers/rac/", body=body, view=fields("name", "authorization_flow", "property_mappings")),
              "prov", t.world["p1"], "providers/rac/", body)
    send(t, who, "GET", "providers/rac/", params={"name__iexact": name, "page_size": 20}, view=items("pk", "name"))
    send(t, who, "PATCH", "providers/rac/{pk}/", dict(pk=pk), {"connection_expiry": "hours=3"}, view=fields("name", "connection_expiry"))
    send(t, who, "DELETE", "providers/rac/{pk}/", dict(pk=pk))


def endpoints(t, who):
    name = t.name("ep")
    lookup = {"name": name, "provider": t.world["p1"], "superuser_full_list": "true", "search": name, "page_size": 20}
    send(t, who, "GET", "rac/endpoints/", params=lookup, view=items("pk", "name", "provider"))
    body = {"auth_mode": "prompt", "provider": t.world["p1"], "protocol": "rdp", "host": "dc01.example.com:3389", "name": name}
    pk = made(t, who, send(t, who, "POST", "rac/endpoints/", body=body, view=fields(*ENDPOINT_FIELDS)), "ep", t.world["e2"], "rac/endpoints/",
              body)
    send(t, who, "GET", "rac/endpoints/", params=lookup, view=items("pk", "name", "provider"))
    send(t, who, "GET", "rac/endpoints/{pk}/", dict(pk=pk), view=fields(*ENDPOINT_FIELDS))
    send(t, who, "PATCH", "rac/endpoints/{pk}/", dict(pk=pk), {"host": "dc02.example.com"}, view=fields(*ENDPOINT_FIELDS))
    send(t, who, "DELETE", "rac/endpoints/{pk}/", dict(pk=pk))


def connection_token_requests(t, who):
    """On alice's connection tokens: the first ones are on p2/e3 (see parity_world.py); a PATCH to where a token already
    is changes nothing; alice's DELETE is refused, the others' take a spare token."""
    pks = connection_tokens(t)
    shown = items("pk", "provider", "endpoint", "user")
    for query in ({"provider": t.world["p2"]}, {"session__user": t.world["users"]["alice"], "endpoint": t.world["e3"]}):
        send(t, who, "GET", "rac/connection_tokens/", params=dict(query, ordering="pk", page_size=100, page=1), view=shown)
    send(t, who, "GET", "rac/connection_tokens/{pk}/", dict(pk=pks[0]), view=fields("pk", "provider", "endpoint", "user"))
    send(t, who, "PATCH", "rac/connection_tokens/{pk}/", dict(pk=pks[0]), {"provider": t.world["p2"], "endpoint": t.world["e3"]},
         view=fields("pk", "provider", "endpoint"))
    doomed = pks[1] if who == "alice" else spare_connection_token(t, "delete-" + who)
    send(t, who, "DELETE", "rac/connection_tokens/{pk}/", dict(pk=doomed))
    send(t, who, "GET", "rac/connection_tokens/", params={"provider": t.world["p2"], "ordering": "pk", "page_size": 100, "page": 1},
         view=shown)


def make_provider(t, suffix):
    return t.alias(t.ok("POST", "providers/rac/", {"name": t.name(suffix), "authorization_flow": t.world["flow"]})["pk"], suffix)


def applications(t, who):
    slug = t.name("app")
    provider = make_provider(t, "prov")
    send(t, who, "GET", "providers/all/", params={"search": t.name("prov"), "page_size": 100},
         view=items("pk", "name", "assigned_application_slug"))
    send(t, who, "GET", "core/applications/{slug}/", dict(slug=slug), view=fields("slug", "provider"))
    send(t, who, "GET", "providers/all/{pk}/", dict(pk=provider), view=fields("pk", "name", "assigned_application_slug"))
    body = {"name": slug, "slug": slug, "provider": provider}
    made(t, who, send(t, who, "POST", "core/applications/", body=body, view=fields("name", "slug", "provider")), "app",
         path="core/applications/", body=body, key="slug")
    send(t, who, "GET", "core/applications/{slug}/", dict(slug=slug), view=fields("slug", "provider"))
    send(t, who, "PATCH", "core/applications/{slug}/", dict(slug=slug), {"meta_description": "changed"},
         view=fields("slug", "meta_description"))
    send(t, who, "DELETE", "core/applications/{slug}/", dict(slug=slug))


def outposts(t, who):
    name = t.name("op")
    provider = t.world["p2"]
    send(t, who, "GET", "outposts/instances/", params={"name__iexact": name, "page_size": 20}, view=items(*OUTPOST_FIELDS))
    send(t, who, "GET", "outposts/service_connections/all/", params={"name": t.name("sc"), "page_size": 20}, view=items("pk", "name"))
    body = {"name": name, "type": "rac", "providers": [provider], "config": {}}
    reply = send(t, who, "POST", "outposts/instances/", body=body, view=fields(*OUTPOST_FIELDS))
    embedded = None
    if who == "alice":  # authentik's own outpost
        embedded = t.alias(t.ok("GET", "outposts/instances/", params={"managed__iexact": "goauthentik.io/outposts/embedded"})["results"][0]["pk"],
                           "embedded")
    pk = made(t, who, reply, "op", embedded, "outposts/instances/", body)
    send(t, who, "PATCH", "outposts/instances/{pk}/", dict(pk=pk), {"config": {"log_level": "debug"}},
         view=lambda d: {"log_level": d["config"].get("log_level")})
    send(t, who, "DELETE", "outposts/instances/{pk}/", dict(pk=pk))


def bindings(t, who):
    app = t.ok("POST", "core/applications/", {"name": t.name("bound"), "slug": t.name("bound")})
    target = t.alias(app["pk"], "app")
    group = t.alias(t.ok("POST", "core/groups/", {"name": t.name("grp")})["pk"], "grp")
    send(t, who, "GET", "core/groups/", params={"name": t.name("grp"), "include_users": "false", "page_size": 20}, view=items("pk", "name"))
    send(t, who, "GET", "policies/all/", params={"search": "default-match-policy-exception", "page_size": 100}, view=items("name"))
    listing = {"target": target, "page_size": 100, "page": 1}
    send(t, who, "GET", "policies/bindings/", params=listing, view=items(*BINDING_FIELDS))
    body = {"target": target, "group": group, "order": 0}
    pk = made(t, who, send(t, who, "POST", "policies/bindings/", body=body, view=fields(*BINDING_FIELDS)), "binding",
              path="policies/bindings/", body=body)
    send(t, who, "PUT", "policies/bindings/{pk}/", dict(pk=pk), {"target": target, "group": group, "user": None, "policy": None, "order": 0,
                                                                 "enabled": True, "negate": True, "timeout": 30, "failure_result": False},
         view=fields(*BINDING_FIELDS))
    send(t, who, "GET", "policies/bindings/", params=listing, view=items(*BINDING_FIELDS))
    send(t, who, "DELETE", "policies/bindings/{pk}/", dict(pk=pk))
    t.ok("DELETE", "core/groups/%s/" % group)


def admin_made(t, path, body, suffix):
    """An object that the admin makes for the scenario (a group or role that the module refers to by name)."""
    return t.alias(t.ok("POST", path, body)["pk"], suffix)


def me(t, who):
    """The caller's own user: what the guards of user and group read."""
    return send(t, who, "GET", "core/users/me/", view=lambda d: dict((k, d["user"].get(k)) for k in ("pk", "username", "is_superuser")))


def group_view(data):
    """A group's fields, with its members' pks as ``{"user": pk}`` (which the comparison shows by alias)."""
    data = fields(*GROUP_FIELDS + ("users",))(data)
    return dict(data, users=[{"user": pk} for pk in data.get("users") or []])


def users(t, who):
    username = t.name("usr")
    group = admin_made(t, "core/groups/", {"name": t.name("grp")}, "grp")
    role = admin_made(t, "rbac/roles/", {"name": t.name("role")}, "role")
    lookup = {"username": username, "include_groups": "false", "page_size": 20}
    send(t, who, "GET", "core/users/", params=lookup, view=items(*USER_FIELDS))
    send(t, who, "GET", "core/groups/", params={"name": t.name("grp"), "include_users": "false", "page_size": 20}, view=items("pk", "name"))
    send(t, who, "GET", "rbac/roles/", params={"name": t.name("role"), "page_size": 20}, view=items("pk", "name"))
    body = {"username": username, "name": "", "path": "users/parity", "groups": [group], "roles": [role]}
    pk = made(t, who, send(t, who, "POST", "core/users/", body=body, view=fields(*USER_FIELDS)), "user:usr", path="core/users/", body=body)
    send(t, who, "POST", "core/users/{pk}/set_password/", dict(pk=pk), {"password": "Parity-pass-123"})
    send(t, who, "GET", "core/users/", params=lookup, view=items(*USER_FIELDS))
    me(t, who)  # the guard of a change of the groups (of the token's own user: whether its groups make it a superuser)
    send(t, who, "GET", "core/groups/{pk}/", dict(pk=group), params={"include_users": "false"}, view=fields("pk", "is_superuser", "parents"))
    send(t, who, "PATCH", "core/users/{pk}/", dict(pk=pk), {"is_active": False, "attributes": {"parity": 1}, "groups": []},
         view=fields(*USER_FIELDS))
    me(t, who)
    send(t, who, "DELETE", "core/users/{pk}/", dict(pk=pk))


def groups(t, who):
    name = t.name("grp")
    parent = admin_made(t, "core/groups/", {"name": t.name("parent")}, "parent")
    role = admin_made(t, "rbac/roles/", {"name": t.name("role")}, "role")
    bob = t.world["users"]["bob"]
    lookup = {"name": name, "include_users": "false", "page_size": 20}
    send(t, who, "GET", "core/groups/", params=lookup, view=items(*GROUP_FIELDS))
    send(t, who, "GET", "core/groups/", params={"name": t.name("parent"), "include_users": "false", "page_size": 20}, view=items("pk", "name"))
    send(t, who, "GET", "core/users/", params={"username": t.world["usernames"]["bob"], "page_size": 20}, view=items("pk", "username"))
    send(t, who, "GET", "rbac/roles/", params={"name": t.name("role"), "page_size": 20}, view=items("pk", "name"))
    body = {"name": name, "parents": [parent], "users": [bob], "roles": [role], "attributes": {"parity": 1}}
    pk = made(t, who, send(t, who, "POST", "core/groups/", body=body, view=group_view), "grp", path="core/groups/", body=body)
    send(t, who, "GET", "core/groups/", params=lookup, view=items(*GROUP_FIELDS))
    me(t, who)  # the guard of a change of the members: is the caller a superuser through this group?
    send(t, who, "GET", "core/users/{pk}/", dict(pk=t.world["users"]["akadmin" if who == "admin" else who]), params={"include_groups": "false"},
         view=fields("pk", "username", "is_superuser"))
    send(t, who, "GET", "core/groups/{pk}/", dict(pk=pk), params={"include_users": "false"}, view=fields(*GROUP_FIELDS))
    send(t, who, "PATCH", "core/groups/{pk}/", dict(pk=pk), {"users": [], "attributes": {"parity": 2}}, view=group_view)
    me(t, who)
    send(t, who, "DELETE", "core/groups/{pk}/", dict(pk=pk))


def roles(t, who):
    name = t.name("role")
    target = admin_made(t, "rbac/roles/", {"name": t.name("target")}, "target")  # the object of an object permission
    send(t, who, "GET", "rbac/roles/", params={"name": name, "page_size": 20}, view=items("pk", "name"))
    pk = made(t, who, send(t, who, "POST", "rbac/roles/", body={"name": name}, view=fields("pk", "name")), "role",
              path="rbac/roles/", body={"name": name})
    held = {"role": pk, "page_size": 100, "page": 1}
    send(t, who, "GET", "rbac/permissions/", params=held, view=items(*PERM_FIELDS))
    send(t, who, "GET", "rbac/permissions/roles/", params={"uuid": pk, "page_size": 100, "page": 1}, view=items(*PERM_FIELDS + ("object_pk",)))
    send(t, who, "GET", "rbac/permissions/", params={"content_type__app_label": "authentik_rbac", "page_size": 100, "page": 1},
         view=items(*PERM_FIELDS))
    assign = "rbac/permissions/assigned_by_roles/{pk}/assign/"
    send(t, who, "POST", assign, dict(pk=pk), {"permissions": ["authentik_core.view_user", "authentik_rbac.view_role"]}, view=len)
    send(t, who, "POST", assign, dict(pk=pk), {"permissions": ["authentik_rbac.view_role"], "model": "authentik_rbac.role",
                                               "object_pk": target}, view=len)
    send(t, who, "GET", "rbac/permissions/", params=held, view=items(*PERM_FIELDS))
    send(t, who, "GET", "rbac/permissions/roles/", params={"uuid": pk, "page_size": 100, "page": 1}, view=items(*PERM_FIELDS + ("object_pk",)))
    unassign = "rbac/permissions/assigned_by_roles/{pk}/unassign/"
    send(t, who, "PATCH", unassign, dict(pk=pk), {"permissions": ["authentik_core.view_user"]})
    send(t, who, "PATCH", unassign, dict(pk=pk), {"permissions": ["authentik_rbac.view_role"], "model": "authentik_rbac.role",
                                                  "object_pk": target})
    send(t, who, "GET", "rbac/permissions/", params=held, view=items(*PERM_FIELDS))
    send(t, who, "DELETE", "rbac/roles/{pk}/", dict(pk=pk))


def system_settings(t, who):
    """A change of event_retention, written back on both servers at once (the real server is shared)."""
    before = t.ok("GET", "admin/settings/")["event_retention"]
    try:
        send(t, who, "GET", "admin/settings/", view=fields("event_retention", "default_token_length"))
        send(t, who, "PATCH", "admin/settings/", body={"event_retention": "days=364"}, view=fields("event_retention"))
    finally:
        t.ok("PATCH", "admin/settings/", {"event_retention": before})


def mine(t, *names, where=None):
    """A list answer reduced to the given fields of this case's objects (named with ``t.name``, or those ``where``
    keeps): the real server is shared, so its listings hold other objects too."""
    prefix = t.name("")

    def view(data):
        keep = where or (lambda r: any(str(r.get(k) or "").startswith(prefix) for k in ("name", "slug", "username", "identifier")))
        return [dict((f, r.get(f)) for f in names) for r in data.get("results", []) if keep(r)]
    return view


def export(t, who):
    """What export_info reads: every listing once (all pages; here the first), a role's permissions, the default
    configuration of an outpost."""
    every = {"page_size": 100, "page": 1}
    provider = make_provider(t, "prov")
    t.alias(t.ok("POST", "rac/endpoints/", {"name": t.name("ep"), "provider": provider, "protocol": "rdp", "host": "dc01.example.com",
                                            "auth_mode": "prompt"})["pk"], "ep")
    app = t.alias(t.ok("POST", "core/applications/", {"name": t.name("app"), "slug": t.name("app"), "provider": provider})["pk"], "app")
    group = admin_made(t, "core/groups/", {"name": t.name("grp")}, "grp")
    role = admin_made(t, "rbac/roles/", {"name": t.name("role")}, "role")
    t.ok("POST", "rbac/permissions/assigned_by_roles/%s/assign/" % role, {"permissions": ["authentik_core.view_user"]})
    t.ok("POST", "rbac/permissions/assigned_by_roles/%s/assign/" % role, {"permissions": ["authentik_rbac.view_role"],
                                                                          "model": "authentik_rbac.role", "object_pk": role})
    user = t.alias(t.ok("POST", "core/users/", {"username": t.name("usr"), "name": "", "groups": [group]})["pk"], "user:usr")
    t.ok("POST", "core/tokens/", {"identifier": t.name("tok"), "intent": "api", "expiring": False, "user": user})
    t.ok("POST", "policies/bindings/", {"target": app, "group": group, "order": 3})
    root = t.base[:-len("api/v3/")]
    send(t, who, "GET", "admin/settings/", view=fields("default_token_length"))
    send(t, who, "GET", "propertymappings/provider/rac/", params=every,
         view=mine(t, "name", "managed", where=lambda r: r.get("managed") == RDP_DEFAULT))
    send(t, who, "GET", "providers/rac/", params=every, view=mine(t, "pk", "name", "authorization_flow", "property_mappings"))
    send(t, who, "GET", "rac/endpoints/", params=dict(every, superuser_full_list="true"), view=mine(t, *ENDPOINT_FIELDS))
    send(t, who, "GET", "core/applications/", params=dict(every, superuser_full_list="true"), view=mine(t, "pk", "slug", "name", "provider"))
    send(t, who, "GET", "outposts/instances/", params=every, view=mine(t, *OUTPOST_FIELDS))
    send(t, who, "GET", "rbac/roles/", params=every, view=mine(t, "pk", "name"))
    send(t, who, "GET", "rbac/permissions/", params=dict(every, role=role), view=items(*PERM_FIELDS))
    send(t, who, "GET", "rbac/permissions/roles/", params=dict(every, uuid=role), view=items(*PERM_FIELDS + ("object_pk",)))
    send(t, who, "GET", "core/groups/", params=dict(every, include_users="false"), view=mine(t, *GROUP_FIELDS))
    send(t, who, "GET", "core/users/", params=dict(every, include_groups="false"), view=mine(t, *USER_FIELDS))
    send(t, who, "GET", "core/tokens/", params=every, view=mine(t, *TOKEN_FIELDS))
    send(t, who, "GET", "policies/bindings/", params=every, view=mine(t, *BINDING_FIELDS, where=lambda r: r.get("target") == app))
    send(t, who, "GET", "flows/instances/", params=every, view=mine(t, "pk", "slug", where=lambda r: r.get("slug") == IMPLICIT))
    send(t, who, "GET", "providers/all/", params=every, view=mine(t, "pk", "name", "assigned_application_slug"))
    send(t, who, "GET", "policies/all/", params=every, view=mine(t, "name", where=lambda r: r.get("name") == "default-match-policy-exception"))
    send(t, who, "GET", "outposts/service_connections/all/", params=every, view=mine(t, "name"))
    send(t, who, "GET", "outposts/instances/default_settings/", view=lambda d: {
        "keys": sorted(d["config"]), "authentik_host is the server's URL": d["config"].get("authentik_host") == root})


#: the GETs of export_info
EXPORT_GETS = [(p, "GET") for p in (
    "admin/settings/", "propertymappings/provider/rac/", "providers/rac/", "rac/endpoints/", "core/applications/", "outposts/instances/",
    "rbac/roles/", "rbac/permissions/", "rbac/permissions/roles/", "core/groups/", "core/users/", "core/tokens/", "policies/bindings/",
    "flows/instances/", "providers/all/", "policies/all/", "outposts/service_connections/all/", "outposts/instances/default_settings/")]


#: module -> (its requests as a scenario, the (path, method) of REQUESTS it sends)
AREAS = {
    "core_token": (tokens, [(p, m) for p, m in REQUESTS if p.startswith("core/tokens/")] + [("core/users/", "GET")]),
    "rac_property_mapping": (mappings, [(p, m) for p, m in REQUESTS if p.startswith("propertymappings/")]),
    "rac_provider": (providers, [(p, m) for p, m in REQUESTS if p.startswith("providers/rac/")] + [("flows/instances/{slug}/", "GET")]),
    "rac_endpoint": (endpoints, [(p, m) for p, m in REQUESTS if p.startswith("rac/endpoints/")]),
    "rac_connection_token": (connection_token_requests, [(p, m) for p, m in REQUESTS if p.startswith("rac/connection_tokens/")]),
    "application": (applications, [(p, m) for p, m in REQUESTS if p.startswith(("core/applications/", "providers/all/"))
                                   and (p, m) not in EXPORT_ONLY]),
    "outpost": (outposts, [(p, m) for p, m in REQUESTS if p.startswith("outposts/") and (p, m) not in EXPORT_ONLY]),
    "policy_binding": (bindings, [(p, m) for p, m in REQUESTS if p.startswith("policies/")] + [("core/groups/", "GET")]),
    "user": (users, [("core/users/", "GET"), ("core/users/", "POST"), ("core/users/{pk}/", "PATCH"), ("core/users/{pk}/", "DELETE"),
                     ("core/users/{pk}/set_password/", "POST"), ("core/users/me/", "GET"), ("core/groups/", "GET"), ("core/groups/{pk}/", "GET"),
                     ("rbac/roles/", "GET")]),
    "group": (groups, [(p, m) for p, m in REQUESTS if p.startswith("core/groups/")]
              + [("core/users/", "GET"), ("core/users/me/", "GET"), ("core/users/{pk}/", "GET"), ("rbac/roles/", "GET")]),
    "rbac_role": (roles, [(p, m) for p, m in REQUESTS if p.startswith("rbac/")]),
    "system_settings": (system_settings, [(p, m) for p, m in REQUESTS if p.startswith("admin/settings/")]),
    "export_info": (export, EXPORT_GETS),
}


def test_every_request_is_covered():
    covered = set(pair for dummy, pairs in AREAS.values() for pair in pairs)
    assert covered == set(REQUESTS), "each request of REQUESTS belongs to a module's test, and only those: %s" % sorted(
        covered.symmetric_difference(REQUESTS))


@pytest.mark.parametrize("who", list(CALLERS))
@pytest.mark.parametrize("area", list(AREAS))
def test_module_requests(both, area, who):
    scenario, pairs = AREAS[area]

    def run(t):
        scenario(t, who)
        sent = set((p, m) for p, m, case in t.world.get("sent", ()) if case == t.case)
        assert sent == set(pairs), "%s: not sent: %s" % (area, sorted(set(pairs) - sent))

    both(run)
