#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: rac_connection_token_info
short_description: List live authentik RAC connections (connection tokens)
version_added: 1.0.0
description:
  - List the RAC connection tokens (C(/api/v3/rac/connection_tokens/)) of authentik's Remote Access Control,
    one for each remote session a user opened on an endpoint, for audits and before revoking sessions with
    M(authentik.api.rac_connection_token).
  - Every page is read; the result is a compact list of who is connected to which endpoint through which provider.
  - Without filters, every token the API token's user may see is listed. Filters are combined with AND.
author:
  - authentik.api contributors (@authentik-ansible)
extends_documentation_fragment:
  - authentik.api.authentik
  - authentik.api.authentik.info_attributes
options:
  provider:
    description:
      - Only tokens of this RAC provider, by its exact name or numeric id.
    type: str
  endpoint:
    description:
      - Only tokens on this RAC endpoint, by name or UUID.
      - Endpoint names are not unique in authentik; a name is looked up among the endpoints of O(provider) when it
        is set, and a name that still matches several endpoints is an error asking for the UUID.
    type: str
  user:
    description:
      - Only tokens of this user's sessions, by username or numeric user id.
    type: str
notes:
  - A name that matches no object (provider, endpoint, user) fails the task rather than listing nothing.
  - Without C(authentik_providers_rac.view_connectiontoken), non-superusers see only their own tokens.
  - "Permissions (authentik 2025.12.4): C(authentik_providers_rac.view_connectiontoken). Without it, authentik lists
    only the user's own connection tokens and gives no error."
  - "Permissions per option: O(provider) by name needs C(authentik_providers_rac.view_racprovider). O(user) by
    name needs C(authentik_core.view_user). O(endpoint) by name needs no permission, because authentik lists
    endpoints by their policies."
seealso:
  - module: authentik.api.rac_connection_token
  - name: authentik Remote Access Control
    description: RAC providers, endpoints and connections in the authentik documentation.
    link: https://docs.goauthentik.io/docs/add-secure-apps/providers/rac/
"""

EXAMPLES = r"""
- name: Audit RAC connections
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/authentik.api.authentik:
      url: https://authentik.example.com
      token: "{{ lookup('ansible.builtin.env', 'AUTHENTIK_TOKEN') }}"
  tasks:
    - name: List every live RAC connection
      authentik.api.rac_connection_token_info:
      register: sessions

    - name: Show who is connected where
      ansible.builtin.debug:
        msg: "{{ item.user.username }} on {{ item.endpoint.name }} ({{ item.provider.name }})"
      loop: "{{ sessions.connection_tokens }}"
      loop_control:
        label: "{{ item.pk }}"

    - name: List the sessions of one user on one provider
      authentik.api.rac_connection_token_info:
        provider: Windows servers
        user: alice
      register: alice_sessions

    - name: List the sessions on one endpoint, given by name within its provider
      authentik.api.rac_connection_token_info:
        provider: Windows servers
        endpoint: dc01
      register: dc01_sessions
"""

RETURN = r"""
connection_tokens:
  description: The matching tokens in a compact form.
  returned: success
  type: list
  elements: dict
  contains:
    pk:
      description: The token's UUID (O(authentik.api.rac_connection_token#module:token_uuid)).
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
  description: How many tokens matched.
  returned: success
  type: int
  sample: 1
"""

from ansible_collections.authentik.api.plugins.module_utils._engine import query
from ansible_collections.authentik.api.plugins.module_utils._module import AuthentikModule
from ansible_collections.authentik.api.plugins.module_utils._resources import CONNECTION_TOKEN


def main():
    module = AuthentikModule(argument_spec=dict(
        provider=dict(type="str"),
        endpoint=dict(type="str"),
        user=dict(type="str"),
    ))
    module.run(query, CONNECTION_TOKEN)


if __name__ == "__main__":
    main()
