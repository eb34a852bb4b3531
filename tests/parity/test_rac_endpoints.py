# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Parity: ``/rac/endpoints/``: create, the 400s, update, delete, and the list
filters the modules use to find an endpoint by name within its provider (``name``, ``provider``,
``superuser_full_list``: without it every page holds every endpoint). Its connection tokens: see
test_rac_connection_tokens.py."""

from __future__ import annotations

import pytest

from parity_harness import fields, items
from parity_world import RDP_DEFAULT, SSH_DEFAULT

# pylint: disable=missing-function-docstring

ENDPOINT_FIELDS = ("name", "provider", "protocol", "host", "settings", "property_mappings", "auth_mode", "maximum_connections",
                   "launch_url")


def test_create_and_read(both):
    def scenario(t):
        reply = t.call("POST", "rac/endpoints/", {"name": t.name("ep-new"), "provider": t.world["p2"], "protocol": "vnc",
                                                  "host": "10.1.1.1:5900", "auth_mode": "static"})
        t.alias(reply.data["pk"], "ep-new")
        t.call("GET", "rac/endpoints/%s/" % reply.data["pk"])
    both(scenario)


def test_create_with_everything(both):
    def scenario(t):
        mappings = [t.world["mappings"][SSH_DEFAULT], t.world["mappings"][RDP_DEFAULT]]
        reply = t.call("POST", "rac/endpoints/", {"name": t.name("ep-full"), "provider": t.world["p2"], "protocol": "ssh", "host": "h",
                                                  "auth_mode": "prompt", "settings": {"port": "2222"}, "property_mappings": mappings,
                                                  "maximum_connections": -1}, view=fields(*ENDPOINT_FIELDS))
        t.alias(reply.data["pk"], "ep-full")
    both(scenario)


@pytest.mark.parametrize("body", [
    {},
    {"name": "N", "provider": "P", "protocol": "telnet", "host": "h", "auth_mode": "prompt"},
    {"name": "N", "provider": "P", "protocol": "rdp", "host": "h", "auth_mode": "password"},
    {"name": "N", "provider": 2147483000, "protocol": "rdp", "host": "h", "auth_mode": "prompt"},
    {"name": "N", "provider": "P", "protocol": "rdp", "host": "", "auth_mode": "prompt"},
    {"name": "N", "provider": "P", "protocol": "rdp", "host": "h", "auth_mode": "prompt", "maximum_connections": 2147483648},
], ids=["empty", "bad-protocol", "bad-auth-mode", "unknown-provider", "blank-host", "max-connections-too-big"])
def test_create_refused(both, body):
    def scenario(t):
        sent = dict((k, t.name("ep-refused") if v == "N" else t.world["p1"] if v == "P" else v) for k, v in body.items())
        t.call("POST", "rac/endpoints/", sent)
    both(scenario)


def test_update_and_delete(both):
    def scenario(t):
        pk = t.alias(t.ok("POST", "rac/endpoints/", {"name": t.name("ep-upd"), "provider": t.world["p1"], "protocol": "rdp",
                                                     "host": "h1", "auth_mode": "prompt"})["pk"], "ep-upd")
        t.call("PATCH", "rac/endpoints/%s/" % pk, {"host": "h2", "maximum_connections": 5, "settings": {"a": "b"}},
               view=fields(*ENDPOINT_FIELDS))
        t.call("PUT", "rac/endpoints/%s/" % pk, {"name": t.name("ep-upd"), "host": "h3"})
        t.call("PUT", "rac/endpoints/%s/" % pk, {"name": t.name("ep-upd2"), "provider": t.world["p2"], "protocol": "ssh", "host": "h3",
                                                 "auth_mode": "static"}, view=fields(*ENDPOINT_FIELDS))
        t.call("DELETE", "rac/endpoints/%s/" % pk)
        t.call("GET", "rac/endpoints/%s/" % pk)
        t.call("DELETE", "rac/endpoints/%s/" % pk)
    both(scenario)


LIST_CASES = {
    "name": lambda t: {"name": t.w("dc01"), "superuser_full_list": "true"},
    "name-and-provider": lambda t: {"name": t.w("dc01"), "provider": t.world["p2"], "superuser_full_list": "true"},
    "name-is-exact": lambda t: {"name": t.w("dc0"), "superuser_full_list": "true"},
    "name-other-case": lambda t: {"name": t.w("DC01"), "superuser_full_list": "true"},
    "provider": lambda t: {"provider": t.world["p1"], "superuser_full_list": "true"},
    "provider-unknown": lambda t: {"provider": 2147483000, "superuser_full_list": "true"},
    "provider-not-a-number": lambda t: {"provider": "abc", "superuser_full_list": "true"},
    "full-list-page-size-1": lambda t: {"provider": t.world["p1"], "superuser_full_list": "true", "page_size": 1},
    "no-full-list-page-size-1": lambda t: {"provider": t.world["p1"], "page_size": 1},
    "no-full-list-page-2": lambda t: {"provider": t.world["p1"], "page_size": 1, "page": 2},
    "full-list-false": lambda t: {"provider": t.world["p1"], "superuser_full_list": "false", "page_size": 1},
    "full-list-True": lambda t: {"provider": t.world["p1"], "superuser_full_list": "True", "page_size": 1},
    "no-full-list-past-the-end": lambda t: {"provider": t.world["p1"], "page_size": 1, "page": 3},
    "search": lambda t: {"search": t.w("dc02"), "superuser_full_list": "true"},
}


@pytest.mark.parametrize("case", list(LIST_CASES))
def test_list(both, case):
    both(lambda t: t.call("GET", "rac/endpoints/", params=LIST_CASES[case](t), view=items("pk", "name", "provider")))
