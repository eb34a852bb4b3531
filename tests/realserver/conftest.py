# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tests against the real authentik test server that ``make test-real`` builds and starts
(scripts/real-server-gate.sh exports AUTHENTIK_TEST_URL, AUTHENTIK_TEST_TOKEN and AUTHENTIK_TEST_SERVER, the
control script). They restart and stop parts of that server, so they never run against any other server.

Fixtures: ``server`` (a ``RealServer``) and ``playbook`` (a PlaybookRunner against it)."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from urllib.parse import urlsplit

import pytest
import requests

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(REPO, "tests", "system"))

from playbooks import PlaybookRunner, make_collections_path  # noqa: E402  pylint: disable=wrong-import-position


class RealServer:
    """The test server: its API (as the admin) and its control script (stop/start parts, ORM actions)."""

    def __init__(self, url, token, ctl):
        self.url = url.rstrip("/")
        self.token = token
        self.ctl = ctl
        self.session = requests.Session()
        self.session.headers["Authorization"] = "Bearer " + token
        # A new connection for every request: the tests call the API between plays that take seconds, and a kept-alive
        # connection that authentik closes (after 2 s idle) just as a request goes out fails it (RemoteDisconnected).
        self.session.headers["Connection"] = "close"

    def api(self, method, path, body=None, token=None, **params):
        headers = {"Authorization": "Bearer " + token} if token else None
        resp = self.session.request(method, "%s/api/v3/%s" % (self.url, path), json=body, params=params or None,
                                    headers=headers, timeout=60)
        return resp.status_code, (resp.json() if resp.content and "json" in resp.headers.get("Content-Type", "") else None)

    def ok(self, method, path, body=None, **params):
        status, data = self.api(method, path, body, **params)
        assert 200 <= status < 300, "%s %s: HTTP %s %s" % (method, path, status, data)
        return data

    def listing(self, path, **params):
        out, page = [], 1
        while page:
            data = self.ok("GET", path, page=page, page_size=100, **params)
            out += data["results"]
            page = data["pagination"]["next"]
        return out

    def remove_prefixed(self, prefix, group=None):
        """Delete what a test made under names starting with ``prefix`` (applications, outposts, RAC providers with
        their endpoints, RAC property mappings, tokens, groups, users, roles), and the group whose pk is ``group``."""
        for app in self.listing("core/applications/", search=prefix, superuser_full_list="true"):
            self.api("DELETE", "core/applications/%s/" % app["slug"])
        for path in ("outposts/instances/", "providers/rac/", "propertymappings/provider/rac/"):
            for item in self.listing(path, search=prefix):
                self.api("DELETE", "%s%s/" % (path, item["pk"]))
        for token in self.listing("core/tokens/", search=prefix):
            self.api("DELETE", "core/tokens/%s/" % token["identifier"])
        if group:
            self.api("DELETE", "core/groups/%s/" % group)
        for path, name, params in (("core/groups/", "name", {"include_users": "false"}), ("core/users/", "username", {}),
                                   ("rbac/roles/", "name", {})):
            for item in self.listing(path, search=prefix, **params):
                if item[name].startswith(prefix):  # search also matches inside names (and e-mail addresses)
                    self.api("DELETE", "%s%s/" % (path, item["pk"]))

    def control(self, *args):
        proc = subprocess.run([self.ctl] + list(args), capture_output=True, text=True, timeout=600, check=False)
        assert proc.returncode == 0, "%s %s failed: %s" % (self.ctl, " ".join(args), proc.stderr[-2000:])
        return proc.stdout

    def wait_ready(self, timeout=120):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if requests.get(self.url + "/-/health/ready/", timeout=5).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.5)
        raise AssertionError("%s is not ready after %s s" % (self.url, timeout))


class CountingProxy:
    """A TCP relay in front of the server that counts the HTTP requests the modules send through it (authentik
    does not log requests). While the server is down, each connection it cannot pass on is counted and closed
    at once, which the client sees as a dropped connection, as behind a TCP load balancer."""

    REQUEST_LINE = re.compile(rb"(?:^|\r\n)(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS) /\S* HTTP/1\.[01]\r\n")

    def __init__(self, target, hold_posts=0.0):
        parts = urlsplit(target)
        self.backend = (parts.hostname, parts.port or 80)
        self.lock = threading.Lock()
        self.requests = 0
        self.refused = 0
        self.methods = {}  # method -> requests
        # Seconds each POST is held before it is passed on: the forks of a play all look an object up and find nothing
        # before the first create lands, so that their creates really race inside authentik. Keep it under the 2 s
        # for which authentik keeps an idle connection open (gunicorn's keepalive), or the held POST meets a closed one.
        self.hold_posts = hold_posts
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = "http://127.0.0.1:%d" % self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def counts(self):
        with self.lock:
            return self.requests, self.refused

    def _accept(self):
        while True:
            try:
                client, dummy = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._relay, args=(client,), daemon=True).start()

    def _relay(self, client):
        try:
            backend = socket.create_connection(self.backend, timeout=5)
        except OSError:
            with self.lock:
                self.refused += 1
            client.close()
            return
        backend.settimeout(None)
        threading.Thread(target=self._pump, args=(backend, client, False), daemon=True).start()
        self._pump(client, backend, True)

    def _pump(self, src, dst, count):
        tail = b""
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                if count:
                    methods = self.REQUEST_LINE.findall(tail + data)[len(self.REQUEST_LINE.findall(tail)):]
                    with self.lock:
                        self.requests += len(methods)
                        for method in methods:
                            self.methods[method.decode()] = self.methods.get(method.decode(), 0) + 1
                    tail = (tail + data)[-200:]
                    if self.hold_posts and any(method.startswith(b"POST") for method in methods):
                        time.sleep(self.hold_posts)
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (src, dst):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                sock.close()

    def close(self):
        self.listener.close()


@pytest.fixture(scope="session")
def server():
    url, token, ctl = (os.environ.get(name) for name in ("AUTHENTIK_TEST_URL", "AUTHENTIK_TEST_TOKEN", "AUTHENTIK_TEST_SERVER"))
    if not (url and token and ctl):
        pytest.skip("needs the real test server that `make test-real` starts (AUTHENTIK_TEST_URL/_TOKEN/_SERVER unset)")
    srv = RealServer(url, token, ctl)
    srv.wait_ready()
    yield srv
    srv.control("start")  # whatever a test stopped runs again


@pytest.fixture(scope="session")
def collections_path():
    root = make_collections_path()
    yield root
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def playbook(server, collections_path, tmp_path):
    return PlaybookRunner(server.url, server.token, collections_path, str(tmp_path))


@pytest.fixture
def proxy(server):
    """A CountingProxy in front of the server; pass ``proxy.url`` as AUTHENTIK_URL to count a play's requests."""
    relay = CountingProxy(server.url)
    yield relay
    relay.close()
