# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""plugin_utils/_in_process.py without a playbook: the on/off switch, every reason to fall back, and the module
state that each in-process run starts without and leaves behind untouched (tests/system/test_in_process.py runs
real playbooks)."""

from __future__ import annotations

import os
from unittest import mock

import pytest

from ansible.errors import AnsibleActionFail
from ansible.module_utils import basic
from ansible.module_utils.common import warnings as module_warnings

from ansible_collections.authentik.api.plugins.plugin_utils import _in_process


class Action(_in_process.InProcessAction):
    MODULE = "core_token"


def action(transport="local", become=False, async_val=0):
    task = mock.MagicMock(async_val=async_val, action="authentik.api.core_token", args={})
    connection = mock.MagicMock(transport=transport)
    play_context = mock.MagicMock(become=become)
    templar = mock.MagicMock()
    templar.template.side_effect = lambda value: value
    return Action(task, connection, play_context, mock.MagicMock(), templar, mock.MagicMock())


@pytest.mark.parametrize("value, expected", [(None, None), ("", None), ("false", False), ("no", False), ("0", False),
                                             (False, False), ("true", True), ("yes", True), (True, True)])
def test_switch_values(value, expected):
    assert _in_process._switch(value, "authentik_api_in_process") is expected


def test_a_switch_that_is_not_a_boolean_is_one_clear_error():
    with pytest.raises(AnsibleActionFail, match=r"^AUTHENTIK_API_IN_PROCESS: 'maybe' is not a boolean \(true or false\)$"):
        _in_process._switch("maybe", "AUTHENTIK_API_IN_PROCESS")


def test_runs_in_process_on_a_local_connection(monkeypatch):
    monkeypatch.delenv("AUTHENTIK_API_IN_PROCESS", raising=False)
    assert action()._in_process_refusal(None, {}, False, {}) is None
    assert action()._in_process_refusal("authentik.api.core_token", {}, False, {}) is None


@pytest.mark.parametrize("kwargs, task_vars, environ, task_env, reason", [
    (dict(transport="ssh"), {}, {}, {}, "the connection is ssh, not local"),
    (dict(transport="paramiko"), {}, {}, {}, "the connection is paramiko, not local"),
    (dict(become=True), {}, {}, {}, "become is set"),
    (dict(async_val=30), {}, {}, {}, "async task"),
    ({}, {"authentik_api_in_process": False}, {}, {}, "turned off"),
    ({}, {"authentik_api_in_process": "false"}, {"AUTHENTIK_API_IN_PROCESS": "true"}, {}, "turned off"),
    ({}, {}, {"AUTHENTIK_API_IN_PROCESS": "false"}, {}, "turned off"),
    ({}, {}, {"AUTHENTIK_API_IN_PROCESS": "true"}, {"AUTHENTIK_API_IN_PROCESS": "off"}, "turned off"),
])
def test_falls_back(monkeypatch, kwargs, task_vars, environ, task_env, reason):
    monkeypatch.delenv("AUTHENTIK_API_IN_PROCESS", raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    assert reason in action(**kwargs)._in_process_refusal(None, task_vars, False, task_env)


def test_the_variable_wins_over_the_environment(monkeypatch):
    monkeypatch.setenv("AUTHENTIK_API_IN_PROCESS", "false")
    assert action()._in_process_refusal(None, {"authentik_api_in_process": True}, False, {}) is None


def test_falls_back_without_requests(monkeypatch):
    monkeypatch.delenv("AUTHENTIK_API_IN_PROCESS", raising=False)
    monkeypatch.setattr(_in_process, "HAS_REQUESTS", False)
    assert action()._in_process_refusal(None, {}, False, {}) == "the controller's Python cannot import requests"


def test_another_module_is_run_normally(monkeypatch):
    monkeypatch.delenv("AUTHENTIK_API_IN_PROCESS", raising=False)
    assert "another module" in action()._in_process_refusal("ansible.builtin.ping", {}, False, {})


def test_each_run_starts_from_fresh_module_state_and_restores_the_process(monkeypatch, tmp_path):
    """Loop items share the task's worker: a run must not see the last run's warnings, arguments or environment,
    and must leave the worker's environment, working directory and warning lists as they were."""
    monkeypatch.setenv("I16_KEEP", "kept")
    monkeypatch.delenv("I16_TASK_ENV", raising=False)
    module_warnings.warn("a warning of the worker itself")
    before = (dict(os.environ), os.getcwd(), module_warnings.get_warning_messages())
    with _in_process._fresh_module_state({"I16_TASK_ENV": "set"}):
        assert os.environ["I16_TASK_ENV"] == "set" and os.environ["I16_KEEP"] == "kept"
        assert not module_warnings.get_warning_messages()
        module_warnings.warn("a warning of the module run")
        assert module_warnings.get_warning_messages()  # in the result, not on the controller's display
        basic._ANSIBLE_ARGS = b"{}"
        os.environ["I16_MODULE_SET"] = "x"
        os.chdir(str(tmp_path))
    assert (dict(os.environ), os.getcwd(), module_warnings.get_warning_messages()) == before
    assert basic._ANSIBLE_ARGS is None
