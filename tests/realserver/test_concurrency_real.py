# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Concurrent runs on the real server: a play over 10 local hosts at ``-f 10``, without ``run_once``, declares the
same RAC property mapping, provider, endpoint, application, outpost, group binding and API token on every host.

- One controller (the identity locks shared), in-process and in normal module execution: 0 failed tasks, exactly
  one of each object, a rerun with 0 changes.
- Ten controllers (a lock folder per host: nothing shared): the creates really race. 0 failed tasks (a token or
  mapping whose insert lost the race gets authentik's bodiless 405 and converges); objects whose names authentik
  does not keep unique (the endpoint, the binding) may be made several times, all equal; the next run keeps one of
  each and deletes the others; the run after it changes nothing.

Each test prints what it measured (pytest -rA shows it)."""

from __future__ import annotations

import json
import re
import sys
import uuid

import pytest

FORKS = 10
FLOW = "default-provider-authorization-implicit-consent"
FAILED_RE = re.compile(r"^fatal: \[[^\]]+\]: FAILED! => (\{.*\})$", re.M)

PLAY = """
- name: The shared objects, declared on every host (no run_once)
  hosts: clients
  gather_facts: false
  environment:
    AUTHENTIK_API_LOCK_DIR: "{{{{ lock_dir }}}}"
  tasks:
    - authentik.api.rac_property_mapping: {{name: {p}-map, static_settings: {{username: svc-race}}}}
    - authentik.api.rac_provider: {{name: {p}-prov, authorization_flow: {flow}, property_mappings: [{p}-map]}}
    - authentik.api.rac_endpoint: {{name: shared, provider: {p}-prov, protocol: rdp, host: "shared.example.com:3389"}}
    - authentik.api.application: {{slug: {p}-app, name: {p}-app, provider: {p}-prov}}
    - authentik.api.outpost: {{name: {p}-outpost, type: rac, providers: [{p}-prov]}}
    - authentik.api.policy_binding: {{application: {p}-app, group: {p}-group}}
    - authentik.api.core_token: {{identifier: {p}-token, description: shared, expiring: false}}
"""


def inventory():
    return "[clients]\n" + "".join("race%02d ansible_connection=local ansible_python_interpreter=%s\n" % (i, sys.executable)
                                   for i in range(FORKS))


def per_host(run):
    return run.hosts()


def totals(run):
    return run.totals()


def failures(run):
    return [json.loads(m).get("msg", "") for m in FAILED_RE.findall(run.stdout)]


def counts(server, prefix, group):
    """How many of each object the play declares exist on the server."""
    provider = [p for p in server.listing("providers/rac/", search=prefix) if p["name"] == prefix + "-prov"]
    app = [a for a in server.listing("core/applications/", search=prefix, superuser_full_list="true") if a["slug"] == prefix + "-app"]
    return dict(
        mapping=len([m for m in server.listing("propertymappings/provider/rac/", search=prefix) if m["name"] == prefix + "-map"]),
        provider=len(provider),
        endpoint=len([e for e in server.listing("rac/endpoints/", search="shared", superuser_full_list="true")
                      if e["name"] == "shared" and provider and e["provider"] == provider[0]["pk"]]),
        application=len(app),
        outpost=len([o for o in server.listing("outposts/instances/", search=prefix) if o["name"] == prefix + "-outpost"]),
        binding=len([b for b in server.listing("policies/bindings/", target=app[0]["pk"]) if b["group"] == group])
        if app else 0,
        token=len([t for t in server.listing("core/tokens/", search=prefix) if t["identifier"] == prefix + "-token"]),
    )


ONE_EACH = dict(mapping=1, provider=1, endpoint=1, application=1, outpost=1, binding=1, token=1)


@pytest.fixture
def world(server):
    prefix = "race-%s" % uuid.uuid4().hex[:8]
    group = server.ok("POST", "core/groups/", {"name": prefix + "-group"})["pk"]
    yield prefix, group
    server.remove_prefixed(prefix, group)


# Seconds the relay in front of authentik holds every POST: all forks look an object up and find nothing before the
# first create lands, so that creates that are not serialised really race inside authentik. Less than the 2 s that
# authentik's gunicorn keeps an idle connection open (the POST follows the lookup on the same connection).
HOLD = 1.2


@pytest.mark.parametrize("mode", ["in-process", "normal"])
def test_ten_forks_of_one_controller_make_one_of_each_object(server, playbook, proxy, world, tmp_path, mode):
    prefix, group = world
    text = PLAY.format(p=prefix, flow=FLOW)
    env = {"AUTHENTIK_API_IN_PROCESS": "true" if mode == "in-process" else "false", "AUTHENTIK_URL": proxy.url}
    args = ["-f", str(FORKS), "-e", "lock_dir=%s" % (tmp_path / "locks")]
    proxy.hold_posts = HOLD
    first = playbook(text, *args, inventory=inventory(), env=env)
    proxy.hold_posts = 0
    assert first.rc == 0 and totals(first)["failed"] == 0, failures(first) or first.output[-3000:]
    assert len(per_host(first)) == FORKS
    assert counts(server, prefix, group) == ONE_EACH
    assert proxy.methods.get("POST") == len(ONE_EACH), "one create of each, not %s POSTs" % proxy.methods.get("POST")
    rerun = playbook(text, *args, inventory=inventory(), env=env)
    assert rerun.rc == 0 and totals(rerun)["failed"] == 0, failures(rerun)
    assert totals(rerun)["changed"] == 0, rerun.output[-3000:]
    assert counts(server, prefix, group) == ONE_EACH
    print("%d forks, one controller, %s, every POST held %.1f s: 0 failed tasks, one of each of %d objects (%d POSTs, "
          "changed=%d in all), play %.0f s; rerun changed=0, %.0f s" % (
              FORKS, mode, HOLD, len(ONE_EACH), proxy.methods.get("POST"), totals(first)["changed"], first.seconds,
              rerun.seconds))


def test_ten_controllers_racing_converge_and_the_next_run_removes_their_duplicates(server, playbook, proxy, world, tmp_path):
    prefix, group = world
    text = PLAY.format(p=prefix, flow=FLOW)
    racing = ["-f", str(FORKS), "-e", "lock_dir=%s" % (tmp_path / "locks-{{ inventory_hostname }}")]
    proxy.hold_posts = HOLD
    first = playbook(text, *racing, inventory=inventory(), env={"AUTHENTIK_URL": proxy.url})
    proxy.hold_posts = 0
    assert first.rc == 0 and totals(first)["failed"] == 0, failures(first) or first.output[-3000:]
    posts = proxy.methods.get("POST", 0)
    assert posts > len(ONE_EACH), "the race was not real: %d POSTs" % posts
    made = counts(server, prefix, group)
    unique = dict((kind, made[kind]) for kind in ("mapping", "provider", "application", "outpost", "token"))
    assert unique == dict((kind, 1) for kind in unique), made
    assert made["endpoint"] > 1 or made["binding"] > 1, "the race was not real: %s" % made
    shared = ["-f", str(FORKS), "-e", "lock_dir=%s" % (tmp_path / "locks")]
    second = playbook(text, *shared, inventory=inventory())
    assert second.rc == 0 and totals(second)["failed"] == 0, failures(second) or second.output[-3000:]
    assert counts(server, prefix, group) == ONE_EACH
    warned = " ".join(second.output.split())
    removals = warned.count("are equal in every field this module manages")
    assert removals == sum(1 for kind in ("endpoint", "binding") if made[kind] > 1), second.output[-3000:]
    third = playbook(text, *shared, inventory=inventory())
    assert third.rc == 0 and totals(third)["changed"] == 0, third.output[-3000:]
    print("%d controllers at once, every POST held %.1f s: 0 failed tasks; %d POSTs; made %s; the next run kept one of "
          "each (%d warnings naming the duplicates it deleted), changed=%d; the run after it changed=0" % (
              FORKS, HOLD, posts, made, removals, totals(second)["changed"]))
