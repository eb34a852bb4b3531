# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Locks that keep the forks of one controller from creating one object twice.

PRIVATE to the authentik.api collection: the leading underscore means this is not a public API.

authentik checks uniqueness before it inserts, and not at all for some names (RAC endpoints, policy bindings): two
forks that look an object up at the same time both find nothing and both create it. The engine holds an
``IdentityLock`` on (server, kind, identity within its parent) from the lookup until the create (or update) is
done, so that a second fork's lookup waits and then finds the first fork's object. The lock is an ``flock`` on a
file of the host that runs the module: every fork of one controller, in-process (a worker process per task) or in
normal module execution (a Python per task) alike, as long as the module runs on the controller (the usual
``connection: local`` or ``delegate_to: localhost``). Runs from several controllers do not share it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import os
import tempfile

try:
    import fcntl
    HAS_FCNTL = True
except ImportError:  # pragma: no cover - Windows is not a controller
    HAS_FCNTL = False

# AUTHENTIK_API_LOCK_DIR overrides the folder (tests; controllers whose forks see different temporary folders).
LOCK_DIR_ENV = "AUTHENTIK_API_LOCK_DIR"


def lock_dir():
    """The folder of the lock files: one per user, in the system's temporary folder."""
    path = os.environ.get(LOCK_DIR_ENV) or os.path.join(tempfile.gettempdir(), "authentik.api-locks-%d" % os.getuid())
    if not os.path.isdir(path):
        try:
            os.makedirs(path, 0o700)
        except OSError:
            if not os.path.isdir(path):  # another fork made it meanwhile, else a real failure
                raise
    return path


class IdentityLock:
    """An exclusive lock on one identity, e.g. ``IdentityLock(base_url, "rac/endpoints/", "web1", provider_pk)``.
    Blocks until no other process holds it; released by ``release()``, or by the system when the process ends."""

    def __init__(self, *parts):
        digest = hashlib.sha256("\0".join(str(part) for part in parts).encode("utf-8")).hexdigest()[:40]
        self.path = os.path.join(lock_dir(), digest)
        self.fd = None

    def acquire(self):
        if HAS_FCNTL and self.fd is None:
            self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            fcntl.flock(self.fd, fcntl.LOCK_EX)
        return self

    def release(self):
        if self.fd is not None:
            try:
                fcntl.flock(self.fd, fcntl.LOCK_UN)
            finally:
                os.close(self.fd)
                self.fd = None
