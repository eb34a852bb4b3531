# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The parity suite's *world*: what the tests share, made the same way on both servers and named
``<prefix>-<name>`` (``server.w(name)``):

- users alice and bob (non-superusers without any permission, each with a non-expiring API token
  ``alice-api``/``bob-api``, description ``world``; their keys are the callers ``"alice"`` and ``"bob"``);
- user carol (a non-superuser who holds, globally, every permission the modules need: ``PERMISSIONS``, through a role
  of a group of hers on the real server), with the API token ``carol-api`` (the caller ``"carol"``);
- tokens ``f-app`` (bob's app password) and ``f-api`` (admin's API token), description ``filters``;
- RAC providers p1 and p2; endpoints e1 (``dc01`` on p1), e2 (``dc02`` on p1), e3 (``dc01`` on p2);
- 118 connection tokens of alice on p1/e1, made in one call of the real server's control script (which takes
  seconds) in the background; the first time a test needs them, three are moved to p2/e3, and the tests that
  change or delete one take their own (``spare_connection_token``); more than 100 stay on p1/e1 (a full page);
- the pks of the implicit-consent flow and of the three managed RAC property mappings.

Deleting alice deletes her sessions, which is slow on the real server: that happens in the background as soon as
the tests of connection tokens are done (``retire_sessions``)."""

from __future__ import annotations

import pytest

from parity_harness import Later, SetupError

SIM_TOKEN = "sim-admin-token"
IMPLICIT = "default-provider-authorization-implicit-consent"
EXPLICIT = "default-provider-authorization-explicit-consent"
AUTHENTICATION = "default-authentication-flow"
RDP_DEFAULT = "goauthentik.io/providers/rac/rdp-default"
RDP_HIFI = "goauthentik.io/providers/rac/rdp-high-fidelity"
SSH_DEFAULT = "goauthentik.io/providers/rac/ssh-default"
MAPPINGS = (RDP_DEFAULT, RDP_HIFI, SSH_DEFAULT)
SESSIONS = 118
SPREAD = 3  # connection tokens moved to p2/e3
#: connection tokens that one test changes or deletes
SPARE = {"repoint": 3, "put": 4, "delete": 5, "provider-cascade": 6, "endpoint-cascade": 7, "delete-admin": 8, "delete-carol": 9}
RAC = "authentik_providers_rac."
#: carol's global permissions: every one that docs/docsite/rst/permissions.rst lists for a module
PERMISSIONS = (
    ["authentik_core.%s" % p for p in ("view_token_key", "set_token_key", "view_user", "view_group", "view_provider",
                                       "view_application", "add_application", "change_application", "delete_application")]
    + ["authentik_flows.view_flow", "authentik_policies.view_policy", "authentik_outposts.view_outpostserviceconnection"]
    + ["%s%s_%s" % (app, verb, model) for app, model in ((RAC, "racpropertymapping"), (RAC, "racprovider"), (RAC, "endpoint"),
                                                         ("authentik_outposts.", "outpost"), ("authentik_policies.", "policybinding"))
       for verb in ("view", "add", "change", "delete")]
    + [RAC + "%s_connectiontoken" % verb for verb in ("view", "change", "delete")]
    # user, group, rbac_role and system_settings (their notes)
    + ["authentik_core.%s" % p for p in ("add_user", "change_user", "delete_user", "reset_user_password", "add_group", "change_group",
                                         "delete_group", "enable_group_superuser", "disable_group_superuser")]
    # rbac_role: authentik 2025.12.4 also checks add_role for an assignment (POST), change_role for an unassignment (PATCH),
    # and guardian's view_roleobjectpermission to list a role's object permissions
    + ["authentik_rbac.%s" % p for p in ("view_role", "add_role", "change_role", "delete_role", "assign_role_permissions",
                                         "unassign_role_permissions", "view_system_settings", "edit_system_settings")]
    + ["guardian.view_roleobjectpermission"])


def build_world(server):
    """Make the world on one server through its API (and its seam for connection tokens)."""
    world = server.world
    server.creating_world = True
    try:
        admin = server.ok("GET", "core/users/", params={"username": "akadmin"})["results"][0]["pk"]
        world["users"] = {"akadmin": server.alias(admin, "user:akadmin")}
        world["usernames"] = {"akadmin": "akadmin"}
        for who in ("alice", "bob", "carol"):
            pk = server.ok("POST", "core/users/", {"username": server.w(who), "name": "%s (parity)" % who.capitalize()})["pk"]
            world["users"][who] = server.alias(pk, "user:" + who)
            world["usernames"][who] = server.w(who)
        server.grant_permissions(world["users"]["carol"], PERMISSIONS, server.w("carol"))
        world["flow"] = server.alias(server.ok("GET", "flows/instances/%s/" % IMPLICIT)["pk"], "flow:implicit")
        world["flows"] = {IMPLICIT: world["flow"]}
        for name in ("p1", "p2"):
            pk = server.ok("POST", "providers/rac/", {"name": server.w(name), "authorization_flow": world["flow"]})["pk"]
            world[name] = server.alias(pk, name)
        for name, endpoint, provider in (("e1", "dc01", "p1"), ("e2", "dc02", "p1"), ("e3", "dc01", "p2")):
            pk = server.ok("POST", "rac/endpoints/", {"name": server.w(endpoint), "provider": world[provider], "protocol": "rdp",
                                                      "host": "10.0.0.1", "auth_mode": "prompt"})["pk"]
            world[name] = server.alias(pk, name)
        for who in ("alice", "bob", "carol"):
            identifier = server.w(who + "-api")
            server.ok("POST", "core/tokens/", {"identifier": identifier, "user": world["users"][who], "intent": "api",
                                               "expiring": False, "description": server.w("world")})
            server.keys[who] = server.ok("GET", "core/tokens/%s/view_key/" % identifier)["key"]
        server.ok("POST", "core/tokens/", {"identifier": server.w("f-app"), "intent": "app_password", "user": world["users"]["bob"],
                                           "description": server.w("filters")})
        server.ok("POST", "core/tokens/", {"identifier": server.w("f-api"), "intent": "api", "expiring": False,
                                           "description": server.w("filters")})
        world["mappings"], world["mapping_names"] = {}, {}
        for managed in MAPPINGS:
            found = server.ok("GET", "propertymappings/provider/rac/", params={"managed": managed})["results"][0]
            world["mappings"][managed] = server.alias(found["pk"], "mapping:" + managed.rsplit("/", 1)[-1])
            world["mapping_names"][managed] = found["name"]
        # deleting a provider deletes its endpoints, deleting a user his tokens: no need to delete those one by one
        server.world_created = [path for path in server.world_created if path.startswith(("core/users/", "providers/", "core/groups/",
                                                                                          "rbac/roles/"))
                                or path == "core/tokens/%s/" % server.w("f-api")]
    finally:
        server.creating_world = False


def start_sessions(server):
    """Start making alice's connection tokens (in the background)."""
    world = server.world
    world["sessions"] = Later(server.make_connection_tokens, world["p1"], world["e1"], world["usernames"]["alice"], SESSIONS)


def flow(server, slug):
    """The pk of a flow, looked up once per server (a flow costs seconds on the real server)."""
    flows = server.world["flows"]
    if slug not in flows:
        flows[slug] = server.alias(server.ok("GET", "flows/instances/%s/" % slug)["pk"], "flow:" + slug.split("-")[-1])
    return flows[slug]


def connection_tokens(server):
    """Alice's connection tokens (``<ct>``; the first SPREAD are on p2/e3, the others on p1/e1 unless a test moved them)."""
    if server.world.get("retired"):
        raise AssertionError("alice's connection tokens are gone: use them only in the SESSION_MODULES (conftest.py)")
    try:
        pks = server.world["sessions"].get()
    except SetupError as exc:
        if "AUTHENTIK_TEST_SERVER" in str(exc):
            pytest.skip(str(exc))
        raise
    if not server.world.get("spread"):
        server.world["spread"] = True
        for pk in pks:
            server.alias(pk, "ct")
        for pk in pks[:SPREAD]:
            server.ok("PATCH", "rac/connection_tokens/%s/" % pk, {"provider": server.world["p2"], "endpoint": server.world["e3"]})
    return pks


def spare_connection_token(server, purpose):
    """One of alice's connection tokens reserved for a test that changes or deletes it, shown as ``<ct-PURPOSE>``."""
    return server.alias(connection_tokens(server)[SPARE[purpose]], "ct-" + purpose)


def retire_sessions(server):
    """Delete alice, with her sessions and so her connection tokens (in the background on the real server)."""
    if server.world.get("retired") or "users" not in server.world:
        return
    server.world["retired"] = True
    path = "core/users/%s/" % server.world["users"]["alice"]
    if path in server.world_created:
        server.world_created.remove(path)
        try:
            server.world["sessions"].get()
        except Exception:  # pylint: disable=broad-exception-caught
            pass  # the tests that needed them said why
        server.created.append(path)
        server.delete_created()
