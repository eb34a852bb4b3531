# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""examples/automation_account.yml on the real server, then examples/rac_end_to_end.yml with the token it made (not
the admin's): the role of the permission table (docs/docsite/rst/permissions.rst) is enough for the RAC play's first
run, its rerun (no change) and its teardown, and nothing more is given (the account is no superuser, and a request
outside the role is refused). Everything it made is deleted at the end, also when it fails."""

from __future__ import annotations

import json
import os
import secrets
import uuid

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
ACCOUNT = os.path.join(REPO, "examples", "automation_account.yml")
RAC = os.path.join(REPO, "examples", "rac_end_to_end.yml")
HOSTS = 2
RAC_TASKS = 6  # provider, mapping, application, outpost, endpoints (one loop), binding

TEARDOWN = """
- name: Tear down what examples/rac_end_to_end.yml made, children first
  hosts: localhost
  gather_facts: false
  vars:
    rac_hosts: "{{ groups['windows'] | default([]) }}"
  tasks:
    - authentik.api.policy_binding:
        application: "{{ rac_name }}"
        group: "{{ rac_group }}"
        state: absent
    - authentik.api.rac_endpoint:
        name: "{{ item }}"
        provider: "{{ rac_name }}"
        state: absent
      loop: "{{ rac_hosts }}"
    - authentik.api.outpost:
        name: "{{ rac_name }}-outpost"
        state: absent
    - authentik.api.application:
        slug: "{{ rac_name }}"
        state: absent
    - authentik.api.rac_provider:
        name: "{{ rac_name }}"
        state: absent
    - authentik.api.rac_property_mapping:
        name: "{{ rac_name }} login"
        state: absent
"""


def named(server, path, prefix, field="name"):
    return [o for o in server.listing(path, search=prefix, superuser_full_list="true") if str(o.get(field, "")).startswith(prefix)]


def leftovers(server, prefix):
    out = {}
    for path, field in (("providers/rac/", "name"), ("propertymappings/provider/rac/", "name"), ("core/applications/", "slug"),
                        ("outposts/instances/", "name"), ("rac/endpoints/", "name"), ("core/tokens/", "identifier"),
                        ("core/users/", "username"), ("core/groups/", "name"), ("rbac/roles/", "name")):
        found = named(server, path, prefix, field)
        if found:
            out[path] = [o[field] for o in found]
    return out


def cleanup(server, prefix):
    server.remove_prefixed(prefix)  # applications (with their bindings), outposts, RAC providers (with endpoints), mappings, tokens
    for path, key, field in (("core/users/", "pk", "username"), ("core/groups/", "pk", "name"), ("rbac/roles/", "pk", "name")):
        for obj in named(server, path, prefix, field):
            server.api("DELETE", "%s%s/" % (path, obj[key]))


def test_automation_account_runs_rac_end_to_end(server, playbook):
    prefix = "i20-aa-%s" % uuid.uuid4().hex[:8]
    key = "%s-%s" % (prefix, secrets.token_urlsafe(32))  # the "vault" key of the account's token
    bind_group = prefix + "-users"
    account = ["-e", json.dumps(dict(automation_name=prefix, automation_token_key=key, automation_bind_group=bind_group))]
    hosts = ["%s-win%d" % (prefix, n) for n in range(1, HOSTS + 1)]
    inventory = "[windows]\n" + "".join("%s ansible_host=10.20.0.%d\n" % (h, n) for n, h in enumerate(hosts, 1))
    rac = ["-e", json.dumps(dict(rac_name=prefix, rac_group=bind_group, rac_rdp_password="Vault-Secret-20"))]
    as_account = {"AUTHENTIK_TOKEN": key}
    times = {}
    try:
        server.ok("POST", "core/groups/", {"name": bind_group})  # the group whose members may open the application

        made = playbook(ACCOUNT, "--diff", *account)
        assert made.rc == 0, made.output[-4000:]
        assert made.recap()["changed"] == 4, made.output[-4000:]
        assert key not in made.output
        again = playbook(ACCOUNT, *account)
        assert again.rc == 0 and again.recap()["changed"] == 0, again.output[-4000:]
        times["account"], times["account rerun"] = made.seconds, again.seconds

        user = server.listing("core/users/", username=prefix + "-svc")[0]
        assert user["type"] == "service_account" and not user["is_superuser"], user
        assert [g["name"] for g in user["groups_obj"]] == [prefix], user["groups_obj"]
        token = server.ok("GET", "core/tokens/%s/" % (prefix + "-api"))
        assert token["user"] == user["pk"] and token["intent"] == "api" and token["expiring"] is False, token
        status, me = server.api("GET", "core/users/me/", token=key)  # the vault key is the token's key
        assert status == 200 and me["user"]["username"] == prefix + "-svc" and not me["user"]["is_superuser"], me
        status, dummy = server.api("POST", "core/groups/", {"name": prefix + "-refused"}, token=key)
        assert status == 403, "the account may create groups: its role holds more than the RAC permissions"

        first = playbook(RAC, *rac, inventory=inventory, env=as_account)
        assert first.rc == 0, first.output[-4000:]
        assert first.recap()["changed"] == RAC_TASKS, first.output[-4000:]
        assert "Vault-Secret-20" not in first.output
        second = playbook(RAC, *rac, inventory=inventory, env=as_account)
        assert second.rc == 0, second.output[-4000:]
        assert second.recap()["changed"] == 0, second.output[-4000:]
        times["rac first"], times["rac rerun"] = first.seconds, second.seconds
        provider = server.listing("providers/rac/", name=prefix)[0]
        assert sorted(e["name"] for e in server.listing("rac/endpoints/", provider=provider["pk"],
                                                        superuser_full_list="true")) == hosts

        down = playbook(TEARDOWN, *rac, inventory=inventory, env=as_account)
        assert down.rc == 0, down.output[-4000:]
        assert down.recap()["changed"] == RAC_TASKS, down.output[-4000:]
        times["teardown"] = down.seconds
        left = leftovers(server, prefix)
        assert set(left) == {"core/tokens/", "core/users/", "core/groups/", "rbac/roles/"}, left  # only the account is left
    finally:
        cleanup(server, prefix)
        print("automation account on the real server: %s" % ", ".join("%s %.1f s" % item for item in times.items()))
    assert not leftovers(server, prefix)
