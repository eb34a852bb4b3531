# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""plugin_utils/_check_plan.py without a playbook: an assumption of check mode is kept only when an earlier task (or
an earlier item of the loop) of the same play, for the same host, planned the object; the plan becomes a host fact
tagged with the play (tests/system/test_rerun.py and tests/realserver/test_rerun_real.py run real plays)."""

from __future__ import annotations

from unittest import mock

import pytest

from ansible_collections.authentik.api.plugins.module_utils._engine import plan_covers
from ansible_collections.authentik.api.plugins.plugin_utils import _check_plan

PROVIDER = dict(path="providers/rac/", fields=dict(name="win"))
ENDPOINT = dict(path="rac/endpoints/", fields=dict(name="dc01", provider="<known after apply: RAC provider 'win'>"))
ASSUME_PROVIDER = dict(path="providers/rac/", fields=["name"], value="win", scope={}, msg="provider: no RAC provider 'win' found")


def action(play="play-1"):
    task = mock.MagicMock()
    task.get_play.return_value = mock.MagicMock(_uuid=play)
    return mock.MagicMock(_task=task)


@pytest.fixture(autouse=True)
def fresh_worker():
    _check_plan._LOOP_PLANS.clear()
    yield
    _check_plan._LOOP_PLANS.clear()


def result(assumed=(), planned=(), **extra):
    out = dict(changed=True, warnings=["w"])
    out[_check_plan.CHECK_PLAN_KEY] = dict(assumed=list(assumed), planned=list(planned))
    out.update(extra)
    return out


def task_vars(objects=None, play="play-1", host="localhost"):
    facts = {} if objects is None else {_check_plan.FACT: dict(play=play, objects=objects)}
    return dict(inventory_hostname=host, ansible_facts=facts)


def test_plan_covers_kinds_names_and_scopes():
    assert plan_covers(ASSUME_PROVIDER, [PROVIDER])
    assert not plan_covers(dict(ASSUME_PROVIDER, value="wni"), [PROVIDER])  # a typo
    assert not plan_covers(dict(ASSUME_PROVIDER, path="core/applications/"), [PROVIDER])  # another kind
    # /providers/all/ finds a provider of any type
    assert plan_covers(dict(ASSUME_PROVIDER, path="providers/all/"), [PROVIDER])
    assert not plan_covers(dict(ASSUME_PROVIDER, path="policies/all/"), [PROVIDER])
    endpoint = dict(path="rac/endpoints/", fields=["name"], value="dc01", scope={"provider": ENDPOINT["fields"]["provider"]},
                    msg="x")
    assert plan_covers(endpoint, [ENDPOINT])
    assert not plan_covers(dict(endpoint, scope={"provider": "7"}), [ENDPOINT])  # the same name in another provider


def test_an_assumption_nothing_planned_fails_with_the_real_error():
    out = _check_plan.apply_check_plan(action(), result([ASSUME_PROVIDER], diff={"before": {}}), task_vars())
    assert out == dict(failed=True, changed=False, warnings=["w"],
                       msg="provider: no RAC provider 'win' found (check mode: no earlier task of this play creates it)")


def test_an_earlier_task_of_the_play_covers_it_and_the_plan_grows():
    out = _check_plan.apply_check_plan(action(), result([ASSUME_PROVIDER], [ENDPOINT]), task_vars([PROVIDER]))
    assert out.get("failed") is None and out["changed"] is True and _check_plan.CHECK_PLAN_KEY not in out
    assert out["ansible_facts"] == {_check_plan.FACT: dict(play="play-1", objects=[PROVIDER, ENDPOINT])}


def test_a_plan_of_another_play_or_host_does_not_count():
    other_play = task_vars([PROVIDER], play="play-0")
    assert _check_plan.apply_check_plan(action(), result([ASSUME_PROVIDER]), other_play)["failed"] is True
    _check_plan._LOOP_PLANS[("play-1", "other-host")] = [PROVIDER]
    assert _check_plan.apply_check_plan(action(), result([ASSUME_PROVIDER]), task_vars())["failed"] is True


def test_earlier_items_of_the_same_loop_count():
    first = _check_plan.apply_check_plan(action(), result(planned=[PROVIDER]), task_vars())
    assert first["ansible_facts"][_check_plan.FACT]["objects"] == [PROVIDER]
    # the host facts are updated only when the task ends: the next item still sees none
    second = _check_plan.apply_check_plan(action(), result([ASSUME_PROVIDER], [ENDPOINT]), task_vars())
    assert second.get("failed") is None
    assert second["ansible_facts"][_check_plan.FACT]["objects"] == [PROVIDER, ENDPOINT]


def test_results_without_a_plan_or_failed_are_left_alone():
    plain = dict(changed=False)
    assert _check_plan.apply_check_plan(action(), dict(plain), task_vars()) == plain
    failed = result([ASSUME_PROVIDER], failed=True, msg="HTTP 403")
    out = _check_plan.apply_check_plan(action(), failed, task_vars())
    assert out["msg"] == "HTTP 403" and _check_plan.CHECK_PLAN_KEY not in out
