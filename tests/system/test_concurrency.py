# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Concurrency: real ansible-playbook runs with many forks against one simulator.

- 20 forks manage 200 distinct tokens (one local host each, ``tok-{{ inventory_hostname }}``): every token
  exists once, and a rerun reports changed=0 on every host with no write;
- 10 forks create the same identifier at the same moment: the POSTs are held by the simulator until every
  fork has looked the token up and found nothing, so all of them really POST; one gets 201, the others
  400 "already exists", read the token again and converge. One token, no failed task.

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
    out = {}
    for line in run.stdout.splitlines():
        if " : ok=" in line:
            host, counters = line.split(":", 1)
            out[host.strip()] = dict((k, int(v)) for k, v in (item.split("=") for item in counters.split()))
    return out


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


def test_ten_forks_racing_for_one_identifier_end_with_one_token(sim, playbook):
    sim.add_fault("POST", r"/core/tokens/$", status=None, delay=RACE_POST_DELAY, times=None)
    hosts = inventory(RACE_FORKS, prefix="race")
    run = playbook(PLAY, "-f", str(RACE_FORKS), "-e", "token_identifier=tok-race", "-e", "token_description=shared",
                   inventory=hosts)
    assert run.rc == 0, run.output[-3000:]
    recap = per_host(run)
    assert len(recap) == RACE_FORKS
    assert all(c["failed"] == 0 and c["ok"] == 1 for c in recap.values()), recap
    with sim.lock:
        racing = [t for t in sim.tokens.values() if t["identifier"] == "tok-race"]
    assert len(racing) == 1, "exactly one token"
    posts = sim.count("POST", "core/tokens/")
    assert posts > 1, "the race was not real: only %d POST" % posts
    changed = sum(c["changed"] for c in recap.values())
    assert changed == 1, "the winner created it (changed); the others found it already there (ok)"
    assert racing[0]["description"] == "shared"
    sim.clear_faults()
    rerun = playbook(PLAY, "-f", str(RACE_FORKS), "-e", "token_identifier=tok-race", "-e", "token_description=shared",
                     inventory=hosts)
    assert rerun.rc == 0 and sum(c["changed"] for c in per_host(rerun).values()) == 0
    report([
        ("%d forks create the same identifier (POSTs held %.0f s)" % (RACE_FORKS, RACE_POST_DELAY),
         "1 token; changed on 1 host, ok on %d, failed=0" % (RACE_FORKS - 1),
         "%d POST: 1 x 201, %d x 400 already exists, then re-read" % (posts, posts - 1), "%.1f s" % run.seconds),
    ])
