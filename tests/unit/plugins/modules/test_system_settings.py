# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""system_settings against the authentik simulator: a read (one GET), a no-op (one GET), an update (GET and one PATCH of
the difference only), each setting, durations compared as durations, flags merged, footer links with and without href,
check mode with zero writes, diff content, the default token lifetime that API tokens then get, the two permissions,
and every bad input (one line naming the option, no write)."""

from __future__ import (absolute_import, division, print_function)
from __future__ import annotations

# boilerplate that ansible-test sanity of ansible-core 2.16 requires in these files
__metaclass__ = type

import datetime

import pytest

from ansible_collections.authentik.api.plugins.module_utils._kinds import Kind

MODULE = "system_settings"
SETTINGS = "/api/v3/admin/settings/"

DEFAULTS = dict(
    avatars="gravatar,initials", default_user_change_name=True, default_user_change_email=False, default_user_change_username=False,
    event_retention="days=365", reputation_lower_limit=-5, reputation_upper_limit=5, footer_links=[], gdpr_compliance=True,
    impersonation=True, impersonation_require_reason=True, default_token_duration="minutes=30", default_token_length=60,
    pagination_default_page_size=20, pagination_max_page_size=100, flags={},
)


def alice_token():
    from ansible_collections.authentik.api.tests.simulator.sim_tokens import ALICE_TOKEN  # pylint: disable=import-outside-toplevel
    return ALICE_TOKEN


def alice_pk():
    from ansible_collections.authentik.api.tests.simulator.sim_directory import ALICE_PK  # pylint: disable=import-outside-toplevel
    return ALICE_PK


# ---------------------------------------------------------------------------------------------------
# Reads, no-ops, updates: request counts
# ---------------------------------------------------------------------------------------------------

def test_the_simulator_starts_with_a_fresh_servers_settings(sim):
    assert sim.get_settings() == DEFAULTS


def test_no_option_only_reads_with_one_request(sim, run_module):
    sim.reset_counts()
    r = run_module(MODULE)
    assert r["changed"] is False, r
    assert r["settings"] == DEFAULTS
    assert sim.requests == [("GET", SETTINGS, "")]


def test_noop_is_one_get(sim, run_module):
    sim.reset_counts()
    r = run_module(MODULE, **dict((k, v) for k, v in DEFAULTS.items()))
    assert r["changed"] is False, r
    assert sim.requests == [("GET", SETTINGS, "")]


def test_update_is_one_get_and_one_patch_of_the_difference(sim, run_module):
    sim.reset_counts()
    r = run_module(MODULE, default_token_duration="days=30", event_retention="days=365", impersonation=False)
    assert r["changed"] is True, r
    assert [q[0] for q in sim.requests] == ["GET", "PATCH"] and sim.writes() == 1
    assert r["settings"]["default_token_duration"] == "days=30" and r["settings"]["impersonation"] is False
    expected = dict(DEFAULTS, default_token_duration="days=30", impersonation=False)
    assert sim.get_settings() == expected
    sim.reset_counts()
    r = run_module(MODULE, default_token_duration="days=30", event_retention="days=365", impersonation=False)
    assert r["changed"] is False and sim.count() == 1 and sim.writes() == 0


def _update_cases():
    return [
        ("default_token_duration", "hours=2", "hours=2"),
        ("default_token_length", 128, 128),
        ("event_retention", "weeks=4", "weeks=4"),
        ("impersonation", False, False),
        ("impersonation_require_reason", False, False),
        ("gdpr_compliance", False, False),
        ("footer_links", [{"name": "Privacy", "href": "https://example.com/privacy"}],
         [{"name": "Privacy", "href": "https://example.com/privacy"}]),
        ("avatars", "attributes.avatar,https://img.example.com/%(mail_hash)s,none", "attributes.avatar,https://img.example.com/%(mail_hash)s,none"),
        ("default_user_change_name", False, False),
        ("default_user_change_email", True, True),
        ("default_user_change_username", True, True),
        ("reputation_lower_limit", -20, -20),
        ("reputation_upper_limit", 0, 0),
        ("pagination_default_page_size", 50, 50),
        ("pagination_max_page_size", 500, 500),
        ("flags", {"flows_refresh_others": True}, {"flows_refresh_others": True}),
    ]


@pytest.mark.parametrize("option, value, stored", _update_cases(), ids=[c[0] for c in _update_cases()])
def test_update_each_setting(sim, run_module, option, value, stored):
    sim.reset_counts()
    r = run_module(MODULE, **{option: value})
    assert r["changed"] is True, r
    assert sim.count() == 2 and sim.writes() == 1
    assert sim.get_settings() == dict(DEFAULTS, **{option: stored})
    sim.reset_counts()
    r = run_module(MODULE, **{option: value})
    assert r["changed"] is False, r
    assert sim.requests == [("GET", SETTINGS, "")]


# ---------------------------------------------------------------------------------------------------
# Durations, flags, footer links
# ---------------------------------------------------------------------------------------------------

def test_kind_duration_compares_durations():
    canon = Kind.canon
    assert canon(Kind.DURATION, "days=30") == canon(Kind.DURATION, "days=30;hours=0")
    assert canon(Kind.DURATION, "days=30") == canon(Kind.DURATION, "hours=720") == canon(Kind.DURATION, "Days=30")
    assert canon(Kind.DURATION, "days=30") != canon(Kind.DURATION, "days=31")


@pytest.mark.parametrize("spelling", ["days=30;hours=0", "hours=720", "weeks=4;days=2", "Days=30", "minutes=43200", " days=30 "])
@pytest.mark.parametrize("option", ["default_token_duration", "event_retention"])
def test_another_spelling_of_the_same_duration_is_no_change(sim, run_module, option, spelling):
    sim.seed_settings(**{option: "days=30"})
    sim.reset_counts()
    r = run_module(MODULE, **{option: spelling})
    assert r["changed"] is False, r
    assert sim.requests == [("GET", SETTINGS, "")]
    assert sim.get_settings()[option] == "days=30"


def test_flags_are_compared_on_the_flags_given_and_sent_merged(sim, run_module):
    r = run_module(MODULE, flags={"flows_refresh_others": True})
    assert r["changed"] is True
    r = run_module(MODULE, flags={"policies_buffered_access_view": False})
    assert r["changed"] is True
    assert sim.get_settings()["flags"] == {"flows_refresh_others": True, "policies_buffered_access_view": False}
    sim.reset_counts()
    r = run_module(MODULE, flags={"flows_refresh_others": True})
    assert r["changed"] is False and sim.count() == 1


def test_footer_link_without_href_is_stored_with_null_and_rerun_is_no_change(sim, run_module):
    links = [{"name": "Help desk, room 101"}, {"name": "Privacy", "href": "https://example.com/privacy"}]
    r = run_module(MODULE, footer_links=links)
    assert r["changed"] is True, r
    assert sim.get_settings()["footer_links"] == [{"name": "Help desk, room 101", "href": None},
                                                  {"name": "Privacy", "href": "https://example.com/privacy"}]
    r = run_module(MODULE, footer_links=links)
    assert r["changed"] is False, r
    r = run_module(MODULE, footer_links=list(reversed(links)))
    assert r["changed"] is True, "the order of the links is what the pages show"
    r = run_module(MODULE, footer_links=[])
    assert r["changed"] is True and sim.get_settings()["footer_links"] == []


# ---------------------------------------------------------------------------------------------------
# Check mode, diff, what tokens get
# ---------------------------------------------------------------------------------------------------

def test_check_mode_writes_nothing_and_predicts(sim, run_module):
    sim.reset_counts()
    r = run_module(MODULE, check_mode=True, diff=True, default_token_duration="days=30", gdpr_compliance=False)
    assert r["changed"] is True, r
    assert sim.writes() == 0 and sim.count() == 1
    assert r["settings"]["default_token_duration"] == "days=30" and r["settings"]["gdpr_compliance"] is False
    assert r["diff"]["before"]["default_token_duration"] == "minutes=30"
    assert r["diff"]["after"]["default_token_duration"] == "days=30"
    assert sim.get_settings() == DEFAULTS


def test_diff_shows_the_writable_settings(sim, run_module):
    r = run_module(MODULE, diff=True, event_retention="days=90")
    assert r["diff"]["before"] == DEFAULTS
    assert r["diff"]["after"] == dict(DEFAULTS, event_retention="days=90")


def test_api_tokens_then_live_for_the_new_default(sim, run_module):
    r = run_module(MODULE, default_token_duration="days=30")
    assert r["changed"] is True
    r = run_module("core_token", identifier="month-token", intent="api")
    assert r["changed"] is True, r
    expires = datetime.datetime.strptime(r["token"]["expires"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc)
    left = expires - datetime.datetime.now(datetime.timezone.utc)
    assert datetime.timedelta(days=29, hours=23) < left <= datetime.timedelta(days=30)


def test_reset_restores_the_default_token_lifetime(simulator):
    simulator.seed_settings(default_token_duration="days=2")
    assert simulator.api_token_lifetime == datetime.timedelta(days=2)
    simulator.reset()
    assert simulator.api_token_lifetime == datetime.timedelta(minutes=30)
    assert simulator.get_settings()["default_token_duration"] == "minutes=30"


# ---------------------------------------------------------------------------------------------------
# Permissions
# ---------------------------------------------------------------------------------------------------

def test_without_view_permission_the_read_is_refused(sim, run_module, failed_cleanly):
    sim.reset_counts()
    r = run_module(MODULE, token=alice_token(), impersonation=False)
    failed_cleanly(r, "HTTP 403")
    assert sim.writes() == 0 and sim.get_settings() == DEFAULTS


def test_view_permission_reads_and_edit_permission_changes(sim, run_module, failed_cleanly):
    sim.grant_permissions(alice_pk(), ["authentik_rbac.view_system_settings"])
    r = run_module(MODULE, token=alice_token(), impersonation=True)
    assert r["changed"] is False, r
    r = run_module(MODULE, token=alice_token(), impersonation=False, check_mode=True)
    assert r["changed"] is True, r
    sim.reset_counts()
    r = run_module(MODULE, token=alice_token(), impersonation=False)
    failed_cleanly(r, "HTTP 403")
    assert sim.get_settings() == DEFAULTS
    sim.grant_permissions(alice_pk(), ["authentik_rbac.edit_system_settings"])
    r = run_module(MODULE, token=alice_token(), impersonation=False)
    assert r["changed"] is True, r
    assert sim.get_settings()["impersonation"] is False


def test_wrong_api_token(run_module, failed_cleanly):
    r = run_module(MODULE, token="not-a-real-token", impersonation=False)
    failed_cleanly(r, "403")


# ---------------------------------------------------------------------------------------------------
# Bad input: one clear line, naming the option and the value, and no write
# ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("params, fragment", [
    (dict(default_token_duration="30 days"), "default_token_duration: '30 days' is not a duration"),
    (dict(default_token_duration="months=1"), "default_token_duration: 'months=1' is not a duration"),
    (dict(default_token_duration="days=30;"), "default_token_duration: 'days=30;' is not a duration"),
    (dict(default_token_duration=""), "default_token_duration: '' is not a duration"),
    (dict(default_token_duration="days=0"), "default_token_duration: 'days=0' is not longer than zero"),
    (dict(default_token_duration="days=-1"), "default_token_duration: 'days=-1' is not longer than zero"),
    (dict(event_retention="1 year"), "event_retention: '1 year' is not a duration"),
    (dict(event_retention="days=x"), "event_retention: 'days=x' is not a duration"),
    (dict(event_retention="seconds=0"), "event_retention: 'seconds=0' is not longer than zero"),
    (dict(default_token_length=-5), "default_token_length: -5 is not 1 or more"),
    (dict(default_token_length=0), "default_token_length: 0 is not 1 or more"),
    (dict(default_token_length="many"), "default_token_length"),
    (dict(pagination_default_page_size=0), "pagination_default_page_size: 0 is not 1 or more (0 turns pagination off"),
    (dict(pagination_max_page_size=-1), "pagination_max_page_size: -1 is not 1 or more"),
    (dict(pagination_max_page_size=2147483648), "pagination_max_page_size: 2147483648 is not 2147483647 or less"),
    (dict(reputation_lower_limit=3), "reputation_lower_limit: 3 is not 0 or less"),
    (dict(reputation_upper_limit=-3), "reputation_upper_limit: -3 is not 0 or more"),
    (dict(reputation_lower_limit=-2147483649), "reputation_lower_limit: -2147483649 is not -2147483648 or more"),
    (dict(avatars="bogus"), "avatars: 'bogus' has the mode 'bogus', which authentik does not know"),
    (dict(avatars="gravatar, initials"), "avatars: 'gravatar, initials' has the mode ' initials'"),
    (dict(avatars="gravatar,,initials"), "avatars: 'gravatar,,initials' has the mode ''"),
    (dict(avatars="attributes."), "avatars: 'attributes.' has the mode 'attributes.'"),
    (dict(avatars=""), "avatars: '' has the mode ''"),
    (dict(footer_links="https://example.com"), "footer_links: ['https://example.com'] item 1 ('https://example.com') is not a link"),
    (dict(footer_links=[{"name": "a", "url": "https://a"}]), "footer_links: [{'name': 'a', 'url': 'https://a', 'href': None}] item 1 has the key(s) url"),
    (dict(footer_links=[{"href": "https://a"}]), "item 1 has no name"),
    (dict(footer_links=[{"name": "ok"}, {"name": " "}]), "footer_links: ") ,
    (dict(footer_links=[{"name": "a", "href": ["x"]}]), "item 1 has an href that is not a string"),
    (dict(flags={"flows_refresh_other": True}), "flags: {'flows_refresh_other': True} names the flag 'flows_refresh_other'"),
    (dict(flags={"flows_refresh_others": "yes"}), "flags: {'flows_refresh_others': 'yes'} gives flag 'flows_refresh_others' the value 'yes'"),
    (dict(flags="on"), "flags"),
    (dict(impersonation="maybe"), "impersonation"),
    (dict(gdpr_compliance="sometimes"), "gdpr_compliance"),
    (dict(state="absent"), "Unsupported parameters"),
])
def test_bad_input_is_one_line_and_writes_nothing(sim, run_module, failed_cleanly, params, fragment):
    sim.reset_counts()
    r = run_module(MODULE, impersonation=False, **params) if "impersonation" not in params else run_module(MODULE, **params)
    failed_cleanly(r, fragment)
    option = [name for name in params if name != "state"]
    assert not option or option[0] in r["msg"], r["msg"]
    assert sim.writes() == 0
    assert sim.count() == 0, "checked before any request"
    assert sim.get_settings() == DEFAULTS


def test_bad_input_beside_a_good_change_changes_nothing(sim, run_module):
    r = run_module(MODULE, default_token_duration="days=30", avatars="gravatar;initials")
    assert r["failed"] is True, r
    assert sim.writes() == 0 and sim.get_settings() == DEFAULTS
