# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The AnsibleModule of every authentik.api module: connection options, the client, the error funnel.

PRIVATE to the authentik.api collection: the leading underscore means this is not a public API.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible.module_utils.basic import AnsibleModule, env_fallback, missing_required_lib
from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.authentik.api.plugins.module_utils._client import (
    AuthentikClient,
    AuthentikError,
    HAS_REQUESTS,
    REQUESTS_IMPORT_ERROR,
)

# In check mode, the names a task assumed to exist and the objects it would create or change (see _engine.Ref).
CHECK_PLAN_KEY = "_authentik_check_plan"

# Keep in sync with plugins/doc_fragments/authentik.py (sanity's validate-modules checks both agree).
CONNECTION_ARGSPEC = dict(
    url=dict(type="str", fallback=(env_fallback, ["AUTHENTIK_URL"])),
    token=dict(type="str", no_log=True, fallback=(env_fallback, ["AUTHENTIK_TOKEN"])),
    validate_certs=dict(type="bool"),
    ca_path=dict(type="path"),
    timeout=dict(type="float", default=30),
    retries=dict(type="int"),
    retry_timeout=dict(type="float", default=60, fallback=(env_fallback, ["AUTHENTIK_RETRY_TIMEOUT"])),
)


def insecure_from_env(environ=None):
    """AUTHENTIK_INSECURE as the Terraform provider reads it: a true boolean string disables verification."""
    value = (environ if environ is not None else os.environ).get("AUTHENTIK_INSECURE", "")
    try:
        return bool(value) and boolean(value, strict=True)
    except TypeError:
        return False


class AuthentikModule(AnsibleModule):
    """An AnsibleModule with the connection options merged in, a lazily created client, and ``run()``,
    the single place where AuthentikError (or any surprise) becomes ``fail_json``."""

    def __init__(self, argument_spec, **kwargs):
        spec = dict(CONNECTION_ARGSPEC)
        spec.update(argument_spec)
        kwargs.setdefault("supports_check_mode", True)
        super(AuthentikModule, self).__init__(argument_spec=spec, **kwargs)
        if not HAS_REQUESTS:
            self.fail_json(msg=missing_required_lib("requests"), exception=REQUESTS_IMPORT_ERROR)
        self._client = None

    @property
    def client(self):
        if self._client is None:
            validate = self.params.get("validate_certs")
            if validate is None:
                validate = not insecure_from_env()
            if not validate:
                self.warn("TLS certificate verification is disabled (validate_certs: false or AUTHENTIK_INSECURE); "
                          "the API token is sent to a server whose identity is not checked")
            if self.params["timeout"] <= 0:
                raise AuthentikError("timeout: %r is not a positive number of seconds" % self.params["timeout"], sent=False)
            if self.params["retries"] is not None and self.params["retries"] < 0:
                raise AuthentikError("retries: %r must be 0 or more" % self.params["retries"], sent=False)
            if self.params["retry_timeout"] < 0:
                raise AuthentikError("retry_timeout: %r must be 0 or more seconds" % self.params["retry_timeout"], sent=False)
            self._client = AuthentikClient(
                self.params.get("url"), self.params.get("token"), validate_certs=validate, ca_path=self.params.get("ca_path"),
                timeout=self.params["timeout"], retries=self.params["retries"], check_mode=self.check_mode,
                retry_timeout=self.params["retry_timeout"])
        return self._client

    def run(self, operation, *args):
        """Call ``operation(self, *args)``, exit with its result dict, or fail with one clear line."""
        try:
            result = operation(self, *args)
        except AuthentikError as exc:
            self._close()
            self.fail_json(msg=self._scrub(exc.msg), **exc.result())
        except Exception as exc:  # pylint: disable=broad-except
            self._close()
            self.fail_json(msg=self._scrub("internal error in authentik.api (please report it): %s: %s"
                                           % (exc.__class__.__name__, exc)))
        self._close()
        if self.check_mode and (getattr(self, "_authentik_assumed", None) or getattr(self, "_authentik_planned", None)):
            # For the action plugin (plugins/plugin_utils/_check_plan.py), which removes it from the result.
            result[CHECK_PLAN_KEY] = dict(assumed=getattr(self, "_authentik_assumed", []),
                                          planned=getattr(self, "_authentik_planned", []))
        self.exit_json(**result)

    def _log_invocation(self):
        """Ansible logs the invocation (to syslog or the journal) at the end of ``__init__``, masking the no_log
        options. The engine adds the secrets found inside options (a password among connection settings) to
        ``no_log_values`` only when it starts, so the log waits for the end of ``run()`` (see ``_close``)."""
        self._invocation_unlogged = True

    def _scrub(self, text):
        token = self.params.get("token")
        return text.replace(token, "********") if token and isinstance(text, str) else text

    def _close(self):
        if getattr(self, "_invocation_unlogged", False):
            self._invocation_unlogged = False
            super(AuthentikModule, self)._log_invocation()
        if self._client is not None:
            self._client.close()
