# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""HTTP client for the authentik REST API (``/api/v3/``).

PRIVATE to the authentik.api collection: the leading underscore means this is not a public API.
Other collections must not import it; it may change in any release.

One ``AuthentikClient`` per module run holds one ``requests.Session`` (keep-alive), sends the bearer
token, speaks JSON, follows authentik's page-number pagination, retries idempotent requests on
connection errors and 429/502/503/504 (honouring Retry-After) and turns every failure into one
``AuthentikError`` carrying method, path, status and the server's message. The token never appears
in any message.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
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
MAX_RETRY_AFTER = 60.0
_MASK = "********"

# authentik's 403 says only "You do not have permission to perform this action.": the permission each request of
# the collection needs (authentik 2025.12), by API path, so that the error can name it. Custom actions first.
_PERMISSIONS = (
    (re.compile(r"^core/tokens/[^/]+/view_key/$"), "authentik_core.view_token_key"),
    (re.compile(r"^core/tokens/[^/]+/set_key/$"), "authentik_core.set_token_key"),
    (re.compile(r"^core/tokens/"), "authentik_core.%s_token"),
    (re.compile(r"^core/users/"), "authentik_core.%s_user"),
    (re.compile(r"^flows/instances/"), "authentik_flows.%s_flow"),
    (re.compile(r"^providers/rac/"), "authentik_providers_rac.%s_racprovider"),
    (re.compile(r"^rac/endpoints/"), "authentik_providers_rac.%s_endpoint"),
    (re.compile(r"^rac/connection_tokens/"), "authentik_providers_rac.%s_connectiontoken"),
    (re.compile(r"^propertymappings/provider/rac/"), "authentik_providers_rac.%s_racpropertymapping"),
)
_PERMISSION_VERBS = {"GET": "view", "HEAD": "view", "POST": "add", "PUT": "change", "PATCH": "change", "DELETE": "delete"}


def required_permission(method, path):
    """The authentik permission that ``method`` on ``path`` (relative to /api/v3/) needs, or None."""
    prefix = API_PREFIX.strip("/") + "/"
    path = path.lstrip("/")
    if path.startswith(prefix):
        path = path[len(prefix):]
    for pattern, permission in _PERMISSIONS:
        if pattern.match(path):
            return permission % _PERMISSION_VERBS.get(method, "view") if "%s" in permission else permission
    return None


class AuthentikError(Exception):
    """The one error type of the collection: a one-line message plus what the module returns with it.

    ``status`` is the HTTP status (None for connection errors and bad input), ``method``/``path``
    the request, ``detail`` the server's parsed error body. ``sent`` is False when the request
    certainly did not reach the server's application (bad input, refused connection).
    """

    def __init__(self, msg, method=None, path=None, status=None, detail=None, sent=True, retry_after=None):
        super(AuthentikError, self).__init__(msg)
        self.msg = msg
        self.method = method
        self.path = path
        self.status = status
        self.detail = detail
        self.sent = sent
        self.retry_after = retry_after  # seconds from the answer's Retry-After header (429, 503), or None

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

    def __init__(self, url, token, validate_certs=True, ca_path=None, timeout=30, retries=3, backoff=0.5,
                 check_mode=False, sleep=time.sleep):
        if not HAS_REQUESTS:
            raise AuthentikError("the Python library 'requests' is required on the host that runs this module", sent=False)
        if not token:
            raise AuthentikError("token: no API token given; set the token option or AUTHENTIK_TOKEN", sent=False)
        self.base = normalize_url(url)
        self._token = token
        self.timeout = timeout
        self.retries = max(0, int(retries))
        self.backoff = backoff
        self.check_mode = check_mode
        self._sleep = sleep
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
                sent = not isinstance(exc, requests.exceptions.ConnectTimeout) and "refused" not in str(exc).lower()
                if idempotent and attempt < retries:
                    attempt += 1
                    self._sleep(self.backoff * (2 ** (attempt - 1)))
                    continue
                raise AuthentikError(self.scrub(
                    "%s %s: cannot reach authentik at %s after %d attempt(s): %s"
                    % (method, display, self.base, attempt + 1, _short_exc(exc))), method, display, sent=sent)
            if resp.status_code in RETRY_STATUSES and idempotent and attempt < retries:
                attempt += 1
                wait = _retry_after(resp.headers.get("Retry-After"))
                if wait is None:
                    wait = self.backoff * (2 ** (attempt - 1))
                self._sleep(min(wait, MAX_RETRY_AFTER))
                continue
            return self._decode(resp, method, display)

    def _decode(self, resp, method, display):
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
            msg += "; authentik failed on this request: its server log says why (its database may be unreachable)"
        if status == 403 and isinstance(data, dict) and "permission" in str(data.get("detail", "")):
            permission = required_permission(method, display)
            if permission:
                msg += " (the token's user needs the permission %s, globally or on this object)" % permission
        raise AuthentikError(self.scrub("%s %s: HTTP %d: %s" % (method, where, status, msg)), method, display, status,
                             data if data is not None else None,
                             retry_after=_retry_after(resp.headers.get("Retry-After")) if status in RETRY_STATUSES else None)

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
