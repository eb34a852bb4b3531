# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""core_token against the authentik simulator: create, no-op, update of each field, the PATCH trap,
check mode with zero writes, diff content, key set/compare/return, delete, and every bad input."""

from __future__ import (absolute_import, division, print_function)
from __future__ import annotations

# boilerplate that ansible-test sanity of ansible-core 2.16 requires in these files
__metaclass__ = type

import datetime

import pytest
import requests

ADMIN_TOKEN = "sim-admin-token"
ALICE = 6
BOB = 7
ADMIN = 3


def api(sim, method, path, **kwargs):
    resp = requests.request(method, sim.url + "/api/v3/" + path, headers={"Authorization": "Bearer " + ADMIN_TOKEN},
                            timeout=10, **kwargs)
    return resp


def token(sim, identifier):
    resp = api(sim, "GET", "core/tokens/%s/" % identifier)
    return resp.json() if resp.status_code == 200 else None


def key_of(sim, identifier):
    return api(sim, "GET", "core/tokens/%s/view_key/" % identifier).json()["key"]


def in_minutes(minutes):
    return (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(minutes=minutes)).replace(microsecond=0)


def test_create_then_noop(sim, run_module):
    r = run_module("core_token", identifier="ci-deploy", expiring=False, description="CI")
    assert r["changed"] is True, r
    created = token(sim, "ci-deploy")
    assert created["intent"] == "api" and created["user"] == ADMIN and created["expiring"] is False
    assert r["token"]["identifier"] == "ci-deploy"
    assert "key" not in r["token"] and "key" not in r
    sim.reset_counts()
    r = run_module("core_token", identifier="ci-deploy", expiring=False, description="CI")
    assert r["changed"] is False
    assert sim.count() == 1, "a no-op costs exactly one request"
    assert sim.writes() == 0


def test_create_for_another_user_by_name_and_pk(sim, run_module):
    r = run_module("core_token", identifier="alice-pw", user="alice", intent="app_password")
    assert r["changed"] is True
    assert token(sim, "alice-pw")["user"] == ALICE
    sim.reset_counts()
    r = run_module("core_token", identifier="alice-pw", user=str(ALICE), intent="app_password")
    assert r["changed"] is False
    assert sim.count() == 1
    sim.reset_counts()
    r = run_module("core_token", identifier="alice-pw", user="alice")
    assert r["changed"] is False
    assert sim.count() == 2, "a username reference costs one more request"


@pytest.mark.parametrize("option, value, field, expected", [
    ("description", "new text", "description", "new text"),
    ("expiring", False, "expiring", False),
    ("intent", "app_password", "intent", "app_password"),
])
def test_update_each_field(sim, run_module, option, value, field, expected):
    sim.seed_token("upd", user=ALICE, intent="api", description="old", expiring=True)
    r = run_module("core_token", identifier="upd", **{option: value})
    assert r["changed"] is True, r
    after = token(sim, "upd")
    assert after[field] == expected
    assert after["user"] == ALICE, "the owner must survive any update"
    r = run_module("core_token", identifier="upd", **{option: value})
    assert r["changed"] is False


def test_update_expires_of_an_app_password_compares_instants(sim, run_module):
    sim.seed_token("pw", user=ALICE, intent="app_password", expiring=True)
    when = in_minutes(20)
    r = run_module("core_token", identifier="pw", expires=when.strftime("%Y-%m-%dT%H:%M:%SZ"))
    assert r["changed"] is True, r
    assert token(sim, "pw")["intent"] == "app_password"
    other_spelling = when.astimezone(datetime.timezone(datetime.timedelta(hours=2))).isoformat()
    r = run_module("core_token", identifier="pw", expires=other_spelling)
    assert r["changed"] is False, r


def test_patch_trap_description_only_keeps_owner_and_intent(sim, run_module):
    """authentik resets a missing user to the caller and a missing intent to api on PATCH."""
    sim.seed_token("alice-app", user=ALICE, intent="app_password", description="d1")
    r = run_module("core_token", identifier="alice-app", description="d2")
    assert r["changed"] is True
    after = token(sim, "alice-app")
    assert (after["description"], after["intent"], after["user"]) == ("d2", "app_password", ALICE)
    patch = [q for q in sim.requests if q[0] == "PATCH"]
    assert len(patch) == 1


def test_owner_change_is_refused_without_write(sim, run_module):
    sim.seed_token("alice-tok", user=ALICE, intent="api")
    sim.reset_counts()
    r = run_module("core_token", identifier="alice-tok", user="bob", description="x")
    assert r["failed"] is True
    assert r["msg"].startswith("user: token 'alice-tok' belongs to user 6; refusing to give it to user 7")
    assert sim.writes() == 0
    assert token(sim, "alice-tok")["user"] == ALICE


def test_check_mode_writes_nothing(sim, run_module):
    sim.seed_token("existing", user=ALICE, intent="api", description="d")
    sim.reset_counts()
    r = run_module("core_token", check_mode=True, diff=True, identifier="brand-new", description="x", key="k-123456")
    assert r["changed"] is True
    assert r["token"]["identifier"] == "brand-new"
    r2 = run_module("core_token", check_mode=True, identifier="existing", description="changed", key="another-key")
    assert r2["changed"] is True and r2["token"]["description"] == "changed"
    r3 = run_module("core_token", check_mode=True, identifier="existing", state="absent")
    assert r3["changed"] is True
    assert sim.writes() == 0
    assert token(sim, "brand-new") is None
    assert token(sim, "existing")["description"] == "d"


def test_diff_shows_before_after_and_masks_the_key(sim, run_module):
    sim.seed_token("difftok", user=ALICE, intent="api", description="before", key="old-secret-key")
    r = run_module("core_token", diff=True, identifier="difftok", description="after", key="new-secret-key")
    assert r["changed"] is True
    before, after = r["diff"]["before"], r["diff"]["after"]
    assert before["description"] == "before" and after["description"] == "after"
    assert before["key"] == "********" and after["key"] == "******** (new value)"
    assert "old-secret-key" not in r["_raw"] and "new-secret-key" not in r["_raw"]
    assert key_of(sim, "difftok") == "new-secret-key"


def test_key_is_set_compared_and_idempotent(sim, run_module):
    r = run_module("core_token", identifier="keyed", key="first-key-value")
    assert r["changed"] is True
    assert key_of(sim, "keyed") == "first-key-value"
    sim.reset_counts()
    r = run_module("core_token", identifier="keyed", key="first-key-value")
    assert r["changed"] is False
    assert sim.count() == 2  # the token and its key
    r = run_module("core_token", identifier="keyed", key="second-key-value")
    assert r["changed"] is True
    assert key_of(sim, "keyed") == "second-key-value"
    assert "second-key-value" not in r["_raw"]


def test_return_key(sim, run_module):
    sim.seed_token("reader", user=ADMIN, intent="api", key="the-generated-key")
    r = run_module("core_token", identifier="reader", return_key=True)
    assert r["changed"] is False
    assert r["key"] == "the-generated-key"
    r = run_module("core_token", identifier="reader")
    assert "key" not in r


def test_api_token_expires_is_ignored_with_a_warning(sim, run_module):
    when = in_minutes(10).strftime("%Y-%m-%dT%H:%M:%SZ")
    r = run_module("core_token", identifier="apitok", intent="api", expires=when)
    assert r["changed"] is True
    warning = [w for w in r["_warnings"] if w.startswith("expires: %r is ignored for an API token" % when)]
    assert len(warning) == 1, r.get("warnings")
    # the ways out: the default lifetime (a system setting, and the module that sets it), expires for one app password,
    # expiring: false
    for part in ("default_token_duration", "authentik.api.system_settings", "days=30", "expires gives one token its own date",
                 "intent app_password", "set expiring: false"):
        assert part in warning[0], (part, warning[0])
    assert "\n" not in warning[0]
    sim.reset_counts()
    r = run_module("core_token", identifier="apitok", intent="api", expires=when)
    assert r["changed"] is False, "the server-managed expiry must never show as a change"
    assert sim.writes() == 0


def test_delete_and_delete_missing(sim, run_module):
    sim.seed_token("gone", user=ALICE, intent="api")
    r = run_module("core_token", diff=True, identifier="gone", state="absent")
    assert r["changed"] is True
    assert r["diff"]["before"]["identifier"] == "gone" and r["diff"]["after"] == {}
    assert token(sim, "gone") is None
    sim.reset_counts()
    r = run_module("core_token", identifier="gone", state="absent")
    assert r["changed"] is False
    assert sim.writes() == 0


@pytest.mark.parametrize("params, fragment", [
    (dict(identifier="bad identifier"), "identifier: 'bad identifier' does not match ^[-a-zA-Z0-9_]+$"),
    (dict(identifier="x" * 256), "is 256 characters long; authentik allows at most 255"),
    (dict(identifier="t", intent="recovery"), "value of intent must be one of: api, app_password, got: recovery"),
    (dict(identifier="t", user="nobody"), "user: no user 'nobody' found"),
    (dict(identifier="t", intent="app_password", expires="next tuesday"), "expires: 'next tuesday' is not an ISO 8601 date-time"),
    (dict(identifier="t", intent="app_password", expires="2099-01-01T00:00:00Z"), "HTTP 400: expires: Token expires exceeds maximum lifetime"),
    (dict(identifier="t", expiring="maybe"), "expiring"),
])
def test_bad_input_is_one_line_and_writes_nothing(sim, run_module, failed_cleanly, params, fragment):
    sim.reset_counts()
    r = run_module("core_token", **params)
    failed_cleanly(r, fragment)
    assert token(sim, "t") is None
    assert sim.writes() <= 1  # only the app-password case reaches the server, which refuses it


def test_wrong_api_token_and_unreachable_server(sim, run_module):
    r = run_module("core_token", identifier="t", token="not-a-real-token")
    assert r["failed"] is True
    assert r["msg"] == ("GET /api/v3/core/tokens/: HTTP 403: Token invalid/expired (check the token option or AUTHENTIK_TOKEN: "
                        "authentik accepts only the key of an existing, unexpired token with intent api, not an app password)")
    assert "not-a-real-token" not in r["_raw"]
    r = run_module("core_token", identifier="t", url="http://127.0.0.1:9", retries=0, timeout=2)
    assert r["failed"] is True
    assert "cannot reach authentik at http://127.0.0.1:9/api/v3/" in r["msg"]
    r = run_module("core_token", connection=False, identifier="t", url=sim.url)
    assert r["msg"] == "token: no API token given; set the token option or AUTHENTIK_TOKEN"


def test_diff_leaves_out_expires_while_expiring_is_false(sim, run_module):
    """authentik keeps (and, for an API token, moves on every write) a date in expires that means nothing while
    expiring is false: a diff leaves it out; while expiring is true it is shown."""
    sim.seed_token("noexp", user=ALICE, intent="api", expiring=False, description="before")
    r = run_module("core_token", diff=True, identifier="noexp", description="after")
    assert r["changed"] is True
    assert r["diff"]["before"]["description"] == "before" and r["diff"]["after"]["description"] == "after"
    assert "expires" not in r["diff"]["before"] and "expires" not in r["diff"]["after"]
    assert r["token"]["expires"]  # still in the result

    sim.seed_token("withexp", user=ALICE, intent="api", expiring=True, description="before")
    r = run_module("core_token", diff=True, identifier="withexp", expiring=False)
    assert "expires" in r["diff"]["before"] and "expires" not in r["diff"]["after"]
    assert r["diff"]["before"]["expiring"] is True and r["diff"]["after"]["expiring"] is False
