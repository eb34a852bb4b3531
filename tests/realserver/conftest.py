# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tests against the real authentik test server that ``make test-real`` builds and starts
(scripts/real-server-gate.sh exports AUTHENTIK_TEST_URL, AUTHENTIK_TEST_TOKEN and AUTHENTIK_TEST_SERVER, the
control script). They restart and stop parts of that server, so they never run against any other server.

Fixtures: ``server`` (a ``RealServer``) and ``playbook`` (a PlaybookRunner against it)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time

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
