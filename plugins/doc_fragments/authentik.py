# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    """Connection options and attributes shared by every authentik.api module."""

    DOCUMENTATION = r"""
options:
  url:
    description:
      - Base URL of the authentik server, for example V(https://authentik.example.com).
      - V(https://authentik.example.com/api/v3) is accepted too, and a path prefix is kept
        (V(https://example.com/auth) when authentik runs behind a reverse proxy under C(/auth)).
      - If not set, the value of the E(AUTHENTIK_URL) environment variable is used.
    type: str
  token:
    description:
      - An authentik token with intent C(api) (Admin interface, Directory, Tokens and App passwords).
      - "Sent as C(Authorization: Bearer); never shown in results, diffs or error messages."
      - If not set, the value of the E(AUTHENTIK_TOKEN) environment variable is used.
    type: str
  validate_certs:
    description:
      - Whether to verify the server's TLS certificate.
      - If not set, verification is on unless the E(AUTHENTIK_INSECURE) environment variable is a true
        boolean string (as in the authentik Terraform provider).
      - V(false) works but prints a warning; prefer O(ca_path) for private CAs.
    type: bool
  ca_path:
    description:
      - Path to a PEM bundle of CA certificates used to verify the server (a private or self-signed CA).
    type: path
  timeout:
    description:
      - Seconds to wait for the server on each request.
    type: float
    default: 30
  retries:
    description:
      - The most times a failed idempotent request (GET, PUT, PATCH of absolute values, DELETE) is retried
        after a connection error (refused, reset), a timeout, an HTTP 429, 502, 503 or 504, or an HTTP 500
        while authentik reports itself not ready (its database is down).
      - If not set, there is no count limit and O(retry_timeout) alone bounds the retries. When both are set,
        retrying stops at whichever limit is reached first. V(0) disables retries.
      - A create (POST) is never retried blindly; the module looks the object up again and converges on it,
        and only if it is not there sends the POST again (within the same limits).
      - What a retry cannot fix fails at once, without retries, waits or a second request. This includes a
        DNS failure, a TLS failure and any HTTP 4xx other than 429.
    type: int
  retry_timeout:
    description:
      - Time budget in seconds for the retries of one request, counted from its first attempt. Retries wait
        with exponential backoff (0.5 s, 1 s, 2 s, 4 s, then 5 s each), less a random jitter of up to half of
        each wait. A server's C(Retry-After) is honoured when it fits in what is left of the budget; if it
        does not, the request fails at once.
      - No new attempt starts after the budget is spent, so the worst-case time to fail is about
        O(retry_timeout) + O(timeout) per request. With the defaults that is 60 s for a refused connection,
        such as a wrong port or a stopped authentik, and up to 90 s for a server that accepts and never answers.
      - V(0) disables retries.
      - If not set, the value of the E(AUTHENTIK_RETRY_TIMEOUT) environment variable is used, else V(60).
        The default rides out an ordinary restart of authentik (TERM, which lets the requests in flight end, then a
        start that loads the whole application, took 8 to 19 s on 2 cores, idle and under load) with room for
        gunicorn's 30 s graceful stop, and a restart of its database of up to about a minute.
    type: float
    default: 60
requirements:
  - "requests >= 2.25 (on the host that runs the module, usually the controller with C(delegate_to: localhost))"
notes:
  - "All connection options can be set once per play with
    C(module_defaults: {group/authentik.api.authentik: {url: ..., token: ...}})."
  - The modules talk to the authentik API only; run them on the controller or any host that reaches it.
  - Modules that create objects hold a lock file per object (server, kind, name within its parent) on the host that
    runs them, from the lookup until the create is done, so that the forks of one play that declare the same object
    (a play over many hosts without C(run_once)) make it once. E(AUTHENTIK_API_LOCK_DIR) sets the folder of the lock
    files (default, a folder in the system's temporary folder).
  - Runs of several controllers at once share no lock. A create that authentik refuses because another run made the
    object first is read again and converged on. Objects that such runs made twice (RAC endpoints, bindings), equal
    in every field the module manages, are kept once by the next run, which deletes the others, warns naming them,
    and returns their keys in C(duplicates_removed).
"""

    ATTRIBUTES = r"""
attributes:
  check_mode:
    support: full
    description: Can run in check mode and return the changed status prediction without modifying the server.
  diff_mode:
    support: full
    description: Returns C(before) and C(after) of the object's managed fields in diff mode; secrets are masked.
  action_group:
    support: full
    membership:
      - authentik.api.authentik
    description: Use C(group/authentik.api.authentik) in C(module_defaults) to set the connection options once.
"""

    INFO_ATTRIBUTES = r"""
attributes:
  check_mode:
    support: full
    description: Only reads from the server, so it runs in check mode too.
    details: This is an info module and never changes anything.
  diff_mode:
    support: N/A
    description: Nothing changes, so there is no diff.
  action_group:
    support: full
    membership:
      - authentik.api.authentik
    description: Use C(group/authentik.api.authentik) in C(module_defaults) to set the connection options once.
"""
