# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Parity: ``/rbac/roles/`` (create, read, rename, delete, the 400s and 404s), ``/rbac/permissions/`` (the filters the
rbac_role module sends: ``role``, ``content_type__app_label``, ``codename``) and what a role holds
(``/rbac/permissions/assigned_by_roles/<role>/assign/`` and ``unassign/``, ``/rbac/permissions/roles/?uuid=``),
including the bodiless 405 authentik answers for an unknown permission or an object that does not exist."""

from __future__ import annotations

import pytest

from parity_harness import fields, items

# pylint: disable=missing-function-docstring

PERM_FIELDS = ("name", "codename", "model", "app_label", "app_label_verbose", "model_verbose")
OBJ_PERM_FIELDS = ("codename", "model", "app_label", "object_pk", "name", "app_label_verbose", "model_verbose")


def sorted_obj_perms(data):
    view = items(*OBJ_PERM_FIELDS)(data)
    view["results"].sort(key=lambda r: (r["codename"], str(r["object_pk"])))
    return view


def make_role(t, suffix):
    return t.alias(t.ok("POST", "rbac/roles/", {"name": t.name(suffix)})["pk"], suffix)


def test_role_create_update_delete(both):
    def scenario(t):
        pk = t.alias(t.call("POST", "rbac/roles/", {"name": t.name("r")}, view=fields("pk", "name")).data["pk"], "r")
        t.call("GET", "rbac/roles/%s/" % pk)
        t.call("GET", "rbac/roles/", params={"name": t.name("r"), "page_size": 20})
        t.call("GET", "rbac/roles/", params={"search": t.name("r"), "page_size": 20})
        t.call("PATCH", "rbac/roles/%s/" % pk, {"name": t.name("r2")})
        t.call("PUT", "rbac/roles/%s/" % pk, {"name": t.name("r")})
        t.call("DELETE", "rbac/roles/%s/" % pk)
        t.call("GET", "rbac/roles/%s/" % pk)
        t.call("DELETE", "rbac/roles/%s/" % pk)
        t.call("GET", "rbac/roles/not-a-uuid/")
    both(scenario)


@pytest.mark.parametrize("body", [{}, {"name": ""}, {"name": "  "}, {"name": "x" * 151}, "taken"])
def test_role_refused(both, body):
    def scenario(t):
        make_role(t, "taken")
        t.call("POST", "rbac/roles/", {"name": t.name("taken")} if body == "taken" else body)
    both(scenario)


def test_global_permissions(both):
    def scenario(t):
        pk = make_role(t, "g")
        base = "rbac/permissions/assigned_by_roles/%s/" % pk
        t.call("GET", "rbac/permissions/", params={"role": pk, "page_size": 100, "page": 1}, view=items(*PERM_FIELDS))
        t.call("GET", "rbac/permissions/", params={"content_type__app_label": "authentik_rbac", "page_size": 100, "page": 1},
               view=items(*PERM_FIELDS))
        t.call("GET", "rbac/permissions/", params={"codename": "view_racprovider"}, view=items(*PERM_FIELDS))
        t.call("POST", base + "assign/", {"permissions": ["authentik_providers_rac.view_racprovider", "authentik_core.view_user"]},
               view=len)
        t.call("POST", base + "assign/", {"permissions": ["authentik_core.view_user"]}, view=len)  # already held
        t.call("GET", "rbac/permissions/", params={"role": pk, "page_size": 100, "page": 1}, view=items(*PERM_FIELDS))
        t.call("POST", base + "assign/", {"permissions": ["authentik_core.view_nothing"]})  # 405, no body
        t.call("POST", base + "assign/", {"permissions": ["view_user"]})  # 400
        t.call("POST", base + "assign/", {"permissions": []}, view=len)
        t.call("PATCH", base + "unassign/", {"permissions": ["authentik_core.view_user"]})
        t.call("PATCH", base + "unassign/", {"permissions": ["authentik_core.view_user"]})  # not held: 204
        t.call("GET", "rbac/permissions/", params={"role": pk, "page_size": 100, "page": 1}, view=items(*PERM_FIELDS))
        t.call("GET", "rbac/permissions/", params={"role": "00000000-0000-0000-0000-000000000000"})
        t.call("GET", "rbac/permissions/", params={"role": "bad"})
        t.call("POST", "rbac/permissions/assigned_by_roles/00000000-0000-0000-0000-000000000000/assign/",
               {"permissions": ["authentik_core.view_user"]})
    both(scenario)


def test_object_permissions(both):
    def scenario(t):
        pk = make_role(t, "o")
        other = make_role(t, "other")
        base = "rbac/permissions/assigned_by_roles/%s/" % pk
        t.call("POST", base + "assign/", {"permissions": ["view_role", "change_role"], "model": "authentik_rbac.role", "object_pk": other},
               view=len)
        t.call("POST", base + "assign/", {"permissions": ["authentik_rbac.view_role"], "model": "authentik_rbac.role", "object_pk": other},
               view=len)
        t.call("GET", "rbac/permissions/roles/", params={"uuid": pk, "page_size": 100, "page": 1}, view=sorted_obj_perms)
        t.call("GET", "rbac/permissions/", params={"role": pk, "page_size": 100, "page": 1}, view=items(*PERM_FIELDS))  # none global
        t.call("POST", base + "assign/", {"permissions": ["view_user"], "model": "authentik_rbac.role", "object_pk": other})  # 405
        t.call("POST", base + "assign/", {"permissions": ["view_role"], "model": "authentik_rbac.role",
                                          "object_pk": "00000000-0000-0000-0000-000000000000"})  # 405
        t.call("POST", base + "assign/", {"permissions": ["view_role"], "model": "authentik_rbac.nothing", "object_pk": other})
        t.call("POST", base + "assign/", {"permissions": ["view_role"], "model": "authentik_rbac.role"})
        t.call("PATCH", base + "unassign/", {"permissions": ["change_role"], "model": "authentik_rbac.role", "object_pk": other})
        t.call("GET", "rbac/permissions/roles/", params={"uuid": pk, "page_size": 100, "page": 1}, view=sorted_obj_perms)
        t.call("GET", "rbac/permissions/roles/", params={"uuid": "bad"})
    both(scenario)
