# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""core_token and an expired token of the same identifier, against the authentik simulator (which, like authentik
2025.12.4, lists, serves and changes an expired token until its cleanup task runs; tests/parity/test_expired_tokens.py):
state=present renews it with its key and a warning, once; check mode only says so; a task's own expires wins; absent
deletes it."""

from __future__ import (absolute_import, division, print_function)
from __future__ import annotations

# boilerplate that ansible-test sanity of ansible-core 2.16 requires in these files
__metaclass__ = type

import datetime

import requests

ADMIN_TOKEN = "sim-admin-token"
ALICE = 6
PAST = datetime.timedelta(minutes=-10)


def api(sim, method, path, token=ADMIN_TOKEN):
    return requests.request(method, sim.url + "/api/v3/" + path, headers={"Authorization": "Bearer " + token}, timeout=10)


def token(sim, identifier):
    resp = api(sim, "GET", "core/tokens/%s/" % identifier)
    return resp.json() if resp.status_code == 200 else None


def at(delta):
    return datetime.datetime.now(datetime.timezone.utc) + delta


def alive(sim, identifier, minutes=30):
    """The token expires about ``minutes`` from now."""
    expires = datetime.datetime.fromisoformat(token(sim, identifier)["expires"].replace("Z", "+00:00"))
    return abs((expires - at(datetime.timedelta(minutes=minutes))).total_seconds()) < 60


def renewed(result, identifier):
    """The result warns that the token was renewed (ansible-core keeps the warnings of earlier runs in this process: the
    tests use identifiers of their own)."""
    return any(w.startswith("token %r expired at " % identifier) and "renewed it (same key" in w for w in result["_warnings"])


def test_expired_app_password_is_renewed_once(sim, run_module):
    sim.seed_token("app", user=ALICE, intent="app_password", key="app-key", expires=at(PAST))
    sim.reset_counts()
    r = run_module("core_token", identifier="app", intent="app_password", diff=True)
    assert r["changed"] is True and renewed(r, "app"), r
    assert sim.writes() == 1 and alive(sim, "app")
    assert sim.get_token("app")["key"] == "app-key", "the same key"
    assert r["token"]["expires"] == token(sim, "app")["expires"] == r["diff"]["after"]["expires"]
    assert r["diff"]["before"]["expires"] != r["diff"]["after"]["expires"]
    sim.reset_counts()
    r = run_module("core_token", identifier="app", intent="app_password")
    assert r["changed"] is False and sim.writes() == 0


def test_check_mode_says_it_would_renew(sim, run_module):
    sim.seed_token("app-check", user=ALICE, intent="app_password", expires=at(PAST))
    sim.seed_token("api-check", user=ALICE, intent="api")
    sim.expire_token("api-check")
    sim.reset_counts()
    for identifier in ("app-check", "api-check"):
        r = run_module("core_token", identifier=identifier, check_mode=True)
        assert r["changed"] is True, r
        assert any(w.startswith("token %r expired at " % identifier) and "would renew it" in w for w in r["_warnings"])
    assert sim.writes() == 0


def test_expired_api_token_is_renewed_and_its_key_works(sim, run_module):
    sim.seed_token("api", user=ALICE, intent="api", key="alice-second-key")
    sim.expire_token("api")
    r = run_module("core_token", identifier="api", return_key=True)
    assert r["changed"] is True and renewed(r, "api") and alive(sim, "api")
    assert r["key"] == "alice-second-key"
    assert api(sim, "GET", "core/tokens/", token=r["key"]).status_code == 200, "the renewed key authenticates"


def test_a_change_of_an_expired_api_token_renews_it_in_one_write(sim, run_module):
    sim.seed_token("api-changed", user=ALICE, intent="api")
    sim.expire_token("api-changed")
    sim.reset_counts()
    r = run_module("core_token", identifier="api-changed", description="changed")
    assert r["changed"] is True and not renewed(r, "api-changed")
    assert sim.writes() == 1 and alive(sim, "api-changed"), "authentik gives an API token a new expiry on every write"


def test_the_tasks_expires_wins(sim, run_module):
    past = at(PAST).replace(microsecond=0)
    sim.seed_token("app-dated", user=ALICE, intent="app_password", expires=past)
    sim.reset_counts()
    r = run_module("core_token", identifier="app-dated", intent="app_password", expires=past.strftime("%Y-%m-%dT%H:%M:%SZ"))
    assert r["changed"] is False and sim.writes() == 0 and not renewed(r, "app-dated"), "the date the task asks for"
    later = at(datetime.timedelta(minutes=10)).replace(microsecond=0)
    r = run_module("core_token", identifier="app-dated", intent="app_password", expires=later.strftime("%Y-%m-%dT%H:%M:%SZ"))
    assert r["changed"] is True and sim.writes() == 1 and alive(sim, "app-dated", 10)


def test_expiring_false_is_a_change_not_a_renewal(sim, run_module):
    sim.seed_token("app-kept", user=ALICE, intent="app_password", expires=at(PAST))
    sim.reset_counts()
    r = run_module("core_token", identifier="app-kept", expiring=False)
    assert r["changed"] is True and sim.writes() == 1 and not renewed(r, "app-kept")
    assert token(sim, "app-kept")["expiring"] is False


def test_absent_deletes_an_expired_token(sim, run_module):
    sim.seed_token("app-gone", user=ALICE, intent="app_password", expires=at(PAST))
    r = run_module("core_token", identifier="app-gone", state="absent")
    assert r["changed"] is True and token(sim, "app-gone") is None
