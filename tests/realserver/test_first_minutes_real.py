# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The first five minutes on the real authentik 2025.12.4 (tests/system/test_first_minutes.py does the same on the
simulator): a wrong token fails every module with one line that names the ``token`` option and ``AUTHENTIK_TOKEN``
and never contains the token (from the option, in-process; from the environment, normal module execution); an app
password's key is refused the same way; a valid API token whose user has no permission gets the
permission named instead."""

from __future__ import annotations

import uuid

import pytest

from test_first_minutes import (  # tests/system is on sys.path (conftest)
    TOKEN_HINT, WRONG_TOKEN_CASES, every_module_with_a_wrong_token, failures, wrong_token_play)


@pytest.fixture
def no_permission_user(server):
    """A user without any permission, its API token and an app password; (api key, app password key). Deleted after."""
    name = "first-minutes-%s" % uuid.uuid4().hex[:8]
    user = server.ok("POST", "core/users/", {"username": name, "name": name, "path": "users"})
    keys = {}
    try:
        for intent in ("api", "app_password"):
            identifier = "%s-%s" % (name, intent.replace("_", "-"))
            server.ok("POST", "core/tokens/", {"identifier": identifier, "intent": intent, "user": user["pk"],
                                               "expiring": False})
            keys[intent] = server.ok("GET", "core/tokens/%s/view_key/" % identifier)["key"]
        yield keys["api"], keys["app_password"]
    finally:
        server.ok("DELETE", "core/users/%s/" % user["pk"])  # its tokens go with it


@pytest.mark.parametrize(**WRONG_TOKEN_CASES)
def test_wrong_token_names_the_option_and_the_variable(playbook, mode, given):
    every_module_with_a_wrong_token(playbook, mode, given)


def test_app_password_and_no_permission(playbook, no_permission_user):
    api_key, app_password_key = no_permission_user
    run = playbook(wrong_token_play(["rac_provider"], app_password_key))
    results = failures(run)
    assert len(results) == 1, run.output[-3000:]
    assert results[0]["msg"] == "GET /api/v3/providers/rac/: HTTP 403: Token invalid/expired " + TOKEN_HINT
    assert app_password_key not in run.output

    run = playbook(wrong_token_play(["rac_provider"], api_key))
    results = failures(run)
    assert len(results) == 1, run.output[-3000:]
    assert results[0]["msg"] == (
        "GET /api/v3/providers/rac/: HTTP 403: You do not have permission to perform this action. (the token's user "
        "needs the permission authentik_providers_rac.view_racprovider, globally or on this object)")
    assert "AUTHENTIK_TOKEN" not in results[0]["msg"]
    assert api_key not in run.output
