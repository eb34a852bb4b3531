# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark recorder: one JSON line per finished task (and timestamps of its loop items).

Used only by benchmarks/run.py, enabled with ANSIBLE_CALLBACKS_ENABLED=bench_recorder and
ANSIBLE_CALLBACK_PLUGINS=<this folder>. Settings come from the environment:

- BENCH_RECORD_FILE: where to append the JSON lines (required, else the callback does nothing).
- BENCH_SIM_URL and BENCH_SIM_TOKEN: when set, the simulator's request counter is reset through its
  admin API (``POST /_sim/reset_counts``) when a task starts, and read back (``GET /_sim/stats``)
  when it ends, so every record carries the API requests of exactly that task. Admin calls are
  not counted by the simulator. Leave them unset for timing runs.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: bench_recorder
type: aggregate
short_description: Records per-task times and simulator request counts for benchmarks/run.py
description:
  - Internal to the authentik.api benchmarks; not part of the collection.
requirements:
  - enable in configuration
"""

import json
import os
import time

try:
    from urllib.request import Request, urlopen
except ImportError:  # pragma: no cover
    Request = urlopen = None

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "bench_recorder"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self):
        super(CallbackModule, self).__init__()
        self._file = os.environ.get("BENCH_RECORD_FILE")
        self._sim = os.environ.get("BENCH_SIM_URL")
        self._token = os.environ.get("BENCH_SIM_TOKEN", "")
        self._task = None

    def _admin(self, method, action):
        req = Request(self._sim.rstrip("/") + "/_sim/" + action, method=method,
                      headers={"Authorization": "Bearer %s" % self._token})
        with urlopen(req, timeout=30) as resp:  # nosec - loopback simulator only
            body = resp.read()
        return json.loads(body.decode("utf-8")) if body else None

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._finish()
        if self._file and self._sim:
            self._admin("POST", "reset_counts")
        self._task = {"name": task.get_name(), "start": time.monotonic(), "items": []}

    def v2_playbook_on_handler_task_start(self, task):
        self.v2_playbook_on_task_start(task, False)

    def _item(self, result):
        if self._task is not None:
            self._task["items"].append(time.monotonic())

    v2_runner_item_on_ok = v2_runner_item_on_failed = v2_runner_item_on_skipped = _item

    def _end(self, result, status):
        if self._task is None:
            return
        task = self._task
        task["end"] = time.monotonic()
        task["status"] = status
        res = result._result  # pylint: disable=protected-access
        task["changed"] = bool(res.get("changed"))
        if status == "failed":
            task["msg"] = str(res.get("msg", ""))[:2000]
            failed_items = [r.get("msg") for r in res.get("results", []) if isinstance(r, dict) and r.get("failed")]
            if failed_items:
                task["msg"] = str(failed_items[0])[:2000]
        if "count" in res:
            task["count"] = res["count"]
        if self._file and self._sim:
            stats = self._admin("GET", "stats")
            task["requests"] = stats["requests"]
            task["by_method"] = stats["by_method"]
            task["writes"] = stats["writes"]
            task["log"] = stats["log"][:50]
        self._finish()

    def v2_runner_on_ok(self, result):
        self._end(result, "ok")

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._end(result, "failed")

    def v2_runner_on_skipped(self, result):
        self._end(result, "skipped")

    def v2_runner_on_unreachable(self, result):
        self._end(result, "unreachable")

    def _finish(self):
        if self._task is not None and "end" in self._task and self._file:
            with open(self._file, "a", encoding="utf-8") as handle:
                handle.write(json.dumps(self._task) + "\n")
        if self._task is not None and "end" in self._task:
            self._task = None

    def v2_playbook_on_stats(self, stats):
        self._finish()
