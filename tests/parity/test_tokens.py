# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Parity: ``/core/tokens/`` as authentik.api.core_token uses it: create, read, PATCH/PUT (and the trap: a
missing ``user`` becomes the caller, a missing ``intent`` becomes ``api``), the ``expires`` rewrite of API
tokens, app-password lifetime limits, ``view_key``/``set_key``, delete, the list filters, and the 400s."""

from __future__ import annotations

import datetime

import pytest

from parity_harness import fields, items, iso

# pylint: disable=missing-function-docstring

TOKEN_FIELDS = ("identifier", "intent", "user", "description", "expires", "expiring", "managed")


def make(t, suffix, **body):
    """A token of this run; its identifier."""
    body.setdefault("intent", "app_password")
    body["identifier"] = t.name(suffix)
    t.ok("POST", "core/tokens/", body)
    return body["identifier"]


def test_create_api_token(both):
    def scenario(t):
        t.call("POST", "core/tokens/", {"identifier": t.name("api"), "intent": "api", "description": "d"})
        t.call("GET", "core/tokens/%s/" % t.name("api"))
    both(scenario)


def test_create_api_token_expires_is_rewritten(both):
    def scenario(t):
        t.call("POST", "core/tokens/", {"identifier": t.name("api-exp"), "intent": "api", "expires": "2030-01-01T00:00:00Z",
                                        "expiring": False}, view=fields(*TOKEN_FIELDS))
    both(scenario)


def test_update_api_token_expires_is_rewritten(both):
    def scenario(t):
        identifier = make(t, "api-upd", intent="api", expiring=False)
        t.call("PATCH", "core/tokens/%s/" % identifier, {"expires": "2030-01-01T00:00:00Z", "intent": "api",
                                                         "user": t.world["users"]["akadmin"]}, view=fields(*TOKEN_FIELDS))
    both(scenario)


def test_create_defaults(both):
    def scenario(t):
        t.call("POST", "core/tokens/", {"identifier": t.name("defaults")}, view=fields(*TOKEN_FIELDS))
    both(scenario)


def test_create_for_another_user(both):
    def scenario(t):
        t.call("POST", "core/tokens/", {"identifier": t.name("for-bob"), "intent": "app_password", "user": t.world["users"]["bob"],
                                        "expires": iso(datetime.timedelta(minutes=10))}, view=fields(*TOKEN_FIELDS))
    both(scenario)


@pytest.mark.parametrize("minutes", [29, 31, 600])
def test_app_password_lifetime(both, minutes):
    def scenario(t):
        t.call("POST", "core/tokens/", {"identifier": t.name("app-%d" % minutes), "intent": "app_password",
                                        "expires": iso(datetime.timedelta(minutes=minutes))}, view=fields(*TOKEN_FIELDS))
    both(scenario)


def test_app_password_lifetime_on_update(both):
    def scenario(t):
        identifier = make(t, "app-upd")
        admin = t.world["users"]["akadmin"]
        t.call("PATCH", "core/tokens/%s/" % identifier, {"expires": iso(datetime.timedelta(hours=5)), "intent": "app_password",
                                                         "user": admin})
        t.call("PATCH", "core/tokens/%s/" % identifier, {"expires": iso(datetime.timedelta(minutes=5)), "intent": "app_password",
                                                         "user": admin}, view=fields(*TOKEN_FIELDS))
    both(scenario)


@pytest.mark.parametrize("body", [
    {},
    {"identifier": "bad identifier!"},
    {"identifier": "x" * 256},
    {"identifier": ""},
    {"identifier": "PARITY", "intent": "verification"},
    {"identifier": "PARITY", "intent": "recovery"},
    {"identifier": "PARITY", "intent": "bogus"},
    {"identifier": "PARITY", "user": 2147483000},
    {"identifier": "PARITY", "expires": "not a date"},
], ids=["missing-identifier", "bad-slug", "too-long", "blank", "intent-verification", "intent-recovery", "intent-bogus",
        "unknown-user", "bad-expires"])
def test_create_refused(both, body):
    def scenario(t):
        sent = dict((k, t.name("refused") if v == "PARITY" else v) for k, v in body.items())
        t.call("POST", "core/tokens/", sent)
    both(scenario)


def test_duplicate_identifier(both):
    def scenario(t):
        identifier = make(t, "dup")
        t.call("POST", "core/tokens/", {"identifier": identifier, "intent": "app_password"})
        other = make(t, "dup-other")
        t.call("PATCH", "core/tokens/%s/" % other, {"identifier": identifier, "intent": "app_password",
                                                    "user": t.world["users"]["akadmin"]})
    both(scenario)


def test_key_in_body_is_ignored(both):
    def scenario(t):
        identifier = t.name("with-key")
        t.call("POST", "core/tokens/", {"identifier": identifier, "intent": "app_password", "key": "parity-chosen-key-123"},
               view=fields(*TOKEN_FIELDS))
        key = t.ok("GET", "core/tokens/%s/view_key/" % identifier)["key"]
        t.record("key was ignored", None, key != "parity-chosen-key-123")
    both(scenario)


def test_patch_trap_missing_user_and_intent(both):
    """PATCH without user/intent: the caller (admin) becomes the owner and the intent becomes api."""
    def scenario(t):
        identifier = make(t, "trap", user=t.world["users"]["bob"])
        t.call("PATCH", "core/tokens/%s/" % identifier, {"description": "d2"}, view=fields(*TOKEN_FIELDS))
    both(scenario)


def test_patch_with_user_and_intent_echoed(both):
    def scenario(t):
        identifier = make(t, "echo", user=t.world["users"]["bob"])
        t.call("PATCH", "core/tokens/%s/" % identifier, {"description": "d2", "user": t.world["users"]["bob"], "intent": "app_password"},
               view=fields(*TOKEN_FIELDS))
    both(scenario)


def test_put_trap_missing_user_and_intent(both):
    def scenario(t):
        identifier = make(t, "put-trap", user=t.world["users"]["bob"])
        t.call("PUT", "core/tokens/%s/" % identifier, {"identifier": identifier, "description": "put"}, view=fields(*TOKEN_FIELDS))
    both(scenario)


def test_put_needs_identifier(both):
    def scenario(t):
        identifier = make(t, "put-noid")
        t.call("PUT", "core/tokens/%s/" % identifier, {"description": "put", "intent": "app_password"})
    both(scenario)


def test_user_cannot_be_changed(both):
    def scenario(t):
        identifier = make(t, "chown", user=t.world["users"]["bob"])
        t.call("PATCH", "core/tokens/%s/" % identifier, {"user": t.world["users"]["alice"], "intent": "app_password"})
    both(scenario)


def test_rename_identifier(both):
    def scenario(t):
        identifier = make(t, "rename-a")
        t.call("PATCH", "core/tokens/%s/" % identifier, {"identifier": t.name("rename-b"), "intent": "app_password",
                                                         "user": t.world["users"]["akadmin"]}, view=fields(*TOKEN_FIELDS))
        t.call("GET", "core/tokens/%s/" % identifier)
        t.call("DELETE", "core/tokens/%s/" % t.name("rename-b"))
    both(scenario)


def test_delete(both):
    def scenario(t):
        identifier = make(t, "delete")
        t.call("DELETE", "core/tokens/%s/" % identifier)
        t.call("GET", "core/tokens/%s/" % identifier)
        t.call("DELETE", "core/tokens/%s/" % identifier)
        t.call("GET", "core/tokens/", params={"identifier": identifier})
    both(scenario)


def test_view_key_and_set_key(both):
    def scenario(t):
        identifier = make(t, "keys")
        t.call("GET", "core/tokens/%s/view_key/" % identifier, view=lambda d: {"keys": sorted(d), "length": len(d["key"])})
        t.call("POST", "core/tokens/%s/set_key/" % identifier, {"key": "parity-set-key-0123456789"})
        t.call("GET", "core/tokens/%s/view_key/" % identifier)
    both(scenario)


@pytest.mark.parametrize("body", [{}, {"key": ""}], ids=["missing", "blank"])
def test_set_key_without_key(both, body):
    def scenario(t):
        identifier = make(t, "nokey")
        t.call("POST", "core/tokens/%s/set_key/" % identifier, body)
    both(scenario)


@pytest.mark.parametrize("body", [{"key": "abc"}, {}], ids=["key", "no-key"])
def test_set_key_unknown_token(both, body):
    """The body is checked before the token is looked up (authentik's permission_required, then validate)."""
    both(lambda t: t.call("POST", "core/tokens/%s/set_key/" % t.name("no-such"), body))


FILTERS = {
    "identifier": lambda t: {"identifier": t.w("f-app")},
    "identifier-is-exact": lambda t: {"identifier": t.w("f-ap")},
    "intent-app-password": lambda t: {"intent": "app_password"},
    "intent-api": lambda t: {"intent": "api"},
    "intent-invalid": lambda t: {"intent": "bogus"},
    "user-username": lambda t: {"user__username": t.world["usernames"]["bob"]},
    "user-username-unknown": lambda t: {"user__username": t.w("nobody")},
    "managed-unknown": lambda t: {"managed": t.w("not-managed")},
    "expiring-false": lambda t: {"expiring": "false"},
    "expiring-invalid": lambda t: {"expiring": "maybe"},
    "search": lambda t: {"search": t.w("f-api")},
}


@pytest.mark.parametrize("case", list(FILTERS))
def test_list_filter(both, case):
    """On the world's tokens f-app (bob's app password) and f-api (admin's API token), description "filters"."""
    def scenario(t):
        params = FILTERS[case](t)
        params.setdefault("description", t.w("filters"))
        t.call("GET", "core/tokens/", params=params, view=items("identifier", "intent", "user", "expiring"))
    both(scenario)


def test_description_filter_is_exact(both):
    def scenario(t):
        make(t, "desc", description=t.name("exact description"))
        t.call("GET", "core/tokens/", params={"description": t.name("exact")}, view=items("identifier"))
        t.call("GET", "core/tokens/", params={"description": t.name("exact description")}, view=items("identifier"))
    both(scenario)


@pytest.mark.parametrize("body", [{"expiring": False}, {"expiring": False, "expires": None}, {"expires": None}],
                         ids=["not-expiring", "not-expiring-null", "null"])
def test_app_password_without_expires(both, body):
    """An expiring token without ``expires`` gets the default lifetime (authentik's pre_save signal), one that does not
    expire keeps none, also when a change makes it expiring."""
    def scenario(t):
        identifier = t.name("no-expires")
        t.call("POST", "core/tokens/", dict(body, identifier=identifier, intent="app_password"), view=fields(*TOKEN_FIELDS))
        t.call("PATCH", "core/tokens/%s/" % identifier, {"expires": None, "intent": "app_password", "user": t.world["users"]["akadmin"]},
               view=fields(*TOKEN_FIELDS))
        t.call("PATCH", "core/tokens/%s/" % identifier, {"expiring": True, "intent": "app_password", "user": t.world["users"]["akadmin"]},
               view=fields(*TOKEN_FIELDS))
    both(scenario)
