# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Parity: the error answers every module relies on (404 of an unknown and of a malformed id, 405, malformed
JSON, unsupported media type, unknown paths and unknown query parameters)."""

from __future__ import annotations

import pytest

from parity_harness import items

# pylint: disable=missing-function-docstring

ZERO_UUID = "00000000-0000-4000-8000-000000000000"
NOT_FOUND = [
    "core/tokens/parity-no-such-token/",
    "core/tokens/parity-no-such-token/view_key/",
    "providers/rac/2147483000/",
    "providers/rac/abc/",
    "rac/endpoints/%s/" % ZERO_UUID,
    "rac/endpoints/not-a-uuid/",
    "rac/connection_tokens/%s/" % ZERO_UUID,
    "rac/connection_tokens/not-a-uuid/",
    "core/users/2147483000/",
    "core/users/abc/",
    "flows/instances/parity-no-such-flow/",
    "propertymappings/provider/rac/%s/" % ZERO_UUID,
    "propertymappings/provider/rac/not-a-uuid/",
]


@pytest.mark.parametrize("path", NOT_FOUND)
def test_not_found_body(both, path):
    both(lambda t: t.call("GET", path))


@pytest.mark.parametrize("method,path", [
    ("POST", "rac/connection_tokens/"),
    ("PUT", "core/tokens/%s/view_key/"),
    ("GET", "core/tokens/%s/set_key/"),
    ("DELETE", "core/tokens/"),
    ("PATCH", "providers/rac/"),
])
def test_method_not_allowed(both, method, path):
    def scenario(t):
        target = path % t.w("alice-api") if "%s" in path else path
        if method in ("POST", "PUT", "PATCH"):
            t.call(method, target, {})
        else:
            t.call(method, target)
    both(scenario)


@pytest.mark.parametrize("raw", ["{bad json", "{", '{"identifier": }', '{"identifier": "x",}', '{"identifier": "x"} x', "   ",
                                 '{"identifier": "\\q"}', "tru"])
def test_malformed_json(both, raw):
    both(lambda t: t.call("POST", "core/tokens/", raw=raw))


def test_unsupported_media_type(both):
    both(lambda t: t.call("POST", "core/tokens/", raw="identifier=x", ctype="text/plain"))


@pytest.mark.parametrize("path", ["parity-no-such-api/", "core/parity-no-such-thing/"])
def test_unknown_api_path(both, path):
    both(lambda t: t.call("GET", path))


def test_unknown_query_parameter_is_ignored(both):
    def scenario(t):
        t.call("GET", "core/tokens/", params={"description": t.w("world"), "parity_bogus": "1", "identifierx": "nope"},
               view=items("identifier"))
    both(scenario)
