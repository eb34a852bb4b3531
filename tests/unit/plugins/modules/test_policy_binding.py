# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""policy_binding against the authentik simulator: identity by target and bound object, next free order for a new
binding and kept order for an existing one, endpoint targets by name within a provider, flows, policies, users,
check mode with targets that do not exist yet, delete, argument errors."""

from __future__ import (absolute_import, division, print_function)
from __future__ import annotations

import pytest

# boilerplate that ansible-test sanity of ansible-core 2.16 requires in these files
__metaclass__ = type

MODULE = "policy_binding"


def test_group_on_application_order_and_noop(sim, run_module):
    app = sim.seed_application("windows")
    admins = [g for g in sim.groups.values() if g["name"] == "authentik Admins"][0]["pk"]
    sim.reset_counts()
    r = run_module(MODULE, application="windows", group="authentik Admins", diff=True)
    assert r["changed"] is True and r["binding"]["order"] == 0 and r["binding"]["target"] == app, r
    assert sim.count() == 4 and sim.writes() == 1  # app, group, list bindings, POST
    r = run_module(MODULE, application="windows", user="alice")
    assert r["binding"]["order"] == 1, r
    sim.reset_counts()
    r = run_module(MODULE, application="windows", group="authentik Admins", negate=False)
    assert r["changed"] is False and sim.count() == 3 and sim.writes() == 0 and r["binding"]["group"] == admins, r
    r = run_module(MODULE, application="windows", group="authentik Admins", order=5, negate=True, diff=True)
    assert r["changed"] is True and r["diff"]["before"]["order"] == 0 and r["diff"]["after"]["order"] == 5
    assert run_module(MODULE, application="windows", group="authentik Admins")["binding"]["order"] == 5
    assert len(sim.list_bindings(app)) == 2
    assert run_module(MODULE, application="windows", group="authentik Admins", state="absent")["changed"] is True
    assert run_module(MODULE, application="windows", group="authentik Admins", state="absent")["changed"] is False
    assert len(sim.list_bindings(app)) == 1


def test_endpoint_flow_and_policy_targets(sim, run_module):
    p1, p2 = sim.seed_provider("p1"), sim.seed_provider("p2")
    e1 = sim.seed_endpoint("dc01", p1)
    sim.seed_endpoint("dc01", p2)
    r = run_module(MODULE, rac_endpoint="dc01", rac_provider="p1", group="authentik Admins")
    assert r["changed"] is True and r["binding"]["target"] == e1, r
    r = run_module(MODULE, rac_endpoint=e1, group="authentik Admins")
    assert r["changed"] is False, r
    r = run_module(MODULE, rac_endpoint="dc01", group="authentik Admins")
    assert r.get("failed") and "matches 2 RAC endpoints" in r["msg"], r
    r = run_module(MODULE, flow="default-provider-authorization-implicit-consent", policy="default-match-policy-exception",
                   order=3)
    assert r["changed"] is True and r["binding"]["order"] == 3, r
    assert run_module(MODULE, flow="default-provider-authorization-implicit-consent",
                      policy="default-match-policy-exception")["changed"] is False


def test_check_mode_with_targets_not_yet_created(sim, run_module, failed_cleanly):
    sim.reset_counts()
    r = run_module(MODULE, application="later", group="later-group", check_mode=True, diff=True)
    assert r["changed"] is True and sim.writes() == 0, r
    # Noted for the action plugin, which keeps them only when an earlier task of the play creates them.
    assert [a["msg"] for a in r["_authentik_check_plan"]["assumed"]] == [
        "application: no application 'later' found", "group: no group 'later-group' found"]
    r = run_module(MODULE, rac_endpoint="dc09", rac_provider="later-provider", user="alice", check_mode=True)
    assert r["changed"] is True and sim.writes() == 0, r
    assert [a["msg"] for a in r["_authentik_check_plan"]["assumed"]][0] == "rac_provider: no RAC provider 'later-provider' found"
    failed_cleanly(run_module(MODULE, application="later", group="authentik Admins"), "application: no application 'later' found")
    assert sim.writes() == 0


def test_argument_errors(sim, run_module):
    sim.seed_application("windows")
    r = run_module(MODULE, application="windows", group="authentik Admins", user="alice")
    assert r.get("failed") and "mutually exclusive" in r["msg"], r
    r = run_module(MODULE, group="authentik Admins")
    assert r.get("failed") and "one of the following is required" in r["msg"], r
    assert sim.writes() == 0


@pytest.mark.parametrize("check_mode", [False, True])
@pytest.mark.parametrize("params", [
    dict(application="gone", group="authentik Admins"),
    dict(application="windows", group="gone-group"),
    dict(application="windows", user="gone-user"),
    dict(rac_endpoint="dc01", rac_provider="gone-provider", group="authentik Admins"),
    dict(rac_endpoint="gone-endpoint", rac_provider="Windows servers", group="authentik Admins"),
    dict(flow="gone-flow", group="authentik Admins"),
])
def test_deleting_a_binding_whose_target_or_subject_is_gone_is_nothing_to_do(sim, run_module, params, check_mode):
    """A teardown run twice, or parents deleted first: the binding cannot exist, so there is nothing to delete."""
    sim.seed_application("windows")
    sim.seed_provider("Windows servers")
    sim.reset_counts()
    r = run_module(MODULE, state="absent", check_mode=check_mode, **params)
    assert r.get("failed") is not True and r["changed"] is False and r["binding"] == {}, r
    assert "_authentik_check_plan" not in r and sim.writes() == 0
