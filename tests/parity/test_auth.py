# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Parity: authentication (403, never 401) and what a non-superuser (alice, no permissions) may see and do."""

from __future__ import annotations

import pytest

from parity_harness import items

# pylint: disable=missing-function-docstring


@pytest.mark.parametrize("auth", [None, "Bearer parity-no-such-token", "Basic YWxpY2U6c2VjcmV0", "Bearer", "Token abc"],
                         ids=["no-header", "bad-token", "basic-scheme", "bearer-without-key", "other-scheme"])
def test_credentials_refused(both, auth):
    both(lambda t: t.call("GET", "core/tokens/", auth=auth))


def test_app_password_key_does_not_authenticate(both):
    def scenario(t):
        identifier = t.name("app-as-bearer")
        t.ok("POST", "core/tokens/", {"identifier": identifier, "intent": "app_password"})
        t.ok("POST", "core/tokens/%s/set_key/" % identifier, {"key": t.name("app-password-key")})
        t.call("GET", "core/tokens/", params={"identifier": identifier}, auth="Bearer " + t.name("app-password-key"))
    both(scenario)


def test_superuser_token_authenticates(both):
    both(lambda t: t.call("GET", "core/users/", params={"username": "akadmin"}, view=items("username", "is_superuser")))


NON_SUPERUSER = [
    ("GET", "core/users/", None),
    ("GET", "core/users/{alice}/", None),
    ("GET", "core/users/abc/", None),
    ("GET", "providers/rac/", None),
    ("GET", "providers/rac/{p1}/", None),
    ("GET", "rac/endpoints/{e1}/", None),
    ("GET", "flows/instances/", None),
    ("GET", "flows/instances/default-provider-authorization-implicit-consent/", None),
    ("GET", "propertymappings/provider/rac/", None),
    ("POST", "providers/rac/", {"name": "x"}),
    ("PATCH", "rac/endpoints/{e1}/", {"host": "x"}),
    ("POST", "core/users/", {"username": "x", "name": "x"}),
    ("DELETE", "core/tokens/", None),
]


@pytest.mark.parametrize("method,path,body", NON_SUPERUSER, ids=["%s %s" % (m, p) for m, p, _b in NON_SUPERUSER])
def test_non_superuser_without_permissions(both, method, path, body):
    def scenario(t):
        target = path.format(alice=t.world["users"]["alice"], p1=t.world["p1"], e1=t.world["e1"])
        if body is None:
            t.call(method, target, auth="alice", view=items("pk"))
        else:
            t.call(method, target, body, auth="alice")
    both(scenario)


def test_non_superuser_endpoint_list(both):
    def scenario(t):
        for full in ("true", "false"):
            t.call("GET", "rac/endpoints/", params={"provider": t.world["p1"], "superuser_full_list": full}, auth="alice",
                   view=items("name"))
    both(scenario)


def test_non_superuser_sees_only_own_tokens(both):
    def scenario(t):
        t.call("GET", "core/tokens/", params={"description": t.w("world")}, auth="alice", view=items("identifier", "user"))
        t.call("GET", "core/tokens/%s/" % t.w("bob-api"), auth="alice")
        t.call("GET", "core/tokens/%s/view_key/" % t.w("alice-api"), auth="alice", view=sorted)
        t.call("GET", "core/tokens/%s/view_key/" % t.w("bob-api"), auth="alice")
    both(scenario)


def test_non_superuser_creates_own_tokens_only(both):
    def scenario(t):
        identifier = t.name("alice-made")
        t.call("POST", "core/tokens/", {"identifier": identifier, "intent": "app_password", "user": t.world["users"]["bob"],
                                        "expiring": False}, auth="alice")
        t.call("POST", "core/tokens/%s/set_key/" % identifier, {"key": t.name("alice-key")}, auth="alice")
        t.call("PATCH", "core/tokens/%s/" % identifier, {"description": "changed by alice"}, auth="alice")
        t.call("DELETE", "core/tokens/%s/" % identifier, auth="alice")
    both(scenario)
