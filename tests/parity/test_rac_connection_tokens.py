# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Parity: ``/rac/connection_tokens/`` as authentik.api.rac_connection_token(_info) use it: read one, the list
filters (``endpoint``, ``provider``, ``session__user``; an unknown pk is a 400), no POST (405), PATCH/PUT that
repoint a token, DELETE, what another user sees, and deleting a provider or an endpoint, which deletes its
connection tokens. On alice's connection tokens (see parity_world.py)."""

from __future__ import annotations

import pytest

from parity_harness import fields, items
from parity_world import connection_tokens, spare_connection_token

# pylint: disable=missing-function-docstring

ZERO_UUID = "00000000-0000-4000-8000-000000000000"


def test_read_one(both):
    both(lambda t: t.call("GET", "rac/connection_tokens/%s/" % connection_tokens(t)[0]))


FILTERS = {
    "endpoint": lambda t: {"endpoint": t.world["e3"]},
    "endpoint-without-tokens": lambda t: {"endpoint": t.world["e2"]},
    "endpoint-unknown": lambda t: {"endpoint": ZERO_UUID},
    "endpoint-not-a-uuid": lambda t: {"endpoint": "not-a-uuid"},
    "provider": lambda t: {"provider": t.world["p2"]},
    "provider-unknown": lambda t: {"provider": 2147483000},
    "provider-not-a-number": lambda t: {"provider": "abc"},
    "session-user": lambda t: {"session__user": t.world["users"]["alice"], "endpoint": t.world["e3"]},
    "session-user-without-tokens": lambda t: {"session__user": t.world["users"]["bob"]},
    "session-user-unknown": lambda t: {"session__user": 2147483000},
    "session-user-not-a-number": lambda t: {"session__user": "alice"},
    "provider-and-endpoint": lambda t: {"provider": t.world["p2"], "endpoint": t.world["e3"]},
    "provider-and-other-providers-endpoint": lambda t: {"provider": t.world["p2"], "endpoint": t.world["e1"]},
    "two-unknown": lambda t: {"provider": 2147483000, "session__user": 2147483000},
    "search": lambda t: {"search": t.w("p2")},
}


@pytest.mark.parametrize("case", list(FILTERS))
def test_list_filter(both, case):
    def scenario(t):
        connection_tokens(t)
        params = FILTERS[case](t)
        params.setdefault("ordering", "pk")
        t.call("GET", "rac/connection_tokens/", params=params, view=items("pk", "provider", "endpoint", "user"))
    both(scenario)


def test_list_item_shape(both):
    def scenario(t):
        connection_tokens(t)
        t.call("GET", "rac/connection_tokens/", params={"endpoint": t.world["e3"], "page_size": 1})
    both(scenario)


def test_no_post(both):
    both(lambda t: t.call("POST", "rac/connection_tokens/", {"provider": t.world["p1"], "endpoint": t.world["e1"]}))


def test_patch_repoints(both):
    def scenario(t):
        token = spare_connection_token(t, "repoint")
        t.call("PATCH", "rac/connection_tokens/%s/" % token, {"endpoint": t.world["e2"]}, view=fields("provider", "endpoint", "user"))
        t.call("PATCH", "rac/connection_tokens/%s/" % token, {"provider": t.world["p2"], "endpoint": t.world["e3"]},
               view=fields("provider", "endpoint", "user"))
        t.call("PATCH", "rac/connection_tokens/%s/" % token, {"endpoint": ZERO_UUID})
        t.call("PATCH", "rac/connection_tokens/%s/" % token, {"provider": 2147483000})
        t.call("PATCH", "rac/connection_tokens/%s/" % token, {"provider": t.world["p1"], "endpoint": t.world["e1"]},
               view=fields("provider", "endpoint", "user"))
    both(scenario)


def test_put_needs_provider_and_endpoint(both):
    def scenario(t):
        token = spare_connection_token(t, "put")
        t.call("PUT", "rac/connection_tokens/%s/" % token, {"endpoint": t.world["e2"]})
        t.call("PUT", "rac/connection_tokens/%s/" % token, {})
        t.call("PUT", "rac/connection_tokens/%s/" % token, {"provider": t.world["p1"], "endpoint": t.world["e2"]},
               view=fields("provider", "endpoint", "user"))
    both(scenario)


def test_delete(both):
    def scenario(t):
        token = spare_connection_token(t, "delete")
        t.call("DELETE", "rac/connection_tokens/%s/" % token)
        t.call("GET", "rac/connection_tokens/%s/" % token)
        t.call("DELETE", "rac/connection_tokens/%s/" % token)
        t.call("PATCH", "rac/connection_tokens/%s/" % token, {"endpoint": t.world["e1"]})
    both(scenario)


def test_unknown_token(both):
    def scenario(t):
        t.call("GET", "rac/connection_tokens/%s/" % ZERO_UUID)
        t.call("PATCH", "rac/connection_tokens/%s/" % ZERO_UUID, {"endpoint": t.world["e1"]})
        t.call("DELETE", "rac/connection_tokens/%s/" % ZERO_UUID)
    both(scenario)


def test_other_users_see_only_their_own(both):
    def scenario(t):
        token = connection_tokens(t)[0]
        t.call("GET", "rac/connection_tokens/", params={"provider": t.world["p2"]}, auth="alice", view=items("pk", "provider", "endpoint"))
        t.call("GET", "rac/connection_tokens/%s/" % token, auth="alice", view=fields("pk", "user"))
        t.call("GET", "rac/connection_tokens/", params={"provider": t.world["p2"]}, auth="bob", view=items("pk"))
        t.call("GET", "rac/connection_tokens/%s/" % token, auth="bob")
        t.call("PATCH", "rac/connection_tokens/%s/" % token, {"endpoint": t.world["e2"]}, auth="bob")
        t.call("DELETE", "rac/connection_tokens/%s/" % token, auth="bob")
    both(scenario)


def test_deleting_a_provider_deletes_its_endpoints_and_connection_tokens(both):
    def scenario(t):
        token = spare_connection_token(t, "provider-cascade")
        pk = t.alias(t.ok("POST", "providers/rac/", {"name": t.name("doomed"), "authorization_flow": t.world["flow"]})["pk"], "doomed")
        endpoint = t.alias(t.ok("POST", "rac/endpoints/", {"name": t.name("doomed-ep"), "provider": pk, "protocol": "ssh",
                                                           "host": "10.0.0.9", "auth_mode": "static"})["pk"], "doomed-ep")
        t.call("PATCH", "rac/connection_tokens/%s/" % token, {"provider": pk, "endpoint": endpoint}, view=fields("provider", "endpoint"))
        t.call("DELETE", "providers/rac/%s/" % pk)
        t.call("GET", "providers/rac/%s/" % pk)
        t.call("GET", "rac/endpoints/%s/" % endpoint)
        t.call("GET", "rac/connection_tokens/%s/" % token)
        t.call("DELETE", "providers/rac/%s/" % pk)
    both(scenario)


def test_deleting_an_endpoint_deletes_its_connection_tokens(both):
    def scenario(t):
        token = spare_connection_token(t, "endpoint-cascade")
        endpoint = t.alias(t.ok("POST", "rac/endpoints/", {"name": t.name("doomed-ep"), "provider": t.world["p2"], "protocol": "rdp",
                                                           "host": "h", "auth_mode": "prompt"})["pk"], "doomed-ep")
        t.call("PATCH", "rac/connection_tokens/%s/" % token, {"provider": t.world["p2"], "endpoint": endpoint},
               view=fields("provider", "endpoint"))
        t.call("DELETE", "rac/endpoints/%s/" % endpoint)
        t.call("GET", "rac/endpoints/%s/" % endpoint)
        t.call("GET", "rac/connection_tokens/%s/" % token)
        t.call("GET", "providers/rac/%s/" % t.world["p2"], view=fields("name"))
    both(scenario)
