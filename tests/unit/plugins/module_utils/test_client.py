# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the HTTP client against a scripted loopback server: URL handling, pagination,
retries (which methods, which statuses, Retry-After), error mapping, keep-alive, token hygiene."""

from __future__ import (absolute_import, division, print_function)
from __future__ import annotations

# boilerplate that ansible-test sanity of ansible-core 2.16 requires in these files
__metaclass__ = type

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from ansible_collections.authentik.api.plugins.module_utils._client import (
    AuthentikClient,
    AuthentikError,
    _retry_after,
    normalize_url,
)

TOKEN = "unit-secret-token-value"


class Script:
    """Answers queued per request; records what was asked."""

    def __init__(self):
        self.answers = []
        self.seen = []
        self.connections = 0
        self.lock = threading.Lock()

    def push(self, status=200, body=None, headers=None, raw=None, drop=False):
        self.answers.append(dict(status=status, body=body, headers=headers or {}, raw=raw, drop=drop))


def _handler(script):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self):
            super().setup()
            with script.lock:
                script.connections += 1

        def log_message(self, *args):  # quiet
            pass

        def _answer(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            with script.lock:
                script.seen.append(dict(method=self.command, path=self.path, body=body.decode() or None,
                                        auth=self.headers.get("Authorization")))
                answer = script.answers.pop(0) if script.answers else dict(status=200, body={}, headers={}, raw=None, drop=False)
            if answer["drop"]:
                self.close_connection = True
                self.connection.close()
                return
            if answer["raw"] is not None:
                payload = answer["raw"].encode()
                ctype = "text/html"
            else:
                payload = b"" if answer["status"] == 204 else json.dumps(answer["body"]).encode()
                ctype = "application/json"
            self.send_response(answer["status"])
            for key, value in answer["headers"].items():
                self.send_header(key, value)
            if payload:
                self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _answer

    return Handler


@pytest.fixture
def server():
    script = Script()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(script))
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    script.url = "http://127.0.0.1:%d" % httpd.server_address[1]
    yield script
    httpd.shutdown()
    httpd.server_close()


class FakeClock:
    """A clock that moves only when the client sleeps: no real waiting, every wait recorded."""

    def __init__(self):
        self.now = 1000.0
        self.sleeps = []

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


def fake_time(cl, jitter=0.0):
    fake = FakeClock()
    cl.clock, cl.sleep, cl.jitter, cl.sleeps = fake.clock, fake.sleep, (lambda: jitter), fake.sleeps
    return cl


def client(script, url=None, jitter=0.0, **kwargs):
    kwargs.setdefault("retries", 3)
    return fake_time(AuthentikClient(url or script.url, TOKEN, **kwargs), jitter)


@pytest.mark.parametrize("given, expected", [
    ("https://ak.example.com", "https://ak.example.com/api/v3/"),
    ("https://ak.example.com/", "https://ak.example.com/api/v3/"),
    ("https://ak.example.com/api/v3", "https://ak.example.com/api/v3/"),
    ("https://ak.example.com/api/v3/", "https://ak.example.com/api/v3/"),
    ("http://127.0.0.1:9000", "http://127.0.0.1:9000/api/v3/"),
    ("https://example.com/auth", "https://example.com/auth/api/v3/"),
    ("https://example.com/auth/api/v3//", "https://example.com/auth/api/v3/"),
    (" https://ak.example.com ", "https://ak.example.com/api/v3/"),
])
def test_normalize_url_accepts_base_and_api_forms(given, expected):
    assert normalize_url(given) == expected


@pytest.mark.parametrize("given, fragment", [
    ("ak.example.com", "is not an http(s) URL"),
    ("ftp://ak.example.com", "is not an http(s) URL"),
    ("https://", "is not an http(s) URL"),
    ("", "no authentik URL given"),
    (None, "no authentik URL given"),
    ("https://ak.example.com/?x=1", "must not contain a query"),
])
def test_normalize_url_rejects_with_option_name(given, fragment):
    with pytest.raises(AuthentikError) as exc:
        normalize_url(given)
    assert exc.value.msg.startswith("url: ")
    assert fragment in exc.value.msg
    assert "\n" not in exc.value.msg


def test_missing_token_is_refused_before_any_request(server):
    with pytest.raises(AuthentikError) as exc:
        AuthentikClient(server.url, "")
    assert exc.value.msg.startswith("token: ")
    assert server.seen == []


def test_bearer_json_and_keep_alive(server):
    server.push(200, {"a": 1})
    server.push(200, {"b": 2})
    cl = client(server)
    assert cl.get("core/tokens/x/") == {"a": 1}
    assert cl.request("PATCH", "core/tokens/x/", body={"description": "d"}) == {"b": 2}
    assert server.seen[0]["auth"] == "Bearer " + TOKEN
    assert server.seen[0]["path"] == "/api/v3/core/tokens/x/"
    assert json.loads(server.seen[1]["body"]) == {"description": "d"}
    assert server.connections == 1, "both requests must share one kept-alive connection"


def test_item_path_quotes_the_key():
    assert AuthentikClient.item_path("core/tokens/", "a b/c") == "core/tokens/a%20b%2Fc/"


def _page(results, nxt, count=250):
    return {"pagination": {"next": nxt, "previous": 0, "count": count, "current": 1, "total_pages": 3,
                           "start_index": 1, "end_index": len(results)},
            "results": results, "autocomplete": {}}


def test_pagination_follows_page_numbers_until_next_is_zero(server):
    server.push(200, _page([1, 2], 2))
    server.push(200, _page([3, 4], 3))
    server.push(200, _page([5], 0))
    cl = client(server)
    assert cl.list("rac/connection_tokens/", {"provider": 4}) == [1, 2, 3, 4, 5]
    paths = [s["path"] for s in server.seen]
    assert paths[0].startswith("/api/v3/rac/connection_tokens/?")
    assert "page=1" in paths[0] and "page=2" in paths[1] and "page=3" in paths[2]
    assert all("page_size=100" in p and "provider=4" in p for p in paths)


def test_pagination_stops_on_a_next_that_does_not_advance(server):
    server.push(200, _page([1], 1))
    assert client(server).list("x/") == [1]
    assert len(server.seen) == 1


def test_pagination_rejects_a_non_list_answer(server):
    server.push(200, {"detail": "weird"})
    with pytest.raises(AuthentikError) as exc:
        client(server).list("x/")
    assert "not an authentik list" in exc.value.msg


@pytest.mark.parametrize("status", [429, 502, 503, 504])
def test_idempotent_requests_retry_on_transient_status(server, status):
    server.push(status, {"detail": "busy"})
    server.push(status, {"detail": "busy"})
    server.push(200, {"ok": True})
    cl = client(server)
    assert cl.get("x/") == {"ok": True}
    assert len(server.seen) == 3
    assert cl.sleeps == [0.5, 1.0]


def test_retry_after_is_honoured_within_the_budget_only(server):
    server.push(429, {"detail": "slow down"}, headers={"Retry-After": "7"})
    server.push(503, {"detail": "Service Unavailable"}, headers={"Retry-After": "3600"})
    server.push(200, {})
    cl = client(server)
    with pytest.raises(AuthentikError) as exc:
        cl.get("x/")
    assert cl.sleeps == [7.0] and len(server.seen) == 2
    assert exc.value.msg == ("GET /api/v3/x/: HTTP 503: Service Unavailable; the server asked to retry after 3600 s, "
                             "more than the 53 s left of retry_timeout")


@pytest.mark.parametrize("retry_timeout, sleeps", [
    (30, [0.5, 1.0, 2.0, 4.0, 5.0, 5.0, 5.0, 5.0, 2.5]),  # the default: backoff capped at 5 s, the last wait cut
    (10, [0.5, 1.0, 2.0, 4.0, 2.5]),
    (0, []),
])
def test_without_retries_the_time_budget_bounds_the_retries(server, retry_timeout, sleeps):
    for dummy in range(20):
        server.push(503, {"detail": "Service Unavailable"})
    cl = client(server, retries=None, retry_timeout=retry_timeout)
    with pytest.raises(AuthentikError) as exc:
        cl.get("x/")
    assert exc.value.status == 503 and exc.value.transient
    assert cl.sleeps == sleeps and sum(sleeps) == retry_timeout
    assert len(server.seen) == len(sleeps) + 1


def test_the_default_is_a_30_second_budget_without_a_count():
    cl = AuthentikClient("http://127.0.0.1:9", TOKEN)
    assert (cl.retries, cl.retry_timeout) == (None, 60.0)


def test_retries_bound_the_count_within_the_budget(server):
    for dummy in range(5):
        server.push(502, {"detail": "Bad Gateway"})
    cl = client(server, retries=2, retry_timeout=30)
    with pytest.raises(AuthentikError):
        cl.get("x/")
    assert len(server.seen) == 3 and cl.sleeps == [0.5, 1.0]


def test_jitter_takes_up_to_half_of_each_wait(server):
    for dummy in range(4):
        server.push(504, {"detail": "Gateway Timeout"})
    cl = client(server, retries=3, jitter=0.5)
    with pytest.raises(AuthentikError):
        cl.get("x/")
    assert cl.sleeps == [0.375, 0.75, 1.5]


def test_refused_connection_is_retried_until_the_budget_is_spent():
    cl = fake_time(AuthentikClient("http://127.0.0.1:9", TOKEN, retry_timeout=3, timeout=2))
    with pytest.raises(AuthentikError) as exc:
        cl.get("core/tokens/")
    assert cl.sleeps == [0.5, 1.0, 1.5]
    assert "after 4 attempt(s) in 3 s: " in exc.value.msg and "refused" in exc.value.msg.lower()
    assert exc.value.transient and not exc.value.sent


def test_dns_failure_fails_at_once_without_retries():
    cl = fake_time(AuthentikClient("http://i17-no-such-host.invalid", TOKEN, retries=5))
    with pytest.raises(AuthentikError) as exc:
        cl.get("core/tokens/")
    assert cl.sleeps == []
    assert exc.value.msg.startswith("GET /api/v3/core/tokens/: cannot resolve the host of http://i17-no-such-host.invalid/api/v3/")
    assert "check url" in exc.value.msg and "\n" not in exc.value.msg


@pytest.mark.parametrize("status", [400, 401, 403, 404, 405, 409, 422])
def test_client_errors_other_than_429_fail_at_once(server, status):
    server.push(status, {"detail": "no"})
    server.push(200, {})
    cl = client(server, retries=None)
    with pytest.raises(AuthentikError) as exc:
        cl.get("x/")
    assert exc.value.status == status and not exc.value.transient
    assert len(server.seen) == 1 and cl.sleeps == []


ERROR_PAGE = "<html><body><h1>Server Error</h1>Powered by authentik</body></html>"


@pytest.mark.parametrize("ready, requests_seen", [(503, 7), (500, 7), (200, 2), (404, 2)])
def test_html_500_is_retried_only_while_authentik_is_not_ready(server, ready, requests_seen):
    """PostgreSQL down: authentik answers 500 with its HTML page and /-/health/ready/ answers 503. Any other 500
    (a bug) fails at once: one request and one readiness probe."""
    server.push(500, raw=ERROR_PAGE)
    for dummy in range(2):
        server.push(ready, {})
        server.push(500, raw=ERROR_PAGE)
    server.push(ready, {})
    server.push(200, {"ok": 1})
    cl = client(server, retries=None)
    if ready < 500:
        with pytest.raises(AuthentikError) as exc:
            cl.get("x/")
        assert exc.value.status == 500 and not exc.value.transient
        assert "its server log says why" in exc.value.msg
    else:
        assert cl.get("x/") == {"ok": 1}
        assert cl.sleeps == [0.5, 1.0, 2.0]
    assert len(server.seen) == requests_seen
    assert [r["path"] for r in server.seen[1::2]] == ["/-/health/ready/"] * (requests_seen // 2)


def test_json_500_is_not_retried_and_not_probed(server):
    server.push(500, {"detail": "boom"})
    cl = client(server, retries=None)
    with pytest.raises(AuthentikError):
        cl.get("x/")
    assert len(server.seen) == 1 and cl.sleeps == []


def test_post_meeting_an_outage_is_marked_transient_for_the_engine(server):
    server.push(500, raw=ERROR_PAGE)
    server.push(503, {})
    with pytest.raises(AuthentikError) as exc:
        client(server).request("POST", "core/tokens/", body={"identifier": "x"})
    assert exc.value.transient and exc.value.status == 500
    assert "authentik reports itself not ready (its database is unreachable)" in exc.value.msg
    assert [r["method"] for r in server.seen] == ["POST", "GET"]


def test_retry_after_http_date():
    assert _retry_after("Wed, 21 Oct 2015 07:28:10 GMT", now=1445412480.0) == pytest.approx(10.0)
    assert _retry_after("garbage") is None
    assert _retry_after(None) is None


def test_retries_are_bounded_and_the_last_error_is_reported(server):
    for dummy in range(3):
        server.push(503, {"detail": "Service Unavailable"})
    cl = client(server, retries=2)
    with pytest.raises(AuthentikError) as exc:
        cl.get("core/tokens/x/")
    assert len(server.seen) == 3
    assert exc.value.status == 503
    assert exc.value.msg == "GET /api/v3/core/tokens/x/: HTTP 503: Service Unavailable"


def test_post_is_never_retried(server):
    server.push(503, {"detail": "Service Unavailable"})
    server.push(201, {"pk": 1})
    with pytest.raises(AuthentikError) as exc:
        client(server).request("POST", "core/tokens/", body={"identifier": "x"})
    assert exc.value.status == 503
    assert len(server.seen) == 1


def test_post_can_be_declared_idempotent(server):
    server.push(502, {"detail": "Bad Gateway"})
    server.push(204)
    assert client(server).request("POST", "core/tokens/x/set_key/", body={"key": "k"}, idempotent=True) is None
    assert len(server.seen) == 2


def test_dropped_connection_is_retried_for_get_only(server):
    server.push(drop=True)
    server.push(200, {"ok": 1})
    assert client(server).get("x/") == {"ok": 1}
    server.push(drop=True)
    with pytest.raises(AuthentikError) as exc:
        client(server).request("POST", "x/", body={})
    assert exc.value.status is None and exc.value.method == "POST"
    assert "cannot reach authentik" in exc.value.msg


def test_unreachable_server_fails_after_retries_with_one_line():
    cl = fake_time(AuthentikClient("http://127.0.0.1:9", TOKEN, retries=2, timeout=2))
    with pytest.raises(AuthentikError) as exc:
        cl.get("core/tokens/")
    assert "after 3 attempt(s)" in exc.value.msg
    assert "\n" not in exc.value.msg
    assert TOKEN not in exc.value.msg


def test_field_errors_are_summarised_and_kept(server):
    server.push(400, {"identifier": ["Token with this identifier already exists."], "intent": ["Invalid intent x"]})
    with pytest.raises(AuthentikError) as exc:
        client(server).request("POST", "core/tokens/", body={})
    err = exc.value
    assert err.status == 400
    assert err.msg == ("POST /api/v3/core/tokens/: HTTP 400: identifier: Token with this identifier already exists., "
                       "intent: Invalid intent x")
    assert err.field_messages("identifier") == ["Token with this identifier already exists."]
    assert err.field_messages("user") == []
    assert err.result() == {"method": "POST", "path": "/api/v3/core/tokens/", "status": 400, "detail": err.detail}


TOKEN_HINT = ("check the token option or AUTHENTIK_TOKEN: authentik accepts only the key of an existing, unexpired token "
              "with intent api, not an app password")


def test_detail_errors_and_403(server):
    server.push(403, {"detail": "Token invalid/expired"})
    with pytest.raises(AuthentikError) as exc:
        client(server).get("core/tokens/")
    assert exc.value.msg == "GET /api/v3/core/tokens/: HTTP 403: Token invalid/expired (%s)" % TOKEN_HINT
    assert exc.value.status == 403 and exc.value.detail == {"detail": "Token invalid/expired"}


@pytest.mark.parametrize("status, detail, hint", [
    (403, "Token invalid/expired", TOKEN_HINT),
    (403, "Authentication credentials were not provided.",
     "check the token option or AUTHENTIK_TOKEN: authentik saw no token in the request; a proxy in front of it may "
     "drop the Authorization header"),
    (401, "Invalid token.", TOKEN_HINT),
    (401, "Unauthorized", "check the token option or AUTHENTIK_TOKEN, and that url points at authentik itself"),
], ids=["invalid-or-expired", "not-provided", "401-invalid", "401-other"])
def test_refused_token_names_the_option_and_variable_never_the_token(server, status, detail, hint):
    server.push(status, {"detail": detail})
    with pytest.raises(AuthentikError) as exc:
        client(server).request("POST", "providers/rac/", body={"name": "x"}, retries=0)
    assert exc.value.msg == "POST /api/v3/providers/rac/: HTTP %d: %s (%s)" % (status, detail, hint)
    assert "token option" in exc.value.msg and "AUTHENTIK_TOKEN" in exc.value.msg
    assert TOKEN not in exc.value.msg and "permission" not in exc.value.msg
    assert len(server.seen) == 1 and not exc.value.transient


def test_permission_denied_is_not_blamed_on_the_token(server):
    server.push(403, {"detail": "You do not have permission to perform this action."})
    with pytest.raises(AuthentikError) as exc:
        client(server).get("events/events/")  # a path whose permission the client does not know
    assert exc.value.msg == ("GET /api/v3/events/events/: HTTP 403: You do not have permission to perform this action. "
                             "(the token is valid but its user lacks a permission this request needs; the module's "
                             "notes list them)")
    assert "AUTHENTIK_TOKEN" not in exc.value.msg


def test_other_403_gets_no_hint(server):
    server.push(403, {"detail": "CSRF Failed: CSRF token missing."})
    with pytest.raises(AuthentikError) as exc:
        client(server).get("core/tokens/")
    assert exc.value.msg == "GET /api/v3/core/tokens/: HTTP 403: CSRF Failed: CSRF token missing."


@pytest.mark.parametrize("method, path, permission", [
    ("GET", "providers/rac/", "authentik_providers_rac.view_racprovider"),
    ("POST", "providers/rac/", "authentik_providers_rac.add_racprovider"),
    ("PATCH", "core/tokens/ci/", "authentik_core.change_token and authentik_core.view_token"),
    ("GET", "core/tokens/ci/view_key/", "authentik_core.view_token_key"),
    ("POST", "core/tokens/ci/set_key/", "authentik_core.set_token_key"),
    ("DELETE", "rac/connection_tokens/0b0e/",
     "authentik_providers_rac.delete_connectiontoken and authentik_providers_rac.view_connectiontoken"),
    ("PUT", "rac/endpoints/0b0e/", "authentik_providers_rac.change_endpoint and authentik_providers_rac.view_endpoint"),
    ("GET", "propertymappings/provider/rac/", "authentik_providers_rac.view_racpropertymapping"),
])
def test_permission_denied_names_the_permission_the_request_needs(server, method, path, permission):
    server.push(403, {"detail": "You do not have permission to perform this action."})
    with pytest.raises(AuthentikError) as exc:
        client(server).request(method, path, body={} if method in ("POST", "PUT", "PATCH") else None, retries=0)
    assert exc.value.msg == ("%s /api/v3/%s: HTTP 403: You do not have permission to perform this action. (the token's "
                             "user needs the permission%s %s, globally or on this object)"
                             % (method, path, "s" if " and " in permission else "", permission))
    assert "AUTHENTIK_TOKEN" not in exc.value.msg


def test_405_to_a_request_with_a_known_permission_names_it(server):
    # authentik 2025.12.4 answers a DELETE of a connection token without delete_connectiontoken with 405, not 403
    server.push(405, {"detail": 'Method "DELETE" not allowed.'})
    with pytest.raises(AuthentikError) as exc:
        client(server).request("DELETE", "rac/connection_tokens/0b0e/", retries=0)
    assert exc.value.msg == ('DELETE /api/v3/rac/connection_tokens/0b0e/: HTTP 405: Method "DELETE" not allowed. (authentik '
                             "2025.12.4 answers 405 here also when the token's user lacks the permissions "
                             "authentik_providers_rac.delete_connectiontoken and authentik_providers_rac.view_connectiontoken)")
    assert exc.value.status == 405 and len(server.seen) == 1
    server.push(405, {"detail": 'Method "PATCH" not allowed.'})
    with pytest.raises(AuthentikError) as exc:
        client(server).request("PATCH", "x/1/", body={}, retries=0)
    assert exc.value.msg == 'PATCH /api/v3/x/1/: HTTP 405: Method "PATCH" not allowed.'


def test_405_without_body_to_a_delete_is_a_server_failure_retried(server):
    # authentik 2025.12.4 answers a request other than GET that fails inside it with 405 and no body
    server.push(405, raw="")
    server.push(204)
    cl = client(server)
    cl.request("DELETE", "outposts/instances/0b0e/")
    assert len(server.seen) == 2 and cl.sleeps == [0.5]
    server.push(405, raw="")
    with pytest.raises(AuthentikError) as exc:
        client(server).request("DELETE", "outposts/instances/0b0e/", retries=0)
    assert exc.value.msg.startswith("DELETE /api/v3/outposts/instances/0b0e/: HTTP 405: ")
    assert "authentik failed on this request (authentik 2025.12.4 answers 405 to a failed request other than GET)" in exc.value.msg
    server.push(405, raw="")
    server.push(200, {})  # /-/health/ready/: authentik is ready, so the 405 is a failure of this request
    with pytest.raises(AuthentikError) as exc:
        client(server).request("POST", "outposts/instances/", body={})
    assert not exc.value.transient
    assert len(server.seen) == 5 and server.seen[-1]["path"] == "/-/health/ready/"  # a POST is never sent twice


@pytest.mark.parametrize("method", ["POST", "PATCH"])
def test_405_without_body_to_a_write_while_authentik_is_not_ready_is_transient(server, method):
    """PostgreSQL down during a write: the error page answers 405 (it takes only GET) and /-/health/ready/ 503. The
    failure is transient: a PATCH is retried; a POST is not sent again here, but the engine's create re-reads on a
    transient failure and then sends it again (see _engine._create)."""
    server.push(405, raw="")
    server.push(503, {})
    server.push(200, {"ok": 1})
    cl = client(server, retries=1)
    if method == "PATCH":
        assert cl.request(method, "outposts/instances/0b0e/", body={}, idempotent=True) == {"ok": 1}  # as the engine sends it
        assert len(server.seen) == 3 and cl.sleeps == [0.5]
    else:
        with pytest.raises(AuthentikError) as exc:
            cl.request(method, "outposts/instances/", body={})
        assert exc.value.transient and len(server.seen) == 2


def test_html_error_page_is_one_readable_line(server):
    server.push(502, raw="<html><head><title>502 Bad Gateway</title></head>\n<body><h1>Bad Gateway</h1></body></html>")
    with pytest.raises(AuthentikError) as exc:
        client(server, retries=0).get("x/")
    assert exc.value.msg == "GET /api/v3/x/: HTTP 502: non-JSON answer (text/html): 502 Bad Gateway Bad Gateway"


def test_authentik_error_page_is_its_words_without_scripts(server):
    page = ("<!DOCTYPE html><html><head><script>window.authentik = { locale: 'en-us' };</script>"
            "<style>:root { --ak: url(''); }</style></head><body><h1>Server Error</h1><a href='/'>Go home</a>"
            "<script type='module'>load();</script></body></html>")
    server.push(500, raw=page)
    with pytest.raises(AuthentikError) as exc:
        client(server).get("core/tokens/")
    assert exc.value.msg == ("GET /api/v3/core/tokens/: HTTP 500: non-JSON answer (text/html): Server Error Go home; authentik "
                             "failed on this request: its server log says why")


def test_success_that_is_not_json_names_the_url(server):
    server.push(200, raw="<html>login page</html>")
    with pytest.raises(AuthentikError) as exc:
        client(server).get("x/")
    assert "the answer is not JSON" in exc.value.msg and "is url pointing at authentik" in exc.value.msg


def test_404_page_names_the_full_url_and_hints_at_url(server):
    """A wrong path prefix in url: Django's generic 404 page, not authentik's JSON. The message names the URL
    requested, prefix included, and says to check url."""
    server.push(404, raw="<h1>Not Found</h1><p>The requested resource was not found on this server.</p>")
    cl = AuthentikClient(server.url + "/wrong", TOKEN, retries=0)
    with pytest.raises(AuthentikError) as exc:
        cl.get("core/tokens/")
    assert exc.value.status == 404 and exc.value.path == "/api/v3/core/tokens/"
    assert exc.value.msg == (
        "GET %s/wrong/api/v3/core/tokens/: HTTP 404: non-JSON answer (text/html): Not Found The requested resource was "
        "not found on this server.; check url: no authentik API answers under %s/wrong (give authentik's base URL, "
        "with its path prefix if it is served under one)" % (server.url, server.url))
    assert server.seen[0]["path"] == "/wrong/api/v3/core/tokens/"


def test_404_of_an_object_names_the_full_url_without_the_hint(server):
    """authentik's own JSON 404 (no such object): the URL, the server's words, no "check url"."""
    server.push(404, {"detail": "No Token matches the given query."})
    with pytest.raises(AuthentikError) as exc:
        client(server).request("DELETE", "core/tokens/gone/")
    assert exc.value.msg == "DELETE %s/api/v3/core/tokens/gone/: HTTP 404: No Token matches the given query." % server.url
    assert exc.value.detail == {"detail": "No Token matches the given query."}


def test_https_url_on_a_plain_http_server_is_named(server):
    """https:// against a server without TLS: OpenSSL's wrong version number / record layer failure is named as a
    plain-HTTP answer with the http:// hint, not as a certificate problem (validate_certs would not help)."""
    url = server.url.replace("http://", "https://")
    for validate_certs in (True, False):
        cl = AuthentikClient(url, TOKEN, retries=0, validate_certs=validate_certs)
        with pytest.raises(AuthentikError) as exc:
            cl.get("core/tokens/")
        msg = exc.value.msg
        assert msg.startswith("GET /api/v3/core/tokens/: %s/api/v3/ answered in plain HTTP, not TLS (" % url), msg
        assert msg.endswith("); use http:// in url if the server has no TLS (validate_certs and ca_path do not apply)"), msg
        assert "validate_certs: false" not in msg and exc.value.sent is False


def test_get_or_none_maps_404_to_none_only(server):
    server.push(404, {"detail": "No Token matches the given query."})
    server.push(403, {"detail": "You do not have permission to perform this action."})
    cl = client(server)
    assert cl.get_or_none("core/tokens/x/") is None
    with pytest.raises(AuthentikError):
        cl.get_or_none("core/tokens/x/")


def test_redirect_is_an_error_not_followed(server):
    server.push(301, {}, headers={"Location": "https://elsewhere/api/v3/x/"})
    with pytest.raises(AuthentikError) as exc:
        client(server).get("x/")
    assert "redirected to https://elsewhere/api/v3/x/" in exc.value.msg
    assert len(server.seen) == 1


def test_check_mode_client_refuses_writes(server):
    cl = client(server, check_mode=True)
    for method in ("POST", "PATCH", "PUT", "DELETE"):
        with pytest.raises(AuthentikError) as exc:
            cl.request(method, "core/tokens/x/", body={})
        assert "check mode" in exc.value.msg
    assert server.seen == []


def test_token_is_scrubbed_from_messages(server):
    server.push(400, {"detail": "token %s is bad" % TOKEN})
    with pytest.raises(AuthentikError) as exc:
        client(server).request("POST", "x/", body={})
    assert TOKEN not in exc.value.msg
    assert "********" in exc.value.msg
