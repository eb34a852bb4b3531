# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Real ``ansible-playbook`` runs for the system tests (simulator) and the real-server tests: ``PlaybookRunner``
runs a playbook text or file against one server and returns a ``Run`` with rc, output and seconds."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import textwrap
import time

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def make_collections_path():
    """A new collections path in which ansible_collections/authentik/api is this checkout; remove it with
    ``shutil.rmtree`` when done."""
    root = tempfile.mkdtemp(prefix="authentik-api-collections-")
    os.makedirs(os.path.join(root, "ansible_collections", "authentik"))
    os.symlink(REPO, os.path.join(root, "ansible_collections", "authentik", "api"))
    return root


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

    def hosts(self):
        """{host: recap counters} of every host in the PLAY RECAP."""
        out = {}
        for line in self.stdout.splitlines():
            if " : ok=" in line:
                host, counters = line.split(":", 1)
                out[host.strip()] = dict((k, int(v)) for k, v in (item.split("=") for item in counters.split()))
        return out

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
    server's URL/token in AUTHENTIK_URL/AUTHENTIK_TOKEN (module_defaults not needed)."""

    def __init__(self, url, token, collections, workdir):
        self.url = url
        self.token = token
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
            AUTHENTIK_URL=self.url,
            AUTHENTIK_TOKEN=self.token,
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
