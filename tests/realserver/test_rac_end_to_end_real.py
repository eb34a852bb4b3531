# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""examples/rac_end_to_end.yml on the real server, under a name prefix of its own (so it needs no fresh database):
check mode on a server without its objects predicts every change and writes nothing, the first run changes
everything, the second nothing; a connection token made through the ORM for one of its endpoints is listed by
rac_connection_token_info and revoked by rac_connection_token. Everything it made is deleted at the end."""

from __future__ import annotations

import json
import os
import re
import uuid

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
EXAMPLE = os.path.join(REPO, "examples", "rac_end_to_end.yml")
HOSTS = 3
TASKS = 6  # provider, mapping, application, outpost, endpoints (one loop), binding
GROUP = "authentik Admins"


def snapshot(server, prefix):
    """What the example may write: the objects named with the prefix, and the bindings of the group."""
    group = server.listing("core/groups/", name=GROUP)[0]["pk"]
    out = {}
    for path in ("providers/rac/", "propertymappings/provider/rac/", "core/applications/", "outposts/instances/",
                 "rac/endpoints/"):
        out[path] = sorted(json.dumps(item, sort_keys=True) for item in server.listing(path, search=prefix)
                           if prefix in json.dumps(item))
    out["policies/bindings/"] = sorted(json.dumps(item, sort_keys=True) for item in server.listing("policies/bindings/")
                                       if item.get("group") == group)
    return out


def cleanup(server, prefix):
    for app in server.listing("core/applications/", search=prefix):
        if app["slug"].startswith(prefix):
            server.api("DELETE", "core/applications/%s/" % app["slug"])  # its bindings go with it
    for path, key in (("outposts/instances/", "pk"), ("providers/rac/", "pk"), ("propertymappings/provider/rac/", "pk")):
        for item in server.listing(path, search=prefix):
            if item["name"].startswith(prefix):
                server.api("DELETE", "%s%s/" % (path, item[key]))


def test_rac_end_to_end(server, playbook):
    prefix = "i14-e2e-%s" % uuid.uuid4().hex[:8]
    hosts = ["%s-win%d" % (prefix, n) for n in range(1, HOSTS + 1)]
    inventory = "[windows]\n" + "".join("%s ansible_host=10.14.0.%d\n" % (h, n) for n, h in enumerate(hosts, 1))
    extra = ["-e", json.dumps(dict(rac_name=prefix, rac_group=GROUP, rac_rdp_password="Vault-Secret-14"))]
    times = {}
    try:
        before = snapshot(server, prefix)
        assert not any(before[path] for path in before if path != "policies/bindings/"), before
        check = playbook(EXAMPLE, "--check", *extra, inventory=inventory)
        assert check.rc == 0, check.output[-4000:]
        assert check.recap()["changed"] == TASKS, check.output[-4000:]
        assert len(re.findall(r"^changed: \[localhost\] => \(item=", check.stdout, re.M)) == HOSTS, check.stdout
        assert "does not exist yet" not in check.output  # names that earlier tasks create: predicted, no warning
        assert snapshot(server, prefix) == before  # check mode wrote nothing
        times["check"] = check.seconds

        first = playbook(EXAMPLE, *extra, inventory=inventory)
        assert first.rc == 0, first.output[-4000:]
        assert first.recap()["changed"] == TASKS, first.output[-4000:]
        assert len(re.findall(r"^changed: \[localhost\] => \(item=", first.stdout, re.M)) == HOSTS, first.stdout
        assert "Vault-Secret-14" not in first.output
        times["first"] = first.seconds
        provider = server.listing("providers/rac/", name=prefix)[0]
        endpoints = server.listing("rac/endpoints/", provider=provider["pk"])
        assert sorted(e["name"] for e in endpoints) == hosts
        outpost = [o for o in server.listing("outposts/instances/", search=prefix) if o["name"] == prefix + "-outpost"][0]
        assert outpost["providers"] == [provider["pk"]]
        app = server.ok("GET", "core/applications/%s/" % prefix)
        assert app["provider"] == provider["pk"]
        assert len(server.listing("policies/bindings/", target=app["pk"])) == 1

        second = playbook(EXAMPLE, *extra, inventory=inventory)
        assert second.rc == 0, second.output[-4000:]
        assert second.recap()["changed"] == 0, second.output[-4000:]
        times["second"] = second.seconds

        endpoint = [e for e in endpoints if e["name"] == hosts[0]][0]
        made = server.control("connection-token", str(provider["pk"]), endpoint["pk"], "akadmin", "1").split()
        assert len(made) == 1, made
        play = """
        - hosts: localhost
          gather_facts: false
          tasks:
            - authentik.api.rac_connection_token_info:
                provider: %(prefix)s
                endpoint: %(endpoint)s
              register: listed
            - ansible.builtin.assert:
                that: listed.connection_tokens | map(attribute='pk') | list == ['%(token)s']
            - authentik.api.rac_connection_token:
                token_uuid: %(token)s
                state: absent
              register: revoked
            - ansible.builtin.assert:
                that: revoked is changed
            - authentik.api.rac_connection_token_info:
                provider: %(prefix)s
                endpoint: %(endpoint)s
              register: after
            - ansible.builtin.assert:
                that: after.connection_tokens == []
        """ % dict(prefix=prefix, endpoint=hosts[0], token=made[0])
        tokens = playbook(play)
        assert tokens.rc == 0, tokens.output[-4000:]
        assert tokens.recap()["changed"] == 1, tokens.output[-4000:]
    finally:
        cleanup(server, prefix)
        print("rac_end_to_end on the real server with %d hosts: %s" % (
            HOSTS, ", ".join("%s %.1f s" % item for item in times.items())))
    left = snapshot(server, prefix)
    assert not any(left[path] for path in left if path != "policies/bindings/"), left
    assert left["policies/bindings/"] == before["policies/bindings/"]
