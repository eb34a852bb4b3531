# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""System tests: real ``ansible-playbook`` runs (forks, -vvv, --diff, check mode) against the
simulator, which runs in this pytest process so tests can seed it, count its requests and inject
faults. Run with ``make system`` (the .venv's pytest); not collected by ``ansible-test units``.

Fixtures: ``sim`` (the simulator, reset before each test, no contract violation allowed) and
``playbook`` (runs a playbook text or file, returns a ``Run`` with rc, output and seconds)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time

import pytest

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(REPO, "tests", "simulator"))

from authentik_sim import AuthentikSimulator  # noqa: E402  pylint: disable=wrong-import-position

ADMIN_TOKEN = "sim-admin-token"


@pytest.fixture(scope="session")
def collections_path():
    """A collections path in which ansible_collections/authentik/api is this checkout."""
    root = tempfile.mkdtemp(prefix="authentik-api-collections-")
    os.makedirs(os.path.join(root, "ansible_collections", "authentik"))
    os.symlink(REPO, os.path.join(root, "ansible_collections", "authentik", "api"))
    yield root
    shutil.rmtree(root, ignore_errors=True)


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


class Run:
    """The outcome of one ansible-playbook run."""

    def __init__(self, args, proc, seconds):
        self.args = args
        self.rc = proc.returncode
        self.stdout = proc.stdout
        self.stderr = proc.stderr
        self.output = proc.stdout + proc.stderr
        self.seconds = seconds

    def recap(self, host="localhost"):
        """The PLAY RECAP counters of ``host`` as a dict (ok, changed, failed, ...)."""
        for line in self.stdout.splitlines():
            if line.startswith(host + " ") and "ok=" in line:
                return dict((k, int(v)) for k, v in (item.split("=") for item in line.split(":", 1)[1].split()))
        raise AssertionError("no recap for %s in:\n%s" % (host, self.output[-3000:]))

    def totals(self):
        """The recap counters summed over all hosts."""
        out = {}
        for line in self.stdout.splitlines():
            if " : ok=" in line:
                for k, v in (item.split("=") for item in line.split(":", 1)[1].split()):
                    out[k] = out.get(k, 0) + int(v)
        return out


class PlaybookRunner:
    """Runs ansible-playbook from the venv that runs pytest, with the collection on its path and the
    simulator's URL/token in AUTHENTIK_URL/AUTHENTIK_TOKEN (module_defaults not needed)."""

    def __init__(self, sim, collections, workdir):
        self.sim = sim
        self.collections = collections
        self.workdir = workdir

    def env(self, **extra):
        env = dict(os.environ)
        env.update(
            ANSIBLE_COLLECTIONS_PATH=self.collections,
            ANSIBLE_NOCOLOR="1",
            ANSIBLE_RETRY_FILES_ENABLED="0",
            ANSIBLE_LOCALHOST_WARNING="0",
            ANSIBLE_INVENTORY_UNPARSED_WARNING="0",
            ANSIBLE_PYTHON_INTERPRETER=sys.executable,
            ANSIBLE_HOST_KEY_CHECKING="0",
            AUTHENTIK_URL=self.sim.url,
            AUTHENTIK_TOKEN=ADMIN_TOKEN,
        )
        env.update(extra)
        return env

    def __call__(self, playbook, *args, inventory=None, env=None, timeout=900):
        """``playbook`` is YAML text (written to a file) or a path. Returns a Run."""
        if "\n" in playbook:
            path = os.path.join(self.workdir, "play-%d.yml" % int(time.time() * 1e6))
            with open(path, "w", encoding="utf-8") as handle:
                handle.write(textwrap.dedent(playbook))
        else:
            path = playbook
        cmd = [os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), path]
        if inventory is not None:
            inv = os.path.join(self.workdir, "inventory-%d.ini" % int(time.time() * 1e6))
            with open(inv, "w", encoding="utf-8") as handle:
                handle.write(inventory)
            cmd += ["-i", inv]
        cmd += list(args)
        start = time.monotonic()
        proc = subprocess.run(cmd, capture_output=True, text=True, env=self.env(**(env or {})), timeout=timeout,
                              cwd=self.workdir, check=False)
        return Run(cmd, proc, time.monotonic() - start)


@pytest.fixture
def playbook(sim, collections_path, tmp_path):
    return PlaybookRunner(sim, collections_path, str(tmp_path))
