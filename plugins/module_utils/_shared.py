# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What the items of one looping task share: listings and references, read once for the whole loop.

PRIVATE to the authentik.api collection: the leading underscore means this is not a public API.

One item of a loop used to cost a full lookup (a filtered GET) of its object and of every name it refers to. When the
modules run in the controller's worker process (``plugins/plugin_utils/_in_process.py``), the items of one task run
one after the other in the same process, and the action plugin opens a ``LoopShare`` for the task (``begin``) before
each item; it is the only state that the collection keeps between module runs, and it lives as long as the worker
process (one task). The engine then reads the listing of a lookup once for the loop, as far as it pays (see
``LoopShare.find``), and serves the items from it:

- a hit is the object as listed (or as the task's own writes left it: a write drops the object from the listings, so
  that the next item that names it looks it up again);
- a miss is never trusted: the object may have been created since, by another fork or another controller; the item
  looks it up with the filter as before, under the identity lock;
- references by name (a provider, a flow) resolve once for the whole loop;
- everything is keyed by the server and the token, so items with other credentials share nothing.

In normal module execution (a Python process per item) nothing is shared and every item costs what it did.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib

from ansible_collections.authentik.api.plugins.module_utils._client import MAX_PAGE_SIZE

_STATE = {"task": None, "share": None}
#: listings of at most this many pages (of 100 objects) are read whole by the first item of a loop
READ_WHOLE = 10


class LoopShare:
    """The listings and references of one looping task."""

    def __init__(self):
        self.listings = {}
        self.refs = {}
        self.facts = {}

    @staticmethod
    def credentials(client):
        """What keys everything shared: the server and a digest of the token (never the token itself)."""
        token = getattr(client, "_token", None) or ""
        return (getattr(client, "base", ""), hashlib.sha256(token.encode("utf-8")).hexdigest()[:16])

    def find(self, client, path, params, field, value, may_list=None):
        """The objects at ``path`` with ``params`` whose ``field`` is ``value``, from the shared listing; None when the
        listing cannot tell (the caller then looks the object up with the filter). ``may_list()``, asked once before
        the first page is read: False when the listing must not be trusted (nothing is shared then).

        The first item of the loop reads the first page (100 objects), which says how many pages there are. A listing
        of at most ``READ_WHOLE`` pages is read whole at once: a loop over it costs its pages. A larger one is read
        only as far as it pays, since a short loop over a large collection would pay more for every page than for one
        filtered lookup per item: the remaining pages are read once the items that the pages read so far missed have
        cost as many filtered lookups as those pages would (then a loop costs at most about twice its pages, and a
        short one one request more than its items)."""
        key = self.credentials(client) + (path, tuple(sorted(params.items())), field)
        listing = self.listings.get(key)
        if listing is None:
            listing = self.listings[key] = {"index": {}, "next": 1, "pages": None, "misses": 0}
            if may_list is not None and not may_list():
                listing["next"] = None  # nothing read, nothing shared: every item is looked up alone
                return None
            self._read_page(client, path, params, field, listing)
            if listing["pages"] <= READ_WHOLE:
                self._read_rest(client, path, params, field, listing)
        found = listing["index"].get(value)
        if found or listing["next"] is None:
            return found or None
        listing["misses"] += 1
        if listing["misses"] >= listing["pages"] - listing["next"] + 1:
            self._read_rest(client, path, params, field, listing)
            return listing["index"].get(value) or None
        return None

    def _read_rest(self, client, path, params, field, listing):
        while listing["next"] is not None:
            self._read_page(client, path, params, field, listing)

    @staticmethod
    def _read_page(client, path, params, field, listing):
        query = dict(params, page=listing["next"], page_size=MAX_PAGE_SIZE)
        data = client.get(path, params=query)
        for obj in data.get("results") or []:
            index = listing["index"].setdefault(obj.get(field), [])
            if all(str(other.get("pk")) != str(obj.get("pk")) for other in index):  # a page boundary that moved
                index.append(obj)
        pagination = data.get("pagination") or {}
        listing["pages"] = int(pagination.get("total_pages") or 1)
        nxt = int(pagination.get("next") or 0)
        listing["next"] = nxt if nxt > listing["next"] else None

    def forget(self, client, path, key_field, key):
        """Drop the object ``key`` from every listing of ``path`` (after the task wrote it)."""
        creds = self.credentials(client)
        for listing_key, listing in self.listings.items():
            if listing_key[:2] != creds or listing_key[2] != path:
                continue
            entries = listing["index"]
            for value, objects in list(entries.items()):
                entries[value] = [obj for obj in objects if str(obj.get(key_field)) != str(key)]

    def fact(self, client, name, read):
        """A fact about the token read once per loop (``read()``), such as whether its user is a superuser."""
        key = self.credentials(client) + (name,)
        if key not in self.facts:
            self.facts[key] = read()
        return self.facts[key]


def begin(task_id):
    """Called by the action plugin before each item it runs in-process: ``task_id`` names the looping task (None for
    a task without a loop, which shares nothing). A new task starts with nothing shared."""
    if task_id is None:
        _STATE["task"], _STATE["share"] = None, None
    elif _STATE["task"] != task_id:
        _STATE["task"], _STATE["share"] = task_id, LoopShare()


def current():
    """The ``LoopShare`` of the running task, or None."""
    return _STATE["share"]
