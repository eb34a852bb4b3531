# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared fixtures: one authentik simulator per test session, reset before every test,
``run_module`` which runs a module's main() in-process exactly as Ansible would (real exit_json /
fail_json, so no_log masking applies) and returns its JSON result, and ``failed_cleanly`` which checks that
such a result is the one-line failure the collection promises."""

from __future__ import annotations

import contextlib
import importlib
import io
import json

import pytest

try:
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # ansible-core < 2.19: the module arguments are read from basic._ANSIBLE_ARGS
    from ansible.module_utils import basic
    from ansible.module_utils.common.text.converters import to_bytes

    @contextlib.contextmanager
    def patch_module_args(args):
        """What ansible-core 2.19's ansible.module_utils.testing.patch_module_args does, for older cores."""
        saved = basic._ANSIBLE_ARGS  # pylint: disable=protected-access
        basic._ANSIBLE_ARGS = to_bytes(json.dumps({"ANSIBLE_MODULE_ARGS": args}))  # pylint: disable=protected-access
        try:
            yield
        finally:
            basic._ANSIBLE_ARGS = saved  # pylint: disable=protected-access

from ansible.module_utils.common import warnings as module_warnings

from ansible_collections.authentik.api.tests.simulator.authentik_sim import AuthentikSimulator, load_models

try:  # ansible-core >= 2.19
    from ansible.module_utils import _internal as module_internal
except ImportError:
    module_internal = None


@contextlib.contextmanager
def module_side():
    """Run module code as on a target. Once a test module imported controller code (test_in_process.py imports
    action plugins), ansible-core >= 2.19 would send module_utils' warn() to the display instead of the result."""
    saved = getattr(module_internal, "is_controller", None)
    if saved is not None:
        module_internal.is_controller = False
    try:
        yield
    finally:
        if saved is not None:
            module_internal.is_controller = saved


# Fixtures that start a simulator (directly or through another fixture such as run_module).
SIMULATOR_FIXTURES = frozenset(("simulator", "sim", "server", "tls_server", "https"))


def pytest_collection_modifyitems(session, config, items):  # pylint: disable=unused-argument
    """ansible-test runs every test in a fork of the pytest-xdist worker that collected it. Importing the simulator's
    contract models (authentik_client, seconds) here, once per worker, lets the forks inherit them instead of importing
    them once per test. Workers whose tests never start a simulator (the module_utils tests) skip the import."""
    if any(SIMULATOR_FIXTURES.intersection(item.fixturenames) for item in items):
        load_models()


ADMIN_TOKEN = "sim-admin-token"


@pytest.fixture(scope="session")
def simulator():
    sim = AuthentikSimulator(host="127.0.0.1", port=0, admin_token=ADMIN_TOKEN, validate="require").start()
    yield sim
    sim.stop()


@pytest.fixture
def sim(simulator):
    """The simulator in its initial state, with counters and faults cleared; no contract violation allowed."""
    with simulator.fresh() as fresh:
        yield fresh


class ModuleRunner:
    """Runs plugins/modules/<name>.py against the simulator."""

    def __init__(self, sim):
        self.sim = sim

    def __call__(self, name, /, check_mode=False, diff=False, connection=True, **params):
        # name is positional-only, so that a module's own "name" option can be passed as a keyword.
        args = dict(params)
        if connection:
            args.setdefault("url", self.sim.url)
            args.setdefault("token", ADMIN_TOKEN)
        args["_ansible_check_mode"] = check_mode
        args["_ansible_diff"] = diff
        module = importlib.import_module("ansible_collections.authentik.api.plugins.modules.%s" % name)
        # what an earlier run left in module_utils' lists (ansible-test runs each test in a fork; pytest alone does not)
        module_warnings._global_warnings.clear()  # pylint: disable=protected-access
        module_warnings._global_deprecations.clear()  # pylint: disable=protected-access
        out = io.StringIO()
        with patch_module_args(args), contextlib.redirect_stdout(out), module_side():
            with pytest.raises(SystemExit) as exc:
                module.main()
        text = out.getvalue()
        result = json.loads(text)
        result["_rc"] = exc.value.code
        result["_raw"] = text
        result["_warnings"] = _warning_texts(result)
        return result


def _warning_texts(result):
    """The warnings' texts (ansible-core 2.19+ returns each warning as a dict with its message)."""
    out = []
    for warning in result.get("warnings", []):
        while isinstance(warning, dict):
            warning = warning.get("event") or warning.get("msg") or warning.get("message")
        out.append(str(warning))
    return out


@pytest.fixture
def run_module(sim):
    return ModuleRunner(sim)


def _failed_cleanly(result, fragment):
    """The result is a failure whose message is one line containing ``fragment``: no traceback, no API token."""
    assert result.get("failed") is True, result
    assert fragment in result["msg"], result["msg"]
    assert "\n" not in result["msg"], result["msg"]
    assert "Traceback" not in result["_raw"] and ADMIN_TOKEN not in result["_raw"]


@pytest.fixture
def failed_cleanly():
    return _failed_cleanly
