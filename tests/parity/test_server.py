# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The parity suite's gate: the real server is the authentik version the simulator reproduces. Without a real
server this is the only module collected (conftest.py), and it skips: the whole suite says why in one line."""

from __future__ import annotations

import pytest

from parity_harness import SKIP_REASON, real_server_given

# pylint: disable=missing-function-docstring

if not real_server_given():
    pytest.skip(SKIP_REASON, allow_module_level=True)

VERSION = "2025.12.4"


def test_real_server_is_the_simulated_version(servers):
    simulator, real = servers
    assert real.ok("GET", "admin/version/")["version_current"] == VERSION, "the simulator reproduces authentik %s" % VERSION
    assert simulator.sim.url and real.world and simulator.world, "both worlds are built"
