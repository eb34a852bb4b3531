# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""In-process execution (plugins/plugin_utils/_in_process.py): the action plugins run the modules inside the
controller when the task runs there, and fall back to Ansible's normal module execution otherwise.

Whether a module ran in-process is read from what Ansible leaves behind, not from the plugin's word: with
``ANSIBLE_KEEP_REMOTE_FILES=1`` every normal module run keeps its ``AnsiballZ_<module>.py`` in the remote
temporary directory; an in-process run writes none. ``make system`` runs once; the tests here set the switch
themselves: ``test_every_module_runs_in_the_mode_asked_for`` runs a task of every module in each mode,
``test_in_process_results_equal_normal_results`` compares what the two modes register.
"""

from __future__ import annotations

import glob
import json
import os
import re
import textwrap

import pytest

# Every module of the collection: each has an action plugin of its name, and a task in EVERY_MODULE below.
MODULES = tuple(sorted(os.path.basename(p)[:-3] for p in glob.glob(os.path.join(
    os.path.dirname(__file__), "..", "..", "plugins", "modules", "*.py")) if not os.path.basename(p).startswith("_")))
MARKER = "running in the controller process"

# One task of every module (check mode: nothing is written, every module reaches the server).
EVERY_MODULE = """
- hosts: localhost
  gather_facts: false
  check_mode: true
  tasks:
    - authentik.api.core_token: {identifier: i16-mode, user: akadmin}
    - authentik.api.rac_provider: {name: i16-mode, authorization_flow: default-provider-authorization-implicit-consent}
    - authentik.api.rac_connection_token: {token_uuid: 00000000-0000-4000-8000-000000000001, state: absent}
    - authentik.api.rac_connection_token_info: {}
    - authentik.api.rac_property_mapping: {name: i16-mode, static_settings: {port: "22"}}
    - authentik.api.rac_endpoint: {name: i16-mode, provider: 99999, protocol: ssh, host: h}
      ignore_errors: true
    - authentik.api.application: {slug: i16-mode, name: i16-mode}
    - authentik.api.outpost: {name: i16-mode, type: rac, providers: [i16-mode]}
    - authentik.api.policy_binding: {application: i16-mode, group: i16-mode}
      ignore_errors: true
    - authentik.api.user: {username: i16-mode, type: service_account}
    - authentik.api.rbac_role: {name: i16-mode, permissions: [authentik_core.view_user]}
    - authentik.api.group: {name: i16-mode, users: [i16-mode], roles: [i16-mode]}
    - authentik.api.system_settings: {default_token_length: 64}
    - authentik.api.export_info: {kinds: [rac_provider, group]}
"""


def test_every_module_has_an_action_plugin_and_a_task():
    here = os.path.dirname(__file__)
    for module in MODULES:
        assert os.path.isfile(os.path.join(here, "..", "..", "plugins", "action", module + ".py")), module
        assert "authentik.api.%s:" % module in EVERY_MODULE, module


def ansiballz_files(remote_tmp):
    return sorted(os.path.basename(p) for p in glob.glob(os.path.join(remote_tmp, "*", "AnsiballZ_*.py")))


def run_keeping_files(playbook, tmp_path, text, *args, **env):
    remote_tmp = str(tmp_path / "remote")
    env.update(ANSIBLE_KEEP_REMOTE_FILES="1", ANSIBLE_REMOTE_TMP=remote_tmp)
    run = playbook(text, "-vvv", *args, env=env)
    return run, ansiballz_files(remote_tmp)


@pytest.mark.parametrize("mode", ["default", "true", "false"])
def test_every_module_runs_in_the_mode_asked_for(sim, playbook, tmp_path, monkeypatch, mode):
    """Every module, in the mode AUTHENTIK_API_IN_PROCESS asks for (unset: in-process), runs in that mode and
    succeeds: the normal-execution proof of every module (the other suites run in-process, the default)."""
    in_process = mode != "false"
    monkeypatch.delenv("AUTHENTIK_API_IN_PROCESS", raising=False)
    env = {"AUTHENTIK_API_IN_PROCESS": mode} if mode != "default" else {}
    run, files = run_keeping_files(playbook, tmp_path, EVERY_MODULE, **env)
    assert run.rc == 0, run.output[-3000:]
    assert run.recap()["failed"] == 0, run.output[-3000:]
    if in_process:
        assert files == [], run.output[-3000:]
        assert run.output.count(MARKER) == len(MODULES), run.output[-3000:]
    else:
        assert files == sorted("AnsiballZ_%s.py" % m for m in MODULES), files
        assert MARKER not in run.output


LOOP = """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: endpoints of one provider, no change
      authentik.api.rac_endpoint:
        name: "loop-{{ '%%03d' | format(item) }}"
        provider: loop-provider
        protocol: rdp
        host: "10.0.0.{{ item }}"
      loop: "{{ range(%d) | list }}"
"""


@pytest.mark.parametrize("mode", ["in-process", "normal"])
def test_the_items_of_a_loop_share_their_listing_in_process(sim, playbook, mode):
    """In-process, the items of one loop read the endpoint listing once (3 pages) and the provider's name once, instead
    of both for every item (module_utils/_shared.py); in normal module execution every item costs its lookups."""
    provider = sim.seed_provider("loop-provider")
    items = 250 if mode == "in-process" else 10  # normal execution costs a Python per item: a short loop
    for item in range(250):
        sim.seed_endpoint("loop-%03d" % item, provider, host="10.0.0.%d" % item)
    sim.reset_counts()
    run = playbook(LOOP % items, env={"AUTHENTIK_API_IN_PROCESS": "true" if mode == "in-process" else "false"})
    assert run.rc == 0 and run.recap()["changed"] == 0, run.output[-3000:]
    assert sim.writes() == 0
    if mode == "normal":
        assert sim.count() == 2 * items  # the provider by name and the endpoint, for every item
    else:
        # the provider once, who the token is once (endpoints are shared only with a superuser's token), the 3 pages
        assert sim.count("GET", "/api/v3/providers/rac/") == 1
        assert sim.count("GET", "/api/v3/core/users/me/") == 1
        assert sim.count("GET", "/api/v3/rac/endpoints/") == 3 and sim.count() == 5


def test_every_task_runs_in_a_new_worker_process(sim, playbook):
    """What the isolation of in-process runs rests on: ansible-core forks a new worker for every task (the
    parent of a lookup's subprocess is the task's worker)."""
    run = playbook("""
        - hosts: localhost
          gather_facts: false
          tasks:
            - ansible.builtin.debug: {msg: "worker={{ lookup('ansible.builtin.pipe', 'echo $PPID') }}"}
            - ansible.builtin.debug: {msg: "worker={{ lookup('ansible.builtin.pipe', 'echo $PPID') }}"}
            - ansible.builtin.debug: {msg: "worker={{ lookup('ansible.builtin.pipe', 'echo $PPID') }}"}
        """)
    assert run.rc == 0, run.output[-3000:]
    workers = re.findall(r'"msg": "worker=(\d+)"', run.output)
    assert len(workers) == 3 and len(set(workers)) == 3, run.output[-3000:]


NO_REQUESTS = "import_error_requests"

FALLBACKS = {
    "variable": ("the variable", "turned off", {}, "", ["-e", "authentik_api_in_process=false"]),
    "task environment": ("the task's environment", "turned off", {},
                         "environment: {AUTHENTIK_API_IN_PROCESS: 'false'}", []),
    "become": ("become", "become is set", {}, "become: true\n      become_method: ansible.builtin.su", []),
    "async": ("async", "async task", {}, "async: 30\n      poll: 1", []),
    "no requests": ("a controller without requests", "cannot import requests", {"PYTHONPATH": NO_REQUESTS},
                    "environment: {PYTHONPATH: ''}", []),
}


@pytest.mark.parametrize("case", sorted(FALLBACKS))
def test_falls_back_to_normal_execution(sim, playbook, tmp_path, case):
    """Each reason to run the module normally: the task still works, the module ran as a normal module
    (its AnsiballZ file is there), one line at -vvv says why, and nothing warns."""
    dummy, reason, env, keywords, args = FALLBACKS[case]
    if NO_REQUESTS in env.get("PYTHONPATH", ""):
        shadow = tmp_path / "shadow" / "requests"
        shadow.mkdir(parents=True)
        (shadow / "__init__.py").write_text("raise ImportError('requests hidden by the test')\n")
        env = dict(env, PYTHONPATH=str(tmp_path / "shadow"))
    text = textwrap.dedent("""
        - hosts: localhost
          gather_facts: false
          tasks:
            - authentik.api.rac_connection_token_info: {}
              %s
              register: listed
            - ansible.builtin.assert: {that: [listed.connection_tokens is defined, not listed.changed]}
        """) % keywords
    run, files = run_keeping_files(playbook, tmp_path, text, *args, AUTHENTIK_API_IN_PROCESS="true", **env)
    assert run.rc == 0, run.output[-3000:]
    assert "AnsiballZ_rac_connection_token_info.py" in files, (files, run.output[-3000:])
    assert MARKER not in run.output
    assert "rac_connection_token_info: normal module execution: " in run.output and reason in run.output, run.output[-3000:]
    assert "[WARNING]" not in run.output, run.output[-3000:]


@pytest.mark.parametrize("where", ["environment", "variable"])
def test_a_switch_that_is_not_a_boolean_is_one_clear_error(sim, playbook, where):
    env = {"AUTHENTIK_API_IN_PROCESS": "maybe"} if where == "environment" else {}
    args = ["-e", "authentik_api_in_process=maybe"] if where == "variable" else []
    run = playbook("""
        - hosts: localhost
          gather_facts: false
          tasks:
            - authentik.api.rac_connection_token_info: {}
        """, *args, env=env)
    assert run.rc == 2, run.output[-3000:]
    name = "AUTHENTIK_API_IN_PROCESS" if where == "environment" else "authentik_api_in_process"
    assert "%s: 'maybe' is not a boolean (true or false)" % name in run.output, run.output[-3000:]
    assert "Traceback" not in run.output


# Everything a module run gives, registered and written out: module_defaults through the action group, the task's
# environment: keyword as env-var fallback, check mode, diff, no_log, warnings (one, from the first loop item),
# argument validation, a failure from the server, changed.
PARITY = """
- hosts: localhost
  gather_facts: false
  vars:
    tok: "{{ lookup('ansible.builtin.env', 'I16_TOKEN') }}"
  module_defaults:
    group/authentik.api.authentik:
      url: "{{ lookup('ansible.builtin.env', 'I16_URL') }}"
      timeout: 10
  tasks:
    - name: create (token from the task's environment)
      authentik.api.core_token: {identifier: i16-parity, user: akadmin, description: one, expiring: false}
      environment: {AUTHENTIK_TOKEN: "{{ tok }}"}
      register: create
    - name: update in check mode with diff
      authentik.api.core_token: {identifier: i16-parity, description: two, token: "{{ tok }}"}
      check_mode: true
      diff: true
      register: check
    - name: set a key, no_log
      authentik.api.core_token: {identifier: i16-parity, key: i16-secret-key-value, token: "{{ tok }}"}
      no_log: true
      register: nolog
    - name: read the key back, diff
      authentik.api.core_token: {identifier: i16-parity, key: i16-secret-key-value, return_key: true, token: "{{ tok }}"}
      diff: true
      register: keyed
    - name: a warning on the first loop item only
      authentik.api.core_token:
        identifier: i16-parity
        validate_certs: "{{ item }}"
        token: "{{ tok }}"
      loop: [false, true]
      register: looped
    - name: unknown option
      authentik.api.core_token: {identifier: i16-parity, bogus: 1}
      ignore_errors: true
      register: invalid
    - name: bad reference
      authentik.api.rac_endpoint: {name: i16-parity, provider: no-such-provider, protocol: ssh, host: h, token: "{{ tok }}"}
      ignore_errors: true
      register: failed
    - name: delete
      authentik.api.core_token: {identifier: i16-parity, state: absent, token: "{{ tok }}"}
      register: delete
    - name: write the results
      ansible.builtin.copy:
        dest: "{{ out }}"
        content: "{{ dict(create=create, check=check, nolog=nolog, keyed=keyed, looped=looped, invalid=invalid,
                          failed=failed, delete=delete) | to_nice_json }}"
        mode: "0600"
"""

_VOLATILE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
                       r"|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z?|\"(uid|key)\": \"[^\"]*\"")


def test_in_process_results_equal_normal_results(sim, playbook, tmp_path):
    """The same tasks in both modes register the same results (UUIDs and times aside)."""
    results = {}
    for mode in ("true", "false"):
        out = str(tmp_path / ("results-%s.json" % mode))
        run = playbook(PARITY, "-e", "out=%s" % out, env=dict(
            AUTHENTIK_API_IN_PROCESS=mode, AUTHENTIK_URL="", AUTHENTIK_TOKEN="", I16_URL=sim.url,
            I16_TOKEN=playbook.token))
        assert run.rc == 0, run.output[-3000:]
        with open(out, encoding="utf-8") as handle:
            results[mode] = handle.read()
    parsed = json.loads(results["true"])
    assert parsed["create"]["changed"] and parsed["check"]["changed"] and parsed["delete"]["changed"]
    assert parsed["check"]["diff"]["before"] != parsed["check"]["diff"]["after"]
    assert parsed["nolog"]["changed"]
    assert parsed["keyed"]["key"] == "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"  # no_log masking of returned values
    assert "i16-secret-key-value" not in results["true"] + results["false"]
    # ansible-core 2.16 keeps warnings in each item's result, 2.19 and later in the loop's
    looped = parsed["looped"]
    assert len(looped.get("warnings", [])) + sum(len(r.get("warnings", [])) for r in looped["results"]) == 1
    assert parsed["invalid"]["failed"] and "bogus" in parsed["invalid"]["msg"]
    assert parsed["failed"]["failed"] and "no-such-provider" in parsed["failed"]["msg"]
    assert _VOLATILE.sub("*", results["true"]) == _VOLATILE.sub("*", results["false"])
