# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""An in-memory simulator of the parts of the authentik 2025.12 REST API (``/api/v3/``) that the
authentik.api collection uses: tokens, RAC providers, endpoints and connection tokens, flows, RAC
property mappings and users.

It reproduces what a real authentik 2025.12.4 server answers (status codes, error bodies, page-number
pagination, filters and the traps described in ``/work/shared/notes/authentik-api.md``), checks every
request and response body against the pydantic models of the ``authentik-client`` package when that is
installed, counts requests and injects faults. Standard library only; ``authentik_client`` is optional
and imported once per process, lazily.

Python API::

    sim = AuthentikSimulator(host="127.0.0.1", port=0, admin_token="sim-admin-token").start()
    sim.url          # http://127.0.0.1:PORT (no /api/v3)
    sim.seed_provider("rdp")
    sim.stop()

Command line::

    python tests/simulator/authentik_sim.py --port 0 --token sim-admin-token --ready-file /tmp/url
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import datetime
import hashlib
import json
import math
import os
import re
import secrets
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

# pylint: disable=too-many-lines,too-many-instance-attributes,too-many-arguments,too-many-locals
# pylint: disable=too-many-branches,too-many-statements,too-many-public-methods,too-many-return-statements
# pylint: disable=too-many-positional-arguments,too-many-boolean-expressions,too-few-public-methods
# pylint: disable=consider-using-f-string,use-dict-literal  # %-formatting and dict() match the rest of the collection

API_PREFIX = "/api/v3/"
ADMIN_PREFIX = "/_sim/"
DEFAULT_ADMIN_TOKEN = "sim-admin-token"
ALICE_TOKEN = "sim-alice-token"
VIOLATION_STATUS = 599
MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 100

ADMIN_PK = 3
ALICE_PK = 6
BOB_PK = 7


def _fixed_uuid(name):
    """The fixed UUID of a seeded object: ``uuid5(NAMESPACE_DNS, name)``."""
    return str(uuid.uuid5(uuid.NAMESPACE_DNS, name))


FLOW_IMPLICIT = "default-provider-authorization-implicit-consent"
FLOW_EXPLICIT = "default-provider-authorization-explicit-consent"
FLOW_AUTHENTICATION = "default-authentication-flow"
#: slug -> pk of the seeded flows (``uuid5(NAMESPACE_DNS, slug)``)
FLOW_UUIDS = {slug: _fixed_uuid(slug) for slug in (FLOW_IMPLICIT, FLOW_EXPLICIT, FLOW_AUTHENTICATION)}

MAPPING_RDP_DEFAULT = "goauthentik.io/providers/rac/rdp-default"
MAPPING_RDP_HIGH_FIDELITY = "goauthentik.io/providers/rac/rdp-high-fidelity"
MAPPING_SSH_DEFAULT = "goauthentik.io/providers/rac/ssh-default"
#: managed name -> pk of the seeded RAC property mappings (``uuid5(NAMESPACE_DNS, managed)``)
MAPPING_UUIDS = {managed: _fixed_uuid(managed) for managed in (MAPPING_RDP_DEFAULT, MAPPING_RDP_HIGH_FIDELITY, MAPPING_SSH_DEFAULT)}

#: identifiers of the seeded API tokens
ADMIN_TOKEN_IDENTIFIER = "authentik-bootstrap-token"
ALICE_TOKEN_IDENTIFIER = "alice-api-token"

TOKEN_INTENTS = ("verification", "api", "recovery", "app_password")
PROTOCOLS = ("rdp", "vnc", "ssh")
AUTH_MODES = ("static", "prompt")
FLOW_DESIGNATIONS = ("authentication", "authorization", "invalidation", "enrollment", "unenrollment", "recovery",
                     "stage_configuration")
TIMEDELTA_KEYS = ("microseconds", "milliseconds", "seconds", "minutes", "hours", "days", "weeks")
SLUG_RE = re.compile(r"^[-a-zA-Z0-9_]+$")
DATETIME_FORMAT_MSG = "Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."
INVALID_CHOICE_FILTER = "Select a valid choice. That choice is not one of the available choices."
NO_PERMISSION = "You do not have permission to perform this action."
NOT_PROVIDED = "Authentication credentials were not provided."
TOKEN_INVALID = "Token invalid/expired"
INT32 = (-2147483648, 2147483647)
EPOCH = datetime.datetime(2025, 12, 1, 9, 0, 0, tzinfo=datetime.timezone.utc)

# --------------------------------------------------------------------------------------------------
# authentik_client: imported lazily, once per process


_MODELS = {}
_MODELS_LOCK = threading.Lock()


def load_models(required=False):
    """The ``authentik_client.models`` module (imported once per process), or None when it is missing.

    ``required=True`` raises RuntimeError instead of returning None.
    """
    with _MODELS_LOCK:
        if "module" not in _MODELS:
            started = time.monotonic()
            try:
                from authentik_client import models  # pylint: disable=import-outside-toplevel
            except ImportError as exc:
                _MODELS["module"] = None
                _MODELS["error"] = str(exc)
            else:
                _MODELS["module"] = models
            _MODELS["seconds"] = time.monotonic() - started
    if _MODELS["module"] is None and required:
        raise RuntimeError("authentik_client is required for contract validation but cannot be imported: %s" % _MODELS.get("error"))
    return _MODELS["module"]


def models_import_seconds():
    """How long importing ``authentik_client.models`` took in this process (None if not attempted)."""
    return _MODELS.get("seconds")


# --------------------------------------------------------------------------------------------------
# small helpers


def utcnow():
    """Now, timezone-aware UTC."""
    return datetime.datetime.now(datetime.timezone.utc)


def fmt_dt(value):
    """A datetime the way Django REST framework renders it (ISO 8601, ``Z`` for UTC), None stays None."""
    if value is None:
        return None
    text = value.astimezone(datetime.timezone.utc).isoformat()
    if text.endswith("+00:00"):
        text = text[:-6] + "Z"
    return text


def parse_dt(value):
    """Parse an ISO 8601 date-time as DRF does (naive means UTC); raises ValueError."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError("not a date-time")
    parsed = datetime.datetime.fromisoformat(value.strip())
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=datetime.timezone.utc)
    return parsed.astimezone(datetime.timezone.utc)


def timedelta_from_string(expr):
    """authentik's ``timedelta_from_string``: ``hours=1;minutes=30``; unknown keys are skipped; raises ValueError."""
    kwargs = {}
    for pair in expr.split(";"):
        key, value = pair.split("=")
        if key.lower() not in TIMEDELTA_KEYS:
            continue
        kwargs[key.lower()] = float(value.strip())
    if not kwargs:
        raise ValueError("No valid keys to pass to timedelta")
    try:
        return datetime.timedelta(**kwargs)
    except OverflowError as exc:
        raise ValueError(str(exc)) from exc


def _parse_uuid(value):
    """Normalised UUID string, or None when ``value`` is not a UUID (as Django's UUIDField parses it)."""
    if not isinstance(value, str):
        return None
    try:
        return str(uuid.UUID(value.strip()))
    except ValueError:
        return None


def _parse_int(value):
    """int of a path/query value, or None."""
    try:
        return int(str(value).strip())
    except ValueError:
        return None


def _bool_filter(value):
    """django-filter's BooleanWidget: true/false/1/0 (any case), anything else means no filter."""
    return {"1": True, "0": False, "true": True, "false": False}.get(str(value).lower())


def _search_terms(value):
    """DRF SearchFilter terms: split on whitespace and commas."""
    return [term for term in re.split(r"[\s,]+", value.replace("\x00", "")) if term]


def _matches_search(terms, values):
    """Every term must be contained (case-insensitively) in at least one of the values."""
    lowered = [str(v).lower() for v in values if v is not None]
    return all(any(term.lower() in v for v in lowered) for term in terms)


def _sort(items, ordering, keyfuncs, default):
    """Sort like Django's order_by over ``keyfuncs`` (NULLs last ascending, first descending).

    ``ordering`` is the raw ``?ordering=`` value; unknown fields are ignored as DRF's OrderingFilter does.
    """
    fields = []
    if ordering:
        for name in ordering.split(","):
            name = name.strip()
            if name.lstrip("-") in keyfuncs:
                fields.append(name)
    if not fields:
        fields = list(default)
    result = list(items)
    for name in reversed(fields):
        desc = name.startswith("-")
        func = keyfuncs[name.lstrip("-")]

        def key(item, func=func):
            value = func(item)
            return (value is None, value if value is not None else 0)

        result.sort(key=key, reverse=desc)
    return result


class ApiError(Exception):
    """An HTTP answer other than success, raised from anywhere inside a handler."""

    def __init__(self, status, body=None, headers=None):
        super().__init__("%s %r" % (status, body))
        self.status = status
        self.body = body
        self.headers = headers or {}


def _detail(status, message):
    return ApiError(status, {"detail": message})


# --------------------------------------------------------------------------------------------------
# request body field validation (real server 400s) plus type checks (contract violations)


class _Fields:
    """Validates one request body the way the DRF serializer of authentik does.

    ``errors`` are real-server 400 messages (semantically invalid values of the right JSON type);
    ``type_errors`` are values of a JSON type the OpenAPI schema does not allow, which a correct
    client never sends (contract violations when validation is on, 400s otherwise).
    """

    def __init__(self, body, partial):
        self.body = body
        self.partial = partial
        self.errors = {}
        self.type_errors = {}
        self.out = {}

    def _present(self, name, required):
        if name in self.body:
            return True
        if required and not self.partial:
            self.errors[name] = ["This field is required."]
        return False

    def _null(self, name, allow_null):
        if allow_null:
            self.out[name] = None
        else:
            self.errors[name] = ["This field may not be null."]

    def string(self, name, required=False, allow_blank=False, allow_null=False, max_length=None, trim=True):
        """A CharField: blank check, then max length and ``extra`` validators."""
        if not self._present(name, required):
            return None
        value = self.body[name]
        if value is None:
            self._null(name, allow_null)
            return None
        if not isinstance(value, str):
            self.type_errors[name] = "Not a valid string."
            return None
        if trim:
            value = value.strip()
        if value == "" and not allow_blank:
            self.errors[name] = ["This field may not be blank."]
            return None
        if max_length is not None and len(value) > max_length:
            self.errors.setdefault(name, []).append("Ensure this field has no more than %d characters." % max_length)
        self.out[name] = value
        return value

    def boolean(self, name, required=False):
        """A BooleanField (the schema says strict JSON boolean)."""
        if not self._present(name, required):
            return
        value = self.body[name]
        if value is None:
            self._null(name, False)
        elif not isinstance(value, bool):
            self.type_errors[name] = "Must be a valid boolean."
        else:
            self.out[name] = value

    def integer(self, name, required=False, bounds=None):
        """An IntegerField (strict JSON integer) with optional (min, max) bounds."""
        if not self._present(name, required):
            return
        value = self.body[name]
        if value is None:
            self._null(name, False)
        elif isinstance(value, bool) or not isinstance(value, int):
            self.type_errors[name] = "A valid integer is required."
        else:
            if bounds and value < bounds[0]:
                self.errors[name] = ["Ensure this value is greater than or equal to %d." % bounds[0]]
            elif bounds and value > bounds[1]:
                self.errors[name] = ["Ensure this value is less than or equal to %d." % bounds[1]]
            else:
                self.out[name] = value

    def choice(self, name, choices, required=False):
        """A ChoiceField over string choices."""
        if not self._present(name, required):
            return
        value = self.body[name]
        if value is None:
            self._null(name, False)
        elif not isinstance(value, str):
            self.type_errors[name] = '"%s" is not a valid choice.' % (value,)
        elif value not in choices:
            self.errors[name] = ['"%s" is not a valid choice.' % value]
        else:
            self.out[name] = value

    def date_time(self, name, allow_null=True):
        """A DateTimeField (ISO 8601 string)."""
        if not self._present(name, False):
            return
        value = self.body[name]
        if value is None:
            self._null(name, allow_null)
        elif not isinstance(value, str):
            self.type_errors[name] = DATETIME_FORMAT_MSG
        else:
            try:
                self.out[name] = parse_dt(value)
            except ValueError:
                self.errors[name] = [DATETIME_FORMAT_MSG]

    def json_object(self, name):
        """A JSONField whose schema type is an object."""
        if not self._present(name, False):
            return
        value = self.body[name]
        if value is None:
            self._null(name, False)
        elif not isinstance(value, dict):
            self.type_errors[name] = "Value must be valid JSON."
        else:
            self.out[name] = copy.deepcopy(value)

    def _related_one(self, value, kind, exists):
        """(value, error, is_type_error) for one PrimaryKeyRelatedField value."""
        if kind == "int":
            if isinstance(value, bool) or not isinstance(value, int):
                return None, "Incorrect type. Expected pk value, received %s." % type(value).__name__, True
            if not exists(value):
                return None, 'Invalid pk "%s" - object does not exist.' % value, False
            return value, None, False
        if not isinstance(value, str):
            return None, "Incorrect type. Expected pk value, received %s." % type(value).__name__, True
        parsed = _parse_uuid(value)
        if parsed is None:
            return None, "\u201c%s\u201d is not a valid UUID." % value, False
        if not exists(parsed):
            return None, 'Invalid pk "%s" - object does not exist.' % value, False
        return parsed, None, False

    def related(self, name, kind, exists, required=False, allow_null=False):
        """A PrimaryKeyRelatedField (``kind`` "int" or "uuid"; ``exists(pk)`` tells whether the target exists)."""
        if not self._present(name, required):
            return
        value = self.body[name]
        if value is None:
            self._null(name, allow_null)
            return
        parsed, error, is_type = self._related_one(value, kind, exists)
        if is_type:
            self.type_errors[name] = error
        elif error:
            self.errors[name] = [error]
        else:
            self.out[name] = parsed

    def related_many(self, name, kind, exists):
        """A many=True PrimaryKeyRelatedField: a list, the first bad item gives the error; duplicates collapse."""
        if not self._present(name, False):
            return
        value = self.body[name]
        if value is None:
            self._null(name, False)
            return
        if not isinstance(value, list):
            self.type_errors[name] = 'Expected a list of items but got type "%s".' % type(value).__name__
            return
        result = []
        for item in value:
            parsed, error, is_type = self._related_one(item, kind, exists)
            if is_type:
                self.type_errors[name] = error
                return
            if error:
                self.errors[name] = [error]
                return
            if parsed not in result:
                result.append(parsed)
        self.out[name] = result

    def uuid_value(self, name):
        """A plain UUIDField."""
        if not self._present(name, False):
            return
        value = self.body[name]
        if value is None:
            self._null(name, False)
        elif not isinstance(value, str):
            self.type_errors[name] = "Must be a valid UUID."
        elif _parse_uuid(value) is None:
            self.errors[name] = ["Must be a valid UUID."]
        else:
            self.out[name] = _parse_uuid(value)


# --------------------------------------------------------------------------------------------------
# the simulator


class _Fault:
    """One injected fault (see ``AuthentikSimulator.add_fault``)."""

    def __init__(self, method, path_regex, status, times, retry_after, body, drop, delay, after_apply, query_regex):
        self.method = method.upper() if method else None
        self.path_regex = re.compile(path_regex)
        self.query_regex = re.compile(query_regex) if query_regex else None
        self.status = status
        self.times = times
        self.retry_after = retry_after
        self.body = body
        self.drop = drop
        self.delay = float(delay or 0)
        self.after_apply = after_apply

    def matches(self, method, path, query):
        """Whether the fault applies to this request."""
        if self.method and self.method != method:
            return False
        if not self.path_regex.search(path):
            return False
        return not self.query_regex or bool(self.query_regex.search(query))


class _Request:
    """What a handler needs to know about one API request."""

    def __init__(self, method, path, query, headers, body):
        self.method = method
        self.path = path
        self.raw_query = query
        self.query = parse_qs(query, keep_blank_values=True)
        self.headers = headers
        self.body = body
        self.user = None

    def param(self, name):
        """The last value of a query parameter (as Django's QueryDict.get), '' counts as absent."""
        values = self.query.get(name)
        if not values or values[-1] == "":
            return None
        return values[-1]

    def params(self, name):
        """All non-empty values of a query parameter."""
        return [v for v in self.query.get(name, []) if v != ""]


class AuthentikSimulator:
    """An authentik 2025.12 API server in a background thread (see the module docstring).

    ``validate``: True checks bodies against authentik_client whenever it can be imported, "require"
    fails at start when it cannot, False skips the model checks.
    """

    def __init__(self, host="127.0.0.1", port=0, admin_token=DEFAULT_ADMIN_TOKEN, validate=True, tls=None,
                 api_token_lifetime=datetime.timedelta(minutes=30), max_token_lifetime=datetime.timedelta(minutes=30),
                 verbose=False):
        self.host = host
        self.port = port
        self.admin_token = admin_token
        self.validate_mode = validate
        self.tls = tls
        self.api_token_lifetime = api_token_lifetime
        self.max_token_lifetime = max_token_lifetime
        self.verbose = verbose
        self.models = None
        self.lock = threading.RLock()
        self.requests = []
        self.violations = []
        self.connections = 0
        self.faults = []
        self._server = None
        self._thread = None
        self._sockets = set()
        self._ssl_context = None
        self.url = None
        self.api_url = None
        self._init_state()

    # ---------------------------------------------------------------- lifecycle

    def start(self):
        """Start serving in a background thread; returns self."""
        if self.validate_mode:
            self.models = load_models(required=self.validate_mode == "require")
        if self.tls:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(self.tls[0], self.tls[1])
            self._ssl_context = context
        self._server = _Server((self.host, self.port), _Handler, self)
        port = self._server.server_address[1]
        scheme = "https" if self.tls else "http"
        host = self.host if ":" not in self.host else "[%s]" % self.host
        self.url = "%s://%s:%d" % (scheme, host, port)
        self.api_url = self.url + API_PREFIX.rstrip("/")
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.1},
                                        name="authentik-sim", daemon=True)
        self._thread.start()
        return self

    def stop(self):
        """Stop serving and close every open connection."""
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        with self.lock:
            sockets = list(self._sockets)
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self._thread.join(5)
        self._server = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    @property
    def validating(self):
        """True when bodies are checked against the authentik_client models."""
        return self.models is not None

    # ---------------------------------------------------------------- state

    def _init_state(self):
        self.users = {}
        self.flows = {}
        self.flows_by_uuid = {}
        self.mappings = {}
        self.tokens = {}
        self.token_by_identifier = {}
        self.token_by_key = {}
        self.token_by_managed = {}
        self.tokens_by_user = {}
        self.providers = {}
        self.provider_names = {}
        self.foreign_providers = {}
        self.endpoints = {}
        self.connection_tokens = {}
        self._next_provider_pk = 1
        started = utcnow()
        for pk, username, name, email, superuser in ((ADMIN_PK, "akadmin", "authentik Default Admin", "admin@example.com", True),
                                                     (ALICE_PK, "alice", "Alice Example", "alice@example.com", False),
                                                     (BOB_PK, "bob", "Bob Example", "bob@example.com", False)):
            self.users[pk] = dict(pk=pk, username=username, name=name, email=email, is_superuser=superuser, is_active=True,
                                  uuid=_fixed_uuid("user-" + username),
                                  uid=hashlib.sha256(("%d-authentik-sim" % pk).encode()).hexdigest())
        for slug, name, title, designation, authentication in (
                (FLOW_IMPLICIT, "Authorize Application", "Redirecting to %(app)s", "authorization", "require_authenticated"),
                (FLOW_EXPLICIT, "Authorize Application", "Redirecting to %(app)s", "authorization", "require_authenticated"),
                (FLOW_AUTHENTICATION, "Welcome to authentik!", "Welcome to authentik!", "authentication", "none")):
            self.flows[slug] = dict(pk=FLOW_UUIDS[slug], slug=slug, name=name, title=title, designation=designation,
                                    authentication=authentication)
            self.flows_by_uuid[FLOW_UUIDS[slug]] = slug
        for managed, name, static in (
                (MAPPING_RDP_DEFAULT, "authentik default RAC Mapping: RDP Default settings",
                 {"resize-method": "display-update", "enable-wallpaper": "true", "enable-font-smoothing": "true"}),
                (MAPPING_RDP_HIGH_FIDELITY, "authentik default RAC Mapping: RDP High Fidelity",
                 {"enable-theming": "true", "enable-full-window-drag": "true", "enable-desktop-composition": "true",
                  "enable-menu-animations": "true"}),
                (MAPPING_SSH_DEFAULT, "authentik default RAC Mapping: SSH Default settings", {"terminal-type": "xterm-256color"})):
            self.mappings[MAPPING_UUIDS[managed]] = dict(pk=MAPPING_UUIDS[managed], managed=managed, name=name, expression="",
                                                         static_settings=static)
        self._add_token(dict(pk=_fixed_uuid("token-" + ADMIN_TOKEN_IDENTIFIER), identifier=ADMIN_TOKEN_IDENTIFIER,
                             key=self.admin_token, intent="api", user=ADMIN_PK, description="authentik bootstrap token",
                             expires=started + self.api_token_lifetime, expiring=False, managed=None))
        self._add_token(dict(pk=_fixed_uuid("token-" + ALICE_TOKEN_IDENTIFIER), identifier=ALICE_TOKEN_IDENTIFIER,
                             key=ALICE_TOKEN, intent="api", user=ALICE_PK, description="", expires=started + self.api_token_lifetime,
                             expiring=False, managed=None))

    def reset(self):
        """Back to the initial seed (state only: counters, faults and violations are kept)."""
        with self.lock:
            self._init_state()

    def reset_counts(self):
        """Forget the recorded requests."""
        with self.lock:
            self.requests.clear()

    def clear_faults(self):
        """Remove every injected fault."""
        with self.lock:
            self.faults.clear()

    @contextlib.contextmanager
    def fresh(self):
        """One test's view of a long-lived simulator: the initial state with no fault and no recorded request;
        an AssertionError at the end when the test left a contract violation (which is then forgotten)."""
        self.reset()
        self.clear_faults()
        self.reset_counts()
        yield self
        left = list(self.violations)
        self.violations.clear()
        assert left == [], "simulator contract violations: %r" % left

    # ---------------------------------------------------------------- counting

    def _record(self, method, path, query):
        with self.lock:
            self.requests.append((method, path, query))

    def count(self, method=None, path_prefix=None):
        """Number of recorded API requests, optionally of one method and/or under a path prefix
        (``/api/v3/core/tokens/`` or just ``/core/tokens/``, ``core/tokens/``)."""
        prefixes = None
        if path_prefix is not None:
            bare = "/" + path_prefix.lstrip("/")
            prefixes = (bare,) if bare.startswith(API_PREFIX) else (bare, API_PREFIX.rstrip("/") + bare)
        with self.lock:
            return sum(1 for (m, p, _q) in self.requests
                       if (method is None or m == method.upper()) and (prefixes is None or p.startswith(prefixes)))

    def writes(self):
        """Number of recorded API requests that are not GET, HEAD or OPTIONS."""
        with self.lock:
            return sum(1 for (m, _p, _q) in self.requests if m not in ("GET", "HEAD", "OPTIONS"))

    def stats(self):
        """What ``GET /_sim/stats`` answers."""
        with self.lock:
            by_method = {}
            for method, _path, _query in self.requests:
                by_method[method] = by_method.get(method, 0) + 1
            return {"requests": len(self.requests), "by_method": by_method, "writes": self.writes(),
                    "violations": list(self.violations), "log": [list(r) for r in self.requests]}

    # ---------------------------------------------------------------- faults

    def add_fault(self, method="GET", path_regex=r".*", status=503, times=1, retry_after=None, body=None, drop=False,
                  delay=0.0, after_apply=False, query_regex=None):
        """Make the next ``times`` requests matching ``method`` (None: any) and ``path_regex`` (re.search on the
        path without query) fail.

        ``status`` with optional ``Retry-After`` and ``body`` (default ``{"detail": "Service Unavailable"}``; a str is
        sent as text/html), or ``drop=True`` to close the connection without answering. ``after_apply=True``
        processes the request first (state changes happen) and then answers with the fault instead.
        ``delay`` sleeps before answering; ``status=None`` without drop only delays. ``times=None``: forever.
        """
        with self.lock:
            self.faults.append(_Fault(method, path_regex, status, times, retry_after, body, drop, delay, after_apply, query_regex))

    def _take_fault(self, method, path, query):
        with self.lock:
            for fault in self.faults:
                if fault.matches(method, path, query):
                    if fault.times is not None:
                        fault.times -= 1
                        if fault.times <= 0:
                            self.faults.remove(fault)
                    return fault
        return None

    # ---------------------------------------------------------------- violations

    def _violation(self, message):
        with self.lock:
            self.violations.append(message)
        print("SIMULATOR CONTRACT VIOLATION: %s" % message, file=sys.stderr)
        return ApiError(VIOLATION_STATUS, {"detail": "SIMULATOR CONTRACT VIOLATION: %s" % message})

    def _model(self, name):
        return getattr(self.models, name)

    def _check_request(self, req, model_name, fields, ignore=()):
        """Contract check of a request body; then the real server's 400 for field errors."""
        problems = []
        for name, message in sorted(fields.type_errors.items()):
            problems.append("%s: %s (got %r)" % (name, message, fields.body.get(name)))
        if self.validating:
            model = self._model(model_name)
            known = set(model.model_fields)
            for key in sorted(fields.body):
                if key not in known and key not in ignore:
                    problems.append("%s: unknown field for %s" % (key, model_name))
            try:
                model.model_validate({k: v for k, v in fields.body.items() if k not in ignore})
            except ValueError as exc:
                for err in getattr(exc, "errors", lambda: [])():
                    loc = err.get("loc") or ("",)
                    field = str(loc[0])
                    if field in fields.errors or field in fields.type_errors:
                        continue  # the real server rejects this value with a 400 (or already reported)
                    problems.append("%s: %s (got %r)" % (".".join(str(x) for x in loc), err.get("msg"), err.get("input")))
            if problems:
                raise self._violation("%s %s: request body does not match %s: %s" % (req.method, req.path, model_name, "; ".join(problems)))
        elif fields.type_errors:
            for name, message in fields.type_errors.items():
                fields.errors.setdefault(name, [message])
        if fields.errors:
            raise ApiError(400, fields.errors)

    def _check_response(self, req, status, payload, model_name):
        """Contract check of a response body against its model (or the shape of an error body)."""
        if not self.validating or payload is None:
            return None
        problems = []
        if model_name == "FieldErrors":
            if not isinstance(payload, dict) or not all(
                    isinstance(v, list) and all(isinstance(x, str) for x in v) for v in payload.values()):
                problems.append("400 body is not {field: [messages]}: %r" % (payload,))
        elif model_name:
            model = self._model(model_name)
            try:
                model.model_validate(payload)
            except ValueError as exc:
                problems.append(str(exc).replace("\n", " "))
            problems.extend(self._unknown_response_keys(model, payload))
        if problems:
            return self._violation("%s %s: %d response does not match %s: %s" % (req.method, req.path, status, model_name, "; ".join(problems)))
        return None

    def _unknown_response_keys(self, model, payload):
        """Keys the simulator emits that the response model does not declare (also inside list results)."""
        out = []
        if not isinstance(payload, dict):
            return out
        extra = set(payload) - set(model.model_fields)
        if extra:
            out.append("keys %s not in %s" % (sorted(extra), model.__name__))
        if "results" in payload and isinstance(payload["results"], list) and model.__name__.startswith("Paginated"):
            item_model = self._model(model.__name__[len("Paginated"):-len("List")])
            for item in payload["results"][:1]:
                out.extend(self._unknown_response_keys(item_model, item))
        return out

    # ---------------------------------------------------------------- HTTP entry point

    def handle(self, method, target, headers, body):
        """Answer one request; returns (status, payload, extra_headers, fault) where payload is a JSON-able
        object, a str (sent as text/html) or None (empty body)."""
        split = urlsplit(target)
        path = unquote(split.path)
        query = split.query
        if path.startswith(ADMIN_PREFIX):
            return self._admin(method, path, headers, body) + (None,)
        self._record(method, path, query)
        fault = self._take_fault(method, path, query)
        if fault is not None:
            if fault.delay:
                time.sleep(fault.delay)
            if not fault.after_apply:
                if fault.drop:
                    return None, None, {}, fault
                if fault.status is not None:
                    return self._fault_answer(fault) + (fault,)
        status, payload, extra = self._api(method, path, query, headers, body)
        if fault is not None and fault.after_apply:
            if fault.drop:
                return None, None, {}, fault
            if fault.status is not None:
                return self._fault_answer(fault) + (fault,)
        return status, payload, extra, fault

    @staticmethod
    def _fault_answer(fault):
        headers = {}
        if fault.retry_after is not None:
            headers["Retry-After"] = str(fault.retry_after)
        body = fault.body if fault.body is not None else {"detail": "Service Unavailable"}
        return fault.status, body, headers

    def _api(self, method, path, query, headers, body):
        req = _Request(method, path, query, headers, body)
        if method == "HEAD":
            req.method = "GET"
        model_name = None
        try:
            try:
                if not path.startswith(API_PREFIX):
                    if path in ("/-/health/live/", "/-/health/ready/"):
                        return 200, None, {}
                    raise _detail(404, "Not found.")
                route, ident = self._route(path[len(API_PREFIX):])
                with self.lock:
                    status, payload, model_name = self._dispatch(req, route, ident)
            except ApiError as exc:
                status, payload = exc.status, exc.body
                if status == VIOLATION_STATUS:
                    return status, payload, exc.headers
                model_name = "FieldErrors" if status == 400 and not (isinstance(payload, dict) and "detail" in payload) else "GenericError"
                violation = self._check_response(req, status, payload, model_name)
                if violation is not None:
                    return violation.status, violation.body, {}
                return status, payload, exc.headers
            violation = self._check_response(req, status, payload, model_name)
            if violation is not None:
                return violation.status, violation.body, {}
            return status, payload, {}
        except Exception as exc:  # pylint: disable=broad-exception-caught
            error = self._violation("%s %s: SIMULATOR BUG: %s: %s" % (method, path, type(exc).__name__, exc))
            return 500, error.body, {}

    # ---------------------------------------------------------------- routing

    _ROUTES = (
        (re.compile(r"^core/tokens/$"), "tokens_list"),
        (re.compile(r"^core/tokens/([^/.]+)/$"), "token"),
        (re.compile(r"^core/tokens/([^/.]+)/view_key/$"), "token_view_key"),
        (re.compile(r"^core/tokens/([^/.]+)/set_key/$"), "token_set_key"),
        (re.compile(r"^providers/rac/$"), "providers_list"),
        (re.compile(r"^providers/rac/([^/.]+)/$"), "provider"),
        (re.compile(r"^rac/endpoints/$"), "endpoints_list"),
        (re.compile(r"^rac/endpoints/([^/.]+)/$"), "endpoint"),
        (re.compile(r"^rac/connection_tokens/$"), "ctokens_list"),
        (re.compile(r"^rac/connection_tokens/([^/.]+)/$"), "ctoken"),
        (re.compile(r"^flows/instances/$"), "flows_list"),
        (re.compile(r"^flows/instances/([^/.]+)/$"), "flow"),
        (re.compile(r"^propertymappings/provider/rac/$"), "mappings_list"),
        (re.compile(r"^propertymappings/provider/rac/([^/.]+)/$"), "mapping"),
        (re.compile(r"^core/users/$"), "users_list"),
        (re.compile(r"^core/users/([^/.]+)/$"), "user"),
    )

    # route -> (methods the simulator implements, methods the real server has but the simulator does not, permission kind)
    _METHODS = {
        "tokens_list": ({"GET": "_tokens_list", "POST": "_token_create"}, (), "owner"),
        "token": ({"GET": "_token_get", "PUT": "_token_put", "PATCH": "_token_patch", "DELETE": "_token_delete"}, (), "owner"),
        "token_view_key": ({"GET": "_token_view_key"}, (), "owner"),
        "token_set_key": ({"POST": "_token_set_key"}, (), "owner"),
        "providers_list": ({"GET": "_providers_list", "POST": "_provider_create"}, (), "objects"),
        "provider": ({"GET": "_provider_get", "PUT": "_provider_put", "PATCH": "_provider_patch", "DELETE": "_provider_delete"}, (), "objects"),
        "endpoints_list": ({"GET": "_endpoints_list", "POST": "_endpoint_create"}, (), "objects"),
        "endpoint": ({"GET": "_endpoint_get", "PUT": "_endpoint_put", "PATCH": "_endpoint_patch", "DELETE": "_endpoint_delete"}, (), "objects"),
        "ctokens_list": ({"GET": "_ctokens_list"}, (), "ctokens"),
        "ctoken": ({"GET": "_ctoken_get", "PUT": "_ctoken_put", "PATCH": "_ctoken_patch", "DELETE": "_ctoken_delete"}, (), "ctokens"),
        "flows_list": ({"GET": "_flows_list"}, ("POST",), "objects"),
        "flow": ({"GET": "_flow_get"}, ("PUT", "PATCH", "DELETE"), "objects"),
        "mappings_list": ({"GET": "_mappings_list"}, ("POST",), "objects"),
        "mapping": ({"GET": "_mapping_get"}, ("PUT", "PATCH", "DELETE"), "objects"),
        "users_list": ({"GET": "_users_list"}, ("POST",), "objects"),
        "user": ({"GET": "_user_get"}, ("PUT", "PATCH", "DELETE"), "objects"),
    }

    def _route(self, rel):
        for regex, name in self._ROUTES:
            match = regex.match(rel)
            if match:
                return name, (match.group(1) if match.groups() else None)
        raise _detail(404, "Not found.")

    def _dispatch(self, req, route, ident):
        req.user = self._authenticate(req.headers)
        implemented, unimplemented, kind = self._METHODS[route]
        superuser = req.user["is_superuser"]
        if not superuser and req.method not in ("GET", "OPTIONS"):
            if kind == "objects" or (kind == "ctokens" and req.method == "POST"):
                raise _detail(403, NO_PERMISSION)
        if req.method in unimplemented or req.method == "OPTIONS":
            raise self._violation("%s %s: the real server supports this, the simulator does not" % (req.method, req.path))
        if req.method not in implemented:
            raise _detail(405, 'Method "%s" not allowed.' % req.method)
        handler = getattr(self, implemented[req.method])
        return handler(req, ident) if ident is not None else handler(req)

    def _authenticate(self, headers):
        """authentik's bearer authentication: 403 for missing or bad credentials (never 401)."""
        header = (headers.get("Authorization") or "").strip()
        if header == "" or " " not in header:
            raise _detail(403, NOT_PROVIDED)
        scheme, _sep, credentials = header.partition(" ")
        if scheme.lower() != "bearer":
            raise _detail(403, "Unsupported authentication type")
        if credentials == "":
            raise _detail(403, "Malformed header")
        pk = self.token_by_key.get(credentials)
        token = self.tokens.get(pk) if pk else None
        if token is None or token["intent"] != "api" or self._expired(token):
            raise _detail(403, TOKEN_INVALID)
        user = self.users.get(token["user"])
        if user is None or not user["is_active"]:
            raise _detail(403, TOKEN_INVALID)
        return user

    # ---------------------------------------------------------------- shared list / body machinery

    @staticmethod
    def _paginate(req, items, serialize, all_results=False):
        """authentik's page-number pagination; ``all_results`` reproduces the endpoint-list quirk."""
        page_size = DEFAULT_PAGE_SIZE
        raw_size = req.param("page_size")
        if raw_size is not None:
            size = _parse_int(raw_size)
            if size is not None and size > 0:
                page_size = min(size, MAX_PAGE_SIZE)
        count = len(items)
        num_pages = max(1, int(math.ceil(count / float(page_size))))
        raw_page = req.param("page") or "1"
        number = num_pages if raw_page == "last" else _parse_int(raw_page)
        if number is None or number < 1 or number > num_pages:
            raise _detail(404, "Invalid page.")
        start = (number - 1) * page_size
        chunk = items if all_results else items[start:start + page_size]
        pagination = {
            "next": number + 1 if number < num_pages else 0,
            "previous": number - 1 if number > 1 else 0,
            "count": count,
            "current": number,
            "total_pages": num_pages,
            "start_index": 0 if count == 0 else start + 1,
            "end_index": count if number == num_pages else number * page_size,
        }
        return {"pagination": pagination, "results": [serialize(item) for item in chunk], "autocomplete": {}}

    def _body(self, req):
        """The parsed JSON object of a write request (DRF's JSONParser)."""
        raw = req.body or b""
        if not raw:
            return {}
        ctype = (req.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if ctype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            raise self._violation("%s %s: form-encoded body; the simulator (and this collection) speak JSON only" % (req.method, req.path))
        if ctype != "application/json":
            raise _detail(415, 'Unsupported media type "%s" in request.' % (req.headers.get("Content-Type") or ""))

        def parse_constant(_name):
            raise ValueError("Out of range float values are not JSON compliant")

        try:
            data = json.loads(raw.decode("utf-8"), parse_constant=parse_constant)
        except UnicodeDecodeError as exc:
            raise _detail(400, "JSON parse error - %s" % exc) from exc
        except ValueError as exc:
            raise _detail(400, "JSON parse error - %s" % exc) from exc
        if not isinstance(data, dict):
            message = "Invalid data. Expected a dictionary, but got %s." % type(data).__name__
            if data is None:
                message = "No data provided"
            if self.validating:
                raise self._violation("%s %s: request body is not a JSON object: %r" % (req.method, req.path, data))
            raise ApiError(400, {"non_field_errors": [message]})
        return data

    def _filter_errors(self, errors):
        if errors:
            raise ApiError(400, errors)

    # ---------------------------------------------------------------- users

    def _user_obj(self, pk):
        user = self.users[pk]
        return {
            "pk": user["pk"], "username": user["username"], "name": user["name"], "is_active": user["is_active"],
            "last_login": None, "date_joined": fmt_dt(EPOCH), "is_superuser": user["is_superuser"], "groups": [],
            "groups_obj": [], "roles": [], "roles_obj": [], "email": user["email"],
            "avatar": "/static/dist/assets/images/user_default.png", "attributes": {}, "uid": user["uid"], "path": "users",
            "type": "internal", "uuid": user["uuid"], "password_change_date": fmt_dt(EPOCH), "last_updated": fmt_dt(EPOCH),
        }

    def _partial_user(self, pk):
        user = self.users[pk]
        return {"pk": user["pk"], "username": user["username"], "name": user["name"], "is_active": user["is_active"],
                "last_login": None, "email": user["email"], "attributes": {}, "uid": user["uid"]}

    def _visible_users(self, req):
        if req.user["is_superuser"]:
            return list(self.users.values())
        return [req.user]

    def _users_list(self, req):
        items = self._visible_users(req)
        username = req.param("username")
        if username is not None:
            items = [u for u in items if u["username"] == username]
        search = req.param("search")
        if search:
            terms = _search_terms(search)
            items = [u for u in items if _matches_search(terms, (u["username"], u["name"], u["email"]))]
        keys = {"username": lambda u: u["username"], "name": lambda u: u["name"], "pk": lambda u: u["pk"], "email": lambda u: u["email"]}
        items = _sort(items, req.param("ordering"), keys, ["username"])
        return 200, self._paginate(req, items, lambda u: self._user_obj(u["pk"])), "PaginatedUserList"

    def _user_get(self, req, ident):
        pk = _parse_int(ident)
        if pk is None:
            raise _detail(404, "Not found.")
        if pk not in self.users or (not req.user["is_superuser"] and pk != req.user["pk"]):
            raise _detail(404, "No User matches the given query.")
        return 200, self._user_obj(pk), "User"

    # ---------------------------------------------------------------- flows and property mappings

    def _flow_obj(self, flow):
        return {
            "pk": flow["pk"], "policybindingmodel_ptr_id": flow["pk"], "name": flow["name"], "slug": flow["slug"],
            "title": flow["title"], "designation": flow["designation"], "background": None,
            "background_url": "/static/dist/assets/images/flow_background.jpg", "background_themed_urls": None,
            "stages": [], "policies": [], "cache_count": 0, "policy_engine_mode": "any", "compatibility_mode": False,
            "export_url": "/api/v3/flows/instances/%s/export/" % flow["slug"], "layout": "stacked",
            "denied_action": "message_continue", "authentication": flow["authentication"],
        }

    def _flows_list(self, req):
        items = list(self.flows.values()) if req.user["is_superuser"] else []
        errors = {}
        for name in ("slug", "name"):
            value = req.param(name)
            if value is not None:
                items = [f for f in items if f[name] == value]
        designation = req.param("designation")
        if designation is not None:
            if designation not in FLOW_DESIGNATIONS:
                errors["designation"] = ["Select a valid choice. %s is not one of the available choices." % designation]
            items = [f for f in items if f["designation"] == designation]
        flow_uuid = req.param("flow_uuid")
        if flow_uuid is not None:
            parsed = _parse_uuid(flow_uuid)
            if parsed is None:
                errors["flow_uuid"] = ["Enter a valid UUID."]
            items = [f for f in items if f["pk"] == parsed]
        self._filter_errors(errors)
        search = req.param("search")
        if search:
            terms = _search_terms(search)
            items = [f for f in items if _matches_search(terms, (f["name"], f["slug"], f["designation"], f["title"]))]
        keys = {"slug": lambda f: f["slug"], "name": lambda f: f["name"], "designation": lambda f: f["designation"],
                "title": lambda f: f["title"]}
        items = _sort(items, req.param("ordering"), keys, ["slug"])
        return 200, self._paginate(req, items, self._flow_obj), "PaginatedFlowList"

    def _flow_get(self, req, ident):
        flow = self.flows.get(ident)
        if flow is None or not req.user["is_superuser"]:
            raise _detail(404, "No Flow matches the given query.")
        return 200, self._flow_obj(flow), "Flow"

    @staticmethod
    def _mapping_obj(mapping):
        return {
            "pk": mapping["pk"], "managed": mapping["managed"], "name": mapping["name"], "expression": mapping["expression"],
            "component": "ak-property-mapping-provider-rac-form", "verbose_name": "RAC Provider Property Mapping",
            "verbose_name_plural": "RAC Provider Property Mappings",
            "meta_model_name": "authentik_providers_rac.racpropertymapping",
            "static_settings": copy.deepcopy(mapping["static_settings"]),
        }

    def _mappings_list(self, req):
        items = list(self.mappings.values()) if req.user["is_superuser"] else []
        name = req.param("name")
        if name is not None:
            items = [m for m in items if m["name"] == name]
        managed = req.params("managed")
        if managed:
            choices = {m["managed"] for m in self.mappings.values() if m["managed"] is not None}
            bad = [v for v in managed if v not in choices]
            if bad:
                raise ApiError(400, {"managed": ["Select a valid choice. %s is not one of the available choices." % bad[0]]})
            items = [m for m in items if m["managed"] in managed]
        search = req.param("search")
        if search:
            terms = _search_terms(search)
            items = [m for m in items if _matches_search(terms, (m["name"],))]
        items = _sort(items, req.param("ordering"), {"name": lambda m: m["name"], "managed": lambda m: m["managed"]}, ["name"])
        return 200, self._paginate(req, items, self._mapping_obj), "PaginatedRACPropertyMappingList"

    def _mapping_get(self, req, ident):
        pk = _parse_uuid(ident)
        if pk is None:
            raise _detail(404, "Not found.")
        if pk not in self.mappings or not req.user["is_superuser"]:
            raise _detail(404, "No RACPropertyMapping matches the given query.")
        return 200, self._mapping_obj(self.mappings[pk]), "RACPropertyMapping"

    # ---------------------------------------------------------------- tokens

    def _expired(self, token, now=None):
        expires = token["expires"]
        return bool(token["expiring"] and expires is not None and expires < (now or utcnow()))

    def _add_token(self, token):
        self.tokens[token["pk"]] = token
        self.token_by_identifier[token["identifier"]] = token["pk"]
        self.token_by_key[token["key"]] = token["pk"]
        if token["managed"] is not None:
            self.token_by_managed[token["managed"]] = token["pk"]
        self.tokens_by_user.setdefault(token["user"], set()).add(token["pk"])

    def _remove_token(self, token):
        self.tokens.pop(token["pk"], None)
        if self.token_by_identifier.get(token["identifier"]) == token["pk"]:
            del self.token_by_identifier[token["identifier"]]
        if self.token_by_key.get(token["key"]) == token["pk"]:
            del self.token_by_key[token["key"]]
        if token["managed"] is not None and self.token_by_managed.get(token["managed"]) == token["pk"]:
            del self.token_by_managed[token["managed"]]
        self.tokens_by_user.get(token["user"], set()).discard(token["pk"])

    def _token_obj(self, token):
        return {
            "pk": token["pk"], "managed": token["managed"], "identifier": token["identifier"], "intent": token["intent"],
            "user": token["user"], "user_obj": self._user_obj(token["user"]), "description": token["description"],
            "expires": fmt_dt(token["expires"]), "expiring": token["expiring"],
        }

    def _find_token(self, req, identifier):
        """The token a caller may see (expired tokens are invisible, as with authentik's ExpiringManager)."""
        pk = self.token_by_identifier.get(identifier)
        token = self.tokens.get(pk) if pk else None
        if token is None or self._expired(token) or (not req.user["is_superuser"] and token["user"] != req.user["pk"]):
            raise _detail(404, "No Token matches the given query.")
        return token

    def _tokens_list(self, req):
        now = utcnow()
        errors = {}
        identifier = req.param("identifier")
        if identifier is not None:
            pk = self.token_by_identifier.get(identifier)
            candidates = [self.tokens[pk]] if pk else []
        elif req.param("user__username") is not None:
            users = [u["pk"] for u in self.users.values() if u["username"] == req.param("user__username")]
            candidates = [self.tokens[pk] for u in users for pk in self.tokens_by_user.get(u, ())]
        elif not req.user["is_superuser"]:
            candidates = [self.tokens[pk] for pk in self.tokens_by_user.get(req.user["pk"], ())]
        else:
            candidates = list(self.tokens.values())
        items = [t for t in candidates if not self._expired(t, now)]
        if not req.user["is_superuser"]:
            items = [t for t in items if t["user"] == req.user["pk"]]
        username = req.param("user__username")
        if username is not None:
            items = [t for t in items if self.users[t["user"]]["username"] == username]
        intent = req.param("intent")
        if intent is not None:
            if intent not in TOKEN_INTENTS:
                errors["intent"] = ["Select a valid choice. %s is not one of the available choices." % intent]
            items = [t for t in items if t["intent"] == intent]
        for name in ("description", "managed"):
            value = req.param(name)
            if value is not None:
                items = [t for t in items if t[name] == value]
        expires = req.param("expires")
        if expires is not None:
            try:
                wanted = parse_dt(expires)
            except ValueError:
                errors["expires"] = ["Enter a valid date/time."]
            else:
                items = [t for t in items if t["expires"] == wanted]
        expiring = req.param("expiring")
        if expiring is not None and _bool_filter(expiring) is not None:
            items = [t for t in items if t["expiring"] == _bool_filter(expiring)]
        self._filter_errors(errors)
        search = req.param("search")
        if search:
            terms = _search_terms(search)
            items = [t for t in items if _matches_search(terms, (t["identifier"], t["intent"], self.users[t["user"]]["username"],
                                                                 t["description"]))]
        items = _sort(items, req.param("ordering"), {
            "identifier": lambda t: t["identifier"], "expires": lambda t: t["expires"], "intent": lambda t: t["intent"],
            "description": lambda t: t["description"], "expiring": lambda t: t["expiring"], "managed": lambda t: t["managed"],
            "user": lambda t: t["user"], "pk": lambda t: t["pk"]}, ["identifier", "expires"])
        return 200, self._paginate(req, items, self._token_obj), "PaginatedTokenList"

    def _token_get(self, req, ident):
        return 200, self._token_obj(self._find_token(req, ident)), "Token"

    def _token_fields(self, req, body, partial, instance):
        fields = _Fields(body, partial)
        identifier = fields.string("identifier", required=True, max_length=255)
        if identifier is not None:
            problems = fields.errors.setdefault("identifier", [])
            other = self.token_by_identifier.get(identifier)
            if other is not None and (instance is None or other != instance["pk"]):
                problems.insert(0, "Token with this identifier already exists.")
            if not SLUG_RE.match(identifier):
                problems.append('Enter a valid "slug" consisting of letters, numbers, underscores or hyphens.')
            if not problems:
                del fields.errors["identifier"]
        managed = fields.string("managed", allow_null=True)
        if managed is not None:
            other = self.token_by_managed.get(managed)
            if other is not None and (instance is None or other != instance["pk"]):
                fields.errors["managed"] = ["Token with this Managed by authentik already exists."]
        fields.choice("intent", TOKEN_INTENTS)
        fields.related("user", "int", lambda pk: pk in self.users)
        fields.string("description", allow_blank=True)
        fields.date_time("expires")
        fields.boolean("expiring")
        self._check_request(req, "PatchedTokenRequest" if partial else "TokenRequest", fields, ignore=("key",))
        return fields.out

    def _token_validate(self, req, attrs):
        """TokenSerializer.validate: the caller/api defaults (the trap), intent, expiry rules."""
        attrs.setdefault("user", req.user["pk"])
        attrs.setdefault("intent", "api")
        if attrs["intent"] not in ("api", "app_password"):
            raise ApiError(400, {"intent": ["Invalid intent %s" % attrs["intent"]]})
        now = utcnow()
        if attrs["intent"] == "app_password":
            maximum = now + self.max_token_lifetime
            if attrs.get("expires") is not None and attrs["expires"] > maximum:
                raise ApiError(400, {"expires": ["Token expires exceeds maximum lifetime (%s UTC)." % maximum]})
        else:
            attrs["expires"] = now + self.api_token_lifetime
        return attrs

    def _token_create(self, req):
        attrs = self._token_validate(req, self._token_fields(req, self._body(req), False, None))
        token = dict(pk=str(uuid.uuid4()), identifier=attrs["identifier"], key=secrets.token_urlsafe(45), intent=attrs["intent"],
                     user=attrs["user"], description=attrs.get("description", ""),
                     expires=attrs["expires"] if "expires" in attrs else utcnow() + self.api_token_lifetime,
                     expiring=attrs.get("expiring", True), managed=attrs.get("managed"))
        if not req.user["is_superuser"]:
            token["user"] = req.user["pk"]
            token["expiring"] = True
        self._add_token(token)
        return 201, self._token_obj(token), "Token"

    def _token_update(self, req, ident, partial):
        token = self._find_token(req, ident)
        attrs = self._token_validate(req, self._token_fields(req, self._body(req), partial, token))
        self._remove_token(token)
        token.update(attrs)
        self._add_token(token)
        return 200, self._token_obj(token), "Token"

    def _token_put(self, req, ident):
        return self._token_update(req, ident, False)

    def _token_patch(self, req, ident):
        return self._token_update(req, ident, True)

    def _token_delete(self, req, ident):
        self._remove_token(self._find_token(req, ident))
        return 204, None, None

    def _token_view_key(self, req, ident):
        token = self._find_token(req, ident)
        return 200, {"key": token["key"]}, "TokenView"

    def _token_set_key(self, req, ident):
        token = self._find_token(req, ident)
        if not req.user["is_superuser"]:
            raise _detail(403, NO_PERMISSION)
        fields = _Fields(self._body(req), False)
        key = fields.string("key", required=True, trim=False)
        self._check_request(req, "TokenSetKeyRequest", fields)
        self._remove_token(token)
        token["key"] = key
        self._add_token(token)
        return 204, None, None

    # ---------------------------------------------------------------- RAC providers

    def _provider_obj(self, provider):
        return {
            "pk": provider["pk"], "name": provider["name"], "authentication_flow": provider["authentication_flow"],
            "authorization_flow": provider["authorization_flow"], "property_mappings": sorted(provider["property_mappings"]),
            "component": "ak-provider-rac-form", "assigned_application_slug": None, "assigned_application_name": None,
            "assigned_backchannel_application_slug": None, "assigned_backchannel_application_name": None,
            "verbose_name": "RAC Provider", "verbose_name_plural": "RAC Providers",
            "meta_model_name": "authentik_providers_rac.racprovider", "settings": copy.deepcopy(provider["settings"]),
            "outpost_set": [], "connection_expiry": provider["connection_expiry"],
            "delete_token_on_disconnect": provider["delete_token_on_disconnect"],
        }

    def _find_provider(self, req, ident):
        pk = _parse_int(ident)
        if pk is None:
            raise _detail(404, "Not found.")
        if pk not in self.providers or not req.user["is_superuser"]:
            raise _detail(404, "No RACProvider matches the given query.")
        return self.providers[pk]

    def _providers_list(self, req):
        items = list(self.providers.values()) if req.user["is_superuser"] else []
        iexact = req.param("name__iexact")
        if iexact is not None:
            items = [p for p in items if p["name"].lower() == iexact.lower()]
        isnull = req.param("application__isnull")
        if isnull is not None and _bool_filter(isnull) is False:
            items = []  # no provider of the simulator has an application
        search = req.param("search")
        if search:
            terms = _search_terms(search)
            items = [p for p in items if _matches_search(terms, (p["name"],))]
        keys = {"name": lambda p: p["name"], "pk": lambda p: p["pk"], "connection_expiry": lambda p: p["connection_expiry"]}
        items = _sort(items, req.param("ordering"), keys, ["name"])
        return 200, self._paginate(req, items, self._provider_obj), "PaginatedRACProviderList"

    def _provider_get(self, req, ident):
        return 200, self._provider_obj(self._find_provider(req, ident)), "RACProvider"

    def _provider_fields(self, req, body, partial, instance):
        fields = _Fields(body, partial)
        name = fields.string("name", required=True)
        if name is not None:
            owner = self.provider_names.get(name)
            if owner is not None and (instance is None or owner != instance["pk"]):
                fields.errors["name"] = ["provider with this name already exists."]
        fields.related("authorization_flow", "uuid", lambda pk: pk in self.flows_by_uuid, required=True)
        fields.related("authentication_flow", "uuid", lambda pk: pk in self.flows_by_uuid, allow_null=True)
        fields.related_many("property_mappings", "uuid", lambda pk: pk in self.mappings)
        fields.json_object("settings")
        expiry = fields.string("connection_expiry")
        if expiry is not None:
            try:
                timedelta_from_string(expiry)
            except ValueError:
                fields.errors["connection_expiry"] = ["%s is not in the correct format of 'hours=3;minutes=1'." % expiry]
        fields.boolean("delete_token_on_disconnect")
        self._check_request(req, "PatchedRACProviderRequest" if partial else "RACProviderRequest", fields)
        return fields.out

    def _provider_create(self, req):
        attrs = self._provider_fields(req, self._body(req), False, None)
        provider = dict(pk=self._alloc_provider_pk(), name=attrs["name"], authorization_flow=attrs["authorization_flow"],
                        authentication_flow=attrs.get("authentication_flow"), property_mappings=attrs.get("property_mappings", []),
                        settings=attrs.get("settings", {}), connection_expiry=attrs.get("connection_expiry", "hours=8"),
                        delete_token_on_disconnect=attrs.get("delete_token_on_disconnect", False))
        self.providers[provider["pk"]] = provider
        self.provider_names[provider["name"]] = provider["pk"]
        return 201, self._provider_obj(provider), "RACProvider"

    def _alloc_provider_pk(self):
        pk = self._next_provider_pk
        self._next_provider_pk += 1
        return pk

    def _provider_update(self, req, ident, partial):
        provider = self._find_provider(req, ident)
        attrs = self._provider_fields(req, self._body(req), partial, provider)
        if "name" in attrs:
            del self.provider_names[provider["name"]]
            self.provider_names[attrs["name"]] = provider["pk"]
        provider.update(attrs)
        return 200, self._provider_obj(provider), "RACProvider"

    def _provider_put(self, req, ident):
        return self._provider_update(req, ident, False)

    def _provider_patch(self, req, ident):
        return self._provider_update(req, ident, True)

    def _provider_delete(self, req, ident):
        provider = self._find_provider(req, ident)
        self._delete_provider(provider["pk"])
        return 204, None, None

    def _delete_provider(self, pk):
        provider = self.providers.pop(pk)
        del self.provider_names[provider["name"]]
        for endpoint_pk in [e["pk"] for e in self.endpoints.values() if e["provider"] == pk]:
            self._delete_endpoint(endpoint_pk)
        for token_pk in [t["pk"] for t in self.connection_tokens.values() if t["provider"] == pk]:
            del self.connection_tokens[token_pk]

    # ---------------------------------------------------------------- RAC endpoints

    def _endpoint_obj(self, endpoint):
        return {
            "pk": endpoint["pk"], "name": endpoint["name"], "provider": endpoint["provider"],
            "provider_obj": self._provider_obj(self.providers[endpoint["provider"]]), "protocol": endpoint["protocol"],
            "host": endpoint["host"], "settings": copy.deepcopy(endpoint["settings"]),
            "property_mappings": sorted(endpoint["property_mappings"]), "auth_mode": endpoint["auth_mode"], "launch_url": None,
            "maximum_connections": endpoint["maximum_connections"],
        }

    def _find_endpoint(self, req, ident):
        pk = _parse_uuid(ident)
        if pk is None:
            raise _detail(404, "Not found.")
        if pk not in self.endpoints or not req.user["is_superuser"]:
            raise _detail(404, "No Endpoint matches the given query.")
        return self.endpoints[pk]

    def _endpoints_list(self, req):
        items = list(self.endpoints.values())
        errors = {}
        name = req.param("name")
        if name is not None:
            items = [e for e in items if e["name"] == name]
        provider = req.param("provider")
        if provider is not None:
            pk = _parse_int(provider)
            if pk not in self.providers:
                errors["provider"] = [INVALID_CHOICE_FILTER]
            items = [e for e in items if e["provider"] == pk]
        self._filter_errors(errors)
        search = req.param("search")
        if search:
            terms = _search_terms(search)
            items = [e for e in items if _matches_search(terms, (e["name"], e["protocol"]))]
        keys = {"name": lambda e: e["name"], "protocol": lambda e: e["protocol"], "host": lambda e: e["host"],
                "provider": lambda e: e["provider"], "pk": lambda e: e["pk"]}
        items = _sort(items, req.param("ordering"), keys, ["name", "protocol"])
        full = str(req.param("superuser_full_list") or "false").lower() == "true"
        if full and req.user["is_superuser"]:
            return 200, self._paginate(req, items, self._endpoint_obj), "PaginatedEndpointList"
        # authentik's quirk: the page is validated, but every visible endpoint comes back in one page
        return 200, self._paginate(req, items, self._endpoint_obj, all_results=True), "PaginatedEndpointList"

    def _endpoint_get(self, req, ident):
        return 200, self._endpoint_obj(self._find_endpoint(req, ident)), "Endpoint"

    def _endpoint_fields(self, req, body, partial):
        fields = _Fields(body, partial)
        fields.string("name", required=True)
        fields.related("provider", "int", lambda pk: pk in self.providers, required=True)
        fields.choice("protocol", PROTOCOLS, required=True)
        fields.string("host", required=True)
        fields.json_object("settings")
        fields.related_many("property_mappings", "uuid", lambda pk: pk in self.mappings)
        fields.choice("auth_mode", AUTH_MODES, required=True)
        fields.integer("maximum_connections", bounds=INT32)
        self._check_request(req, "PatchedEndpointRequest" if partial else "EndpointRequest", fields)
        return fields.out

    def _endpoint_create(self, req):
        attrs = self._endpoint_fields(req, self._body(req), False)
        endpoint = dict(pk=str(uuid.uuid4()), name=attrs["name"], provider=attrs["provider"], protocol=attrs["protocol"],
                        host=attrs["host"], settings=attrs.get("settings", {}), property_mappings=attrs.get("property_mappings", []),
                        auth_mode=attrs["auth_mode"], maximum_connections=attrs.get("maximum_connections", 1))
        self.endpoints[endpoint["pk"]] = endpoint
        return 201, self._endpoint_obj(endpoint), "Endpoint"

    def _endpoint_update(self, req, ident, partial):
        endpoint = self._find_endpoint(req, ident)
        endpoint.update(self._endpoint_fields(req, self._body(req), partial))
        return 200, self._endpoint_obj(endpoint), "Endpoint"

    def _endpoint_put(self, req, ident):
        return self._endpoint_update(req, ident, False)

    def _endpoint_patch(self, req, ident):
        return self._endpoint_update(req, ident, True)

    def _endpoint_delete(self, req, ident):
        self._delete_endpoint(self._find_endpoint(req, ident)["pk"])
        return 204, None, None

    def _delete_endpoint(self, pk):
        del self.endpoints[pk]
        for token_pk in [t["pk"] for t in self.connection_tokens.values() if t["endpoint"] == pk]:
            del self.connection_tokens[token_pk]

    # ---------------------------------------------------------------- RAC connection tokens

    def _ctoken_obj(self, token):
        return {
            "pk": token["pk"], "provider": token["provider"], "provider_obj": self._provider_obj(self.providers[token["provider"]]),
            "endpoint": token["endpoint"], "endpoint_obj": self._endpoint_obj(self.endpoints[token["endpoint"]]),
            "user": self._partial_user(token["user"]),
        }

    def _find_ctoken(self, req, ident):
        pk = _parse_uuid(ident)
        if pk is None:
            raise _detail(404, "Not found.")
        token = self.connection_tokens.get(pk)
        if token is None or (not req.user["is_superuser"] and token["user"] != req.user["pk"]):
            raise _detail(404, "No ConnectionToken matches the given query.")
        return token

    def _ctokens_list(self, req):
        items = list(self.connection_tokens.values())
        if not req.user["is_superuser"]:
            items = [t for t in items if t["user"] == req.user["pk"]]
        errors = {}
        endpoint = req.param("endpoint")
        if endpoint is not None:
            pk = _parse_uuid(endpoint)
            if pk not in self.endpoints:
                errors["endpoint"] = [INVALID_CHOICE_FILTER]
            items = [t for t in items if t["endpoint"] == pk]
        provider = req.param("provider")
        if provider is not None:
            pk = _parse_int(provider)
            if pk not in self.providers:
                errors["provider"] = [INVALID_CHOICE_FILTER]
            items = [t for t in items if t["provider"] == pk]
        session_user = req.param("session__user")
        if session_user is not None:
            pk = _parse_int(session_user)
            if pk not in self.users:
                errors["session__user"] = [INVALID_CHOICE_FILTER]
            items = [t for t in items if t["user"] == pk]
        self._filter_errors(errors)
        search = req.param("search")
        if search:
            terms = _search_terms(search)
            items = [t for t in items if _matches_search(terms, (self.endpoints[t["endpoint"]]["name"],
                                                                 self.providers[t["provider"]]["name"]))]
        items = _sort(items, req.param("ordering"), {
            "endpoint__name": lambda t: self.endpoints[t["endpoint"]]["name"],
            "provider__name": lambda t: self.providers[t["provider"]]["name"],
            "pk": lambda t: t["pk"]}, ["endpoint__name", "provider__name"])
        return 200, self._paginate(req, items, self._ctoken_obj), "PaginatedConnectionTokenList"

    def _ctoken_get(self, req, ident):
        return 200, self._ctoken_obj(self._find_ctoken(req, ident)), "ConnectionToken"

    def _ctoken_update(self, req, ident, partial):
        token = self._find_ctoken(req, ident)
        fields = _Fields(self._body(req), partial)
        fields.uuid_value("pk")
        fields.related("provider", "int", lambda pk: pk in self.providers, required=True)
        fields.related("endpoint", "uuid", lambda pk: pk in self.endpoints, required=True)
        self._check_request(req, "PatchedConnectionTokenRequest" if partial else "ConnectionTokenRequest", fields)
        attrs = fields.out
        attrs.pop("pk", None)  # a writable primary key in the schema; the simulator keeps the token's pk
        token.update(attrs)
        return 200, self._ctoken_obj(token), "ConnectionToken"

    def _ctoken_put(self, req, ident):
        return self._ctoken_update(req, ident, False)

    def _ctoken_patch(self, req, ident):
        return self._ctoken_update(req, ident, True)

    def _ctoken_delete(self, req, ident):
        del self.connection_tokens[self._find_ctoken(req, ident)["pk"]]
        return 204, None, None

    # ---------------------------------------------------------------- seeding (Python API)

    def seed_token(self, identifier, user=ADMIN_PK, intent="api", key=None, expiring=True, description="", expires=None,
                   managed=None):
        """Add a token without validation; returns its identifier. ``expires`` defaults to now + the default
        token duration (``api_token_lifetime``); a datetime or ISO string in the past makes it expired."""
        if isinstance(expires, str):
            expires = parse_dt(expires)
        with self.lock:
            if identifier in self.token_by_identifier:
                raise ValueError("token %r exists" % identifier)
            if user not in self.users:
                raise ValueError("no user %r" % user)
            if expires is None:
                expires = utcnow() + self.api_token_lifetime
            self._add_token(dict(pk=str(uuid.uuid4()), identifier=identifier, key=key or secrets.token_urlsafe(45), intent=intent,
                                 user=user, description=description, expires=expires, expiring=expiring, managed=managed))
        return identifier

    def seed_tokens(self, n, prefix="bulk-token", user=ADMIN_PK, intent="app_password", expiring=True):
        """Add ``n`` tokens ``<prefix>-00000`` ... quickly; returns their identifiers."""
        identifiers = ["%s-%05d" % (prefix, i) for i in range(n)]
        expires = utcnow() + self.api_token_lifetime
        with self.lock:
            if user not in self.users:
                raise ValueError("no user %r" % user)
            for identifier in identifiers:
                if identifier in self.token_by_identifier:
                    raise ValueError("token %r exists" % identifier)
                self._add_token(dict(pk=str(uuid.uuid4()), identifier=identifier, key=secrets.token_urlsafe(45), intent=intent,
                                     user=user, description="", expires=expires, expiring=expiring, managed=None))
        return identifiers

    def seed_provider(self, name, authorization_flow=None, authentication_flow=None, property_mappings=(), settings=None,
                      connection_expiry="hours=8", delete_token_on_disconnect=False):
        """Add a RAC provider without validation; returns its pk."""
        with self.lock:
            if name in self.provider_names:
                raise ValueError("provider name %r is taken" % name)
            provider = dict(pk=self._alloc_provider_pk(), name=name, authorization_flow=authorization_flow or FLOW_UUIDS[FLOW_IMPLICIT],
                            authentication_flow=authentication_flow, property_mappings=[str(m) for m in property_mappings],
                            settings=dict(settings or {}), connection_expiry=connection_expiry,
                            delete_token_on_disconnect=delete_token_on_disconnect)
            self.providers[provider["pk"]] = provider
            self.provider_names[name] = provider["pk"]
            return provider["pk"]

    def seed_providers(self, n, prefix="bulk-provider"):
        """Add ``n`` RAC providers ``<prefix>-00000`` ...; returns their pks."""
        return [self.seed_provider("%s-%05d" % (prefix, i)) for i in range(n)]

    def add_foreign_provider(self, name):
        """Register a provider of another type (proxy, OAuth2, ...): its name blocks RAC providers; returns its pk."""
        with self.lock:
            if name in self.provider_names:
                raise ValueError("provider name %r is taken" % name)
            pk = self._alloc_provider_pk()
            self.foreign_providers[pk] = name
            self.provider_names[name] = pk
            return pk

    def seed_endpoint(self, name, provider_pk, protocol="rdp", host="10.0.0.10", auth_mode="prompt", settings=None,
                      property_mappings=(), maximum_connections=1):
        """Add a RAC endpoint without validation; returns its pk (UUID string)."""
        with self.lock:
            if provider_pk not in self.providers:
                raise ValueError("no RAC provider %r" % provider_pk)
            endpoint = dict(pk=str(uuid.uuid4()), name=name, provider=provider_pk, protocol=protocol, host=host,
                            settings=dict(settings or {}), property_mappings=[str(m) for m in property_mappings], auth_mode=auth_mode,
                            maximum_connections=maximum_connections)
            self.endpoints[endpoint["pk"]] = endpoint
            return endpoint["pk"]

    def seed_connection_token(self, provider_pk, endpoint_uuid, user_pk=ADMIN_PK):
        """Add a connection token (as if ``user_pk`` had opened the endpoint); returns its pk (UUID string)."""
        return self.seed_connection_tokens(1, provider_pk, endpoint_uuid, user_pk)[0]

    def seed_connection_tokens(self, n, provider_pk, endpoint_uuid, user_pk=ADMIN_PK):
        """Add ``n`` connection tokens; returns their pks."""
        with self.lock:
            if provider_pk not in self.providers:
                raise ValueError("no RAC provider %r" % provider_pk)
            if endpoint_uuid not in self.endpoints:
                raise ValueError("no endpoint %r" % endpoint_uuid)
            if user_pk not in self.users:
                raise ValueError("no user %r" % user_pk)
            pks = [str(uuid.uuid4()) for _i in range(n)]
            for pk in pks:
                self.connection_tokens[pk] = dict(pk=pk, provider=provider_pk, endpoint=endpoint_uuid, user=user_pk)
            return pks

    # ---------------------------------------------------------------- inspection (Python API)

    def get_token(self, identifier):
        """The token as the API shows it plus its ``key`` (expired ones too), or None."""
        with self.lock:
            pk = self.token_by_identifier.get(identifier)
            if pk is None:
                return None
            out = self._token_obj(self.tokens[pk])
            out["key"] = self.tokens[pk]["key"]
            return out

    def get_provider(self, pk):
        """The RAC provider as the API shows it, or None."""
        with self.lock:
            return self._provider_obj(self.providers[pk]) if pk in self.providers else None

    def get_endpoint(self, pk):
        """The endpoint as the API shows it, or None."""
        with self.lock:
            return self._endpoint_obj(self.endpoints[pk]) if pk in self.endpoints else None

    def get_connection_token(self, pk):
        """The connection token as the API shows it, or None."""
        with self.lock:
            return self._ctoken_obj(self.connection_tokens[pk]) if pk in self.connection_tokens else None

    # ---------------------------------------------------------------- admin HTTP API (/_sim/)

    def _admin(self, method, path, headers, body):
        header = (headers.get("Authorization") or "").strip()
        if header != "Bearer %s" % self.admin_token:
            return 403, {"detail": NOT_PROVIDED if not header else TOKEN_INVALID}, {}
        try:
            data = json.loads(body.decode("utf-8")) if body else {}
            if data is None:  # ansible.builtin.uri sends "null" with body_format json and no body
                data = {}
        except ValueError as exc:
            return 400, {"detail": "JSON parse error - %s" % exc}, {}
        if not isinstance(data, dict):
            return 400, {"detail": "expected a JSON object"}, {}
        try:
            return self._admin_call(method, path[len(ADMIN_PREFIX):].strip("/"), data)
        except (TypeError, ValueError, KeyError, re.error) as exc:
            return 400, {"detail": "%s: %s" % (type(exc).__name__, exc)}, {}

    def _admin_call(self, method, action, data):
        if (method, action) == ("GET", "stats"):
            return 200, self.stats(), {}
        if (method, action) == ("POST", "reset_counts"):
            self.reset_counts()
            return 204, None, {}
        if (method, action) == ("POST", "reset"):
            self.reset()
            return 204, None, {}
        if (method, action) == ("POST", "faults"):
            self.add_fault(**data)
            return 201, {"faults": len(self.faults)}, {}
        if (method, action) == ("DELETE", "faults"):
            self.clear_faults()
            return 204, None, {}
        if (method, action) == ("POST", "seed"):
            ids = self._admin_seed(dict(data))
            return 201, {"id": ids[0] if len(ids) == 1 else None, "ids": ids}, {}
        return 404, {"detail": "Not found."}, {}

    def _admin_seed(self, data):
        kind = data.pop("kind", None)
        one = {"token": self.seed_token, "provider": self.seed_provider, "endpoint": self.seed_endpoint,
               "connection_token": self.seed_connection_token, "foreign_provider": self.add_foreign_provider}
        many = {"tokens": self.seed_tokens, "providers": self.seed_providers, "connection_tokens": self.seed_connection_tokens}
        if kind in one:
            return [one[kind](**data)]
        if kind in many:
            return many[kind](**data)
        raise ValueError("unknown kind %r; one of %s" % (kind, sorted(one) + sorted(many)))


# --------------------------------------------------------------------------------------------------
# HTTP server plumbing


class _Server(ThreadingHTTPServer):
    """ThreadingHTTPServer that knows its simulator; TLS handshakes happen in the connection's thread."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(self, address, handler, sim):
        self.sim = sim
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, handler)

    def finish_request(self, request, client_address):
        context = self.sim._ssl_context  # pylint: disable=protected-access
        if context is not None:
            try:
                request = context.wrap_socket(request, server_side=True)
            except (ssl.SSLError, OSError):
                request.close()
                return
        super().finish_request(request, client_address)

    def handle_error(self, request, client_address):
        if self.sim.verbose:
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    """One connection (HTTP/1.1 keep-alive): hands each request to the simulator."""

    protocol_version = "HTTP/1.1"
    server_version = "authentik-sim/2025.12.4"
    sys_version = ""
    timeout = 120
    wbufsize = -1  # buffered: status line, headers and body leave in one write (flushed per request)

    def setup(self):
        super().setup()
        try:
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass
        sim = self.server.sim
        with sim.lock:
            sim.connections += 1
            sim._sockets.add(self.connection)  # pylint: disable=protected-access

    def finish(self):
        sim = self.server.sim
        with sim.lock:
            sim._sockets.discard(self.connection)  # pylint: disable=protected-access
        try:
            super().finish()
        except OSError:
            pass

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        if self.server.sim.verbose:
            super().log_message(format, *args)

    def _read_body(self):
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks = []
            while True:
                line = self.rfile.readline(65537).strip()
                size = int(line.split(b";")[0], 16)
                if size == 0:
                    while self.rfile.readline(65537).strip():
                        pass
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline(65537)
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _serve(self):
        try:
            body = self._read_body()
        except ValueError:
            self.send_error(400, "bad request body")
            return
        sim = self.server.sim
        status, payload, headers, fault = sim.handle(self.command, self.path, self.headers, body)
        if fault is not None and fault.drop:
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        self._send(status, payload, headers)

    def _send(self, status, payload, headers):
        if payload is None:
            data, ctype = b"", None
        elif isinstance(payload, str):
            data, ctype = payload.encode("utf-8"), "text/html; charset=utf-8"
        else:
            data, ctype = json.dumps(payload).encode("utf-8"), "application/json"
        try:
            self.send_response(status)
            if ctype:
                self.send_header("Content-Type", ctype)
            if status != 204 and not 100 <= status < 200:
                self.send_header("Content-Length", str(len(data)))
            self.send_header("Vary", "Accept, Authorization, Cookie")
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            if data and self.command != "HEAD" and status != 204:
                self.wfile.write(data)
            self.wfile.flush()
        except OSError:
            self.close_connection = True

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _serve


# --------------------------------------------------------------------------------------------------
# TLS helper


def make_self_signed_ca(tmpdir):
    """Create a CA and a server certificate for 127.0.0.1/localhost with the openssl CLI.

    Returns ``dict(ca=<ca.pem>, cert=<server.pem>, key=<server.key>)`` (paths inside ``tmpdir``).
    """
    tmpdir = str(tmpdir)
    os.makedirs(tmpdir, exist_ok=True)
    paths = {name: os.path.join(tmpdir, name) for name in ("ca.pem", "ca.key", "server.pem", "server.key", "server.csr", "server.ext")}
    with open(paths["server.ext"], "w", encoding="utf-8") as handle:
        handle.write("basicConstraints=critical,CA:FALSE\n"
                     "keyUsage=critical,digitalSignature,keyEncipherment\n"
                     "extendedKeyUsage=serverAuth\n"
                     "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\n"
                     "subjectKeyIdentifier=hash\n"
                     "authorityKeyIdentifier=keyid,issuer\n")
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    commands = [
        ["openssl", "req", "-x509"] + ec + [
            "-keyout", paths["ca.key"], "-out", paths["ca.pem"], "-days", "3650", "-subj", "/CN=authentik simulator test CA",
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"],
        ["openssl", "req"] + ec + ["-keyout", paths["server.key"], "-out", paths["server.csr"], "-subj", "/CN=localhost"],
        ["openssl", "x509", "-req", "-in", paths["server.csr"], "-CA", paths["ca.pem"], "-CAkey", paths["ca.key"],
         "-CAcreateserial", "-out", paths["server.pem"], "-days", "825", "-sha256", "-extfile", paths["server.ext"]],
    ]
    for command in commands:
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=60)
    return {"ca": paths["ca.pem"], "cert": paths["server.pem"], "key": paths["server.key"]}


def start_https(tmpdir, **kwargs):
    """A started HTTPS simulator whose certificate is signed by a new CA: ``.ca`` is that CA's PEM file,
    ``.other_ca`` the PEM file of an unrelated CA (for tests of verification against the wrong CA)."""
    files = make_self_signed_ca(os.path.join(str(tmpdir), "ca"))
    server = AuthentikSimulator(tls=(files["cert"], files["key"]), **kwargs).start()
    server.ca = files["ca"]
    server.other_ca = make_self_signed_ca(os.path.join(str(tmpdir), "other-ca"))["ca"]
    return server


# --------------------------------------------------------------------------------------------------
# command line


def main(argv=None):
    """Run the simulator until SIGTERM/SIGINT."""
    parser = argparse.ArgumentParser(description="authentik 2025.12 API simulator")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--token", default=DEFAULT_ADMIN_TOKEN, help="key of the superuser's API token (and of /_sim/)")
    parser.add_argument("--no-validate", action="store_true", help="skip the authentik_client contract checks")
    parser.add_argument("--require-validate", action="store_true", help="fail when authentik_client cannot be imported")
    parser.add_argument("--tls-dir", help="create a CA (ca.pem) and server certificate there and serve HTTPS")
    parser.add_argument("--ready-file", help="write the URL to this file once listening")
    parser.add_argument("--verbose", action="store_true", help="log every request to stderr")
    args = parser.parse_args(argv)
    validate = False if args.no_validate else ("require" if args.require_validate else True)
    tls = None
    if args.tls_dir:
        files = make_self_signed_ca(args.tls_dir)
        tls = (files["cert"], files["key"])
    sim = AuthentikSimulator(host=args.host, port=args.port, admin_token=args.token, validate=validate, tls=tls,
                             verbose=args.verbose).start()
    stop = threading.Event()

    def on_signal(_signum, _frame):
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    print("authentik simulator listening on %s" % sim.url, flush=True)
    if args.ready_file:
        tmp = args.ready_file + ".tmp"
        with open(tmp, "w", encoding="utf-8") as handle:
            handle.write(sim.url + "\n")
        os.replace(tmp, args.ready_file)
    while not stop.wait(0.5):
        pass
    sim.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
