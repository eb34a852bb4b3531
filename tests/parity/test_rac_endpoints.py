# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Parity: ``/rac/endpoints/``: create, the 400s, update, delete, what the rac_endpoint module sends, and the list
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


def test_module_requests(both):
    """What rac_endpoint sends: the lookup by name within the provider, a POST with auth_mode prompt by default, a PATCH
    of what changed (a rename and a move to another provider), the direct read by UUID, a DELETE."""
    def scenario(t):
        lookup = {"name": t.name("ep-mod"), "provider": t.world["p1"], "superuser_full_list": "true", "page_size": 20}
        t.call("GET", "rac/endpoints/", params=lookup)
        reply = t.call("POST", "rac/endpoints/", {"auth_mode": "prompt", "provider": t.world["p1"], "protocol": "rdp",
                                                  "host": "dc01.example.com:3389", "name": t.name("ep-mod")}, view=fields(*ENDPOINT_FIELDS))
        pk = t.alias(reply.data["pk"], "ep-mod")
        t.call("GET", "rac/endpoints/", params=lookup, view=items("pk", *ENDPOINT_FIELDS))
        t.call("PATCH", "rac/endpoints/%s/" % pk, {"name": t.name("ep-moved"), "provider": t.world["p2"]}, view=fields(*ENDPOINT_FIELDS))
        t.call("GET", "rac/endpoints/", params=lookup, view=items("pk"))
        t.call("GET", "rac/endpoints/%s/" % pk, view=fields(*ENDPOINT_FIELDS))
        t.call("DELETE", "rac/endpoints/%s/" % pk)
    both(scenario)


@pytest.mark.parametrize("body", [
    {"maximum_connections": 0},
    {"maximum_connections": -5},
    {"name": "  NAME  ", "host": "  h2  "},
    {"settings": {"password": "parity-Pa55", "port": 3389}},
    {"maximum_connections": None},
], ids=["max-connections-0", "max-connections-negative", "stripped", "settings-any-json", "max-connections-null"])
def test_values_the_server_takes(both, body):
    """What the real server accepts that rac_endpoint refuses before sending (0 and other negative connection limits),
    and what it strips."""
    def scenario(t):
        pk = t.alias(t.ok("POST", "rac/endpoints/", {"name": t.name("ep-val"), "provider": t.world["p1"], "protocol": "rdp",
                                                     "host": "h", "auth_mode": "prompt"})["pk"], "ep-val")
        sent = dict((k, t.name("ep-val2") if v == "  NAME  " else v) for k, v in body.items())
        if "name" in sent:
            sent["name"] = "  %s  " % sent["name"]
        t.call("PATCH", "rac/endpoints/%s/" % pk, sent, view=fields(*ENDPOINT_FIELDS))
    both(scenario)


def test_endpoint_takes_a_mapping_of_another_kind(both):
    """Endpoints accept the UUID of any property mapping (authentik evaluates only the RAC ones at connection time)."""
    def scenario(t):
        foreign = t.alias(t.make_foreign_mapping(t.name("scope-map")), "scope-map")
        t.call("POST", "rac/endpoints/", {"name": t.name("ep-foreign"), "provider": t.world["p1"], "protocol": "ssh", "host": "h",
                                          "auth_mode": "prompt", "property_mappings": [foreign]}, view=fields(*ENDPOINT_FIELDS))
    both(scenario)
