# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The core of the authentik API simulator (``authentik_sim.py``): what every API area shares.

``SimulatorCore`` serves HTTP(S) in a background thread, counts requests, injects faults, answers the admin
API under ``/_sim/``, routes ``/api/v3/`` requests to the handlers of the API areas (authentication,
permissions, 404, 405), paginates, parses JSON bodies and checks request and response bodies against the
``authentik-client`` models (imported lazily, once per process); ``_Fields`` validates a request body the
way authentik's DRF serializers do. Standard library only.

An API area is a subclass in a file of its own (``sim_directory.py``, ``sim_tokens.py``, ``sim_rac.py``)
that declares

- ``ROUTES``: its paths, each a ``Route`` (pattern, handlers by method, permission);
- ``SEEDS``: its kinds of ``POST /_sim/seed``, ``{kind: (name of the seed helper, whether it returns a list)}``;
- ``_init_state()``: its state and initial seed, after ``super()._init_state()``;

and ``AuthentikSimulator`` (``authentik_sim.py``) inherits every area. The core collects the areas' tables.
"""

from __future__ import annotations

import contextlib
import copy
import datetime
import json
import math
import re
import socket
import ssl
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

# pylint: disable=unknown-option-value,too-many-lines,too-many-instance-attributes,too-many-arguments,too-many-positional-arguments
# pylint: disable=too-many-return-statements,too-few-public-methods
# pylint: disable=consider-using-f-string  # %-formatting matches the rest of the collection

API_PREFIX = "/api/v3/"
ADMIN_PREFIX = "/_sim/"
DEFAULT_ADMIN_TOKEN = "sim-admin-token"
VIOLATION_STATUS = 599
MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20
SLUG_RE = re.compile(r"^[-a-zA-Z0-9_]+$")
DATETIME_FORMAT_MSG = "Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."
INVALID_CHOICE_FILTER = "Select a valid choice. That choice is not one of the available choices."
NO_PERMISSION = "You do not have permission to perform this action."
NOT_PROVIDED = "Authentication credentials were not provided."
TOKEN_INVALID = "Token invalid/expired"
INT32 = (-2147483648, 2147483647)
#: the permission a method needs (DRF's DjangoObjectPermissions; reading needs the view permission through authentik's ObjectFilter)
PERMISSION_VERBS = {"POST": "add", "PUT": "change", "PATCH": "change", "DELETE": "delete"}
#: what authentik answers (404, text/html) for a path that no route matches, inside /api/v3/ or not: its "Not Found" page
NOT_FOUND_PAGE = ("<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"UTF-8\"><title>authentik</title></head>\n"
                  "<body><h1 class=\"pf-c-title pf-m-3xl\">Not Found</h1></body>\n</html>\n")


# Where authentik 2025.12.4 itself departs from the authentik-client models (seen on the real server; the parity
# suite keeps this honest), a response check lets exactly that pass:
# - fields it answers with null although the models declare them non-nullable (a RAC provider's invalidation_flow,
#   an application without provider, the unused sides of a policy binding);
# - fields newer models require that 2025.12.4 does not send (an application's pbm_uuid, a binding's expires and
#   expiring, in authentik-client 2026.x; in one model's answer only: the session user of /core/users/me/ with its
#   is_current and users, the autocomplete of a role's object permission pages, the settings' newer flags).
REAL_SERVER_NULLS = frozenset(("invalidation_flow", "provider_obj", "policy_obj", "group_obj", "user_obj"))
NEWER_THAN_SIMULATED = frozenset(("pbm_uuid", "expires", "expiring"))
NEWER_THAN_SIMULATED_IN = {"SessionUser": frozenset(("is_current", "users")),
                           "PaginatedExtraRoleObjectPermissionList": frozenset(("autocomplete",)),
                           "Settings": frozenset(("core_default_app_access", "enterprise_audit_include_expanded_diff",
                                                  "flows_continuous_login"))}


def _real_server_deviation(err, model_name=None):
    """Whether a pydantic error of a response check (of the model ``model_name``) is one of the real server's own
    deviations above."""
    field = str((err.get("loc") or ("",))[-1])
    if err.get("type") == "missing":
        return field in NEWER_THAN_SIMULATED or field in NEWER_THAN_SIMULATED_IN.get(model_name, ())
    return err.get("input", "") is None and field in REAL_SERVER_NULLS


def _fixed_uuid(name):
    """The fixed UUID of a seeded object: ``uuid5(NAMESPACE_DNS, name)``."""
    return str(uuid.uuid5(uuid.NAMESPACE_DNS, name))


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
# JSON syntax errors the way authentik's parser (orjson) words them


_JSON_NUMBER_RE = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")
_JSON_ESCAPES = '"\\/bfnrtu'


class _JsonSyntax(Exception):
    def __init__(self, message, pos):
        super().__init__(message)
        self.message = message
        self.pos = pos


def json_syntax_error(doc):
    """orjson's ``JSONDecodeError`` text for a document that is not JSON (``unexpected character: line 1 column 2
    (char 1)``), None when it is JSON. orjson refuses NaN and Infinity too."""
    try:
        end = _json_value(doc, _json_space(doc, 0), top=True)
        end = _json_space(doc, end)
        if end < len(doc):
            raise _JsonSyntax("unexpected content after document", end)
    except _JsonSyntax as exc:
        return str(json.JSONDecodeError(exc.message, doc, exc.pos))
    return None


def _json_space(doc, pos):
    while pos < len(doc) and doc[pos] in " \t\n\r":
        pos += 1
    return pos


def _json_value(doc, pos, top=False):
    if pos >= len(doc):
        raise _JsonSyntax("input data is empty" if top and not doc[:pos].strip() else "unexpected end of data", 0 if top else pos)
    char = doc[pos]
    if char == "{":
        return _json_container(doc, pos + 1, "}", True)
    if char == "[":
        return _json_container(doc, pos + 1, "]", False)
    if char == '"':
        return _json_string(doc, pos + 1)
    for literal in ("true", "false", "null"):
        if char == literal[0]:
            for offset, expected in enumerate(literal):
                if pos + offset >= len(doc):
                    raise _JsonSyntax("unexpected end of data", pos + offset)
                if doc[pos + offset] != expected:
                    raise _JsonSyntax("invalid literal", pos + offset)
            return pos + len(literal)
    match = _JSON_NUMBER_RE.match(doc, pos)
    if char in "-0123456789" and match:
        return match.end()
    raise _JsonSyntax("unexpected character", pos)


def _json_container(doc, pos, close, is_object):
    pos = _json_space(doc, pos)
    if pos < len(doc) and doc[pos] == close:
        return pos + 1
    while True:
        if pos >= len(doc):
            raise _JsonSyntax("unexpected end of data", pos)
        if is_object:
            if doc[pos] != '"':
                raise _JsonSyntax("unexpected character", pos)
            pos = _json_space(doc, _json_string(doc, pos + 1))
            if pos >= len(doc):
                raise _JsonSyntax("unexpected end of data", pos)
            if doc[pos] != ":":
                raise _JsonSyntax("unexpected character", pos)
            pos += 1
        pos = _json_space(doc, _json_value(doc, _json_space(doc, pos)))
        if pos >= len(doc):
            raise _JsonSyntax("unexpected end of data", pos)
        if doc[pos] == close:
            return pos + 1
        if doc[pos] != ",":
            raise _JsonSyntax("unexpected character", pos)
        comma, pos = pos, _json_space(doc, pos + 1)
        if pos < len(doc) and doc[pos] == close:
            raise _JsonSyntax("trailing comma is not allowed", comma)


def _json_string(doc, pos):
    while pos < len(doc):
        char = doc[pos]
        if char == '"':
            return pos + 1
        if char == "\\":
            if pos + 1 >= len(doc):
                break
            if doc[pos + 1] not in _JSON_ESCAPES:
                raise _JsonSyntax("invalid escaped character in string", pos + 1)
            if doc[pos + 1] == "u" and not re.match(r"[0-9a-fA-F]{4}", doc[pos + 2:pos + 6]):
                raise _JsonSyntax("invalid escaped sequence in string", pos + 2)
            pos += 6 if doc[pos + 1] == "u" else 2
            continue
        if ord(char) < 0x20:
            raise _JsonSyntax("unexpected control character in string", pos)
        pos += 1
    raise _JsonSyntax("unexpected end of data", len(doc))


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

    def __init__(self, method, path_regex, status, times, retry_after, body, drop, delay, after_apply, query_regex,
                 race=False):
        self.race = race
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


class Route:
    """One path of an API area (see the module docstring).

    ``pattern``: a regular expression over the path after ``/api/v3/``, whose one group (if any) is the
    object's id; ``implemented``: method -> name of the handler method (called with the request, and the
    id when there is one); ``unimplemented``: methods the real server has but the simulator does not
    (contract violations); ``model``: the authentik model whose permissions guard the path
    (``app_label.model_name``: ``authentik_providers_rac.racprovider`` -> ``view_racprovider``, ...);
    ``permission``: how authentik 2025.12.4 checks them for a non-superuser (see ``SimulatorCore._dispatch``):
    "objects" (the model's global permissions), "owner" (tokens: every user manages his own, the handlers
    check ownership) or "ctokens" (connection tokens: the owner field is the session's user, which authentik's
    object permission check cannot read).
    """

    def __init__(self, pattern, implemented, unimplemented=(), permission="objects", model=None):
        self.regex = re.compile(pattern)
        self.implemented = implemented
        self.unimplemented = tuple(unimplemented)
        self.permission = permission
        self.model = model


class SimulatorCore:
    """An authentik 2025.12 API server in a background thread, without API areas (see the module docstring).

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
        self.write_generation = 0
        self._server = None
        self._thread = None
        self._sockets = set()
        self._ssl_context = None
        self.url = None
        self.api_url = None
        self._routes = [entry for table in self._area_tables("ROUTES") for entry in table]
        self._seeds = {kind: seed for table in self._area_tables("SEEDS") for kind, seed in table.items()}
        self._init_state()

    @classmethod
    def _area_tables(cls, name):
        """The ``name`` tables (``ROUTES``, ``SEEDS``) that the classes of this simulator declare, the core's end first."""
        return [vars(klass)[name] for klass in reversed(cls.__mro__) if name in vars(klass)]

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
        """The initial state: each area adds its own after ``super()._init_state()``, so it finds the state it builds on."""
        self.permissions = {}  # user pk -> global permissions ("authentik_providers_rac.view_racprovider", ...)

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
                  delay=0.0, after_apply=False, query_regex=None, race=False):
        """Make the next ``times`` requests matching ``method`` (None: any) and ``path_regex`` (re.search on the
        path without query) fail.

        ``status`` with optional ``Retry-After`` and ``body`` (default ``{"detail": "Service Unavailable"}``; a str is
        sent as text/html), or ``drop=True`` to close the connection without answering. ``after_apply=True``
        processes the request first (state changes happen) and then answers with the fault instead.
        ``delay`` sleeps before answering; ``status=None`` without drop only delays. ``times=None``: forever.
        ``race=True`` (with ``status=None`` and a ``delay``) is authentik's check-then-insert window: the request passed
        authentik's checks when it arrived, and is applied after the delay; when another write landed meanwhile and
        the request now meets an "already exists", that is the database's unique constraint failing the insert, which
        authentik 2025.12.4 answers with a bodiless 405 (its error page takes only GET). Names that authentik does not
        keep unique (RAC endpoints, group and user bindings) are simply made twice, as on the real server.
        """
        with self.lock:
            self.faults.append(_Fault(method, path_regex, status, times, retry_after, body, drop, delay, after_apply, query_regex,
                                      race))

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
                errors = [err for err in getattr(exc, "errors", lambda: [])() if not _real_server_deviation(err, model_name)]
                if errors or not hasattr(exc, "errors"):
                    described = ["%s: %s (got %r)" % (".".join(str(x) for x in err.get("loc", ())), err.get("msg"), err.get("input"))
                                 for err in errors]
                    problems.append("; ".join(described) or str(exc).replace("\n", " "))
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
        arrived = self.write_generation
        if fault is not None:
            if fault.delay:
                time.sleep(fault.delay)
            if fault.race:
                status, payload, extra = self._api(method, path, query, headers, body)
                if (status == 400 and "already exists" in json.dumps(payload)
                        and self.write_generation != arrived):
                    return 405, None, {}, fault
                return status, payload, extra, fault
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
                    return 404, NOT_FOUND_PAGE, {}
                route, ident = self._route(path[len(API_PREFIX):])
                if route is None:  # Django's URL resolver answers before any authentication
                    return 404, NOT_FOUND_PAGE, {}
                with self.lock:
                    status, payload, model_name = self._dispatch(req, route, ident)
                    if req.method not in ("GET", "HEAD", "OPTIONS") and 200 <= status < 300:
                        self.write_generation += 1  # a write that changed the state (see add_fault's race)
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

    def _route(self, rel):
        """(route, id) for a path relative to /api/v3/; (None, None) when no route matches it."""
        for route in self._routes:
            match = route.regex.match(rel)
            if match:
                return route, (match.group(1) if match.groups() else None)
        return None, None

    def _dispatch(self, req, route, ident):
        """authentik's order: authentication; on a list path, the permission of the method (DRF's has_permission:
        403 before a 405); on an object's path, the object among those the caller may see (403 without the view
        permission, 404) and then the permission to change or delete it (the object permission check)."""
        req.user = self._authenticate(req.headers)
        req.route = route
        verb = PERMISSION_VERBS.get(req.method)
        if ident is None and verb and not (route.permission == "owner" and verb == "add") and not self._has_perm(req, verb):
            raise _detail(403, NO_PERMISSION)  # tokens: authentik lets every user create his own
        if req.method in route.unimplemented or req.method == "OPTIONS":
            raise self._violation("%s %s: the real server supports this, the simulator does not" % (req.method, req.path))
        if req.method not in route.implemented:
            raise _detail(405, 'Method "%s" not allowed.' % req.method)
        if ident is not None and verb and route.permission != "owner" and not self._has_perm(req, verb):
            getattr(self, route.implemented["GET"])(req, ident)  # 403 without the view permission, or 404
            if route.permission == "ctokens":
                # authentik 2025.12.4 then reads the owner field "session__user" as an attribute, which fails: its error
                # page takes only GET, so the answer is a bodiless 405 (also for the token's own user)
                raise ApiError(405, None)
            raise _detail(403, NO_PERMISSION)
        handler = getattr(self, route.implemented[req.method])
        return handler(req, ident) if ident is not None else handler(req)

    def _has_perm(self, req, verb):
        """Whether the caller holds the global permission ``verb`` (view, add, change, delete or a codename such as
        ``view_token_key``) of the model of the request's path; a superuser holds every one."""
        app, _dot, name = (req.route.model or ".").partition(".")
        codename = verb if "_" in verb else "%s_%s" % (verb, name)
        return req.user["is_superuser"] or "%s.%s" % (app, codename) in self.permissions.get(req.user["pk"], ())

    def _authenticate(self, headers):
        """The user (a dict) whose bearer token ``headers`` carry; raises ApiError 403. The tokens area answers."""
        raise NotImplementedError

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

        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _detail(400, "JSON parse error - str is not valid UTF-8: surrogates not allowed") from exc
        problem = json_syntax_error(text)
        if problem is not None:
            raise _detail(400, "JSON parse error - %s" % problem)
        data = json.loads(text)
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

    def _require_view_permission(self, req):
        """authentik's ObjectFilter for a model without an owner field: a caller who holds no view permission on
        any object of it (the simulator knows only global permissions) gets 403 for the list and for every object,
        even before a malformed id is noticed."""
        if not self._has_perm(req, "view"):
            raise _detail(403, NO_PERMISSION)

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
        if kind not in self._seeds:
            kinds = sorted(self._seeds, key=lambda k: (self._seeds[k][1], k))  # the kinds that seed one object first
            raise ValueError("unknown kind %r; one of %s" % (kind, kinds))
        helper, many = self._seeds[kind]
        ids = getattr(self, helper)(**data)
        return ids if many else [ids]


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
