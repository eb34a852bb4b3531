# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reliability on the real server: the web process restarted during a 100-task play, PostgreSQL stopped, and a
token of a user who is not a superuser. Each test prints what it measured (pytest -rA shows it)."""

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


def restart_play(run_id, tasks=100):
    """``tasks`` tasks: core_token creates, every tenth a rac_provider create, all with ignore_errors."""
    lines = ["- hosts: localhost", "  gather_facts: false", "  tasks:"]
    for i in range(tasks):
        if i % 10 == 9:
            lines += ["    - name: provider %d" % i,
                      "      authentik.api.rac_provider:",
                      "        name: rr-%s-p%02d" % (run_id, i),
                      "        authorization_flow: default-provider-authorization-implicit-consent",
                      "      ignore_errors: true"]
        else:
            lines += ["    - name: token %d" % i,
                      "      authentik.api.core_token:",
                      "        identifier: rr-%s-t%02d" % (run_id, i),
                      "        expiring: false",
                      "        description: restart test %d" % i,
                      "      ignore_errors: true"]
    return "\n".join(lines) + "\n"


def run_objects(server, run_id):
    tokens = [t["identifier"] for t in server.listing("core/tokens/", search="rr-" + run_id)]
    providers = [p["name"] for p in server.listing("providers/rac/", search="rr-" + run_id)]
    return tokens, providers


def cleanup(server, run_id):
    for identifier in run_objects(server, run_id)[0]:
        server.api("DELETE", "core/tokens/%s/" % identifier)
    for provider in server.listing("providers/rac/", search="rr-" + run_id):
        server.api("DELETE", "providers/rac/%s/" % provider["pk"])


def test_web_restart_during_a_100_task_play(server, playbook):
    run_id = uuid.uuid4().hex[:8]
    play = restart_play(run_id)
    outcome = {}
    worker = threading.Thread(target=lambda: outcome.update(run=playbook(play)))
    worker.start()
    try:
        deadline = time.monotonic() + 600
        while len(run_objects(server, run_id)[0]) < 25 and worker.is_alive() and time.monotonic() < deadline:
            time.sleep(1)
        assert worker.is_alive(), "the play ended before the restart"
        down = time.monotonic()
        server.control("stop", "web")
        server.control("start")
        outage = time.monotonic() - down
        worker.join(900)
        first = outcome["run"]
        msgs = failures(first)
        assert first.recap()["failed"] == 0  # ignore_errors: failed tasks count as ignored
        ignored = first.recap()["ignored"]
        assert ignored == len(msgs)
        for msg in msgs:
            assert re.search(r"cannot reach authentik|HTTP 50[234]", msg), msg

        second = playbook(play)  # converges: creates exactly what the failed tasks did not
        assert second.recap()["ignored"] == 0, failures(second)
        assert second.recap()["changed"] == ignored

        tokens, providers = run_objects(server, run_id)
        assert len(tokens) == 90 and len(set(tokens)) == 90
        assert len(providers) == 10 and len(set(providers)) == 10
        print("web restart: outage %.1f s (stop + start), %d of 100 tasks failed with one-line errors (%s); "
              "rerun changed %d and failed 0; 90 tokens and 10 providers, no duplicates; play times %.0f / %.0f s"
              % (outage, ignored, "; ".join(sorted(set(m[:120] for m in msgs))) or "none", second.recap()["changed"],
                 first.seconds, second.seconds))
    finally:
        worker.join(900)
        cleanup(server, run_id)


def test_postgresql_stopped(server, playbook):
    run_id = uuid.uuid4().hex[:8]
    task = """
    - hosts: localhost
      gather_facts: false
      tasks:
        - authentik.api.core_token:
            identifier: rr-%s-db
            expiring: false
            retries: 1
    """ % run_id
    server.control("stop", "db")
    try:
        status, body = server.api("GET", "core/tokens/", page_size=1)
        down = playbook(task)
    finally:
        server.control("start")
    try:
        msgs = failures(down)
        assert down.rc != 0 and len(msgs) == 1
        assert "HTTP %d" % status in msgs[0] or "cannot reach authentik" in msgs[0], msgs[0]
        up = playbook(task)
        assert up.rc == 0 and up.recap()["changed"] == 1
        print("PostgreSQL stopped: authentik answered HTTP %s %s; the module said: %s" % (status, body, msgs[0]))
    finally:
        cleanup(server, run_id)


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
