#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: rac_endpoint
short_description: Manage authentik RAC endpoints (the machines users connect to through a RAC provider)
version_added: 1.0.0
description:
  - Create, update and delete the endpoints (C(/api/v3/rac/endpoints/)) of an authentik RAC provider. An endpoint is
    one machine that users reach through the browser over RDP, VNC or SSH; a RAC provider without endpoints gives
    users nothing to connect to.
  - B(Identity.) Endpoint names are not unique in authentik, only a name B(within a provider) is. An endpoint is found
    by O(name) among the endpoints of O(provider), which is then required. Two endpoints of the provider with that
    name are an error that lists their UUIDs (nothing is written); give O(endpoint_uuid) to choose one.
  - O(endpoint_uuid) addresses one endpoint directly. O(name) and O(provider) are then ordinary options; setting them
    renames the endpoint or moves it to another provider. An O(endpoint_uuid) that does not exist is an error
    (authentik chooses the UUID of a new endpoint).
  - Only the options you set are compared; the rest of the endpoint is left alone. O(property_mappings) is compared as
    a set and O(settings) as a whole dictionary.
  - Secrets in O(settings) (the values of keys such as V(password), V(private-key), V(passphrase), or any key containing
    C(password), C(secret), C(passphrase) or C(private-key)) are compared but never shown, as in
    M(authentik.api.rac_property_mapping). Credentials are better kept in a RAC property mapping, shared by endpoints.
author:
  - authentik.api contributors (@authentik-ansible)
extends_documentation_fragment:
  - authentik.api.authentik
  - authentik.api.authentik.attributes
options:
  name:
    description:
      - The endpoint's name, shown to users. Without O(endpoint_uuid), it identifies the endpoint within O(provider);
        with O(endpoint_uuid), setting it renames the endpoint.
      - Matched exactly (case included), without leading or trailing spaces (authentik strips them).
      - One of O(name) and O(endpoint_uuid) is required.
    type: str
  provider:
    description:
      - The RAC provider of the endpoint, by its exact name or numeric id. A name costs one request to look it up.
      - Required without O(endpoint_uuid) (the endpoint is looked up among this provider's endpoints); with
        O(endpoint_uuid), setting it moves the endpoint to this provider.
    type: str
  endpoint_uuid:
    description:
      - The UUID (C(pk)) of one existing endpoint, to address it directly (one request, no name lookup), for example to
        rename it, to move it to another provider, or to choose one of two endpoints with the same name.
    type: str
  state:
    description:
      - V(present) creates or updates the endpoint, V(absent) deletes it (deleting a missing endpoint is not an error).
      - Deleting an endpoint also deletes its connection tokens, which ends the live sessions on it.
      - With V(absent), a O(provider) that no longer exists means the endpoint is gone too (authentik deletes a
        provider's endpoints with it), so there is nothing to do and a teardown runs twice, in any order.
    type: str
    choices: [present, absent]
    default: present
  protocol:
    description:
      - The remote desktop protocol. Required to create the endpoint.
    type: str
    choices: [rdp, vnc, ssh]
  host:
    description:
      - The machine to connect to, as C(host) or C(host:port), for example V(dc01.corp.example.com) or
        V(10.0.0.5:3389). Required to create the endpoint.
      - Checked before any request. authentik splits it at the first C(:), so an IPv6 address cannot be given (use a DNS
        name), and a port must be a number from 1 to 65535.
    type: str
  auth_mode:
    description:
      - V(prompt) asks the user for credentials when connecting; V(static) takes them from O(settings) and the property
        mappings (of the endpoint and of the provider).
      - V(prompt) when the endpoint is created without it (as the Terraform provider does).
    type: str
    choices: [static, prompt]
  settings:
    description:
      - Guacamole connection settings for this endpoint only, merged over the provider's, for example C(port),
        C(security) or C(ignore-cert).
      - Compared as a whole; this is the complete settings dictionary, not a patch of it. V({}) clears them.
    type: dict
  property_mappings:
    description:
      - The RAC property mappings of this endpoint (in addition to the provider's), each by name, C(managed) id or UUID;
        see M(authentik.api.rac_property_mapping).
      - Compared as a set; the list replaces the current mappings. V([]) removes them all.
      - Each name or managed id costs one request to look it up; a UUID costs none.
    type: list
    elements: str
  maximum_connections:
    description:
      - How many connections may be open to the endpoint at the same time; V(-1) for no limit.
      - authentik uses V(1) when the endpoint is created without it. V(0) (which would refuse every connection) and other
        negative numbers are refused before any request.
    type: int
notes:
  - Endpoints are listed with C(superuser_full_list=true); without it authentik evaluates the policies of every
    endpoint for a superuser too and returns every endpoint on every page. The lookup by name also sends the name as
    C(search), because authentik 2025.12.4 answers a non-superuser's list without C(search) from a list cached per
    user and provider, whatever the name filter, which would hide a second endpoint of the provider and create it twice.
  - C(launch_url) in RV(endpoint) is null until the provider belongs to an application (C(/core/applications/)).
  - In check mode, a property mapping or provider given by UUID or id is not checked for existence.
  - "Permissions (authentik 2025.12.4), check mode and runs without changes: none for the lookup by name.
    Authentik lists to a non-superuser the endpoints whose policies that user passes, whatever its permissions.
    Creating: C(authentik_providers_rac.add_endpoint). Changing: C(change_endpoint) and C(view_endpoint).
    Deleting: C(delete_endpoint) and C(view_endpoint)."
  - "Permissions per option: O(provider) given by name needs C(authentik_providers_rac.view_racprovider);
    O(property_mappings) given by name or managed id need C(authentik_providers_rac.view_racpropertymapping)."
seealso:
  - module: authentik.api.rac_provider
  - module: authentik.api.rac_property_mapping
  - module: authentik.api.rac_connection_token
  - name: authentik RAC endpoints
    description: Remote Access Control endpoints in the authentik documentation.
    link: https://docs.goauthentik.io/docs/add-secure-apps/providers/rac/
"""

EXAMPLES = r"""
- name: Manage authentik RAC endpoints
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/authentik.api.authentik:
      url: https://authentik.example.com
      token: "{{ lookup('ansible.builtin.env', 'AUTHENTIK_TOKEN') }}"
  tasks:
    - name: One RDP endpoint per Windows host of the inventory, logged in through a mapping
      authentik.api.rac_endpoint:
        name: "{{ item }}"
        provider: Windows servers
        protocol: rdp
        host: "{{ hostvars[item].ansible_host | default(item) }}:3389"
        auth_mode: static
        property_mappings:
          - Windows service login
        maximum_connections: 2
      loop: "{{ groups['windows'] }}"

    - name: An SSH endpoint where users type their own credentials, without a connection limit
      authentik.api.rac_endpoint:
        name: bastion
        provider: Linux servers
        protocol: ssh
        host: bastion.example.com
        auth_mode: prompt
        maximum_connections: -1
        settings:
          color-scheme: green-black
      register: bastion

    - name: Show where users start the connection (once the provider belongs to an application)
      ansible.builtin.debug:
        msg: "{{ bastion.endpoint.launch_url | default('no application yet', true) }}"

    - name: Rename an endpoint and move it to another provider, addressed by its UUID
      authentik.api.rac_endpoint:
        endpoint_uuid: "{{ bastion.endpoint.pk }}"
        name: bastion-old
        provider: Legacy servers

    - name: Delete an endpoint (its live sessions end)
      authentik.api.rac_endpoint:
        name: dc03
        provider: Windows servers
        state: absent
"""

RETURN = r"""
duplicates_removed:
  description:
    - The UUIDs of the endpoints of this name in this provider that were equal to the one kept in every field this module manages (objects that runs of
      several controllers at once made twice; authentik does not keep these names unique). The module deleted them, or
      in check mode would delete them, and warned naming them. See the notes.
  returned: when there were such duplicates
  type: list
  elements: str
  sample: [6f1c0f5e-2a4b-4d38-9b8e-0c9d7e5a4b21]
endpoint:
  description:
    - The endpoint as authentik returns it after the task (the predicted endpoint in check mode, without the read-only
      fields when it would be created), with the values of credential keys of C(settings) masked as C(********).
    - C(launch_url) is the path where users start a connection, null until the provider belongs to an application.
    - Empty when O(state=absent).
  returned: success
  type: dict
  sample:
    pk: 0c3c6a4e-7e27-4d1c-9f6e-3a2b9f1d5e70
    name: dc01
    provider: 5
    provider_obj: {pk: 5, name: Windows servers, connection_expiry: hours=8, delete_token_on_disconnect: false}
    protocol: rdp
    host: dc01.corp.example.com:3389
    settings: {}
    property_mappings:
      - 5b0d3a91-2c44-4f1e-8f5a-0d9c6e7b1a23
    auth_mode: static
    launch_url: /application/rac/windows/0c3c6a4e-7e27-4d1c-9f6e-3a2b9f1d5e70/
    maximum_connections: 2
diff:
  description: The endpoint's C(pk), O(name) and writable fields before and after the task (credential values masked).
  returned: in diff mode
  type: dict
  sample:
    before: {pk: 0c3c6a4e-7e27-4d1c-9f6e-3a2b9f1d5e70, name: dc01, provider: 5, host: dc01, maximum_connections: 1}
    after: {pk: 0c3c6a4e-7e27-4d1c-9f6e-3a2b9f1d5e70, name: dc01, provider: 5, host: "dc01:3389", maximum_connections: 2}
"""

from ansible_collections.authentik.api.plugins.module_utils._engine import Field, Kind, Resource, ensure
from ansible_collections.authentik.api.plugins.module_utils._module import AuthentikModule
from ansible_collections.authentik.api.plugins.module_utils._resources import (
    RAC_PROPERTY_MAPPING,
    RAC_PROVIDER,
    TRIMMED,
    rac_secret_setting,
)

INT32_MAX = 2147483647


def host_problem(host):
    """What is wrong with ``host`` as authentik reads it (``hostname`` before the first ``:``, ``port`` after it)."""
    if not host or any(c.isspace() for c in host) or "/" in host:
        return "is not a host name or address (no spaces, no URL), optionally followed by :port"
    name, colon, port = host.partition(":")
    if colon and (not name or not port.isdigit() or not 1 <= int(port) <= 65535):
        return ("is not host or host:port with a port from 1 to 65535 (authentik splits at the first ':', so an IPv6 "
                "address cannot be used: give a DNS name)")
    return None


def connections_problem(count):
    if count == -1 or 1 <= count <= INT32_MAX:
        return None
    if count > INT32_MAX:
        return "is more than authentik can store (%d)" % INT32_MAX
    return "is not -1 (no limit) or a positive number of connections (0 would refuse every connection)"


ENDPOINT = Resource(
    name="endpoint",
    what="RAC endpoint",
    path="rac/endpoints/",
    key="pk",
    lookup=("name", "name", "name"),
    scope=("provider",),  # endpoint names are unique only within their provider (by convention)
    address=("endpoint_uuid", Field(kind=Kind.UUID)),
    # Without superuser_full_list=true authentik runs the policies of every endpoint and returns all of them on every page.
    list_params={"superuser_full_list": "true"},
    # authentik 2025.12.4 serves a non-superuser a list cached per provider, whatever the name, unless it has search
    search=True,
    fields=dict(
        name=Field(pattern=TRIMMED),
        provider=Field(kind=Kind.INT, ref=RAC_PROVIDER, filter="provider"),
        protocol=Field(),
        host=Field(check=host_problem),
        auth_mode=Field(),
        settings=Field(kind=Kind.DICT, secret_keys=rac_secret_setting),
        property_mappings=Field(kind=Kind.UUID_SET, ref=RAC_PROPERTY_MAPPING, many=True),
        maximum_connections=Field(kind=Kind.INT, check=connections_problem),
    ),
    create_defaults=dict(auth_mode="prompt"),
    required_on_create=("protocol", "host"),
)


def main():
    module = AuthentikModule(
        argument_spec=dict(
            name=dict(type="str"),
            provider=dict(type="str"),
            endpoint_uuid=dict(type="str"),
            state=dict(type="str", choices=["present", "absent"], default="present"),
            protocol=dict(type="str", choices=["rdp", "vnc", "ssh"]),
            host=dict(type="str"),
            auth_mode=dict(type="str", choices=["static", "prompt"]),
            settings=dict(type="dict"),
            property_mappings=dict(type="list", elements="str"),
            maximum_connections=dict(type="int"),
        ),
        required_one_of=[("name", "endpoint_uuid")],
    )
    module.run(ensure, ENDPOINT)


if __name__ == "__main__":
    main()
