# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Check mode across the tasks of a play: a name is assumed to exist only when an earlier task created it.

PRIVATE to the authentik.api collection: the leading underscore means this is not a public API; the action
plugins (through ``InProcessAction``) are its only callers.

In check mode nothing is created, so a task that refers to an object made by an earlier task of the play finds
nothing. The engine then predicts the reference (``<known after apply: ...>``) and notes the assumption, with the
error a real run would give, and it notes every object the task would create or change (``_engine.Ref``,
``_engine.plan_entry``). Here, on the controller, in both module execution modes:

- an assumption that no earlier task of the same play, for the same host, planned fails the task with the real
  run's error (a misspelt name is caught by ``--check``, which is what people run it for);
- the objects planned are kept for the next tasks as the host fact ``authentik_api_check_mode_plan`` (tagged
  with the play, so that a fact cache never carries them into another play or run), and for the next items of
  the same loop in this worker process (the facts of a loop's items reach the host only when the task ends).

The fact holds names only (``_engine.PLAN_FIELDS``), never a secret.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.authentik.api.plugins.module_utils._engine import plan_covers
from ansible_collections.authentik.api.plugins.module_utils._module import CHECK_PLAN_KEY

FACT = "authentik_api_check_mode_plan"

# (play, host) -> objects planned by the earlier items of the loop this worker runs (a worker runs one task).
_LOOP_PLANS = {}


def apply_check_plan(action, result, task_vars):
    """The task's result, with the module's check-mode plan checked against the play's and turned into the fact."""
    plan = result.pop(CHECK_PLAN_KEY, None)
    if not plan or result.get("failed"):
        return result
    play = getattr(action._task.get_play(), "_uuid", None)
    host = task_vars.get("inventory_hostname")
    fact = (task_vars.get("ansible_facts") or {}).get(FACT) or {}
    planned = list(fact.get("objects") or []) if fact.get("play") == play else []
    loop = _LOOP_PLANS.setdefault((play, host), [])
    planned += [entry for entry in loop if entry not in planned]
    for assumed in plan.get("assumed") or []:
        if not plan_covers(assumed, planned):
            failed = dict(failed=True, changed=False,
                          msg="%s (check mode: no earlier task of this play creates it)" % assumed["msg"])
            for key in ("warnings", "deprecations", "invocation"):
                if key in result:
                    failed[key] = result[key]
            return failed
    new = [entry for entry in plan.get("planned") or [] if entry not in planned]
    loop.extend(new)
    facts = dict(result.get("ansible_facts") or {})
    facts[FACT] = dict(play=play, objects=planned + new)
    result["ansible_facts"] = facts
    return result
