# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Concurrency: real ansible-playbook runs with many forks against one simulator.

- 20 forks manage 200 distinct tokens (one local host each, ``tok-{{ inventory_hostname }}``): every token
  exists once, and a rerun reports changed=0 on every host with no write;
- 10 forks declare the same token and RAC endpoint at the same moment, the simulator holding every POST in
  authentik's check-then-insert window: with one controller's lock, one POST of each; with a lock per host (as
  several controllers), all of them POST, the token's losers get authentik's bodiless 405 and converge, the
  endpoint is made several times and the next run keeps one.

``AUTHENTIK_RELIABILITY_REPORT=FILE`` appends the measured rows to FILE (see tests/unit/plugins/test_reliability.py).
"""

from __future__ import annotations

import os
import sys

HOSTS = 200
FORKS = 20
RACE_FORKS = 10
# How long the simulator holds each POST of the race: longer than it takes 10 forks to start their module
# and send the lookup, so that every lookup sees "absent" before the first POST is applied.
RACE_POST_DELAY = 4.0

PLAY = """
- name: One token per host
  hosts: authentik_clients
  gather_facts: false
  tasks:
    - name: Manage this host's token
      authentik.api.core_token:
        identifier: "{{ token_identifier | default('tok-' ~ inventory_hostname) }}"
        description: "{{ token_description | default('managed by ' ~ inventory_hostname) }}"
        expiring: false
"""


def inventory(count, prefix="h"):
    """``count`` local hosts that run modules with this venv's Python."""
    lines = ["[authentik_clients]"]
    for i in range(count):
        lines.append("%s%03d ansible_connection=local ansible_python_interpreter=%s" % (prefix, i, sys.executable))
    return "\n".join(lines) + "\n"


def per_host(run):
    """{host: recap counters} of every host in the PLAY RECAP."""
    return run.hosts()


def report(rows):
    path = os.environ.get("AUTHENTIK_RELIABILITY_REPORT")
    if not path:
        return
    with open(path, "a", encoding="utf-8") as handle:
        for row in rows:
            handle.write("| %s |\n" % " | ".join(row))


def test_twenty_forks_manage_two_hundred_tokens_and_converge(sim, playbook):
    hosts = inventory(HOSTS)
    first = playbook(PLAY, "-f", str(FORKS), inventory=hosts)
    assert first.rc == 0, first.output[-3000:]
    recap = per_host(first)
    assert len(recap) == HOSTS
    assert all(c["ok"] == 1 and c["changed"] == 1 and c["failed"] == 0 and c["unreachable"] == 0 for c in recap.values()), recap
    with sim.lock:
        identifiers = [t["identifier"] for t in sim.tokens.values() if t["identifier"].startswith("tok-h")]
    assert sorted(identifiers) == ["tok-h%03d" % i for i in range(HOSTS)], "every token exactly once"
    assert sim.count("POST") == HOSTS and sim.get_token("tok-h042")["description"] == "managed by h042"
    first_requests = sim.count()

    sim.reset_counts()
    second = playbook(PLAY, "-f", str(FORKS), inventory=hosts)
    assert second.rc == 0, second.output[-3000:]
    recap = per_host(second)
    assert len(recap) == HOSTS
    assert all(c["changed"] == 0 and c["failed"] == 0 for c in recap.values()), [h for h, c in recap.items() if c["changed"]]
    assert sim.writes() == 0 and sim.count() == HOSTS, "a no-op costs one GET per host"
    report([
        ("%d hosts, -f %d, one token each (first run)" % (HOSTS, FORKS), "changed=%d on %d hosts, failed=0, %d tokens"
         % (HOSTS, HOSTS, HOSTS), "%d requests, %d POST" % (first_requests, HOSTS), "%.1f s" % first.seconds),
        ("the same, rerun", "changed=0 on all %d hosts" % HOSTS, "%d GET, 0 writes" % HOSTS, "%.1f s" % second.seconds),
    ])


RACE_PLAY = """
- name: The same objects declared on every host (no run_once)
  hosts: authentik_clients
  gather_facts: false
  environment:
    # one folder for all (one controller), or one per host (as if each host were a controller of its own)
    AUTHENTIK_API_LOCK_DIR: "{{ lock_dir }}"
  tasks:
    - authentik.api.core_token: {identifier: tok-race, description: shared, expiring: false}
    - authentik.api.rac_endpoint: {name: shared, provider: race-provider, protocol: rdp, host: "shared.example.com:3389"}
"""


def race(sim, playbook, tmp_path, controllers):
    """RACE_PLAY on RACE_FORKS hosts at once with every POST held RACE_POST_DELAY s in authentik's check-then-insert
    window (the simulator's race fault); ``controllers``: 1 (one lock folder) or RACE_FORKS (one per host)."""
    sim.add_fault("POST", r"/(core/tokens|rac/endpoints)/$", status=None, delay=RACE_POST_DELAY, times=None, race=True)
    hosts = inventory(RACE_FORKS, prefix="race")
    lock_dir = str(tmp_path / "locks") + ("-{{ inventory_hostname }}" if controllers > 1 else "")
    run = playbook(RACE_PLAY, "-f", str(RACE_FORKS), "-e", "lock_dir=%s" % lock_dir, inventory=hosts)
    sim.clear_faults()
    return run, hosts, lock_dir


def endpoints_named(sim, name):
    with sim.lock:
        return [e for e in sim.endpoints.values() if e["name"] == name]


def test_ten_forks_of_one_controller_make_one_object_each(sim, playbook, tmp_path):
    """The identity lock: the lookup and the create of one identity never interleave between forks, so one fork
    creates and the nine others wait, then find it; exactly one POST of each kind."""
    sim.seed_provider("race-provider")
    sim.reset_counts()
    run, hosts, lock_dir = race(sim, playbook, tmp_path, controllers=1)
    assert run.rc == 0, run.output[-3000:]
    recap = per_host(run)
    assert len(recap) == RACE_FORKS and all(c["failed"] == 0 for c in recap.values()), recap
    with sim.lock:
        assert len([t for t in sim.tokens.values() if t["identifier"] == "tok-race"]) == 1
    assert len(endpoints_named(sim, "shared")) == 1
    posts = (sim.count("POST", "core/tokens/"), sim.count("POST", "rac/endpoints/"))
    assert posts == (1, 1), "the forks' lookups and creates interleaved: %s POSTs" % (posts,)
    assert sum(c["changed"] for c in recap.values()) == 2, "one create of each, by whichever fork came first"
    rerun = playbook(RACE_PLAY, "-f", str(RACE_FORKS), "-e", "lock_dir=%s" % lock_dir, inventory=hosts)
    assert rerun.rc == 0 and sum(c["changed"] for c in per_host(rerun).values()) == 0
    report([("%d forks of one controller declare the same token and endpoint (POSTs held %.0f s)"
             % (RACE_FORKS, RACE_POST_DELAY), "1 token, 1 endpoint; changed=2 in all, failed=0",
             "1 POST of each kind", "%.1f s" % run.seconds)])


def test_ten_controllers_racing_converge_and_a_rerun_removes_their_duplicates(sim, playbook, tmp_path):
    """Without a shared lock (several controllers), every fork looks up, finds nothing and POSTs. The token: one
    201, the others the bodiless 405 of authentik's failed insert, then a re-read that finds the winner's token: no
    failed task. The endpoint (a name authentik does not keep unique): made several times, all equal; the next run
    keeps one and deletes the others, reporting them; the run after it changes nothing."""
    sim.seed_provider("race-provider")
    sim.reset_counts()
    run, hosts, lock_dir = race(sim, playbook, tmp_path, controllers=RACE_FORKS)
    assert run.rc == 0, run.output[-3000:]
    recap = per_host(run)
    assert all(c["failed"] == 0 for c in recap.values()), recap
    with sim.lock:
        assert len([t for t in sim.tokens.values() if t["identifier"] == "tok-race"]) == 1
    posts = sim.count("POST", "core/tokens/")
    assert posts > 1, "the race was not real: only %d POST" % posts
    made = len(endpoints_named(sim, "shared"))
    assert made > 1, "the race was not real: only %d endpoint" % made

    sim.reset_counts()
    second = playbook(RACE_PLAY, "-f", str(RACE_FORKS), "-e", "lock_dir=%s" % (str(tmp_path / "one")), inventory=hosts)
    assert second.rc == 0, second.output[-3000:]
    assert len(endpoints_named(sim, "shared")) == 1
    assert sim.count("DELETE", "rac/endpoints/") == made - 1
    assert sum(c["changed"] for c in per_host(second).values()) == 1, "the first fork removed the duplicates"
    warned = " ".join(second.output.split())  # Ansible wraps warnings
    assert warned.count("are equal in every field this module manages") == 1, second.output[-3000:]
    third = playbook(RACE_PLAY, "-f", str(RACE_FORKS), "-e", "lock_dir=%s" % (str(tmp_path / "one")), inventory=hosts)
    assert third.rc == 0 and sum(c["changed"] for c in per_host(third).values()) == 0
    report([("%d controllers declare the same token and endpoint at once (POSTs held %.0f s)"
             % (RACE_FORKS, RACE_POST_DELAY), "1 token, failed=0; %d equal endpoints, one kept by the next run" % made,
             "%d token POSTs: 1 x 201, the others 405 then re-read" % posts, "%.1f s" % run.seconds)])
