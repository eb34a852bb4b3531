# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reliability on the real server, with default connection settings: the web process restarted, and PostgreSQL
stopped for 20 s, each during a 100-task play across the modules (0 failed tasks, the same results as an undisturbed
run), and a token of a user who is not a superuser. Each test prints what it measured (pytest -rA shows it)."""

from __future__ import annotations

import json
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


def outage_play(run_id):
    """100 tasks across the modules, with default connection settings and no ignore_errors; 10 blocks of: 5
    core_token creates, a rac_property_mapping, a rac_provider that uses it (name references to a flow and a
    mapping), two rac_endpoints (references to the provider and the mapping), a rac_connection_token_info."""
    lines = ["- hosts: localhost", "  gather_facts: false", "  tasks:"]
    for block in range(10):
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


def run_objects(server, run_id):
    """What a play of ``run_id`` made, with the run id taken out of every name: comparable across runs."""
    prefix = "rr-" + run_id

    def norm(value):
        return value.replace(prefix, "rr-RUN") if isinstance(value, str) else value

    mappings = dict((m["pk"], norm(m["name"])) for m in server.listing("propertymappings/provider/rac/", search=prefix))
    providers = dict((p["pk"], p) for p in server.listing("providers/rac/", search=prefix))
    return dict(
        tokens=sorted((norm(t["identifier"]), t["description"], t["expiring"], t["intent"])
                      for t in server.listing("core/tokens/", search=prefix)),
        mappings=sorted(mappings.values()),
        providers=sorted((norm(p["name"]), p["authorization_flow"], p["connection_expiry"],
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


EXPECTED_COUNTS = dict(tokens=50, mappings=10, providers=10, endpoints=20)
UNDISTURBED = {}


def undisturbed_run(server, playbook, proxy):
    """The outage play once without any outage (once per session): its recap, objects, requests and time."""
    if not UNDISTURBED:
        run_id = uuid.uuid4().hex[:8]
        try:
            run = playbook(outage_play(run_id), env={"AUTHENTIK_URL": proxy.url})
            assert run.rc == 0 and run.recap()["failed"] == 0, failures(run)
            UNDISTURBED.update(recap=run.recap(), objects=run_objects(server, run_id), requests=proxy.counts()[0],
                               seconds=run.seconds)
        finally:
            cleanup(server, run_id)
    return UNDISTURBED


def play_through_an_outage(server, playbook, proxy, name, outage):
    """Run the outage play, call ``outage()`` once a quarter of its objects exist, and check the result against an
    undisturbed run: 0 failed tasks, the same recap, the same objects (no duplicates). Returns what to print."""
    base = undisturbed_run(server, playbook, proxy)
    before = proxy.counts()
    run_id = uuid.uuid4().hex[:8]
    outcome = {}
    worker = threading.Thread(target=lambda: outcome.update(run=playbook(outage_play(run_id), env={"AUTHENTIK_URL": proxy.url})))
    worker.start()
    try:
        deadline = time.monotonic() + 600
        while (len(server.listing("core/tokens/", search="rr-" + run_id)) < 13 and worker.is_alive()
               and time.monotonic() < deadline):
            time.sleep(0.5)
        assert worker.is_alive(), "the play ended before the outage"
        seconds = outage()
        worker.join(900)
        run = outcome["run"]
        msgs = failures(run)
        assert run.rc == 0 and run.recap()["failed"] == 0, msgs
        assert run.recap() == base["recap"]
        objects = run_objects(server, run_id)
        assert dict((k, len(v)) for k, v in objects.items()) == EXPECTED_COUNTS
        assert objects == base["objects"]
        requests, refused = proxy.counts()[0] - before[0], proxy.counts()[1] - before[1]
        return ("%s: outage %.1f s; 0 of 100 tasks failed (recap %s, equal to the undisturbed run's); objects equal to "
                "the undisturbed run's, no duplicates; %d requests (undisturbed %d) and %d connections refused during "
                "the outage; play %.0f s (undisturbed %.0f s, +%.0f s)"
                % (name, seconds, run.recap(), requests, base["requests"], refused, run.seconds, base["seconds"],
                   run.seconds - base["seconds"]))
    finally:
        worker.join(900)
        cleanup(server, run_id)


def test_web_restart_during_a_100_task_play(server, playbook, proxy):
    def restart_web():
        down = time.monotonic()
        server.control("stop", "web")
        server.control("start")  # returns once /-/health/ready/ answers 200
        return time.monotonic() - down

    print(play_through_an_outage(server, playbook, proxy, "web process stopped and started", restart_web))


def test_postgresql_stopped_for_20_seconds_during_a_100_task_play(server, playbook, proxy):
    def stop_db():
        down = time.monotonic()
        server.control("stop", "db")
        time.sleep(max(0.0, 20 - (time.monotonic() - down)))
        server.control("start")
        return time.monotonic() - down

    print(play_through_an_outage(server, playbook, proxy, "PostgreSQL stopped for 20 s", stop_db))


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
