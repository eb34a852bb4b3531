# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmarks of the authentik.api modules: API round trips per task, overhead against ansible.builtin.uri,
scaling with the size of the server, and a bulk revoke.

    python benchmarks/run.py [--quick] [--json out.json] [--no-validate] [--strict-times] [--pipelining]

Starts the authentik API simulator (tests/simulator/authentik_sim.py) in this process, links this checkout
as ansible_collections/authentik/api in a temporary collections path, runs real ``ansible-playbook``
subprocesses against the simulator (AUTHENTIK_URL/AUTHENTIK_TOKEN in the environment) and prints one
Markdown table per section, each row with its target and PASS/FAIL:

1. counts    HTTP requests and writes of one task, per module and operation (the simulator counts them; the
             callback plugin benchmarks/callback_plugins/bench_recorder.py resets and reads the counter
             around every task through the simulator's admin API, which is not counted).
2. overhead  wall time of N no-op tasks of each module against N ansible.builtin.uri GETs of the same server
             in the same playbook (``loop:`` tasks of 20 items for both, interleaved), as a ratio; median over
             repetitions.
3. scale     no-op task time with 10 vs 10,000 tokens and 10 vs 5,000 providers on the server (ratio) and
             the requests per no-op at both sizes.
4. bulk      revoking many RAC connection tokens in one task: requests, writes, time and TCP connections.

The exit code is 1 when a count target fails (requests, writes, connections); time targets are checked in
the full run and printed, and change the exit code only with ``--strict-times``. ``--quick`` runs small
sizes (seconds, for the test suite) and does not judge times.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
CALLBACKS = os.path.join(REPO, "benchmarks", "callback_plugins")
sys.path.insert(0, os.path.join(REPO, "tests", "simulator"))

# pylint: disable=wrong-import-position
from authentik_sim import (  # noqa: E402
    ALICE_PK,
    AuthentikSimulator,
    FLOW_AUTHENTICATION,
    FLOW_IMPLICIT,
    FLOW_UUIDS,
    MAPPING_RDP_DEFAULT,
    MAPPING_SSH_DEFAULT,
    MAPPING_UUIDS,
)

# pylint: disable=too-many-arguments,too-many-locals,too-many-instance-attributes,consider-using-f-string

ADMIN_TOKEN = "sim-admin-token"
ADMIN_PK = 3
PAGE_SIZE = 100  # the page size the collection asks for when it lists (the server's maximum)

TARGET_REQUESTS_NOOP = 1
TARGET_OVERHEAD_RATIO = 1.15  # normal module execution (AnsiballZ: a new Python per task)
TARGET_OVERHEAD_RATIO_IN_PROCESS = 0.15  # in-process execution (the collection's action plugins, the default)
TARGET_SCALE_RATIO = 1.10

FULL = dict(items=200, block=20, reps=3, scale_items=25, scale_reps=6, bulk=1000, tokens=10000, providers=5000, loop=500)
QUICK = dict(items=10, block=5, reps=1, scale_items=5, scale_reps=1, bulk=150, tokens=10000, providers=5000, loop=20)

MODULES = ("core_token", "rac_provider", "rac_connection_token", "rac_connection_token_info")  # the first release
#: the modules of section 1 (request counts)
COUNT_MODULES = MODULES + ("rac_property_mapping", "rac_endpoint")
#: section 2: every module
OVERHEAD_MODULES = COUNT_MODULES + ("application", "outpost", "policy_binding", "user", "group", "rbac_role", "system_settings")
#: modules that are not one object's no-op: export_info reads every listing of the server (its requests are pages,
#: asserted by tests/unit/plugins/modules/test_export_info.py)
NOT_NOOP_MODULES = ("export_info",)


# ------------------------------------------------------------------------------------------------
# results


class Row:
    """One line of a result table. ``kind`` is "count" (judged in every run), "time" (judged in the
    full run) or "info" (never judged); ``ok`` is True, False or None (not judged)."""

    def __init__(self, section, name, measured, target, ok, kind="count", data=None):
        self.section = section
        self.name = name
        self.measured = measured
        self.target = target
        self.ok = ok
        self.kind = kind
        self.data = data or {}

    @property
    def result(self):
        if self.ok is None:
            return "info" if self.kind == "info" else "n/a"
        return "PASS" if self.ok else "FAIL"

    def as_dict(self):
        return dict(section=self.section, name=self.name, measured=self.measured, target=self.target,
                    result=self.result, kind=self.kind, data=self.data)


SECTION_TITLES = {
    "counts": "1. HTTP requests per task (counted by the simulator)",
    "overhead": "2. No-op tasks against ansible.builtin.uri GETs (wall time, same playbook)",
    "scale": "3. No-op task time with a small and a large server",
    "bulk": "4. Bulk revoke of RAC connection tokens (one task)",
    "loop": "5. A loop creating many tokens, and its no-op rerun (one task each)",
}


def markdown(rows):
    """The rows as Markdown: one table per section."""
    out = []
    for section, title in SECTION_TITLES.items():
        mine = [row for row in rows if row.section == section]
        if not mine:
            continue
        out.append("### %s" % title)
        out.append("")
        out.append("| measurement | measured | target | result |")
        out.append("| --- | --- | --- | --- |")
        for row in mine:
            out.append("| %s | %s | %s | %s |" % (row.name, row.measured, row.target, row.result))
        out.append("")
    return "\n".join(out)


# ------------------------------------------------------------------------------------------------
# running playbooks


class PlayResult:
    """One ansible-playbook run: return code, output, wall seconds and the recorder's task records."""

    def __init__(self, proc, seconds, records):
        self.rc = proc.returncode
        self.output = proc.stdout + proc.stderr
        self.seconds = seconds
        self.records = records

    def task(self, name):
        for record in self.records:
            if record["name"] == name:
                return record
        raise KeyError("no record of task %r (rc %d):\n%s" % (name, self.rc, self.output[-4000:]))


class Bench:
    """Runs playbooks against a simulator ``sim`` (already started) with this checkout as the collection."""

    def __init__(self, sim, collections_path=None, workdir=None, python=None, admin_token=ADMIN_TOKEN,
                 pipelining=False, verbose=False, in_process=None):
        self.sim = sim
        # in_process: True/False sets AUTHENTIK_API_IN_PROCESS for the playbooks; None keeps this process's setting
        if in_process is None and os.environ.get("AUTHENTIK_API_IN_PROCESS"):
            in_process = os.environ["AUTHENTIK_API_IN_PROCESS"].lower() not in ("false", "0", "no", "off", "n", "f")
        self.in_process = True if in_process is None else in_process
        self.admin_token = admin_token
        self.python = python or sys.executable
        self.pipelining = pipelining
        self.verbose = verbose
        self._own = []
        self.workdir = workdir or self._tempdir("authentik-api-bench-")
        if collections_path is None:
            collections_path = self._tempdir("authentik-api-bench-collections-")
            os.makedirs(os.path.join(collections_path, "ansible_collections", "authentik"))
            os.symlink(REPO, os.path.join(collections_path, "ansible_collections", "authentik", "api"))
        self.collections_path = collections_path
        self.tmp = os.path.join(self.workdir, "ansible-tmp")
        os.makedirs(self.tmp, exist_ok=True)
        self.config = os.path.join(self.workdir, "ansible.cfg")
        with open(self.config, "w", encoding="utf-8") as handle:
            handle.write("[defaults]\n")
        self._seq = 0

    def _tempdir(self, prefix):
        path = tempfile.mkdtemp(prefix=prefix)
        self._own.append(path)
        return path

    def close(self):
        for path in self._own:
            shutil.rmtree(path, ignore_errors=True)

    def env(self, record_file, count):
        env = dict(os.environ)
        for name in list(env):
            if name.startswith("ANSIBLE_") or name.startswith("AUTHENTIK_") or name.startswith("BENCH_"):
                del env[name]
        env.update(
            ANSIBLE_CONFIG=self.config,
            ANSIBLE_COLLECTIONS_PATH=self.collections_path,
            ANSIBLE_CALLBACK_PLUGINS=CALLBACKS,
            ANSIBLE_CALLBACKS_ENABLED="bench_recorder",
            ANSIBLE_NOCOLOR="1",
            ANSIBLE_FORKS="5",
            ANSIBLE_PIPELINING="1" if self.pipelining else "0",
            ANSIBLE_RETRY_FILES_ENABLED="0",
            ANSIBLE_LOCALHOST_WARNING="0",
            ANSIBLE_INVENTORY_UNPARSED_WARNING="0",
            ANSIBLE_PYTHON_INTERPRETER=self.python,
            ANSIBLE_LOCAL_TEMP=self.tmp,
            ANSIBLE_REMOTE_TMP=self.tmp,
            AUTHENTIK_URL=self.sim.url,
            AUTHENTIK_TOKEN=self.admin_token,
            BENCH_RECORD_FILE=record_file,
            AUTHENTIK_API_IN_PROCESS="true" if self.in_process else "false",
        )
        if count:
            env.update(BENCH_SIM_URL=self.sim.url, BENCH_SIM_TOKEN=self.admin_token)
        return env

    def run(self, tasks, name="bench", count=True, check=False, timeout=3600):
        """Run one play of ``tasks`` on localhost (connection local, no facts). ``count`` makes the recorder
        read the simulator's request counter around every task (two admin calls per task, not counted)."""
        self._seq += 1
        base = os.path.join(self.workdir, "%03d-%s" % (self._seq, name))
        play = [dict(name=name, hosts="localhost", gather_facts=False, connection="local", tasks=tasks)]
        with open(base + ".yml", "w", encoding="utf-8") as handle:
            json.dump(play, handle, indent=1)  # JSON is YAML
        record_file = base + ".jsonl"
        cmd = [os.path.join(os.path.dirname(self.python), "ansible-playbook"), base + ".yml"]
        if check:
            cmd.append("--check")
        started = time.monotonic()
        proc = subprocess.run(cmd, capture_output=True, text=True, env=self.env(record_file, count), cwd=self.workdir,
                              timeout=timeout, check=False)
        seconds = time.monotonic() - started
        records = []
        if os.path.exists(record_file):
            with open(record_file, encoding="utf-8") as handle:
                records = [json.loads(line) for line in handle if line.strip()]
        if self.verbose:
            print(proc.stdout[-3000:], proc.stderr[-3000:], file=sys.stderr)
        return PlayResult(proc, seconds, records)

    def seed_task(self, **body):
        """A setup task seeding the simulator through its admin API (not counted, no row)."""
        return {"name": "setup: seed %s" % body.get("kind"), "no_log": True, "ansible.builtin.uri": dict(
            url=self.sim.url + "/_sim/seed", method="POST", headers={"Authorization": "Bearer %s" % self.admin_token},
            body_format="json", body=body, status_code=201)}

    def uri_task(self, name, path, loop=None):
        task = {"name": name, "no_log": False, "ansible.builtin.uri": dict(
            url=self.sim.url + "/api/v3/" + path, method="GET",
            headers={"Authorization": "Bearer {{ lookup('ansible.builtin.env', 'AUTHENTIK_TOKEN') }}"})}
        if loop:
            task["loop"] = "{{ range(%d) | list }}" % loop
        return task


# ------------------------------------------------------------------------------------------------
# 1. request counts


class Expect:
    """What one task may cost: ``reads`` GETs and exactly ``writes`` writes with pk/UUID references (so
    ``reads + writes`` requests, exactly), plus at most one GET per name or slug reference (``names``);
    ``changed`` as the module must report it."""

    def __init__(self, reads, writes=0, changed=False, names=0, why=""):
        self.reads = reads
        self.writes = writes
        self.changed = changed
        self.names = names
        self.why = why

    @property
    def requests(self):
        return self.reads + self.writes

    def target(self):
        writes = "%d write%s" % (self.writes, "" if self.writes == 1 else "s")
        if self.names:
            return "<= %d req (%d + %d name ref%s), %s, changed=%s" % (
                self.requests + self.names, self.requests, self.names, "s" if self.names > 1 else "", writes, self.changed)
        return "= %d req, %s, changed=%s" % (self.requests, writes, self.changed)

    def judge(self, record):
        problems = []
        if record.get("status") != "ok":
            problems.append("task %s: %s" % (record.get("status"), record.get("msg", "")[:300]))
        requests = record.get("requests")
        if self.names:
            if requests is None or requests > self.requests + self.names:
                problems.append("requests %s > %d" % (requests, self.requests + self.names))
        elif requests != self.requests:
            problems.append("requests %s != %d" % (requests, self.requests))
        if record.get("writes") != self.writes:
            problems.append("writes %s != %d" % (record.get("writes"), self.writes))
        if bool(record.get("changed")) != self.changed:
            problems.append("changed %s != %s" % (record.get("changed"), self.changed))
        return problems


def _methods(record):
    return ", ".join("%s %d" % kv for kv in sorted((record.get("by_method") or {}).items())) or "none"


def _task(row_id, module, args, check=False):
    task = {"name": "[%s] %s" % (row_id, module), "authentik.api.%s" % module: args}
    if check:
        task["check_mode"] = True
    return task


def count_scenarios(bench):
    """Seed the simulator and return ``(tasks, expectations)`` for every module: tasks run in order in one
    playbook (each builds on the state the previous ones left), expectations map a row id to
    ``(module, operation, references, Expect)``."""
    sim = bench.sim
    flow = FLOW_UUIDS[FLOW_IMPLICIT]
    rdp, ssh = MAPPING_UUIDS[MAPPING_RDP_DEFAULT], MAPPING_UUIDS[MAPPING_SSH_DEFAULT]
    rdp_name = "authentik default RAC Mapping: RDP Default settings"
    provider = sim.seed_provider("bench-rac", property_mappings=[rdp])
    ep_a = sim.seed_endpoint("ep-a", provider)
    ep_b = sim.seed_endpoint("ep-b", provider)
    other = sim.seed_provider("bench-rac-other")
    ep_other = sim.seed_endpoint("ep-a", other)  # same endpoint name on another provider: names are scoped
    ctoks = sim.seed_connection_tokens(3, provider, ep_a, ALICE_PK)
    sim.seed_connection_tokens(2, other, ep_other, ALICE_PK)
    tasks, expect = [], {}

    def add(row_id, module, operation, refs, args, exp, check=False):
        tasks.append(_task(row_id, module, args, check))
        expect[row_id] = (module, operation, refs, exp)

    # -- core_token (addressed by identifier: GET /core/tokens/?identifier=)
    tok = dict(identifier="bench-tok", intent="app_password", user=str(ALICE_PK), description="v1", expiring=False)
    add("tok-create-check", "core_token", "create, check mode", "pk", tok, Expect(1, 0, True), check=True)
    add("tok-create", "core_token", "create", "pk", tok, Expect(1, 1, True))
    add("tok-noop", "core_token", "no-op", "pk", tok, Expect(1))
    add("tok-noop-check", "core_token", "no-op, check mode", "pk", tok, Expect(1), check=True)
    add("tok-noop-name", "core_token", "no-op", "user by name", dict(tok, user="alice"), Expect(1, names=1))
    add("tok-update-check", "core_token", "update, check mode", "pk", dict(tok, description="v2"), Expect(1, 0, True), check=True)
    add("tok-update", "core_token", "update", "pk", dict(tok, description="v2"), Expect(1, 1, True))
    add("tok-update-name", "core_token", "update", "user by name", dict(tok, user="alice", description="v3"),
        Expect(1, 1, True, names=1))
    add("tok-key-set", "core_token", "set key", "pk", dict(identifier="bench-tok", key="bench-key-1"),
        Expect(2, 1, True, why="key compared through view_key"))
    add("tok-key-noop", "core_token", "no-op with key", "pk", dict(identifier="bench-tok", key="bench-key-1"),
        Expect(2, why="key compared through view_key"))
    add("tok-delete-check", "core_token", "delete, check mode", "-", dict(identifier="bench-tok", state="absent"),
        Expect(1, 0, True), check=True)
    add("tok-delete", "core_token", "delete", "-", dict(identifier="bench-tok", state="absent"), Expect(1, 1, True))
    add("tok-delete-gone", "core_token", "delete (already absent)", "-", dict(identifier="bench-tok", state="absent"), Expect(1))
    add("tok-create-name", "core_token", "create", "user by name", dict(tok, identifier="bench-tok-2", user="alice"),
        Expect(1, 1, True, names=1))

    # -- rac_provider (addressed by name: GET /providers/rac/?name__iexact=)
    prov = dict(name="bench-prov", authorization_flow=flow, property_mappings=[rdp, ssh], connection_expiry="hours=8")
    prov_names = dict(prov, authorization_flow=FLOW_IMPLICIT, property_mappings=[MAPPING_RDP_DEFAULT, rdp_name])
    add("prov-create-check", "rac_provider", "create, check mode", "UUID", prov, Expect(1, 0, True), check=True)
    add("prov-create", "rac_provider", "create", "UUID", prov, Expect(1, 1, True))
    add("prov-noop", "rac_provider", "no-op", "UUID", prov, Expect(1))
    add("prov-noop-check", "rac_provider", "no-op, check mode", "UUID", prov, Expect(1), check=True)
    add("prov-noop-same", "rac_provider", "no-op (minutes=480, mappings reordered)", "UUID",
        dict(prov, connection_expiry="minutes=480", property_mappings=[ssh, rdp.upper()]), Expect(1))
    add("prov-noop-names", "rac_provider", "no-op", "flow slug + 2 mapping names",
        dict(prov_names, property_mappings=[MAPPING_RDP_DEFAULT, "authentik default RAC Mapping: SSH Default settings"]),
        Expect(1, names=3))
    add("prov-update-check", "rac_provider", "update, check mode", "UUID", dict(prov, connection_expiry="hours=4"),
        Expect(1, 0, True), check=True)
    add("prov-update", "rac_provider", "update", "UUID", dict(prov, connection_expiry="hours=4"), Expect(1, 1, True))
    add("prov-update-names", "rac_provider", "update", "2 flow slugs + 2 mapping names",
        dict(prov_names, authentication_flow=FLOW_AUTHENTICATION, settings={"enable-wallpaper": "false"}),
        Expect(1, 1, True, names=4))
    add("prov-delete-check", "rac_provider", "delete, check mode", "-", dict(name="bench-prov", state="absent"),
        Expect(1, 0, True), check=True)
    add("prov-delete", "rac_provider", "delete", "-", dict(name="bench-prov", state="absent"), Expect(1, 1, True))
    add("prov-delete-gone", "rac_provider", "delete (already absent)", "-", dict(name="bench-prov", state="absent"), Expect(1))
    add("prov-create-names", "rac_provider", "create", "flow slug + 2 mapping names", dict(prov_names, name="bench-prov-2"),
        Expect(1, 1, True, names=3))

    # -- rac_property_mapping (addressed by name: GET /propertymappings/provider/rac/?name=); its password is masked
    pm = dict(name="bench-login", expression="return {}", static_settings={"username": "svc", "password": "bench-Pa55word"})
    add("pm-create-check", "rac_property_mapping", "create, check mode", "-", pm, Expect(1, 0, True), check=True)
    add("pm-create", "rac_property_mapping", "create", "-", pm, Expect(1, 1, True))
    add("pm-noop", "rac_property_mapping", "no-op", "-", pm, Expect(1))
    add("pm-noop-check", "rac_property_mapping", "no-op, check mode", "-", pm, Expect(1), check=True)
    pm_new = dict(pm, static_settings={"username": "svc", "password": "bench-Pa55word-2"})
    add("pm-update-check", "rac_property_mapping", "update (password), check mode", "-", pm_new, Expect(1, 0, True), check=True)
    add("pm-update", "rac_property_mapping", "update (password)", "-", pm_new, Expect(1, 1, True))
    add("pm-managed-noop", "rac_property_mapping", "no-op on a managed mapping", "-", dict(name=rdp_name, expression=""), Expect(1))

    # -- rac_endpoint (by name within its provider: GET /rac/endpoints/?name=&provider=&superuser_full_list=true, or by
    # endpoint_uuid: GET /rac/endpoints/<uuid>/)
    moving = sim.seed_endpoint("bench-ep-moving", provider)
    ep = dict(name="bench-ep", provider=str(provider), protocol="rdp", host="bench-ep.example.com:3389", auth_mode="static",
              property_mappings=[rdp, ssh], maximum_connections=2)
    ep_names = dict(ep, provider="bench-rac", property_mappings=[MAPPING_RDP_DEFAULT, "bench-login"])
    add("ep-create-check", "rac_endpoint", "create, check mode", "pk + UUID", ep, Expect(1, 0, True), check=True)
    add("ep-create", "rac_endpoint", "create", "pk + UUID", ep, Expect(1, 1, True))
    add("ep-noop", "rac_endpoint", "no-op", "pk + UUID", ep, Expect(1))
    add("ep-noop-check", "rac_endpoint", "no-op, check mode", "pk + UUID", ep, Expect(1), check=True)
    add("ep-noop-uuid", "rac_endpoint", "no-op (endpoint_uuid)", "UUID", dict(endpoint_uuid=ep_b, host="10.0.0.10"), Expect(1))
    add("ep-noop-names", "rac_endpoint", "no-op", "provider name + managed id",
        dict(ep, provider="bench-rac", property_mappings=[MAPPING_RDP_DEFAULT, ssh]), Expect(1, names=2))
    add("ep-update-check", "rac_endpoint", "update, check mode", "pk + UUID", dict(ep, maximum_connections=-1), Expect(1, 0, True),
        check=True)
    add("ep-update", "rac_endpoint", "update", "pk + UUID", dict(ep, maximum_connections=-1), Expect(1, 1, True))
    add("ep-update-names", "rac_endpoint", "update", "provider name + managed id + mapping name", ep_names,
        Expect(1, 1, True, names=3))
    add("ep-move", "rac_endpoint", "rename and move (endpoint_uuid)", "UUID + pk",
        dict(endpoint_uuid=moving, name="bench-ep-moved", provider=str(other)), Expect(1, 1, True))
    gone_ep = dict(name="bench-ep", provider=str(provider), state="absent")
    add("ep-delete-check", "rac_endpoint", "delete, check mode", "pk", gone_ep, Expect(1, 0, True), check=True)
    add("ep-delete", "rac_endpoint", "delete", "pk", gone_ep, Expect(1, 1, True))
    add("ep-delete-gone", "rac_endpoint", "delete (already absent)", "pk", gone_ep, Expect(1))
    add("ep-create-names", "rac_endpoint", "create", "provider name + managed id + mapping name", dict(ep_names, name="bench-ep-2"),
        Expect(1, 1, True, names=3))

    gone_pm = dict(name="bench-login", state="absent")
    add("pm-delete-check", "rac_property_mapping", "delete, check mode", "-", gone_pm, Expect(1, 0, True), check=True)
    add("pm-delete", "rac_property_mapping", "delete", "-", gone_pm, Expect(1, 1, True))
    add("pm-delete-gone", "rac_property_mapping", "delete (already absent)", "-", gone_pm, Expect(1))

    # -- rac_connection_token: one token (GET /rac/connection_tokens/<uuid>/)
    one = dict(token_uuid=ctoks[0], provider=str(provider), endpoint=ep_a)
    one_names = dict(token_uuid=ctoks[0], provider="bench-rac", endpoint="ep-a")
    add("ct-noop-bare", "rac_connection_token", "no-op (token_uuid only)", "UUID", dict(token_uuid=ctoks[0]), Expect(1))
    add("ct-noop", "rac_connection_token", "no-op", "pk + UUID", one, Expect(1))
    add("ct-noop-check", "rac_connection_token", "no-op, check mode", "pk + UUID", one, Expect(1), check=True)
    add("ct-noop-names", "rac_connection_token", "no-op", "provider + endpoint names", one_names, Expect(1, names=2))
    add("ct-update-check", "rac_connection_token", "update (repoint), check mode", "pk + UUID", dict(one, endpoint=ep_b),
        Expect(1, 0, True), check=True)
    add("ct-update", "rac_connection_token", "update (repoint)", "pk + UUID", dict(one, endpoint=ep_b), Expect(1, 1, True))
    add("ct-update-names", "rac_connection_token", "update (repoint)", "provider + endpoint names", one_names,
        Expect(1, 1, True, names=2))
    gone = dict(token_uuid=ctoks[0], state="absent")
    add("ct-delete-check", "rac_connection_token", "delete, check mode", "UUID", gone, Expect(1, 0, True), check=True)
    add("ct-delete", "rac_connection_token", "delete", "UUID", gone, Expect(1, 1, True))
    add("ct-delete-gone", "rac_connection_token", "delete (already absent)", "UUID", gone, Expect(1))
    # -- rac_connection_token: bulk revoke (GET pages of 100 + one DELETE per token); 2 tokens left on ep-a
    bulk = dict(provider=str(provider), endpoint=ep_a, state="absent")
    add("ct-bulk-check", "rac_connection_token", "bulk revoke 2, check mode", "pk + UUID", bulk, Expect(1, 0, True), check=True)
    add("ct-bulk", "rac_connection_token", "bulk revoke 2", "pk + UUID", bulk, Expect(1, 2, True))
    add("ct-bulk-none", "rac_connection_token", "bulk revoke, nothing left", "pk + UUID", bulk, Expect(1))
    tasks.append(bench.seed_task(kind="connection_tokens", n=5, provider_pk=provider, endpoint_uuid=ep_a, user_pk=ALICE_PK))
    add("ct-bulk-names", "rac_connection_token", "bulk revoke 5", "provider + endpoint + user names",
        dict(provider="bench-rac", endpoint="ep-a", user="alice", state="absent"), Expect(1, 5, True, names=3))

    # -- rac_connection_token_info (GET pages of 100)
    tasks.append(bench.seed_task(kind="connection_tokens", n=250, provider_pk=provider, endpoint_uuid=ep_b, user_pk=ALICE_PK))
    add("info-pk", "rac_connection_token_info", "list 250 (3 pages)", "pk", dict(provider=str(provider)), Expect(3))
    add("info-names", "rac_connection_token_info", "list 250 (3 pages)", "provider + endpoint names",
        dict(provider="bench-rac", endpoint="ep-b"), Expect(3, names=2))
    add("info-other", "rac_connection_token_info", "list 2 (1 page)", "UUID", dict(endpoint=ep_other), Expect(1))
    add("info-user", "rac_connection_token_info", "list 252 (3 pages)", "user by name", dict(user="alice"), Expect(3, names=1))

    # -- the reference: one ansible.builtin.uri GET is one request
    tasks.append(bench.uri_task("[uri-get] uri", "core/tokens/bench-tok-2/"))
    expect["uri-get"] = ("ansible.builtin.uri", "GET one token", "-", Expect(1))
    return tasks, expect


# Scenarios left out of the quick smoke (tests/system/test_benchmark_smoke.py): tasks that change nothing and
# repeat what another row already shows. Every task that changes the server stays, so later rows still hold.
SMOKE_SKIP = frozenset((
    "tok-noop-check", "tok-update-check", "tok-key-noop", "tok-delete-check", "tok-delete-gone", "prov-create-check",
    "prov-noop-check", "prov-noop-same", "prov-delete-check", "prov-delete-gone", "ct-noop-bare", "ct-noop-check",
    "ct-update-check", "ct-bulk-none", "info-other", "info-user", "tok-update-name", "prov-create-names",
    "ct-update-names", "ct-delete-gone", "pm-create-check", "pm-noop-check", "pm-update-check", "pm-managed-noop",
    "pm-delete-check", "pm-delete-gone", "ep-create-check", "ep-noop-check", "ep-update-check", "ep-delete-check",
    "ep-delete-gone", "ep-create-names",
))


def measure_counts(bench, smoke=False, modules=None):
    """Section 1: every scenario of ``count_scenarios`` in one playbook (``smoke``: without ``SMOKE_SKIP``;
    ``modules``: only the scenarios of these modules, and the set-up tasks only with the connection-token modules).
    Returns one row per scenario; a scenario whose task did not run is a failed row."""
    tasks, expect = count_scenarios(bench)
    if smoke:
        tasks = [t for t in tasks if not t["name"].startswith("[") or t["name"][1:].split("]", 1)[0] not in SMOKE_SKIP]
        expect = dict((k, v) for k, v in expect.items() if k not in SMOKE_SKIP)
    if modules:
        expect = dict((k, v) for k, v in expect.items() if v[0] in modules)
        setup = bool(set(modules) & {"rac_connection_token", "rac_connection_token_info"})

        def wanted(task):
            if task["name"].startswith("["):
                return task["name"][1:].split("]", 1)[0] in expect
            return setup or not task["name"].startswith("setup:")

        tasks = [t for t in tasks if wanted(t)]
    result = bench.run(tasks, name="counts")
    by_id = dict((r["name"][1:].split("]", 1)[0], r) for r in result.records if r["name"].startswith("["))
    rows = []
    for row_id, (module, operation, refs, exp) in expect.items():
        record = by_id.get(row_id)
        if record is None:
            rows.append(Row("counts", "%s: %s (%s)" % (module, operation, refs), "did not run (rc %d)" % result.rc,
                            exp.target(), False, data=dict(id=row_id, output=result.output[-3000:])))
            continue
        problems = exp.judge(record)
        measured = "%s req (%s), %s write%s, changed=%s" % (
            record.get("requests"), _methods(record), record.get("writes"), "" if record.get("writes") == 1 else "s",
            record.get("changed"))
        if problems:
            measured += " -- " + "; ".join(problems)
        rows.append(Row("counts", "%s: %s (%s)" % (module, operation, refs), measured, exp.target(), not problems,
                        data=dict(id=row_id, requests=record.get("requests"), writes=record.get("writes"),
                                  by_method=record.get("by_method"), log=record.get("log"), status=record.get("status"),
                                  changed=record.get("changed"))))
    return rows


# ------------------------------------------------------------------------------------------------
# 2. overhead against ansible.builtin.uri


def _per_item(record):
    """Seconds per loop item: the task's wall time (start to the last item's result) over the items."""
    items = record.get("items") or []
    return (record["end"] - record["start"]) / max(1, len(items))


def _noop_fixture(sim):
    """Objects for no-op tasks of every module; returns ``{module: args}``."""
    sim.seed_token("bench-noop", user=ADMIN_PK, intent="app_password", expiring=False, description="bench")
    flow = FLOW_UUIDS[FLOW_IMPLICIT]
    provider = sim.seed_provider("bench-noop", authorization_flow=flow)
    endpoint = sim.seed_endpoint("bench-noop", provider)
    ctok = sim.seed_connection_token(provider, endpoint, ADMIN_PK)
    sim.seed_mapping("bench-noop", static_settings={"port": "22"})
    app = sim.seed_application("bench-noop", name="Bench", provider=provider)
    sim.seed_outpost("bench-noop", [provider], config={"log_level": "info"})
    sim.seed_binding(app, order=0, user=ADMIN_PK)
    sim.seed_role("bench-noop", permissions=["authentik_core.view_user"])
    group = sim.seed_group("bench-noop")
    sim.add_to_group(group, ALICE_PK)
    sim.seed_settings(event_retention="days=365")  # the value the no-op sets (authentik's default)
    return {
        "core_token": dict(identifier="bench-noop", user=str(ADMIN_PK), intent="app_password", expiring=False,
                           description="bench"),
        "rac_provider": dict(name="bench-noop", authorization_flow=flow, connection_expiry="hours=8"),
        "rac_connection_token": dict(token_uuid=ctok, provider=str(provider), endpoint=endpoint),
        "rac_connection_token_info": dict(endpoint=endpoint),
        "rac_property_mapping": dict(name="bench-noop", static_settings={"port": "22"}),
        "rac_endpoint": dict(endpoint_uuid=endpoint, host="10.0.0.10"),
        "application": dict(slug="bench-noop", name="Bench", provider=str(provider)),
        "outpost": dict(name="bench-noop", type="rac", providers=[str(provider)], config={"log_level": "info"}),
        "policy_binding": dict(application=app, user=str(ADMIN_PK), order=0, enabled=True),
        "user": dict(username="alice", name="Alice Example", email="alice@example.com", is_active=True, path="users",
                     groups=[group]),
        "group": dict(name="bench-noop", is_superuser=False, attributes={}, users=[str(ALICE_PK)]),
        # only the name: comparing permissions reads them (one more request each for global and object permissions)
        "rbac_role": dict(name="bench-noop"),
        "system_settings": dict(event_retention="days=365"),
    }


def measure_overhead(bench, items, reps, judge_times, block=20):
    """Section 2: ``items`` no-op tasks of every module and ``items`` ansible.builtin.uri GETs of the same
    server, in one playbook per repetition. Each runs as ``loop:`` tasks of ``block`` items, interleaved
    (uri, core_token, rac_provider, ..., then again with the order rotated) so that a change of the
    machine's load hits every contender alike. The ratio compares median times per task (``overhead_rows``)."""
    sim = bench.sim
    sim.reset()
    args = _noop_fixture(sim)
    names = ["uri"] + list(OVERHEAD_MODULES)
    block = max(1, min(block, items))
    rounds = int(math.ceil(items / float(block)))
    runs = []
    for rep in range(reps):
        tasks = []
        for rnd in range(rounds):
            size = min(block, items - rnd * block)
            shift = (rep * rounds + rnd) % len(names)
            for name in names[shift:] + names[:shift]:
                if name == "uri":
                    task = bench.uri_task("uri", "core/tokens/bench-noop/", loop=size)
                else:
                    task = _task("noop", name, args[name])
                    task["loop"] = "{{ range(%d) | list }}" % size
                task["name"] = "%s #%d" % (name, rnd)
                tasks.append(task)
        runs.append(bench.run(tasks, name="overhead-%d" % rep).records)
    return overhead_rows(runs, items, block, judge_times, in_process=bench.in_process)


def overhead_rows(runs, items, block, judge_times, in_process=False):
    """Rows of section 2 from the recorder's records of each repetition (``runs``: one list per playbook).

    A contender's time per task is the median, over every block of every repetition, of the block's wall
    time divided by its items: a burst of load from elsewhere that hits a few blocks moves the median
    little, where it would move a sum a lot. The sums per repetition are shown too."""
    names = ["uri"] + list(OVERHEAD_MODULES)
    target = TARGET_OVERHEAD_RATIO_IN_PROCESS if in_process else TARGET_OVERHEAD_RATIO
    mode = "in-process" if in_process else "normal"
    rounds = int(math.ceil(items / float(max(1, min(block, items)))))
    per_task = dict((name, []) for name in names)
    totals = dict((name, []) for name in names)
    requests = dict((name, []) for name in names)
    failures = []
    for records in runs:
        by_name = dict((record["name"], record) for record in records)
        for name in names:
            total, count, done = 0.0, 0, 0
            for rnd in range(rounds):
                record = by_name.get("%s #%d" % (name, rnd))
                if record is None or record.get("status") != "ok":
                    failures.append("%s #%d: %s" % (name, rnd, "did not run" if record is None else
                                                    "%s %s" % (record.get("status"), record.get("msg", "")[:300])))
                    break
                seconds = record["end"] - record["start"]
                n = len(record.get("items") or [])
                per_task[name].append(seconds / max(1, n))
                total += seconds
                count += record.get("requests") or 0
                done += n
            if done == items:
                totals[name].append(total)
                requests[name].append(count)
    rows = []
    if failures:
        rows.append(Row("overhead", "playbook runs", "; ".join(failures)[:1000], "every task ok", False))
    if not per_task["uri"]:
        return rows
    uri = statistics.median(per_task["uri"])
    rows.append(Row("overhead", "ansible.builtin.uri GET x %d" % items, "%.1f ms/task (median of %d blocks); totals: %s s" % (
        1000 * uri, len(per_task["uri"]), ", ".join("%.1f" % t for t in totals["uri"])), "reference", None, kind="info",
        data=dict(per_task=per_task["uri"], totals=totals["uri"], requests=requests["uri"])))
    for name in OVERHEAD_MODULES:
        if not per_task[name]:
            continue
        med = statistics.median(per_task[name])
        ratio = med / uri
        sums = ["%.2f" % (m / u) for m, u in zip(totals[name], totals["uri"])]
        rows.append(Row("overhead", "%s no-op x %d / uri x %d (%s)" % (name, items, items, mode),
                        "%.3f (%.1f vs %.1f ms/task; ratio of totals per run: %s)" % (ratio, 1000 * med, 1000 * uri, ", ".join(sums)),
                        "<= %.2f" % target, (ratio <= target) if judge_times else None, kind="time",
                        data=dict(ratio=ratio, per_task=per_task[name], totals=totals[name], uri_totals=totals["uri"])))
        counts = [r / float(items) for r in requests[name]]
        # in-process, the items of one loop share the listing of their lookups (module_utils/_shared.py): fewer
        ok = bool(counts) and all(value <= TARGET_REQUESTS_NOOP if in_process else value == TARGET_REQUESTS_NOOP
                                  for value in counts)
        rows.append(Row("overhead", "%s no-op: requests per task" % name, ", ".join("%g" % v for v in counts) or "?",
                        "%s %d" % ("<=" if in_process else "=", TARGET_REQUESTS_NOOP), ok, data=dict(requests=requests[name])))
    return rows


# ------------------------------------------------------------------------------------------------
# 3. scale


def measure_scale(bench, items, reps, tokens, providers, judge_times, small=True):
    """Section 3: the same playbook (no-op core_token and rac_provider tasks, ``items`` each) against a
    server with 10 tokens and 10 providers and one with ``tokens`` tokens and ``providers`` providers;
    alternating small/large, ``reps`` times each; median of the task wall times. ``small=False`` runs
    only the large server (request counts only, no ratio)."""
    sim = bench.sim
    sizes = (("small", 10, 10), ("large", tokens, providers)) if small else (("large", tokens, providers),)
    seconds = dict(((size, module), []) for size, _t, _p in sizes for module in ("core_token", "rac_provider"))
    requests = dict((key, []) for key in seconds)
    failures = []
    for rep in range(reps):
        for size, n_tokens, n_providers in sizes:
            sim.reset()
            args = _noop_fixture(sim)  # 3 tokens (2 seed + 1) and 1 provider
            sim.seed_tokens(max(0, n_tokens - 3), prefix="scale-token")
            sim.seed_providers(max(0, n_providers - 1), prefix="scale-provider")
            tasks = []
            for module in ("core_token", "rac_provider"):
                task = _task("scale", module, args[module])
                task["name"] = module
                task["loop"] = "{{ range(%d) | list }}" % items
                tasks.append(task)
            result = bench.run(tasks, name="scale-%s-%d" % (size, rep))
            for module in ("core_token", "rac_provider"):
                try:
                    record = result.task(module)
                except KeyError as exc:
                    failures.append(str(exc)[:500])
                    continue
                if record.get("status") != "ok":
                    failures.append("%s %s: %s" % (size, module, record.get("msg", "")[:300]))
                    continue
                seconds[(size, module)].append(record["end"] - record["start"])
                requests[(size, module)].append(record.get("requests"))
    rows = []
    if failures:
        rows.append(Row("scale", "playbook runs", "; ".join(failures)[:1000], "every task ok", False))
    for module, what, n_large in (("core_token", "tokens", tokens), ("rac_provider", "providers", providers)):
        small_s, large_s = seconds.get(("small", module)), seconds.get(("large", module))
        if small_s and large_s:
            ratio = statistics.median(large_s) / statistics.median(small_s)
            rows.append(Row("scale", "%s no-op x %d: %d / 10 %s" % (module, items, n_large, what),
                            "%.3f (%.1f vs %.1f ms/task)" % (ratio, 1000 * statistics.median(large_s) / items,
                                                             1000 * statistics.median(small_s) / items),
                            "<= %.2f" % TARGET_SCALE_RATIO, (ratio <= TARGET_SCALE_RATIO) if judge_times else None,
                            kind="time", data=dict(ratio=ratio, small=small_s, large=large_s)))
        for size, n in (("small", 10), ("large", n_large)):
            if (size, module) not in requests:
                continue
            per_task = [r / float(items) for r in requests[(size, module)] if r is not None]
            # in-process, a loop may read one page of the listing its items share (see LoopShare.find): never more
            limit = TARGET_REQUESTS_NOOP + (1.0 / items if bench.in_process else 0)
            ok = bool(per_task) and all(value <= limit for value in per_task)
            rows.append(Row("scale", "%s no-op with %d %s: requests per task" % (module, n, what),
                            ", ".join("%g" % v for v in per_task) or "?", "<= %g" % limit, ok,
                            data=dict(requests=requests[(size, module)])))
    return rows


# ------------------------------------------------------------------------------------------------
# 4. bulk revoke


def measure_bulk(bench, n, by_names=False, check=False):
    """Section 4: one rac_connection_token task revoking ``n`` tokens (filters by pk/UUID, or by provider,
    endpoint and user names). Requests must be pages + deletes + lookups, over one TCP connection."""
    sim = bench.sim
    sim.reset()
    provider = sim.seed_provider("bench-bulk")
    endpoint = sim.seed_endpoint("bench-bulk", provider)
    sim.seed_connection_tokens(n, provider, endpoint, ALICE_PK)
    other = sim.seed_endpoint("bench-bulk-other", provider)
    sim.seed_connection_tokens(3, provider, other, ALICE_PK)  # not selected: must survive
    if by_names:
        args, lookups, refs = dict(provider="bench-bulk", endpoint="bench-bulk", user="alice"), 3, "names"
    else:
        args, lookups, refs = dict(provider=str(provider), endpoint=endpoint, user=str(ALICE_PK)), 0, "pk/UUID"
    args["state"] = "absent"
    pages = max(1, int(math.ceil(n / float(PAGE_SIZE))))
    writes = 0 if check else n
    expected = pages + writes + lookups
    sim.reset_counts()
    connections = sim.connections
    result = bench.run([_task("bulk", "rac_connection_token", args, check)], name="bulk-%d" % n, count=False)
    connections = sim.connections - connections
    record = result.records[0] if result.records else {}
    requests, sent = sim.count(), sim.writes()
    left = sum(1 for t in sim.connection_tokens.values() if t["endpoint"] == endpoint)
    seconds = record.get("end", 0) - record.get("start", 0)
    problems = []
    if record.get("status") != "ok":
        problems.append("task %s: %s" % (record.get("status"), record.get("msg", "")[:300]))
    if record.get("count") != n:
        problems.append("count %s != %d" % (record.get("count"), n))
    if requests != expected:
        problems.append("requests %d != %d" % (requests, expected))
    if sent != writes:
        problems.append("writes %d != %d" % (sent, writes))
    if connections != 1:
        problems.append("connections %d != 1" % connections)
    if left != (n if check else 0) or sum(1 for t in sim.connection_tokens.values() if t["endpoint"] == other) != 3:
        problems.append("wrong tokens left")
    label = "revoke %d tokens%s (%s)" % (n, ", check mode" if check else "", refs)
    measured = "%d (GET %d, DELETE %d) / %d / %d" % (requests, sim.count("GET"), sim.count("DELETE"), sent, connections)
    if problems:
        measured += " -- " + "; ".join(problems)
    target = "= %d (%d page%s + %d deletes + %d lookups) / %d / 1" % (
        expected, pages, "s" if pages > 1 else "", writes, lookups, writes)
    data = dict(requests=requests, writes=sent, connections=connections, seconds=seconds, pages=pages, lookups=lookups)
    rows = [Row("bulk", label + ": requests / writes / TCP connections", measured, target, not problems, data=data),
            Row("bulk", label + ": time", "%.2f s task (%.2f ms per revoked token); playbook %.2f s" % (
                seconds, 1000 * seconds / max(1, n), result.seconds), "reported", None, kind="info",
                data=dict(seconds=seconds, playbook_seconds=result.seconds))]
    return rows


# ------------------------------------------------------------------------------------------------
# 5. a loop of many creates, then its no-op rerun


def measure_loop(bench, n):
    """Section 5: one core_token task looping over ``n`` new tokens, then the same task again (every item a
    no-op). Wall time of each task, and its requests: 2 per created token (lookup + POST), 1 per no-op; in-process the
    items share the listing (module_utils/_shared.py): one page more for the creates, and the no-op rerun costs its
    pages (read whole up to 10 pages; beyond, at most about twice the pages)."""
    sim = bench.sim
    sim.reset()
    task = _task("loop", "core_token", dict(identifier="bench-loop-{{ item }}", user=str(ADMIN_PK), expiring=False,
                                            description="bench loop"))
    task["loop"] = "{{ range(%d) | list }}" % n
    rows = []
    pages = int(math.ceil(n / float(PAGE_SIZE)))
    if bench.in_process:
        expected_counts = (("create", 2 * n + 1, True), ("no-op rerun", pages if pages <= 10 else 2 * pages, False))
    else:
        expected_counts = (("create", 2 * n, True), ("no-op rerun", n, False))
    for label, expected, changed in expected_counts:
        result = bench.run([dict(task)], name="loop-%s" % label.split()[0])
        record = result.records[0] if result.records else {}
        seconds = record.get("end", 0) - record.get("start", 0)
        problems = []
        if record.get("status") != "ok" or bool(record.get("changed")) != changed:
            problems.append("task %s, changed %s: %s" % (record.get("status"), record.get("changed"), record.get("msg", "")[:300]))
        if record.get("requests") is None or record["requests"] > expected or (not bench.in_process and record["requests"] != expected):
            problems.append("requests %s, expected %s%d" % (record.get("requests"), "at most " if bench.in_process else "", expected))
        name = "core_token loop of %d, %s (%s)" % (n, label, "in-process" if bench.in_process else "normal")
        rows.append(Row("loop", name + ": requests", "%s%s" % (record.get("requests"), " -- " + "; ".join(problems) if problems else ""),
                        "%s %d" % ("<=" if bench.in_process else "=", expected), not problems, data=dict(requests=record.get("requests"))))
        rows.append(Row("loop", name + ": time", "%.1f s task (%.1f ms per item); playbook %.1f s" % (
            seconds, 1000 * seconds / max(1, n), result.seconds), "reported", None, kind="info",
            data=dict(seconds=seconds, playbook_seconds=result.seconds)))
    return rows


# ------------------------------------------------------------------------------------------------
# main


def machine():
    try:
        load = os.getloadavg()
    except OSError:
        load = None
    try:
        import ansible  # pylint: disable=import-outside-toplevel
        ansible_version = ansible.__version__ if hasattr(ansible, "__version__") else None
        if ansible_version is None:
            from ansible.release import __version__ as ansible_version  # pylint: disable=import-outside-toplevel
    except ImportError:
        ansible_version = None
    return dict(cpus=os.cpu_count(), loadavg=load, python=platform.python_version(), ansible_core=ansible_version,
                platform=platform.platform())


def run_all(args):
    sizes = dict(QUICK if args.quick else FULL)
    for name in ("items", "reps", "bulk", "loop"):
        if getattr(args, name) is not None:
            sizes[name] = getattr(args, name)
    sections = args.only or ["counts", "overhead", "scale", "bulk", "loop"]
    judge_times = not args.quick
    validate = False if args.no_validate else True
    sim = AuthentikSimulator(host="127.0.0.1", port=0, admin_token=ADMIN_TOKEN, validate=validate).start()
    bench = Bench(sim, pipelining=args.pipelining, verbose=args.verbose, in_process=args.mode == "in-process")
    rows = []
    started = time.monotonic()
    info = dict(machine_start=machine(), sizes=sizes, quick=args.quick, validate=sim.validating, pipelining=args.pipelining,
                mode=args.mode)
    try:
        if "counts" in sections:
            sim.reset()
            rows += measure_counts(bench, modules=args.module)
            _progress(rows, "counts", started)
        if "overhead" in sections:
            rows += measure_overhead(bench, sizes["items"], sizes["reps"], judge_times, block=sizes["block"])
            _progress(rows, "overhead", started)
        if "scale" in sections:
            rows += measure_scale(bench, sizes["scale_items"], sizes["scale_reps"], sizes["tokens"], sizes["providers"],
                                  judge_times)
            _progress(rows, "scale", started)
        if "bulk" in sections:
            rows += measure_bulk(bench, sizes["bulk"])
            rows += measure_bulk(bench, sizes["bulk"], check=True)
            rows += measure_bulk(bench, min(sizes["bulk"], 150), by_names=True)
            _progress(rows, "bulk", started)
        if "loop" in sections:
            rows += measure_loop(bench, sizes["loop"])
            _progress(rows, "loop", started)
    finally:
        violations = list(sim.violations)
        sim.stop()
        if args.keep:
            print("work directory kept: %s" % bench.workdir, file=sys.stderr)
        else:
            bench.close()
    if violations:
        rows.append(Row("counts", "simulator contract violations", "%d: %s" % (len(violations), violations[:3]), "0", False))
    info["machine_end"] = machine()
    info["seconds"] = time.monotonic() - started
    return rows, info


def _progress(rows, section, started):
    failed = [row.name for row in rows if row.section == section and row.ok is False]
    print("[%6.1f s] %s done%s" % (time.monotonic() - started, section, (": FAIL " + ", ".join(failed)) if failed else ""),
          file=sys.stderr, flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (seconds); times are reported, not judged")
    parser.add_argument("--json", metavar="FILE", help="also write the rows and the machine's details as JSON")
    parser.add_argument("--no-validate", action="store_true", help="no authentik_client contract checks in the simulator")
    parser.add_argument("--strict-times", action="store_true", help="a missed time target also makes the exit code 1")
    parser.add_argument("--pipelining", action="store_true", help="ANSIBLE_PIPELINING=1 (same for the modules and uri)")
    parser.add_argument("--mode", choices=["in-process", "normal"], default="in-process",
                        help="module execution: in the controller process (the collection's default) or normal "
                             "(AUTHENTIK_API_IN_PROCESS=false: AnsiballZ, a Python per task)")
    parser.add_argument("--only", action="append", choices=["counts", "overhead", "scale", "bulk", "loop"], help="run only these sections")
    parser.add_argument("--module", action="append", choices=COUNT_MODULES + ("ansible.builtin.uri",),
                        help="section 1 (counts): only the rows of these modules (repeatable)")
    parser.add_argument("--items", type=int, help="loop items per timed task (default 200, quick 10)")
    parser.add_argument("--reps", type=int, help="repetitions of the overhead playbook (default 3, quick 1)")
    parser.add_argument("--bulk", type=int, help="connection tokens to revoke (default 1000, quick 150)")
    parser.add_argument("--loop", type=int, help="tokens created by one loop, then its no-op rerun (default 500, quick 20)")
    parser.add_argument("--keep", action="store_true", help="keep the work directory (playbooks, records)")
    parser.add_argument("--verbose", action="store_true", help="print the tail of every ansible-playbook output")
    args = parser.parse_args(argv)
    rows, info = run_all(args)
    print(markdown(rows))
    count_failures = [row for row in rows if row.kind == "count" and row.ok is False]
    time_failures = [row for row in rows if row.kind == "time" and row.ok is False]
    print("%d rows: %d count target%s failed, %d time target%s failed; %s modules, validation %s, pipelining %s, %.0f s, load %s" % (
        len(rows), len(count_failures), "" if len(count_failures) == 1 else "s", len(time_failures),
        "" if len(time_failures) == 1 else "s", info["mode"], "on" if info["validate"] else "off", "on" if info["pipelining"] else "off",
        info["seconds"], info["machine_end"]["loadavg"]))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(dict(info=info, rows=[row.as_dict() for row in rows]), handle, indent=1, default=str)
    if count_failures or (args.strict_times and time_failures):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
