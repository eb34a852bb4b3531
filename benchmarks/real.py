# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What users wait for: whole plays against a real authentik 2025.12.4, in both module execution modes.

    python benchmarks/real.py [--quick] [--reps N] [--venv DIR] [--mode both|in-process|normal] [--json FILE]

Uses the test server of scripts/authentik-server.sh (its ``env``: AUTHENTIK_TEST_URL/AUTHENTIK_TEST_TOKEN; never
AUTHENTIK_URL/AUTHENTIK_TOKEN of the environment): when ``status`` says it runs, it is used and left running; else
``start`` (or ``build``) starts it and ``stop`` stops it at the end; without an authentik source the script prints
one line and exits 0. Every play runs through a counting TCP relay in front of the server (the CountingProxy of
tests/realserver/conftest.py), so that each play's HTTP requests are known; the relay's own cost per request is
measured and printed.

1. tasks    N separate tasks in one play: no-op ``core_token`` (token by identifier, user by pk: 1 GET each),
            ``ansible.builtin.uri`` GETs of the same URL (core/tokens/?identifier=X) and ``ansible.builtin.debug``,
            and an empty play; the contenders interleaved (A B C D E, A B C D E, ...), the median wall time of the
            ``ansible-playbook`` process. ms per task = (play - empty play) / N. "One GET" is the median of a tight
            loop of requests GETs of the same URL.
2. loop     one ``rac_endpoint`` task looping over N endpoints of one provider (provider by name): the creating run
            and its no-op rerun; a no-op loop over a larger provider (its endpoints made through the API first).

Everything it makes is named bench-real-<random>- and deleted at the end, also on failure. Exit code 1 when a
play fails or a request count is off its target.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import importlib.util
import json
import math
import os
import platform
import shlex
import statistics
import subprocess
import sys
import time
import uuid

import requests

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
CTL = os.path.join(REPO, "scripts", "authentik-server.sh")
PAGE_SIZE = 100
# authentik's web server (gunicorn) ends a worker after about 1,000 requests and drops the connections it held; a
# module whose request meets that reads again and sends again (up to 2 requests more): counts may exceed by that much
RESENT = 2
AUTHORIZATION_FLOW = "default-provider-authorization-implicit-consent"
DEFAULT_VENV = os.path.join(REPO, ".venv-3.13")
if not os.path.exists(os.path.join(DEFAULT_VENV, "bin", "ansible-playbook")):
    DEFAULT_VENV = os.path.dirname(os.path.dirname(os.path.abspath(sys.executable)))

FULL = dict(tasks=100, items=200, large=1000, reps=3, large_reps=1, gets=100)
QUICK = dict(tasks=10, items=20, large=30, reps=1, large_reps=1, gets=20)


def _load(name, path):
    spec = importlib.util.spec_from_file_location(name, os.path.join(REPO, path))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bench_run = _load("authentik_api_benchmarks", "benchmarks/run.py")  # Bench (ansible-playbook runs), Row
realserver = _load("authentik_api_realserver_conftest", "tests/realserver/conftest.py")  # CountingProxy, RealServer


# ------------------------------------------------------------------------------------------------
# the server


def _ctl(*args, timeout=600):
    return subprocess.run([CTL] + list(args), capture_output=True, text=True, timeout=timeout, check=False)


def server_up(start=True):
    """``(url, token, started)`` of the test server, or None (and one line on stdout) when there is none."""
    avail = _ctl("available", timeout=60)
    if avail.returncode != 0:
        print("real-server benchmark skipped: %s" % ((avail.stdout + avail.stderr).strip().splitlines() or ["no source"])[-1])
        return None
    status = _ctl("status", timeout=60).stdout
    running = "web: running" in status and "worker: running" in status
    started = False
    if not running:
        if not start:
            print("real-server benchmark skipped: the test server is not running (--no-start)")
            return None
        proc = _ctl("start", timeout=1800)
        if proc.returncode != 0 and "no server built" in proc.stderr:
            proc = _ctl("build", timeout=7200)
        if proc.returncode != 0:
            print("real-server benchmark skipped: the test server did not start: %s" % proc.stderr.strip()[-300:])
            return None
        started = True
    env = {}
    for line in _ctl("env", timeout=60).stdout.splitlines():
        for word in shlex.split(line)[1:]:
            name, dummy, value = word.partition("=")
            env[name] = value
    url, token = env.get("AUTHENTIK_TEST_URL"), env.get("AUTHENTIK_TEST_TOKEN")
    if not (url and token):
        print("real-server benchmark skipped: `%s env` gave no AUTHENTIK_TEST_URL/AUTHENTIK_TEST_TOKEN" % CTL)
        return None
    return url, token, started


class Target:
    """What run.Bench needs of a server: its URL (the relay's) and the admin token."""

    def __init__(self, url):
        self.url = url


# ------------------------------------------------------------------------------------------------
# measuring


class RealBench:
    def __init__(self, server, proxy, venv, verbose=False):
        self.server = server
        self.proxy = proxy
        python = os.path.join(venv, "bin", "python")
        self.bench = bench_run.Bench(Target(proxy.url), python=python, admin_token=server.token, verbose=verbose)
        self.failures = []

    def close(self):
        self.bench.close()

    def play(self, label, tasks, in_process=True, items=None):
        """One ansible-playbook run: ``(seconds, requests)``; a failed play is recorded in ``failures``."""
        self.bench.in_process = in_process
        before = self.proxy.counts()[0]
        result = self.bench.run(tasks, name=label, count=False)
        requests_sent = self.proxy.counts()[0] - before
        bad = [r for r in result.records if r.get("status") != "ok"]
        if result.rc != 0 or bad or len(result.records) != len(tasks):
            why = bad[0].get("msg", "")[:300] if bad else result.output[-600:]
            self.failures.append("%s (%s): rc %s: %s" % (label, "in-process" if in_process else "normal", result.rc, why))
        if items is not None and result.records:
            record = result.records[0]
            if len(record.get("items") or []) != items:
                self.failures.append("%s: %s items ran, not %d" % (label, len(record.get("items") or []), items))
        return result.seconds, requests_sent, result.records

    def get_loop(self, url, n):
        """Median seconds of ``n`` GETs of ``url`` in a tight loop (one keep-alive session)."""
        session = requests.Session()
        session.headers["Authorization"] = "Bearer " + self.server.token
        times = []
        for dummy in range(n + 1):
            started = time.perf_counter()
            resp = session.get(url, timeout=60)
            times.append(time.perf_counter() - started)
            resp.raise_for_status()
        return statistics.median(times[1:])  # the first opens the connection


def _modes(option):
    return {"both": [True, False], "in-process": [True], "normal": [False]}[option]


def _mode(in_process):
    return "in-process" if in_process else "normal"


def measure_tasks(rb, prefix, n, reps, modes, gets):
    """Section 1: n no-op core_token tasks / n uri GETs / n debug tasks / an empty play, interleaved; rows and data."""
    srv = rb.server
    me = srv.ok("GET", "core/users/me/")["user"]["pk"]
    ident = prefix + "-token"
    srv.ok("POST", "core/tokens/", dict(identifier=ident, user=me, intent="api", expiring=False, description="bench"))
    path = "core/tokens/?identifier=%s" % ident
    core = {"authentik.api.core_token": dict(identifier=ident, user=str(me), expiring=False, description="bench")}
    uri = rb.bench.uri_task("uri", path)
    plays = {
        "empty": [],
        "debug": [{"name": "debug #%d" % i, "ansible.builtin.debug": {"msg": "task %d" % i}} for i in range(n)],
        "uri": [dict(uri, name="uri #%d" % i) for i in range(n)],
    }
    contenders = ["empty"]
    for in_process in modes:
        name = "core_token %s" % _mode(in_process)
        plays[name] = [dict(core, name="core_token #%d" % i) for i in range(n)]
        contenders.append(name)
    contenders += ["uri", "debug"]
    seconds = dict((c, []) for c in contenders)
    counts = dict((c, []) for c in contenders)
    for rep in range(reps):
        for contender in contenders:
            in_process = not contender.endswith("normal")
            secs, reqs, dummy = rb.play("tasks-%s-%d" % (contender.replace(" ", "-"), rep), plays[contender], in_process)
            seconds[contender].append(secs)
            counts[contender].append(reqs)
            _log("%s x %d: %.1f s, %d requests" % (contender, n, secs, reqs))
    direct = rb.get_loop("%s/api/v3/%s" % (srv.url, path), gets)
    relayed = rb.get_loop("%s/api/v3/%s" % (rb.proxy.url, path), gets)
    med = dict((c, statistics.median(v)) for c, v in seconds.items())
    per = dict((c, (med[c] - med["empty"]) / n) for c in contenders if c != "empty")
    rows = [bench_run.Row("tasks", "empty play", "%.2f s" % med["empty"],
                          "ansible-playbook start-up and end: subtracted from every play below", None, kind="info")]
    expected = {"uri": n, "debug": 0, "empty": 0}
    for contender in contenders[1:]:
        want = expected.get(contender, n)  # core_token: 1 GET per no-op, in both modes
        ok = all(want <= c <= want + (RESENT if want else 0) for c in counts[contender])
        rows.append(bench_run.Row(
            "tasks", "%d %s tasks" % (n, contender if contender != "uri" else "ansible.builtin.uri GET"),
            "%.1f ms/task (play %.2f s); %s requests" % (1000 * per[contender], med[contender],
                                                         "/".join(str(c) for c in sorted(set(counts[contender])))),
            "(play - empty play) / %d, median of %d; requests = %d" % (n, reps, want), ok,
            data=dict(seconds=seconds[contender], requests=counts[contender], ms_per_task=1000 * per[contender])))
    rows.append(bench_run.Row("tasks", "one GET (Python requests, keep-alive)",
                              "%.1f ms direct, %.1f ms through the counting relay" % (1000 * direct, 1000 * relayed),
                              "median of %d GETs of the same URL; the plays run through the relay" % gets, None, kind="info",
                              data=dict(direct=direct, relayed=relayed)))
    for in_process in modes:
        name = "core_token %s" % _mode(in_process)
        rows.append(bench_run.Row("tasks", "%s / uri" % name, "%.2f" % (per[name] / per["uri"]),
                                  "ms per task ratio", None, kind="info"))
        floor = per["debug"] + relayed
        rows.append(bench_run.Row("tasks", "%s / (debug + one GET)" % name, "%.2f (%.1f / %.1f ms)" % (
            per[name] / floor, 1000 * per[name], 1000 * floor),
            "the module against the least a task that sends one GET can cost", None, kind="info"))
    return rows


def _endpoint_task(prefix, provider, n, offset=0):
    return {"name": "rac_endpoint loop", "loop": "{{ range(%d, %d) | list }}" % (offset, offset + n),
            "authentik.api.rac_endpoint": dict(name="%s-ep-{{ item }}" % prefix, provider=provider, protocol="ssh",
                                               host="host-{{ item }}.example.com", auth_mode="prompt")}


def _endpoint_body(prefix, provider_pk, i):
    return dict(name="%s-ep-%d" % (prefix, i), provider=provider_pk, protocol="ssh", host="host-%d.example.com" % i,
                auth_mode="prompt", property_mappings=[])


def _parallel(fn, items, workers=4):
    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        return list(pool.map(fn, items))


def _provider(srv, name, flow):
    return srv.ok("POST", "providers/rac/", dict(name=name, authorization_flow=flow))["pk"]


def _endpoints(srv, provider_pk):
    return srv.listing("rac/endpoints/", provider=provider_pk, superuser_full_list="true")


def _loop_row(label, n, secs, reqs, target, ok, data=None):
    return bench_run.Row("loop", label, "%.1f s (%.1f ms/item); %s requests (%.2f/item)" % (
        secs, 1000 * secs / n, "/".join(str(r) for r in sorted(set(reqs))) if isinstance(reqs, list) else reqs,
        (statistics.median(reqs) if isinstance(reqs, list) else reqs) / float(n)), target, ok, data=data)


def _expect(in_process, n, op):
    """``(target text, judge)`` of a rac_endpoint loop of n items (provider by name). Normal: every item resolves
    the provider and looks its endpoint up (2), a create POSTs too (3). In-process the items share the provider and
    the listing (module_utils/_shared.py): a no-op costs its pages (read whole up to 10 pages, READ_WHOLE there), the
    provider once and who the token is once; a create a lookup and a POST per item, and those."""
    pages = max(1, int(math.ceil(n / float(PAGE_SIZE))))
    if not in_process:
        want = (3 if op == "create" else 2) * n
        return "= %d (%d per item)" % (want, want // n), lambda r: want <= r <= want + RESENT
    if op == "noop" and pages <= 10:
        return "= %d (%d page%s + provider + token's user)" % (pages + 2, pages, "s" if pages > 1 else ""), \
            lambda r: pages + 2 <= r <= pages + 2 + RESENT
    limit = 2 * n + 3 if op == "create" else 2 * pages + 3
    why = "lookup + POST per item + a few" if op == "create" else "<= 2 x %d pages + 3" % pages
    return "<= %d (%s)" % (limit, why), lambda r: r <= limit + RESENT


def _post_once(srv, path, body):
    """POST on a connection of its own: a keep-alive connection that authentik closes while idle (gunicorn keeps one
    for 2 s) would drop the request; threads do not share a requests.Session."""
    resp = requests.post("%s/api/v3/%s" % (srv.url, path), json=body, timeout=60,
                         headers={"Authorization": "Bearer " + srv.token, "Connection": "close"})
    if resp.status_code != 201:
        raise RuntimeError("POST %s: HTTP %s %s" % (path, resp.status_code, resp.text[:200]))


def _delete_once(srv, path):
    requests.delete("%s/api/v3/%s" % (srv.url, path), timeout=60,
                    headers={"Authorization": "Bearer " + srv.token, "Connection": "close"})


def measure_loop(rb, prefix, n, reps, modes, flow, rows):
    """Section 2, the loop of n endpoints: created in each mode (deleted through the API in between), then its no-op
    reruns. Appends to ``rows``."""
    srv = rb.server
    provider = prefix + "-rac"
    ppk = _provider(srv, provider, flow)
    # the creating run of each mode (the endpoints the first made are deleted through the API before the next)
    for index, in_process in enumerate(modes):
        if index:
            _parallel(lambda e: _delete_once(srv, "rac/endpoints/%s/" % e["pk"]), _endpoints(srv, ppk))
        secs, reqs, dummy = rb.play("loop-create-%s" % _mode(in_process), [_endpoint_task(prefix, provider, n)], in_process, n)
        made = len(_endpoints(srv, ppk))
        target, judge = _expect(in_process, n, "create")
        ok = judge(reqs) and made == n
        rows.append(_loop_row("rac_endpoint loop of %d, create (%s)" % (n, _mode(in_process)), n, secs, reqs,
                              target + ("" if made == n else "; %d endpoints made" % made), ok,
                              dict(seconds=secs, requests=reqs)))
        _log("create %d (%s): %.1f s, %d requests" % (n, _mode(in_process), secs, reqs))
    rows += _noop_rows(rb, prefix, provider, n, reps, modes)


def measure_large(rb, prefix, large, large_reps, modes, flow, rows):
    """Section 2, the large no-op loop: its endpoints made through the API with a few threads, then the no-op runs."""
    srv = rb.server
    big = prefix + "-big"
    bpk = _provider(srv, big, flow)
    started = time.monotonic()
    _parallel(lambda i: _post_once(srv, "rac/endpoints/", _endpoint_body(prefix + "-b", bpk, i)), range(large))
    _log("%d endpoints made through the API in %.1f s" % (large, time.monotonic() - started))
    rows += _noop_rows(rb, prefix + "-b", big, large, large_reps, modes)


def _noop_rows(rb, prefix, provider, n, reps, modes):
    seconds = dict((m, []) for m in modes)
    counts = dict((m, []) for m in modes)
    for rep in range(reps):
        for in_process in modes:
            secs, reqs, records = rb.play("loop-noop-%d-%s-%d" % (n, _mode(in_process), rep),
                                          [_endpoint_task(prefix, provider, n)], in_process, n)
            if records and records[0].get("changed"):
                rb.failures.append("no-op loop of %d (%s) reported changed" % (n, _mode(in_process)))
            seconds[in_process].append(secs)
            counts[in_process].append(reqs)
            _log("no-op %d (%s): %.1f s, %d requests" % (n, _mode(in_process), secs, reqs))
    rows = []
    for in_process in modes:
        target, judge = _expect(in_process, n, "noop")
        rows.append(_loop_row("rac_endpoint loop of %d, no-op rerun (%s)" % (n, _mode(in_process)), n,
                              statistics.median(seconds[in_process]), counts[in_process],
                              target + "; play time, median of %d" % reps, all(judge(r) for r in counts[in_process]),
                              dict(seconds=seconds[in_process], requests=counts[in_process])))
    return rows


def _log(msg):
    print("[%s] %s" % (time.strftime("%H:%M:%S"), msg), file=sys.stderr, flush=True)


# ------------------------------------------------------------------------------------------------
# main


TITLES = {"tasks": "1. Separate no-op tasks in one play (whole-play wall time)",
          "loop": "2. One rac_endpoint task looping over many endpoints (whole-play wall time)"}


def markdown(rows):
    out = []
    for section, title in TITLES.items():
        mine = [row for row in rows if row.section == section]
        if mine:
            out += ["### " + title, "", "| what | measured | what it measures | result |", "| --- | --- | --- | --- |"]
            out += ["| %s | %s | %s | %s |" % (r.name, r.measured, r.target, r.result) for r in mine] + [""]
    return "\n".join(out)


def ansible_version(venv):
    proc = subprocess.run([os.path.join(venv, "bin", "python"), "-c", "from ansible.release import __version__; print(__version__)"],
                          capture_output=True, text=True, check=False)
    return proc.stdout.strip() or None


def run(args):
    sizes = dict(QUICK if args.quick else FULL)
    for name in ("tasks", "items", "large", "reps", "large_reps"):
        if getattr(args, name) is not None:
            sizes[name] = getattr(args, name)
    up = server_up(start=not args.no_start)
    if up is None:
        return 0, [], {}
    url, token, started = up
    srv = realserver.RealServer(url, token, CTL)
    srv.wait_ready()
    prefix = "bench-real-%s" % uuid.uuid4().hex[:8]
    proxy = realserver.CountingProxy(url)
    rb = RealBench(srv, proxy, args.venv, verbose=args.verbose)
    modes = _modes(args.mode)
    info = dict(date=time.strftime("%Y-%m-%d %H:%M:%S %Z"), ansible_core=ansible_version(args.venv), venv=args.venv,
                python=platform.python_version(), cpus=os.cpu_count(), sizes=sizes, modes=[_mode(m) for m in modes],
                prefix=prefix, started_server=started)
    rows = []
    began = time.monotonic()
    try:
        flows = srv.ok("GET", "flows/instances/", slug=AUTHORIZATION_FLOW)["results"]
        if not flows:
            raise RuntimeError("no flow %s on the server" % AUTHORIZATION_FLOW)
        if "tasks" in args.only:
            rows += measure_tasks(rb, prefix, sizes["tasks"], sizes["reps"], modes, sizes["gets"])
        if "loop" in args.only and sizes["items"]:
            measure_loop(rb, prefix, sizes["items"], sizes["reps"], modes, flows[0]["pk"], rows)
        if "large" in args.only and sizes["large"]:
            measure_large(rb, prefix, sizes["large"], sizes["large_reps"], modes, flows[0]["pk"], rows)
    except Exception as exc:  # pylint: disable=broad-except
        # one line, and the rows measured so far; the cleanup below still runs
        rb.failures.append("loop: stopped: %s: %s" % (type(exc).__name__, str(exc).splitlines()[0][:300] if str(exc) else ""))
    finally:
        try:
            srv.remove_prefixed(prefix)
        finally:
            rb.close()
            proxy.close()
            if started:
                _ctl("stop", timeout=600)
    for failure in rb.failures:
        rows.append(bench_run.Row("tasks" if failure.startswith("tasks") else "loop", "failed play", failure[:600],
                                  "every play ok", False))
    info["seconds"] = time.monotonic() - began
    info["loadavg"] = os.getloadavg()
    return (1 if any(r.ok is False for r in rows) else 0), rows, info


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="a smoke: %(tasks)d tasks, %(items)d and %(large)d items, 1 rep" % QUICK)
    parser.add_argument("--reps", type=int, help="runs per contender, interleaved; the median is reported (default 3)")
    parser.add_argument("--tasks", type=int, help="separate tasks per play in section 1 (default 100)")
    parser.add_argument("--items", type=int, help="endpoints of the rac_endpoint loop, created then rerun (default 200; 0: skip)")
    parser.add_argument("--large", type=int, help="endpoints of the large no-op loop, made through the API (default 1000; 0: skip)")
    parser.add_argument("--large-reps", type=int, help="runs of the large no-op loop per mode (default 1: normal mode takes minutes)")
    parser.add_argument("--mode", choices=["both", "in-process", "normal"], default="both", help="module execution modes (default both)")
    parser.add_argument("--only", action="append", choices=["tasks", "loop", "large"],
                        help="run only these sections (loop: the loop of --items; large: the no-op loop of --large)")
    parser.add_argument("--venv", default=DEFAULT_VENV,
                        help="the virtualenv whose ansible-playbook and python run the plays (default .venv-3.13, the newest "
                             "ansible-core, when it exists, else this Python's)")
    parser.add_argument("--no-start", action="store_true", help="do not start the test server when it is not running")
    parser.add_argument("--json", metavar="FILE", help="also write the rows and details as JSON")
    parser.add_argument("--verbose", action="store_true", help="print the tail of every ansible-playbook output")
    args = parser.parse_args(argv)
    args.only = args.only or ["tasks", "loop", "large"]
    args.venv = os.path.abspath(args.venv)
    if not os.path.exists(os.path.join(args.venv, "bin", "ansible-playbook")):
        parser.error("--venv %s has no bin/ansible-playbook" % args.venv)
    rc, rows, info = run(args)
    if not rows:
        return rc
    print(markdown(rows))
    print("ansible-core %s (%s), modes %s, %s, %d cores, %.0f s, load %s" % (
        info["ansible_core"], info["venv"], "+".join(info["modes"]), info["date"], info["cpus"], info["seconds"],
        " ".join("%.2f" % v for v in info["loadavg"])))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(dict(info=info, rows=[row.as_dict() for row in rows]), handle, indent=1, default=str)
    return rc


if __name__ == "__main__":
    sys.exit(main())
