# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Parity: what export_info reads beside the listings the other modules use: ``/outposts/instances/default_settings/``
(authentik's configuration of a new outpost, whose authentik_host is the server's own URL, for every caller) and how a
policy binding of a flow names its target (the flow's pk, while the list filter takes its policybindingmodel_ptr_id)."""

from __future__ import annotations

import pytest

from parity_harness import fields, items
from parity_world import IMPLICIT

# pylint: disable=missing-function-docstring

DEFAULT_SETTINGS = "outposts/instances/default_settings/"


def default_config(t):
    """The default configuration with authentik_host shown as whether it is the server's own URL plus "/"."""
    root = t.base[:-len("api/v3/")]

    def view(data):
        config = dict(data["config"])
        host = config.pop("authentik_host", None)
        return {"config": config, "authentik_host is the server's URL": host == root}
    return view


# alice (no permission) reads it too: test_coverage.py's export_info area (she is deleted after the session modules)
@pytest.mark.parametrize("who", ["admin", "carol"])
def test_outpost_default_settings(both, who):
    def scenario(t):
        t.call("GET", DEFAULT_SETTINGS, auth=who, view=default_config(t))
        t.call("POST", DEFAULT_SETTINGS, {"config": {}}, auth=who)
    both(scenario)


def test_flow_binding_target_is_the_flow_pk(both):
    def scenario(t):
        flow = t.ok("GET", "flows/instances/", params={"slug": IMPLICIT})["results"][0]
        ptr = t.alias(flow["policybindingmodel_ptr_id"], "flow-ptr")
        pk = flow["pk"]
        t.record("the flow's policybindingmodel_ptr_id differs from its pk", None, ptr != pk)
        group = t.alias(t.ok("POST", "core/groups/", {"name": t.name("grp")})["pk"], "grp")
        shown = fields("target", "group", "order")
        t.call("POST", "policies/bindings/", {"target": ptr, "group": group, "order": 7}, view=shown)
        t.call("POST", "policies/bindings/", {"target": pk, "group": group, "order": 8}, view=shown)
        listed = items("target", "group", "order")
        t.call("GET", "policies/bindings/", params={"target": ptr, "ordering": "order"}, view=listed)
        t.call("GET", "policies/bindings/", params={"target": pk})
        everything = t.ok("GET", "policies/bindings/", params={"page_size": 100, "ordering": "order"})
        t.record("the full listing shows them with the flow's pk", None,
                 sorted(b["order"] for b in everything["results"] if b["group"] == group and b["target"] == pk))
    both(scenario)
