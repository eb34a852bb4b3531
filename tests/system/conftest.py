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
import sys

import pytest

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(REPO, "tests", "simulator"))
sys.path.insert(0, os.path.dirname(__file__))

from authentik_sim import AuthentikSimulator  # noqa: E402  pylint: disable=wrong-import-position
from playbooks import PlaybookRunner, make_collections_path  # noqa: E402  pylint: disable=wrong-import-position

ADMIN_TOKEN = "sim-admin-token"


@pytest.fixture(scope="session")
def collections_path():
    """A collections path in which ansible_collections/authentik/api is this checkout."""
    root = make_collections_path()
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


@pytest.fixture
def playbook(sim, collections_path, tmp_path):
    return PlaybookRunner(sim.url, ADMIN_TOKEN, collections_path, str(tmp_path))
