# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""application against the authentik simulator: create, no-op and update request counts, a provider by name among
every provider type, a provider owned by another application (one-line error, no write), check mode (0 writes, a
provider that does not exist yet is predicted with a warning), diff, delete, bad slug."""

from __future__ import (absolute_import, division, print_function)
from __future__ import annotations

# boilerplate that ansible-test sanity of ansible-core 2.16 requires in these files
__metaclass__ = type

MODULE = "application"


def test_create_noop_update_delete(sim, run_module):
    pk = sim.seed_provider("Windows servers")
    sim.reset_counts()
    r = run_module(MODULE, slug="windows", name="Windows", provider="Windows servers", group="Remote", diff=True)
    assert r["changed"] is True and r["application"]["provider"] == pk, r
    assert sim.count() == 4 and sim.writes() == 1  # GET app, search provider, GET provider (owner check), POST
    assert r["diff"]["before"] == {} and r["diff"]["after"]["provider"] == pk
    sim.reset_counts()
    r = run_module(MODULE, slug="windows", name="Windows", provider="Windows servers", group="Remote")
    assert r["changed"] is False and sim.count() == 2 and sim.writes() == 0, r
    sim.reset_counts()
    r = run_module(MODULE, slug="windows", provider=str(pk), meta_description="RDP", policy_engine_mode="all")
    assert r["changed"] is True and sim.count() == 2 and sim.count("PATCH") == 1, r
    assert sim.get_application("windows")["policy_engine_mode"] == "all"
    sim.reset_counts()
    r = run_module(MODULE, slug="windows", provider="")
    assert r["changed"] is True and sim.get_application("windows")["provider"] is None and sim.writes() == 1
    r = run_module(MODULE, slug="windows", state="absent")
    assert r["changed"] is True and sim.get_application("windows") is None
    r = run_module(MODULE, slug="windows", state="absent")
    assert r["changed"] is False


def test_provider_of_another_type_by_name(sim, run_module):
    pk = sim.add_foreign_provider("grafana-proxy")
    sim.seed_provider("grafana-proxy-old")
    r = run_module(MODULE, slug="grafana", name="Grafana", provider="grafana-proxy", backchannel_providers=["grafana-proxy-old"])
    assert r["changed"] is True and r["application"]["provider"] == pk, r


def test_provider_of_another_application_is_refused(sim, run_module, failed_cleanly):
    pk = sim.seed_provider("Windows servers")
    sim.seed_application("first", provider=pk)
    sim.reset_counts()
    r = run_module(MODULE, slug="second", name="Second", provider="Windows servers")
    failed_cleanly(r, "already belongs to application 'first'")
    assert sim.writes() == 0
    sim.seed_application("third")
    r = run_module(MODULE, slug="third", provider=str(pk))
    failed_cleanly(r, "already belongs to application 'first'")
    assert sim.writes() == 0


def test_check_mode_predicts_and_writes_nothing(sim, run_module, failed_cleanly):
    sim.reset_counts()
    r = run_module(MODULE, slug="windows", name="Windows", provider="Not yet", check_mode=True, diff=True)
    assert r["changed"] is True and sim.writes() == 0, r
    assert r["_authentik_check_plan"]["assumed"][0]["msg"] == "provider: no provider 'Not yet' found"
    assert r["_authentik_check_plan"]["planned"] == [dict(path="core/applications/", fields=dict(
        name="Windows", slug="windows", provider="<known after apply: provider 'Not yet'>"))]
    assert r["diff"]["after"]["provider"] == "<known after apply: provider 'Not yet'>"
    r = run_module(MODULE, slug="windows", name="Windows", provider="Not yet")
    failed_cleanly(r, "provider: no provider 'Not yet' found")
    assert sim.writes() == 0


def test_bad_values_fail_before_any_request(sim, run_module, failed_cleanly):
    sim.reset_counts()
    failed_cleanly(run_module(MODULE, slug="bad slug", name="x"), "slug: 'bad slug' does not match")
    failed_cleanly(run_module(MODULE, slug="new"), "name: required to create application 'new'")
    assert sim.writes() == 0
