#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: rac_property_mapping
short_description: Manage authentik RAC property mappings (connection settings and credentials of RAC endpoints)
version_added: 1.0.0
description:
  - Create, update and delete authentik RAC property mappings (C(/api/v3/propertymappings/provider/rac/)), which give
    the endpoints of a RAC provider their connection settings and credentials, either as fixed O(static_settings) or
    computed by a Python O(expression) when a user connects.
  - A mapping is used by attaching it to a RAC provider (O(authentik.api.rac_provider#module:property_mappings), for
    every endpoint of the provider) or to a single endpoint (O(authentik.api.rac_endpoint#module:property_mappings)).
  - The mapping is identified by its O(name). Only the options you set are compared; the rest of the mapping is left
    alone.
  - Secrets stay secret. The values of O(static_settings) whose key names a credential (V(password), V(private-key),
    V(passphrase), and any key containing C(password), C(secret), C(passphrase) or C(private-key), whatever the case)
    are compared like the others but never shown. In the diff they read C(********), or C(******** (new value)) when
    they change; in the returned mapping, in warnings and in errors they read C(********) too, and Ansible masks them
    in the module's invocation at C(-vvv).
  - Mappings shipped by authentik (those with C(managed) set, such as C(goauthentik.io/providers/rac/rdp-default)) are
    never changed or deleted by this module, because authentik restores them on upgrade; a task that would change
    or delete one fails and says so. Reading one (a task whose options all match) is fine, and managed mappings can
    be attached to providers and endpoints like any other.
author:
  - authentik.api contributors (@authentik-ansible)
extends_documentation_fragment:
  - authentik.api.authentik
  - authentik.api.authentik.attributes
options:
  name:
    description:
      - The mapping's name. It identifies the mapping; renaming is not supported (a new name creates a new mapping).
      - Names are unique across B(every) kind of authentik property mapping (SAML, OAuth2, LDAP, RAC, ...); a name already
        used by another kind of mapping is reported as such.
      - Matched exactly (case included), without leading or trailing spaces (authentik strips them).
    type: str
    required: true
  state:
    description:
      - V(present) creates or updates the mapping, V(absent) deletes it (deleting a missing mapping is not an error).
      - Deleting a mapping detaches it from every provider and endpoint that uses it.
    type: str
    choices: [present, absent]
    default: present
  expression:
    description:
      - >-
        Python code run when a user connects; it returns a dictionary of connection settings that is merged over
        O(static_settings). It can use C(user), C(endpoint) and C(provider) among its variables, for example
        C(return {"username": user.username}).
      - Must be a string (a number or a list is refused before any request). authentik checks its syntax when it is
        sent, and strips leading and trailing whitespace, so the module compares it without them (a YAML block ending
        in a newline is no change).
      - V("") (the default when the mapping is created) means no expression.
    type: raw
  static_settings:
    description:
      - Fixed Guacamole connection settings, for example C(username), C(password), C(domain), C(security),
        C(ignore-cert) or C(private-key). Values are strings (booleans and numbers are passed on as text; an empty value
        is ignored by authentik).
      - Compared as a whole; this is the complete dictionary, not a patch of it. V({}) (the default when the mapping is
        created) clears it.
      - Values of credential keys are secrets (see the description); keep them in a vault.
    type: dict
notes:
  - In check mode, a syntax error in O(expression) and a name already used by another kind of property mapping are not
    detected (only the server finds them when the mapping is sent).
  - Endpoints accept the UUID of any kind of property mapping, but authentik evaluates only RAC mappings for a
    connection; a name or managed id given to M(authentik.api.rac_provider) or M(authentik.api.rac_endpoint) is
    looked up among RAC mappings only.
  - "Permissions (authentik 2025.12.4), check mode and runs without changes:
    C(authentik_providers_rac.view_racpropertymapping). Creating: also C(add_racpropertymapping). Changing: also
    C(change_racpropertymapping). Deleting: also C(delete_racpropertymapping)."
seealso:
  - module: authentik.api.rac_provider
  - module: authentik.api.rac_endpoint
  - name: authentik RAC property mappings
    description: Connection settings from property mappings in the authentik documentation.
    link: https://docs.goauthentik.io/docs/add-secure-apps/providers/rac/
"""

EXAMPLES = r"""
- name: Manage authentik RAC property mappings
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/authentik.api.authentik:
      url: https://authentik.example.com
      token: "{{ lookup('ansible.builtin.env', 'AUTHENTIK_TOKEN') }}"
  tasks:
    - name: Log in to the Windows servers with a service account (the password comes from a vault)
      authentik.api.rac_property_mapping:
        name: Windows service login
        static_settings:
          username: svc-rdp
          domain: CORP
          password: "{{ vault_svc_rdp_password }}"
          ignore-cert: "true"
      register: windows_login

    - name: Attach it to every endpoint of a provider (with authentik's own RDP defaults)
      authentik.api.rac_provider:
        name: Windows servers
        authorization_flow: default-provider-authorization-explicit-consent
        property_mappings:
          - goauthentik.io/providers/rac/rdp-default
          - Windows service login

    - name: Log in as the authentik user who connects, computed at each connection
      authentik.api.rac_property_mapping:
        name: SSH as the authentik user
        expression: |
          return {
              "username": user.username,
              "font-size": "12",
          }

    - name: Delete a mapping (it is detached from every provider and endpoint)
      authentik.api.rac_property_mapping:
        name: Old jump host login
        state: absent
"""

RETURN = r"""
property_mapping:
  description:
    - The mapping as authentik returns it after the task (the predicted mapping in check mode, without the read-only
      fields when it would be created), with the values of credential keys of C(static_settings) masked as C(********).
    - Empty when O(state=absent).
  returned: success
  type: dict
  sample:
    pk: 5b0d3a91-2c44-4f1e-8f5a-0d9c6e7b1a23
    managed: null
    name: Windows service login
    expression: ""
    component: ak-property-mapping-provider-rac-form
    verbose_name: RAC Provider Property Mapping
    verbose_name_plural: RAC Provider Property Mappings
    meta_model_name: authentik_providers_rac.racpropertymapping
    static_settings: {username: svc-rdp, domain: CORP, password: "********", ignore-cert: "true"}
diff:
  description:
    - The mapping's C(pk), O(name), O(expression) and O(static_settings) before and after the task; credential values
      read C(********), or C(******** (new value)) in C(after) when they are new or change.
  returned: in diff mode
  type: dict
  sample:
    before: {pk: 5b0d3a91-2c44-4f1e-8f5a-0d9c6e7b1a23, name: Windows service login, expression: "",
             static_settings: {username: svc-rdp, password: "********"}}
    after: {pk: 5b0d3a91-2c44-4f1e-8f5a-0d9c6e7b1a23, name: Windows service login, expression: "",
            static_settings: {username: svc-rdp, password: "******** (new value)"}}
"""

from ansible_collections.authentik.api.plugins.module_utils._engine import Field, Kind, Resource, ensure
from ansible_collections.authentik.api.plugins.module_utils._module import AuthentikModule
from ansible_collections.authentik.api.plugins.module_utils._resources import TRIMMED, rac_secret_setting

MAPPING = Resource(
    name="property_mapping",
    what="RAC property mapping",
    path="propertymappings/provider/rac/",
    key="pk",
    lookup=("name", "name", "name"),
    fields=dict(
        name=Field(pattern=TRIMMED),
        expression=Field(kind=Kind.TEXT),
        static_settings=Field(kind=Kind.DICT, secret_keys=rac_secret_setting),
    ),
    create_defaults=dict(static_settings={}),  # required by authentik on create
    conflict=("name: %(value)r is already the name of another kind of authentik property mapping (names are unique "
              "across all property mapping types); choose another name (%(server)s)"),
    protect=lambda mapping: mapping.get("managed") and (
        "it is shipped and managed by authentik (managed: %s), which restores it on upgrade; create a mapping of your "
        "own instead" % mapping["managed"]),
)


def main():
    module = AuthentikModule(argument_spec=dict(
        name=dict(type="str", required=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        expression=dict(type="raw"),
        static_settings=dict(type="dict"),
    ))
    module.run(ensure, MAPPING)


if __name__ == "__main__":
    main()
