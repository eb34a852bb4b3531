# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reliability: the modules keep working and lose nothing when the server or the user misbehaves.

Every test runs a real module (in-process, real exit_json/fail_json) against the simulator and its fault
injection, and measures what happened (requests, writes, seconds):

- transient faults: 502/503/504 and 429 with Retry-After on reads and on idempotent writes (PATCH, DELETE,
  set_key) succeed after retries;
- lost creates: a POST is never blindly retried; after a dropped connection, a gateway error, a timeout or a
  concurrent "already exists", the module reads again and converges (no duplicate, no failure);
- a server that stays down (503, Retry-After, no answer, refused) fails with one clear line once ``retries`` or
  the ``retry_timeout`` budget is spent; what a retry cannot fix (DNS, TLS, 4xx but 429) fails at once;
- no test waits: the client's clock and sleep are replaced by a fake clock (the real clock plus every wait), and
  the tests assert the waits and the requests, never wall time;
- a table of invalid inputs across the modules: a one-line error naming the option and value, or the HTTP
  status and the server's message; no traceback, no write, the server's state unchanged;
- TLS with a self-signed CA: verification fails clearly, ``ca_path`` passes, ``validate_certs: false`` and
  ``AUTHENTIK_INSECURE=true`` work with a warning.

``AUTHENTIK_RELIABILITY_REPORT=FILE`` writes the measured scenarios as a Markdown table to FILE (the source
of the table in README.md and docs/docsite/rst/reliability.rst).
"""

from __future__ import annotations

import copy
import inspect
import os
import socket
import time

import pytest

from ansible.release import __version__ as ANSIBLE_CORE_VERSION

from ansible_collections.authentik.api.plugins.module_utils._client import MAX_WAIT, AuthentikClient
from ansible_collections.authentik.api.plugins.module_utils._module import CONNECTION_ARGSPEC
from ansible_collections.authentik.api.plugins.modules.core_token import TOKEN
from ansible_collections.authentik.api.tests.simulator.authentik_sim import (
    ADMIN_PK,
    ALICE_PK,
    start_https,
)

ADMIN_TOKEN = "sim-admin-token"
BACKOFF = inspect.signature(AuthentikClient.__init__).parameters["backoff"].default
RETRY_TIMEOUT = CONNECTION_ARGSPEC["retry_timeout"]["default"]
# core_token's lookup: GET core/tokens/<identifier>/ or the filtered list, depending on the module.
TOKEN_LOOKUP = r"/core/tokens/(?:[-\w]+/)?$"
EMPTY_PAGE = {"pagination": {"next": 0, "previous": 0, "count": 0, "current": 1, "total_pages": 1, "start_index": 0, "end_index": 0},
              "results": [], "autocomplete": {}}
ENV_VARS = ("AUTHENTIK_URL", "AUTHENTIK_TOKEN", "AUTHENTIK_INSECURE", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")

MEASURED = []


# --------------------------------------------------------------------------------------------------
# helpers


def backoff_waits(retries):
    """The waits between ``retries + 1`` attempts without Retry-After (jitter off): backoff x 1, 2, 4, ... capped."""
    return [min(MAX_WAIT, BACKOFF * 2 ** n) for n in range(retries)]


def budget_waits(budget=RETRY_TIMEOUT):
    """The waits of a request that keeps failing at once until ``budget`` seconds are spent (no count limit):
    the backoff, the last wait cut to what is left (less the real time the attempts took)."""
    waits, left, n = [], budget, 0
    while left > 0:
        waits.append(min(MAX_WAIT, BACKOFF * 2 ** n, left))
        left -= waits[-1]
        n += 1
    return waits


class FakeTime:
    """The client's clock and sleep in these tests: a wait takes no real time, the clock is the real one plus
    every wait so far (a timeout still counts against the budget)."""

    def __init__(self):
        self.offset = 0.0
        self.sleeps = []

    def clock(self):
        return time.monotonic() + self.offset

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.offset += seconds


WAITS = []


@pytest.fixture(autouse=True)
def waits(monkeypatch):
    """A fake clock for every client of the test, jitter off; the test reads ``waits.sleeps``."""
    fake = FakeTime()
    monkeypatch.setattr(AuthentikClient, "clock", staticmethod(fake.clock))
    monkeypatch.setattr(AuthentikClient, "sleep", staticmethod(fake.sleep))
    monkeypatch.setattr(AuthentikClient, "jitter", staticmethod(lambda: 0.0))
    WAITS[:] = [fake]
    return fake


def timed(run_module, module, /, **params):
    """Run a module; the seconds it would take for real: its real time plus the waits it asked for."""
    start, waited = time.monotonic(), sum(WAITS[0].sleeps)
    result = run_module(module, **params)
    return result, time.monotonic() - start + sum(WAITS[0].sleeps) - waited


def record(scenario, outcome, sim, seconds, extra=""):
    """One row of the measured table: what was injected, what the module did, requests seen, seconds."""
    by_method = {}
    with sim.lock:
        for method, _path, _query in sim.requests:
            by_method[method] = by_method.get(method, 0) + 1
    counts = ", ".join("%d %s" % (n, m) for m, n in sorted(by_method.items())) or "no request"
    MEASURED.append((scenario, outcome, counts + (", " + extra if extra else ""), "%.1f s" % seconds))


def assert_ok(result):
    assert result["_rc"] == 0 and not result.get("failed"), result.get("msg", result)


def assert_clear_failure(result, fragments):
    """Failed with one line containing ``fragments`` (a string or a tuple of strings): no traceback, no exception
    text, no token."""
    assert result["_rc"] == 1 and result.get("failed") is True, result
    msg = result["msg"]
    for fragment in (fragments,) if isinstance(fragments, str) else fragments:
        assert fragment in msg, msg
    assert "\n" not in msg, msg
    assert "Traceback" not in result["_raw"] and "exception" not in result, result
    assert "internal error" not in msg, msg
    assert ADMIN_TOKEN not in result["_raw"]


def server_state(sim):
    """Everything the modules could change, for before/after comparison."""
    with sim.lock:
        return copy.deepcopy(dict(tokens=sim.tokens, providers=sim.providers, names=sim.provider_names,
                                  endpoints=sim.endpoints, connection_tokens=sim.connection_tokens))


def tokens_named(sim, identifier):
    with sim.lock:
        return [t for t in sim.tokens.values() if t["identifier"] == identifier]


def providers_named(sim, name):
    with sim.lock:
        return [p for p in sim.providers.values() if p["name"] == name]


def settle(seconds):
    """Wait for a request the simulator is still delaying, so that it cannot land in the next test's state."""
    time.sleep(seconds)


def token_not_found_yet(identifier, times):
    """A fault making core_token's lookup of ``identifier`` see no token (a stale read, or a token created just
    after it), whether the module GETs the token's URL or filters the list."""
    if TOKEN.lookup_filter is None:
        return dict(method="GET", path_regex=r"/core/tokens/%s/$" % identifier, status=404, times=times,
                    body={"detail": "No Token matches the given query."})
    return dict(method="GET", path_regex=r"/core/tokens/$", query_regex=r"(^|&)%s=%s(&|$)" % (TOKEN.lookup_filter, identifier),
                status=200, times=times, body=EMPTY_PAGE)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    """No connection settings from the environment unless a test sets them."""
    for var in ENV_VARS:
        monkeypatch.delenv(var, raising=False)


@pytest.fixture(scope="module", autouse=True)
def report():
    """Write the measured table when AUTHENTIK_RELIABILITY_REPORT names a file."""
    yield
    path = os.environ.get("AUTHENTIK_RELIABILITY_REPORT")
    if path and MEASURED:
        write_report(path, MEASURED)


def write_report(path, rows):
    """Append rows to the Markdown table in ``path``; whoever creates the file writes the header (xdist workers)."""
    text = "".join("| %s |\n" % " | ".join(row) for row in rows)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        text = "| scenario | result | requests seen by the server | time |\n| --- | --- | --- | --- |\n" + text
    except FileExistsError:
        descriptor = os.open(path, os.O_WRONLY | os.O_APPEND)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)


# --------------------------------------------------------------------------------------------------
# transient faults on reads


@pytest.mark.parametrize("status, retry_after", [(502, None), (503, None), (504, None), (429, 1)])
def test_transient_error_on_a_read_is_retried(sim, run_module, waits, status, retry_after):
    sim.seed_token("rel-read", expiring=False, description="kept")
    sim.add_fault("GET", TOKEN_LOOKUP, status=status, times=2, retry_after=retry_after)
    result, seconds = timed(run_module, "core_token", identifier="rel-read", description="kept")
    assert_ok(result)
    assert result["changed"] is False
    assert sim.count("GET") == 3 and sim.writes() == 0
    assert waits.sleeps == ([retry_after] * 2 if retry_after else backoff_waits(2))
    record("%d%s x2 on GET, then 200" % (status, " Retry-After: %d" % retry_after if retry_after else ""),
           "ok, unchanged", sim, seconds)


def test_transient_error_on_a_later_page_is_retried(sim, run_module):
    provider = sim.seed_provider("rel-pages")
    endpoint = sim.seed_endpoint("dc01", provider)
    sim.seed_connection_tokens(150, provider, endpoint, ALICE_PK)
    sim.add_fault("GET", r"/rac/connection_tokens/$", query_regex=r"(^|&)page=2(&|$)", status=503, times=1)
    result, seconds = timed(run_module, "rac_connection_token_info", provider="rel-pages")
    assert_ok(result)
    assert result["count"] == 150 and len(set(t["pk"] for t in result["connection_tokens"])) == 150
    assert sim.count("GET", "rac/connection_tokens/") == 3
    record("503 on page 2 of 2 of a list", "ok, all 150 objects listed", sim, seconds)


def test_transient_errors_on_reference_lookups_are_retried(sim, run_module):
    sim.add_fault("GET", r"/flows/instances/", status=502, times=1)
    sim.add_fault("GET", r"/propertymappings/provider/rac/$", status=504, times=1)
    result, seconds = timed(run_module, "rac_provider", name="rel-refs", property_mappings=["goauthentik.io/providers/rac/rdp-default"],
                            authorization_flow="default-provider-authorization-implicit-consent")
    assert_ok(result)
    assert result["changed"] is True and len(providers_named(sim, "rel-refs")) == 1
    assert sim.count("POST") == 1
    record("502 on the flow lookup and 504 on the mapping lookup of a create", "ok, created once", sim, seconds)


# --------------------------------------------------------------------------------------------------
# transient faults on idempotent writes


def test_patch_refused_twice_is_retried(sim, run_module, waits):
    sim.seed_token("rel-pw", user=ALICE_PK, intent="app_password", description="d1")
    sim.add_fault("PATCH", r"/core/tokens/rel-pw/$", status=503, times=2)
    result, seconds = timed(run_module, "core_token", identifier="rel-pw", description="d2")
    assert_ok(result)
    assert result["changed"] is True
    assert sim.count("PATCH") == 3
    token = sim.get_token("rel-pw")
    assert (token["description"], token["intent"], token["user"]) == ("d2", "app_password", ALICE_PK)
    assert waits.sleeps == backoff_waits(2)
    record("503 x2 on PATCH, then 200", "ok, changed, owner and intent kept", sim, seconds)


def test_patch_whose_answer_is_lost_is_sent_again(sim, run_module):
    sim.seed_token("rel-pw", user=ALICE_PK, intent="app_password", description="d1")
    sim.add_fault("PATCH", r"/core/tokens/rel-pw/$", status=502, times=1, after_apply=True)
    result, seconds = timed(run_module, "core_token", identifier="rel-pw", description="d2")
    assert_ok(result)
    assert result["changed"] is True and sim.count("PATCH") == 2
    assert sim.get_token("rel-pw")["description"] == "d2" and len(tokens_named(sim, "rel-pw")) == 1
    record("PATCH applied, answer 502 (lost)", "ok, changed, same PATCH sent again", sim, seconds)


def test_patch_rate_limited_waits_for_retry_after(sim, run_module, waits):
    provider = sim.seed_provider("rel-rl")
    sim.add_fault("PATCH", r"/providers/rac/%d/$" % provider, status=429, times=1, retry_after=2)
    result, seconds = timed(run_module, "rac_provider", name="rel-rl", connection_expiry="hours=2")
    assert_ok(result)
    assert result["changed"] is True and sim.get_provider(provider)["connection_expiry"] == "hours=2"
    assert sim.count("PATCH") == 2
    assert waits.sleeps == [2]
    record("429 Retry-After: 2 on PATCH", "ok, changed after waiting 2 s", sim, seconds)


def test_delete_whose_answer_is_lost_is_success(sim, run_module):
    sim.seed_token("rel-del")
    sim.add_fault("DELETE", r"/core/tokens/rel-del/$", status=504, times=1, after_apply=True)
    result, seconds = timed(run_module, "core_token", identifier="rel-del", state="absent")
    assert_ok(result)
    assert result["changed"] is True and sim.get_token("rel-del") is None
    assert sim.count("DELETE") == 2, "the retried DELETE finds nothing (404): that is success"
    record("DELETE applied, answer 504 (lost)", "ok, changed; the retry's 404 is success", sim, seconds)


def test_set_key_refused_is_retried(sim, run_module):
    sim.seed_token("rel-key", expiring=False)
    sim.add_fault("POST", r"/core/tokens/rel-key/set_key/$", status=503, times=1)
    result, seconds = timed(run_module, "core_token", identifier="rel-key", key="rel-key-value-0123456789")
    assert_ok(result)
    assert result["changed"] is True and sim.get_token("rel-key")["key"] == "rel-key-value-0123456789"
    assert sim.count("POST", "core/tokens/rel-key/set_key/") == 2
    assert "rel-key-value-0123456789" not in result["_raw"]
    record("503 on set_key (idempotent POST)", "ok, key set", sim, seconds)


def test_bulk_revoke_retries_a_refused_delete(sim, run_module):
    provider = sim.seed_provider("rel-bulk")
    endpoint = sim.seed_endpoint("dc01", provider)
    sim.seed_connection_tokens(3, provider, endpoint, ALICE_PK)
    sim.add_fault("DELETE", r"/rac/connection_tokens/", status=503, times=1)
    result, seconds = timed(run_module, "rac_connection_token", provider="rel-bulk", state="absent")
    assert_ok(result)
    assert result["count"] == 3 and sim.count("DELETE") == 4
    assert not sim.connection_tokens
    record("503 on 1 of 3 DELETEs of a bulk revoke", "ok, 3 revoked", sim, seconds)


# --------------------------------------------------------------------------------------------------
# creates whose answer is lost: read again and converge, never a duplicate


@pytest.mark.parametrize("fault, posts, scenario", [
    (dict(drop=True, after_apply=True), 1, "POST applied, connection dropped before the answer"),
    (dict(drop=True, after_apply=False), 2, "connection dropped before the POST is applied"),
    (dict(status=502, after_apply=True), 1, "POST applied, answer 502"),
    (dict(status=503, times=2), 3, "503 x2 on POST (not applied)"),
])
def test_lost_create_reads_again_and_converges(sim, run_module, fault, posts, scenario):
    sim.add_fault("POST", r"/core/tokens/$", **fault)
    result, seconds = timed(run_module, "core_token", identifier="rel-new", expiring=False, description="once")
    assert_ok(result)
    assert result["changed"] is True
    assert len(tokens_named(sim, "rel-new")) == 1
    assert sim.get_token("rel-new")["description"] == "once"
    assert sim.count("POST") == posts
    record(scenario, "ok, changed, exactly 1 token", sim, seconds)


def test_lost_create_of_a_provider_converges(sim, run_module):
    sim.add_fault("POST", r"/providers/rac/$", drop=True, after_apply=True)
    params = dict(name="rel-rdp", authorization_flow="default-provider-authorization-implicit-consent", connection_expiry="hours=1")
    result, seconds = timed(run_module, "rac_provider", **params)
    assert_ok(result)
    assert result["changed"] is True and len(providers_named(sim, "rel-rdp")) == 1
    assert sim.count("POST") == 1
    record("RAC provider POST applied, connection dropped", "ok, changed, exactly 1 provider", sim, seconds)
    sim.reset_counts()
    again = run_module("rac_provider", **params)
    assert_ok(again)
    assert again["changed"] is False and sim.writes() == 0


def test_already_exists_from_a_concurrent_run_converges(sim, run_module):
    """Another run creates the token between our lookup and our POST: authentik answers 400 "already
    exists"; the module reads it and converges on it (here: updates the description) instead of failing."""
    sim.seed_token("rel-race", expiring=False, description="theirs")
    sim.add_fault(**token_not_found_yet("rel-race", times=1))
    result, seconds = timed(run_module, "core_token", identifier="rel-race", expiring=False, description="ours")
    assert_ok(result)
    assert result["changed"] is True
    assert len(tokens_named(sim, "rel-race")) == 1 and sim.get_token("rel-race")["description"] == "ours"
    assert sim.count("POST") == 1 and sim.count("PATCH") == 1
    record('400 "already exists" on POST (a concurrent run won)', "ok, re-read, converged with 1 PATCH", sim, seconds)


def test_slow_create_answered_after_the_timeout_is_not_duplicated(sim, run_module):
    """The POST reaches the server but is answered after ``timeout``: the module reads (nothing yet), sends
    the POST again, which creates the token; the slow first POST then gets "already exists"."""
    sim.add_fault("POST", r"/core/tokens/$", status=None, delay=2.0, times=1)
    start = time.monotonic()
    result, seconds = timed(run_module, "core_token", identifier="rel-slow", expiring=False, timeout=0.5)
    settle(max(0.0, 2.3 - (time.monotonic() - start)))
    assert_ok(result)
    assert result["changed"] is True
    assert len(tokens_named(sim, "rel-slow")) == 1
    assert sim.count("POST") == 2
    record("POST slower than timeout (0.5 s), lands after the retry", "ok, changed, exactly 1 token", sim, seconds)


def test_lost_create_then_already_exists_reports_changed(sim, run_module):
    """Our POST is applied but its answer is lost, and the re-read does not see the object yet (a slow POST that
    lands just after the re-read; here a stale 404 makes that ordering deterministic): the second POST gets
    "already exists". The token was created by this run, so the task must report changed."""
    sim.add_fault("POST", r"/core/tokens/$", drop=True, after_apply=True, times=1)
    sim.add_fault(**token_not_found_yet("rel-lost", times=2))
    result = run_module("core_token", identifier="rel-lost", expiring=False)
    assert_ok(result)
    assert len(tokens_named(sim, "rel-lost")) == 1
    assert sim.count("POST") == 2
    assert result["changed"] is True, "this run created the token"


def test_rate_limited_create_waits_for_retry_after(sim, run_module, waits):
    sim.add_fault("POST", r"/core/tokens/$", status=429, retry_after=2, times=1)
    result, seconds = timed(run_module, "core_token", identifier="rel-rl-new", expiring=False)
    assert_ok(result)
    assert result["changed"] is True and len(tokens_named(sim, "rel-rl-new")) == 1
    assert sim.count("POST") == 2
    assert waits.sleeps == [2], "the second POST must wait for Retry-After"
    record("429 Retry-After: 2 on a create's POST", "ok, re-read, created after waiting 2 s", sim, seconds)


# --------------------------------------------------------------------------------------------------
# a server that stays down: one clear line, within a bounded time


@pytest.mark.parametrize("retries", [0, 1, None])
def test_server_answering_503_forever(sim, run_module, waits, retries):
    sim.add_fault(None, r".*", status=503, times=None)
    params = dict(identifier="rel-down")
    if retries is not None:
        params["retries"] = retries
    result, seconds = timed(run_module, "core_token", **params)
    assert_clear_failure(result, ("GET /api/v3/core/tokens/", ": HTTP 503: Service Unavailable"))
    expected = backoff_waits(retries) if retries is not None else budget_waits()
    assert len(waits.sleeps) == len(expected) and waits.sleeps[:-1] == expected[:-1]
    assert sum(waits.sleeps) <= RETRY_TIMEOUT
    assert sim.count() == len(expected) + 1 and sim.writes() == 0
    record("503 forever, %s" % ("retries=%d" % retries if retries is not None else "defaults (retry_timeout %.0f s)" % RETRY_TIMEOUT),
           "failed: HTTP 503 after %d requests" % (len(expected) + 1), sim, seconds)


def test_server_answering_429_forever_honours_retry_after(sim, run_module, waits):
    sim.add_fault(None, r".*", status=429, times=None, retry_after=1, body={"detail": "Request was throttled."})
    result, seconds = timed(run_module, "core_token", identifier="rel-down", retries=2)
    assert_clear_failure(result, "HTTP 429: Request was throttled.")
    assert sim.count() == 3 and waits.sleeps == [1, 1]
    record("429 Retry-After: 1 forever, retries=2", "failed: HTTP 429", sim, seconds)


def test_retry_after_beyond_the_budget_fails_at_once(sim, run_module, waits):
    sim.add_fault(None, r".*", status=503, times=None, retry_after=120)
    result, seconds = timed(run_module, "core_token", identifier="rel-down")
    assert_clear_failure(result, ("HTTP 503: Service Unavailable; the server asked to retry after 120 s, "
                                  "more than the %.0f s left of retry_timeout" % RETRY_TIMEOUT))
    assert sim.count() == 1 and waits.sleeps == []
    record("503 Retry-After: 120 (more than retry_timeout)", "failed at once: HTTP 503", sim, seconds)


def test_an_outage_shorter_than_the_budget_is_ridden_out(sim, run_module, waits):
    """Defaults: 8 refusals (503) of the lookup, 27.5 s of waits, then the server is back: the task succeeds."""
    sim.add_fault("GET", TOKEN_LOOKUP, status=503, times=8)
    result, seconds = timed(run_module, "core_token", identifier="rel-back", expiring=False)
    assert_ok(result)
    assert result["changed"] is True and len(tokens_named(sim, "rel-back")) == 1
    assert sim.count("GET", "core/tokens/") >= 9 and sim.count("POST") == 1
    assert waits.sleeps == budget_waits()[:8]
    record("503 x8 on the lookup (%.1f s of waits), defaults" % sum(waits.sleeps), "ok, created once", sim, seconds)


HTML_500 = "<html><body><h1>Server Error</h1><a href='/'>Go home</a> Powered by authentik</body></html>"


@pytest.mark.parametrize("ready, posts, outcome", [(503, 1, "ok"), (200, 0, "failed")])
def test_database_down_is_ridden_out_and_a_bug_is_not(sim, run_module, waits, ready, posts, outcome):
    """authentik with PostgreSQL stopped answers its HTML 500 page and /-/health/ready/ answers 503: retried like a
    503. The same 500 while /-/health/ready/ answers 200 is a bug in authentik: it fails at once."""
    sim.add_fault(None, r"^/api/v3/", status=500, body=HTML_500, times=3)
    if ready != 200:  # the simulator's own /-/health/ready/ answers 200
        sim.add_fault("GET", r"^/-/health/ready/$", status=ready, times=3)
    result, seconds = timed(run_module, "core_token", identifier="rel-db", expiring=False)
    if outcome == "ok":
        assert_ok(result)
        assert waits.sleeps == backoff_waits(3) and len(tokens_named(sim, "rel-db")) == 1
    else:
        assert_clear_failure(result, "HTTP 500: non-JSON answer")
        assert "its server log says why" in result["msg"] and waits.sleeps == []
    assert sim.count("POST") == posts
    record("HTML 500 x3 with /-/health/ready/ %d" % ready, "%s, %d requests" % (outcome, sim.count()), sim, seconds)


@pytest.mark.parametrize("status", [400, 401, 403, 404, 405])
def test_client_errors_other_than_429_fail_at_once(sim, run_module, waits, status):
    sim.add_fault(None, r"^/api/v3/", status=status, times=None, body={"detail": "refused by the test"})
    result = run_module("core_token", identifier="rel-4xx")
    assert_clear_failure(result, "HTTP %d: refused by the test" % status)
    assert sim.count() == 1 and waits.sleeps == []


def test_dns_failure_fails_at_once(sim, run_module, waits):
    result, seconds = timed(run_module, "core_token", identifier="rel-dns", url="https://i17-no-such-host.invalid")
    assert_clear_failure(result, "cannot resolve the host of https://i17-no-such-host.invalid/api/v3/ (DNS lookup failed")
    assert waits.sleeps == []
    record("DNS name that does not resolve, defaults", "failed at once: cannot resolve the host", sim, seconds)


def test_server_that_never_answers_times_out(sim, run_module, waits):
    sim.add_fault("GET", r".*", status=None, delay=3.0, times=None)
    result, seconds = timed(run_module, "core_token", identifier="rel-down", timeout=0.5, retries=1)
    assert_clear_failure(result, "cannot reach authentik at %s/api/v3/ after 2 attempt(s)" % sim.url)
    assert "timed out" in result["msg"]
    assert sim.count() == 2 and sim.writes() == 0 and waits.sleeps == backoff_waits(1)
    record("no answer (server hangs), timeout=0.5, retries=1", "failed: timed out", sim, seconds)
    settle(3.0)


@pytest.mark.parametrize("retries", [2, None])
def test_connection_refused(sim, run_module, waits, retries):
    url = "http://127.0.0.1:%d" % free_port()
    params = dict(name="rel-down", url=url)
    if retries is not None:
        params["retries"] = retries
    expected = backoff_waits(retries) if retries is not None else budget_waits()
    result, seconds = timed(run_module, "rac_provider", **params)
    assert_clear_failure(result, "cannot reach authentik at %s/api/v3/ after %d attempt(s)" % (url, len(expected) + 1))
    assert "refused" in result["msg"].lower()
    assert len(waits.sleeps) == len(expected) and waits.sleeps[:-1] == expected[:-1]
    record("connection refused (nothing listens), %s" % ("retries=%d" % retries if retries is not None else "defaults"),
           "failed: connection refused after %d attempts" % (len(expected) + 1), sim, seconds)


def test_connection_dropped_forever(sim, run_module, waits):
    sim.add_fault("GET", r".*", drop=True, times=None)
    result, seconds = timed(run_module, "core_token", identifier="rel-down", retries=1)
    assert_clear_failure(result, "cannot reach authentik at %s/api/v3/ after 2 attempt(s)" % sim.url)
    assert sim.count() == 2 and waits.sleeps == backoff_waits(1)
    record("every connection dropped, retries=1", "failed: connection aborted", sim, seconds)


def test_create_against_a_server_going_down_is_not_retried_blindly(sim, run_module, waits):
    """The lookup works, then the server goes down: the POST is sent once, the re-read fails once its retry budget
    is spent, and the module fails with the server's status. No second POST is sent without a re-read."""
    sim.add_fault("GET", TOKEN_LOOKUP, status=None, times=1)
    sim.add_fault(None, r".*", status=503, times=None)
    result, seconds = timed(run_module, "core_token", identifier="rel-down")
    assert_clear_failure(result, "HTTP 503")
    assert sim.count("POST") == 1 and not tokens_named(sim, "rel-down")
    assert sim.count("GET") == 1 + len(budget_waits()) + 1
    record("lookup ok, then 503 forever during a create", "failed: HTTP 503, 1 POST only", sim, seconds)


@pytest.mark.parametrize("case, reason", [
    ("refused", "Connection refused"),
    ("timeout", "Read timed out"),
    ("tls", "certificate verify failed: unable to get local issuer certificate"),
])
def test_unreachable_server_message_gives_the_reason_only(sim, https, run_module, case, reason):
    url = {"refused": "http://127.0.0.1:%d" % free_port(), "timeout": sim.url, "tls": https.url}[case]
    if case == "timeout":
        sim.add_fault("GET", r".*", status=None, delay=2.0, times=None)
    result = run_module("core_token", identifier="rel-down", url=url, retries=0, timeout=0.3)
    assert_clear_failure(result, reason)
    assert "ConnectionPool(" not in result["msg"] and "Max retries exceeded" not in result["msg"], result["msg"]


# --------------------------------------------------------------------------------------------------
# bad input: one line, no traceback, no write, state unchanged

MISSING_UUID = "5b1f0b2e-9c7e-4c55-8f0e-0d5c2f7a9e11"
HTML_PAGE = "<html><head><title>Welcome to nginx!</title></head><body><h1>Welcome to nginx!</h1></body></html>"
HTML_502 = "<html><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>"
HTML_404 = "<html><body><h1>404 Not Found</h1><hr>nginx</body></html>"


def everywhere(status, body, times=None):
    return dict(method=None, path_regex=r".*", status=status, body=body, times=times)


BAD_INPUT = [
    # core_token: identifiers, references, types, choices
    ("core_token", dict(identifier="not a slug"), "identifier: 'not a slug' does not match ^[-a-zA-Z0-9_]+$"),
    ("core_token", dict(identifier="x" * 256), "is 256 characters long; authentik allows at most 255"),
    ("core_token", dict(identifier="rel-new", user="nobody"), "user: no user 'nobody' found"),
    ("core_token", dict(identifier="rel-tok", user="alice"), "user: token 'rel-tok' belongs to user 3; refusing to give it to user 6"),
    ("core_token", dict(identifier="rel-pw", expires="next tuesday"), "expires: 'next tuesday' is not an ISO 8601 date-time"),
    ("core_token", dict(identifier="rel-tok", intent="recovery"), "value of intent must be one of: api, app_password, got: recovery"),
    ("core_token", dict(identifier="rel-tok", expiring="sometimes"), ("argument 'expiring'", "The value 'sometimes' is not a valid boolean")),
    ("core_token", dict(identifier="rel-tok", state="gone"), "value of state must be one of: present, absent, got: gone"),
    ("core_token", dict(identifier="rel-tok", colour="red"), ("Unsupported parameters for", "module: colour")),
    ("core_token", dict(), "missing required arguments: identifier"),
    # connection options
    ("core_token", dict(identifier="rel-tok", timeout=0), "timeout: 0.0 is not a positive number of seconds"),
    ("core_token", dict(identifier="rel-tok", timeout="soon"), ("argument 'timeout'", "float")),
    ("core_token", dict(identifier="rel-tok", retries=-1), "retries: -1 must be 0 or more"),
    # Ansible's own type check; ansible-core before 2.19 does not quote the value in it
    ("core_token", dict(identifier="rel-tok", retries="many"), ("argument 'retries'", "int") + (
        ("'many'",) if tuple(int(p) for p in ANSIBLE_CORE_VERSION.split(".")[:2]) >= (2, 19) else ())),
    ("core_token", dict(identifier="rel-tok", url="ftp://ak.example.com"), "url: 'ftp://ak.example.com' is not an http(s) URL"),
    ("core_token", dict(identifier="rel-tok", url="ak.example.com"), "url: 'ak.example.com' is not an http(s) URL"),
    ("core_token", dict(identifier="rel-tok", url="{url}/?tenant=a"), "must not contain a query or fragment"),
    ("core_token", dict(identifier="rel-tok", url=None), "url: no authentik URL given; set the url option or AUTHENTIK_URL"),
    ("core_token", dict(identifier="rel-tok", token=None), "token: no API token given; set the token option or AUTHENTIK_TOKEN"),
    ("core_token", dict(identifier="rel-tok", token="wrong-token"), ("GET /api/v3/core/tokens/", ": HTTP 403: Token invalid/expired")),
    # what answers is not authentik
    ("core_token", dict(identifier="rel-tok", _fault=everywhere(200, HTML_PAGE)),
     "HTTP 200 but the answer is not JSON (text/html; charset=utf-8): Welcome to nginx!"),
    ("rac_provider", dict(name="rel-p1", retries=0, _fault=everywhere(502, HTML_502)),
     "HTTP 502: non-JSON answer (text/html; charset=utf-8): 502 Bad Gateway nginx"),
    ("rac_connection_token_info", dict(_fault=everywhere(200, '{"pagination": {"next": 0, "count": ')), "HTTP 200 but the answer is not JSON"),
    ("rac_provider", dict(name="rel-p1", url="{url}/not-authentik"),
     ("/not-authentik/api/v3/providers/rac/: HTTP 404: non-JSON answer (text/html; charset=utf-8): authentik Not Found; "
      "check url: no authentik API answers under http://", "/not-authentik (give authentik's base URL")),
    ("rac_connection_token_info", dict(_fault=everywhere(404, HTML_404)), "HTTP 404: non-JSON answer"),
    pytest.param("core_token", dict(identifier="rel-new", url="{url}/not-authentik"), "HTTP 404"),
    pytest.param("core_token", dict(identifier="rel-tok", state="absent", _fault=everywhere(404, HTML_404)),
                 "; check url: no authentik API answers under"),
    pytest.param("rac_connection_token", dict(token_uuid=MISSING_UUID, state="absent", _fault=everywhere(404, HTML_404)),
                 "; check url: no authentik API answers under"),
    # rac_provider
    ("rac_provider", dict(name="rel-new", authorization_flow="no-such-flow"), "authorization_flow: no flow 'no-such-flow' found"),
    ("rac_provider", dict(name="rel-new", connection_expiry="hours=1"),
     "authorization_flow: required to create RAC provider 'rel-new', which does not exist yet"),
    ("rac_provider", dict(name="rel-p1", connection_expiry="eight hours"), "connection_expiry: 'eight hours' is not a duration"),
    ("rac_provider", dict(name="rel-p1", connection_expiry="fortnights=2"), "connection_expiry: 'fortnights=2' is not a duration"),
    ("rac_provider", dict(name="rel-p1", connection_expiry="hours=1;"), "connection_expiry: 'hours=1;' is not a duration"),
    ("rac_provider", dict(name="rel-p1", property_mappings=["no such mapping"]),
     "property_mappings: no RAC property mapping 'no such mapping' found"),
    ("rac_provider", dict(name="rel-p1", property_mappings={"a": 1}), ("argument 'property_mappings'", "list")),
    ("rac_provider", dict(name="rel-p1", settings="wallpaper"), ("argument 'settings'", "dict")),
    ("rac_provider", dict(name="rel-p1", delete_token_on_disconnect="perhaps"),
     ("argument 'delete_token_on_disconnect'", "The value 'perhaps' is not a valid boolean")),
    ("rac_provider", dict(name=" rel-p1 "), "name: ' rel-p1 ' does not match"),
    ("rac_provider", dict(name="rel-p1", authentication_flow="nope"), "authentication_flow: no flow 'nope' found"),
    # rac_connection_token
    ("rac_connection_token", dict(token_uuid="not-a-uuid", state="absent"), "token_uuid: 'not-a-uuid' is not a UUID"),
    ("rac_connection_token", dict(token_uuid=MISSING_UUID, endpoint="dc01"),
     "token_uuid: RAC connection token '%s' does not exist, and connection tokens cannot be created" % MISSING_UUID),
    ("rac_connection_token", dict(user="alice"), "token_uuid: required with state=present"),
    ("rac_connection_token", dict(state="absent"), "refusing to delete every RAC connection token"),
    ("rac_connection_token", dict(token_uuid=MISSING_UUID, user="alice"), "parameters are mutually exclusive: token_uuid|user"),
    ("rac_connection_token", dict(token_uuid=MISSING_UUID, provider="rel-p1", state="absent"), "provider: cannot be combined with token_uuid"),
    ("rac_connection_token", dict(endpoint="dc01", state="absent"), "endpoint: 'dc01' matches 2 RAC endpoints"),
    # rac_connection_token_info
    ("rac_connection_token_info", dict(provider="no-such"), "provider: no RAC provider 'no-such' found"),
    ("rac_connection_token_info", dict(provider="424242"), "provider: '424242' is not a RAC provider that authentik knows"),
    ("rac_connection_token_info", dict(user="nobody"), "user: no user 'nobody' found"),
    # a listing is not a removal: a name that matches nothing stays an error (a revoke of it is nothing to do)
    ("rac_connection_token_info", dict(provider="rel-p1", endpoint="dc99"), "endpoint: no RAC endpoint 'dc99' found"),
    ("rac_connection_token_info", dict(provider="no-such-provider", endpoint="dc01"),
     "provider: no RAC provider 'no-such-provider' found"),
    ("rac_connection_token_info", dict(user="99999"), "user: '99999' is not a user that authentik knows (Select a valid choice."),
    ("rac_connection_token_info", dict(endpoint="dc01"), "endpoint: 'dc01' matches 2 RAC endpoints"),
    ("rac_connection_token_info", dict(token="wrong-token"), "HTTP 403: Token invalid/expired"),
]


def _row_id(row):
    values = row.values if hasattr(row, "values") else row
    module, params = values[0], dict(values[1])
    fault = params.pop("_fault", None)
    text = ",".join("%s=%s" % (k, str(v)[:20]) for k, v in sorted(params.items()))
    return "%s[%s%s]" % (module, text, ",fault=%s" % fault["status"] if fault else "")


@pytest.mark.parametrize("module, params, fragment", BAD_INPUT, ids=[_row_id(row) for row in BAD_INPUT])
def test_bad_input_is_one_clear_line_and_writes_nothing(sim, run_module, module, params, fragment):
    sim.seed_token("rel-tok", user=ADMIN_PK, intent="api", expiring=False, description="kept")
    sim.seed_token("rel-pw", user=ALICE_PK, intent="app_password")
    p1 = sim.seed_provider("rel-p1")
    p2 = sim.seed_provider("rel-p2")
    e1 = sim.seed_endpoint("dc01", p1)
    sim.seed_endpoint("dc01", p2)
    sim.seed_connection_tokens(2, p1, e1, ALICE_PK)
    params = dict(params)
    fault = params.pop("_fault", None)
    for name, value in params.items():
        if isinstance(value, str):
            params[name] = value.replace("{url}", sim.url)
    if fault:
        sim.add_fault(**fault)
    before = server_state(sim)
    sim.reset_counts()
    result = run_module(module, **params)
    assert_clear_failure(result, fragment)
    assert sim.writes() == 0
    assert server_state(sim) == before


def test_bad_input_table_is_large_enough():
    assert len(BAD_INPUT) >= 30
    assert set(row.values[0] if hasattr(row, "values") else row[0] for row in BAD_INPUT) == {
        "core_token", "rac_provider", "rac_connection_token", "rac_connection_token_info"}


# --------------------------------------------------------------------------------------------------
# TLS with a self-signed CA


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory):
    server = start_https(tmp_path_factory.mktemp("tls"), admin_token=ADMIN_TOKEN, validate="require")
    yield server
    server.stop()


@pytest.fixture
def https(tls_server):
    with tls_server.fresh() as fresh:
        yield fresh


TLS_WARNING = "TLS certificate verification is disabled"


def test_tls_default_verification_fails_clearly(https, run_module):
    result = run_module("core_token", url=https.url, identifier="rel-tls", retries=0)
    assert_clear_failure(result, ("GET /api/v3/core/tokens/", ": TLS verification of %s/api/v3/ failed" % https.url))
    assert "certificate verify failed" in result["msg"] and "set ca_path" in result["msg"]
    assert https.count() == 0


def test_tls_ca_path_verifies(https, run_module):
    result = run_module("core_token", url=https.url, identifier="rel-tls", ca_path=https.ca, expiring=False)
    assert_ok(result)
    assert result["changed"] is True and https.get_token("rel-tls") is not None
    assert not any(TLS_WARNING in w for w in result["_warnings"])


def test_tls_ca_path_of_another_ca_fails(https, run_module):
    result = run_module("core_token", url=https.url, identifier="rel-tls", ca_path=https.other_ca)
    assert_clear_failure(result, "TLS verification of %s/api/v3/ failed" % https.url)
    assert https.count() == 0


def test_tls_validate_certs_false_works_with_a_warning(https, run_module):
    result = run_module("core_token", url=https.url, identifier="rel-tls", validate_certs=False, expiring=False)
    assert_ok(result)
    assert result["changed"] is True
    assert any(TLS_WARNING in w for w in result["_warnings"]), result.get("warnings")


@pytest.mark.parametrize("value", ["true", "1", "yes", "True"])
def test_tls_authentik_insecure_env_works_with_a_warning(https, run_module, monkeypatch, value):
    monkeypatch.setenv("AUTHENTIK_INSECURE", value)
    result = run_module("core_token", url=https.url, identifier="rel-tls", expiring=False)
    assert_ok(result)
    assert any(TLS_WARNING in w for w in result["_warnings"]), result.get("warnings")


@pytest.mark.parametrize("value, validate_certs", [("false", None), ("", None), ("true", True), ("not-a-bool", None)])
def test_tls_authentik_insecure_env_off_or_overridden_verifies(https, run_module, monkeypatch, value, validate_certs):
    monkeypatch.setenv("AUTHENTIK_INSECURE", value)
    params = dict(url=https.url, identifier="rel-tls", retries=0)
    if validate_certs is not None:
        params["validate_certs"] = validate_certs
    result = run_module("core_token", **params)
    assert_clear_failure(result, "TLS verification of %s/api/v3/ failed" % https.url)


def test_tls_plain_http_against_an_https_server_fails_clearly(https, run_module):
    url = https.url.replace("https://", "http://")
    result = run_module("core_token", url=url, identifier="rel-tls", retries=0)
    assert_clear_failure(result, "cannot reach authentik at %s/api/v3/" % url)


@pytest.mark.parametrize("var", ["REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"])
def test_tls_ca_path_wins_over_a_ca_bundle_in_the_environment(https, run_module, monkeypatch, var):
    monkeypatch.setenv(var, https.other_ca)
    result = run_module("core_token", url=https.url, identifier="rel-tls", ca_path=https.ca, retries=0, expiring=False)
    assert_ok(result)


def test_tls_validate_certs_false_wins_over_a_ca_bundle_in_the_environment(https, run_module, monkeypatch):
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", https.other_ca)
    result = run_module("core_token", url=https.url, identifier="rel-tls", validate_certs=False, retries=0, expiring=False)
    assert_ok(result)


def test_tls_default_verification_uses_a_ca_bundle_from_the_environment(https, run_module, monkeypatch):
    """Without ca_path, REQUESTS_CA_BUNDLE is how a system trusts a private CA: it must keep working."""
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", https.ca)
    result = run_module("core_token", url=https.url, identifier="rel-tls", expiring=False)
    assert_ok(result)
