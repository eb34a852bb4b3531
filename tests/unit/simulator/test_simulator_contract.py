# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Contract tests of the authentik API simulator: it must answer the way a real authentik 2025.12.4 does
(see the shared API notes, ../shared/notes/authentik-api.md beside the checkout) and flag every body that
does not fit the authentik-client models."""

from __future__ import annotations

import datetime
import os
import signal
import subprocess
import sys
import time
import uuid

import pytest
import requests

# pylint: disable=redefined-outer-name,missing-function-docstring,too-few-public-methods,consider-using-f-string
# pylint: disable=use-implicit-booleaness-not-comparison,consider-using-with

from ansible_collections.authentik.api.tests.simulator import authentik_sim
from ansible_collections.authentik.api.tests.simulator.authentik_sim import (
    ADMIN_PK,
    ALICE_PK,
    ALICE_TOKEN,
    BOB_PK,
    FLOW_UUIDS,
    MAPPING_UUIDS,
    AuthentikSimulator,
    make_self_signed_ca,
)

ADMIN_TOKEN = "contract-admin-token"
IMPLICIT = FLOW_UUIDS["default-provider-authorization-implicit-consent"]
EXPLICIT = FLOW_UUIDS["default-provider-authorization-explicit-consent"]
AUTHN = FLOW_UUIDS["default-authentication-flow"]
RDP_DEFAULT = MAPPING_UUIDS["goauthentik.io/providers/rac/rdp-default"]
RDP_HIFI = MAPPING_UUIDS["goauthentik.io/providers/rac/rdp-high-fidelity"]
SSH_DEFAULT = MAPPING_UUIDS["goauthentik.io/providers/rac/ssh-default"]
VIOLATION = "SIMULATOR CONTRACT VIOLATION"


@pytest.fixture(scope="module")
def server():
    sim = AuthentikSimulator(host="127.0.0.1", port=0, admin_token=ADMIN_TOKEN, validate="require").start()
    yield sim
    try:
        assert sim.violations == [], "contract violations left at the end of the module: %r" % sim.violations
    finally:
        sim.stop()


@pytest.fixture
def sim(server):
    """The module's simulator in its initial state; a test that leaves a contract violation fails."""
    with server.fresh() as fresh:
        yield fresh


def api(sim, method, path, token=ADMIN_TOKEN, session=None, **kwargs):
    headers = kwargs.pop("headers", {})
    if token is not None:
        headers.setdefault("Authorization", "Bearer " + token)
    return (session or requests).request(method, sim.url + "/api/v3/" + path, headers=headers, timeout=10, **kwargs)


def expect_violation(sim, resp, *needles):
    """The request was answered 599 with the contract message and recorded once; clears it."""
    assert resp.status_code == 599, resp.text
    assert resp.json()["detail"].startswith(VIOLATION + ": "), resp.text
    assert len(sim.violations) == 1, sim.violations
    for needle in needles:
        assert needle in sim.violations[0], sim.violations
    sim.violations.clear()


def in_window(text, delta, slack=5):
    """An API date-time lies within ``slack`` seconds of now + ``delta``."""
    value = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    target = datetime.datetime.now(datetime.timezone.utc) + delta
    return abs((value - target).total_seconds()) < slack


# ------------------------------------------------------------------------------------------ auth


def test_missing_credentials_are_403_not_401(sim):
    resp = api(sim, "GET", "core/tokens/", token=None)
    assert resp.status_code == 403
    assert resp.json() == {"detail": "Authentication credentials were not provided."}


@pytest.mark.parametrize("header, detail", [
    ("Bearer wrong-key", "Token invalid/expired"),
    ("Basic dXNlcjpwdw==", "Authentication credentials were not provided."),  # another scheme: anonymous (real server)
    ("Bearer", "Authentication credentials were not provided."),
])
def test_bad_credentials_are_403(sim, header, detail):
    resp = api(sim, "GET", "core/tokens/", token=None, headers={"Authorization": header})
    assert (resp.status_code, resp.json()) == (403, {"detail": detail})


def test_only_unexpired_api_tokens_authenticate(sim):
    sim.seed_token("app-pw", user=ADMIN_PK, intent="app_password", key="app-password-key")
    sim.seed_token("old-api", user=ADMIN_PK, intent="api", key="expired-api-key", expiring=True,
                   expires=datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=1))
    sim.seed_token("live-api", user=BOB_PK, intent="api", key="bob-api-key", expiring=True)
    assert api(sim, "GET", "core/users/", token="app-password-key").json() == {"detail": "Token invalid/expired"}
    assert api(sim, "GET", "core/tokens/old-api/").status_code == 200, "an expired token is there until it is used or cleaned"
    assert api(sim, "GET", "core/users/", token="expired-api-key").json() == {"detail": "Token invalid/expired"}
    assert api(sim, "GET", "core/tokens/old-api/").status_code == 404, "authentik deletes an expired API token that is used"
    resp = api(sim, "GET", "core/tokens/", token="bob-api-key")
    assert resp.status_code == 200
    assert [t["identifier"] for t in resp.json()["results"]] == ["live-api"], "a non-superuser sees only his own tokens"
    resp = api(sim, "GET", "core/users/", token="bob-api-key")
    assert (resp.status_code, resp.json()) == (403, {"detail": "You do not have permission to perform this action."}), \
        "without a view permission on any user (real server)"


# ------------------------------------------------------------------------------------------ 404 / 405 / parse errors


@pytest.mark.parametrize("path, detail", [
    ("core/tokens/nope/", "No Token matches the given query."),
    ("providers/rac/abc/", "Not found."),
    ("providers/rac/999/", "No RACProvider matches the given query."),
    ("rac/endpoints/not-a-uuid/", "Not found."),
    ("rac/endpoints/%s/" % uuid.UUID(int=1), "No Endpoint matches the given query."),
    ("rac/connection_tokens/123/", "Not found."),
    ("rac/connection_tokens/%s/" % uuid.UUID(int=2), "No ConnectionToken matches the given query."),
    ("flows/instances/no-such-flow/", "No Flow matches the given query."),
    ("propertymappings/provider/rac/xyz/", "Not found."),
    ("propertymappings/provider/rac/%s/" % uuid.UUID(int=3), "No RACPropertyMapping matches the given query."),
    ("core/users/x/", "Not found."),
    ("core/users/99/", "No User matches the given query."),
])
def test_404_bodies(sim, path, detail):
    resp = api(sim, "GET", path)
    assert (resp.status_code, resp.json()) == (404, {"detail": detail})


@pytest.mark.parametrize("path", ["/api/v3/no/such/route/", "/no/such/page/"])
def test_404_page_for_unknown_paths(sim, path):
    """No route: authentik's HTML "Not Found" page, before any authentication (real server)."""
    resp = requests.get(sim.url + path, timeout=10)
    assert resp.status_code == 404 and resp.headers["Content-Type"].startswith("text/html") and "Not Found" in resp.text


def test_405_bodies(sim):
    resp = api(sim, "POST", "rac/connection_tokens/", json={"provider": 1, "endpoint": str(uuid.uuid4())})
    assert (resp.status_code, resp.json()) == (405, {"detail": 'Method "POST" not allowed.'})
    resp = api(sim, "PUT", "core/tokens/", json={})
    assert (resp.status_code, resp.json()) == (405, {"detail": 'Method "PUT" not allowed.'})
    resp = api(sim, "POST", "core/tokens/authentik-bootstrap-token/view_key/")
    assert (resp.status_code, resp.json()) == (405, {"detail": 'Method "POST" not allowed.'})
    resp = api(sim, "POST", "rac/connection_tokens/", token=None)
    assert resp.status_code == 403, "authentication comes before the method check"


def test_json_parse_error(sim):
    resp = api(sim, "POST", "core/tokens/", data="{not json", headers={"Content-Type": "application/json"})
    assert resp.status_code == 400
    assert resp.json()["detail"].startswith("JSON parse error - ")
    assert list(resp.json()) == ["detail"]


def test_delete_is_204_without_body(sim):
    sim.seed_token("gone", user=ALICE_PK, intent="app_password")
    resp = api(sim, "DELETE", "core/tokens/gone/")
    assert resp.status_code == 204
    assert resp.content == b""
    assert api(sim, "GET", "core/tokens/gone/").status_code == 404


# ------------------------------------------------------------------------------------------ pagination and filters


def test_pagination_page_numbers_and_end(sim):
    sim.seed_tokens(248, "bulk", user=BOB_PK)  # plus the two seeded API tokens: 250
    first = api(sim, "GET", "core/tokens/", params={"page_size": 100}).json()
    assert first["pagination"] == {"next": 2, "previous": 0, "count": 250, "current": 1, "total_pages": 3,
                                   "start_index": 1, "end_index": 100}
    assert first["autocomplete"] == {}
    assert len(first["results"]) == 100
    last = api(sim, "GET", "core/tokens/", params={"page_size": 100, "page": 3}).json()
    assert last["pagination"] == {"next": 0, "previous": 2, "count": 250, "current": 3, "total_pages": 3,
                                  "start_index": 201, "end_index": 250}
    assert len(last["results"]) == 50
    seen = [t["identifier"] for page in (1, 2, 3)
            for t in api(sim, "GET", "core/tokens/", params={"page_size": 100, "page": page}).json()["results"]]
    assert len(set(seen)) == 250 and seen == sorted(seen), "default ordering by identifier, no overlap"


def test_page_past_end_and_bad_page(sim):
    for page in ("2", "0", "abc"):
        resp = api(sim, "GET", "core/tokens/", params={"page": page})
        assert (resp.status_code, resp.json()) == (404, {"detail": "Invalid page."}), page


def test_page_size_is_capped_at_100(sim):
    sim.seed_tokens(150, "cap")
    resp = api(sim, "GET", "core/tokens/", params={"page_size": 1000}).json()
    assert len(resp["results"]) == 100
    assert resp["pagination"]["total_pages"] == 2
    assert len(api(sim, "GET", "core/tokens/", params={"page_size": 7}).json()["results"]) == 7


def test_empty_list_pagination(sim):
    body = api(sim, "GET", "providers/rac/").json()
    assert body == {"pagination": {"next": 0, "previous": 0, "count": 0, "current": 1, "total_pages": 1,
                                   "start_index": 0, "end_index": 0}, "results": [], "autocomplete": {}}


def test_unknown_filters_are_ignored(sim):
    sim.seed_provider("alpha")
    sim.seed_provider("beta")
    names = [p["name"] for p in api(sim, "GET", "providers/rac/", params={"name": "alpha"}).json()["results"]]
    assert names == ["alpha", "beta"], "?name= is not a provider filter"
    names = [p["name"] for p in api(sim, "GET", "providers/rac/", params={"name__iexact": "ALPHA"}).json()["results"]]
    assert names == ["alpha"]
    assert api(sim, "GET", "core/tokens/", params={"no_such_filter": "x"}).json()["pagination"]["count"] == 2


def test_token_filters(sim):
    sim.seed_token("t-app", user=ALICE_PK, intent="app_password", description="find me")
    sim.seed_token("t-api", user=BOB_PK, intent="api", description="other", expiring=False)

    def ids(**params):
        resp = api(sim, "GET", "core/tokens/", params=params)
        assert resp.status_code == 200, resp.text
        return [t["identifier"] for t in resp.json()["results"]]

    assert ids(identifier="t-app") == ["t-app"]
    assert ids(identifier="t-") == []
    assert ids(intent="app_password") == ["t-app"]
    assert ids(user__username="bob") == ["t-api"]
    assert ids(description="find me") == ["t-app"]
    assert ids(expiring="false") == ["alice-api-token", "authentik-bootstrap-token", "t-api"]
    assert ids(search="find") == ["t-app"]
    assert ids(ordering="-identifier")[:2] == ["t-app", "t-api"]
    resp = api(sim, "GET", "core/tokens/", params={"intent": "bogus"})
    assert (resp.status_code, resp.json()) == (
        400, {"intent": ["Select a valid choice. bogus is not one of the available choices."]})
    expires = api(sim, "GET", "core/tokens/t-app/").json()["expires"]
    assert ids(expires=expires) == ["t-app"]


def test_expired_tokens_stay_until_the_cleanup(sim):
    """authentik lists, serves and changes an expired token (the real server); its cleanup task gives an expired API token
    a new key and expiry and deletes an expired app password."""
    sim.seed_token("stale", user=ALICE_PK, intent="app_password",
                   expires=datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=5))
    sim.seed_token("stale-api", user=ALICE_PK, intent="api", key="stale-api-key")
    sim.expire_token("stale-api")
    for identifier in ("stale", "stale-api"):
        assert api(sim, "GET", "core/tokens/%s/" % identifier).json()["expires"] < datetime.datetime.now(datetime.timezone.utc).isoformat()
        assert [t["identifier"] for t in api(sim, "GET", "core/tokens/", params={"identifier": identifier}).json()["results"]] == [identifier]
        assert api(sim, "GET", "core/tokens/%s/view_key/" % identifier).status_code == 200
    assert [t["identifier"] for t in api(sim, "GET", "core/tokens/", token=ALICE_TOKEN).json()["results"]] == [
        "alice-api-token", "stale", "stale-api"], "her own, expired or not"
    resp = api(sim, "POST", "core/tokens/", json={"identifier": "stale", "intent": "app_password"})
    assert resp.json() == {"identifier": ["Token with this identifier already exists."]}
    resp = api(sim, "PATCH", "core/tokens/stale/", json={"description": "still expired", "intent": "app_password", "user": ALICE_PK})
    assert resp.status_code == 200 and resp.json()["expires"] < datetime.datetime.now(datetime.timezone.utc).isoformat()
    assert sorted(sim.clean_expired()) == ["stale", "stale-api"]
    assert api(sim, "GET", "core/tokens/stale/").status_code == 404
    assert in_window(api(sim, "GET", "core/tokens/stale-api/").json()["expires"], datetime.timedelta(minutes=30))
    assert sim.get_token("stale-api")["key"] != "stale-api-key", "a new key"


def test_expiring_token_without_expires_gets_the_default_lifetime(sim):
    """authentik's pre_save signal: expiring and no expires -> now + the default lifetime; a token that does not expire keeps none."""
    body = api(sim, "POST", "core/tokens/", json={"identifier": "no-exp", "intent": "app_password", "expiring": False}).json()
    assert (body["expires"], body["expiring"]) == (None, False)
    body = api(sim, "PATCH", "core/tokens/no-exp/", json={"intent": "app_password", "expiring": True}).json()
    assert in_window(body["expires"], datetime.timedelta(minutes=30))
    body = api(sim, "POST", "core/tokens/", json={"identifier": "null-exp", "intent": "app_password", "expires": None}).json()
    assert in_window(body["expires"], datetime.timedelta(minutes=30))


# ------------------------------------------------------------------------------------------ tokens


def test_create_api_token_overwrites_expires(sim):
    far = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=30)).isoformat()
    resp = api(sim, "POST", "core/tokens/",
               json={"identifier": "new-api", "intent": "api", "user": ALICE_PK, "expires": far, "key": "ignored-key"})
    assert resp.status_code == 201, resp.text
    body = resp.json()
    assert body["expiring"] is True
    assert in_window(body["expires"], datetime.timedelta(minutes=30)), body["expires"]
    assert set(body) == {"pk", "managed", "identifier", "intent", "user", "user_obj", "description", "expires", "expiring"}
    assert body["user_obj"]["username"] == "alice"
    assert sim.get_token("new-api")["key"] != "ignored-key", "the key in the body is ignored"
    resp = api(sim, "PATCH", "core/tokens/new-api/", json={"intent": "api", "user": ALICE_PK, "expires": far})
    assert in_window(resp.json()["expires"], datetime.timedelta(minutes=30)), "overwritten on every update too"


def test_patch_and_put_trap_defaults_user_and_intent(sim):
    sim.seed_token("alice-app", user=ALICE_PK, intent="app_password", description="d1")
    resp = api(sim, "PATCH", "core/tokens/alice-app/", json={"description": "d2"})
    body = resp.json()
    assert (body["description"], body["intent"], body["user"]) == ("d2", "api", ADMIN_PK), "the 2025.12.4 trap"
    assert in_window(body["expires"], datetime.timedelta(minutes=30)), "now an API token"
    sim.seed_token("alice-app2", user=ALICE_PK, intent="app_password", description="d1")
    body = api(sim, "PATCH", "core/tokens/alice-app2/",
               json={"description": "d2", "user": ALICE_PK, "intent": "app_password"}).json()
    assert (body["description"], body["intent"], body["user"]) == ("d2", "app_password", ALICE_PK)
    sim.seed_token("alice-app3", user=ALICE_PK, intent="app_password", description="keep")
    body = api(sim, "PUT", "core/tokens/alice-app3/", json={"identifier": "alice-app3"}).json()
    assert (body["description"], body["intent"], body["user"]) == ("keep", "api", ADMIN_PK)
    resp = api(sim, "PUT", "core/tokens/alice-app3/", json={"description": "x"})
    assert (resp.status_code, resp.json()) == (400, {"identifier": ["This field is required."]})


def test_app_password_maximum_lifetime(sim):
    now = datetime.datetime.now(datetime.timezone.utc)
    resp = api(sim, "POST", "core/tokens/", json={"identifier": "pw-long", "intent": "app_password", "user": ALICE_PK,
                                                  "expires": (now + datetime.timedelta(hours=2)).isoformat()})
    assert resp.status_code == 400
    assert list(resp.json()) == ["expires"]
    message = resp.json()["expires"][0]
    assert message.startswith("Token expires exceeds maximum lifetime (") and message.endswith(" UTC)."), message
    assert api(sim, "GET", "core/tokens/pw-long/").status_code == 404
    wanted = (now + datetime.timedelta(minutes=10)).replace(microsecond=0)
    resp = api(sim, "POST", "core/tokens/", json={"identifier": "pw-short", "intent": "app_password", "user": ALICE_PK,
                                                  "expires": wanted.isoformat(), "expiring": True})
    assert resp.status_code == 201, resp.text
    assert resp.json()["expires"] == wanted.strftime("%Y-%m-%dT%H:%M:%SZ"), "app password expiry is kept as sent"


@pytest.mark.parametrize("intent, message", [
    ("verification", "Invalid intent verification"),
    ("recovery", "Invalid intent recovery"),
    ("bogus", '"bogus" is not a valid choice.'),
])
def test_invalid_intents(sim, intent, message):
    resp = api(sim, "POST", "core/tokens/", json={"identifier": "x-" + intent, "intent": intent})
    assert (resp.status_code, resp.json()) == (400, {"intent": [message]})


def test_identifier_uniqueness_slug_and_length(sim):
    resp = api(sim, "POST", "core/tokens/", json={"identifier": "alice-api-token", "intent": "app_password"})
    assert (resp.status_code, resp.json()) == (400, {"identifier": ["Token with this identifier already exists."]})
    resp = api(sim, "POST", "core/tokens/", json={"identifier": "has space", "intent": "app_password"})
    assert resp.json() == {"identifier": ['Enter a valid "slug" consisting of letters, numbers, underscores or hyphens.']}
    resp = api(sim, "POST", "core/tokens/", json={"identifier": "a" * 256, "intent": "app_password"})
    assert resp.json() == {"identifier": ["Ensure this field has no more than 255 characters."]}
    resp = api(sim, "POST", "core/tokens/", json={"intent": "app_password"})
    assert resp.json() == {"identifier": ["This field is required."]}
    assert api(sim, "POST", "core/tokens/", json={"identifier": "a" * 255, "intent": "app_password"}).status_code == 201
    sim.seed_token("old-name", user=ADMIN_PK, intent="app_password")
    resp = api(sim, "PATCH", "core/tokens/old-name/", json={"identifier": "new-name", "user": ADMIN_PK, "intent": "app_password"})
    assert resp.status_code == 200
    assert api(sim, "GET", "core/tokens/old-name/").status_code == 404
    assert api(sim, "GET", "core/tokens/new-name/").json()["intent"] == "app_password"
    resp = api(sim, "PATCH", "core/tokens/new-name/", json={"identifier": "alice-api-token", "user": ADMIN_PK,
                                                            "intent": "app_password"})
    assert resp.json() == {"identifier": ["Token with this identifier already exists."]}


def test_view_key_and_set_key(sim):
    sim.seed_token("keyed", user=ADMIN_PK, intent="api", key="first-key", expiring=False)
    resp = api(sim, "GET", "core/tokens/keyed/view_key/")
    assert (resp.status_code, resp.json()) == (200, {"key": "first-key"})
    resp = api(sim, "POST", "core/tokens/keyed/set_key/", json={"key": "second-key"})
    assert (resp.status_code, resp.content) == (204, b"")
    assert api(sim, "GET", "core/tokens/keyed/view_key/").json() == {"key": "second-key"}
    assert api(sim, "GET", "core/users/", token="second-key").status_code == 200
    assert api(sim, "GET", "core/users/", token="first-key").status_code == 403
    resp = api(sim, "POST", "core/tokens/keyed/set_key/", json={})
    assert (resp.status_code, resp.json()) == (400, {"key": ["This field is required."]})
    assert api(sim, "GET", "core/tokens/missing/view_key/").json() == {"detail": "No Token matches the given query."}


def test_non_superuser_sees_and_creates_only_own_tokens(sim):
    sim.seed_token("bob-tok", user=BOB_PK, intent="app_password")
    sim.seed_token("alice-tok", user=ALICE_PK, intent="app_password")
    listed = [t["identifier"] for t in api(sim, "GET", "core/tokens/", token=ALICE_TOKEN).json()["results"]]
    assert listed == ["alice-api-token", "alice-tok"]
    assert api(sim, "GET", "core/tokens/bob-tok/", token=ALICE_TOKEN).status_code == 404
    resp = api(sim, "POST", "core/tokens/", token=ALICE_TOKEN,
               json={"identifier": "alice-new", "intent": "app_password", "user": BOB_PK, "expiring": False})
    assert resp.status_code == 201, resp.text
    assert (resp.json()["user"], resp.json()["expiring"]) == (ALICE_PK, True), "user and expiring forced by the server"
    assert api(sim, "GET", "core/tokens/alice-new/view_key/", token=ALICE_TOKEN).status_code == 200, "her own: she may view its key"
    resp = api(sim, "GET", "core/tokens/alice-tok/view_key/", token=ALICE_TOKEN)
    assert resp.status_code == 403, "made for her by someone else: no view_token_key on it (real server)"
    resp = api(sim, "POST", "core/tokens/alice-tok/set_key/", token=ALICE_TOKEN, json={"key": "k"})
    assert (resp.status_code, resp.json()) == (403, {"detail": "You do not have permission to perform this action."})
    resp = api(sim, "POST", "providers/rac/", token=ALICE_TOKEN, json={"name": "x", "authorization_flow": IMPLICIT})
    assert resp.status_code == 403
    assert api(sim, "DELETE", "core/tokens/", token=ALICE_TOKEN).status_code == 403, "delete_token, before the 405 of the list"


def test_global_permissions(sim):
    """A non-superuser with global permissions (a role of his group on the real server): the model's view permission
    lists and reads, add creates, change and delete (with view) write; without one, 403 before a 404 or a 400."""
    sim.grant_permissions(ALICE_PK, ["authentik_providers_rac.view_racprovider", "authentik_providers_rac.add_racprovider"])
    pk = sim.seed_provider("perm-p")
    assert api(sim, "GET", "providers/rac/", token=ALICE_TOKEN).json()["pagination"]["count"] == 1
    assert api(sim, "GET", "providers/rac/%d/" % pk, token=ALICE_TOKEN).status_code == 200
    resp = api(sim, "POST", "providers/rac/", token=ALICE_TOKEN, json={"name": "perm-q", "authorization_flow": IMPLICIT})
    assert resp.status_code == 201
    resp = api(sim, "PATCH", "providers/rac/%d/" % pk, token=ALICE_TOKEN, json={"name": ""})
    assert (resp.status_code, resp.json()) == (403, {"detail": "You do not have permission to perform this action."})
    assert api(sim, "PATCH", "providers/rac/999/", token=ALICE_TOKEN, json={}).status_code == 404, "view: not found first"
    sim.grant_permissions(ALICE_PK, ["authentik_providers_rac.change_racprovider"])
    assert api(sim, "PATCH", "providers/rac/%d/" % pk, token=ALICE_TOKEN, json={"name": ""}).status_code == 400
    assert api(sim, "DELETE", "providers/rac/%d/" % pk, token=ALICE_TOKEN).status_code == 403
    assert api(sim, "GET", "propertymappings/provider/rac/", token=ALICE_TOKEN).status_code == 403, "another model"
    assert api(sim, "GET", "core/tokens/", token="sim-alice-token").status_code == 200
    resp = api(sim, "POST", "core/tokens/alice-api-token/set_key/", token=ALICE_TOKEN, json={"key": "new"})
    assert resp.status_code == 403
    sim.grant_permissions(ALICE_PK, ["authentik_core.set_token_key", "authentik_core.view_token_key"])
    assert api(sim, "GET", "core/tokens/alice-api-token/view_key/", token=ALICE_TOKEN).json() == {"key": ALICE_TOKEN}
    assert api(sim, "POST", "core/tokens/alice-api-token/set_key/", token=ALICE_TOKEN, json={"key": "new"}).status_code == 204
    assert api(sim, "GET", "core/tokens/authentik-bootstrap-token/view_key/", token="new").status_code == 404, "his own only"
    with pytest.raises(ValueError):
        sim.grant_permissions(999, ["authentik_core.view_user"])


# ------------------------------------------------------------------------------------------ RAC providers


def test_provider_create_defaults_and_read_only_fields(sim):
    resp = api(sim, "POST", "providers/rac/", json={"name": "rdp", "authorization_flow": IMPLICIT})
    assert resp.status_code == 201, resp.text
    body = resp.json()
    assert isinstance(body["pk"], int)
    expected = {"name": "rdp", "authentication_flow": None, "authorization_flow": IMPLICIT, "property_mappings": [],
                "component": "ak-provider-rac-form", "assigned_application_slug": None, "assigned_application_name": None,
                "assigned_backchannel_application_slug": None, "assigned_backchannel_application_name": None,
                "verbose_name": "RAC Provider", "verbose_name_plural": "RAC Providers",
                "meta_model_name": "authentik_providers_rac.racprovider", "settings": {}, "outpost_set": [],
                "connection_expiry": "hours=8", "delete_token_on_disconnect": False}
    assert {k: v for k, v in body.items() if k != "pk"} == expected
    assert api(sim, "GET", "providers/rac/%d/" % body["pk"]).json() == body


def test_provider_flow_references(sim):
    resp = api(sim, "POST", "providers/rac/", json={"name": "p", "authorization_flow": "default-provider-authorization-implicit-consent"})
    assert resp.status_code == 400
    assert resp.json() == {"authorization_flow": ["\u201cdefault-provider-authorization-implicit-consent\u201d is not a valid UUID."]}
    missing = str(uuid.uuid4())
    resp = api(sim, "POST", "providers/rac/", json={"name": "p", "authorization_flow": missing})
    assert resp.json() == {"authorization_flow": ['Invalid pk "%s" - object does not exist.' % missing]}
    resp = api(sim, "POST", "providers/rac/", json={"name": "p"})
    assert resp.json() == {"authorization_flow": ["This field is required."]}
    resp = api(sim, "POST", "providers/rac/", json={"name": "p", "authorization_flow": EXPLICIT, "authentication_flow": AUTHN,
                                                    "property_mappings": [RDP_HIFI, RDP_DEFAULT, RDP_HIFI]})
    assert resp.status_code == 201, resp.text
    assert resp.json()["authentication_flow"] == AUTHN
    assert sorted(resp.json()["property_mappings"]) == sorted([RDP_DEFAULT, RDP_HIFI]), "a set: duplicates collapse"
    resp = api(sim, "PATCH", "providers/rac/%d/" % resp.json()["pk"], json={"property_mappings": [missing]})
    assert resp.json() == {"property_mappings": ['Invalid pk "%s" - object does not exist.' % missing]}


@pytest.mark.parametrize("value, ok", [
    ("hours=8", True), ("hours=1;minutes=30", True), ("minutes=90", True), ("weeks=1;days=2;seconds=3.5", True),
    ("hours=1;foo=2", True), ("hours", False), ("hours=x", False), ("foo=1", False), ("hours=1;", False),
])
def test_provider_connection_expiry_format(sim, value, ok):
    resp = api(sim, "POST", "providers/rac/", json={"name": "exp", "authorization_flow": IMPLICIT, "connection_expiry": value})
    if ok:
        assert resp.status_code == 201, resp.text
        assert resp.json()["connection_expiry"] == value, "stored verbatim"
    else:
        assert (resp.status_code, resp.json()) == (
            400, {"connection_expiry": ["%s is not in the correct format of 'hours=3;minutes=1'." % value]})


def test_provider_name_is_unique_across_provider_types(sim):
    sim.add_foreign_provider("Proxy for grafana")
    resp = api(sim, "POST", "providers/rac/", json={"name": "Proxy for grafana", "authorization_flow": IMPLICIT})
    assert (resp.status_code, resp.json()) == (400, {"name": ["provider with this name already exists."]})
    first = sim.seed_provider("first")
    second = sim.seed_provider("second")
    resp = api(sim, "PATCH", "providers/rac/%d/" % second, json={"name": "first"})
    assert resp.json() == {"name": ["provider with this name already exists."]}
    resp = api(sim, "PUT", "providers/rac/%d/" % first, json={"name": "first", "authorization_flow": EXPLICIT})
    assert resp.status_code == 200, "keeping its own name is fine"
    assert resp.json()["authorization_flow"] == EXPLICIT
    assert api(sim, "PUT", "providers/rac/%d/" % first, json={"name": "first"}).json() == {
        "authorization_flow": ["This field is required."]}


def test_deleting_a_provider_cascades(sim):
    provider = sim.seed_provider("doomed")
    keep = sim.seed_provider("kept")
    endpoint = sim.seed_endpoint("host1", provider)
    other = sim.seed_endpoint("host2", keep)
    token = sim.seed_connection_token(provider, endpoint, ALICE_PK)
    mixed = sim.seed_connection_token(provider, other, ALICE_PK)  # the provider's token on another provider's endpoint
    survivor = sim.seed_connection_token(keep, other, ALICE_PK)
    assert api(sim, "DELETE", "providers/rac/%d/" % provider).status_code == 204
    assert api(sim, "GET", "rac/endpoints/%s/" % endpoint).status_code == 404
    assert api(sim, "GET", "rac/connection_tokens/%s/" % token).status_code == 404
    assert api(sim, "GET", "rac/connection_tokens/%s/" % mixed).status_code == 404
    assert api(sim, "GET", "rac/connection_tokens/%s/" % survivor).status_code == 200
    assert api(sim, "GET", "rac/endpoints/%s/" % other).status_code == 200


# ------------------------------------------------------------------------------------------ endpoints


def test_endpoint_list_quirk_without_superuser_full_list(sim):
    provider = sim.seed_provider("ep")
    for name in ("a", "b", "c"):
        sim.seed_endpoint(name, provider)
    quirk = api(sim, "GET", "rac/endpoints/", params={"page_size": 1}).json()
    assert len(quirk["results"]) == 3, "every page carries all endpoints"
    assert quirk["pagination"]["total_pages"] == 3
    full = api(sim, "GET", "rac/endpoints/", params={"page_size": 1, "superuser_full_list": "true"}).json()
    assert [e["name"] for e in full["results"]] == ["a"]
    assert full["pagination"]["next"] == 2
    assert api(sim, "GET", "rac/endpoints/", params={"name": "b", "superuser_full_list": "true"}).json()["pagination"]["count"] == 1
    resp = api(sim, "GET", "rac/endpoints/", params={"provider": 999})
    assert (resp.status_code, resp.json()) == (
        400, {"provider": ["Select a valid choice. That choice is not one of the available choices."]})


def test_endpoint_create_and_validation(sim):
    provider = sim.seed_provider("ep")
    resp = api(sim, "POST", "rac/endpoints/", json={"name": "srv", "provider": provider, "protocol": "ssh", "host": "10.1.1.1",
                                                    "auth_mode": "prompt", "property_mappings": [SSH_DEFAULT]})
    assert resp.status_code == 201, resp.text
    body = resp.json()
    assert (body["maximum_connections"], body["settings"], body["launch_url"]) == (1, {}, None)
    assert body["provider_obj"]["name"] == "ep"
    resp = api(sim, "POST", "rac/endpoints/", json={"name": "srv", "provider": provider, "protocol": "telnet", "host": "h"})
    assert resp.json() == {"protocol": ['"telnet" is not a valid choice.'], "auth_mode": ["This field is required."]}
    resp = api(sim, "PATCH", "rac/endpoints/%s/" % body["pk"], json={"provider": 999})
    assert resp.json() == {"provider": ['Invalid pk "999" - object does not exist.']}


# ------------------------------------------------------------------------------------------ connection tokens


@pytest.fixture
def rac(sim):
    class Rac:
        """Two providers, three endpoints, connection tokens of alice and bob."""
        p1 = sim.seed_provider("ct-p1")
        p2 = sim.seed_provider("ct-p2")
        e1 = sim.seed_endpoint("dc01", p1)
        e2 = sim.seed_endpoint("dc02", p1)
        e3 = sim.seed_endpoint("dc03", p2)
        alice_e1 = sim.seed_connection_token(p1, e1, ALICE_PK)
        bob_e1 = sim.seed_connection_token(p1, e1, BOB_PK)
        bob_e3 = sim.seed_connection_token(p2, e3, BOB_PK)
    return Rac


def test_connection_token_filters(sim, rac):
    def pks(token=ADMIN_TOKEN, **params):
        resp = api(sim, "GET", "rac/connection_tokens/", token=token, params=params)
        assert resp.status_code == 200, resp.text
        return sorted(t["pk"] for t in resp.json()["results"])

    assert pks() == sorted([rac.alice_e1, rac.bob_e1, rac.bob_e3])
    assert pks(endpoint=rac.e1) == sorted([rac.alice_e1, rac.bob_e1])
    assert pks(provider=rac.p2) == [rac.bob_e3]
    assert pks(session__user=BOB_PK) == sorted([rac.bob_e1, rac.bob_e3])
    assert pks(search="dc03") == [rac.bob_e3]
    assert pks(search="ct-p1") == sorted([rac.alice_e1, rac.bob_e1])
    assert pks(token=ALICE_TOKEN) == [rac.alice_e1], "non-superusers see only their own"
    choice = ["Select a valid choice. That choice is not one of the available choices."]
    for params, field in (({"provider": 999}, "provider"), ({"session__user": 999}, "session__user"),
                          ({"endpoint": str(uuid.uuid4())}, "endpoint")):
        resp = api(sim, "GET", "rac/connection_tokens/", params=params)
        assert (resp.status_code, resp.json()) == (400, {field: choice}), params
    resp = api(sim, "GET", "rac/connection_tokens/", params={"endpoint": "junk"})
    assert (resp.status_code, resp.json()) == (400, {"endpoint": ["\u201cjunk\u201d is not a valid UUID."]}), "real server"


def test_connection_token_object_and_updates(sim, rac):
    body = api(sim, "GET", "rac/connection_tokens/%s/" % rac.alice_e1).json()
    assert set(body) == {"pk", "provider", "provider_obj", "endpoint", "endpoint_obj", "user"}
    assert body["user"]["username"] == "alice" and body["endpoint_obj"]["name"] == "dc01"
    resp = api(sim, "PATCH", "rac/connection_tokens/%s/" % rac.alice_e1, json={"endpoint": rac.e2})
    assert (resp.status_code, resp.json()["endpoint"], resp.json()["user"]["pk"]) == (200, rac.e2, ALICE_PK)
    missing = str(uuid.uuid4())
    resp = api(sim, "PATCH", "rac/connection_tokens/%s/" % rac.alice_e1, json={"endpoint": missing, "provider": 999})
    assert resp.json() == {"endpoint": ['Invalid pk "%s" - object does not exist.' % missing],
                           "provider": ['Invalid pk "999" - object does not exist.']}
    resp = api(sim, "PUT", "rac/connection_tokens/%s/" % rac.alice_e1, json={"endpoint": rac.e1})
    assert resp.json() == {"provider": ["This field is required."]}
    resp = api(sim, "PUT", "rac/connection_tokens/%s/" % rac.alice_e1, json={"endpoint": rac.e3, "provider": rac.p2})
    assert (resp.json()["provider"], resp.json()["endpoint"]) == (rac.p2, rac.e3)
    assert api(sim, "DELETE", "rac/connection_tokens/%s/" % rac.bob_e1, token=ALICE_TOKEN).status_code == 404
    for method in ("PATCH", "DELETE"):  # her own, without change/delete_connectiontoken: authentik fails on the owner field
        resp = api(sim, method, "rac/connection_tokens/%s/" % rac.alice_e1, token=ALICE_TOKEN, json={"endpoint": rac.e1})
        assert (resp.status_code, resp.content) == (405, b"")
    sim.grant_permissions(ALICE_PK, ["authentik_providers_rac.view_connectiontoken", "authentik_providers_rac.delete_connectiontoken"])
    assert len(api(sim, "GET", "rac/connection_tokens/", token=ALICE_TOKEN).json()["results"]) == 3, "view: every token"
    assert api(sim, "DELETE", "rac/connection_tokens/%s/" % rac.bob_e1, token=ALICE_TOKEN).status_code == 204
    assert api(sim, "PATCH", "rac/connection_tokens/%s/" % rac.bob_e3, token=ALICE_TOKEN, json={}).status_code == 405


# ------------------------------------------------------------------------------------------ flows, mappings, users


def test_flows(sim):
    body = api(sim, "GET", "flows/instances/default-provider-authorization-implicit-consent/").json()
    assert (body["pk"], body["designation"]) == (IMPLICIT, "authorization")
    assert IMPLICIT == str(uuid.uuid5(uuid.NAMESPACE_DNS, "default-provider-authorization-implicit-consent"))
    results = api(sim, "GET", "flows/instances/", params={"designation": "authorization"}).json()["results"]
    assert sorted(f["slug"] for f in results) == ["default-provider-authorization-explicit-consent",
                                                  "default-provider-authorization-implicit-consent"]
    assert [f["slug"] for f in api(sim, "GET", "flows/instances/", params={"flow_uuid": AUTHN}).json()["results"]] == [
        "default-authentication-flow"]
    assert api(sim, "GET", "flows/instances/", params={"slug": "nope"}).json()["results"] == []
    assert api(sim, "GET", "flows/instances/", params={"designation": "bogus"}).status_code == 400


def test_property_mappings(sim):
    both = api(sim, "GET", "propertymappings/provider/rac/",
               params=[("managed", "goauthentik.io/providers/rac/rdp-default"), ("managed", "goauthentik.io/providers/rac/ssh-default")])
    assert sorted(m["pk"] for m in both.json()["results"]) == sorted([RDP_DEFAULT, SSH_DEFAULT])
    named = api(sim, "GET", "propertymappings/provider/rac/", params={"name": "authentik default RAC Mapping: RDP High Fidelity"})
    assert [m["managed"] for m in named.json()["results"]] == ["goauthentik.io/providers/rac/rdp-high-fidelity"]
    assert api(sim, "GET", "propertymappings/provider/rac/", params={"managed": "nope"}).status_code == 400
    assert api(sim, "GET", "propertymappings/provider/rac/%s/" % RDP_DEFAULT).json()["name"] == (
        "authentik default RAC Mapping: RDP Default settings")


def test_property_mapping_writes(sim):
    """POST/PATCH/PUT/DELETE as authentik 2025.12.4 answers them (checked against the real server by tests/parity)."""
    url = "propertymappings/provider/rac/"
    resp = api(sim, "POST", url, json={"name": "  sim-login ", "static_settings": {"username": "u", "password": "p"},
                                       "expression": "\n return {}\n"})
    assert resp.status_code == 201, resp.text
    created = resp.json()
    assert (created["name"], created["expression"], created["managed"]) == ("sim-login", "return {}", None), "stripped"
    pk = created["pk"]
    assert api(sim, "POST", url, json={"name": "x"}).json() == {"static_settings": ["This field is required."]}
    assert api(sim, "POST", url, json={"name": "sim-login", "static_settings": {}}).json() == {
        "name": ["Property Mapping with this name already exists."]}
    sim.add_foreign_mapping("authentik default SAML Mapping: Name")
    assert api(sim, "POST", url, json={"name": "authentik default SAML Mapping: Name", "static_settings": {}}).json() == {
        "name": ["Property Mapping with this name already exists."]}
    assert api(sim, "POST", url, json={"name": "", "static_settings": {}}).json() == {"name": ["This field may not be blank."]}
    assert api(sim, "POST", url, json={"name": "bad", "static_settings": {}, "expression": "return {"}).json() == {
        "expression": ["Expression Syntax Error: '{' was never closed (None, line 2)"]}
    assert api(sim, "POST", url, json={"name": "m", "static_settings": {}, "managed": "goauthentik.io/providers/rac/rdp-default"}
               ).json() == {"managed": ["Property Mapping with this Managed by authentik already exists."]}
    assert api(sim, "PATCH", url + pk + "/", json={"expression": "x = 1\n  y = 2"}).json() == {
        "expression": ["Expression Syntax Error: unexpected indent (sim-login, line 3)"]}
    assert api(sim, "PATCH", url + pk + "/", json={"static_settings": None}).json() == {"static_settings": ["This field may not be null."]}
    assert api(sim, "PATCH", url + pk + "/", json={"name": "sim-login"}).status_code == 200, "its own name is not taken"
    resp = api(sim, "PATCH", url + pk + "/", json={"static_settings": {"domain": "CORP"}})
    assert resp.json()["static_settings"] == {"domain": "CORP"} and resp.json()["expression"] == "return {}"
    assert api(sim, "PUT", url + pk + "/", json={"name": "sim-login"}).json() == {"static_settings": ["This field is required."]}
    provider = sim.seed_provider("uses-it", property_mappings=[pk, RDP_DEFAULT])
    endpoint = sim.seed_endpoint("dc01", provider, property_mappings=[pk])
    assert api(sim, "DELETE", url + pk + "/").status_code == 204
    assert api(sim, "GET", url + pk + "/").status_code == 404
    assert sim.get_provider(provider)["property_mappings"] == [RDP_DEFAULT] and sim.get_endpoint(endpoint)["property_mappings"] == []
    foreign = sim.add_foreign_mapping("a SAML mapping")
    resp = api(sim, "PATCH", "rac/endpoints/%s/" % endpoint, json={"property_mappings": [foreign]})
    assert resp.json()["property_mappings"] == [foreign], "endpoints accept property mappings of any kind"


def test_users(sim):
    found = api(sim, "GET", "core/users/", params={"username": "alice"}).json()["results"]
    assert [(u["pk"], u["username"]) for u in found] == [(ALICE_PK, "alice")]
    assert api(sim, "GET", "core/users/%d/" % BOB_PK).json()["username"] == "bob"
    assert api(sim, "GET", "core/users/%d/" % ADMIN_PK).json()["is_superuser"] is True


# ------------------------------------------------------------------------------------------ contract checks


def test_wrong_typed_user_is_a_contract_violation(sim):
    resp = api(sim, "POST", "core/tokens/", json={"identifier": "typed", "intent": "app_password", "user": "6"})
    expect_violation(sim, resp, "TokenRequest", "user")
    assert sim.get_token("typed") is None, "nothing was created"
    sim.seed_token("typed2", user=ALICE_PK, intent="app_password")
    resp = api(sim, "PATCH", "core/tokens/typed2/", json={"user": "6", "intent": "app_password"})
    expect_violation(sim, resp, "PatchedTokenRequest")


def test_unknown_field_is_a_contract_violation_except_key(sim):
    resp = api(sim, "POST", "core/tokens/", json={"identifier": "unk", "intent": "app_password", "owner": 6})
    expect_violation(sim, resp, "owner")
    token = sim.seed_token("echo", user=ALICE_PK, intent="app_password")
    read_back = api(sim, "GET", "core/tokens/%s/" % token).json()
    resp = api(sim, "PUT", "core/tokens/echo/", json=read_back)  # pk and user_obj are read-only
    expect_violation(sim, resp, "pk", "user_obj")
    assert api(sim, "POST", "core/tokens/", json={"identifier": "k", "intent": "app_password", "key": "x"}).status_code == 201


@pytest.mark.parametrize("path, body, needle", [
    ("providers/rac/", {"name": "p", "authorization_flow": IMPLICIT, "delete_token_on_disconnect": "yes"}, "delete_token_on_disconnect"),
    ("providers/rac/", {"name": "p", "authorization_flow": IMPLICIT, "settings": []}, "settings"),
    ("providers/rac/", {"name": "p", "authorization_flow": 5}, "authorization_flow"),
    ("providers/rac/", {"name": "p", "authorization_flow": IMPLICIT, "property_mappings": RDP_DEFAULT}, "property_mappings"),
    ("core/tokens/", {"identifier": "t", "expiring": "false"}, "expiring"),
    ("core/tokens/", {"identifier": "t", "description": 5}, "description"),
    ("core/tokens/", [{"identifier": "t"}], "not a JSON object"),
])
def test_wrong_json_types_are_contract_violations(sim, path, body, needle):
    expect_violation(sim, api(sim, "POST", path, json=body), needle)


def test_endpoint_wrong_type_is_a_violation_and_semantic_errors_are_not(sim):
    provider = sim.seed_provider("p")
    good = {"name": "e", "provider": provider, "protocol": "rdp", "host": "h", "auth_mode": "static"}
    expect_violation(sim, api(sim, "POST", "rac/endpoints/", json=dict(good, maximum_connections="2")), "maximum_connections")
    expect_violation(sim, api(sim, "POST", "rac/endpoints/", json=dict(good, provider=str(provider))), "provider")
    resp = api(sim, "POST", "rac/endpoints/", json=dict(good, maximum_connections=2 ** 31))
    assert resp.json() == {"maximum_connections": ["Ensure this value is less than or equal to 2147483647."]}
    assert sim.violations == []


def test_legitimate_round_trips_pass_the_contract(sim):
    """What a correct client sends (writable fields read back from the server) never trips the check."""
    sim.seed_token("rt", user=ALICE_PK, intent="app_password", description="d")
    token = api(sim, "GET", "core/tokens/rt/").json()
    writable = {k: token[k] for k in ("identifier", "intent", "user", "description", "expires", "expiring", "managed")}
    assert api(sim, "PUT", "core/tokens/rt/", json=writable).status_code == 200
    provider = api(sim, "POST", "providers/rac/", json={"name": "rt", "authorization_flow": IMPLICIT}).json()
    writable = {k: provider[k] for k in ("name", "authorization_flow", "authentication_flow", "property_mappings", "settings",
                                         "connection_expiry", "delete_token_on_disconnect")}
    assert api(sim, "PUT", "providers/rac/%d/" % provider["pk"], json=writable).status_code == 200
    assert sim.violations == []


def test_response_bodies_are_checked_too(sim, monkeypatch):
    monkeypatch.setattr(sim, "_flow_obj", lambda flow: {"pk": flow["pk"], "slug": flow["slug"]})
    resp = api(sim, "GET", "flows/instances/default-authentication-flow/")
    expect_violation(sim, resp, "response does not match Flow")


def test_without_validation_wrong_types_are_plain_400s():
    with AuthentikSimulator(admin_token=ADMIN_TOKEN, validate=False) as plain:
        resp = api(plain, "POST", "core/tokens/", json={"identifier": "t", "user": "6", "bogus": 1})
        assert (resp.status_code, resp.json()) == (400, {"user": ["Incorrect type. Expected pk value, received str."]})
        assert plain.violations == []


# ------------------------------------------------------------------------------------------ counting, faults, connections


def test_request_counting(sim):
    api(sim, "GET", "core/tokens/", params={"identifier": "x"})
    api(sim, "POST", "core/tokens/", json={"identifier": "counted", "intent": "app_password"})
    api(sim, "DELETE", "core/tokens/counted/")
    assert sim.requests == [("GET", "/api/v3/core/tokens/", "identifier=x"), ("POST", "/api/v3/core/tokens/", ""),
                            ("DELETE", "/api/v3/core/tokens/counted/", "")]
    assert (sim.count(), sim.count("GET"), sim.count(path_prefix="/core/tokens/counted/"), sim.writes()) == (3, 1, 1, 2)
    sim.reset_counts()
    assert (sim.count(), sim.writes()) == (0, 0)


def test_fault_status_retry_after_and_times(sim):
    sim.add_fault("GET", r"/core/tokens/$", status=503, times=2, retry_after=7)
    for _attempt in range(2):
        resp = api(sim, "GET", "core/tokens/")
        assert (resp.status_code, resp.headers.get("Retry-After"), resp.json()) == (503, "7", {"detail": "Service Unavailable"})
    assert api(sim, "GET", "core/tokens/").status_code == 200
    assert api(sim, "GET", "core/users/").status_code == 200
    sim.add_fault(None, r"/core/users/", status=502, body="<html><body>Bad Gateway</body></html>")
    resp = api(sim, "POST", "core/users/")
    assert resp.status_code == 502 and resp.headers["Content-Type"].startswith("text/html") and "Bad Gateway" in resp.text
    assert sim.count() == 5, "faulted requests are counted"


def test_fault_drop_and_after_apply(sim):
    sim.add_fault("GET", r"/core/tokens/", drop=True)
    with pytest.raises(requests.exceptions.ConnectionError):
        api(sim, "GET", "core/tokens/")
    sim.add_fault("POST", r"/core/tokens/$", drop=True)
    with pytest.raises(requests.exceptions.ConnectionError):
        api(sim, "POST", "core/tokens/", json={"identifier": "lost-before", "intent": "app_password"})
    assert sim.get_token("lost-before") is None, "dropped before it was applied"
    sim.add_fault("POST", r"/core/tokens/$", drop=True, after_apply=True)
    with pytest.raises(requests.exceptions.ConnectionError):
        api(sim, "POST", "core/tokens/", json={"identifier": "lost-after", "intent": "app_password"})
    assert sim.get_token("lost-after") is not None, "applied, only the answer was lost"
    sim.add_fault("PATCH", r"/core/tokens/", status=504, after_apply=True)
    resp = api(sim, "PATCH", "core/tokens/lost-after/", json={"description": "x", "user": ADMIN_PK, "intent": "app_password"})
    assert resp.status_code == 504
    assert sim.get_token("lost-after")["description"] == "x"


def test_fault_delay(sim):
    sim.add_fault("GET", r"/core/users/", status=None, delay=0.3)
    started = time.monotonic()
    assert api(sim, "GET", "core/users/").status_code == 200
    assert time.monotonic() - started >= 0.3
    started = time.monotonic()
    api(sim, "GET", "core/users/")
    assert time.monotonic() - started < 0.3, "times=1"


def test_keep_alive_reuses_one_connection(sim):
    before = sim.connections
    with requests.Session() as session:
        for _attempt in range(2):
            assert api(sim, "GET", "core/users/", session=session).status_code == 200
        sim.seed_token("ka", user=ADMIN_PK, intent="app_password")
        assert api(sim, "DELETE", "core/tokens/ka/", session=session).status_code == 204
        assert api(sim, "GET", "core/tokens/", session=session).status_code == 200
    assert sim.connections - before == 1
    api(sim, "GET", "core/users/")
    assert sim.connections - before == 2, "the counter counts connections"


def test_tls_with_self_signed_ca(tmp_path):
    files = make_self_signed_ca(tmp_path)
    with AuthentikSimulator(admin_token=ADMIN_TOKEN, validate=False, tls=(files["cert"], files["key"])) as tls_sim:
        assert tls_sim.url.startswith("https://127.0.0.1:")
        resp = requests.get(tls_sim.url + "/api/v3/core/users/", headers={"Authorization": "Bearer " + ADMIN_TOKEN},
                            verify=files["ca"], timeout=10)
        assert resp.status_code == 200
        localhost = tls_sim.url.replace("127.0.0.1", "localhost")
        assert requests.get(localhost + "/api/v3/core/users/", headers={"Authorization": "Bearer " + ADMIN_TOKEN},
                            verify=files["ca"], timeout=10).status_code == 200
        with pytest.raises(requests.exceptions.SSLError):
            requests.get(tls_sim.url + "/api/v3/core/users/", timeout=10)


# ------------------------------------------------------------------------------------------ admin API, seeding, CLI


def test_admin_http_api(sim):
    url = sim.url + "/_sim/"
    auth = {"Authorization": "Bearer " + ADMIN_TOKEN}
    assert requests.get(url + "stats", timeout=10).status_code == 403
    assert requests.get(url + "stats", headers={"Authorization": "Bearer " + ALICE_TOKEN}, timeout=10).status_code == 403
    created = requests.post(url + "seed", headers=auth, json={"kind": "provider", "name": "via-admin"}, timeout=10).json()
    provider = created["id"]
    endpoint = requests.post(url + "seed", headers=auth, json={"kind": "endpoint", "name": "e", "provider_pk": provider},
                             timeout=10).json()["id"]
    many = requests.post(url + "seed", headers=auth, json={"kind": "connection_tokens", "n": 3, "provider_pk": provider,
                                                           "endpoint_uuid": endpoint, "user_pk": BOB_PK}, timeout=10).json()
    assert len(many["ids"]) == 3
    tokens = requests.post(url + "seed", headers=auth, json={"kind": "tokens", "n": 2, "prefix": "adm"}, timeout=10).json()
    assert tokens["ids"] == ["adm-00000", "adm-00001"]
    assert requests.post(url + "seed", headers=auth, json={"kind": "nope"}, timeout=10).status_code == 400
    assert requests.post(url + "faults", headers=auth, json={"method": "GET", "path_regex": "/core/users/", "status": 429,
                                                             "retry_after": 1}, timeout=10).status_code == 201
    assert api(sim, "GET", "core/users/").status_code == 429
    api(sim, "GET", "core/users/")
    api(sim, "DELETE", "rac/connection_tokens/%s/" % many["ids"][0])
    stats = requests.get(url + "stats", headers=auth, timeout=10).json()
    assert stats == {"requests": 3, "by_method": {"GET": 2, "DELETE": 1}, "writes": 1, "violations": [],
                     "log": [["GET", "/api/v3/core/users/", ""], ["GET", "/api/v3/core/users/", ""],
                             ["DELETE", "/api/v3/rac/connection_tokens/%s/" % many["ids"][0], ""]]}
    assert requests.post(url + "reset_counts", headers=auth, timeout=10).status_code == 204
    assert requests.get(url + "stats", headers=auth, timeout=10).json()["requests"] == 0
    requests.post(url + "faults", headers=auth, json={"method": None, "path_regex": ".", "status": 500, "times": None}, timeout=10)
    assert requests.delete(url + "faults", headers=auth, timeout=10).status_code == 204
    assert requests.post(url + "reset", headers=auth, timeout=10).status_code == 204
    assert api(sim, "GET", "providers/rac/").json()["results"] == []
    assert sim.count() == 1, "admin calls are not counted"


def test_reset_restores_the_initial_seed(sim):
    sim.seed_provider("temp")
    api(sim, "DELETE", "core/tokens/alice-api-token/")
    sim.reset()
    assert api(sim, "GET", "providers/rac/").json()["pagination"]["count"] == 0
    assert api(sim, "GET", "core/tokens/", token=ALICE_TOKEN).status_code == 200


def test_bulk_seeding_and_indexed_filters(sim, monkeypatch):
    """10,000 seeded tokens; a filter by identifier looks at one token (the index), not at all of them. Counts,
    not wall times: no scan of every token."""
    identifiers = sim.seed_tokens(10000, "perf")
    assert len(identifiers) == 10000 and sim.get_token("perf-09999") is not None
    scans = []

    class Tokens(dict):
        def values(self):
            scans.append(len(self))
            return super().values()

    monkeypatch.setattr(sim, "tokens", Tokens(sim.tokens))
    resp = api(sim, "GET", "core/tokens/", params={"identifier": "perf-05000"})
    assert resp.json()["pagination"]["count"] == 1
    assert scans == [], "the identifier index, not a scan of every token"
    assert len(sim.seed_providers(50, "bulk")) == 50


def test_command_line(tmp_path):
    ready = tmp_path / "url"
    proc = subprocess.Popen([sys.executable, authentik_sim.__file__, "--port", "0", "--token", "cli-token", "--no-validate",
                             "--ready-file", str(ready)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while not ready.exists() and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
        url = ready.read_text(encoding="utf-8").strip()
        assert url.startswith("http://127.0.0.1:")
        resp = requests.get(url + "/api/v3/core/users/", headers={"Authorization": "Bearer cli-token"}, timeout=10)
        assert resp.json()["pagination"]["count"] == 3
        stats = requests.get(url + "/_sim/stats", headers={"Authorization": "Bearer cli-token"}, timeout=10).json()
        assert stats["requests"] == 1
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    assert out.splitlines() == ["authentik simulator listening on %s" % url]
    assert err == "", "quiet: no per-request log lines"


def test_module_imports_authentik_client_lazily():
    """Importing the simulator must not import authentik_client (it costs several seconds)."""
    code = ("import sys; sys.path.insert(0, %r); import authentik_sim; "
            "print('authentik_client' in sys.modules)" % os.path.dirname(authentik_sim.__file__))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60).stdout
    assert out.strip() == "False"
    assert authentik_sim.models_import_seconds() is not None, "imported once, when a validating simulator started"
