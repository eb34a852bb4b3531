# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Parity: writes of ``/propertymappings/provider/rac/`` (the rac_property_mapping module): create, the 400s (names
unique across every kind of property mapping, the expression's syntax, ``static_settings`` required, ``managed``
writable but unique), update, delete (which detaches the mapping from endpoints), and the exact requests the module
sends. Reads and lookups by name and by ``managed``: see test_directory.py."""

from __future__ import annotations

import pytest

from parity_world import RDP_DEFAULT

# pylint: disable=missing-function-docstring

URL = "propertymappings/provider/rac/"


def mapping(data):
    """A mapping as compared: ``expression`` is opaque in the harness (it is random elsewhere), so it is shown as ``code``."""
    return {"name": data.get("name"), "managed": data.get("managed"), "code": data.get("expression"),
            "static_settings": data.get("static_settings"), "keys": sorted(data)}


def refusal(t, reply):
    """A 400 as compared, with the text of an ``expression`` error (an opaque key in the harness)."""
    data = reply.data if isinstance(reply.data, dict) else {}
    t.record("refusal", reply.status, {"fields": sorted(data), "expression": data.get("expression")})


def test_create_and_read(both):
    def scenario(t):
        reply = t.call("POST", URL, {"name": "  %s  " % t.name("login"), "expression": "\n  return {'a': user.username}\n\n",
                                     "static_settings": {"username": "svc", "password": "parity-Pa55", "port": 3389, "ignore-cert": True}},
                       view=mapping)
        pk = t.alias(reply.data["pk"], "login")
        t.call("GET", URL + "%s/" % pk, view=mapping)
        t.call("GET", URL, params={"name": t.name("login"), "page_size": 20}, view=lambda d: [mapping(r) for r in d["results"]])
    both(scenario)


def test_create_minimal(both):
    def scenario(t):
        reply = t.call("POST", URL, {"name": t.name("minimal"), "static_settings": {}}, view=mapping)
        t.alias(reply.data["pk"], "minimal")
    both(scenario)


@pytest.mark.parametrize("body", [
    {},
    {"name": "N"},
    {"name": "", "static_settings": {}},
    {"name": "N", "static_settings": None},
    {"name": "N", "static_settings": {}, "expression": None},
    {"name": "N", "static_settings": {}, "expression": "return {"},
    {"name": "N", "static_settings": {}, "expression": "return {}\n\nx ="},
    {"name": "N", "static_settings": {}, "managed": ""},
    {"name": "N", "static_settings": {}, "managed": RDP_DEFAULT},
], ids=["empty", "no-static-settings", "blank-name", "null-static-settings", "null-expression", "unclosed-brace", "syntax-line-4",
        "blank-managed", "managed-taken"])
def test_create_refused(both, body):
    def scenario(t):
        sent = dict((k, t.name("refused") if v == "N" else v) for k, v in body.items())
        refusal(t, t.call("POST", URL, sent))
    both(scenario)


def test_name_taken(both):
    """Names are unique across every kind of property mapping: a RAC mapping's, and a mapping of another kind's."""
    def scenario(t):
        t.ok("POST", URL, {"name": t.name("taken"), "static_settings": {}})
        t.call("POST", URL, {"name": t.name("taken"), "static_settings": {}})
        t.make_foreign_mapping(t.name("foreign"))
        t.call("POST", URL, {"name": t.name("foreign"), "static_settings": {}})
        t.call("GET", URL, params={"name": t.name("foreign"), "page_size": 20})
    both(scenario)


def test_update(both):
    def scenario(t):
        pk = t.alias(t.ok("POST", URL, {"name": t.name("upd"), "static_settings": {"username": "a", "password": "one"}})["pk"], "upd")
        t.ok("POST", URL, {"name": t.name("other"), "static_settings": {}})
        item = URL + "%s/" % pk
        t.call("PATCH", item, {"static_settings": {"username": "a", "password": "two"}}, view=mapping)
        t.call("PATCH", item, {"expression": "   return {}  \n"}, view=mapping)
        t.call("PATCH", item, {"expression": "   "}, view=mapping)
        refusal(t, t.call("PATCH", item, {"expression": "x = 1\n  y = 2"}))
        t.call("PATCH", item, {"name": t.name("upd")}, view=mapping)
        t.call("PATCH", item, {"name": t.name("other")})
        t.call("PATCH", item, {"static_settings": None})
        t.call("PUT", item, {"name": t.name("upd")})
        t.call("PUT", item, {"name": t.name("upd2"), "static_settings": {"x": "1"}}, view=mapping)
        t.call("GET", item, view=mapping)
    both(scenario)


def test_delete_detaches_from_endpoints(both):
    def scenario(t):
        pk = t.alias(t.ok("POST", URL, {"name": t.name("gone"), "static_settings": {}})["pk"], "gone")
        endpoint = t.alias(t.ok("POST", "rac/endpoints/", {
            "name": t.name("ep"), "provider": t.world["p1"], "protocol": "rdp", "host": "h", "auth_mode": "static",
            "property_mappings": [pk, t.world["mappings"][RDP_DEFAULT]]})["pk"], "ep")
        t.call("DELETE", URL + "%s/" % pk)
        t.call("GET", URL + "%s/" % pk)
        t.call("DELETE", URL + "%s/" % pk)
        t.call("GET", "rac/endpoints/%s/" % endpoint, view=lambda d: {"property_mappings": d["property_mappings"]})
    both(scenario)


def test_module_requests(both):
    """What rac_property_mapping sends: the lookup, a POST with static_settings {} by default, a PATCH of what changed,
    a DELETE."""
    def scenario(t):
        lookup = {"name": t.name("mod"), "page_size": 20}
        t.call("GET", URL, params=lookup)
        reply = t.call("POST", URL, {"static_settings": {}, "expression": "return {}\n", "name": t.name("mod")}, view=mapping)
        pk = t.alias(reply.data["pk"], "mod")
        t.call("GET", URL, params=lookup, view=lambda d: [mapping(r) for r in d["results"]])
        t.call("PATCH", URL + "%s/" % pk, {"static_settings": {"private-key": "k", "passphrase": "p"}}, view=mapping)
        t.call("DELETE", URL + "%s/" % pk)
    both(scenario)
