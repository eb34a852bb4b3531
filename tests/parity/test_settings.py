# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Parity: the system settings (``/admin/settings/``): what a fresh server has, the 400s of bad values (which change
nothing), changes that are written back at once (the real server is shared: every scenario restores what it
changed, also when it fails), PUT's required ``flags``, the methods refused, and the two permissions
(``view_system_settings`` to read, ``edit_system_settings`` for everything else, checked before the 405)."""

from __future__ import annotations

import pytest

from parity_harness import fields

# pylint: disable=missing-function-docstring

PATH = "admin/settings/"
#: the settings a fresh authentik 2025.12.4 has (the simulator's seed); default_token_duration is minutes=30 there
FRESH = dict(
    avatars="gravatar,initials", default_user_change_name=True, default_user_change_email=False, default_user_change_username=False,
    event_retention="days=365", reputation_lower_limit=-5, reputation_upper_limit=5, footer_links=[], gdpr_compliance=True,
    impersonation=True, impersonation_require_reason=True, default_token_duration="minutes=30", default_token_length=60,
    pagination_default_page_size=20, pagination_max_page_size=100, flags={},
)


def restoring(scenario):
    """The scenario, then every setting written back as it was before (a PATCH of the whole object)."""
    def run(t):
        before = t.ok("GET", PATH)
        try:
            scenario(t)
        finally:
            t.ok("PATCH", PATH, before)
            after = t.ok("GET", PATH)
            assert after == before, "the settings were not restored: %r" % after
    return run


def test_settings_of_a_fresh_server(both):
    def scenario(t):
        reply = t.call("GET", PATH)
        assert reply.data == FRESH, "the real server's settings were changed by someone: %r" % reply.data
    both(scenario)


# Each is answered 400 and changes nothing. Only values of the right JSON type: a client that follows the schema sends
# no others (the simulator treats them as contract violations).
BAD = [
    {"event_retention": "30 days"},
    {"event_retention": "hours=1;"},
    {"event_retention": "fortnights=1"},
    {"event_retention": "hours=x"},
    {"event_retention": ""},
    {"default_token_duration": "months=1"},
    {"default_token_duration": "1 month"},
    {"default_token_length": 0},
    {"default_token_length": -1},
    {"pagination_default_page_size": -1},
    {"pagination_max_page_size": -5},
    {"reputation_lower_limit": 1},
    {"reputation_upper_limit": -1},
    {"reputation_lower_limit": -2147483649},
    {"avatars": ""},
    {"flags": {"flows_refresh_others": "yes"}},
    {"flags": {"policies_buffered_access_view": 1}},
    {"footer_links": None},
    {"impersonation": None},
    {"event_retention": "days=30", "default_token_length": 0},
]


@pytest.mark.parametrize("body", BAD, ids=[",".join("%s=%r" % kv for kv in sorted(b.items())) for b in BAD])
def test_bad_values_are_refused(both, body):
    def scenario(t):
        t.call("PATCH", PATH, body)
        t.call("GET", PATH, view=fields(*sorted(body)))
    both(restoring(scenario))


def test_durations_are_stored_as_given_trimmed(both):
    def scenario(t):
        t.call("PATCH", PATH, {"event_retention": " days=365;hours=0 "}, view=fields("event_retention"))
        t.call("PATCH", PATH, {"event_retention": "foo=1;days=300"}, view=fields("event_retention"))  # an unknown unit is skipped
        t.call("PATCH", PATH, {"event_retention": "days=365"}, view=fields("event_retention"))
    both(restoring(scenario))


def test_flags_are_replaced_as_a_whole(both):
    def scenario(t):
        t.call("PATCH", PATH, {"flags": {"flows_refresh_others": True}}, view=fields("flags"))
        t.call("PATCH", PATH, {"flags": {"policies_buffered_access_view": False}}, view=fields("flags"))
        t.call("PATCH", PATH, {"flags": {"flows_refresh_others": None, "parity_unknown_flag": 1}}, view=fields("flags"))
        t.call("PATCH", PATH, {"flags": {}}, view=fields("flags"))
    both(restoring(scenario))


def test_footer_links_and_avatars_take_any_value(both):
    """authentik stores what it is given: the module is the one that refuses links without a name and unknown modes."""
    def scenario(t):
        t.call("PATCH", PATH, {"footer_links": [{"name": "Privacy", "href": "https://example.com"}, {"name": "Text", "href": None}]},
               view=fields("footer_links"))
        t.call("PATCH", PATH, {"footer_links": [{"url": "x"}]}, view=fields("footer_links"))
        t.call("PATCH", PATH, {"footer_links": "not a list"}, view=fields("footer_links"))
        t.call("PATCH", PATH, {"avatars": "bogus, gravatar"}, view=fields("avatars"))
        t.call("PATCH", PATH, {"footer_links": [], "avatars": "gravatar,initials"}, view=fields("footer_links", "avatars"))
    both(restoring(scenario))


def test_put_requires_flags(both):
    def scenario(t):
        t.call("PUT", PATH, {"avatars": "gravatar,initials"})
        t.call("PUT", PATH, {"flags": None})
    both(restoring(scenario))


@pytest.mark.parametrize("method", ["DELETE", "POST"])
def test_other_methods_are_refused(both, method):
    both(restoring(lambda t: t.call(method, PATH, {})))


def _user_with(t, suffix, permissions):
    """A new user with an API token (its key the caller ``suffix``) holding the global ``permissions``."""
    user = t.ok("POST", "core/users/", {"username": t.name(suffix), "name": "settings parity"})["pk"]
    t.alias(user, "user:" + suffix)
    identifier = t.name(suffix + "-api")
    t.ok("POST", "core/tokens/", {"identifier": identifier, "user": user, "intent": "api", "expiring": False})
    t.keys[suffix] = t.ok("GET", "core/tokens/%s/view_key/" % identifier)["key"]
    if permissions:
        t.grant_permissions(user, permissions, t.name(suffix))
    return user


@pytest.mark.parametrize("permissions", [
    [],
    ["authentik_rbac.view_system_settings"],
    ["authentik_rbac.edit_system_settings"],
    ["authentik_rbac.view_system_settings", "authentik_rbac.edit_system_settings"],
], ids=["none", "view", "edit", "view-and-edit"])
def test_permissions(both, permissions):
    def scenario(t):
        _user_with(t, "sset", permissions)
        t.call("GET", PATH, auth="sset", view=fields("event_retention"))
        t.call("PATCH", PATH, {"event_retention": "days=365"}, auth="sset", view=fields("event_retention"))
        t.call("PATCH", PATH, {"default_token_length": 0}, auth="sset")  # 403 before the 400 without the permission
        t.call("PUT", PATH, {}, auth="sset")
        t.call("DELETE", PATH, auth="sset")
    both(restoring(scenario))


def test_alice_without_permissions(both):
    def scenario(t):
        t.call("GET", PATH, auth="alice")
        t.call("PATCH", PATH, {"event_retention": "days=365"}, auth="alice")
    both(scenario)
