# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tests never reach the server named in AUTHENTIK_URL/AUTHENTIK_TOKEN (the variables the authentik Terraform
provider uses too, so many operators have them set). Only an explicit opt-in (AUTHENTIK_TEST_URL /
AUTHENTIK_TEST_TOKEN, or make test-real) sends tests to a real server.

AUTHENTIK_URL points at a listening socket that counts the connections it accepts; an integration target run
through scripts/integration.sh (what make integration runs), and scripts/sim-env.sh as molecule.sh sources it,
must leave the count at 0 and use the simulator instead."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time

import pytest

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
VENV = os.path.dirname(os.path.dirname(sys.executable))  # the venv whose pytest runs this (make system: .venv)
OPT_IN = ("AUTHENTIK_TEST_URL", "AUTHENTIK_TEST_TOKEN", "AUTHENTIK_TEST_SERVER", "SIM_ENV_FOR")


class ConnectionCounter:
    """A TCP listener on loopback that accepts, counts and closes every connection."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.sock.settimeout(0.2)
        self.url = "http://127.0.0.1:%d" % self.sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self):
        while not self._stop.is_set():
            try:
                conn = self.sock.accept()[0]
            except socket.timeout:
                continue
            except OSError:
                return
            self.connections += 1
            conn.close()

    def close(self):
        self._stop.set()
        self._thread.join(5)
        self.sock.close()


@pytest.fixture
def user_server():
    counter = ConnectionCounter()
    yield counter
    counter.close()


def _env(url):
    env = {k: v for k, v in os.environ.items() if k not in OPT_IN}
    env.update(AUTHENTIK_URL=url, AUTHENTIK_TOKEN="an-operators-token-that-tests-must-not-use")
    return env


def test_counter_counts(user_server):
    """The counter sees a connection: a count of 0 below means that nothing connected, not a broken counter."""
    with socket.create_connection(("127.0.0.1", int(user_server.url.rsplit(":", 1)[1])), timeout=5):
        pass
    deadline = time.monotonic() + 5
    while not user_server.connections and time.monotonic() < deadline:
        time.sleep(0.05)
    assert user_server.connections == 1


def test_integration_target_never_connects_to_authentik_url(user_server):
    run = subprocess.run(["bash", "scripts/integration.sh", VENV, "core_token"], cwd=REPO, env=_env(user_server.url),
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True, timeout=1200,
                         check=False)
    assert run.returncode == 0, run.stdout[-5000:]
    assert "Ignoring AUTHENTIK_URL=%s" % user_server.url in run.stdout
    assert "Started the bundled authentik API simulator" in run.stdout
    assert user_server.connections == 0


def test_sim_env_replaces_authentik_url(user_server):
    """What molecule.sh and integration.sh source: the exported AUTHENTIK_URL/TOKEN are the simulator's."""
    script = 'source scripts/sim-env.sh >/dev/null && echo "$SIM_MODE $AUTHENTIK_URL $AUTHENTIK_TOKEN"'
    env = dict(_env(user_server.url), PYTHON=sys.executable, SIM_ARGS="--no-validate")
    out = subprocess.run(["bash", "-c", script], cwd=REPO, env=env, stdout=subprocess.PIPE, universal_newlines=True,
                         timeout=300, check=True).stdout.split()
    assert out[0] == "simulator" and out[1] != user_server.url and out[1].startswith("http://127.0.0.1:")
    assert out[2] == "sim-admin-token"
    assert user_server.connections == 0
