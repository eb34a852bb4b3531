# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""An area of the authentik API simulator: the system settings (/admin/settings/), one object."""

from __future__ import annotations

if __package__:
    from .sim_directory import DirectoryArea
else:  # run as a script, or imported with tests/simulator on sys.path (see authentik_sim.py)
    from sim_directory import DirectoryArea


class SettingsArea(DirectoryArea):
    """the system settings (/admin/settings/), one object"""

    ROUTES = ()
