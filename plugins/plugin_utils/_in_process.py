# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""In-process execution: run an authentik.api module inside the controller's worker process.

PRIVATE to the authentik.api collection: the leading underscore means this is not a public API; the action
plugins in plugins/action/ are its only callers.

Every module of the collection has an action plugin of the same name, a subclass of ``InProcessAction``
that only names its module. When the task runs on the controller (connection ``local``: ``hosts: localhost``,
``delegate_to: localhost``), no become, no async, ``requests`` importable here, and the user has not turned it
off (the variable ``authentik_api_in_process: false``, or ``AUTHENTIK_API_IN_PROCESS=false`` in the task's
``environment:`` or the controller's environment, in that order of precedence), ``_execute_module`` runs the module's file as ``__main__`` in this
process, exactly as the AnsiballZ wrapper runs it in a new Python:

- the module arguments are the task's (module_defaults and the action group already applied by ansible-core)
  plus the ``_ansible_*`` internal ones, from ansible-core's own ``_update_module_args``, serialized the way
  AnsiballZ serializes them into ``ansible.module_utils.basic._ANSIBLE_ARGS``;
- the task's ``environment:`` is applied to ``os.environ`` while the module runs (env-var fallbacks such as
  ``AUTHENTIK_URL`` read it), then the environment and the working directory are restored;
- the JSON the module prints (``exit_json``/``fail_json``) is captured and goes through ansible-core's own
  ``_parse_returned_data`` and ``remove_internal_keys``, so check mode, diff, no_log masking, warnings,
  deprecations, ``changed`` and ``failed`` are those of a normal run.

Isolation: ansible-core forks a new worker process for every task and host (``WorkerProcess``, a
``multiprocessing`` process of the ``fork`` context, started by the strategy for each queued task), and the
worker exits when the task is done; so nothing a module run leaves behind in this process reaches another
task. Within one task, the items of a ``loop:`` share the worker: that is why every run starts from fresh
module globals (``basic._ANSIBLE_ARGS``, the module's warning and deprecation lists) and restores
``os.environ`` and the working directory, and why the module file (compiled once, in the main process) is executed
anew for every run. The
collection's module_utils keep no state between runs (constants and classes only), except what the items of one loop
share on purpose: the listings and references of ``module_utils/_shared.py``, opened anew for each looping task.

Anything else falls back to ansible-core's normal module execution, silently (one line at -vvv).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import io
import json
import importlib.util
import os
import sys
import traceback
import types

from ansible.errors import AnsibleActionFail
from ansible.module_utils import basic
from ansible.module_utils.common import warnings as module_warnings
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.action.normal import ActionModule as NormalAction
from ansible.utils.display import Display

try:  # ansible-core <= 2.20; 2.21 parses module results into a UnifiedTaskResult that cleans itself
    from ansible.vars.clean import remove_internal_keys
except ImportError:
    remove_internal_keys = None

try:  # ansible-core >= 2.19: whether this process is the controller (module_utils' warn() then goes to the display)
    from ansible.module_utils import _internal as module_internal
except ImportError:  # ansible-core 2.16 to 2.18
    module_internal = None

try:  # ansible-core >= 2.19: the module serialization profiles
    from ansible.module_utils.common.json import Direction, get_module_encoder
except ImportError:  # ansible-core 2.16 to 2.18
    Direction = get_module_encoder = None

# Imported here, once: the strategy loads every task's action plugin class in the controller's main process
# before it forks the task's worker, so the workers inherit requests and every module_utils of the collection already
# imported (importing requests is most of a module's start-up time), instead of importing them for every task.
from ansible_collections.authentik.api.plugins.module_utils._client import HAS_REQUESTS
from ansible_collections.authentik.api.plugins.module_utils import (  # noqa: F401 pylint: disable=unused-import
    _directory,
    _engine,
    _export,
    _module,
    _resources,
)
from ansible_collections.authentik.api.plugins.module_utils._shared import begin as begin_loop_share
from ansible_collections.authentik.api.plugins.plugin_utils._check_plan import apply_check_plan

display = Display()

SWITCH_ENV = "AUTHENTIK_API_IN_PROCESS"
SWITCH_VAR = "authentik_api_in_process"
MODULE_PACKAGE = "ansible_collections.authentik.api.plugins.modules"
# The collection's modules declare no serialization metadata, so ansible-core uses the 'legacy' profile for them.
PROFILE = "legacy"

if HAS_REQUESTS:  # requests imports netrc for each request (trust_env): once, here
    import netrc  # noqa: F401 pylint: disable=unused-import,wrong-import-position,wrong-import-order
if get_module_encoder is not None:  # the serialization profiles of a module run, imported before the fork too
    get_module_encoder(PROFILE, Direction.CONTROLLER_TO_MODULE)
    get_module_encoder(PROFILE, Direction.MODULE_TO_CONTROLLER)


def _switch(value, name):
    """True/False for an on/off setting; None when unset; one clear error line for anything else."""
    if value is None or value == "":
        return None
    try:
        return boolean(value, strict=True)
    except TypeError:
        raise AnsibleActionFail("%s: %r is not a boolean (true or false)" % (name, value))


@contextlib.contextmanager
def _fresh_module_state(environment):
    """Module globals reset for this run; os.environ (plus ``environment``), the working directory and the
    module warning lists restored afterwards."""
    saved_environ = dict(os.environ)
    saved_cwd = os.getcwd()
    saved_lists = [(lst, type(lst)(lst)) for lst in (module_warnings._global_warnings, module_warnings._global_deprecations)]
    for lst, dummy in saved_lists:
        lst.clear()
    os.environ.update(environment)
    # The module runs as it would on a target: on a controller, ansible-core >= 2.19 sends module_utils' warn() and
    # deprecate() to the display instead of the module's result.
    saved_is_controller = getattr(module_internal, "is_controller", None)
    if saved_is_controller is not None:
        module_internal.is_controller = False
    try:
        yield
    finally:
        if saved_is_controller is not None:
            module_internal.is_controller = saved_is_controller
        basic._ANSIBLE_ARGS = None
        if hasattr(basic, "_ANSIBLE_PROFILE"):
            basic._ANSIBLE_PROFILE = None
        os.environ.clear()
        os.environ.update(saved_environ)
        os.chdir(saved_cwd)
        for lst, saved in saved_lists:
            lst.clear()
            if isinstance(lst, dict):
                lst.update(saved)
            else:
                lst.extend(saved)


def _encode_args(module_args):
    """The module arguments as AnsibleModule reads them from ``basic._ANSIBLE_ARGS`` (as AnsiballZ writes them)."""
    params = dict(ANSIBLE_MODULE_ARGS=module_args)
    if get_module_encoder is not None:
        return json.dumps(params, cls=get_module_encoder(PROFILE, Direction.CONTROLLER_TO_MODULE)).encode("utf-8")
    # ansible-core 2.16 to 2.18 (imported here: newer ones deprecate the name)
    from ansible.module_utils.common.json import AnsibleJSONEncoder  # pylint: disable=import-outside-toplevel
    return json.dumps(params, cls=AnsibleJSONEncoder, vault_to_text=True).encode("utf-8")


_CODE = {}


def _module_code(module_fqn):
    """``(code, spec)`` of a module file, compiled once per controller process: ``InProcessAction`` subclasses compile
    theirs when the strategy loads them, before it forks the task's worker (which would otherwise compile it for every
    task: ansible-core's collection loader keeps no bytecode)."""
    if module_fqn not in _CODE:
        spec = importlib.util.find_spec(module_fqn)
        _CODE[module_fqn] = (compile(spec.loader.get_source(module_fqn), spec.origin, "exec", dont_inherit=True), spec)
    return _CODE[module_fqn]


def _run_as_main(module_fqn):
    """What ``runpy.run_module(module_fqn, run_name="__main__", alter_sys=True)`` does, with the compiled code."""
    code, spec = _module_code(module_fqn)
    main = types.ModuleType("__main__")
    main.__dict__.update(__file__=spec.origin, __cached__=None, __loader__=spec.loader, __package__=spec.parent,
                         __spec__=spec)
    saved_main, saved_argv0 = sys.modules.get("__main__"), sys.argv[0]
    sys.modules["__main__"], sys.argv[0] = main, spec.origin
    try:
        exec(code, main.__dict__)  # pylint: disable=exec-used
    finally:
        sys.modules["__main__"], sys.argv[0] = saved_main, saved_argv0


def _run_module_file(module_fqn, json_args):
    """Run the module as ``__main__`` with stdout/stderr captured; returns what a module process returns."""
    out, err = io.StringIO(), io.StringIO()
    rc = 0
    basic._ANSIBLE_ARGS = json_args
    if hasattr(basic, "_ANSIBLE_PROFILE"):
        basic._ANSIBLE_PROFILE = PROFILE
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            _run_as_main(module_fqn)
            raise RuntimeError("New-style module did not handle its own exit.")
        except SystemExit as exc:
            rc = exc.code if isinstance(exc.code, int) else 1
        except Exception as exc:  # pylint: disable=broad-except
            rc = _module_crash(exc, err)
    return dict(rc=rc, stdout=out.getvalue(), stderr=err.getvalue())


def _module_crash(exc, err):
    """What AnsiballZ does with an exception that escapes the module: ansible-core >= 2.19 prints a failed result
    (``_ansiballz._loader``); older ones let Python print the traceback on stderr."""
    try:
        from ansible.module_utils._internal._ansiballz._loader import _handle_exception
    except ImportError:
        err.write(traceback.format_exc())
        return 1
    try:
        _handle_exception(exc, PROFILE)
    except SystemExit as exit_exc:
        return exit_exc.code
    return 1  # pragma: no cover (_handle_exception always exits)


class InProcessAction(NormalAction):
    """The action plugin of one authentik.api module: ``MODULE`` names it (the module's file name)."""

    MODULE = None

    def __init_subclass__(cls, **kwargs):
        super(InProcessAction, cls).__init_subclass__(**kwargs)
        if cls.MODULE:
            _module_code("%s.%s" % (MODULE_PACKAGE, cls.MODULE))  # in the controller's main process, before the fork

    def run(self, tmp=None, task_vars=None):
        task_vars = task_vars if task_vars is not None else {}
        return apply_check_plan(self, super(InProcessAction, self).run(tmp, task_vars), task_vars)

    def _in_process_refusal(self, module_name, task_vars, wrap_async, environment):
        """Why this task cannot run in-process (a short reason), or None when it can."""
        if module_name is not None and module_name.rpartition(".")[2] != self.MODULE:
            return "the action runs another module (%s)" % module_name
        # As for Ansible's own settings, a variable wins over the environment.
        setting = _switch(self._templar.template(task_vars.get(SWITCH_VAR)), SWITCH_VAR)
        if setting is None:
            setting = _switch(environment.get(SWITCH_ENV, os.environ.get(SWITCH_ENV)), SWITCH_ENV)
        if setting is False:
            return "turned off (%s / %s)" % (SWITCH_ENV, SWITCH_VAR)
        if self._connection.transport != "local":
            return "the connection is %s, not local" % self._connection.transport
        if self._play_context.become:
            return "become is set"
        if wrap_async or self._task.async_val:
            return "async task"
        if not HAS_REQUESTS:
            return "the controller's Python cannot import requests"
        return None

    def _execute_module(self, module_name=None, module_args=None, task_vars=None, wrap_async=False, **kwargs):
        task_vars = task_vars if task_vars is not None else {}
        environment = {}
        self._compute_environment_string(environment)
        reason = self._in_process_refusal(module_name, task_vars, wrap_async, environment)
        if reason:
            display.vvv("authentik.api.%s: normal module execution: %s" % (self.MODULE, reason))
            return super(InProcessAction, self)._execute_module(
                module_name=module_name, module_args=module_args, task_vars=task_vars, wrap_async=wrap_async, **kwargs)

        name = module_name or self._task.action
        args = dict(self._task.args if module_args is None else module_args)
        self._update_module_args(name, args, task_vars)
        display.vvv("authentik.api.%s: running in the controller process (%s=false turns it off)" % (self.MODULE, SWITCH_ENV))
        # The items of a loop share their listings and references (module_utils/_shared.py); other tasks share nothing.
        looping = self._task.loop is not None or bool(self._task.loop_with)
        begin_loop_share(self._task._uuid if looping else None)
        with _fresh_module_state(dict((str(k), str(v)) for k, v in environment.items())):
            res = _run_module_file("%s.%s" % (MODULE_PACKAGE, self.MODULE), _encode_args(args))
        return self._module_result(res)

    def _module_result(self, res):
        """The tail of ansible-core's ``_execute_module``: parse what the module printed, drop internal keys."""
        res["stdout_lines"], res["stderr_lines"] = res["stdout"].splitlines(), res["stderr"].splitlines()
        if get_module_encoder is None:  # ansible-core 2.16 to 2.18
            data = self._parse_returned_data(res)
        else:
            data = self._parse_returned_data(res, PROFILE)
        if remove_internal_keys is None:  # ansible-core >= 2.21
            data.remove_internal_keys()
            return data.as_result_dict(for_round_trip=True)
        data.pop("_ansible_suppress_tmpdir_delete", None)
        remove_internal_keys(data)
        return data
