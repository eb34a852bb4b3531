# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Least privilege on the real server: every module run by a user who is not a superuser and holds only a role
with the permissions that docs/docsite/rst/permissions.rst (and each module's notes) list for it.

``MODULES`` is the table: one entry per module. Adding a module is adding one entry: the module, the admin's
setup, the steps of its normal run and, for each permission, the step that needs it. For every entry:

- the normal run with every listed permission passes: create, the same again (unchanged), a change in check
  mode, the change, a delete (or what the module does), with the expected changed counts;
- for each permission, the step that needs it fails without it, with one line naming the permission and the
  request, and nothing is written (the objects are compared before and after).
"""

from __future__ import annotations

import json
import re
import uuid

import pytest

FAILED_RE = re.compile(r"^fatal: \[localhost\]: FAILED! => (\{.*\})$", re.M)
RAC = "authentik_providers_rac."
CORE = "authentik_core."
RBAC = "authentik_rbac."
OUTPOSTS = "authentik_outposts."
POLICIES = "authentik_policies."
FLOW = "default-provider-authorization-implicit-consent"
FULL = {"superuser_full_list": "true"}  # the admin's listings: every endpoint, not those its policies allow


class Entry:
    """One module: ``steps`` (name -> task options, ``{p}`` is this run's prefix), ``run``: the normal run as
    (step, check mode, expected changed); ``needs``: permission -> the step that fails without it; ``search``:
    (API path, search text or query parameters) listing the objects the module may write, for the before/after comparison,
    or a function (server, format values) -> that state, for what a listing does not show (a role's permissions);
    ``setup``: what the admin makes first (gets the server and the prefix, returns extra format values);
    ``teardown``: what the admin undoes at the end (server, format values), for what the prefix cleanup does not find;
    ``ready``: step -> the step run (with every permission) before the one-permission-removed case of that step, so
    that the step has something to do (default: ``create`` before ``update`` and ``delete``);
    ``status``: permission -> the HTTP status authentik answers without it, where that is not 403 (documented in
    permissions.rst with the authentik version)."""

    def __init__(self, module, steps, run, needs, search, setup=None, refill=None, status=None, ready=None, teardown=None):
        self.module, self.steps, self.run, self.needs, self.search, self.setup = module, steps, run, needs, search, setup
        self.status = status or {}
        self.refill = refill  # makes again, before each one-permission-removed case, what the normal run used up
        self.ready = dict(dict(update="create", delete="create"), **(ready or {}))
        self.teardown = teardown


def provider_setup(server, prefix):
    """A RAC property mapping and a provider using it (made by the admin) for the modules that reference them."""
    mapping = server.ok("POST", "propertymappings/provider/rac/", {"name": prefix + "-base-map", "static_settings": {}})
    flow = server.ok("GET", "flows/instances/%s/" % FLOW)
    provider = server.ok("POST", "providers/rac/", {"name": prefix + "-base-prov", "authorization_flow": flow["pk"],
                                                    "property_mappings": [mapping["pk"]]})
    return dict(provider_pk=provider["pk"])


def connection_token_setup(server, prefix):
    """The provider above, an endpoint, and 2 connection tokens of the admin (made through the ORM: the API cannot)."""
    out = provider_setup(server, prefix)
    endpoint = server.ok("POST", "rac/endpoints/", {"name": prefix + "-base-ep", "provider": out["provider_pk"],
                                                    "protocol": "rdp", "host": "dc.example.com", "auth_mode": "prompt"})
    out["endpoint_pk"] = endpoint["pk"]
    refill_connection_tokens(server, out)
    return out


def binding_setup(server, prefix):
    """An application and a group (made by the admin) for the policy binding between them."""
    app = server.ok("POST", "core/applications/", {"name": prefix + "-base-app", "slug": prefix + "-base-app"})
    server.ok("POST", "core/groups/", {"name": prefix + "-base-grp"})
    return dict(app_pk=app["pk"])


def directory_setup(server, prefix):
    """A group, a role and a user (made by the admin) for the user, group and role modules to reference."""
    server.ok("POST", "core/groups/", {"name": prefix + "-base-grp"})
    server.ok("POST", "rbac/roles/", {"name": prefix + "-base-role"})
    server.ok("POST", "core/users/", {"username": prefix + "-base-usr", "name": ""})
    return {}


def role_state(server, values):
    """The roles of the run with their global and object permissions (a role's JSON shows neither)."""
    out = []
    for role in server.listing("rbac/roles/", search=values["p"]):
        perms = sorted(p["app_label"] + "." + p["codename"] for p in server.listing("rbac/permissions/", role=role["pk"]))
        objects = sorted((p["codename"], p["object_pk"]) for p in server.listing("rbac/permissions/roles/", uuid=role["pk"]))
        out.append(json.dumps([role, perms, objects], sort_keys=True))
    return sorted(out)


def settings_setup(server, prefix):
    """The current reputation_lower_limit, and one below it: a setting that no other test reads, changed for seconds."""
    low = server.ok("GET", "admin/settings/")["reputation_lower_limit"]
    return dict(orig=str(low), changed=str(low - 1 if low > -2147483648 else low + 1))


def settings_teardown(server, values):
    """The setting back as it was, unless someone else changed it meanwhile (the server is shared)."""
    if "orig" in values and server.ok("GET", "admin/settings/")["reputation_lower_limit"] == int(values["changed"]):
        server.ok("PATCH", "admin/settings/", {"reputation_lower_limit": int(values["orig"])})


def settings_state(server, values):
    return [json.dumps(server.ok("GET", "admin/settings/"), sort_keys=True)]


def refill_connection_tokens(server, values):
    server.control("connection-token", str(values["provider_pk"]), values["endpoint_pk"], "akadmin", "2")


PRESENT_ABSENT_RUN = [("create", False, True), ("create", False, False), ("update", True, True), ("update", False, True),
                      ("update", False, False), ("delete", False, True), ("delete", False, False)]

MODULES = [
    Entry("core_token",  # the token of the user who runs it: authentik lets a non-superuser own only its own tokens
          steps=dict(create=dict(identifier="{p}-tok", description="least privilege"),
                     update=dict(identifier="{p}-tok", key="{p}-key-0123456789abcdef"),
                     delete=dict(identifier="{p}-tok", state="absent"),
                     user=dict(identifier="{p}-tok2", user="{username}")),
          run=PRESENT_ABSENT_RUN + [("user", False, True)],
          needs={CORE + "set_token_key": "update", CORE + "view_user": "user"},
          search=("core/tokens/", "{p}")),
    Entry("rac_property_mapping",
          steps=dict(create=dict(name="{p}-map", static_settings={"username": "svc"}),
                     update=dict(name="{p}-map", static_settings={"username": "svc2"}),
                     delete=dict(name="{p}-map", state="absent")),
          run=PRESENT_ABSENT_RUN,
          needs={RAC + "view_racpropertymapping": "create", RAC + "add_racpropertymapping": "create",
                 RAC + "change_racpropertymapping": "update", RAC + "delete_racpropertymapping": "delete"},
          search=("propertymappings/provider/rac/", "{p}")),
    Entry("rac_provider",
          steps=dict(create=dict(name="{p}-prov", authorization_flow=FLOW, property_mappings=["{p}-base-map"]),
                     update=dict(name="{p}-prov", connection_expiry="hours=3"),
                     delete=dict(name="{p}-prov", state="absent")),
          run=PRESENT_ABSENT_RUN,
          needs={RAC + "view_racprovider": "create", RAC + "add_racprovider": "create", "authentik_flows.view_flow": "create",
                 RAC + "view_racpropertymapping": "create", RAC + "change_racprovider": "update",
                 RAC + "delete_racprovider": "delete"},
          search=("providers/rac/", "{p}"), setup=provider_setup),
    Entry("rac_endpoint",
          steps=dict(create=dict(name="{p}-ep", provider="{p}-base-prov", protocol="rdp", host="h.example.com",
                                 property_mappings=["{p}-base-map"]),
                     update=dict(name="{p}-ep", provider="{p}-base-prov", host="h2.example.com"),
                     delete=dict(name="{p}-ep", provider="{p}-base-prov", state="absent"),
                     second=dict(name="{p}-ep2", provider="{p}-base-prov", protocol="ssh", host="h.example.com")),
          # two endpoints of one provider looked up in turn: authentik caches a non-superuser's endpoint list per provider
          run=[("create", False, True), ("second", False, True), ("create", False, False), ("second", False, False)]
          + PRESENT_ABSENT_RUN[2:],
          needs={RAC + "view_endpoint": "update", RAC + "add_endpoint": "create", RAC + "view_racprovider": "create",
                 RAC + "view_racpropertymapping": "create", RAC + "change_endpoint": "update",
                 RAC + "delete_endpoint": "delete"},
          search=("rac/endpoints/", "{p}"), setup=provider_setup),
    Entry("rac_connection_token_info",
          steps=dict(read=dict(provider="{p}-base-prov")),
          run=[("read", False, False)],
          needs={RAC + "view_racprovider": "read"},
          search=("rac/connection_tokens/", "{p}"), setup=connection_token_setup),
    Entry("rac_connection_token",  # bulk revoke by provider
          steps=dict(revoke=dict(provider="{p}-base-prov", state="absent")),
          run=[("revoke", True, True), ("revoke", False, True), ("revoke", False, False)],
          needs={RAC + "view_racprovider": "revoke", RAC + "delete_connectiontoken": "revoke"},
          search=("rac/connection_tokens/", "{p}"), setup=connection_token_setup, refill=refill_connection_tokens,
          # authentik 2025.12.4 answers the DELETE without delete_connectiontoken with 405, not 403
          status={RAC + "delete_connectiontoken": 405}),
    Entry("application",  # the provider by name: a lookup in providers/all/, which needs authentik_core.view_provider
          steps=dict(create=dict(slug="{p}-app", name="{p} app", provider="{p}-base-prov"),
                     update=dict(slug="{p}-app", meta_description="least privilege"),
                     delete=dict(slug="{p}-app", state="absent")),
          run=PRESENT_ABSENT_RUN,
          needs={CORE + "view_application": "update", CORE + "add_application": "create", CORE + "view_provider": "create",
                 CORE + "change_application": "update", CORE + "delete_application": "delete"},
          search=("core/applications/", "{p}"), setup=provider_setup),
    Entry("outpost",
          steps=dict(create=dict(name="{p}-out", type="rac", providers=["{p}-base-prov"]),
                     update=dict(name="{p}-out", config={"log_level": "debug"}),
                     delete=dict(name="{p}-out", state="absent")),
          run=PRESENT_ABSENT_RUN,
          needs={OUTPOSTS + "view_outpost": "create", OUTPOSTS + "add_outpost": "create", CORE + "view_provider": "create",
                 OUTPOSTS + "change_outpost": "update", OUTPOSTS + "delete_outpost": "delete"},
          search=("outposts/instances/", "{p}"), setup=provider_setup),
    Entry("policy_binding",
          steps=dict(create=dict(application="{p}-base-app", group="{p}-base-grp"),
                     update=dict(application="{p}-base-app", group="{p}-base-grp", negate=True),
                     delete=dict(application="{p}-base-app", group="{p}-base-grp", state="absent")),
          run=PRESENT_ABSENT_RUN,
          needs={POLICIES + "view_policybinding": "create", POLICIES + "add_policybinding": "create",
                 CORE + "view_application": "create", CORE + "view_group": "create",
                 POLICIES + "change_policybinding": "update", POLICIES + "delete_policybinding": "delete"},
          search=("policies/bindings/", {"target": "{app_pk}"}), setup=binding_setup),
    Entry("user",  # the password through set_password/ on an existing user: on create it would follow the user's POST
          steps=dict(create=dict(username="{p}-usr", name="least privilege", groups=["{p}-base-grp"], roles=["{p}-base-role"]),
                     update=dict(username="{p}-usr", name="least privilege 2"),
                     password=dict(username="{p}-usr", password="{p}-Pw-0123456789", update_password="always"),
                     delete=dict(username="{p}-usr", state="absent")),
          run=PRESENT_ABSENT_RUN[:5] + [("password", False, True)] + PRESENT_ABSENT_RUN[5:],
          needs={CORE + "view_user": "create", CORE + "add_user": "create", CORE + "view_group": "create",
                 RBAC + "view_role": "create", CORE + "change_user": "update", CORE + "reset_user_password": "password",
                 CORE + "delete_user": "delete"},
          search=("core/users/", "{p}"), setup=directory_setup, ready=dict(password="create")),
    Entry("group",
          steps=dict(create=dict(name="{p}-grp", parents=["{p}-base-grp"], users=["{p}-base-usr"], roles=["{p}-base-role"]),
                     update=dict(name="{p}-grp", attributes={"lp": "2"}),
                     superuser=dict(name="{p}-grp", is_superuser=True),
                     unsuperuser=dict(name="{p}-grp", is_superuser=False),
                     delete=dict(name="{p}-grp", state="absent")),
          run=PRESENT_ABSENT_RUN[:5] + [("superuser", False, True), ("superuser", False, False), ("unsuperuser", False, True)]
          + PRESENT_ABSENT_RUN[5:],
          needs={CORE + "view_group": "create", CORE + "add_group": "create", CORE + "view_user": "create",
                 RBAC + "view_role": "create", CORE + "change_group": "update", CORE + "enable_group_superuser": "superuser",
                 CORE + "disable_group_superuser": "unsuperuser", CORE + "delete_group": "delete"},
          search=("core/groups/", "{p}"), setup=directory_setup, ready=dict(superuser="unsuperuser", unsuperuser="superuser"),
          # authentik 2025.12.4 refuses the superuser flag without the permission with a validation error
          status={CORE + "enable_group_superuser": 400, CORE + "disable_group_superuser": 400}),
    Entry("rbac_role",  # permissions granted after the role's POST: the grant is tested on an existing role
          steps=dict(create=dict(name="{p}-role", permissions=[CORE + "view_application"]),
                     update=dict(name="{p}-role", permissions=[CORE + "view_application", CORE + "view_group"]),
                     remove=dict(name="{p}-role", permissions=[CORE + "view_group"], permissions_mode="remove"),
                     objects=dict(name="{p}-role", object_permissions=[{"permission": CORE + "view_group",
                                                                        "object": "{p}-base-grp"}]),
                     delete=dict(name="{p}-role", state="absent")),
          run=PRESENT_ABSENT_RUN[:5] + [("remove", False, True), ("remove", False, False), ("objects", False, True),
                                        ("objects", False, False)] + PRESENT_ABSENT_RUN[5:],
          needs={RBAC + "view_role": "create", RBAC + "add_role": "create", RBAC + "assign_role_permissions": "update",
                 RBAC + "unassign_role_permissions": "remove", RBAC + "change_role": "remove", RBAC + "delete_role": "delete",
                 # a role's object permissions are listed only with django-guardian's own permission
                 "guardian.view_roleobjectpermission": "objects", CORE + "view_group": "objects"},
          search=role_state, setup=directory_setup, ready=dict(create="delete", remove="update", objects="create")),
    Entry("system_settings",  # the shared server's settings: one harmless setting, changed and put back
          steps=dict(read=dict(), change=dict(reputation_lower_limit="{changed}"), restore=dict(reputation_lower_limit="{orig}")),
          run=[("read", False, False), ("change", True, True), ("change", False, True), ("change", False, False),
               ("restore", False, True)],
          needs={RBAC + "view_system_settings": "read", RBAC + "edit_system_settings": "change"},
          search=settings_state, setup=settings_setup, teardown=settings_teardown, ready=dict(change="restore")),
]


def filled(value, values):
    """``value`` with the format values put into its strings (in lists and dicts too)."""
    if isinstance(value, str):
        return value.format(**values)
    if isinstance(value, list):
        return [filled(x, values) for x in value]
    if isinstance(value, dict):
        return dict((k, filled(v, values)) for k, v in value.items())
    return value


def task_text(entry, step, values, check=False):
    options = filled(entry.steps[step], values)
    task = {"authentik.api.%s" % entry.module: options}
    if check:
        task["check_mode"] = True
    return task


def play(tasks):
    """The playbook text (YAML is a superset of JSON; indented, so that the runner takes it as text, not a path)."""
    return json.dumps([{"hosts": "localhost", "gather_facts": False, "tasks": tasks}], indent=1) + "\n"


def snapshot(server, entry, values):
    if callable(entry.search):
        return entry.search(server, values)
    path, query = entry.search  # a search text, or query parameters
    params = dict((k, v.format(**values)) for k, v in query.items()) if isinstance(query, dict) else dict(search=query.format(**values))
    return sorted(json.dumps(o, sort_keys=True) for o in server.listing(path, **dict(FULL, **params)))


def permissions_of(entry):
    """Every permission the entry's normal run needs, and the view permissions of the objects it only lists."""
    perms = set(entry.needs)
    if entry.module.startswith("rac_connection_token"):
        perms.add(RAC + "view_connectiontoken")
    return sorted(perms)


@pytest.fixture
def limited(server):
    """A user who is not a superuser, in a group with one role, and an API token of that user."""
    run_id = uuid.uuid4().hex[:6]
    username = "i17-%s-lp" % run_id
    user = server.ok("POST", "core/users/", {"username": username, "name": "Least privilege %s" % run_id})
    role = server.ok("POST", "rbac/roles/", {"name": "i17-%s-role" % run_id})
    group = server.ok("POST", "core/groups/", {"name": "i17-%s-lpgroup" % run_id, "roles": [role["pk"]], "users": [user["pk"]]})
    identifier = "i17-%s-lp-token" % run_id
    server.ok("POST", "core/tokens/", {"identifier": identifier, "user": user["pk"], "intent": "api", "expiring": False})
    key = server.ok("GET", "core/tokens/%s/view_key/" % identifier)["key"]

    def grant(perms):
        server.ok("POST", "rbac/permissions/assigned_by_roles/%s/assign/" % role["pk"], {"permissions": list(perms)})

    def revoke(perms):
        server.ok("PATCH", "rbac/permissions/assigned_by_roles/%s/unassign/" % role["pk"], {"permissions": list(perms)})

    yield dict(run_id=run_id, username=username, key=key, grant=grant, revoke=revoke)
    server.api("DELETE", "core/groups/%s/" % group["pk"])
    server.api("DELETE", "rbac/roles/%s/" % role["pk"])
    for token in server.listing("core/tokens/", search="i17-%s" % run_id):
        server.api("DELETE", "core/tokens/%s/" % token["identifier"])
    server.api("DELETE", "core/users/%s/" % user["pk"])


def cleanup(server, prefix):
    for path, key in (("outposts/instances/", "pk"), ("core/applications/", "slug"), ("core/groups/", "pk"),
                      ("rac/endpoints/", "pk"), ("providers/rac/", "pk"), ("propertymappings/provider/rac/", "pk"),
                      ("core/users/", "pk"), ("rbac/roles/", "pk")):
        for obj in server.listing(path, search=prefix, **FULL):
            server.api("DELETE", "%s%s/" % (path, obj[key]))
    for token in server.listing("rac/connection_tokens/", search=prefix):
        server.api("DELETE", "rac/connection_tokens/%s/" % token["pk"])
    for token in server.listing("core/tokens/", search=prefix):
        server.api("DELETE", "core/tokens/%s/" % token["identifier"])


@pytest.mark.parametrize("entry", MODULES, ids=[e.module for e in MODULES])
def test_least_privilege(server, playbook, limited, entry):
    prefix = "i17-%s-%s" % (limited["run_id"], entry.module.replace("_", "")[:12])
    values = dict(p=prefix, username=limited["username"])
    env = {"AUTHENTIK_TOKEN": limited["key"]}
    perms = permissions_of(entry)
    report = []
    try:
        if entry.setup:
            values.update(entry.setup(server, prefix) or {})
        limited["grant"](perms)
        # the normal run, with every permission of the table
        tasks = [task_text(entry, step, values, check) for step, check, dummy in entry.run]
        run = playbook(play(tasks), "-v", env=env)
        assert run.rc == 0 and run.recap()["failed"] == 0, run.output[-3000:]
        results = re.findall(r"^(?:ok|changed): \[localhost\] => (\{.*\})$", run.stdout, re.M)
        changed = [bool(json.loads(m).get("changed")) for m in results]
        assert changed == [c for dummy, dummy2, c in entry.run], run.stdout[-3000:]
        cleanup(server, prefix + "-t")  # what the run left (core_token's second token)
        # each permission removed in turn: the step that needs it fails with one line, and writes nothing
        for perm, step in sorted(entry.needs.items()):
            if step in entry.ready:  # the object to change or delete (in the state the step changes), with every permission
                ready = playbook(play([task_text(entry, entry.ready[step], values)]), env=env)
                assert ready.rc == 0, ready.output[-2000:]
            if entry.refill:
                entry.refill(server, values)
            limited["revoke"]([perm])
            try:
                before = snapshot(server, entry, values)
                denied = playbook(play([task_text(entry, step, values)]), env=env)
                msgs = [json.loads(m).get("msg", "") for m in FAILED_RE.findall(denied.stdout)]
                assert denied.rc != 0 and len(msgs) == 1, (perm, denied.output[-2000:])
                status = entry.status.get(perm, 403)
                assert "\n" not in msgs[0] and "HTTP %d" % status in msgs[0] and perm in msgs[0], (perm, msgs[0])
                assert re.search(r"^(GET|POST|PATCH|PUT|DELETE) /api/v3/\S+: ", msgs[0]), msgs[0]
                assert snapshot(server, entry, values) == before, "%s without %s wrote something" % (entry.module, perm)
                report.append("without %s: %s" % (perm, msgs[0]))
            finally:
                limited["grant"]([perm])
        print("%s: normal run ok with %s; %s" % (entry.module, ", ".join(perms), " | ".join(report)))
    finally:
        if entry.teardown:
            entry.teardown(server, values)
        cleanup(server, prefix)
