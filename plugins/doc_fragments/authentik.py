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
      - How many times a failed idempotent request (GET, PUT, PATCH of absolute values, DELETE) is retried
        after a connection error or an HTTP 429, 502, 503 or 504, with exponential backoff starting at
        half a second, or the server's C(Retry-After).
      - A create (POST) is never retried blindly; the module looks the object up again and converges on it.
    type: int
    default: 3
requirements:
  - "requests >= 2.25 (on the host that runs the module, usually the controller with C(delegate_to: localhost))"
notes:
  - "All connection options can be set once per play with
    C(module_defaults: {group/authentik.api.authentik: {url: ..., token: ...}})."
  - The modules talk to the authentik API only; run them on the controller or any host that reaches it.
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
