# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Parity: ``/providers/rac/`` as authentik.api.rac_provider uses it: create with defaults, the 400s (required
fields, a flow slug instead of its UUID, names unique across provider types), ``name__iexact`` against the
ignored ``name``, the ``connection_expiry`` strings authentik accepts and refuses, and update (delete: see
test_rac_connection_tokens.py)."""

from __future__ import annotations

import pytest

from parity_harness import fields, items
from parity_world import IMPLICIT, RDP_DEFAULT, RDP_HIFI, SSH_DEFAULT

# pylint: disable=missing-function-docstring

PROVIDER_FIELDS = ("name", "authorization_flow", "authentication_flow", "property_mappings", "settings", "connection_expiry",
                   "delete_token_on_disconnect")


def make(t, suffix, **body):
    body["name"] = t.name(suffix)
    body.setdefault("authorization_flow", t.world["flow"])
    pk = t.ok("POST", "providers/rac/", body)["pk"]
    return t.alias(pk, suffix)


def test_create_with_defaults(both):
    def scenario(t):
        reply = t.call("POST", "providers/rac/", {"name": t.name("defaults"), "authorization_flow": t.world["flow"]})
        t.alias(reply.data["pk"], "defaults")
        t.call("GET", "providers/rac/%s/" % reply.data["pk"])
    both(scenario)


def test_create_with_everything(both):
    def scenario(t):
        mappings = [t.world["mappings"][m] for m in (SSH_DEFAULT, RDP_DEFAULT, RDP_HIFI)]
        reply = t.call("POST", "providers/rac/", {
            "name": t.name("full"), "authorization_flow": t.world["flow"], "authentication_flow": t.world["flow"],
            "property_mappings": mappings + mappings[:1], "settings": {"resize-method": "display-update", "nested": {"a": [1, 2]}},
            "connection_expiry": "hours=1;minutes=30", "delete_token_on_disconnect": True}, view=fields(*PROVIDER_FIELDS))
        t.alias(reply.data["pk"], "full")
    both(scenario)


@pytest.mark.parametrize("body", [
    {},
    {"name": "PARITY"},
    {"name": "PARITY", "authorization_flow": IMPLICIT},
    {"name": "PARITY", "authorization_flow": "00000000-0000-4000-8000-000000000000"},
    {"name": "PARITY", "authorization_flow": None},
    {"name": "", "authorization_flow": "FLOW"},
    {"name": "PARITY", "authorization_flow": "FLOW", "property_mappings": ["00000000-0000-4000-8000-000000000000"]},
    {"name": "PARITY", "authorization_flow": "FLOW", "property_mappings": ["not-a-uuid"]},
    {"name": "PARITY", "authorization_flow": "FLOW", "authentication_flow": "not-a-uuid"},
    {"name": "PARITY", "authorization_flow": "FLOW", "connection_expiry": "hours=1;"},
], ids=["empty", "no-flow", "flow-slug", "flow-unknown", "flow-null", "blank-name", "mapping-unknown", "mapping-not-uuid",
        "authentication-flow-not-uuid", "connection-expiry"])
def test_create_refused(both, body):
    def scenario(t):
        sent = dict(body)
        if sent.get("name") == "PARITY":
            sent["name"] = t.name("refused")
        if sent.get("authorization_flow") == "FLOW":
            sent["authorization_flow"] = t.world["flow"]
        t.call("POST", "providers/rac/", sent)
    both(scenario)


def test_name_is_stripped(both):
    def scenario(t):
        reply = t.call("POST", "providers/rac/", {"name": "  %s  " % t.name("spaces"), "authorization_flow": t.world["flow"]},
                       view=fields("name"))
        t.alias(reply.data.get("pk", 0), "spaces")
    both(scenario)


def test_duplicate_name(both):
    def scenario(t):
        make(t, "dup")
        t.call("POST", "providers/rac/", {"name": t.name("dup"), "authorization_flow": t.world["flow"]})
        t.call("POST", "providers/rac/", {"name": t.name("DUP"), "authorization_flow": t.world["flow"]}, view=fields("name"))
        other = make(t, "dup-other")
        t.call("PATCH", "providers/rac/%s/" % other, {"name": t.name("dup")})
    both(scenario)


def test_name_unique_across_provider_types(both):
    def scenario(t):
        t.make_foreign_provider(t.name("proxy"))
        t.call("POST", "providers/rac/", {"name": t.name("proxy"), "authorization_flow": t.world["flow"]})
        t.call("GET", "providers/rac/", params={"name__iexact": t.name("proxy")}, view=items("name"))
    both(scenario)


@pytest.mark.parametrize("case", ["exact", "other-case", "partial", "unknown"])
def test_name_iexact_filter(both, case):
    def scenario(t):
        value = {"exact": t.w("p1"), "other-case": t.w("p1").upper(), "partial": t.w("p"), "unknown": t.w("nope")}[case]
        t.call("GET", "providers/rac/", params={"name__iexact": value}, view=items("pk", "name"))
    both(scenario)


def test_name_is_not_a_filter(both):
    def scenario(t):
        everything = t.ok("GET", "providers/rac/", params={"page_size": 1})["pagination"]["count"]
        named = t.ok("GET", "providers/rac/", params={"page_size": 1, "name": t.w("p1")})["pagination"]["count"]
        t.record("?name= returns every provider", None, {"same count": named == everything, "more than one": named > 1})
    both(scenario)


EXPIRY = ["hours=8", "hours=1;minutes=30", "minutes=90", "days=1.5", "HOURS=2", "seconds=30", "weeks=1;days=-1",
          "hours=1; minutes=30", "hours=1;", " hours=1", "fortnights=1", "", "hours=abc", "hours", "hours=1=2", "hours=1;;minutes=2"]


@pytest.mark.parametrize("expiry", EXPIRY, ids=[repr(e) for e in EXPIRY])
def test_connection_expiry(both, expiry):
    """Set on the world's provider p2 (the same validation as on create: see test_create_refused)."""
    both(lambda t: t.call("PATCH", "providers/rac/%s/" % t.world["p2"], {"connection_expiry": expiry}, view=fields("connection_expiry")))


def test_patch_and_put(both):
    def scenario(t):
        pk = make(t, "upd", settings={"a": "1"})
        t.call("PATCH", "providers/rac/%s/" % pk, {"settings": {"b": "2"}, "property_mappings": [t.world["mappings"][RDP_DEFAULT]]},
               view=fields(*PROVIDER_FIELDS))
        t.call("PATCH", "providers/rac/%s/" % pk, {"authentication_flow": None, "delete_token_on_disconnect": True},
               view=fields(*PROVIDER_FIELDS))
        t.call("PUT", "providers/rac/%s/" % pk, {"name": t.name("upd")})
        t.call("PUT", "providers/rac/%s/" % pk, {"name": t.name("upd-put"), "authorization_flow": t.world["flow"]},
               view=fields(*PROVIDER_FIELDS))
        t.call("PATCH", "providers/rac/%s/" % pk, {"authorization_flow": IMPLICIT})
    both(scenario)
