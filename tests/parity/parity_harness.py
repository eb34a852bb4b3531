# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The parity harness: one request sequence (a *scenario*) sent to the simulator and to a real authentik,
the answers normalised and compared.

- ``Server``: one of the two, with ``call()`` (a request whose answer is recorded for the comparison),
  ``api()``/``ok()`` (set-up requests, not recorded), ``alias()`` (a pk or UUID that is shown by a name in the
  comparison) and the seams where the two differ (``SimServer``/``RealServer``: connection tokens, a provider
  or a property mapping of another type, global permissions, an expired API token, authentik's cleanup task).
- ``Parity``: ``both(scenario, *args)`` runs ``scenario(server, *args)`` on each server and asserts that the
  two records are equal, showing both side by side when they are not. What a scenario creates is deleted
  afterwards, on the real server by a background thread while the next tests run (``Deleter``); names made
  with ``name()`` carry the test's number, so a later test never meets an object that is still being deleted.
- Normalising keeps status codes, error texts, field names and the values the modules read; it replaces
  ids by their alias (or ``<int>``/``<uuid>``), times by their distance to now (``<now+30m>``) and drops
  the values of ``OPAQUE`` fields (random, or not read by any module).
"""

from __future__ import annotations

import datetime
import difflib
import json
import os
import queue
import re
import subprocess
import threading
import time
import traceback
from urllib.parse import urlencode

import requests

# pylint: disable=unknown-option-value,consider-using-f-string,too-many-arguments,too-many-positional-arguments,too-many-instance-attributes

NOTHING = object()
TIMEOUT = 60
SKIP_REASON = ("parity suite skipped: no real authentik to compare the simulator with "
               "(set AUTHENTIK_TEST_URL and AUTHENTIK_TEST_TOKEN, as `make test-real` does)")

#: fields whose value is random, server-specific or never read by a module: only their presence is compared
OPAQUE = frozenset((
    "uid", "uuid", "avatar", "last_login", "date_joined", "password_change_date", "last_updated", "groups", "groups_obj",
    "roles", "roles_obj", "autocomplete", "policybindingmodel_ptr_id", "num_pk", "stages", "policies", "background",
    "background_url", "background_themed_urls", "expression", "email",
))
#: fields holding an integer id (other integers are compared as they are)
INT_ID_FIELDS = frozenset(("pk", "user", "provider", "providers", "session__user"))
#: lists that are sets (their order is not defined by the server)
UNORDERED = frozenset(("property_mappings",))

UUID_RE = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
DATETIME_RE = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)?")
DATETIME_ONLY_RE = re.compile(r"^%s$" % DATETIME_RE.pattern)


def real_server_given():
    """Whether the environment names the real server (AUTHENTIK_TEST_URL and AUTHENTIK_TEST_TOKEN)."""
    return bool(os.environ.get("AUTHENTIK_TEST_URL") and os.environ.get("AUTHENTIK_TEST_TOKEN"))


def utcnow():
    return datetime.datetime.now(datetime.timezone.utc)


def new_session():
    """A requests session that ignores the environment (proxies, netrc): both servers are addressed directly, and
    reading os.environ from a thread races with pytest, which changes it between tests."""
    session = requests.Session()
    session.trust_env = False
    return session


DELETE_RESENDS = 2  # a DELETE answered by authentik's error page is sent again at most this many times
GET_RESENDS = 2  # so is a GET answered by its 500 page


def send(session, method, url, **kwargs):
    """One request, sent again once when the connection breaks before an answer: the real server's gunicorn replaces a
    worker every 1,000 requests or so, and a kept-alive connection to the old one may be reset.

    A DELETE answered 405 with no body (authentik's error page, which takes only GET) is sent again, as the
    collection's client does: deleting an outpost right after a change races with the background tasks that change
    enqueued (PostgreSQL: a foreign key violation on authentik_tasks_tasklog; the delete is rolled back). A DELETE that
    fails every time (a RAC connection token without delete_connectiontoken) keeps its 405.

    A GET answered by authentik's 500 page (HTML) is sent again: a listing of every RAC endpoint (export_info's) that
    meets an endpoint whose provider another test is deleting right then fails in authentik 2025.12.4 (RACProvider
    DoesNotExist in the endpoint's launch_url), which is not an answer to compare."""
    try:
        resp = session.request(method, url, timeout=TIMEOUT, **kwargs)
    except requests.ConnectionError:
        resp = session.request(method, url, timeout=TIMEOUT, **kwargs)
    for dummy in range(DELETE_RESENDS if method == "DELETE" else 0):
        if resp.status_code != 405 or resp.content:
            break
        time.sleep(0.5)
        resp = session.request(method, url, timeout=TIMEOUT, **kwargs)
    for dummy in range(GET_RESENDS if method == "GET" else 0):
        if resp.status_code != 500 or "json" in resp.headers.get("Content-Type", ""):
            break
        time.sleep(0.5)
        resp = session.request(method, url, timeout=TIMEOUT, **kwargs)
    return resp


def iso(delta=datetime.timedelta()):
    """Now plus ``delta`` as ISO 8601 (UTC, ``Z``)."""
    return (utcnow() + delta).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def when(text):
    """A date-time as its distance to now in whole minutes (``<now+30m>``), a far one as it is."""
    try:
        value = datetime.datetime.fromisoformat(text.replace("Z", "+00:00").replace(" ", "T"))
    except ValueError:
        return text
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.timezone.utc)
    minutes = (value - utcnow()).total_seconds() / 60.0
    if abs(minutes) > 2 * 24 * 60:
        return text
    return "<now%+dm>" % int(round(minutes))


class Reply:
    """One HTTP answer: ``status``, ``data`` (parsed JSON, text, or None when empty)."""

    def __init__(self, status, data):
        self.status = status
        self.data = data

    def __repr__(self):
        return "Reply(%s, %r)" % (self.status, self.data)


class SetupError(AssertionError):
    """A set-up request (``ok()``) did not succeed."""


class Server:
    """One server under comparison: its API as the admin (or another caller) and its record of answers."""

    kind = "?"

    def __init__(self, title, url, token, prefix, background=False):
        self.title = title
        self.base = url.rstrip("/") + "/api/v3/"
        self.prefix = prefix
        self.case = 0
        self.session = new_session()
        self.deleter = Deleter(self) if background else None
        self.keys = {"admin": token}
        self.aliases = {}  # lower-case UUID (or other string) -> symbol
        self.int_aliases = {"user": {}, "provider": {}}  # integer pk -> symbol
        self.world = {}
        self.log = []
        self.created = []  # API paths of the objects made by the running scenario, to DELETE afterwards
        self.world_created = []
        self.creating_world = False

    # ------------------------------------------------------------------ requests

    def api(self, method, path, body=NOTHING, params=None, auth="admin", raw=None, ctype="application/json"):
        """Send one request; ``auth``: a caller name in ``keys``, None (no header) or a literal header value
        (``"Bearer xyz"``); ``raw``: bytes/text sent as the body instead of ``body`` as JSON."""
        headers = {"Accept": "application/json"}
        if auth in self.keys:
            headers["Authorization"] = "Bearer " + self.keys[auth]
        elif auth is not None:
            headers["Authorization"] = auth
        data = None
        if raw is not None:
            data = raw.encode("utf-8") if isinstance(raw, str) else raw
        elif body is not NOTHING:
            data = json.dumps(body).encode("utf-8")
        if data is not None:
            headers["Content-Type"] = ctype
        url = self.base + path.lstrip("/")
        resp = send(self.session, method, url, params=params, data=data, headers=headers)
        if not resp.content:
            parsed = None
        elif "json" in resp.headers.get("Content-Type", ""):
            parsed = resp.json()
        else:
            parsed = "<%s page>" % resp.headers.get("Content-Type", "?").split(";")[0]
        reply = Reply(resp.status_code, parsed)
        if method == "POST" and resp.status_code == 201 and isinstance(parsed, dict):
            self._remember_created(path, parsed)
        return reply

    def _remember_created(self, path, obj):
        path = path.strip("/") + "/"
        key = obj.get("identifier") if path == "core/tokens/" else obj.get("slug") if path == "core/applications/" else obj.get("pk")
        if key is not None:
            (self.world_created if self.creating_world else self.created).append(path + "%s/" % key)

    def ok(self, method, path, body=NOTHING, params=None, auth="admin"):
        """A set-up request that must succeed (2xx); its JSON answer."""
        reply = self.api(method, path, body, params=params, auth=auth)
        if not 200 <= reply.status < 300:
            query = "?" + urlencode(params) if params else ""
            raise SetupError("%s: %s %s%s: HTTP %s %r" % (self.title, method, path, query, reply.status, reply.data))
        return reply.data

    def call(self, method, path, body=NOTHING, params=None, auth="admin", raw=None, ctype="application/json", view=None):
        """A request whose answer is part of the comparison: ``view(data)`` picks what is compared (default: all)."""
        reply = self.api(method, path, body, params=params, auth=auth, raw=raw, ctype=ctype)
        data = reply.data
        if view is not None and isinstance(data, (dict, list)) and reply.status < 300:
            data = view(data)
        self.log.append(((method, path, dict(params or {}), auth), reply.status, data))
        return reply

    def record(self, label, status, data):
        """Add one entry to the comparison (also for derived facts: ``record("same key", None, True)``)."""
        self.log.append((label, status, data))

    # ------------------------------------------------------------------ names and ids

    def name(self, suffix):
        """A name of this run and test (the same on both servers): ``<prefix>-<test number>-<suffix>``."""
        return "%s-%d-%s" % (self.prefix, self.case, suffix)

    def w(self, suffix):
        """The name of a world object: ``<prefix>-<suffix>``."""
        return "%s-%s" % (self.prefix, suffix)

    def alias(self, value, symbol):
        """Show ``value`` (a pk or UUID) as ``<symbol>`` in the comparison; returns ``value``. Integer pks are users'
        (symbols ``user:...``) or providers' (any other symbol)."""
        if isinstance(value, int) and not isinstance(value, bool):
            self.int_aliases["user" if symbol.startswith("user:") else "provider"][value] = symbol
        elif isinstance(value, str):
            self.aliases[value.lower()] = symbol
        return value

    def normalise(self, value, key=None, parent=None):
        """What is compared of an answer (see the module docstring)."""
        if isinstance(value, dict):
            return dict((k, "<opaque>" if k in OPAQUE else self.normalise(v, k, value)) for k, v in value.items())
        if isinstance(value, list):
            out = [self.normalise(item, key, parent) for item in value]
            return sorted(out, key=json.dumps) if key in UNORDERED else out
        if isinstance(value, bool) or value is None:
            return value
        if isinstance(value, int):
            if key in ("user", "session__user") or (key == "pk" and parent is not None and "username" in parent):
                return self._int_symbol("user", value)
            if key in INT_ID_FIELDS:
                return self._int_symbol("provider", value)
            return value
        if isinstance(value, str):
            return self._normalise_text(value)
        return value

    def _int_symbol(self, kind, value):
        return "<%s>" % self.int_aliases[kind][value] if value in self.int_aliases[kind] else "<int>"

    def _normalise_text(self, text):
        if text.lower() in self.aliases:
            return "<%s>" % self.aliases[text.lower()]
        if DATETIME_ONLY_RE.match(text):
            return when(text)
        text = UUID_RE.sub(lambda m: "<%s>" % self.aliases.get(m.group(0).lower(), "uuid"), text)
        return DATETIME_RE.sub(lambda m: when(m.group(0)), text)

    def _normalise_label(self, label):
        if not isinstance(label, tuple):
            return label
        method, path, params, auth = label
        kind = "user" if path.startswith("core/users/") else "provider" if path.startswith("providers/") else None
        shown = []
        for part in path.strip("/").split("/"):
            if kind and part.isdigit() and int(part) in self.int_aliases[kind]:
                shown.append("<%s>" % self.int_aliases[kind][int(part)])
            else:
                shown.append(self._normalise_text(part))
        text = "%s %s/" % (method, "/".join(shown))
        if params:
            text += "?" + "&".join("%s=%s" % (k, self.normalise(int(v) if str(v).isdigit() else v, k)) for k, v in sorted(params.items()))
        if auth != "admin":
            text += " as %s" % (auth if auth is None or auth in self.keys else "<header>")
        return text

    def normalised_log(self):
        return [(self._normalise_label(label), status, self.normalise(data)) for label, status, data in self.log]

    # ------------------------------------------------------------------ clean-up

    def delete_created(self):
        """Delete what the scenario created, newest first (404 is fine): now, or by the background ``Deleter``."""
        paths, self.created = self.created[::-1], []
        if self.deleter is not None:
            self.deleter.put(paths)
            return []
        return self.delete_paths(paths)

    def delete_paths(self, paths):
        """DELETE each path in turn; the problems (404 is fine)."""
        problems = []
        for path in paths:
            try:
                reply = self.api("DELETE", path)
                if reply.status not in (204, 404):
                    problems.append("DELETE %s: HTTP %s %r" % (path, reply.status, reply.data))
            except requests.RequestException as exc:
                problems.append("DELETE %s: %s: %s" % (path, type(exc).__name__, exc))
        return problems

    def delete_world(self):
        """Wait for the background deletions, then delete the world, newest first; the problems."""
        problems = self.deleter.finish() if self.deleter is not None else []
        paths, self.world_created = self.world_created[::-1], []
        return problems + self.delete_paths(paths)

    # ------------------------------------------------------------------ seams (per server kind)

    def make_connection_tokens(self, provider, endpoint, username, count):
        """``count`` new RAC connection tokens of ``username`` (its sessions) on ``endpoint``; their pks."""
        raise NotImplementedError

    def make_foreign_provider(self, name):
        """A provider of another type (proxy) named ``name``; its pk."""
        raise NotImplementedError

    def make_foreign_mapping(self, name):
        """A property mapping of another kind (an OAuth2 scope mapping) named ``name``; its pk."""
        raise NotImplementedError

    def grant_permissions(self, user, permissions, name):
        """Give user ``user`` (pk) the global ``permissions`` (``name``: for what this makes on the real server)."""
        raise NotImplementedError

    def expire_tokens(self, identifiers):
        """Make the tokens expire an hour ago (``expiring`` true): the API cannot, for an API token."""
        raise NotImplementedError

    def clear_of_cleanup(self):
        """Return when authentik's cleanup of expired objects will not run in the next seconds (see RealServer)."""


class SimServer(Server):
    """The simulator, in this process: its seed helpers stand in for what the API cannot do."""

    kind = "simulator"

    def __init__(self, sim, token, prefix):
        super().__init__("simulator", sim.url, token, prefix)
        self.sim = sim

    def make_connection_tokens(self, provider, endpoint, username, count):
        user = [pk for who, pk in self.world["users"].items() if self.world["usernames"][who] == username][0]
        return self.sim.seed_connection_tokens(count, provider, endpoint, user)

    def make_foreign_provider(self, name):
        return self.sim.add_foreign_provider(name)

    def make_foreign_mapping(self, name):
        return self.sim.add_foreign_mapping(name)

    def grant_permissions(self, user, permissions, name):
        self.sim.grant_permissions(user, permissions)

    def expire_tokens(self, identifiers):
        for identifier in identifiers:
            self.sim.expire_token(identifier)


class RealServer(Server):
    """The real authentik: connection tokens and expired API tokens through its control script
    (``AUTHENTIK_TEST_SERVER``), a proxy provider and permissions through the API."""

    kind = "real server"

    def __init__(self, url, token, control, prefix):
        super().__init__("real server", url, token, prefix, background=True)
        self.control = control

    def make_connection_tokens(self, provider, endpoint, username, count):
        if not self.control:
            raise SetupError("AUTHENTIK_TEST_SERVER is not set: no way to make RAC connection tokens on the real server")
        proc = subprocess.run([self.control, "connection-token", str(provider), str(endpoint), username, str(count)],
                              capture_output=True, text=True, timeout=600, check=False)
        pks = [line.strip() for line in proc.stdout.splitlines() if UUID_RE.fullmatch(line.strip())]
        if proc.returncode != 0 or len(pks) != count:
            raise SetupError("%s connection-token %s %s %s %s: rc %s, %d uuids; %s" % (
                self.control, provider, endpoint, username, count, proc.returncode, len(pks), proc.stderr[-1500:]))
        return pks

    def make_foreign_provider(self, name):
        flow = self.world["flow"]
        return self.ok("POST", "providers/proxy/", {"name": name, "authorization_flow": flow, "invalidation_flow": flow,
                                                    "external_host": "https://parity.invalid", "mode": "forward_single"})["pk"]

    def make_foreign_mapping(self, name):
        return self.ok("POST", "propertymappings/provider/scope/", {"name": name, "scope_name": name, "expression": "return {}"})["pk"]

    def grant_permissions(self, user, permissions, name):
        """authentik 2025.12 assigns permissions to roles: a role ``name`` with them, in a group ``name`` of the user."""
        role = self.ok("POST", "rbac/roles/", {"name": name})["pk"]
        self.ok("POST", "rbac/permissions/assigned_by_roles/%s/assign/" % role, {"permissions": sorted(permissions)})
        self.ok("POST", "core/groups/", {"name": name, "roles": [role], "users": [user]})

    def expire_tokens(self, identifiers):
        if not self.control:
            raise SetupError("AUTHENTIK_TEST_SERVER is not set: no way to make an expired API token on the real server")
        proc = subprocess.run([self.control, "orm", "expire-token"] + list(identifiers), capture_output=True, text=True,
                              timeout=120, check=False)
        if proc.returncode != 0 or sorted(proc.stdout.split()) != sorted(identifiers):
            raise SetupError("%s orm expire-token %s: rc %s, %r; %s" % (
                self.control, " ".join(identifiers), proc.returncode, proc.stdout, proc.stderr[-1500:]))

    def clear_of_cleanup(self, ahead=15, late=90):
        """authentik's cleanup task (clean_expired_models) gives expired API tokens a new key and deletes expired app
        passwords. Its schedule is minute 2, 7, 12, ... (``2-59/5``), sent by a scheduler that looks every 60 s: wait
        while the next tick is less than ``ahead`` seconds away, or the last tick is less than ``late`` seconds ago and
        its run has not finished (the tasks API says)."""
        while True:
            now = utcnow()
            tick = now.replace(second=0, microsecond=0) - datetime.timedelta(minutes=(now.minute - 2) % 5)
            since = (now - tick).total_seconds()
            if 300 - since > ahead and since > late:
                return
            if since <= late:
                runs = self.ok("GET", "tasks/tasks/", params={"search": "clean_expired_models", "ordering": "-mtime",
                                                              "page_size": 1})["results"]
                if runs and runs[0]["state"] == "done" and datetime.datetime.fromisoformat(
                        runs[0]["mtime"].replace("Z", "+00:00")) >= tick:
                    return
            time.sleep(2)


class Later:
    """A value computed in a background thread (connection tokens take seconds to make on the real server)."""

    def __init__(self, func, *args):
        self._result = None
        self._error = None
        self._thread = threading.Thread(target=self._run, args=(func,) + args, daemon=True)
        self._thread.start()

    def _run(self, func, *args):
        try:
            self._result = func(*args)
        except Exception as exc:  # pylint: disable=broad-exception-caught
            self._error = exc

    def get(self, timeout=600):
        self._thread.join(timeout)
        if self._error is not None:
            raise self._error
        return self._result


class Deleter:
    """Deletes what the tests made on one server in a background thread, so that the next tests need not wait."""

    def __init__(self, server):
        self.server = server
        self.queue = queue.Queue()
        self.problems = []
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def put(self, paths):
        if paths:
            self.queue.put(paths)

    def _run(self):
        session = new_session()  # a requests.Session is not thread-safe: this thread has its own
        while True:
            paths = self.queue.get()
            if paths is None:
                return
            for path in paths:
                try:
                    resp = send(session, "DELETE", self.server.base + path, headers={"Authorization": "Bearer " + self.server.keys["admin"]})
                    if resp.status_code not in (204, 404):
                        self.problems.append("DELETE %s: HTTP %s %s" % (path, resp.status_code, resp.text[:300]))
                except Exception as exc:  # pylint: disable=broad-exception-caught
                    self.problems.append("DELETE %s: %s: %s" % (path, type(exc).__name__, exc))

    def finish(self):
        self.queue.put(None)
        self.thread.join(600)
        return self.problems


# ------------------------------------------------------------------------------------------------ comparison


def side_by_side(left, right, width=78):
    """Two JSON texts in two columns, ``|`` marking the rows that differ."""
    a = json.dumps(left, indent=1, sort_keys=True, default=str).splitlines()
    b = json.dumps(right, indent=1, sort_keys=True, default=str).splitlines()
    rows = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        span = max(i2 - i1, j2 - j1)
        for k in range(span):
            la = a[i1 + k] if i1 + k < i2 else ""
            lb = b[j1 + k] if j1 + k < j2 else ""
            mark = " " if tag == "equal" else "|"
            rows.append("%-*s %s %s" % (width, la[:width], mark, lb[:width]))
    return "\n".join(rows)


class Parity:
    """``both(scenario, *args)``: run the scenario on every server, clean up, compare the records."""

    def __init__(self, servers):
        self.servers = servers

    def __call__(self, scenario, *args):
        outcomes = {}

        def run(server):
            server.case += 1
            server.log = []
            outcome = outcomes[server.title] = {"errors": [], "skip": None}
            try:
                scenario(server, *args)
            except BaseException as exc:  # pylint: disable=broad-exception-caught
                if type(exc).__name__ == "Skipped":  # pytest.skip() inside the scenario
                    outcome["skip"] = exc
                else:
                    server.record("exception", None, "%s: %s" % (type(exc).__name__, exc))
                    outcome["errors"].append("%s: %s" % (server.title, traceback.format_exc()))
            finally:
                problems = server.delete_created()
            if problems:
                outcome["errors"].append("%s: clean-up: %s" % (server.title, "; ".join(problems)))
            outcome["log"] = server.normalised_log()

        # the simulator in a thread, the real server here: the simulator's work overlaps the real server's answers
        simulator, real = self.servers
        worker = threading.Thread(target=run, args=(simulator,), daemon=True)
        worker.start()
        run(real)
        worker.join()
        for server in self.servers:
            if outcomes[server.title]["skip"] is not None:
                raise outcomes[server.title]["skip"]
        sim_log, real_log = outcomes[simulator.title]["log"], outcomes[real.title]["log"]
        if sim_log != real_log:
            raise AssertionError(self.explain(simulator.title, sim_log, real.title, real_log))
        errors = outcomes[simulator.title]["errors"] + outcomes[real.title]["errors"]
        if errors:
            raise AssertionError("the scenario failed (the same way on both servers):\n" + "\n".join(errors))

    @staticmethod
    def explain(sim_name, sim_log, real_name, real_log):
        out = ["the %s and the %s answer differently (%d and %d steps):" % (sim_name, real_name, len(sim_log), len(real_log))]
        for index in range(max(len(sim_log), len(real_log))):
            left = sim_log[index] if index < len(sim_log) else None
            right = real_log[index] if index < len(real_log) else None
            if left == right:
                continue
            label = (left or right)[0]
            out.append("\n--- step %d: %s" % (index + 1, label))
            out.append("%-78s   %s" % (sim_name, real_name))
            out.append(side_by_side(left and {"status": left[1], "body": left[2]} if left else None,
                                    {"status": right[1], "body": right[2]} if right else None))
        return "\n".join(out)


# ------------------------------------------------------------------------------------------------ views


def page(data):
    """A list answer reduced to its pagination and the number of results."""
    return {"pagination": data.get("pagination"), "results": len(data.get("results", [])), "keys": sorted(data)}


def items(*fields):
    """A list answer reduced to its pagination and the given fields of each result."""
    def view(data):
        return {"pagination": data.get("pagination"),
                "results": [dict((f, r.get(f)) for f in fields) for r in data.get("results", [])]}
    return view


def fields(*names):
    """One object reduced to the given fields."""
    def view(data):
        return dict((f, data.get(f)) for f in names)
    return view
