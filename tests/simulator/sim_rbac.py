# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""An area of the authentik API simulator: roles (/rbac/roles/), permissions (/rbac/permissions/), and what roles hold (/rbac/permissions/assigned_by_roles/, /rbac/permissions/roles/)."""

from __future__ import annotations

if __package__:
    from .sim_directory import DirectoryArea
else:  # run as a script, or imported with tests/simulator on sys.path (see authentik_sim.py)
    from sim_directory import DirectoryArea


class RbacArea(DirectoryArea):
    """roles (/rbac/roles/), permissions (/rbac/permissions/), and what roles hold (/rbac/permissions/assigned_by_roles/, /rbac/permissions/roles/)"""

    ROUTES = ()
