# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reliability on the real server, with default connection settings: the web server stopped with TERM and started
again at 3 random points of a play, and PostgreSQL stopped for 20 s during a play, each play across the modules (0
failed tasks, every declared object once, a rerun with 0 changes), and a token of a user who is not a superuser. Each
test prints what it measured (pytest -rA shows it)."""

from __future__ import annotations

import json
import random
import re
import threading
import time
import uuid

FAILED_RE = re.compile(r"^fatal: \[localhost\]: FAILED! => (\{.*\})$", re.M)


def failures(run):
    """The messages of the failed tasks of a run (each must be one line, without a traceback)."""
    msgs = [json.loads(m).get("msg", "") for m in FAILED_RE.findall(run.stdout)]
    for msg in msgs:
        assert "\n" not in msg and "Traceback" not in msg, msg
    return msgs


def outage_play(run_id, blocks=4):
    """Tasks across the modules, with default connection settings and no ignore_errors; ``blocks`` blocks of: 5
    core_token creates, a rac_property_mapping, a rac_provider that uses it (name references to a flow and a
    mapping), two rac_endpoints (references to the provider and the mapping), a rac_connection_token_info."""
    lines = ["- hosts: localhost", "  gather_facts: false", "  tasks:"]
    for block in range(blocks):
        prefix = "rr-%s-%d" % (run_id, block)
        for i in range(5):
            lines += ["    - authentik.api.core_token:",
                      "        identifier: %s-t%d" % (prefix, i),
                      "        expiring: false",
                      "        description: outage test %d.%d" % (block, i)]
        lines += ["    - authentik.api.rac_property_mapping:",
                  "        name: %s-m" % prefix,
                  "        static_settings: {username: svc%d, ignore-cert: 'true'}" % block,
                  "    - authentik.api.rac_provider:",
                  "        name: %s-p" % prefix,
                  "        authorization_flow: default-provider-authorization-implicit-consent",
                  "        property_mappings: [%s-m]" % prefix,
                  "        connection_expiry: hours=%d" % (block + 1)]
        for ep, protocol in (("rdp", "rdp"), ("ssh", "ssh")):
            lines += ["    - authentik.api.rac_endpoint:",
                      "        name: %s-%s" % (prefix, ep),
                      "        provider: %s-p" % prefix,
                      "        protocol: %s" % protocol,
                      "        host: host%d.example.com" % block,
                      "        property_mappings: [%s-m]" % prefix]
        lines += ["    - authentik.api.rac_connection_token_info:",
                  "        provider: %s-p" % prefix]
    return "\n".join(lines) + "\n"


def expected_objects(blocks):
    """What ``outage_play(run_id, blocks)`` declares, as ``run_objects`` reads it back."""
    def mapping(block):
        return "rr-RUN-%d-m" % block

    return dict(
        tokens=sorted(("rr-RUN-%d-t%d" % (b, i), "outage test %d.%d" % (b, i), False, "api")
                      for b in range(blocks) for i in range(5)),
        mappings=sorted(mapping(b) for b in range(blocks)),
        providers=sorted(("rr-RUN-%d-p" % b, None, "hours=%d" % (b + 1), (mapping(b),)) for b in range(blocks)),
        endpoints=sorted(("rr-RUN-%d-%s" % (b, ep), "rr-RUN-%d-p" % b, ep, "host%d.example.com" % b, (mapping(b),))
                         for b in range(blocks) for ep in ("rdp", "ssh")),
    )


def run_objects(server, run_id):
    """What a play of ``run_id`` made, with the run id taken out of every name: comparable across runs (a provider's
    flow is left out: its pk differs between servers)."""
    prefix = "rr-" + run_id

    def norm(value):
        return value.replace(prefix, "rr-RUN") if isinstance(value, str) else value

    mappings = dict((m["pk"], norm(m["name"])) for m in server.listing("propertymappings/provider/rac/", search=prefix))
    providers = dict((p["pk"], p) for p in server.listing("providers/rac/", search=prefix))
    return dict(
        tokens=sorted((norm(t["identifier"]), t["description"], t["expiring"], t["intent"])
                      for t in server.listing("core/tokens/", search=prefix)),
        mappings=sorted(mappings.values()),
        providers=sorted((norm(p["name"]), None, p["connection_expiry"],
                          tuple(sorted(mappings.get(pm, pm) for pm in p["property_mappings"]))) for p in providers.values()),
        endpoints=sorted((norm(e["name"]), norm(e["provider_obj"]["name"]), e["protocol"], e["host"],
                          tuple(sorted(mappings.get(pm, pm) for pm in e["property_mappings"])))
                         for e in server.listing("rac/endpoints/", search=prefix, superuser_full_list="true")),
    )


def cleanup(server, run_id):
    prefix = "rr-" + run_id
    for endpoint in server.listing("rac/endpoints/", search=prefix, superuser_full_list="true"):
        server.api("DELETE", "rac/endpoints/%s/" % endpoint["pk"])
    for provider in server.listing("providers/rac/", search=prefix):
        server.api("DELETE", "providers/rac/%s/" % provider["pk"])
    for mapping in server.listing("propertymappings/provider/rac/", search=prefix):
        server.api("DELETE", "propertymappings/provider/rac/%s/" % mapping["pk"])
    for token in server.listing("core/tokens/", search=prefix):
        server.api("DELETE", "core/tokens/%s/" % token["identifier"])


def restart_web(server):
    """TERM to the web server (gunicorn: graceful, as systemd and docker stop it; it waits for the requests in
    flight), then a start that imports the whole application: seconds from TERM until /-/health/ready/ answers."""
    down = time.monotonic()
    server.control("stop", "web")
    server.control("start")  # returns once /-/health/ready/ answers 200
    return time.monotonic() - down


def play_through_outages(server, playbook, proxy, blocks, outages):
    """Run the outage play; ``outages`` is a list of (tokens made, outage function): each outage is called once the
    play has made that many of its tokens, and returns its length in seconds. Checks: 0 failed tasks, every object
    declared made once (no duplicates), equal to what the play declares, and a rerun with 0 changes. Returns
    (outage seconds, run, rerun, requests of the run)."""
    run_id = uuid.uuid4().hex[:8]
    outcome = {}
    before = proxy.counts()[0]
    worker = threading.Thread(target=lambda: outcome.update(run=playbook(outage_play(run_id, blocks),
                                                                         env={"AUTHENTIK_URL": proxy.url})))
    worker.start()
    seconds = []
    try:
        for made, outage in outages:
            deadline = time.monotonic() + 600
            while (len(server.listing("core/tokens/", search="rr-" + run_id)) < made and worker.is_alive()
                   and time.monotonic() < deadline):
                time.sleep(0.2)
            assert worker.is_alive(), "the play ended before outage %d of %d" % (len(seconds) + 1, len(outages))
            seconds.append(outage())
        worker.join(900)
        run = outcome["run"]
        msgs = failures(run)
        assert run.rc == 0 and run.recap()["failed"] == 0, msgs
        requests = proxy.counts()[0] - before
        assert run_objects(server, run_id) == expected_objects(blocks)
        rerun = playbook(outage_play(run_id, blocks))
        assert rerun.rc == 0 and rerun.recap()["failed"] == 0, failures(rerun)
        assert rerun.recap()["changed"] == 0, rerun.output[-3000:]
        assert run_objects(server, run_id) == expected_objects(blocks)
        return seconds, run, rerun, requests
    finally:
        worker.join(900)
        cleanup(server, run_id)


def test_web_server_terminated_at_random_points_of_a_play_of_creates(server, playbook, proxy):
    """The web server stopped with TERM and started again 3 times at random points of one play (each time once a
    random number of its tokens exist), with default connection settings: 0 failed tasks, no duplicates, a rerun
    with 0 changes. Also measures restarts of the idle server."""
    idle = [restart_web(server) for dummy in range(2)]
    blocks = 6
    points = sorted(random.sample(range(3, blocks * 5 - 3), 3))
    seconds, run, rerun, requests = play_through_outages(
        server, playbook, proxy, blocks, [(made, lambda: restart_web(server)) for made in points])
    print("web server TERM and start, idle: %s s; under load, at %s tokens made of %d: %s s; 0 of %d tasks failed "
          "(recap %s), objects as declared, no duplicates; %d requests; play %.0f s; rerun changed=0 in %.0f s"
          % (", ".join("%.1f" % s for s in idle), points, blocks * 5, ", ".join("%.1f" % s for s in seconds),
             blocks * 10, run.recap(), requests, run.seconds, rerun.seconds))


def test_postgresql_stopped_for_20_seconds_during_a_play(server, playbook, proxy):
    def stop_db():
        down = time.monotonic()
        server.control("stop", "db")
        time.sleep(max(0.0, 20 - (time.monotonic() - down)))
        server.control("start")
        return time.monotonic() - down

    blocks = 4
    seconds, run, rerun, requests = play_through_outages(server, playbook, proxy, blocks, [(6, stop_db)])
    assert seconds[0] >= 20
    print("PostgreSQL stopped for %.1f s during a play of %d blocks: 0 failed tasks (recap %s), objects as declared, no "
          "duplicates; %d requests; play %.0f s; rerun changed=0 in %.0f s"
          % (seconds[0], blocks, run.recap(), requests, run.seconds, rerun.seconds))


def test_token_without_permissions(server, playbook):
    run_id = uuid.uuid4().hex[:8]
    username = "rr-%s-limited" % run_id
    user = server.ok("POST", "core/users/", {"username": username, "name": "Limited %s" % run_id})
    identifier = "rr-%s-limited-token" % run_id
    server.ok("POST", "core/tokens/", {"identifier": identifier, "user": user["pk"], "intent": "api", "expiring": False})
    key = server.ok("GET", "core/tokens/%s/view_key/" % identifier)["key"]
    role = group = None
    provider = "rr-%s-provider" % run_id
    task = """
    - hosts: localhost
      gather_facts: false
      tasks:
        - authentik.api.rac_provider:
            name: %s
            authorization_flow: default-provider-authorization-implicit-consent
            property_mappings: [goauthentik.io/providers/rac/rdp-default]
    """ % provider
    try:
        denied = playbook(task, env={"AUTHENTIK_TOKEN": key})
        msgs = failures(denied)
        assert denied.rc != 0 and len(msgs) == 1
        assert "HTTP 403" in msgs[0] and "authentik_" in msgs[0], msgs[0]

        # view permissions only: check mode predicts the creation, a real run is refused with the add permission
        role = server.ok("POST", "rbac/roles/", {"name": "rr-%s-viewer" % run_id})
        server.ok("POST", "rbac/permissions/assigned_by_roles/%s/assign/" % role["pk"], {"permissions": [
            "authentik_providers_rac.view_racprovider", "authentik_flows.view_flow",
            "authentik_providers_rac.view_racpropertymapping"]})
        group = server.ok("POST", "core/groups/", {"name": "rr-%s-viewers" % run_id, "roles": [role["pk"]],
                                                   "users": [user["pk"]]})
        checked = playbook(task, "--check", env={"AUTHENTIK_TOKEN": key})
        assert checked.rc == 0 and checked.recap()["changed"] == 1, checked.output[-2000:]
        refused = playbook(task, env={"AUTHENTIK_TOKEN": key})
        refused_msgs = failures(refused)
        assert refused.rc != 0 and len(refused_msgs) == 1
        assert "HTTP 403" in refused_msgs[0] and "add_racprovider" in refused_msgs[0], refused_msgs[0]
        assert not server.listing("providers/rac/", search=provider)
        print("no permission: %s | view only: check mode changed=1, real run: %s" % (msgs[0], refused_msgs[0]))
    finally:
        if group:
            server.api("DELETE", "core/groups/%s/" % group["pk"])
        if role:
            server.api("DELETE", "rbac/roles/%s/" % role["pk"])
        server.api("DELETE", "core/tokens/%s/" % identifier)
        server.api("DELETE", "core/users/%s/" % user["pk"])
        for p in server.listing("providers/rac/", search=provider):
            server.api("DELETE", "providers/rac/%s/" % p["pk"])
