# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Plays run again in any state, against the simulator, in both module execution modes (see rerun_plays.py; the
same plays run against the real server in tests/realserver/test_rerun_real.py): teardown twice in both orders,
check mode that predicts a whole setup and catches a misspelt name, an outpost refusing a provider it cannot serve."""

from __future__ import annotations

import pytest

import rerun_plays

MODES = ["in-process", "normal"]
GROUP = "rerun-group"


@pytest.fixture
def group(sim):
    sim.seed_group(GROUP)
    return GROUP


# The engine decides what a teardown does, the same in both modes: normal module execution runs one order.
@pytest.mark.parametrize("order, mode", [("children-first", "in-process"), ("parents-first", "in-process"),
                                         ("parents-first", "normal")])
def test_teardown_runs_twice(sim, playbook, group, order, mode):
    rerun_plays.teardown_twice(playbook, "rr", group, order, mode)
    names = [u["username"] for u in sim.users.values()] + [g["name"] for g in sim.groups.values()]
    names += [r["name"] for r in sim.roles.values()]
    assert [name for name in names if name.startswith("rr-")] == []
    sim.reset_counts()
    again = playbook(rerun_plays.play(rerun_plays.ORDERS[order], "rr", group), env=rerun_plays.env_for(mode))
    assert again.rc == 0 and sim.writes() == 0
    print("teardown %s (%s), run again: %d tasks, %d requests, 0 writes" % (
        order, mode, len(rerun_plays.TEARDOWN), sim.count()))


@pytest.mark.parametrize("mode", MODES)
def test_check_mode_predicts_a_new_setup_and_catches_a_typo(sim, playbook, group, mode):
    sim.reset_counts()
    rerun_plays.check_mode_of_a_new_setup(playbook, "cm", group, mode)
    requests = sim.count()
    rerun_plays.check_mode_catches_a_typo(playbook, "cm", group, mode)
    assert sim.writes() == 0
    print("check mode of the setup on an empty server (%s): %d tasks, %d requests, 0 writes" % (
        mode, len(rerun_plays.SETUP), requests))


def test_embedded_outpost_refuses_a_rac_provider(sim, playbook, group):
    before = [o["providers"] for o in sim.outposts.values()]
    rerun_plays.embedded_outpost_refuses_rac(playbook, "eo", group, "in-process")
    assert [o["providers"] for o in sim.outposts.values()] == before
