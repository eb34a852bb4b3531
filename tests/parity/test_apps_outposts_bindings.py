# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Parity: ``/core/applications/`` (addressed by slug; one application per provider), ``/outposts/instances/``
(type, providers, config) and ``/policies/bindings/`` (one of group, user or policy bound to an application): the
list filters the application, outpost and policy_binding modules send, create, update, delete and the 400s."""

from __future__ import annotations

import pytest

from parity_harness import fields, items

# pylint: disable=missing-function-docstring

APP_FIELDS = ("name", "slug", "provider", "group", "meta_launch_url", "meta_description", "meta_publisher", "open_in_new_tab",
              "policy_engine_mode", "backchannel_providers")
OUTPOST_FIELDS = ("name", "type", "providers", "service_connection")
BINDING_FIELDS = ("policy", "group", "user", "target", "negate", "enabled", "order", "timeout", "failure_result")


def sorted_items(data):
    """A binding list with its results in a fixed order (bindings of the same order come in any order)."""
    view = items(*BINDING_FIELDS)(data)
    view["results"].sort(key=lambda r: (r["order"], r["group"] is None, r["user"] is None, r["policy"] is None))
    return view


def make_provider(t, suffix):
    """A RAC provider of this case only (the world's providers may be held by another case's application)."""
    return t.alias(t.ok("POST", "providers/rac/", {"name": t.name(suffix), "authorization_flow": t.world["flow"]})["pk"], suffix)


def make_app(t, suffix, provider=None):
    body = {"name": t.name(suffix), "slug": t.name(suffix)}
    if provider is not None:
        body["provider"] = provider
    return t.ok("POST", "core/applications/", body)


def test_application_create_update_delete(both):
    def scenario(t):
        slug = t.name("app")
        t.call("POST", "core/applications/", {"name": slug, "slug": slug, "provider": make_provider(t, "prov"), "meta_description": "d",
                                              "policy_engine_mode": "all"}, view=fields(*APP_FIELDS))
        t.call("GET", "core/applications/%s/" % slug, view=fields(*APP_FIELDS))
        t.call("PATCH", "core/applications/%s/" % slug, {"meta_publisher": "p", "open_in_new_tab": True, "provider": None},
               view=fields(*APP_FIELDS))
        t.call("PUT", "core/applications/%s/" % slug, {"name": slug + "-x", "slug": slug}, view=fields(*APP_FIELDS))
        t.call("DELETE", "core/applications/%s/" % slug)
        t.call("GET", "core/applications/%s/" % slug)
        t.call("DELETE", "core/applications/%s/" % slug)
    both(scenario)


@pytest.mark.parametrize("case", ["empty", "bad-slug", "slug-taken", "provider-used", "unknown-provider", "bad-engine-mode"])
def test_application_refused(both, case):
    def scenario(t):
        provider = make_provider(t, "prov")
        taken = make_app(t, "taken", provider)
        body = {"empty": {}, "bad-slug": {"name": "n", "slug": "not a slug!"},
                "slug-taken": {"name": "n", "slug": taken["slug"]},
                "provider-used": {"name": "n", "slug": t.name("used"), "provider": provider},
                "unknown-provider": {"name": "n", "slug": t.name("unknown"), "provider": 2147483000},
                "bad-engine-mode": {"name": "n", "slug": t.name("mode"), "policy_engine_mode": "most"}}[case]
        t.call("POST", "core/applications/", body)
    both(scenario)


APP_LIST_CASES = {
    "slug": lambda t: {"slug": t.name("listed")},
    "slug-unknown": lambda t: {"slug": t.name("nothing")},
    "name": lambda t: {"name": t.name("listed")},
    "search": lambda t: {"search": t.name("listed")},
    "superuser-full-list": lambda t: {"slug": t.name("listed"), "superuser_full_list": "true"},
}


@pytest.mark.parametrize("case", sorted(APP_LIST_CASES))
def test_application_list_filters(both, case):
    def scenario(t):
        make_app(t, "listed", make_provider(t, "prov"))
        t.call("GET", "core/applications/", params=APP_LIST_CASES[case](t), view=items(*APP_FIELDS))
    both(scenario)


def test_outpost_create_update_delete(both):
    def scenario(t):
        first, second = make_provider(t, "prov1"), make_provider(t, "prov2")
        reply = t.call("POST", "outposts/instances/", {"name": t.name("op"), "type": "rac", "providers": [first],
                                                       "config": {}}, view=fields(*OUTPOST_FIELDS))
        pk = t.alias(reply.data["pk"], "op")
        t.call("GET", "outposts/instances/", params={"name__iexact": t.name("op")}, view=items(*OUTPOST_FIELDS))
        t.call("GET", "outposts/instances/", params={"search": t.name("op")}, view=items(*OUTPOST_FIELDS))
        t.call("PATCH", "outposts/instances/%s/" % pk, {"providers": [first, second]}, view=fields(*OUTPOST_FIELDS))
        t.call("PATCH", "outposts/instances/%s/" % pk, {"config": {"log_level": "debug"}},
               view=lambda d: {"log_level": d["config"].get("log_level")})
        t.call("DELETE", "outposts/instances/%s/" % pk)
        t.call("GET", "outposts/instances/%s/" % pk)
    both(scenario)


@pytest.mark.parametrize("case", ["empty", "bad-type", "name-taken", "unknown-provider"])
def test_outpost_refused(both, case):
    def scenario(t):
        provider = make_provider(t, "prov")
        t.ok("POST", "outposts/instances/", {"name": t.name("op-taken"), "type": "rac", "providers": [provider], "config": {}})
        body = {"empty": {}, "bad-type": {"name": t.name("op-bad"), "type": "telnet", "providers": [provider], "config": {}},
                "name-taken": {"name": t.name("op-taken"), "type": "rac", "providers": [provider], "config": {}},
                "unknown-provider": {"name": t.name("op-unk"), "type": "rac", "providers": [2147483000], "config": {}}}[case]
        t.call("POST", "outposts/instances/", body)
    both(scenario)


def test_binding_create_update_delete(both):
    def scenario(t):
        app = make_app(t, "bound")
        group = t.alias(t.ok("POST", "core/groups/", {"name": t.name("grp")})["pk"], "grp")
        t.alias(app["pk"], "app")
        reply = t.call("POST", "policies/bindings/", {"target": app["pk"], "group": group, "order": 0}, view=fields(*BINDING_FIELDS))
        pk = t.alias(reply.data["pk"], "binding")
        t.call("GET", "policies/bindings/", params={"target": app["pk"]}, view=items(*BINDING_FIELDS))
        t.call("PUT", "policies/bindings/%s/" % pk, {"target": app["pk"], "group": group, "order": 3, "negate": True},
               view=fields(*BINDING_FIELDS))
        t.call("DELETE", "policies/bindings/%s/" % pk)
        t.call("GET", "policies/bindings/%s/" % pk)
        t.ok("DELETE", "core/groups/%s/" % group)
    both(scenario)


@pytest.mark.parametrize("case", ["nothing-bound", "two-bound", "unknown-target", "same-order"])
def test_binding_refused(both, case):
    def scenario(t):
        app = make_app(t, "bound")
        t.alias(app["pk"], "app")
        group = t.alias(t.ok("POST", "core/groups/", {"name": t.name("grp")})["pk"], "grp")
        t.ok("POST", "policies/bindings/", {"target": app["pk"], "group": group, "order": 0})
        body = {"nothing-bound": {"target": app["pk"], "order": 1},
                "two-bound": {"target": app["pk"], "group": group, "user": t.world["users"]["akadmin"], "order": 1},
                "unknown-target": {"target": "00000000-0000-4000-8000-000000000000", "group": group, "order": 1},
                "same-order": {"target": app["pk"], "user": t.world["users"]["akadmin"], "order": 0}}[case]
        t.call("POST", "policies/bindings/", body)
        t.call("GET", "policies/bindings/", params={"target": app["pk"]}, view=sorted_items)
        t.ok("DELETE", "core/groups/%s/" % group)
    both(scenario)
