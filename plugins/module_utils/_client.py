# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""HTTP client for the authentik REST API (``/api/v3/``).

PRIVATE to the authentik.api collection: the leading underscore means this is not a public API.
Other collections must not import it; it may change in any release.

One ``AuthentikClient`` per module run holds one ``requests.Session`` (keep-alive), sends the bearer
token, speaks JSON, follows authentik's page-number pagination, retries idempotent requests on
connection errors, timeouts and 429/502/503/504 (honouring Retry-After), and on a 500 while authentik reports
itself not ready (its database is down), with exponential backoff and jitter for at most ``retry_timeout``
seconds (``retries`` optionally bounds the count), fails at once on what a retry cannot fix (DNS, TLS, other
4xx), and turns every failure into one
``AuthentikError`` carrying method, path, status and the server's message. The token never appears
in any message.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import random
import re
import time
import traceback
from email.utils import parsedate_tz, mktime_tz

try:
    from urllib.parse import quote, urlsplit
except ImportError:  # pragma: no cover - Python 2 is not supported, kept for sanity's compile test
    from urllib import quote  # type: ignore
    from urlparse import urlsplit  # type: ignore

try:
    import requests
    from requests.adapters import HTTPAdapter
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError:
    requests = None
    HTTPAdapter = object
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()

API_PREFIX = "/api/v3"
USER_AGENT = "authentik.api-ansible/1.0.0"
IDEMPOTENT_METHODS = frozenset(("GET", "HEAD", "OPTIONS", "PUT", "DELETE"))
RETRY_STATUSES = frozenset((429, 502, 503, 504))
MAX_PAGE_SIZE = 100
RETRY_TIMEOUT = 60.0  # default time budget of the retries of one request, seconds: rides out a restart of authentik
BACKOFF = 0.5  # first backoff wait, doubled after each retry
MAX_WAIT = 5.0  # cap of one backoff wait (a Retry-After is honoured as long as it fits in the budget)
# A ConnectionError that is a failed DNS lookup (urllib3 1.x and 2.x, glibc, musl, macOS, Windows): no retry fixes it.
_DNS_FAILURE = re.compile(r"NameResolutionError|Failed to resolve|Name or service not known|nodename nor servname|"
                          r"getaddrinfo failed|No address associated with hostname|Temporary failure in name resolution|"
                          r"Name does not resolve", re.I)
_MASK = "********"

# authentik's 403 says only "You do not have permission to perform this action.": the permission each request of
# the collection needs (authentik 2025.12), by API path, so that the error can name it. Custom actions first.
_PERMISSIONS = (
    (re.compile(r"^core/tokens/[^/]+/view_key/$"), "authentik_core.view_token_key"),
    (re.compile(r"^core/tokens/[^/]+/set_key/$"), "authentik_core.set_token_key"),
    (re.compile(r"^core/tokens/"), "authentik_core.%s_token"),
    (re.compile(r"^core/users/[^/]+/set_password/$"), "authentik_core.reset_user_password"),
    (re.compile(r"^core/users/"), "authentik_core.%s_user"),
    (re.compile(r"^core/groups/"), "authentik_core.%s_group"),
    (re.compile(r"^core/applications/"), "authentik_core.%s_application"),
    (re.compile(r"^providers/all/"), "authentik_core.%s_provider"),
    (re.compile(r"^outposts/instances/"), "authentik_outposts.%s_outpost"),
    (re.compile(r"^outposts/service_connections/all/"), "authentik_outposts.%s_outpostserviceconnection"),
    (re.compile(r"^policies/bindings/"), "authentik_policies.%s_policybinding"),
    (re.compile(r"^policies/all/"), "authentik_policies.%s_policy"),
    (re.compile(r"^flows/instances/"), "authentik_flows.%s_flow"),
    (re.compile(r"^providers/rac/"), "authentik_providers_rac.%s_racprovider"),
    (re.compile(r"^rac/endpoints/"), "authentik_providers_rac.%s_endpoint"),
    (re.compile(r"^rac/connection_tokens/"), "authentik_providers_rac.%s_connectiontoken"),
    (re.compile(r"^propertymappings/provider/rac/"), "authentik_providers_rac.%s_racpropertymapping"),
    # authentik 2025.12.4 checks the role's add (POST) or change (PATCH) permission on these actions too
    (re.compile(r"^rbac/permissions/assigned_by_roles/[^/]+/assign/$"),
     "authentik_rbac.assign_role_permissions and authentik_rbac.add_role"),
    (re.compile(r"^rbac/permissions/assigned_by_roles/[^/]+/unassign/$"),
     "authentik_rbac.unassign_role_permissions and authentik_rbac.change_role"),
    (re.compile(r"^rbac/roles/"), "authentik_rbac.%s_role"),
    # a role's object permissions: django-guardian's own model, whose permission authentik's lists do not show
    (re.compile(r"^rbac/permissions/roles/$"), "guardian.view_roleobjectpermission"),
    # a permission per verb (a dict): the system settings check no model permission
    (re.compile(r"^admin/settings/$"), {"view": "authentik_rbac.view_system_settings",
                                        "change": "authentik_rbac.edit_system_settings"}),
)
# authentik answers some missing permissions with a validation error (HTTP 400), not 403: its text -> the permission
_VALIDATION_PERMISSIONS = (
    (re.compile(r"does not have permission to set superuser status to True"), "authentik_core.enable_group_superuser"),
    (re.compile(r"does not have permission to set superuser status to False"), "authentik_core.disable_group_superuser"),
)
_PERMISSION_VERBS = {"GET": "view", "HEAD": "view", "POST": "add", "PUT": "change", "PATCH": "change", "DELETE": "delete"}
# authentik answers 403 (never 401) when it does not accept the token itself: "Token invalid/expired" for a key it does
# not know, that has expired or that is not an API token, "Authentication credentials were not provided." when the
# request carried no bearer token (a proxy in front of it may drop the Authorization header). The error names the
# options that give the token, never the token.
_TOKEN_INVALID = re.compile(r"token invalid|invalid token|expired", re.I)
_NOT_PROVIDED = re.compile(r"credentials were not provided", re.I)
_TOKEN_HINTS = (
    (_TOKEN_INVALID, " (check the token option or AUTHENTIK_TOKEN: authentik accepts only the key of an existing, "
                     "unexpired token with intent api, not an app password)"),
    (_NOT_PROVIDED, " (check the token option or AUTHENTIK_TOKEN: authentik saw no token in the request; a proxy in "
                    "front of it may drop the Authorization header)"),
)


def required_permission(method, path):
    """The authentik permission(s) that ``method`` on ``path`` (relative to /api/v3/) needs, as text, or None.
    A change or delete of one object also needs the view permission: authentik finds the object through the
    objects the user may see, and answers 403 when it is not among them."""
    prefix = API_PREFIX.strip("/") + "/"
    path = path.lstrip("/")
    if path.startswith(prefix):
        path = path[len(prefix):]
    for pattern, permission in _PERMISSIONS:
        if pattern.match(path):
            if isinstance(permission, dict):
                return permission.get(_PERMISSION_VERBS.get(method, "view"))
            if "%s" not in permission:
                return permission
            verb = _PERMISSION_VERBS.get(method, "view")
            if verb in ("change", "delete"):
                return "%s and %s" % (permission % verb, permission % "view")
            return permission % verb
    return None


class AuthentikError(Exception):
    """The one error type of the collection: a one-line message plus what the module returns with it.

    ``status`` is the HTTP status (None for connection errors and bad input), ``method``/``path``
    the request, ``detail`` the server's parsed error body. ``sent`` is False when the request
    certainly did not reach the server's application (bad input, refused connection).
    """

    def __init__(self, msg, method=None, path=None, status=None, detail=None, sent=True, retry_after=None, transient=False):
        super(AuthentikError, self).__init__(msg)
        self.msg = msg
        self.method = method
        self.path = path
        self.status = status
        self.detail = detail
        self.sent = sent
        self.retry_after = retry_after  # seconds from the answer's Retry-After header (429, 503), or None
        self.transient = transient  # a failure a later attempt may not meet (connection, timeout, 429/502/503/504, down)

    def result(self):
        """The extra keys a failed module returns besides ``msg``."""
        out = {}
        for name in ("method", "path", "status", "detail"):
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        return out

    def field_messages(self, field):
        """The server's messages for one field of a 400 answer (empty when there are none)."""
        if isinstance(self.detail, dict):
            value = self.detail.get(field)
            if isinstance(value, list):
                return [str(v) for v in value]
            if value is not None:
                return [str(value)]
        return []


def normalize_url(url):
    """``https://host``, ``https://host/`` and ``https://host/api/v3[/]`` all give ``https://host/api/v3/``.

    A path prefix (authentik behind a reverse proxy under ``/auth``) is kept.
    """
    if not url or not isinstance(url, str):
        raise AuthentikError("url: no authentik URL given; set the url option or AUTHENTIK_URL", sent=False)
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise AuthentikError("url: %r is not an http(s) URL such as https://authentik.example.com" % url, sent=False)
    if parts.query or parts.fragment:
        raise AuthentikError("url: %r must not contain a query or fragment" % url, sent=False)
    path = parts.path.rstrip("/")
    if path.endswith(API_PREFIX):
        path = path[:-len(API_PREFIX)]
    return "%s://%s%s%s/" % (parts.scheme, parts.netloc, path, API_PREFIX)


def _retry_after(value, now=None):
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    parsed = parsedate_tz(value)
    if parsed is None:
        return None
    return max(0.0, mktime_tz(parsed) - (now if now is not None else time.time()))


def _summarise(detail):
    """authentik's error body as one line: ``detail`` or ``field: msg; msg`` pairs."""
    if isinstance(detail, dict):
        if "detail" in detail and len(detail) <= 2:
            return str(detail["detail"])
        parts = []
        for key, value in detail.items():
            if key == "code":
                continue
            if isinstance(value, list):
                value = "; ".join(_summarise(v) for v in value)
            elif isinstance(value, dict):
                value = _summarise(value)
            parts.append("%s: %s" % (key, value))
        return ", ".join(parts)
    if isinstance(detail, list):
        return "; ".join(_summarise(v) for v in detail)
    return str(detail)


def _text_excerpt(text, limit=160):
    """A short, single-line excerpt of a non-JSON body (an HTML error page from a proxy, say): the page's words,
    without its scripts and styles (authentik's own error page starts with several kilobytes of them)."""
    text = re.sub(r"(?is)<(script|style)\b.*?</\1\s*>", " ", text or "")
    text = re.sub(r"<[^>]*>", " ", text)
    text = re.sub(r"\s+", " ", text).strip()
    return text[:limit] + ("..." if len(text) > limit else "")


class AuthentikClient:
    """A session against one authentik server. Never prints or returns the token."""

    # Time and chance, replaceable by tests (a fake clock): a monotonic clock in seconds, a sleep, a number in [0, 1).
    clock = staticmethod(time.monotonic)
    sleep = staticmethod(time.sleep)
    jitter = staticmethod(random.random)

    def __init__(self, url, token, validate_certs=True, ca_path=None, timeout=30, retries=None, backoff=BACKOFF,
                 check_mode=False, sleep=None, retry_timeout=RETRY_TIMEOUT):
        if not HAS_REQUESTS:
            raise AuthentikError("the Python library 'requests' is required on the host that runs this module", sent=False)
        if not token:
            raise AuthentikError("token: no API token given; set the token option or AUTHENTIK_TOKEN", sent=False)
        self.base = normalize_url(url)
        self._token = token
        self.timeout = timeout
        self.retries = None if retries is None else max(0, int(retries))
        self.retry_timeout = max(0.0, float(retry_timeout))
        self.backoff = backoff
        self.check_mode = check_mode
        if sleep is not None:
            self.sleep = sleep
        self.request_count = 0
        self.session = requests.Session()
        adapter = HTTPAdapter(pool_connections=1, pool_maxsize=4, max_retries=0)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.session.headers.update({
            "Authorization": "Bearer %s" % token,
            "Accept": "application/json",
            "User-Agent": USER_AGENT,
        })
        # Also passed with every request: requests lets REQUESTS_CA_BUNDLE/CURL_CA_BUNDLE override Session.verify,
        # which would silently ignore ca_path and validate_certs: false.
        self.verify = ca_path if (ca_path and validate_certs) else bool(validate_certs)
        self.session.verify = self.verify
        if not validate_certs:
            try:
                import urllib3
                urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
            except (ImportError, AttributeError):  # pragma: no cover
                pass

    def close(self):
        self.session.close()

    def scrub(self, text):
        """Remove the token from any text that may leave this client."""
        if self._token and isinstance(text, str):
            return text.replace(self._token, _MASK)
        return text

    def url_for(self, path):
        return self.base + path.lstrip("/")

    @staticmethod
    def item_path(collection, key):
        """``core/tokens/`` + ``my-token`` -> ``core/tokens/my-token/`` (the key URL-quoted)."""
        return "%s%s/" % (collection, quote(str(key), safe=""))

    def request(self, method, path, params=None, body=None, idempotent=None, retries=None):
        """One API call; returns the decoded JSON body (None for 204). Raises AuthentikError."""
        method = method.upper()
        if self.check_mode and method not in ("GET", "HEAD", "OPTIONS"):
            # The engine never writes in check mode; this guard makes a slip impossible to miss.
            raise AuthentikError("internal error: %s %s attempted in check mode" % (method, path), method, path, sent=False)
        if idempotent is None:
            idempotent = method in IDEMPOTENT_METHODS
        retries = self.retries if retries is None else retries
        display = API_PREFIX + "/" + path.lstrip("/")
        started = self.clock()
        attempt = 0
        while True:
            try:
                self.request_count += 1
                resp = self.session.request(method, self.url_for(path), params=params,
                                            data=None if body is None else json.dumps(body),
                                            headers={"Content-Type": "application/json"} if body is not None else None,
                                            timeout=self.timeout, allow_redirects=False, verify=self.verify)
            except requests.exceptions.SSLError as exc:
                raise AuthentikError(self.scrub(_tls_failure(method, display, self.base, exc)), method, display, sent=False)
            except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as exc:
                if _DNS_FAILURE.search(str(exc)):
                    raise AuthentikError(self.scrub(
                        "%s %s: cannot resolve the host of %s (DNS lookup failed: %s); check url"
                        % (method, display, self.base, _short_exc(exc))), method, display, sent=False)
                sent = not isinstance(exc, requests.exceptions.ConnectTimeout) and "refused" not in str(exc).lower()
                wait = self.retry_wait(attempt + 1, started, retries=retries) if idempotent else None
                if wait is not None:
                    attempt += 1
                    self.sleep(wait)
                    continue
                raise AuthentikError(self.scrub(
                    "%s %s: cannot reach authentik at %s after %d attempt(s) in %.0f s: %s"
                    % (method, display, self.base, attempt + 1, self.clock() - started, _short_exc(exc))),
                    method, display, sent=sent, transient=True)
            retry_after = _retry_after(resp.headers.get("Retry-After")) if resp.status_code in RETRY_STATUSES else None
            # authentik's error page takes only GET: a request other than GET that fails inside authentik is answered 405
            # without a body (a DELETE racing with background tasks; any write while PostgreSQL is down).
            failed_write = resp.status_code == 405 and method != "GET" and not resp.content
            transient = (resp.status_code in RETRY_STATUSES or (failed_write and method == "DELETE")
                         or ((resp.status_code == 500 or failed_write) and self._not_ready(resp)))
            if transient and idempotent:
                wait = self.retry_wait(attempt + 1, started, retry_after, retries)
                if wait is not None:
                    attempt += 1
                    self.sleep(wait)
                    continue
            return self._decode(resp, method, display, transient, retry_after, self.retry_timeout - (self.clock() - started))

    def retry_wait(self, attempt, started, retry_after=None, retries=None):
        """Seconds to wait before retry number ``attempt`` (1, 2, ...) of a request first sent at ``started`` (on
        ``clock``), or None when no retry is left: ``retries`` (when set) are spent, or the wait would end after
        ``retry_timeout`` seconds from ``started``. The wait is the server's Retry-After, else the exponential
        backoff (``backoff`` x 2^(attempt-1), at most MAX_WAIT) less a random part of up to half (jitter: forks
        that met the same outage do not come back all at once), cut to what is left of the budget."""
        retries = self.retries if retries is None else retries
        if retries is not None and attempt > retries:
            return None
        left = started + self.retry_timeout - self.clock()
        if retry_after is not None:
            return retry_after if retry_after <= left else None
        if left <= 0:
            return None
        wait = min(MAX_WAIT, self.backoff * (2 ** (attempt - 1))) * (1.0 - 0.5 * self.jitter())
        return min(wait, left)

    def _not_ready(self, resp):
        """True when a 500 is authentik's error page (not a JSON API error) and authentik's readiness check
        (``/-/health/ready/``, which tests its database) fails too (5xx: 503 from the check, 500 when the database
        is needed before it) or does not answer: the 500 is an outage. While it answers 200 (or 4xx: not authentik's),
        the 500 is a bug, which fails at once."""
        try:
            json.loads(resp.text)
            return False
        except ValueError:
            pass
        try:
            probe = self.session.get(self.base[:-len(API_PREFIX) - 1] + "/-/health/ready/", timeout=self.timeout,
                                     allow_redirects=False, verify=self.verify)
            return probe.status_code >= 500
        except requests.exceptions.RequestException:
            return True

    def _decode(self, resp, method, display, transient=False, retry_after=None, left=None):
        status = resp.status_code
        text = resp.text
        data = None
        if text:
            try:
                data = json.loads(text)
            except ValueError:
                data = None
        if 200 <= status < 300:
            if status == 204 or not text:
                return None
            if data is None:
                raise AuthentikError(self.scrub(
                    "%s %s: HTTP %d but the answer is not JSON (%s): %s; is url pointing at authentik?"
                    % (method, display, status, resp.headers.get("Content-Type", "no content type"), _text_excerpt(text))),
                    method, display, status)
            return data
        if 300 <= status < 400:
            msg = "redirected to %s; check url (scheme, host and path prefix)" % resp.headers.get("Location", "?")
        elif data is not None:
            msg = _summarise(data)
        elif text:
            msg = "non-JSON answer (%s): %s" % (resp.headers.get("Content-Type", "no content type"), _text_excerpt(text))
        else:
            msg = resp.reason or "no body"
        where = display
        if status == 404:
            # The full URL requested, with the path prefix from url: a wrong prefix shows here.
            where = self.url_for(display[len(API_PREFIX) + 1:])
            if data is None:  # an HTML page (a generic 404), not authentik's JSON "no such object"
                msg += ("; check url: no authentik API answers under %s (give authentik's base URL, with its path "
                        "prefix if it is served under one)" % self.base[:-len(API_PREFIX) - 1])
        if status == 500 and data is None:
            msg += ("; authentik reports itself not ready (its database is unreachable)" if transient else
                    "; authentik failed on this request: its server log says why")
        if transient and retry_after is not None and left is not None and retry_after > left:
            msg += "; the server asked to retry after %.0f s, more than the %.0f s left of retry_timeout" % (retry_after, max(0, left))
        if status in (401, 403):
            msg += _auth_hint(status, data, method, display)
        if status == 400:
            for pattern, permission in _VALIDATION_PERMISSIONS:
                if pattern.search(msg):
                    msg += " (the token's user needs the permission %s, globally or on this object)" % permission
                    break
        if status == 405:
            # authentik 2025.12.4's error page accepts only GET: a request other than GET that fails inside authentik (a
            # server error) is answered 405 with no body. An outpost DELETE does that now and then (retried as transient
            # above); a DELETE of a RAC connection token without delete_connectiontoken always does.
            if not text.strip():
                msg += "; authentik failed on this request (authentik 2025.12.4 answers 405 to a failed request other than GET)"
            permission = required_permission(method, display)
            if permission:
                msg += (" (authentik 2025.12.4 answers 405 here also when the token's user lacks the permission%s %s)"
                        % ("s" if " and " in permission else "", permission))
        raise AuthentikError(self.scrub("%s %s: HTTP %d: %s" % (method, where, status, msg)), method, display, status,
                             data if data is not None else None, retry_after=retry_after, transient=transient)

    def get(self, path, params=None):
        return self.request("GET", path, params=params)

    def get_or_none(self, path, params=None):
        """GET one object; None when authentik answers 404 with its JSON error body. A 404 page that is not JSON
        (a reverse proxy's, another server's: url is not authentik's base URL) is an error, not "absent"."""
        try:
            return self.request("GET", path, params=params)
        except AuthentikError as exc:
            if exc.status == 404 and exc.detail is not None:
                return None
            raise

    def paginate(self, path, params=None, page_size=MAX_PAGE_SIZE):
        """Yield every result of a list endpoint, following authentik's page numbers (``next`` is 0 at the end)."""
        query = dict(params or {})
        query["page_size"] = page_size
        page = 1
        while True:
            query["page"] = page
            data = self.request("GET", path, params=query)
            if not isinstance(data, dict) or not isinstance(data.get("results"), list):
                raise AuthentikError("GET %s/%s: the answer is not an authentik list (no results)" % (API_PREFIX, path.lstrip("/")),
                                     "GET", path)
            yield from data["results"]
            nxt = (data.get("pagination") or {}).get("next") or 0
            if not nxt or int(nxt) <= page:
                return
            page = int(nxt)

    def list(self, path, params=None, page_size=MAX_PAGE_SIZE):
        return list(self.paginate(path, params, page_size))


def _auth_hint(status, data, method, display):
    """What to check after a 401 or 403: the token (authentik did not accept it) or the permissions of its user."""
    detail = str(data.get("detail", "")) if isinstance(data, dict) else ""
    for pattern, hint in _TOKEN_HINTS:
        if pattern.search(detail):
            return hint
    if status == 403 and "permission" in detail:
        permission = required_permission(method, display)
        if permission:
            return " (the token's user needs the permission%s %s, %s)" % (
                "s" if " and " in permission else "", permission,
                # the system settings' permissions exist only globally (authentik's SystemPermission)
                "globally" if permission.endswith("_system_settings") else "globally or on this object")
        return (" (the token is valid but its user lacks a permission this request needs; the module's notes list "
                "them)")
    if status == 401:  # not authentik's own answer (it answers 403), a proxy's in front of it
        return " (check the token option or AUTHENTIK_TOKEN, and that url points at authentik itself)"
    return ""


def _tls_failure(method, display, base, exc):
    """The message of a failed TLS handshake. A server that speaks plain HTTP on an https:// URL makes OpenSSL
    report a wrong version number or a record layer failure: that is named, since validate_certs would not help."""
    text = str(exc)
    if re.search(r"WRONG_VERSION_NUMBER|wrong version number|record layer failure|UNKNOWN_PROTOCOL", text):
        return ("%s %s: %s answered in plain HTTP, not TLS (%s); use http:// in url if the server has no TLS "
                "(validate_certs and ca_path do not apply)" % (method, display, base, _short_exc(exc)))
    return ("%s %s: TLS verification of %s failed (%s); set ca_path to the CA bundle that signed the server "
            "certificate, or validate_certs: false to skip verification" % (method, display, base, _short_exc(exc)))


def _short_exc(exc):
    """The innermost reason of a requests exception, without urllib3's pool, connection and retry wording
    (urllib3 1.x and 2.x): "Connection refused", "Read timed out", "certificate verify failed: ..."."""
    text = str(exc)
    match = re.search(r"\[SSL: \w+\] (.*?)(?: \(_ssl\.c:\d+\))?['\"]?\)", text)
    if match:
        return match.group(1)
    match = re.search(r"\(Caused by \w+\((.*)\)\)\)?$", text)
    if match:
        text = match.group(1).strip("'\"")
    text = re.sub(r"^(?:<urllib3[^>]*>|\w*Connection(?:Pool)?\(host=[^)]*\))[:,]? ?'?", "", text)
    return text.strip().rstrip(".") or exc.__class__.__name__
