# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Plays that must run again in any state, shared by the simulator's system tests (tests/system/test_rerun.py) and
the real server's (tests/realserver/test_rerun_real.py):

- a setup that uses every module and every kind of reference between them, and its teardown in two orders
  (children first, parents first), each run twice: the second run is ok with nothing to do;
- check mode of the setup on a server where none of it exists: every task predicts its change (the names it needs
  are created by earlier tasks), none fails; the same play with one misspelt name fails in check mode on that task,
  exactly as the real run does;
- a RAC provider given to the embedded outpost (type proxy): refused with one line, nothing written.

The group the bindings name is made by the caller (``group``). The setup also makes a service account, a role holding
a global permission and an object permission on the setup's RAC provider, and a group of that user with that role; a
teardown in parents-first order deletes the provider before the role whose object permission names it, and the user
and the role before the group that names them: state absent still succeeds.
"""

from __future__ import annotations

import json
import re

FLOW = "default-provider-authorization-implicit-consent"
FAILED_RE = re.compile(r"^fatal: \[[^\]]+\]: FAILED! => (\{.*\})$", re.M)

# The role and the group of the setup (their options, repeated by the teardown with state absent).
ROLE = ("name: {p}-role, permissions: [authentik_core.view_application], object_permissions: "
        "[{{permission: authentik_providers_rac.view_racprovider, object: {p}-prov}}]")
USERS_GROUP = "name: {p}-grp, users: [{p}-svc], roles: [{p}-role]"

# (name, task) of the setup, in the order that creates what is referenced first.
SETUP = [
    ("mapping", "authentik.api.rac_property_mapping: {{name: {p}-map, static_settings: {{username: svc}}}}"),
    ("provider", "authentik.api.rac_provider: {{name: {p}-prov, authorization_flow: %s, property_mappings: [{p}-map]}}" % FLOW),
    ("provider kept", "authentik.api.rac_provider: {{name: {p}-keep, authorization_flow: %s}}" % FLOW),
    ("endpoint", "authentik.api.rac_endpoint: {{name: {p}-ep, provider: {p}-prov, protocol: rdp, host: 'ep.example.com:3389',"
                 " property_mappings: [{p}-map]}}"),
    ("application", "authentik.api.application: {{slug: {p}-app, name: {p}-app, provider: {p}-prov}}"),
    ("outpost", "authentik.api.outpost: {{name: {p}-outpost, type: rac, providers: [{p}-keep, {p}-prov]}}"),
    ("application binding", "authentik.api.policy_binding: {{application: {p}-app, group: {g}}}"),
    ("endpoint binding", "authentik.api.policy_binding: {{rac_endpoint: {p}-ep, rac_provider: {p}-prov, group: {g}}}"),
    ("token", "authentik.api.core_token: {{identifier: {p}-token, description: rerun, expiring: false}}"),
    ("user", "authentik.api.user: {{username: {p}-svc, name: rerun service account, type: service_account}}"),
    ("role", "authentik.api.rbac_role: {{%s}}" % ROLE),
    ("group", "authentik.api.group: {{%s}}" % USERS_GROUP),
]

# Children first: what refers to an object goes before it.
TEARDOWN = [
    ("endpoint binding", "authentik.api.policy_binding: {{rac_endpoint: {p}-ep, rac_provider: {p}-prov, group: {g}, state: absent}}"),
    ("application binding", "authentik.api.policy_binding: {{application: {p}-app, group: {g}, state: absent}}"),
    ("sessions", "authentik.api.rac_connection_token: {{provider: {p}-prov, endpoint: {p}-ep, state: absent}}"),
    ("group", "authentik.api.group: {{%s, state: absent}}" % USERS_GROUP),
    ("user", "authentik.api.user: {{username: {p}-svc, state: absent}}"),
    ("role object permission", "authentik.api.rbac_role: {{name: {p}-role, object_permissions_mode: remove, object_permissions: "
                               "[{{permission: authentik_providers_rac.view_racprovider, object: {p}-prov}}]}}"),
    ("role", "authentik.api.rbac_role: {{%s, state: absent}}" % ROLE),
    ("outpost provider", "authentik.api.outpost: {{name: {p}-outpost, providers: [{p}-prov], providers_mode: remove}}"),
    ("token", "authentik.api.core_token: {{identifier: {p}-token, state: absent}}"),
    ("application", "authentik.api.application: {{slug: {p}-app, state: absent}}"),
    ("endpoint", "authentik.api.rac_endpoint: {{name: {p}-ep, provider: {p}-prov, state: absent}}"),
    ("provider", "authentik.api.rac_provider: {{name: {p}-prov, state: absent}}"),
    ("mapping", "authentik.api.rac_property_mapping: {{name: {p}-map, state: absent}}"),
]

# The same tasks, parents first: every child task then meets a parent that is already gone.
ORDERS = {"children-first": TEARDOWN, "parents-first": list(reversed(TEARDOWN))}

# What outlives the teardown (the test removes it): the outpost with its other provider, and that provider.
LEFTOVERS = [
    ("outpost", "authentik.api.outpost: {{name: {p}-outpost, state: absent}}"),
    ("provider kept", "authentik.api.rac_provider: {{name: {p}-keep, state: absent}}"),
]


def play(tasks, prefix, group, name="tasks"):
    lines = ["- name: %s" % name, "  hosts: localhost", "  gather_facts: false", "  tasks:"]
    for title, task in tasks:
        lines.append("    - name: %s" % title)
        lines.append("      " + task.format(p=prefix, g=group))
    return "\n".join(lines) + "\n"


def failures(run):
    """The messages of the failed tasks of a run, in order."""
    return [json.loads(m).get("msg", "") for m in FAILED_RE.findall(run.stdout)]


def env_for(mode):
    return {"AUTHENTIK_API_IN_PROCESS": "true" if mode == "in-process" else "false"}


def teardown_twice(playbook, prefix, group, order, mode):
    """Setup, then the teardown in ``order`` twice: the second run (and its check mode) is ok with 0 changes."""
    env = env_for(mode)
    setup = playbook(play(SETUP, prefix, group, "setup"), env=env)
    assert setup.rc == 0 and setup.recap()["changed"] == len(SETUP), failures(setup) or setup.output[-3000:]
    teardown = play(ORDERS[order], prefix, group, "teardown " + order)
    first = playbook(teardown, env=env)
    assert first.rc == 0, failures(first) or first.output[-3000:]
    assert first.recap()["changed"] >= 1
    second = playbook(teardown, env=env)
    assert second.rc == 0 and second.recap()["failed"] == 0, failures(second) or second.output[-3000:]
    assert second.recap()["changed"] == 0, second.output[-3000:]
    checked = playbook(teardown, "--check", "--diff", env=env)
    assert checked.rc == 0 and checked.recap()["changed"] == 0, failures(checked) or checked.output[-3000:]
    leftovers = playbook(play(LEFTOVERS, prefix, group, "leftovers"), env=env)
    assert leftovers.rc == 0, failures(leftovers)
    return first, second


def check_mode_of_a_new_setup(playbook, prefix, group, mode):
    """--check on a server without the setup: every task predicts its change, none fails, nothing is written."""
    run = playbook(play(SETUP, prefix, group, "setup"), "--check", "--diff", env=env_for(mode))
    assert run.rc == 0 and run.recap()["failed"] == 0, failures(run) or run.output[-3000:]
    assert run.recap()["changed"] == len(SETUP), run.output[-3000:]
    assert "known after apply" in run.stdout
    return run


TYPO = ("endpoint of a misspelt provider", "authentik.api.rac_endpoint: {{name: {p}-ep2, provider: {p}-porv, protocol: rdp, "
        "host: 'ep2.example.com:3389'}}")
TYPO_ERROR = "provider: no RAC provider '%s-porv' found"


def check_mode_catches_a_typo(playbook, prefix, group, mode):
    """The setup plus a task naming a provider that no task creates: --check fails on that task with the error of a
    real run (which fails the same way), after predicting the tasks before it."""
    text = play(SETUP + [TYPO], prefix, group, "setup with a typo")
    run = playbook(text, "--check", env=env_for(mode))
    assert run.rc != 0 and run.recap()["failed"] == 1, run.output[-3000:]
    assert run.recap()["changed"] == len(SETUP)
    assert failures(run) == [TYPO_ERROR % prefix + " (check mode: no earlier task of this play creates it)"], failures(run)
    single = playbook(play([TYPO], prefix, group, "the typo alone"), "--check", env=env_for(mode))
    assert failures(single) == [TYPO_ERROR % prefix + " (check mode: no earlier task of this play creates it)"]
    real = playbook(play([TYPO], prefix, group, "the typo, really"), env=env_for(mode))
    assert failures(real) == [TYPO_ERROR % prefix], failures(real)
    return run


EMBEDDED = "authentik Embedded Outpost"


def embedded_outpost_refuses_rac(playbook, prefix, group, mode):
    """A RAC provider given to the embedded outpost (type proxy): one line naming both types, nothing written."""
    tasks = [("provider", "authentik.api.rac_provider: {{name: {p}-prov, authorization_flow: %s}}" % FLOW),
             ("to the embedded outpost",
              "authentik.api.outpost: {{name: '%s', providers: [{p}-prov], providers_mode: add}}" % EMBEDDED)]
    run = playbook(play(tasks, prefix, group, "a RAC provider on a proxy outpost"), env=env_for(mode))
    assert run.rc != 0, run.output[-3000:]
    [msg] = failures(run)
    assert msg == ("providers: provider '%s-prov' is a RAC Provider (authentik_providers_rac.racprovider) and outpost "
                   "'%s' is of type proxy, which serves only proxy providers; give it to an outpost of type rac"
                   % (prefix, EMBEDDED)), msg
    checked = playbook(play(tasks[1:], prefix, group, "the same in check mode"), "--check", env=env_for(mode))
    assert failures(checked) == [msg]
    gone = playbook(play([("provider", "authentik.api.rac_provider: {{name: {p}-prov, state: absent}}")], prefix, group), env=env_for(mode))
    assert gone.rc == 0
    return msg
