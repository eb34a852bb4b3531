# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Parity: page-number pagination, on the world's connection tokens on p1 (more than the largest page)
and on lists that are empty or short: default and maximum page size, sizes that are not positive integers,
``next``/``previous`` (0 when there is none), pages past the end, and reading every page as the modules do."""

from __future__ import annotations

import pytest

from parity_harness import items, page
from parity_world import connection_tokens

# pylint: disable=missing-function-docstring

CASES = {
    "default-size": {},
    "size-1": {"page_size": "1"},
    "size-1-page-2": {"page_size": "1", "page": "2"},
    "size-101-capped": {"page_size": "101"},
    "size-0": {"page_size": "0"},
    "size-abc": {"page_size": "abc"},
    "size-empty": {"page_size": ""},
    "page-2": {"page": "2"},
    "last-page-of-100": {"page_size": "100", "page": "2"},
    "page-last": {"page_size": "100", "page": "last"},
    "past-the-end": {"page_size": "100", "page": "3"},
    "page-0": {"page": "0"},
    "page-abc": {"page": "abc"},
}


@pytest.mark.parametrize("case", list(CASES))
def test_connection_token_pages(both, case):
    def scenario(t):
        connection_tokens(t)
        params = {"provider": t.world["p1"], "session__user": t.world["users"]["alice"]}
        params.update(CASES[case])
        t.call("GET", "rac/connection_tokens/", params=params, view=page)
    both(scenario)


def test_every_page_as_the_modules_read_them(both):
    def scenario(t):
        connection_tokens(t)
        seen, pages, number = [], 0, 1
        while number:
            data = t.ok("GET", "rac/connection_tokens/", params={"session__user": t.world["users"]["alice"], "ordering": "pk",
                                                                 "page_size": 100, "page": number})
            seen += [token["pk"] for token in data["results"]]
            pages += 1
            number = data["pagination"]["next"]
        t.record("pages read", None, {"pages": pages, "tokens": len(seen), "distinct": len(set(seen)),
                                      "ordered by pk": seen == sorted(seen, key=str.lower)})
    both(scenario)


def test_empty_list(both):
    def scenario(t):
        params = {"identifier": t.name("no-such-token")}
        t.call("GET", "core/tokens/", params=params)
        t.call("GET", "core/tokens/", params=dict(params, page="2"))
    both(scenario)


def test_short_list_pages(both):
    def scenario(t):
        for number in range(3):
            t.ok("POST", "core/tokens/", {"identifier": t.name("page-%d" % number), "intent": "app_password",
                                          "description": t.name("pages")})
        for params in ({}, {"page_size": "2"}, {"page_size": "2", "page": "2"}, {"page_size": "2", "page": "3"}):
            params["description"] = t.name("pages")
            t.call("GET", "core/tokens/", params=params, view=items("identifier"))
    both(scenario)
