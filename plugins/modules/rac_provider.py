#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: rac_provider
short_description: Manage authentik RAC (Remote Access Control) providers
version_added: 1.0.0
description:
  - Create, update and delete authentik RAC providers (C(/api/v3/providers/rac/)), which give users remote desktop
    (RDP), VNC and SSH access to endpoints through the browser.
  - The provider is identified by its O(name). Flows and property mappings can be given by slug or name as well as by
    UUID; the module resolves them to UUIDs before it compares anything.
  - Only the options you set are compared; the rest of the provider is left alone. O(property_mappings) is compared as a
    set (order and duplicates do not matter), O(settings) as a whole dictionary, and O(connection_expiry) as a duration.
  - Provider names are unique across all provider types in authentik. A name already used by another kind of provider
    (a proxy or OAuth2 provider, for example) is reported as such instead of a bare HTTP 400.
  - A provider alone gives users nothing to connect to. Its endpoints (the machines) are managed with
    M(authentik.api.rac_endpoint), and the property mappings that give endpoints their connection settings and
    credentials with M(authentik.api.rac_property_mapping); the application that makes the provider usable with
    M(authentik.api.application), the C(rac) outpost that serves it with M(authentik.api.outpost), and who may open the
    application with M(authentik.api.policy_binding); see the examples.
  - Deleting a provider also deletes its endpoints and its connection tokens (which ends the live sessions); its
    property mappings stay.
author:
  - authentik.api contributors (@authentik-ansible)
extends_documentation_fragment:
  - authentik.api.authentik
  - authentik.api.authentik.attributes
options:
  name:
    description:
      - The provider's name, unique among all authentik providers. It identifies the provider; renaming is not supported
        (a new name creates a new provider).
      - Matched exactly (case included), without leading or trailing spaces (authentik strips them).
    type: str
    required: true
  state:
    description:
      - V(present) creates or updates the provider, V(absent) deletes it (deleting a missing provider is not an error).
    type: str
    choices: [present, absent]
    default: present
  authorization_flow:
    description:
      - The flow used when a user is authorized to use this provider, by slug or UUID, for example
        V(default-provider-authorization-implicit-consent) or V(default-provider-authorization-explicit-consent).
      - Required to create the provider; optional afterwards.
      - A slug costs one request to look it up; a UUID costs none (and is checked by the server only when it is sent).
    type: str
  authentication_flow:
    description:
      - The flow used to authenticate a user who opens the application without a session, by slug or UUID.
      - An empty string clears it (authentik then uses the brand's default authentication flow).
    type: str
  property_mappings:
    description:
      - The RAC property mappings that give connection settings to the endpoints, each by name, C(managed) id
        (V(goauthentik.io/providers/rac/rdp-default)) or UUID.
      - Compared as a set; the list replaces the current mappings. V([]) removes them all.
      - Each name or managed id costs one request to look it up; a UUID costs none.
    type: list
    elements: str
  settings:
    description:
      - Connection settings passed to Guacamole for every endpoint of this provider, for example
        C(enable-wallpaper) set to V(true).
      - Compared as a whole; this is the complete settings dictionary, not a patch of it. V({}) clears the settings.
    type: dict
  connection_expiry:
    description:
      - How long a connection lasts, in authentik's format C(unit=number;unit=number) with units V(weeks), V(days),
        V(hours), V(minutes), V(seconds), V(milliseconds) and V(microseconds), for example V(hours=8) or
        V(hours=1;minutes=30).
      - Checked before any request, and compared as a duration, so V(minutes=90) and V(hours=1;minutes=30) are the same
        value and no change.
      - authentik uses V(hours=8) when the provider is created without it.
    type: str
  delete_token_on_disconnect:
    description:
      - Whether a connection token is deleted when its user disconnects, so that every connection needs a new
        authorization.
      - authentik uses V(false) when the provider is created without it.
    type: bool
notes:
  - A provider is usable once an application (M(authentik.api.application)) points to it, a C(rac) outpost
    (M(authentik.api.outpost)) serves it and RAC endpoints (M(authentik.api.rac_endpoint)) are defined for it.
  - In check mode, a name already used by another kind of provider is not detected (only the create reveals it), and a
    flow or mapping given by UUID is not checked for existence.
  - "Permissions (authentik 2025.12.4), check mode and runs without changes: C(authentik_providers_rac.view_racprovider).
    Creating: also C(add_racprovider). Changing: also C(change_racprovider). Deleting: also C(delete_racprovider)."
  - "Permissions per option: O(authorization_flow) and O(authentication_flow) given by slug need
    C(authentik_flows.view_flow); O(property_mappings) given by name or managed id need
    C(authentik_providers_rac.view_racpropertymapping)."
seealso:
  - module: authentik.api.rac_endpoint
  - module: authentik.api.rac_property_mapping
  - module: authentik.api.rac_connection_token
  - module: authentik.api.rac_connection_token_info
  - module: authentik.api.application
  - module: authentik.api.outpost
  - module: authentik.api.policy_binding
  - name: authentik RAC provider
    description: Remote Access Control in the authentik documentation.
    link: https://docs.goauthentik.io/docs/add-secure-apps/providers/rac/
"""

EXAMPLES = r"""
- name: Manage authentik RAC providers
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/authentik.api.authentik:
      url: https://authentik.example.com
      token: "{{ lookup('ansible.builtin.env', 'AUTHENTIK_TOKEN') }}"
  tasks:
    - name: Create an RDP provider with authentik's default RDP mappings
      authentik.api.rac_provider:
        name: Windows servers
        authorization_flow: default-provider-authorization-explicit-consent
        property_mappings:
          - goauthentik.io/providers/rac/rdp-default
          - "authentik default RAC Mapping: RDP High Fidelity"
        settings:
          enable-wallpaper: "false"
        connection_expiry: hours=1;minutes=30
        delete_token_on_disconnect: true
      register: rdp

    - name: Show the provider's id (used by its endpoints)
      ansible.builtin.debug:
        msg: "RAC provider {{ rdp.provider.name }} has pk {{ rdp.provider.pk }}"

    - name: A property mapping with the login of the Windows servers (the password masked in diffs and results)
      authentik.api.rac_property_mapping:
        name: Windows service login
        static_settings:
          username: svc-rdp
          domain: CORP
          password: "{{ vault_svc_rdp_password }}"

    - name: The provider's endpoints, one per Windows host of the inventory, logged in through that mapping
      authentik.api.rac_endpoint:
        name: "{{ item }}"
        provider: Windows servers
        protocol: rdp
        host: "{{ item }}:3389"
        auth_mode: static
        property_mappings:
          - Windows service login
      loop: "{{ groups['windows'] }}"

    - name: The application that makes the provider usable (what users open)
      authentik.api.application:
        slug: windows
        name: Windows servers
        provider: Windows servers

    - name: A rac outpost that serves the provider (its other providers stay)
      authentik.api.outpost:
        name: rac-outpost
        type: rac
        providers:
          - Windows servers
        providers_mode: add

    - name: Only the members of one group may open the application
      authentik.api.policy_binding:
        application: windows
        group: Remote access

    - name: Let connections last a working day (only this field is compared and changed)
      authentik.api.rac_provider:
        name: Windows servers
        connection_expiry: hours=8

    - name: Require a login through a specific flow, then stop requiring it
      authentik.api.rac_provider:
        name: Windows servers
        authentication_flow: "{{ item }}"
      loop:
        - default-authentication-flow
        - ""

    - name: Delete a provider (its endpoints and connection tokens go with it)
      authentik.api.rac_provider:
        name: Old jump hosts
        state: absent
"""

RETURN = r"""
provider:
  description:
    - The RAC provider as authentik returns it after the task (the predicted provider in check mode, without the
      read-only fields when it would be created).
    - Empty when O(state=absent).
  returned: success
  type: dict
  sample:
    pk: 4
    name: Windows servers
    authentication_flow: null
    authorization_flow: 2f3b7c1e-8a0d-4c6e-9b1a-5d4e3f2a1b0c
    property_mappings:
      - 6a9b2c4d-1e3f-4a5b-8c7d-9e0f1a2b3c4d
    component: ak-provider-rac-form
    assigned_application_slug: windows
    assigned_application_name: Windows
    assigned_backchannel_application_slug: ""
    assigned_backchannel_application_name: ""
    verbose_name: RAC Provider
    verbose_name_plural: RAC Providers
    meta_model_name: authentik_providers_rac.racprovider
    settings: {enable-wallpaper: "false"}
    outpost_set: []
    connection_expiry: hours=1;minutes=30
    delete_token_on_disconnect: true
diff:
  description: The provider's managed fields (its C(pk), O(name) and the writable fields) before and after the task.
  returned: in diff mode
  type: dict
  sample:
    before: {pk: 4, name: Windows servers, connection_expiry: hours=8, delete_token_on_disconnect: false}
    after: {pk: 4, name: Windows servers, connection_expiry: hours=1;minutes=30, delete_token_on_disconnect: true}
"""

from ansible_collections.authentik.api.plugins.module_utils._engine import Field, Kind, Resource, ensure
from ansible_collections.authentik.api.plugins.module_utils._module import AuthentikModule
from ansible_collections.authentik.api.plugins.module_utils._resources import FLOW, RAC_PROPERTY_MAPPING, TRIMMED

PROVIDER = Resource(
    name="provider",
    what="RAC provider",
    path="providers/rac/",
    key="pk",
    # ?name= is not a filter of /providers/rac/ (it is ignored); name__iexact is, and the engine keeps the exact match.
    lookup=("name", "name", "name__iexact"),
    fields=dict(
        name=Field(pattern=TRIMMED),
        authorization_flow=Field(kind=Kind.UUID, ref=FLOW),
        authentication_flow=Field(kind=Kind.UUID, ref=FLOW, nullable=True),
        property_mappings=Field(kind=Kind.UUID_SET, ref=RAC_PROPERTY_MAPPING, many=True),
        settings=Field(kind=Kind.DICT),
        connection_expiry=Field(kind=Kind.DURATION),
        delete_token_on_disconnect=Field(kind=Kind.BOOL),
    ),
    required_on_create=("authorization_flow",),
    conflict=("name: %(value)r is already the name of another kind of authentik provider (provider names are unique "
              "across all provider types); choose another name or delete that provider (%(server)s)"),
)


def main():
    module = AuthentikModule(argument_spec=dict(
        name=dict(type="str", required=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        authorization_flow=dict(type="str"),
        authentication_flow=dict(type="str"),
        property_mappings=dict(type="list", elements="str"),
        settings=dict(type="dict"),
        connection_expiry=dict(type="str"),
        delete_token_on_disconnect=dict(type="bool"),
    ))
    module.run(ensure, PROVIDER)


if __name__ == "__main__":
    main()
