# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The permission a refused request of the user, group, rbac_role and system_settings modules names, as
authentik 2025.12.4 answers it (tests/realserver/test_least_privilege_real.py proves each on the real server)."""

from __future__ import (absolute_import, division, print_function)
from __future__ import annotations

import pytest

from ansible_collections.authentik.api.plugins.module_utils._client import AuthentikError, required_permission
from ansible_collections.authentik.api.tests.unit.plugins.module_utils.test_client import client, server  # noqa: F401 pylint: disable=unused-import

__metaclass__ = type

DENIED = "You do not have permission to perform this action."


@pytest.mark.parametrize("method, path, permission", [
    ("POST", "core/users/7/set_password/", "authentik_core.reset_user_password"),
    ("PATCH", "core/users/7/", "authentik_core.change_user and authentik_core.view_user"),
    ("GET", "rbac/roles/", "authentik_rbac.view_role"),
    ("POST", "rbac/permissions/assigned_by_roles/0b0e/assign/",
     "authentik_rbac.assign_role_permissions and authentik_rbac.add_role"),
    ("PATCH", "rbac/permissions/assigned_by_roles/0b0e/unassign/",
     "authentik_rbac.unassign_role_permissions and authentik_rbac.change_role"),
    ("GET", "rbac/permissions/roles/", "guardian.view_roleobjectpermission"),
    ("GET", "admin/settings/", "authentik_rbac.view_system_settings"),
    ("PATCH", "admin/settings/", "authentik_rbac.edit_system_settings"),
])
def test_required_permission(method, path, permission):
    assert required_permission(method, "/api/v3/" + path) == permission


def test_settings_permission_is_global_only(server):  # noqa: F811 (fixture)
    server.push(403, {"detail": DENIED})
    with pytest.raises(AuthentikError) as exc:
        client(server).request("PATCH", "admin/settings/", body={}, retries=0)
    assert exc.value.msg == ("PATCH /api/v3/admin/settings/: HTTP 403: %s (the token's user needs the permission "
                             "authentik_rbac.edit_system_settings, globally)" % DENIED)


@pytest.mark.parametrize("flag, permission", [(True, "enable_group_superuser"), (False, "disable_group_superuser")])
def test_superuser_flag_refused_with_400_names_the_permission(server, flag, permission):  # noqa: F811 (fixture)
    server.push(400, {"is_superuser": ["User does not have permission to set superuser status to %s." % flag]})
    with pytest.raises(AuthentikError) as exc:
        client(server).request("PATCH", "core/groups/0b0e/", body={"is_superuser": flag}, retries=0)
    assert exc.value.msg == ("PATCH /api/v3/core/groups/0b0e/: HTTP 400: is_superuser: User does not have permission to "
                             "set superuser status to %s. (the token's user needs the permission authentik_core.%s, "
                             "globally or on this object)" % (flag, permission))
    assert exc.value.status == 400
