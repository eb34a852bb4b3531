# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Parity: the objects the modules refer to by name: users by username (and creating/deleting users, which the
demo and the integration targets do), flows by slug (list filter and detail), RAC property mappings by name and
by ``managed``."""

from __future__ import annotations

import pytest

from parity_harness import fields, items
from parity_world import IMPLICIT, MAPPINGS, RDP_DEFAULT

# pylint: disable=missing-function-docstring

USER_FIELDS = ("username", "name", "is_active", "is_superuser", "path", "type", "attributes", "groups", "email")


@pytest.mark.parametrize("case", ["exact", "akadmin", "other-case", "partial", "unknown"])
def test_users_by_username(both, case):
    def scenario(t):
        value = {"exact": t.world["usernames"]["alice"], "akadmin": "akadmin", "other-case": t.world["usernames"]["alice"].upper(),
                 "partial": t.w("ali"), "unknown": t.w("nobody")}[case]
        t.call("GET", "core/users/", params={"username": value}, view=items("pk", *USER_FIELDS))
    both(scenario)


def test_user_by_pk(both):
    both(lambda t: t.call("GET", "core/users/%s/" % t.world["users"]["bob"]))


def test_create_and_delete_user(both):
    def scenario(t):
        reply = t.call("POST", "core/users/", {"username": t.name("frank"), "name": "Frank (parity)"})
        pk = t.alias(reply.data["pk"], "user:frank")
        t.call("GET", "core/users/", params={"username": t.name("frank")}, view=items("pk", *USER_FIELDS))
        t.call("POST", "core/users/", {"username": t.name("frank"), "name": "Frank again"})
        t.call("DELETE", "core/users/%s/" % pk)
        t.call("DELETE", "core/users/%s/" % pk)
        t.call("GET", "core/users/%s/" % pk)
    both(scenario)


def test_create_user_with_more_fields(both):
    def scenario(t):
        reply = t.call("POST", "core/users/", {"username": t.name("dave"), "name": "", "email": "dave@example.com", "is_active": False,
                                               "path": "users/parity", "attributes": {"team": "ops"}}, view=fields(*USER_FIELDS))
        t.alias(reply.data.get("pk"), "user:dave")
    both(scenario)


@pytest.mark.parametrize("body", [
    {},
    {"username": "USER"},
    {"name": "No username"},
    {"username": "", "name": "x"},
    {"username": "x" * 151, "name": "x"},
    {"username": "USER", "name": "x", "path": "/bad/"},
    {"username": "USER", "name": "x", "type": "internal_service_account"},
    {"username": "USER", "name": "x", "type": "bogus"},
], ids=["empty", "no-name", "no-username", "blank-username", "too-long", "bad-path", "service-account", "bad-type"])
def test_create_user_refused(both, body):
    def scenario(t):
        t.call("POST", "core/users/", dict((k, t.name("eve") if v == "USER" else v) for k, v in body.items()))
    both(scenario)


def test_delete_unknown_user(both):
    both(lambda t: t.call("DELETE", "core/users/2147483000/"))


def test_flow_by_slug(both):
    """The modules read a flow by slug (GET flows/instances/<slug>/); the list filter finds it too."""
    def scenario(t):
        t.call("GET", "flows/instances/%s/" % IMPLICIT)
        t.call("GET", "flows/instances/", params={"slug": IMPLICIT}, view=items("pk", "slug", "designation"))
    both(scenario)


def test_flow_by_uuid_is_not_found(both):
    both(lambda t: t.call("GET", "flows/instances/%s/" % t.world["flow"]))


def test_flow_unknown_slug_filter(both):
    both(lambda t: t.call("GET", "flows/instances/", params={"slug": t.name("no-flow")}))


@pytest.mark.parametrize("managed", MAPPINGS)
def test_mapping_by_managed(both, managed):
    def scenario(t):
        t.call("GET", "propertymappings/provider/rac/", params={"managed": managed})
        t.call("GET", "propertymappings/provider/rac/%s/" % t.world["mappings"][managed], view=fields("pk", "name", "managed"))
    both(scenario)


def test_mapping_by_name(both):
    def scenario(t):
        name = t.world["mapping_names"][RDP_DEFAULT]
        t.call("GET", "propertymappings/provider/rac/", params={"name": name}, view=items("pk", "name", "managed"))
        t.call("GET", "propertymappings/provider/rac/", params={"name": name.upper()}, view=items("pk", "name", "managed"))
    both(scenario)


def test_mapping_unknown_managed_is_400(both):
    both(lambda t: t.call("GET", "propertymappings/provider/rac/", params={"managed": "goauthentik.io/providers/rac/parity-none"}))


def test_mapping_unknown_name(both):
    both(lambda t: t.call("GET", "propertymappings/provider/rac/", params={"name": t.name("no-mapping")}))


LOOKUPS = {
    "token-by-identifier": lambda t: ("core/tokens/", {"identifier": t.w("f-app")}, ("identifier", "user", "intent")),
    "user-by-username": lambda t: ("core/users/", {"username": t.world["usernames"]["bob"]}, ("pk", "username")),
    "provider-by-name": lambda t: ("providers/rac/", {"name__iexact": t.w("p2")}, ("pk", "name")),
    "endpoint-by-name-in-provider": lambda t: (
        "rac/endpoints/", {"name": t.w("dc01"), "provider": t.world["p1"], "superuser_full_list": "true"}, ("pk", "name", "provider")),
    "endpoint-by-name": lambda t: ("rac/endpoints/", {"name": t.w("dc01"), "superuser_full_list": "true"}, ("pk", "name", "provider")),
    "mapping-by-managed": lambda t: ("propertymappings/provider/rac/", {"managed": RDP_DEFAULT}, ("pk", "name", "managed")),
    "mapping-by-name": lambda t: ("propertymappings/provider/rac/", {"name": t.world["mapping_names"][RDP_DEFAULT]}, ("pk", "name", "managed")),
}


@pytest.mark.parametrize("case", list(LOOKUPS))
def test_module_lookup(both, case):
    """The exact list request a module sends to find an object by name (``page_size=20``, see _engine.Ref and find())."""
    def scenario(t):
        path, params, shown = LOOKUPS[case](t)
        params["page_size"] = 20
        t.call("GET", path, params=params, view=items(*shown))
    both(scenario)
