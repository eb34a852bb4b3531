# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""rac_connection_token against the authentik simulator: one token (delete, delete missing, repoint by name
or pk, no-op rerun, missing token, check and diff mode) and many tokens (bulk revoke by each filter and
their combinations, check mode with zero writes, diff shape, empty filter refused, unknown references,
pagination), plus the option rules (token_uuid vs filters, state=present needs token_uuid)."""

from __future__ import (absolute_import, division, print_function)
from __future__ import annotations

# boilerplate that ansible-test sanity of ansible-core 2.16 requires in these files
__metaclass__ = type

import uuid

import pytest
import requests

ADMIN_TOKEN = "sim-admin-token"
ADMIN = 3
ALICE = 6
BOB = 7
MODULE = "rac_connection_token"


def api(sim, method, path, **kwargs):
    return requests.request(method, sim.url + "/api/v3/" + path, headers={"Authorization": "Bearer " + ADMIN_TOKEN},
                            timeout=10, **kwargs)


def tokens(sim, **query):
    """Every connection token on the server (all pages), as the API returns them."""
    out = []
    page = 1
    while page:
        params = dict(query, page=page, page_size=100)
        data = api(sim, "GET", "rac/connection_tokens/", params=params).json()
        out.extend(data["results"])
        page = data["pagination"]["next"]
    return out


def token(sim, pk):
    resp = api(sim, "GET", "rac/connection_tokens/%s/" % pk)
    return resp.json() if resp.status_code == 200 else None


def pks(items):
    return sorted(item["pk"] for item in items)


class Rac:
    """Two providers; endpoint ``dc01`` exists on both (names are not unique), ``dc02`` on the first only.
    Sessions: alice x2 and bob on p1/dc01, alice on p1/dc02, bob and akadmin on p2/dc01."""

    def __init__(self, sim):
        self.p1 = sim.seed_provider("ct-p1")
        self.p2 = sim.seed_provider("ct-p2")
        self.e1 = sim.seed_endpoint("dc01", self.p1)
        self.e2 = sim.seed_endpoint("dc02", self.p1)
        self.e3 = sim.seed_endpoint("dc01", self.p2)
        self.alice_e1 = [sim.seed_connection_token(self.p1, self.e1, ALICE) for dummy in range(2)]
        self.bob_e1 = sim.seed_connection_token(self.p1, self.e1, BOB)
        self.alice_e2 = sim.seed_connection_token(self.p1, self.e2, ALICE)
        self.bob_e3 = sim.seed_connection_token(self.p2, self.e3, BOB)
        self.admin_e3 = sim.seed_connection_token(self.p2, self.e3, ADMIN)
        self.all = sorted(self.alice_e1 + [self.bob_e1, self.alice_e2, self.bob_e3, self.admin_e3])


@pytest.fixture
def rac(sim):
    seeded = Rac(sim)
    sim.reset_counts()
    return seeded


def remaining(sim):
    return pks(tokens(sim))


# ---------------------------------------------------------------------------------------------------
# One token
# ---------------------------------------------------------------------------------------------------

def test_delete_one(sim, rac, run_module):
    r = run_module(MODULE, token_uuid=rac.bob_e1, state="absent")
    assert r["changed"] is True, r
    assert r["connection_token"] == {}
    assert sim.count() == 2, "GET + DELETE"
    assert sim.writes() == 1
    assert remaining(sim) == sorted(set(rac.all) - {rac.bob_e1})


def test_delete_one_upper_case_uuid(sim, rac, run_module):
    r = run_module(MODULE, token_uuid=rac.bob_e1.upper(), state="absent")
    assert r["changed"] is True, r
    assert token(sim, rac.bob_e1) is None


def test_delete_missing_is_ok(sim, rac, run_module):
    r = run_module(MODULE, token_uuid=str(uuid.uuid4()), state="absent")
    assert r["changed"] is False, r
    assert "failed" not in r
    assert sim.count() == 1
    assert sim.writes() == 0
    assert remaining(sim) == rac.all


def test_delete_one_check_mode_and_diff(sim, rac, run_module):
    r = run_module(MODULE, check_mode=True, diff=True, token_uuid=rac.bob_e1, state="absent")
    assert r["changed"] is True, r
    assert r["diff"]["before"] == {"pk": rac.bob_e1, "provider": rac.p1, "endpoint": rac.e1}
    assert r["diff"]["after"] == {}
    assert sim.writes() == 0
    assert token(sim, rac.bob_e1) is not None


def test_delete_one_twice(sim, rac, run_module):
    assert run_module(MODULE, token_uuid=rac.bob_e1, state="absent")["changed"] is True
    assert run_module(MODULE, token_uuid=rac.bob_e1, state="absent")["changed"] is False


def test_present_existing_without_change_is_noop(sim, rac, run_module):
    r = run_module(MODULE, token_uuid=rac.bob_e1)
    assert r["changed"] is False, r
    assert r["connection_token"]["pk"] == rac.bob_e1
    assert r["connection_token"]["user"]["pk"] == BOB
    assert sim.count() == 1
    assert sim.writes() == 0


def test_repoint_endpoint_by_name_within_current_provider(sim, rac, run_module):
    r = run_module(MODULE, diff=True, token_uuid=rac.bob_e1, endpoint="dc02")
    assert r["changed"] is True, r
    assert r["connection_token"]["endpoint"] == rac.e2
    assert r["diff"]["before"] == {"pk": rac.bob_e1, "provider": rac.p1, "endpoint": rac.e1}
    assert r["diff"]["after"] == {"pk": rac.bob_e1, "provider": rac.p1, "endpoint": rac.e2}
    after = token(sim, rac.bob_e1)
    assert after["endpoint"] == rac.e2 and after["provider"] == rac.p1
    assert after["user"]["pk"] == BOB, "the session's user never changes"
    sim.reset_counts()
    r = run_module(MODULE, token_uuid=rac.bob_e1, endpoint="dc02")
    assert r["changed"] is False, r
    assert sim.count() == 2, "GET token + endpoint name lookup"
    assert sim.writes() == 0


def test_repoint_provider_and_endpoint_by_name(sim, rac, run_module):
    r = run_module(MODULE, token_uuid=rac.bob_e1, provider="ct-p2", endpoint="dc01")
    assert r["changed"] is True, r
    after = token(sim, rac.bob_e1)
    assert after["provider"] == rac.p2
    assert after["endpoint"] == rac.e3, "dc01 resolved within the new provider, not the token's current one"
    r = run_module(MODULE, token_uuid=rac.bob_e1, provider="ct-p2", endpoint="dc01")
    assert r["changed"] is False, r


def test_repoint_by_pk_costs_two_requests_and_rerun_one(sim, rac, run_module):
    r = run_module(MODULE, token_uuid=rac.bob_e1, provider=str(rac.p2), endpoint=rac.e3)
    assert r["changed"] is True, r
    assert sim.count() == 2, "GET + PATCH, no lookup for primary keys"
    assert sim.writes() == 1
    assert sim.count(method="PATCH") == 1
    sim.reset_counts()
    r = run_module(MODULE, token_uuid=rac.bob_e1, provider=str(rac.p2), endpoint=rac.e3.upper())
    assert r["changed"] is False, r
    assert sim.count() == 1
    assert sim.writes() == 0


def test_repoint_check_mode(sim, rac, run_module):
    r = run_module(MODULE, check_mode=True, diff=True, token_uuid=rac.bob_e1, endpoint=rac.e2)
    assert r["changed"] is True, r
    assert r["connection_token"]["endpoint"] == rac.e2, "the predicted token"
    assert r["diff"]["after"]["endpoint"] == rac.e2
    assert sim.writes() == 0
    assert token(sim, rac.bob_e1)["endpoint"] == rac.e1


def test_repoint_only_changes_what_is_set(sim, rac, run_module):
    r = run_module(MODULE, token_uuid=rac.alice_e2, provider="ct-p1", endpoint="dc01")
    assert r["changed"] is True, r
    patches = [req for req in sim.requests if req[0] == "PATCH"]
    assert len(patches) == 1


def test_present_missing_token_is_a_clear_error(sim, rac, run_module):
    missing = str(uuid.uuid4())
    r = run_module(MODULE, token_uuid=missing, endpoint=rac.e2)
    assert r["failed"] is True
    assert missing in r["msg"]
    assert "cannot be created through the API" in r["msg"]
    assert sim.writes() == 0


def test_unknown_endpoint_name_for_repoint(sim, rac, run_module):
    r = run_module(MODULE, token_uuid=rac.bob_e1, endpoint="nope")
    assert r["failed"] is True
    assert r["msg"].startswith("endpoint: no RAC endpoint 'nope' found"), r["msg"]
    assert sim.writes() == 0


def test_unknown_provider_name_for_repoint(sim, rac, run_module):
    r = run_module(MODULE, token_uuid=rac.bob_e1, provider="nope")
    assert r["failed"] is True
    assert r["msg"].startswith("provider: no RAC provider 'nope' found"), r["msg"]
    assert sim.writes() == 0


def test_bad_token_uuid(sim, rac, run_module):
    r = run_module(MODULE, token_uuid="not-a-uuid", state="absent")
    assert r["failed"] is True
    assert r["msg"].startswith("token_uuid: 'not-a-uuid' is not a UUID"), r["msg"]
    assert sim.count() == 0


# ---------------------------------------------------------------------------------------------------
# Option rules
# ---------------------------------------------------------------------------------------------------

def test_present_without_token_uuid_is_an_error(sim, rac, run_module):
    r = run_module(MODULE, user="alice")
    assert r["failed"] is True
    assert r["msg"].startswith("token_uuid: required with state=present"), r["msg"]
    assert "set state=absent" in r["msg"], "the message points at the bulk revoke"
    assert sim.count() == 0
    r = run_module(MODULE, state="present", provider="ct-p1")
    assert r["failed"] is True
    assert r["msg"].startswith("token_uuid: required with state=present"), r["msg"]
    r = run_module(MODULE)
    assert r["failed"] is True
    assert r["msg"].startswith("token_uuid: required with state=present"), r["msg"]
    assert sim.count() == 0


def test_token_uuid_and_user_are_mutually_exclusive(sim, rac, run_module):
    r = run_module(MODULE, token_uuid=rac.bob_e1, user="bob", state="absent")
    assert r["failed"] is True
    assert "mutually exclusive" in r["msg"] and "token_uuid" in r["msg"] and "user" in r["msg"], r["msg"]
    assert sim.count() == 0


@pytest.mark.parametrize("extra", [{"provider": "ct-p1"}, {"endpoint": "dc01"}, {"provider": "ct-p1", "endpoint": "dc01"}])
def test_token_uuid_with_filters_and_absent_is_refused(sim, rac, run_module, extra):
    r = run_module(MODULE, token_uuid=rac.bob_e1, state="absent", **extra)
    assert r["failed"] is True
    assert "cannot be combined with token_uuid and state=absent" in r["msg"], r["msg"]
    assert sim.count() == 0
    assert token(sim, rac.bob_e1) is not None


# ---------------------------------------------------------------------------------------------------
# Many tokens
# ---------------------------------------------------------------------------------------------------

def test_empty_filter_is_refused(sim, rac, run_module):
    r = run_module(MODULE, state="absent")
    assert r["failed"] is True
    assert r["msg"].startswith("refusing to delete every RAC connection token"), r["msg"]
    assert "provider, endpoint, user" in r["msg"]
    assert sim.count() == 0
    assert remaining(sim) == rac.all


def test_empty_string_filter_is_refused(sim, rac, run_module):
    r = run_module(MODULE, state="absent", user="")
    assert r["failed"] is True
    assert r["msg"].startswith("user: an empty string is not a user"), r["msg"]
    assert sim.writes() == 0


@pytest.mark.parametrize("params, expected", [
    ({"user": "alice"}, ("alice_e1", "alice_e2")),
    ({"user": str(ALICE)}, ("alice_e1", "alice_e2")),
    ({"user": "akadmin"}, ("admin_e3",)),
    ({"provider": "ct-p2"}, ("bob_e3", "admin_e3")),
    ({"provider": "PROVIDER_P1"}, ("alice_e1", "bob_e1", "alice_e2")),
    ({"endpoint": "E1"}, ("alice_e1", "bob_e1")),
    ({"endpoint": "dc02"}, ("alice_e2",)),
    ({"provider": "ct-p1", "endpoint": "dc01"}, ("alice_e1", "bob_e1")),
    ({"provider": "ct-p2", "endpoint": "dc01"}, ("bob_e3", "admin_e3")),
    ({"provider": "ct-p1", "user": "bob"}, ("bob_e1",)),
    ({"endpoint": "E3", "user": "bob"}, ("bob_e3",)),
    ({"provider": "ct-p1", "endpoint": "dc01", "user": "alice"}, ("alice_e1",)),
    ({"provider": "ct-p2", "user": "alice"}, ()),
])
def test_bulk_revoke(sim, rac, run_module, params, expected):
    params = dict(params)
    for name, value in list(params.items()):  # placeholders for values only known after seeding
        params[name] = {"PROVIDER_P1": str(rac.p1), "E1": rac.e1, "E3": rac.e3}.get(value, value)
    want = []
    for attr in expected:
        value = getattr(rac, attr)
        want.extend(value if isinstance(value, list) else [value])
    r = run_module(MODULE, state="absent", **params)
    assert "failed" not in r, r
    assert r["changed"] is (len(want) > 0)
    assert r["count"] == len(want)
    assert pks(r["connection_tokens"]) == sorted(want)
    assert sim.count(method="DELETE") == len(want)
    assert remaining(sim) == sorted(set(rac.all) - set(want))
    sim.reset_counts()
    r = run_module(MODULE, state="absent", **params)
    assert r["changed"] is False and r["count"] == 0 and r["connection_tokens"] == []
    assert sim.writes() == 0


def test_bulk_revoke_result_is_compact(sim, rac, run_module):
    r = run_module(MODULE, state="absent", user="bob", provider="ct-p2")
    assert r["connection_tokens"] == [{
        "pk": rac.bob_e3,
        "user": {"pk": BOB, "username": "bob"},
        "endpoint": {"pk": rac.e3, "name": "dc01"},
        "provider": {"pk": rac.p2, "name": "ct-p2"},
    }]
    assert "connection_token" not in r


def test_bulk_revoke_check_mode_writes_nothing(sim, rac, run_module):
    r = run_module(MODULE, check_mode=True, state="absent", user="alice")
    assert r["changed"] is True, r
    assert r["count"] == 3
    assert pks(r["connection_tokens"]) == sorted(rac.alice_e1 + [rac.alice_e2])
    assert sim.writes() == 0
    assert remaining(sim) == rac.all


def test_bulk_revoke_diff(sim, rac, run_module):
    r = run_module(MODULE, check_mode=True, diff=True, state="absent", provider="ct-p1", user="bob")
    assert r["diff"] == {"before": {"connection_tokens": r["connection_tokens"]}, "after": {"connection_tokens": []}}
    assert pks(r["diff"]["before"]["connection_tokens"]) == [rac.bob_e1]
    r = run_module(MODULE, diff=True, state="absent", provider="ct-p1", user="bob")
    assert r["diff"]["after"] == {"connection_tokens": []} and len(r["diff"]["before"]["connection_tokens"]) == 1
    r = run_module(MODULE, diff=True, state="absent", provider="ct-p1", user="bob")
    assert r["changed"] is False and r["diff"] == {"before": {"connection_tokens": []}, "after": {"connection_tokens": []}}


def test_bulk_revoke_requests(sim, rac, run_module):
    r = run_module(MODULE, state="absent", provider=str(rac.p1))
    assert r["count"] == 4
    assert sim.count(method="GET") == 1, "one list page, no lookup for a pk"
    assert sim.count(method="DELETE") == 4
    assert sim.count() == 5


@pytest.mark.parametrize("params", [
    {"provider": "nope"},
    {"user": "nobody"},
    {"endpoint": "nope"},
    {"provider": "ct-p2", "endpoint": "dc02"},
    {"provider": "nope", "endpoint": "dc01"},
])
@pytest.mark.parametrize("check_mode", [False, True])
def test_bulk_revoke_of_what_does_not_exist_is_nothing_to_do(sim, rac, run_module, params, check_mode):
    """A filter naming a provider, endpoint or user that does not exist (deleted by an earlier teardown, with its
    connection tokens) matches no token: ok, nothing deleted, in check mode too (a teardown runs twice)."""
    r = run_module(MODULE, check_mode=check_mode, state="absent", **params)
    assert r.get("failed") is not True, r
    assert r["changed"] is False and r["count"] == 0 and r["connection_tokens"] == []
    assert sim.writes() == 0
    assert remaining(sim) == rac.all


def test_bulk_revoke_ambiguous_endpoint_name(sim, rac, run_module):
    r = run_module(MODULE, state="absent", endpoint="dc01")
    assert r["failed"] is True
    assert "'dc01' matches 2 RAC endpoints" in r["msg"], r["msg"]
    assert "give its UUID instead or narrow it with provider" in r["msg"]
    assert sim.writes() == 0


@pytest.mark.parametrize("params", [{"user": "99999"}, {"provider": "99999"}])
def test_bulk_revoke_unknown_pk_is_nothing_to_do(sim, rac, run_module, params):
    """authentik refuses a filter by a primary key that no object has (400 "Select a valid choice"): no token has it."""
    r = run_module(MODULE, state="absent", **params)
    assert r.get("failed") is not True and r["changed"] is False and r["count"] == 0, r
    assert sim.writes() == 0
    assert remaining(sim) == rac.all
    r = run_module("rac_connection_token_info", **params)
    assert r["failed"] is True and r.get("status") == 400 and "Select a valid choice" in r["msg"], r


def test_bulk_revoke_beyond_one_page(sim, run_module):
    provider = sim.seed_provider("ct-many")
    endpoint = sim.seed_endpoint("busy", provider)
    sim.seed_connection_tokens(250, provider, endpoint, ALICE)
    keep = sim.seed_connection_token(provider, endpoint, BOB)
    sim.reset_counts()
    r = run_module(MODULE, check_mode=True, state="absent", endpoint=endpoint, user="alice")
    assert r["changed"] is True and r["count"] == 250
    assert len(set(pks(r["connection_tokens"]))) == 250
    assert sim.writes() == 0
    assert sim.count(method="GET") == 4, "user lookup + 3 pages of 100"
    sim.reset_counts()
    r = run_module(MODULE, state="absent", endpoint=endpoint, user=str(ALICE))
    assert r["count"] == 250
    assert sim.count(method="GET") == 3
    assert sim.count(method="DELETE") == 250
    assert remaining(sim) == [keep]
