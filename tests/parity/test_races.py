# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Parity: creates that race. authentik checks uniqueness before it inserts; 10 POSTs of one name at the same
moment can all pass the check. Where the database keeps the name unique (a token's identifier), one POST wins
(201) and the others get either 400 "already exists" (they were checked after the winner's insert) or the bodiless
405 of a failed insert (authentik 2025.12.4's error page takes only GET). Where it does not (a RAC endpoint's name,
a group binding), every POST makes an object. The simulator holds the POSTs in the same window (its ``race``
fault) and must answer alike."""

from __future__ import annotations

import threading

# pylint: disable=missing-function-docstring

RACERS = 10
ROUNDS = 4  # the real server decides who races: a round without a 405 is tried again with a new name


def race(t, path, bodies):
    """POST every body at once (one thread each); the answers as (status, body)."""
    answers = [None] * len(bodies)
    gate = threading.Barrier(len(bodies))

    def post(index):
        gate.wait()
        reply = t.api("POST", path, bodies[index])
        answers[index] = (reply.status, reply.data)

    threads = [threading.Thread(target=post, args=(i,)) for i in range(len(bodies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return answers


def hold_posts(t, path_regex):
    """On the simulator, authentik's check-then-insert window: every POST waits 1 s after its check."""
    if t.kind == "simulator":
        t.sim.add_fault("POST", path_regex, status=None, delay=1.0, times=None, race=True)


def release(t):
    if t.kind == "simulator":
        t.sim.clear_faults()


def kind_of(answer):
    status, body = answer
    if status == 201:
        return "201 created"
    if status == 400 and "already exists" in str(body):
        return "400 already exists"
    if status == 405 and body is None:
        return "405, no body"
    return "%s %r" % (status, body)


def test_tokens_of_one_identifier_racing(both):
    def scenario(t):
        hold_posts(t, r"/core/tokens/$")
        kinds, one_each, rounds = set(), True, 0
        try:
            while rounds < ROUNDS and "405, no body" not in kinds:
                identifier = t.name("race-%d" % rounds)
                rounds += 1
                answers = race(t, "core/tokens/", [{"identifier": identifier, "intent": "api", "expiring": False}] * RACERS)
                round_kinds = [kind_of(a) for a in answers]
                kinds |= set(round_kinds)
                listed = t.ok("GET", "core/tokens/", params={"identifier": identifier})["results"]
                one_each = one_each and round_kinds.count("201 created") == 1 and len(listed) == 1
        finally:
            release(t)
        t.record("every round: one 201 and one token", None, one_each)
        t.record("answers other than 201 and 400 already exists", None, sorted(kinds - {"201 created", "400 already exists"}))
    both(scenario)


def test_endpoints_of_one_name_racing_are_all_made(both):
    def scenario(t):
        provider = t.world["p1"]
        hold_posts(t, r"/rac/endpoints/$")
        try:
            name = t.name("race-ep")
            body = {"name": name, "provider": provider, "protocol": "rdp", "host": "race.example.com", "auth_mode": "prompt"}
            answers = race(t, "rac/endpoints/", [body] * RACERS)
        finally:
            release(t)
        t.record("answers", None, sorted(kind_of(a) for a in answers))
        listed = t.ok("GET", "rac/endpoints/", params={"name": name, "provider": provider, "superuser_full_list": "true"})
        t.record("endpoints of that name", None, len(listed["results"]))
    both(scenario)
