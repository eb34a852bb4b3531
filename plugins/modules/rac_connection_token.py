#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: rac_connection_token
short_description: Revoke or repoint live authentik RAC connections (connection tokens)
version_added: 1.0.0
description:
  - Manage the RAC connection tokens (C(/api/v3/rac/connection_tokens/)) of authentik's Remote Access Control,
    one token for each remote session a user opened on an endpoint.
  - authentik creates a connection token itself when a user opens a remote connection; the API cannot create
    one. This module therefore manages existing tokens only, for incident response and maintenance windows.
  - B(One token), chosen by O(token_uuid). O(state=absent) deletes it, which also disconnects its live session;
    deleting a token that no longer exists is not an error. O(state=present) repoints it to O(provider) and/or
    O(endpoint) (only the options you set are compared); a token that does not exist is an error.
  - B(Many tokens), chosen by filters. O(state=absent) without O(token_uuid) revokes every token that matches
    all of the filters you set (O(provider), O(endpoint), O(user)), for example all sessions of one user, or everything
    connected to an endpoint before maintenance. At least one filter is required, so that a task can never
    revoke every session by accident. The result lists the revoked tokens and their count.
  - Use M(authentik.api.rac_connection_token_info) to list tokens without changing anything.
author:
  - authentik.api contributors (@authentik-ansible)
extends_documentation_fragment:
  - authentik.api.authentik
  - authentik.api.authentik.attributes
options:
  token_uuid:
    description:
      - The UUID (C(pk)) of one connection token.
      - Required with O(state=present). Without it, the module works on every token matching the filters.
      - Mutually exclusive with O(user), which is only a filter (the user of a token is the user of its session
        and cannot be changed).
      - With O(state=absent), O(provider) and O(endpoint) cannot be set as well (they would be ambiguous, a filter or a condition);
        give either the token or the filters.
    type: str
  state:
    description:
      - V(present) makes sure the token O(token_uuid) exists and points to O(provider) and O(endpoint).
        Tokens cannot be created, so a missing token fails the task.
      - V(absent) deletes the token O(token_uuid), or every token matching the filters when O(token_uuid) is not set.
        Deleting a token ends its live remote session. A filter naming a provider, endpoint or user that does not
        exist matches no token, so there is nothing to delete.
    type: str
    choices: [present, absent]
    default: present
  provider:
    description:
      - A RAC provider, by its exact name or numeric id.
      - With O(token_uuid) and O(state=present), the provider the token is repointed to.
      - Without O(token_uuid), a filter, so that only tokens of this provider are revoked.
    type: str
  endpoint:
    description:
      - A RAC endpoint, by name or UUID. Endpoint names are not unique in authentik; a name is looked up among the
        endpoints of O(provider) when it is set (for a repoint without O(provider), among those of the token's
        current provider), and a name that still matches several endpoints is an error asking for the UUID.
      - With O(token_uuid) and O(state=present), the endpoint the token is repointed to.
      - Without O(token_uuid), a filter, so that only tokens on this endpoint are revoked.
    type: str
  user:
    description:
      - A filter, so that only tokens of this user's sessions are revoked. By username or numeric user id.
      - Only with O(state=absent) and without O(token_uuid).
    type: str
notes:
  - Filters are combined with AND. A name that matches no object (provider, endpoint, user) fails the task
    before anything is deleted.
  - In check mode the module lists the tokens that would be revoked (RV(connection_tokens), RV(count))
    and deletes nothing.
  - In diff mode, a bulk revoke shows the matching tokens under C(connection_tokens) in C(before), in the
    compact form of RV(connection_tokens), and an empty C(connection_tokens) list in C(after); a single
    token shows its C(pk), C(provider) and C(endpoint) before and after.
  - Non-superusers see only their own tokens, so a filter can only revoke what the API token's user may see.
  - "Permissions (authentik 2025.12.4): listing tokens (bulk revoke, check mode, O(token_uuid)) needs
    C(authentik_providers_rac.view_connectiontoken). Without it, authentik shows a user only its own connection
    tokens and gives no error, so a bulk revoke covers only those. Revoking: also C(delete_connectiontoken).
    Changing a token: also C(change_connectiontoken)."
  - "Permissions per option: O(provider) by name needs C(authentik_providers_rac.view_racprovider). O(user) by
    name needs C(authentik_core.view_user). O(endpoint) by name needs no permission, because authentik lists
    endpoints by their policies."
seealso:
  - module: authentik.api.rac_connection_token_info
  - module: authentik.api.rac_provider
  - name: authentik Remote Access Control
    description: RAC providers, endpoints and connections in the authentik documentation.
    link: https://docs.goauthentik.io/docs/add-secure-apps/providers/rac/
"""

EXAMPLES = r"""
- name: RAC connection tokens during an incident or a maintenance window
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/authentik.api.authentik:
      url: https://authentik.example.com
      token: "{{ lookup('ansible.builtin.env', 'AUTHENTIK_TOKEN') }}"
  tasks:
    - name: End every remote session of a compromised account
      authentik.api.rac_connection_token:
        user: alice
        state: absent
      register: revoked

    - name: Show how many sessions were ended
      ansible.builtin.debug:
        msg: "{{ revoked.count }} session(s) revoked"

    - name: See which sessions on an endpoint would be ended, without ending them
      authentik.api.rac_connection_token:
        provider: Windows servers
        endpoint: dc01
        state: absent
      check_mode: true
      register: would_revoke

    - name: Disconnect everything on the endpoint before maintenance
      authentik.api.rac_connection_token:
        provider: Windows servers
        endpoint: dc01
        state: absent

    - name: Revoke one session
      authentik.api.rac_connection_token:
        token_uuid: 4f8a0e52-5d55-4c2c-a5f0-8c1f3b0f2a11
        state: absent

    - name: Move one session's token to the standby endpoint (an endpoint name within the provider, or its UUID)
      authentik.api.rac_connection_token:
        token_uuid: 4f8a0e52-5d55-4c2c-a5f0-8c1f3b0f2a11
        provider: Windows servers
        endpoint: dc02
"""

RETURN = r"""
connection_token:
  description:
    - The token as authentik returns it after the task (the predicted token in check mode).
    - Empty when O(state=absent).
  returned: when O(token_uuid) is set
  type: dict
  sample:
    pk: 4f8a0e52-5d55-4c2c-a5f0-8c1f3b0f2a11
    provider: 5
    provider_obj: {pk: 5, name: Windows servers, connection_expiry: hours=8, delete_token_on_disconnect: false}
    endpoint: 0c3c6a4e-7e27-4d1c-9f6e-3a2b9f1d5e70
    endpoint_obj: {pk: 0c3c6a4e-7e27-4d1c-9f6e-3a2b9f1d5e70, name: dc02, provider: 5, protocol: rdp, host: dc02.example.com}
    user: {pk: 6, username: alice, name: Alice}
connection_tokens:
  description:
    - The tokens revoked by a bulk revoke (in check mode, the tokens that would be revoked), in a compact form.
  returned: when O(token_uuid) is not set
  type: list
  elements: dict
  contains:
    pk:
      description: The token's UUID.
      type: str
    user:
      description: The session's user, C(pk) and C(username).
      type: dict
    endpoint:
      description: The endpoint, C(pk) (UUID) and C(name).
      type: dict
    provider:
      description: The RAC provider, C(pk) and C(name).
      type: dict
  sample:
    - pk: 4f8a0e52-5d55-4c2c-a5f0-8c1f3b0f2a11
      user: {pk: 6, username: alice}
      endpoint: {pk: 0c3c6a4e-7e27-4d1c-9f6e-3a2b9f1d5e70, name: dc01}
      provider: {pk: 5, name: Windows servers}
count:
  description: How many tokens were revoked (in check mode, would be revoked).
  returned: when O(token_uuid) is not set
  type: int
  sample: 1
diff:
  description:
    - For one token, its C(pk), C(provider) and C(endpoint) before and after.
    - For a bulk revoke, C(before.connection_tokens) is RV(connection_tokens) and C(after.connection_tokens) is an
      empty list (dictionaries, so that Ansible's diff display can show them).
  returned: in diff mode
  type: dict
  sample:
    before:
      connection_tokens:
        - pk: 4f8a0e52-5d55-4c2c-a5f0-8c1f3b0f2a11
          user: {pk: 6, username: alice}
          endpoint: {pk: 0c3c6a4e-7e27-4d1c-9f6e-3a2b9f1d5e70, name: dc01}
          provider: {pk: 5, name: Windows servers}
    after:
      connection_tokens: []
"""

from ansible_collections.authentik.api.plugins.module_utils._client import AuthentikError
from ansible_collections.authentik.api.plugins.module_utils._engine import delete_selected, ensure
from ansible_collections.authentik.api.plugins.module_utils._module import AuthentikModule
from ansible_collections.authentik.api.plugins.module_utils._resources import CONNECTION_TOKEN


def manage(module, res):
    """One token (``token_uuid``): the engine's ensure. Otherwise: revoke every token matching the filters."""
    params = module.params
    if params["token_uuid"] is not None:
        if params["state"] == "absent":
            given = [name for name in ("provider", "endpoint") if params.get(name) is not None]
            if given:
                raise AuthentikError("%s: cannot be combined with token_uuid and state=absent; give either the token to delete "
                                     "or the filters of the tokens to revoke" % ", ".join(given), sent=False)
        return ensure(module, res)
    if params["state"] == "present":
        raise AuthentikError("token_uuid: required with state=present, which repoints one existing token (tokens cannot be "
                             "created); to revoke every token matching provider, endpoint or user, set state=absent", sent=False)
    return delete_selected(module, res)


def main():
    module = AuthentikModule(
        argument_spec=dict(
            token_uuid=dict(type="str", no_log=False),  # an identifier, not the secret of the session
            state=dict(type="str", choices=["present", "absent"], default="present"),
            provider=dict(type="str"),
            endpoint=dict(type="str"),
            user=dict(type="str"),
        ),
        mutually_exclusive=[("token_uuid", "user")],
    )
    module.run(manage, CONNECTION_TOKEN)


if __name__ == "__main__":
    main()
