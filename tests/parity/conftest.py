# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Parity suite: every test sends the same requests to the simulator (started here, in this process) and to a
real authentik 2025.12.4 (AUTHENTIK_TEST_URL, AUTHENTIK_TEST_TOKEN: a superuser's API token; AUTHENTIK_TEST_SERVER:
its control script, for RAC connection tokens) and compares the answers. Run by ``make test-real``; skipped
with one line when the real server is not given. A server named in AUTHENTIK_URL is never used.

Fixtures: ``servers`` (the simulator and the real server, each a ``parity_harness.Server`` holding the same
world, see parity_world.py; everything is deleted at the end) and ``both`` (``both(scenario, *args)`` runs a
scenario on each server and compares the answers, see parity_harness.py)."""

from __future__ import annotations

import os
import sys
import uuid

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(REPO, "tests", "simulator"))
sys.path.insert(0, HERE)

from parity_harness import SKIP_REASON, Later, Parity, RealServer, SimServer, real_server_given  # noqa: E402  pylint: disable=wrong-import-position
from parity_world import SIM_TOKEN, build_world, retire_sessions, start_sessions  # noqa: E402  pylint: disable=wrong-import-position

# The order of the modules: the connection tokens are made in the background while the first ones run; alice, who
# owns them, is deleted (slowly, in the background) as soon as the SESSION_MODULES are done.
MODULE_ORDER = ("test_server", "test_tokens", "test_expired_tokens", "test_errors", "test_directory", "test_auth", "test_coverage",
                "test_pagination", "test_rac_connection_tokens", "test_rac_providers", "test_rac_endpoints", "test_rac_property_mappings",
                "test_apps_outposts_bindings")
SESSION_MODULES = ("test_coverage", "test_pagination", "test_rac_connection_tokens")


def pytest_ignore_collect(collection_path, config):  # pylint: disable=unused-argument
    """Without a real server only test_server.py is collected: it skips, so that the suite says why in one line."""
    if real_server_given():
        return None
    return collection_path.name.startswith("test_") and collection_path.name != "test_server.py" or None


@pytest.fixture(scope="session")
def servers():
    url, token = os.environ.get("AUTHENTIK_TEST_URL"), os.environ.get("AUTHENTIK_TEST_TOKEN")
    if not real_server_given():
        pytest.skip(SKIP_REASON)
    from authentik_sim import AuthentikSimulator, load_models  # pylint: disable=import-outside-toplevel

    models = Later(load_models, True)  # importing authentik_client takes long: meanwhile, the real server's world
    prefix = "parity-%s" % uuid.uuid4().hex[:8]
    real = RealServer(url, token, os.environ.get("AUTHENTIK_TEST_SERVER"), prefix)
    pair = []
    sim = None
    try:
        build_world(real)
        pair.append(real)
        models.get()
        start_sessions(real)  # only now: the control script and the import would compete for the processor
        sim = AuthentikSimulator(host="127.0.0.1", port=0, admin_token=SIM_TOKEN, validate="require").start()
        pair.insert(0, SimServer(sim, SIM_TOKEN, prefix))
        build_world(pair[0])
        start_sessions(pair[0])
        yield pair
    finally:
        problems = []
        for server in pair or [real]:
            try:
                if "sessions" in server.world:
                    server.world["sessions"].get()
            except Exception:  # pylint: disable=broad-exception-caught
                pass  # the tests that needed them said why
            problems += ["%s: %s" % (server.title, problem) for problem in server.delete_world()]
        if sim is not None:
            sim.stop()
        assert not problems, "clean-up failed: %s" % "; ".join(problems)


@pytest.fixture
def both(servers):
    return Parity(servers)


def _module(item):
    return item.module.__name__.rsplit(".", 1)[-1] if getattr(item, "module", None) else ""


def pytest_collection_modifyitems(items):
    items.sort(key=lambda item: MODULE_ORDER.index(_module(item)) if _module(item) in MODULE_ORDER else len(MODULE_ORDER))


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_teardown(item, nextitem):
    """After the last test of connection tokens, delete alice, their owner (in the background)."""
    if _module(item) in SESSION_MODULES and (nextitem is None or _module(nextitem) not in SESSION_MODULES):
        parity = item.funcargs.get("both")
        for server in parity.servers if parity else ():
            retire_sessions(server)
