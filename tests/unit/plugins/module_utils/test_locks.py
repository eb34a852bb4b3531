# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the identity locks (module_utils/_locks.py) and of the engine holding them: one identity is held
by one process at a time, from the lookup until the create is done; other identities, check mode and deletes do
not wait."""

from __future__ import (absolute_import, division, print_function)
from __future__ import annotations

# boilerplate that ansible-test sanity of ansible-core 2.16 requires in these files
__metaclass__ = type

import fcntl
import multiprocessing
import os
import time

import pytest

from ansible_collections.authentik.api.plugins.module_utils import _locks
from ansible_collections.authentik.api.plugins.module_utils._engine import ensure
from ansible_collections.authentik.api.plugins.module_utils._locks import IdentityLock

from ansible_collections.authentik.api.tests.unit.plugins.module_utils.test_engine import FakeApi, FakeModule, THING


@pytest.fixture(autouse=True)
def lock_dir(tmp_path, monkeypatch):
    monkeypatch.setenv(_locks.LOCK_DIR_ENV, str(tmp_path / "locks"))
    return tmp_path / "locks"


def held_elsewhere(path):
    """True when another open file description holds the lock (flock locks conflict across them, in one process
    too)."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


def _hold_for(path_parts, seconds, ready):
    lock = IdentityLock(*path_parts).acquire()
    ready.set()
    time.sleep(seconds)
    lock.release()


def test_one_identity_one_holder_across_processes():
    ctx = multiprocessing.get_context("fork")
    ready = ctx.Event()
    child = ctx.Process(target=_hold_for, args=(("https://ak/api/v3/", "things/", "web"), 0.5, ready))
    child.start()
    assert ready.wait(10)
    started = time.monotonic()
    lock = IdentityLock("https://ak/api/v3/", "things/", "web").acquire()  # waits for the child
    waited = time.monotonic() - started
    lock.release()
    child.join(10)
    assert waited >= 0.3, waited
    other = IdentityLock("https://ak/api/v3/", "things/", "db").acquire()  # another identity: no wait
    other.release()


def test_the_key_names_server_kind_and_identity(lock_dir):
    paths = set(IdentityLock(*parts).path for parts in (
        ("https://a/api/v3/", "things/", "web", ()), ("https://b/api/v3/", "things/", "web", ()),
        ("https://a/api/v3/", "others/", "web", ()), ("https://a/api/v3/", "things/", "db", ()),
        ("https://a/api/v3/", "things/", "web", (("parent", 1),))))
    assert len(paths) == 5 and all(os.path.dirname(p) == str(lock_dir) for p in paths)


def test_ensure_holds_the_lock_from_the_lookup_until_the_create_is_done():
    api = FakeApi()
    api.base = "https://ak/api/v3/"
    path = IdentityLock(api.base, "things/", "web", []).path
    seen = []
    real = api._apply

    def watching(method, coll, rest, store, key, params, body):
        seen.append((method, held_elsewhere(path)))
        return real(method, coll, rest, store, key, params, body)

    api._apply = watching
    result = ensure(FakeModule(api, name="web", kind="a"), THING)
    assert result["changed"] is True
    assert seen == [("GET", True), ("POST", True)], seen
    assert not held_elsewhere(path)  # released


@pytest.mark.parametrize("case", ["check mode", "absent"])
def test_no_lock_where_nothing_is_created(case):
    api = FakeApi(check_mode=case == "check mode")
    api.base = "https://ak/api/v3/"
    api.data["things/"]["web"] = {"name": "web", "kind": "a"}
    path = IdentityLock(api.base, "things/", "web", []).path
    seen = []
    real = api._apply

    def watching(method, coll, rest, store, key, params, body):
        seen.append(os.path.exists(path) and held_elsewhere(path))
        return real(method, coll, rest, store, key, params, body)

    api._apply = watching
    ensure(FakeModule(api, name="web", kind="b", state="absent" if case == "absent" else "present"), THING)
    assert seen and not any(seen)
