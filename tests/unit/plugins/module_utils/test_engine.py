# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the desired-state engine with an in-memory API: every comparison rule, reference
resolution and its request cost, echo fields, immutable and ignored fields, create convergence,
check mode (no write), diff (secrets masked), bulk selection, secrets inside a dictionary field,
identity within a parent (scope) and by direct address, protected (authentik-managed) objects."""

from __future__ import (absolute_import, division, print_function)
from __future__ import annotations

# boilerplate that ansible-test sanity of ansible-core 2.16 requires in these files
__metaclass__ = type

import copy
import datetime
import uuid

import pytest

from ansible_collections.authentik.api.plugins.module_utils._client import AuthentikClient, AuthentikError
from ansible_collections.authentik.api.plugins.module_utils import _engine as engine
from ansible_collections.authentik.api.plugins.module_utils import _shared as shared
from ansible_collections.authentik.api.plugins.module_utils._engine import (
    MASK,
    MASK_CHANGED,
    Field,
    mask_secrets,
    Kind,
    Ref,
    Resource,
    Secret,
    delete_selected,
    ensure,
    parse_datetime,
    parse_duration,
    select,
)

UUID_A = "8f14e45f-ceea-467a-9575-3d2b1e0f8c11"
UUID_B = "c9f0f895-fb98-4b91-9d5e-6a8f2b0c7d22"
FLOW_UUID = "45c48cce-2e2d-4fbd-8c4a-1f0e9d8b7a33"


class FakeApi:
    """A tiny in-memory authentik: collections keyed by path, objects by their URL key."""

    retries = 2
    backoff = 0
    retry_timeout = 30.0
    retry_wait = AuthentikClient.retry_wait

    def __init__(self, check_mode=False):
        self.now = 0.0
        self.sleeps = []
        self.check_mode = check_mode
        self.data = {"things/": {}, "flows/instances/": {}, "users/": {}, "eps/": {}, "parents/": {}}
        self.keys = {"things/": "name", "flows/instances/": "slug", "users/": "pk", "eps/": "pk", "parents/": "pk"}
        self.ignored = {"page", "page_size"}  # query parameters that do not filter
        self.secrets = {}
        self.calls = []
        self.faults = []  # (method, exception) raised once, before (False) or after (True) applying

    item_path = staticmethod(AuthentikClient.item_path)

    @property
    def request_count(self):
        return len(self.calls)

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds

    @staticmethod
    def jitter():
        return 0.0

    def writes(self):
        return [c for c in self.calls if c[0] != "GET"]

    def _split(self, path):
        for coll in self.data:
            if path.startswith(coll):
                rest = path[len(coll):].strip("/")
                return coll, rest
        raise AssertionError("unknown path %s" % path)

    def request(self, method, path, params=None, body=None, idempotent=None, retries=None):
        self.calls.append((method, path, copy.deepcopy(params), copy.deepcopy(body)))
        if self.check_mode and method != "GET":
            raise AssertionError("write in check mode")
        fault = self.faults.pop(0) if self.faults and self.faults[0][0] == method else None
        if fault and not fault[2]:
            raise fault[1]
        coll, rest = self._split(path)
        store = self.data[coll]
        key = self.keys[coll]
        result = self._apply(method, coll, rest, store, key, params, body)
        if fault:
            raise fault[1]
        return result

    def _apply(self, method, coll, rest, store, key, params, body):
        parts = rest.split("/") if rest else []
        if method == "GET" and not parts:
            found = [o for o in store.values()
                     if all(str(o.get(k)) == str(v) for k, v in (params or {}).items() if k not in self.ignored)]
            return {"pagination": {"next": 0}, "results": copy.deepcopy(found)}
        if method == "POST" and not parts:
            if key == "pk":  # the server chooses the key (a UUID)
                body = dict(body, pk=str(uuid.uuid4()))
            elif body[key] in store:
                raise AuthentikError("taken", "POST", coll, 400, {key: ["thing with this %s already exists." % key]})
            obj = dict(body, pk=body.get("pk", len(store) + 100))
            store[obj[key]] = obj
            return copy.deepcopy(obj)
        ident = parts[0]
        if ident not in store:
            raise AuthentikError("404", method, coll, 404, {"detail": "Not found."})
        if len(parts) > 1 and parts[1] == "view_key":
            return {"key": self.secrets.get(ident, "generated")}
        if len(parts) > 1 and parts[1] == "set_key":
            self.secrets[ident] = body["key"]
            return None
        if method == "GET":
            return copy.deepcopy(store[ident])
        if method == "PATCH":
            store[ident].update(body)
            return copy.deepcopy(store[ident])
        if method == "DELETE":
            del store[ident]
            return None
        raise AssertionError(method)

    def get(self, path, params=None):
        return self.request("GET", path, params=params)

    def get_or_none(self, path, params=None):
        try:
            return self.get(path, params)
        except AuthentikError as exc:
            if exc.status == 404:
                return None
            raise

    def list(self, path, params=None):
        return self.get(path, params)["results"]


class FakeModule:
    def __init__(self, api, diff=True, **params):
        self.client = api
        self.check_mode = api.check_mode
        self._diff = diff
        self.params = dict(state="present")
        self.params.update(params)
        self.warnings = []
        self.no_log_values = set()

    def warn(self, msg):
        self.warnings.append(msg)


FLOW = Ref("flow", "flows/instances/", direct=True, pk_kind=Kind.UUID)
USER = Ref("user", "users/", by=("username",), pk_kind=Kind.INT, exact="username")

THING = Resource(
    name="thing",
    path="things/",
    key="name",
    lookup=("name", "name", None),
    fields=dict(
        name=Field(pattern=r"^[a-z0-9-]+$", max_length=20),
        kind=Field(),
        owner=Field(kind=Kind.INT, ref=USER, immutable="owner: %(ident)s is owned by %(current)s, not %(value)s"),
        flow=Field(kind=Kind.UUID, ref=FLOW, nullable=True),
        tags=Field(kind=Kind.UUID_SET),
        when=Field(kind=Kind.DATETIME, ignore=(lambda o: o.get("kind") == "auto", "%(option)s=%(value)s ignored")),
        expiry=Field(kind=Kind.DURATION),
        settings=Field(kind=Kind.DICT),
        note=Field(),
    ),
    echo=("owner", "kind"),
    create_defaults=dict(kind="manual"),
    secret=Secret(option="key", read="view_key/", write="set_key/", return_option="return_key"),
)


def seed(api, **obj):
    obj.setdefault("kind", "manual")
    obj.setdefault("owner", 3)
    obj.setdefault("pk", 1)
    api.data["things/"][obj["name"]] = obj
    return obj


def run(api, diff=True, **params):
    module = FakeModule(api, diff=diff, **params)
    return ensure(module, THING), module


# ---------------------------------------------------------------------------------------------
# value kinds
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("a, b", [
    ("2026-12-31T23:59:00Z", "2026-12-31T23:59:00.000000+00:00"),
    ("2026-12-31T23:59:00Z", "2027-01-01T00:59:00+01:00"),
    ("2026-12-31 23:59", "2026-12-31T23:59:00Z"),
    ("2026-12-31T23:59:00.5Z", "2026-12-31T23:59:00.500000Z"),
    ("2026-12-31T18:59:00-0500", "2026-12-31T23:59:00Z"),
])
def test_datetimes_compare_as_instants(a, b):
    assert Field(kind=Kind.DATETIME).same(a, b)


def test_different_instants_differ():
    assert not Field(kind=Kind.DATETIME).same("2026-12-31T23:59:00Z", "2026-12-31T23:59:01Z")


@pytest.mark.parametrize("bad", ["tomorrow", "2026-13-01", "31/12/2026", "2026-12-31T25:00:00Z", ""])
def test_bad_datetimes_are_rejected(bad):
    with pytest.raises(ValueError):
        parse_datetime(bad)


def test_datetime_api_form_is_utc():
    assert Kind.to_api(Kind.DATETIME, "2027-01-01T00:59:00+01:00") == "2026-12-31T23:59:00.000000Z"
    assert parse_datetime(datetime.datetime(2026, 1, 1)).tzinfo is not None


@pytest.mark.parametrize("a, b", [
    ("minutes=90", "hours=1;minutes=30"),
    ("hours=8", "hours=8"),
    ("Hours=8", "seconds=28800"),
    ("days=1", "hours=24"),
    ("hours= 1;minutes=30 ", "minutes=90"),  # float() strips the number, as authentik does
    ("weeks=1", "days=7"),
    ("hours=1.5", "minutes=90"),
])
def test_durations_compare_by_length(a, b):
    assert Field(kind=Kind.DURATION).same(a, b)


# authentik refuses an empty pair ("hours=1;") and silently skips a unit with spaces around it (" hours=1"),
# so "minutes=30; hours=1" would mean 30 minutes there: both are refused before any request.
@pytest.mark.parametrize("bad", ["8h", "hours=", "hour=1", "hours=1;bogus", "", "hours=one", "hours=24;", "hours=1;;minutes=2",
                                 "minutes=30; hours=1", "hours =1"])
def test_bad_durations_are_rejected(bad):
    with pytest.raises(ValueError):
        parse_duration(bad)


def test_uuid_case_and_set_order():
    assert Field(kind=Kind.UUID).same(UUID_A.upper(), UUID_A)
    assert Field(kind=Kind.UUID_SET).same([UUID_A, UUID_B], [UUID_B.upper(), UUID_A, UUID_A])
    assert not Field(kind=Kind.UUID_SET).same([UUID_A], [UUID_A, UUID_B])
    assert Kind.to_api(Kind.UUID_SET, [UUID_A.upper(), UUID_A]) == [UUID_A]


def test_none_equals_missing_and_dicts_compare_whole():
    assert Field().same(None, None)
    assert Field(kind=Kind.DICT).same({"a": {"b": 1}}, {"a": {"b": 1}})
    assert not Field(kind=Kind.DICT).same({"a": 1, "b": 2}, {"a": 1})


# ---------------------------------------------------------------------------------------------
# ensure(): create, no-op, update
# ---------------------------------------------------------------------------------------------

def test_create_sends_defaults_and_set_options_only():
    api = FakeApi()
    result, dummy = run(api, name="web", note="hello", tags=[UUID_A.upper()])
    assert result["changed"] is True
    assert api.writes() == [("POST", "things/", None, {"kind": "manual", "note": "hello", "tags": [UUID_A], "name": "web"})]
    assert result["thing"]["note"] == "hello"
    assert result["diff"]["before"] == {}
    assert result["diff"]["after"]["note"] == "hello"


def test_noop_costs_one_request_and_reports_unchanged():
    api = FakeApi()
    seed(api, name="web", note="hello", tags=[UUID_B, UUID_A], expiry="hours=1;minutes=30", flow=FLOW_UUID)
    result, dummy = run(api, name="web", note="hello", tags=[UUID_A, UUID_B.upper()], expiry="minutes=90",
                        flow=FLOW_UUID.upper(), owner="3")
    assert result["changed"] is False
    assert len(api.calls) == 1
    assert result["diff"]["before"] == result["diff"]["after"]


def test_only_the_options_set_are_compared():
    api = FakeApi()
    seed(api, name="web", note="server side", settings={"x": 1})
    result, dummy = run(api, name="web")
    assert result["changed"] is False
    assert api.writes() == []


def test_update_sends_only_changes_plus_echo_fields():
    api = FakeApi()
    seed(api, name="web", note="old", kind="special", owner=6, settings={"a": 1})
    result, dummy = run(api, name="web", note="new", settings={"a": 1})
    assert result["changed"] is True
    assert api.writes() == [("PATCH", "things/web/", None, {"note": "new", "owner": 6, "kind": "special"})]
    assert result["diff"] == {"before": {"name": "web", "kind": "special", "owner": 6, "note": "old", "settings": {"a": 1}},
                              "after": {"name": "web", "kind": "special", "owner": 6, "note": "new", "settings": {"a": 1}}}


def test_nullable_reference_clears_with_empty_string():
    api = FakeApi()
    seed(api, name="web", flow=FLOW_UUID)
    result, dummy = run(api, name="web", flow="")
    assert result["changed"] is True
    assert api.writes()[0][3]["flow"] is None


def test_immutable_field_is_refused_without_write():
    api = FakeApi()
    seed(api, name="web", owner=6)
    with pytest.raises(AuthentikError) as exc:
        run(api, name="web", owner=7)
    assert exc.value.msg == "owner: web is owned by 6, not 7"
    assert api.writes() == []


def test_ignored_field_warns_and_is_left_out():
    api = FakeApi()
    seed(api, name="web", kind="auto", when="2026-01-01T00:00:00Z")
    result, module = run(api, name="web", when="2030-01-01T00:00:00Z")
    assert result["changed"] is False
    assert module.warnings == ["when=2030-01-01T00:00:00Z ignored"]
    result, module = run(api, name="new", kind="auto", when="2030-01-01T00:00:00Z")
    assert "when" not in api.writes()[-1][3]


def test_validation_errors_name_the_option_and_value_before_any_request():
    for params, fragment in [
        (dict(name="Bad Name"), "name: 'Bad Name' does not match"),
        (dict(name="x" * 21), "is 21 characters long; authentik allows at most 20"),
        (dict(name="web", when="soon"), "when: 'soon' is not an ISO 8601 date-time"),
        (dict(name="web", expiry="8h"), "expiry: '8h' is not a duration in authentik's format"),
        (dict(name="web", tags=["nope"]), "tags: ['nope'] is not a list of UUIDs ('nope' is not a UUID)"),
        (dict(name="web", settings="x"), "settings: 'x' is not a dictionary"),
    ]:
        api = FakeApi()
        with pytest.raises(AuthentikError) as exc:
            run(api, **params)
        assert fragment in exc.value.msg, exc.value.msg
        assert "\n" not in exc.value.msg
        assert api.writes() == []


# ---------------------------------------------------------------------------------------------
# references
# ---------------------------------------------------------------------------------------------

def test_reference_by_name_costs_one_request_and_by_pk_none():
    api = FakeApi()
    api.data["flows/instances/"]["my-flow"] = {"pk": FLOW_UUID, "slug": "my-flow"}
    api.data["users/"]["7"] = {"pk": 7, "username": "bob"}
    seed(api, name="web", flow=FLOW_UUID, owner=7)
    result, dummy = run(api, name="web", flow="my-flow", owner="bob")
    assert result["changed"] is False
    assert [c[1] for c in api.calls] == ["things/web/", "users/", "flows/instances/my-flow/"]
    api.calls = []
    run(api, name="web", flow=FLOW_UUID, owner=7)
    assert len(api.calls) == 1


def test_unknown_reference_names_option_and_value():
    api = FakeApi()
    seed(api, name="web")
    with pytest.raises(AuthentikError) as exc:
        run(api, name="web", flow="no-such-flow")
    assert exc.value.msg == "flow: no flow 'no-such-flow' found"
    with pytest.raises(AuthentikError) as exc:
        run(api, name="web", owner="nobody")
    assert exc.value.msg == "owner: no user 'nobody' found"


def test_ambiguous_reference_is_an_error():
    api = FakeApi()
    api.data["users/"]["1"] = {"pk": 1, "username": "dup"}
    api.data["users/"]["2"] = {"pk": 2, "username": "dup"}
    with pytest.raises(AuthentikError) as exc:
        run(api, name="web", owner="dup")
    assert "owner: 'dup' matches 2 users" in exc.value.msg


# ---------------------------------------------------------------------------------------------
# check mode, absent, secrets, diff
# ---------------------------------------------------------------------------------------------

def test_check_mode_predicts_without_writing():
    api = FakeApi(check_mode=True)
    result, dummy = run(api, name="web", note="x", key="s3cret")
    assert result["changed"] is True
    assert result["thing"] == {"kind": "manual", "note": "x", "name": "web"}
    assert api.writes() == []
    seed(api, name="old", note="a")
    result, dummy = run(api, name="old", note="b")
    assert result["changed"] is True and result["thing"]["note"] == "b"
    result, dummy = run(api, name="old", state="absent")
    assert result["changed"] is True
    assert "old" in api.data["things/"]
    assert api.writes() == []


def test_absent_deletes_and_missing_is_ok():
    api = FakeApi()
    seed(api, name="web", note="x")
    result, dummy = run(api, name="web", state="absent")
    assert result["changed"] is True
    assert result["diff"]["before"]["note"] == "x" and result["diff"]["after"] == {}
    assert result["thing"] == {}
    result, dummy = run(api, name="web", state="absent")
    assert result["changed"] is False
    assert [c[0] for c in api.calls] == ["GET", "DELETE", "GET"]


def test_delete_treats_404_as_done():
    api = FakeApi()
    seed(api, name="web")
    api.faults.append(("DELETE", AuthentikError("lost", "DELETE", "things/web/", None), True))
    api.faults.append(("DELETE", AuthentikError("gone", "DELETE", "things/web/", 404), False))
    with pytest.raises(AuthentikError):
        run(api, name="web", state="absent")  # a lost answer is reported (the client retries DELETE itself)
    seed(api, name="web")
    result, dummy = run(api, name="web", state="absent")
    assert result["changed"] is True


def test_secret_is_compared_set_and_masked():
    api = FakeApi()
    seed(api, name="web")
    api.secrets["web"] = "old-secret"
    result, dummy = run(api, name="web", key="new-secret")
    assert result["changed"] is True
    assert api.secrets["web"] == "new-secret"
    assert result["diff"]["before"]["key"] == MASK and result["diff"]["after"]["key"] == MASK_CHANGED
    assert "new-secret" not in repr(result) and "old-secret" not in repr(result)
    api.calls = []
    result, dummy = run(api, name="web", key="new-secret")
    assert result["changed"] is False
    assert [c[1] for c in api.calls] == ["things/web/", "things/web/view_key/"]


def test_secret_on_create_and_return_key():
    api = FakeApi()
    result, dummy = run(api, name="web", key="k1", return_key=True)
    assert api.secrets["web"] == "k1"
    assert result["key"] == "k1"
    assert "key" not in result["diff"]["before"]
    result, dummy = run(api, name="other", return_key=True)
    assert result["key"] == "generated"


def test_no_diff_outside_diff_mode():
    api = FakeApi()
    result, dummy = run(api, diff=False, name="web")
    assert "diff" not in result


# ---------------------------------------------------------------------------------------------
# create convergence (concurrency, lost answers)
# ---------------------------------------------------------------------------------------------

def test_create_conflict_rereads_and_converges():
    api = FakeApi()
    real = api._apply

    def racing(method, coll, rest, store, key, params, body):
        if method == "POST":  # another run creates it first
            store[body["name"]] = dict(body, pk=9, note="theirs")
        return real(method, coll, rest, store, key, params, body)

    api._apply = racing
    result, dummy = run(api, name="web", note="ours")
    assert result["changed"] is True
    assert [c[0] for c in api.calls] == ["GET", "POST", "GET", "PATCH"]
    assert api.data["things/"]["web"]["note"] == "ours"


@pytest.mark.parametrize("status", [405, 500])
def test_a_create_that_lost_a_race_in_the_database_converges(status):
    """authentik checks uniqueness before it inserts: a POST that raced past the check fails in the database insert,
    which authentik 2025.12.4 answers with a bodiless 405 (or its 500 page). Maybe taken: the re-read finds the
    winner's object and the task converges on it, no failure and no second POST."""
    api = FakeApi()
    real = api._apply

    def racing(method, coll, rest, store, key, params, body):
        if method == "POST":  # another fork inserted it between our check and our insert
            store[body["name"]] = dict(body, pk=9, note="theirs")
            raise AuthentikError("POST /api/v3/things/: HTTP %d: Method Not Allowed" % status, "POST", coll, status)
        return real(method, coll, rest, store, key, params, body)

    api._apply = racing
    result, dummy = run(api, name="web", note="ours")
    assert result["changed"] is True
    assert [c[0] for c in api.calls] == ["GET", "POST", "GET", "PATCH"]
    assert api.data["things/"]["web"]["note"] == "ours" and api.data["things/"]["web"]["pk"] == 9


def test_a_bodiless_405_on_create_with_nothing_there_is_the_servers_failure():
    """Not a race after all (the re-read finds nothing): the 405 is the error, and the POST is not sent again."""
    api = FakeApi()
    real = api._apply

    def failing(method, coll, rest, store, key, params, body):
        if method == "POST":
            raise AuthentikError("POST /api/v3/things/: HTTP 405: Method Not Allowed", "POST", coll, 405)
        return real(method, coll, rest, store, key, params, body)

    api._apply = failing
    with pytest.raises(AuthentikError) as exc:
        run(api, name="web", note="ours")
    assert exc.value.status == 405 and exc.value.msg == "POST /api/v3/things/: HTTP 405: Method Not Allowed"
    assert [c[0] for c in api.calls] == ["GET", "POST", "GET"]


def test_create_conflict_with_equal_object_is_unchanged():
    api = FakeApi()
    real = api._apply

    def racing(method, coll, rest, store, key, params, body):
        if method == "POST":
            store[body["name"]] = dict(body, pk=9)
        return real(method, coll, rest, store, key, params, body)

    api._apply = racing
    result, dummy = run(api, name="web", note="same")
    assert result["changed"] is False


def test_lost_create_answer_rereads_instead_of_posting_twice():
    api = FakeApi()
    api.faults.append(("POST", AuthentikError("dropped", "POST", "things/", None), True))
    result, dummy = run(api, name="web", note="x")
    assert result["changed"] is True
    assert [c[0] for c in api.calls] == ["GET", "POST", "GET"]
    assert len(api.data["things/"]) == 1


def test_gateway_error_before_create_retries_after_reread():
    api = FakeApi()
    api.faults.append(("POST", AuthentikError("502", "POST", "things/", 502, transient=True), False))
    result, dummy = run(api, name="web")
    assert result["changed"] is True
    assert [c[0] for c in api.calls] == ["GET", "POST", "GET", "POST"]
    assert api.sleeps == [0.0]  # backoff 0 here: one wait before the second POST


def test_create_retries_stop_at_the_time_budget():
    """Every POST meets an outage and every re-read finds nothing: POSTs are sent (each after a re-read) until the
    next wait would end after retry_timeout; never two POSTs without a GET between them."""
    api = FakeApi()
    api.retries, api.backoff, api.retry_timeout = None, 0.5, 10.0
    real = api._apply

    def down(method, coll, rest, store, key, params, body):
        if method == "POST":
            raise AuthentikError("503", "POST", coll, 503, transient=True)
        return real(method, coll, rest, store, key, params, body)

    api._apply = down
    with pytest.raises(AuthentikError) as exc:
        run(api, name="web")
    assert exc.value.status == 503
    methods = [c[0] for c in api.calls]
    assert methods[0] == "GET" and all(methods[i:i + 2] == ["POST", "GET"] for i in range(1, len(methods), 2))
    # waits 0.5, 1, 2, 4, then 5 (the cap) cut to the 2.5 s left of the 10 s budget, then none: 6 POSTs
    assert api.sleeps == [0.5, 1.0, 2.0, 4.0, 2.5] and methods.count("POST") == 6
    assert api.writes() == [c for c in api.calls if c[0] == "POST"] and not api.data["things/"]
    # the error counts the whole loop (6 POSTs, 6 re-reads, 10 s of waits), not the last POST alone
    assert exc.value.msg == "503 (gave up after 12 attempt(s) in 10 s (POSTs and re-reads, waits included))"


def test_create_that_cannot_reach_the_server_counts_every_attempt_of_the_loop():
    """The message of a refused connection counts its own attempt; the loop's count replaces it: 4 POSTs and 4
    re-reads (waits of 1, 2 and the 1 s left of the budget)."""
    api = FakeApi()
    api.retries, api.backoff, api.retry_timeout = None, 1.0, 4.0
    real = api._apply

    def refused(method, coll, rest, store, key, params, body):
        if method == "POST":
            raise AuthentikError("POST /api/v3/things/: cannot reach authentik at http://x/api/v3/ after 1 attempt(s) in 0 s: "
                                 "Connection refused", "POST", coll, sent=False, transient=True)
        return real(method, coll, rest, store, key, params, body)

    api._apply = refused
    with pytest.raises(AuthentikError) as exc:
        run(api, name="web")
    assert exc.value.msg == ("POST /api/v3/things/: cannot reach authentik at http://x/api/v3/ after 8 attempt(s) in 4 s "
                             "(POSTs and re-reads, waits included): Connection refused"), exc.value.msg


def test_conflict_with_invisible_object_uses_resource_message():
    api = FakeApi()
    res = Resource(name="thing", path="things/", key="name", lookup=("name", "name", None), fields=dict(name=Field()),
                   conflict="name: %(value)r is taken elsewhere")
    real = api._apply

    def hidden(method, coll, rest, store, key, params, body):
        if method == "POST":
            raise AuthentikError("x", "POST", "things/", 400, {"name": ["thing with this name already exists."]})
        return real(method, coll, rest, store, key, params, body)

    api._apply = hidden
    with pytest.raises(AuthentikError) as exc:
        ensure(FakeModule(api, name="web"), res)
    assert exc.value.msg == "name: 'web' is taken elsewhere"
    assert exc.value.status == 400


def test_absent_message_replaces_create():
    api = FakeApi()
    res = Resource(name="thing", path="things/", key="name", lookup=("name", "name", None), fields={},
                   absent_message="name: %(value)r cannot be created")
    with pytest.raises(AuthentikError) as exc:
        ensure(FakeModule(api, name="web"), res)
    assert exc.value.msg == "name: 'web' cannot be created"
    assert api.writes() == []


def test_required_on_create():
    api = FakeApi()
    res = Resource(name="thing", path="things/", key="name", lookup=("name", "name", None),
                   fields=dict(flow=Field(kind=Kind.UUID)), required_on_create=("flow",))
    with pytest.raises(AuthentikError) as exc:
        ensure(FakeModule(api, name="web"), res)
    assert exc.value.msg == "flow: required to create thing 'web', which does not exist yet"


# ---------------------------------------------------------------------------------------------
# many objects
# ---------------------------------------------------------------------------------------------

MANY = Resource(name="thing", path="things/", key="name", lookup=("name", "name", None), fields={},
                filters=dict(owner=Field(kind=Kind.INT, ref=USER, filter="owner"), kind=Field()))


def test_select_and_delete_selected():
    api = FakeApi()
    api.data["users/"]["6"] = {"pk": 6, "username": "alice"}
    seed(api, name="a", owner=6)
    seed(api, name="b", owner=6)
    seed(api, name="c", owner=7)
    found, query = select(FakeModule(api, owner="alice", kind=None), MANY)
    assert sorted(o["name"] for o in found) == ["a", "b"] and query == {"owner": 6}
    result = delete_selected(FakeModule(api, owner=6, kind=None), MANY)
    assert sorted(o["name"] for o in result["things"]) == ["a", "b"]
    assert result["changed"] is True and result["count"] == 2
    assert result["diff"]["after"] == {"things": []} and len(result["diff"]["before"]["things"]) == 2
    assert list(api.data["things/"]) == ["c"]


def test_delete_selected_refuses_an_empty_filter():
    api = FakeApi()
    seed(api, name="a")
    with pytest.raises(AuthentikError) as exc:
        delete_selected(FakeModule(api, owner=None, kind=None), MANY)
    assert exc.value.msg == "refusing to delete every thing: give at least one of owner, kind"
    assert api.calls == []


def test_delete_selected_in_check_mode_only_lists():
    api = FakeApi(check_mode=True)
    seed(api, name="a", owner=6)
    result = delete_selected(FakeModule(api, owner=6, kind=None), MANY)
    assert [o["name"] for o in result["things"]] == ["a"] and result["changed"] is True
    assert api.writes() == []


# ---------------------------------------------------------------------------------------------
# text, checks, secrets inside a dictionary field
# ---------------------------------------------------------------------------------------------

def test_text_must_be_a_string_and_compares_stripped():
    assert Kind.to_api(Kind.TEXT, "return 1\n") == "return 1\n"
    for bad in (5, ["a"], {"a": 1}, True):
        with pytest.raises(ValueError):
            Kind.to_api(Kind.TEXT, bad)
    assert Field(kind=Kind.TEXT).same("return 1", "\n  return 1\n\n")  # the server strips surrounding whitespace
    assert not Field(kind=Kind.TEXT).same("return 1", "return 2")


def test_check_refuses_a_value_naming_the_option_before_any_request():
    api = FakeApi()
    res = Resource(name="thing", path="things/", key="name", lookup=("name", "name", None),
                   fields=dict(name=Field(), size=Field(kind=Kind.INT, check=lambda n: None if n > 0 else "is not positive")))
    with pytest.raises(AuthentikError) as exc:
        ensure(FakeModule(api, name="web", size=0), res)
    assert exc.value.msg == "size: 0 is not positive"
    assert api.calls == []
    result = ensure(FakeModule(api, name="web", size=3), res)
    assert result["changed"] is True and api.writes()[0][3]["size"] == 3


def is_password(key):
    return "password" in key.lower()


SECRETIVE = Resource(name="thing", path="things/", key="name", lookup=("name", "name", None),
                     fields=dict(name=Field(), settings=Field(kind=Kind.DICT, secret_keys=is_password)))


def test_mask_secrets_marks_new_and_changed_values():
    value = {"user": "u", "password": "p2", "nested": {"db-password": "d", "x": 1}, "new-password": "n"}
    before = {"user": "u", "password": "p1", "nested": {"db-password": "d"}}
    assert mask_secrets(value, is_password) == {"user": "u", "password": MASK, "nested": {"db-password": MASK, "x": 1},
                                                "new-password": MASK}
    assert mask_secrets(value, is_password, before) == {"user": "u", "password": MASK_CHANGED,
                                                        "nested": {"db-password": MASK, "x": 1}, "new-password": MASK_CHANGED}
    assert mask_secrets(value, is_password, {})["password"] == MASK_CHANGED


def test_secret_values_in_a_dict_are_compared_but_never_shown():
    api = FakeApi()
    seed(api, name="web", settings={"user": "u", "password": "old-pw"})
    result, module = run_secretive(api, name="web", settings={"user": "u", "password": "new-pw"})
    assert result["changed"] is True
    assert api.data["things/"]["web"]["settings"]["password"] == "new-pw"
    assert result["thing"]["settings"] == {"user": "u", "password": MASK}
    assert result["diff"]["before"]["settings"] == {"user": "u", "password": MASK}
    assert result["diff"]["after"]["settings"] == {"user": "u", "password": MASK_CHANGED}
    assert "new-pw" not in repr(result) and "old-pw" not in repr(result)
    assert module.no_log_values == {"new-pw"}, "Ansible masks it in the invocation and any message"
    result, dummy = run_secretive(api, name="web", settings={"password": "new-pw", "user": "u"})
    assert result["changed"] is False
    assert result["diff"]["before"] == result["diff"]["after"]
    assert result["diff"]["after"]["settings"]["password"] == MASK


def test_secret_values_of_a_new_object_are_new_values():
    api = FakeApi(check_mode=True)
    result, dummy = run_secretive(api, name="web", settings={"password": "pw", "user": "u"})
    assert result["changed"] is True and api.writes() == []
    assert result["thing"]["settings"] == {"password": MASK, "user": "u"}
    assert result["diff"] == {"before": {}, "after": {"name": "web", "settings": {"password": MASK_CHANGED, "user": "u"}}}


def test_secret_values_stay_hidden_in_errors():
    field = Field(kind=Kind.DICT, secret_keys=is_password, check=lambda v: "is too long" if len(v) > 1 else None)
    with pytest.raises(AuthentikError) as exc:
        field.resolve(FakeModule(FakeApi()), "settings", {"password": "pw", "user": "u"}, {})
    assert exc.value.msg == "settings: {'password': '********', 'user': 'u'} is too long"
    with pytest.raises(AuthentikError) as exc:
        field.resolve(FakeModule(FakeApi()), "settings", [{"password": "pw"}], {})
    assert exc.value.msg.startswith("settings: a value of type list is not a dictionary")
    assert "pw" not in exc.value.msg


def run_secretive(api, **params):
    module = FakeModule(api, **params)
    return ensure(module, SECRETIVE), module


# ---------------------------------------------------------------------------------------------
# identity within a parent (scope), direct address, protected objects
# ---------------------------------------------------------------------------------------------

PARENT = Ref("parent", "parents/", by=("name",), pk_kind=Kind.INT, exact="name")
SCOPED = Resource(
    name="endpoint", what="endpoint", path="eps/", key="pk", lookup=("name", "name", "name"), scope=("parent",),
    address=("ep_uuid", Field(kind=Kind.UUID)), list_params={"full": "true"},
    fields=dict(name=Field(), parent=Field(kind=Kind.INT, ref=PARENT, filter="parent"), host=Field()),
    required_on_create=("host",))


def scoped_api():
    api = FakeApi()
    api.ignored.add("full")
    api.data["parents/"]["1"] = {"pk": 1, "name": "p1"}
    api.data["parents/"]["2"] = {"pk": 2, "name": "p2"}
    return api


def ep(api, name, parent, host="h"):
    pk = str(uuid.uuid4())
    api.data["eps/"][pk] = {"pk": pk, "name": name, "parent": parent, "host": host}
    return pk


def run_scoped(api, **params):
    params.setdefault("ep_uuid", None)
    return ensure(FakeModule(api, **params), SCOPED)


def test_scoped_lookup_finds_the_name_within_its_parent():
    api = scoped_api()
    ep(api, "dc01", 1, host="a")
    mine = ep(api, "dc01", 2, host="b")
    result = run_scoped(api, name="dc01", parent=2, host="b")
    assert result["changed"] is False and result["endpoint"]["pk"] == mine
    assert api.calls == [("GET", "eps/", {"full": "true", "parent": 2, "name": "dc01", "page_size": 20}, None)]
    api.calls = []
    result = run_scoped(api, name="dc01", parent="p2", host="c")  # a parent by name: one more request
    assert result["changed"] is True and api.data["eps/"][mine]["host"] == "c"
    assert [c[0] for c in api.calls] == ["GET", "GET", "PATCH"]


def test_search_option_sends_the_name_as_search_in_the_lookup_and_the_reference():
    # authentik 2025.12.4 serves a non-superuser's RAC endpoint list from a per-provider cache unless it has search
    api = scoped_api()
    api.ignored.add("search")
    mine = ep(api, "dc01", 2)
    parent = Ref("parent", "parents/", by=("name",), pk_kind=Kind.INT, exact="name", search=True)
    searched = Resource(
        name="endpoint", what="endpoint", path="eps/", key="pk", lookup=("name", "name", "name"), scope=("parent",),
        list_params={"full": "true"}, search=True,
        fields=dict(name=Field(), parent=Field(kind=Kind.INT, ref=parent, filter="parent"), host=Field()))
    result = ensure(FakeModule(api, name="dc01", parent="p2", host="h"), searched)
    assert result["changed"] is False and result["endpoint"]["pk"] == mine
    assert api.calls == [("GET", "parents/", {"name": "p2", "search": "p2", "page_size": 20}, None),
                         ("GET", "eps/", {"full": "true", "parent": 2, "name": "dc01", "search": "dc01", "page_size": 20}, None)]


def test_scoped_create_sends_the_scope():
    api = scoped_api()
    ep(api, "dc01", 1)
    result = run_scoped(api, name="dc01", parent="p2", host="x")
    assert result["changed"] is True
    assert api.writes()[0][3] == {"parent": 2, "host": "x", "name": "dc01"}
    assert len(api.data["eps/"]) == 2


def test_scope_is_required_to_find_by_name():
    api = scoped_api()
    with pytest.raises(AuthentikError) as exc:
        run_scoped(api, name="dc01", host="x")
    assert exc.value.msg == "parent: required to find endpoint 'dc01' by name, which is unique only within its parent; or give ep_uuid"
    with pytest.raises(AuthentikError) as exc:
        run_scoped(api, host="x")
    assert exc.value.msg == "name: required to find the endpoint (or give ep_uuid)"
    assert api.calls == []


def test_two_objects_of_the_same_name_in_a_scope_are_an_error_listing_them():
    """Namesakes that differ in a field the module manages are never deleted: the error lists them."""
    api = scoped_api()
    a, b = ep(api, "dc01", 1, host="a"), ep(api, "dc01", 1, host="b")
    ep(api, "dc01", 2)
    for state in ("present", "absent"):
        with pytest.raises(AuthentikError) as exc:
            run_scoped(api, name="dc01", parent="p1", host="new", state=state)
        assert exc.value.msg.startswith("name: 2 endpoints of parent 'p1' are named 'dc01' (UUIDs ")
        assert a in exc.value.msg and b in exc.value.msg
        assert exc.value.msg.endswith("; give ep_uuid to choose one, or rename the others")
        assert "\n" not in exc.value.msg
    assert api.writes() == []


@pytest.mark.parametrize("check_mode", [False, True])
def test_namesakes_equal_in_every_managed_field_are_one_object_made_twice(check_mode):
    """Three endpoints of one name, equal in every field (a race of two controllers): the first by key is kept, the
    others are deleted (in check mode only reported), with a warning naming them; the task then converges as usual."""
    api = scoped_api()
    made = sorted(ep(api, "dc01", 1, host="a") for dummy in range(3))
    other = ep(api, "dc01", 2, host="a")
    api.check_mode = check_mode
    module = FakeModule(api, name="dc01", parent="p1", host="b", ep_uuid=None)
    module.check_mode = check_mode
    result = ensure(module, SCOPED)
    assert result["changed"] is True and result["duplicates_removed"] == made[1:]
    assert result["endpoint"]["pk"] == made[0] and result["endpoint"]["host"] == "b"
    assert len(module.warnings) == 1 and "equal in every field" in module.warnings[0]
    assert made[1] in module.warnings[0] and made[2] in module.warnings[0]
    assert ("would delete" if check_mode else "deleted") in module.warnings[0]
    deletes = [c[1] for c in api.calls if c[0] == "DELETE"]
    if check_mode:
        assert deletes == [] and sorted(api.data["eps/"]) == sorted(made + [other])
    else:
        assert deletes == ["eps/%s/" % pk for pk in made[1:]]
        assert sorted(api.data["eps/"]) == sorted([made[0], other]) and api.data["eps/"][made[0]]["host"] == "b"
        again = ensure(FakeModule(api, name="dc01", parent="p1", host="b", ep_uuid=None), SCOPED)
        assert again["changed"] is False and "duplicates_removed" not in again


def test_a_refused_scope_filter_names_the_option():
    api = scoped_api()
    real = api._apply

    def refusing(method, coll, rest, store, key, params, body):
        if coll == "eps/" and params.get("parent") == 99:
            raise AuthentikError("400", "GET", coll, 400, {"parent": ["Select a valid choice."]})
        return real(method, coll, rest, store, key, params, body)

    api._apply = refusing
    with pytest.raises(AuthentikError) as exc:
        run_scoped(api, name="dc01", parent=99, host="x")
    assert exc.value.msg == "parent: 99 is not a parent that authentik knows (Select a valid choice.)"


def test_address_reads_one_object_and_lets_identity_and_scope_change():
    api = scoped_api()
    pk = ep(api, "dc01", 1, host="a")
    ep(api, "dc01", 1)  # a namesake does not matter when the object is addressed
    result = run_scoped(api, ep_uuid=pk.upper(), host="a")
    assert result["changed"] is False
    assert api.calls == [("GET", "eps/%s/" % pk, None, None)]
    result = run_scoped(api, ep_uuid=pk, name="dc01-old", parent="p2")  # rename and move
    assert result["changed"] is True
    assert api.data["eps/"][pk] == {"pk": pk, "name": "dc01-old", "parent": 2, "host": "a"}
    assert api.writes()[-1][3] == {"name": "dc01-old", "parent": 2}
    assert result["diff"]["before"]["name"] == "dc01" and result["diff"]["after"]["name"] == "dc01-old"


def test_address_of_a_missing_object():
    api = scoped_api()
    missing = str(uuid.uuid4())
    with pytest.raises(AuthentikError) as exc:
        run_scoped(api, ep_uuid=missing, name="dc01", parent=1, host="x")
    assert exc.value.msg == ("ep_uuid: endpoint %r does not exist; to create one, leave ep_uuid out and give name and parent"
                             % missing)
    result = run_scoped(api, ep_uuid=missing, state="absent")
    assert result["changed"] is False
    pk = ep(api, "dc01", 1)
    result = run_scoped(api, ep_uuid=pk, state="absent")
    assert result["changed"] is True and pk not in api.data["eps/"]
    assert api.writes() == [("DELETE", "eps/%s/" % pk, None, None)]
    with pytest.raises(AuthentikError) as exc:
        run_scoped(api, ep_uuid="nope")
    assert exc.value.msg.startswith("ep_uuid: 'nope' is not a UUID")


def test_list_params_go_with_every_lookup_and_selection():
    api = scoped_api()
    res = Resource(name="endpoint", path="eps/", key="pk", lookup=("name", "name", "name"), fields={},
                   list_params={"full": "true"}, filters=dict(parent=Field(kind=Kind.INT, filter="parent")))
    select(FakeModule(api, parent=1), res)
    assert api.calls[-1][2] == {"full": "true", "parent": 1}


PROTECTED = Resource(name="thing", path="things/", key="name", lookup=("name", "name", None),
                     fields=dict(name=Field(), note=Field()),
                     protect=lambda obj: obj.get("managed") and "it is managed (%s)" % obj["managed"])


def test_protected_objects_are_read_but_never_changed_or_deleted():
    for check_mode in (False, True):
        api = FakeApi(check_mode=check_mode)
        seed(api, name="builtin", note="x", managed="goauthentik.io/x")
        result = ensure(FakeModule(api, name="builtin", note="x"), PROTECTED)
        assert result["changed"] is False
        with pytest.raises(AuthentikError) as exc:
            ensure(FakeModule(api, name="builtin", note="y"), PROTECTED)
        assert exc.value.msg == "name: refusing to change thing 'builtin': it is managed (goauthentik.io/x)"
        with pytest.raises(AuthentikError) as exc:
            ensure(FakeModule(api, name="builtin", state="absent"), PROTECTED)
        assert exc.value.msg == "name: refusing to delete thing 'builtin': it is managed (goauthentik.io/x)"
        assert api.writes() == []
    api = FakeApi()
    seed(api, name="mine", note="x", managed=None)
    assert ensure(FakeModule(api, name="mine", note="y"), PROTECTED)["changed"] is True
    assert ensure(FakeModule(api, name="mine", state="absent"), PROTECTED)["changed"] is True


# --------------------------------------------------------------------------------------------
# Check mode across a whole setup: a name that resolves to nothing is a prediction, not a failure
# --------------------------------------------------------------------------------------------

def test_missing_name_is_predicted_in_check_mode_only():
    api = FakeApi(check_mode=True)
    module = FakeModule(api)
    value = USER.resolve(module, "owner", "carol", {})
    assert isinstance(value, engine.Predicted) and value == "<known after apply: user 'carol'>"
    # The assumption is noted with the error a real run gives; the action plugin keeps it only when an earlier task
    # of the play planned the object (plugins/plugin_utils/_check_plan.py).
    assert module.warnings == []
    assert module._authentik_assumed == [dict(path="users/", fields=["username"], value="carol", scope={},
                                              msg="owner: no user 'carol' found")]
    assert engine.Kind.to_api(Kind.INT, value) is value  # never converted, never equal to a current value
    assert not Field(kind=Kind.INT).same(3, value)
    scoped = Ref("endpoint", "eps/", by=("name",), scope={"parent": "parent"})
    assert isinstance(scoped.resolve(module, "endpoint", "dc01", {"parent": value}), engine.Predicted)
    assert [c for c in api.calls if c[1].startswith("eps/")] == []  # scoped to a predicted parent: no request
    assert module._authentik_assumed[1] == dict(path="eps/", fields=["name"], value="dc01",
                                                scope={"parent": "<known after apply: user 'carol'>"},
                                                msg="endpoint: no endpoint 'dc01' found")
    real = FakeModule(FakeApi())
    with pytest.raises(AuthentikError) as exc:
        USER.resolve(real, "owner", "carol", {})
    assert str(exc.value.msg) == "owner: no user 'carol' found" and real.warnings == []


def test_set_modes_and_merged_dicts():
    module = FakeModule(FakeApi(), mode="add")
    field = Field(kind=Kind.INT_SET, mode="mode")
    assert field.apply_mode(module, [1, 2], [2, 3]) == [1, 2, 3]
    module.params["mode"] = "remove"
    assert field.apply_mode(module, [1, 2], [2, 3]) == [1]
    module.params["mode"] = "replace"
    assert field.apply_mode(module, [1, 2], [3]) == [3]
    merged = Field(kind=Kind.DICT, merge=True)
    value = merged.apply_mode(module, {"a": 1, "b": 2}, {"b": 3})
    assert value == {"a": 1, "b": 3}
    assert merged.same({"a": 1, "b": 3, "c": 4}, {"b": 3}) and not merged.same({"a": 1}, {"b": 3})


# ---------------------------------------------------------------------------------------------
# attached sets, write-only secrets, singletons, guards
# ---------------------------------------------------------------------------------------------

def attached_thing(held, resolve=None):
    """THING with ``perms``, a set kept outside the object (in ``held``: name -> set), and a write-only ``password``."""
    def read(module, obj):
        module.client.calls.append(("GET", "perms/%s/" % obj["name"], None, None))
        return sorted(held.get(obj["name"], set()))

    def add(module, obj, items):
        module.client.calls.append(("POST", "perms/%s/assign/" % obj["name"], None, list(items)))
        held.setdefault(obj["name"], set()).update(items)

    def remove(module, obj, items):
        module.client.calls.append(("PATCH", "perms/%s/unassign/" % obj["name"], None, list(items)))
        held[obj["name"]].difference_update(items)

    fields = dict(THING.fields, perms=Field(mode="perms_mode", attached=engine.Attached(read, add, remove, resolve=resolve)))
    return Resource(name="thing", path="things/", key="name", lookup=("name", "name", None), fields=fields,
                    secret=Secret(option="password", read=None, write="set_key/", update="update_password"))


def run_res(api, res, diff=True, **params):
    module = FakeModule(api, diff=diff, **params)
    return ensure(module, res), module


def test_attached_set_is_read_compared_and_written_as_a_difference():
    api, held = FakeApi(), {}
    res = attached_thing(held)
    result, dummy = run_res(api, res, name="web", perms=["a.x", "a.y"])
    assert result["changed"] is True and held["web"] == {"a.x", "a.y"}
    assert result["thing"]["perms"] == ["a.x", "a.y"] and result["diff"]["after"]["perms"] == ["a.x", "a.y"]
    assert "perms" not in api.data["things/"]["web"]  # never sent with the object itself
    api.calls = []
    result, dummy = run_res(api, res, name="web", perms=["a.y", "a.x"])
    assert result["changed"] is False and api.writes() == []
    result, dummy = run_res(api, res, name="web", perms=["a.z"], perms_mode="add")
    assert held["web"] == {"a.x", "a.y", "a.z"}
    assert result["diff"]["before"]["perms"] == ["a.x", "a.y"] and result["diff"]["after"]["perms"] == ["a.x", "a.y", "a.z"]
    api.calls = []
    result, dummy = run_res(api, res, name="web", perms=["a.x", "a.q"], perms_mode="remove")
    assert held["web"] == {"a.y", "a.z"}
    assert [c[1] for c in api.writes()] == ["perms/web/unassign/"] and api.writes()[0][3] == ["a.x"]
    result, dummy = run_res(api, res, name="web", perms=["a.y"])
    assert held["web"] == {"a.y"} and result["changed"] is True


def test_attached_set_in_check_mode_writes_nothing_and_predicts():
    api, held = FakeApi(check_mode=True), {"web": {"a.x"}}
    seed(api, name="web")
    result, dummy = run_res(api, attached_thing(held), name="web", perms=["a.y"], perms_mode="add")
    assert result["changed"] is True and held["web"] == {"a.x"} and api.writes() == []
    assert result["diff"]["after"]["perms"] == ["a.x", "a.y"]


def test_attached_set_resolution_fails_before_any_write():
    def resolve(module, option, value):
        raise AuthentikError("%s: unknown permission %r" % (option, value[0]), sent=False)

    api = FakeApi()
    with pytest.raises(AuthentikError, match="perms: unknown permission 'nope'"):
        run_res(api, attached_thing({}, resolve=resolve), name="web", note="x", perms=["nope"])
    assert api.writes() == []


def test_write_only_secret_is_set_on_create_and_only_when_told_after():
    api = FakeApi()
    res = attached_thing({})
    result, dummy = run_res(api, res, name="web", password="s3cret")
    assert api.secrets["web"] == "s3cret" and result["changed"] is True
    assert "s3cret" not in repr(result)
    api.calls = []
    result, dummy = run_res(api, res, name="web", password="other", update_password="on_create")
    assert result["changed"] is False and api.writes() == [] and api.secrets["web"] == "s3cret"
    result, dummy = run_res(api, res, name="web", password="other", update_password="always")
    assert result["changed"] is True and api.secrets["web"] == "other"
    assert result["diff"]["after"]["key"] == MASK_CHANGED and "other" not in repr(result)


def test_guard_refuses_a_change_and_a_delete_before_any_write():
    def guard(module, current, changes):
        if changes is None:
            return "name: refusing to delete %r, it runs this play" % current["name"]
        if changes.get("note") == "off":
            return "note: refusing to switch off %r" % current["name"]
        return None

    res = Resource(name="thing", path="things/", key="name", lookup=("name", "name", None), fields=THING.fields, guard=guard)
    api = FakeApi()
    seed(api, name="web", note="on")
    with pytest.raises(AuthentikError, match="note: refusing to switch off 'web'"):
        run_res(api, res, name="web", note="off")
    with pytest.raises(AuthentikError, match="refusing to delete 'web'"):
        run_res(api, res, name="web", state="absent")
    assert api.writes() == []
    result, dummy = run_res(api, res, name="web", note="on")  # no change: the guard is not asked
    assert result["changed"] is False


class SingletonApi(FakeApi):
    """One settings object at settings/ (GET, PATCH)."""

    def __init__(self, check_mode=False):
        super(SingletonApi, self).__init__(check_mode)
        self.settings = {"duration": "days=1", "length": 60, "flags": {"a": True}}

    def request(self, method, path, params=None, body=None, idempotent=None, retries=None):
        self.calls.append((method, path, copy.deepcopy(params), copy.deepcopy(body)))
        assert path == "settings/"
        if method == "PATCH":
            assert not self.check_mode
            self.settings.update(body)
        return copy.deepcopy(self.settings)


SETTINGS = Resource(name="settings", path="settings/", key=None, lookup=(None, None, None), singleton=True,
                    fields=dict(duration=Field(kind=Kind.DURATION), length=Field(kind=Kind.INT),
                                flags=Field(kind=Kind.DICT, merge=True)))


def test_singleton_is_read_and_patched_at_its_path():
    api = SingletonApi()
    result, dummy = run_res(api, SETTINGS, duration="hours=24", length=60, state=None)
    assert result["changed"] is False and [c[0] for c in api.calls] == ["GET"]
    api.calls = []
    result, dummy = run_res(api, SETTINGS, duration="days=30", flags={"b": False}, state=None)
    assert result["changed"] is True
    assert api.calls[-1] == ("PATCH", "settings/", None, {"duration": "days=30", "flags": {"a": True, "b": False}})
    assert result["diff"] == {"before": {"duration": "days=1", "length": 60, "flags": {"a": True}},
                              "after": {"duration": "days=30", "length": 60, "flags": {"a": True, "b": False}}}
    check = SingletonApi(check_mode=True)
    result, dummy = run_res(check, SETTINGS, length=30, state=None)
    assert result["changed"] is True and result["settings"]["length"] == 30 and check.settings["length"] == 60


# ---------------------------------------------------------------------------------------------
# the items of a looping task share one listing (module_utils/_shared.py)
# ---------------------------------------------------------------------------------------------

@pytest.fixture
def loop_share():
    """A looping task's share, as the action plugin opens it before each item; closed afterwards."""
    engine_share = shared
    engine_share.begin("task-1")
    yield engine_share
    engine_share.begin(None)


def test_loop_items_share_one_listing_and_their_references(loop_share):
    api = scoped_api()
    made = dict((name, ep(api, name, 2, host="h")) for name in ("a", "b", "c"))
    ep(api, "a", 1, host="other parent")
    for name in ("a", "b", "c"):
        result = run_scoped(api, name=name, parent="p2", host="h")
        assert result["changed"] is False and result["endpoint"]["pk"] == made[name]
    # one reference lookup and one listing (without the name filter, a page) for the three items
    assert api.calls == [("GET", "parents/", {"name": "p2", "page_size": 20}, None),
                         ("GET", "eps/", {"full": "true", "parent": 2, "page": 1, "page_size": 100}, None)]


class PagedApi(FakeApi):
    """FakeApi whose unfiltered listings of eps/ have pages of ``page_size`` with authentik's pagination."""

    def _apply(self, method, coll, rest, store, key, params, body):
        answer = super(PagedApi, self)._apply(method, coll, rest, store, key, params, body)
        if method == "GET" and not rest and "page" in (params or {}):
            size, page = params["page_size"], params["page"]
            results = sorted(answer["results"], key=lambda obj: obj["name"])
            pages = max(1, (len(results) + size - 1) // size)
            answer = {"pagination": {"next": page + 1 if page < pages else 0, "total_pages": pages},
                      "results": results[(page - 1) * size:page * size]}
        return answer


@pytest.mark.parametrize("items, objects, expected", [
    (1, 200, 2),       # up to 10 pages, the listing is read whole by the first item: a loop costs its pages
    (200, 200, 2),
    (1000, 1000, 10),
    (1, 2000, 2),      # a larger one only as far as it pays: a short loop costs one request more than its items
    (3, 2000, 4),
    (2000, 2000, 38),  # page 1, 18 lookups while the pages read miss, then pages 2 to 20: about twice the pages
])
def test_a_loop_reads_the_listing_only_as_far_as_it_pays(loop_share, items, objects, expected):
    api = PagedApi()
    api.ignored.add("full")
    api.data["parents/"]["2"] = {"pk": 2, "name": "p2"}
    for index in range(objects):
        ep(api, "e%04d" % index, 2)
    for index in range(items):
        result = run_scoped(api, name="e%04d" % (objects - 1 - index), parent=2, host="h")  # the last page first
        assert result["changed"] is False
    assert len(api.calls) == expected and not api.writes()


def test_a_miss_is_looked_up_again_and_a_write_drops_the_object_from_the_listing(loop_share):
    api = scoped_api()
    mine = ep(api, "a", 2, host="h")
    run_scoped(api, name="a", parent=2, host="h")  # the listing is read
    late = ep(api, "late", 2, host="h")  # made by someone else after the listing
    api.calls = []
    result = run_scoped(api, name="late", parent=2, host="h")
    assert result["changed"] is False and result["endpoint"]["pk"] == late  # a miss is never trusted
    assert api.calls == [("GET", "eps/", {"full": "true", "parent": 2, "name": "late", "page_size": 20}, None)]
    result = run_scoped(api, name="a", parent=2, host="changed")
    assert result["changed"] is True and api.data["eps/"][mine]["host"] == "changed"
    api.calls = []
    result = run_scoped(api, name="a", parent=2, host="changed")  # not the listed (stale) object: looked up again
    assert result["changed"] is False and [c[0] for c in api.calls] == ["GET"]
    result = run_scoped(api, name="a", parent=2, state="absent")
    assert result["changed"] is True and mine not in api.data["eps/"]
    result = run_scoped(api, name="a", parent=2, state="absent")
    assert result["changed"] is False


def test_another_task_or_other_credentials_share_nothing(loop_share):
    api = scoped_api()
    ep(api, "a", 2)
    run_scoped(api, name="a", parent=2, host="h")
    loop_share.begin("task-2")
    api.calls = []
    run_scoped(api, name="a", parent=2, host="h")
    assert [c[1] for c in api.calls] == ["eps/"]  # listed again for the new task
    api._token, api.calls = "another token", []
    run_scoped(api, name="a", parent=2, host="h")
    assert [c[1] for c in api.calls] == ["eps/"]
    loop_share.begin(None)  # a task without a loop: the filtered lookup
    api.calls = []
    run_scoped(api, name="a", parent=2, host="h")
    assert api.calls[0][2]["name"] == "a"


def test_a_searched_listing_is_shared_only_with_a_superusers_token(loop_share):
    # authentik 2025.12.4 answers a non-superuser's endpoint list without search from a list it caches for a day
    api = scoped_api()
    api.ignored.add("search")
    api.data["users/"]["me"] = {"pk": 5, "user": {"pk": 5, "is_superuser": False}}
    searched = Resource(
        name="endpoint", what="endpoint", path="eps/", key="pk", lookup=("name", "name", "name"), scope=("parent",),
        list_params={"full": "true"}, search=True,
        fields=dict(name=Field(), parent=Field(kind=Kind.INT, ref=PARENT, filter="parent"), host=Field()))
    ep(api, "a", 2)
    ep(api, "b", 2)
    api.request = _me_answers(api, is_superuser=False)
    for name in ("a", "b"):
        assert ensure(FakeModule(api, name=name, parent=2, host="h"), searched)["changed"] is False
    # who the token is, asked once; then every item looks its object up alone
    assert [c[1] for c in api.calls] == ["core/users/me/", "eps/", "eps/"]
    loop_share.begin("task-2")
    api.calls = []
    api.request = _me_answers(api, is_superuser=True)
    for name in ("a", "b"):
        assert ensure(FakeModule(api, name=name, parent=2, host="h"), searched)["changed"] is False
    assert [(c[1], "name" in (c[2] or {})) for c in api.calls] == [("core/users/me/", False), ("eps/", False)]


def _me_answers(api, is_superuser):
    plain = FakeApi.request.__get__(api)

    def request(method, path, params=None, body=None, idempotent=None, retries=None):
        if path == "core/users/me/":
            api.calls.append((method, path, None, None))
            return {"user": {"pk": 5, "is_superuser": is_superuser}}
        return plain(method, path, params, body, idempotent, retries)
    return request


def test_check_mode_items_keep_their_own_references(loop_share):
    api = scoped_api()
    api.check_mode = True
    ep(api, "a", 2)
    module = FakeModule(api, name="a", parent="p2", host="h", ep_uuid=None)
    ensure(module, SCOPED)
    assert getattr(module, "_authentik_ref_cache") is not loop_share.current().refs.get(loop_share.LoopShare.credentials(api))


def test_when_the_token_user_cannot_be_read_nothing_is_shared(loop_share):
    api = scoped_api()
    api.ignored.add("search")
    searched = Resource(
        name="endpoint", what="endpoint", path="eps/", key="pk", lookup=("name", "name", "name"), scope=("parent",),
        list_params={"full": "true"}, search=True,
        fields=dict(name=Field(), parent=Field(kind=Kind.INT, ref=PARENT, filter="parent"), host=Field()))
    ep(api, "a", 2)
    plain = FakeApi.request.__get__(api)

    def request(method, path, params=None, body=None, idempotent=None, retries=None):
        if path == "core/users/me/":
            api.calls.append((method, path, None, None))
            raise AuthentikError("GET core/users/me/: HTTP 403", "GET", path, 403, {"detail": "no"})
        return plain(method, path, params, body, idempotent, retries)
    api.request = request
    for dummy in range(2):
        assert ensure(FakeModule(api, name="a", parent=2, host="h"), searched)["changed"] is False
    assert [(c[1], "name" in (c[2] or {})) for c in api.calls] == [("core/users/me/", False), ("eps/", True), ("eps/", True)]
