# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The first five minutes of a user, on the simulator (tests/realserver/test_first_minutes_real.py does the token part
on the real authentik):

- a wrong token fails every module with one line that names the ``token`` option and ``AUTHENTIK_TOKEN`` and never
  contains the token (from the option, in-process; from AUTHENTIK_TOKEN, normal module execution); a valid token
  without a permission names the permission;
- the ``ansible-doc`` command that ``scripts/install.sh`` (``make install``) prints works as printed, in a shell
  without ansible on its PATH, with and without a collections path of its own;
- the ``ansible-doc`` command that ``scripts/demo.sh`` (``make demo``) prints at its end works as printed."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys

import pytest

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
WRONG_TOKEN = "first-minutes-wrong-token-0f9e8d7c6b5a"
ALICE_TOKEN = "sim-alice-token"  # the simulator's alice: a user without any permission
FAILED_RE = re.compile(r"^fatal: \[localhost\]: FAILED! => (\{.*\})$", re.M)
TOKEN_HINT = ("(check the token option or AUTHENTIK_TOKEN: authentik accepts only the key of an existing, unexpired "
              "token with intent api, not an app password)")

# One task per module with the fewest options that reach the server; the first request of each is a lookup.
MODULE_TASKS = {
    "core_token": {"identifier": "fm-token"},
    "application": {"slug": "fm-app"},
    "outpost": {"name": "fm-outpost"},
    "policy_binding": {"application": "fm-app", "group": "fm-group"},
    "rac_provider": {"name": "fm-provider"},
    "rac_endpoint": {"name": "fm-endpoint", "provider": "fm-provider"},
    "rac_property_mapping": {"name": "fm-mapping"},
    "rac_connection_token": {"user": "alice", "state": "absent"},
    "rac_connection_token_info": {},
    "user": {"username": "fm-user"},
    "group": {"name": "fm-group"},
    "rbac_role": {"name": "fm-role"},
    "system_settings": {},
    "export_info": {"kinds": ["rac_provider"]},
}


def wrong_token_play(modules, token_option):
    """A play running each module once, ignoring errors; the token from the ``token`` option or the environment."""
    tasks = []
    for module in modules:
        args = dict(MODULE_TASKS[module])
        if token_option:
            args["token"] = token_option
        tasks.append({"name": "first-minutes " + module, "authentik.api." + module: args, "ignore_errors": True})
    return json.dumps([{"hosts": "localhost", "gather_facts": False, "tasks": tasks}], indent=1) + "\n"


def failures(run):
    """The FAILED results of a run, in task order."""
    return [json.loads(match) for match in FAILED_RE.findall(run.stdout)]


def test_modules_list_is_every_module():
    modules = sorted(name[:-3] for name in os.listdir(os.path.join(REPO, "plugins", "modules"))
                     if name.endswith(".py") and not name.startswith("_"))
    assert sorted(MODULE_TASKS) == modules


WRONG_TOKEN_CASES = dict(argnames="given, mode", argvalues=[("option", "in-process"), ("environment", "normal")],
                         ids=["token-option-in-process", "AUTHENTIK_TOKEN-normal"])


def every_module_with_a_wrong_token(playbook, mode, given):
    """Runs every module with WRONG_TOKEN (from the ``token`` option or from AUTHENTIK_TOKEN, in ``mode``): each fails
    with one line naming the option and the variable, and the token is nowhere in the output. Returns the run (the
    real server's test, tests/realserver/test_first_minutes_real.py, calls it too)."""
    env = {"AUTHENTIK_API_IN_PROCESS": "true" if mode == "in-process" else "false"}
    if given == "environment":
        env["AUTHENTIK_TOKEN"] = WRONG_TOKEN
    run = playbook(wrong_token_play(sorted(MODULE_TASKS), WRONG_TOKEN if given == "option" else None), env=env)
    assert run.rc == 0, run.output[-3000:]  # ignore_errors
    results = failures(run)
    assert len(results) == len(MODULE_TASKS), run.output[-3000:]
    for result in results:
        msg = result["msg"]
        assert re.match(r"^GET /api/v3/\S+: HTTP 403: Token invalid/expired ", msg), msg
        assert msg.endswith(TOKEN_HINT), msg
        assert "token option" in msg and "AUTHENTIK_TOKEN" in msg and "\n" not in msg
    assert WRONG_TOKEN not in run.output
    return run


@pytest.mark.parametrize(**WRONG_TOKEN_CASES)
def test_wrong_token_names_the_option_and_the_variable(sim, playbook, mode, given):
    every_module_with_a_wrong_token(playbook, mode, given)
    assert sim.writes() == 0


def test_valid_token_without_permission_names_the_permission_not_the_token(sim, playbook):
    run = playbook(wrong_token_play(["rac_provider"], ALICE_TOKEN))
    results = failures(run)
    assert len(results) == 1, run.output[-3000:]
    msg = results[0]["msg"]
    assert msg == ("GET /api/v3/providers/rac/: HTTP 403: You do not have permission to perform this action. (the token's "
                   "user needs the permission authentik_providers_rac.view_racprovider, globally or on this object)")
    assert ALICE_TOKEN not in run.output


def clean_env(home, **extra):
    """The environment of a user's new shell: no ansible on PATH, no ANSIBLE_*/AUTHENTIK_* variables."""
    env = {"HOME": home, "PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8"}
    env.update(extra)
    return env


def run_printed(command, home, cwd):
    """Run a command as a user would paste it into a shell (bash, in ``cwd``), returning the CompletedProcess."""
    return subprocess.run(["bash", "-c", command], capture_output=True, text=True, env=clean_env(home), cwd=cwd,
                          timeout=300, check=False)


def venv_wrappers(tmp_path):
    """A directory that looks like a venv's bin/ (python, ansible-doc) and runs those of the venv of pytest."""
    bindir = tmp_path / "venv" / "bin"
    bindir.mkdir(parents=True)
    real = os.path.dirname(sys.executable)
    for name in ("python", "ansible-doc", "ansible-galaxy", "ansible-playbook"):
        path = bindir / name
        path.write_text('#!/bin/sh\nexec "%s" "$@"\n' % os.path.join(real, name))
        path.chmod(0o755)
    return bindir


@pytest.mark.parametrize("where", ["default", "own-path"])
def test_install_prints_an_ansible_doc_command_that_works(tmp_path, where):
    home = str(tmp_path / "home")
    os.makedirs(home)
    bindir = venv_wrappers(tmp_path)
    args = [] if where == "default" else [str(tmp_path / "my collections")]
    proc = subprocess.run(["bash", os.path.join(REPO, "scripts", "install.sh")] + args, capture_output=True, text=True,
                          env=clean_env(home, PYTHON=str(bindir / "python")), cwd=str(tmp_path), timeout=600, check=False)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    printed = re.findall(r"^install\.sh: installed authentik\.api into (.*); a module's documentation: (.*)$",
                         proc.stdout, re.M)
    assert len(printed) == 1, proc.stdout[-3000:]
    installed, command = printed[0]
    if where == "default":
        assert installed == os.path.realpath(os.path.join(home, ".ansible", "collections"))
        assert command == "%s authentik.api.core_token" % (bindir / "ansible-doc")
    else:
        assert installed == os.path.realpath(args[0])
        assert shlex.split(command) == ["ANSIBLE_COLLECTIONS_PATH=" + installed, str(bindir / "ansible-doc"),
                                        "authentik.api.core_token"], command
        assert "ANSIBLE_COLLECTIONS_PATH=" in proc.stdout.split("a module's documentation")[0]  # told for playbooks too
    doc = run_printed(command, home, "/")
    assert doc.returncode == 0, doc.stdout[-2000:] + doc.stderr[-2000:]
    assert "authentik.api.core_token" in doc.stdout.splitlines()[0].lower()  # 2.16 writes it in capitals
    assert os.path.join(installed, "ansible_collections", "authentik", "api", "plugins", "modules", "core_token.py") \
        in doc.stdout.splitlines()[0]
    # without what the command adds, ansible-doc does not find this copy: the command is needed as printed
    if where == "own-path":
        bare = run_printed(shlex.join(shlex.split(command)[1:]), home, "/")
        assert installed not in bare.stdout and "authentik.api.core_token was not found" in bare.stderr, bare.stderr


def test_demo_prints_an_ansible_doc_command_that_works(tmp_path):
    home = str(tmp_path / "home")
    os.makedirs(home)
    bindir = venv_wrappers(tmp_path)
    proc = subprocess.run(["bash", os.path.join(REPO, "scripts", "demo.sh")], capture_output=True, text=True,
                          env=clean_env(home, PYTHON=str(bindir / "python")), cwd=str(tmp_path), timeout=900, check=False)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "Started the bundled authentik API simulator" in proc.stdout
    printed = re.findall(r"^Every module's documentation, offline \(from any shell\): (.*)$", proc.stdout, re.M)
    assert printed == ["ANSIBLE_COLLECTIONS_PATH=%s %s authentik.api.core_token"
                       % (tmp_path / "venv" / "collections", bindir / "ansible-doc")], proc.stdout[-2000:]
    doc = run_printed(printed[0], home, "/")
    assert doc.returncode == 0, doc.stdout[-2000:] + doc.stderr[-2000:]
    assert "authentik.api.core_token" in doc.stdout.splitlines()[0].lower()  # 2.16 writes it in capitals
    assert os.path.realpath(os.path.join(str(tmp_path / "venv" / "collections"), "ansible_collections", "authentik",
                                         "api")) == REPO
