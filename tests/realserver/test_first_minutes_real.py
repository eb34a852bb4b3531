# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The first five minutes on the real authentik 2025.12.4 (tests/system/test_first_minutes.py does the same on the
simulator): a wrong token fails every module with one line that names the ``token`` option and ``AUTHENTIK_TOKEN``
and never contains the token (from the option, in-process; from the environment, normal module execution); an app
password's key is refused the same way; a valid API token whose user has no permission gets the
permission named instead.

Needs only AUTHENTIK_TEST_URL/AUTHENTIK_TEST_TOKEN (it stops nothing, so it runs without AUTHENTIK_TEST_SERVER)."""

from __future__ import annotations

import os
import shutil
import sys
import uuid

import pytest
import requests

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "system"))

from playbooks import PlaybookRunner, make_collections_path  # noqa: E402  pylint: disable=wrong-import-position
from test_first_minutes import (  # noqa: E402  pylint: disable=wrong-import-position
    MODULE_TASKS, TOKEN_HINT, WRONG_TOKEN, failures, wrong_token_play)


class Admin:
    """The admin API of the test server (for the setup of the permission case and its cleanup)."""

    def __init__(self, url, token):
        self.url = url.rstrip("/")
        self.session = requests.Session()
        self.session.headers["Authorization"] = "Bearer " + token

    def ok(self, method, path, body=None):
        resp = self.session.request(method, "%s/api/v3/%s" % (self.url, path), json=body, timeout=60)
        assert 200 <= resp.status_code < 300, "%s %s: HTTP %s %s" % (method, path, resp.status_code, resp.text[:500])
        return resp.json() if resp.content else None


@pytest.fixture(scope="module")
def admin():
    url, token = os.environ.get("AUTHENTIK_TEST_URL"), os.environ.get("AUTHENTIK_TEST_TOKEN")
    if not (url and token):
        pytest.skip("needs the real test server (AUTHENTIK_TEST_URL/AUTHENTIK_TEST_TOKEN unset)")
    return Admin(url, token)


@pytest.fixture(scope="module")
def collections():
    root = make_collections_path()
    yield root
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def real_playbook(admin, collections, tmp_path):
    return PlaybookRunner(admin.url, os.environ["AUTHENTIK_TEST_TOKEN"], collections, str(tmp_path))


@pytest.fixture
def no_permission_user(admin):
    """A user without any permission, its API token and an app password; (api key, app password key). Deleted after."""
    name = "first-minutes-%s" % uuid.uuid4().hex[:8]
    user = admin.ok("POST", "core/users/", {"username": name, "name": name, "path": "users"})
    keys = {}
    try:
        for intent in ("api", "app_password"):
            identifier = "%s-%s" % (name, intent.replace("_", "-"))
            admin.ok("POST", "core/tokens/", {"identifier": identifier, "intent": intent, "user": user["pk"],
                                              "expiring": False})
            keys[intent] = admin.ok("GET", "core/tokens/%s/view_key/" % identifier)["key"]
        yield keys["api"], keys["app_password"]
    finally:
        admin.ok("DELETE", "core/users/%s/" % user["pk"])  # its tokens go with it


@pytest.mark.parametrize("given, mode", [("option", "in-process"), ("environment", "normal")],
                         ids=["token-option-in-process", "AUTHENTIK_TOKEN-normal"])
def test_wrong_token_names_the_option_and_the_variable(real_playbook, mode, given):
    env = {"AUTHENTIK_API_IN_PROCESS": "true" if mode == "in-process" else "false"}
    if given == "environment":
        env["AUTHENTIK_TOKEN"] = WRONG_TOKEN
    run = real_playbook(wrong_token_play(sorted(MODULE_TASKS), WRONG_TOKEN if given == "option" else None), env=env)
    assert run.rc == 0, run.output[-3000:]  # ignore_errors
    results = failures(run)
    assert len(results) == len(MODULE_TASKS), run.output[-3000:]
    for result in results:
        msg = result["msg"]
        assert msg.startswith("GET /api/v3/") and ": HTTP 403: Token invalid/expired " in msg, msg
        assert msg.endswith(TOKEN_HINT), msg
        assert "token option" in msg and "AUTHENTIK_TOKEN" in msg and "\n" not in msg
    assert WRONG_TOKEN not in run.output


def test_app_password_and_no_permission(real_playbook, no_permission_user):
    api_key, app_password_key = no_permission_user
    run = real_playbook(wrong_token_play(["rac_provider"], app_password_key))
    results = failures(run)
    assert len(results) == 1, run.output[-3000:]
    assert results[0]["msg"] == "GET /api/v3/providers/rac/: HTTP 403: Token invalid/expired " + TOKEN_HINT
    assert app_password_key not in run.output

    run = real_playbook(wrong_token_play(["rac_provider"], api_key))
    results = failures(run)
    assert len(results) == 1, run.output[-3000:]
    assert results[0]["msg"] == (
        "GET /api/v3/providers/rac/: HTTP 403: You do not have permission to perform this action. (the token's user "
        "needs the permission authentik_providers_rac.view_racprovider, globally or on this object)")
    assert "AUTHENTIK_TOKEN" not in results[0]["msg"]
    assert api_key not in run.output
