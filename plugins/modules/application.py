#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: application
short_description: Manage authentik applications (what users see and open, backed by a provider)
version_added: 1.0.0
description:
  - Create, update and delete authentik applications (C(/api/v3/core/applications/)). An application is what users see
    in their library; its O(provider) does the work (a RAC provider gives browser remote desktop, a proxy or OAuth2
    provider a web application). Who may open it is decided by its policy bindings (M(authentik.api.policy_binding)).
  - An application is identified by O(slug), which appears in its URLs. Only the options you set are compared; the rest
    of the application is left alone. O(backchannel_providers) is compared as a set.
  - A provider belongs to at most one application. Giving a provider that another application already uses is an error
    that names that application, and nothing is written.
author:
  - authentik.api contributors (@authentik-ansible)
extends_documentation_fragment:
  - authentik.api.authentik
  - authentik.api.authentik.attributes
options:
  slug:
    description:
      - The application's slug (letters, digits, C(-) and C(_)); identifies the application and appears in its URLs, for
        example C(/application/rac/<slug>/...) for a RAC application.
    type: str
    required: true
  name:
    description:
      - The name shown to users. Required to create the application.
    type: str
  state:
    description:
      - V(present) creates or updates the application, V(absent) deletes it (deleting a missing application is not an
        error). Deleting an application also deletes its policy bindings.
    type: str
    choices: [present, absent]
    default: present
  provider:
    description:
      - The provider of the application, of any type (RAC, proxy, OAuth2, ...), by its exact name or numeric id. A name
        costs one request to look it up (provider names are unique across all provider types).
      - An empty string detaches the provider.
      - A provider used by another application is refused (one request to check it, only when the provider changes).
      - In check mode, a provider name that does not exist yet is assumed to be created by an earlier task of the play
        (a warning says so).
    type: str
  backchannel_providers:
    description:
      - Additional providers the application uses in the background (for example an LDAP provider), by name or id.
      - Compared as a set; the list replaces the current ones. V([]) removes them all.
    type: list
    elements: str
  group:
    description:
      - A free-text group under which the application appears in the user's library.
    type: str
  meta_launch_url:
    description:
      - The URL the user's library opens instead of the provider's own launch URL. An empty string clears it.
    type: str
  meta_description:
    description:
      - A description shown in the user's library.
    type: str
  meta_publisher:
    description:
      - The publisher shown in the user's library.
    type: str
  open_in_new_tab:
    description:
      - Whether the user's library opens the application in a new browser tab.
    type: bool
  policy_engine_mode:
    description:
      - V(any) lets a user in when any policy binding passes, V(all) only when all pass. authentik uses V(any) when the
        application is created without it.
    type: str
    choices: [any, all]
notes:
  - The application's icon is not managed by this module.
  - "Permissions (authentik 2025.12.4), check mode and runs without changes: C(authentik_core.view_application).
    Creating: also C(add_application). Changing: also C(change_application). Deleting: also C(delete_application)."
  - "Permissions per option: O(provider) and O(backchannel_providers) given by name need C(authentik_core.view_provider)
    (authentik lists providers of every type through C(/providers/all/), which checks that permission, not the
    provider type's own view permission)."
seealso:
  - module: authentik.api.rac_provider
  - module: authentik.api.outpost
  - module: authentik.api.policy_binding
  - name: authentik applications
    description: Applications in the authentik documentation.
    link: https://docs.goauthentik.io/docs/add-secure-apps/applications/
"""

EXAMPLES = r"""
- name: Manage authentik applications
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/authentik.api.authentik:
      url: https://authentik.example.com
      token: "{{ lookup('ansible.builtin.env', 'AUTHENTIK_TOKEN') }}"
  tasks:
    - name: An application that gives browser RDP through a RAC provider
      authentik.api.application:
        slug: windows
        name: Windows servers
        provider: Windows servers
        group: Remote access
        meta_description: RDP to the Windows servers, in the browser
        policy_engine_mode: any

    - name: Detach the provider (the application stays)
      authentik.api.application:
        slug: windows
        provider: ""

    - name: Delete the application (its policy bindings go with it)
      authentik.api.application:
        slug: windows
        state: absent
"""

RETURN = r"""
application:
  description:
    - The application as authentik returns it after the task (the predicted application in check mode, without the
      read-only fields when it would be created). Empty when O(state=absent).
  returned: success
  type: dict
  sample:
    pk: 074ecc97-2a4a-41e4-8a19-a4b011e78285
    name: Windows servers
    slug: windows
    provider: 5
    backchannel_providers: []
    group: Remote access
    meta_launch_url: ""
    meta_description: RDP to the Windows servers, in the browser
    meta_publisher: ""
    open_in_new_tab: false
    policy_engine_mode: any
diff:
  description: The application's C(pk), O(slug) and writable fields before and after the task.
  returned: in diff mode
  type: dict
  sample:
    before: {}
    after: {slug: windows, name: Windows servers, provider: 5}
"""

from ansible_collections.authentik.api.plugins.module_utils._engine import Field, Kind, Resource, ensure
from ansible_collections.authentik.api.plugins.module_utils._module import AuthentikModule
from ansible_collections.authentik.api.plugins.module_utils._resources import PROVIDER, TRIMMED

APPLICATION = Resource(
    name="application",
    path="core/applications/",
    key="slug",
    lookup=("slug", "slug", None),
    ident=Field(pattern=r"^[-a-zA-Z0-9_]+$"),
    fields=dict(
        name=Field(pattern=TRIMMED),
        provider=Field(kind=Kind.INT, ref=PROVIDER, nullable=True, claim=("assigned_application_slug", "application")),
        backchannel_providers=Field(kind=Kind.INT_SET, ref=PROVIDER, many=True),
        group=Field(),
        meta_launch_url=Field(),
        meta_description=Field(),
        meta_publisher=Field(),
        open_in_new_tab=Field(kind=Kind.BOOL),
        policy_engine_mode=Field(),
    ),
    required_on_create=("name",),
)


def main():
    module = AuthentikModule(argument_spec=dict(
        slug=dict(type="str", required=True),
        name=dict(type="str"),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        provider=dict(type="str"),
        backchannel_providers=dict(type="list", elements="str"),
        group=dict(type="str"),
        meta_launch_url=dict(type="str"),
        meta_description=dict(type="str"),
        meta_publisher=dict(type="str"),
        open_in_new_tab=dict(type="bool"),
        policy_engine_mode=dict(type="str", choices=["any", "all"]),
    ))
    module.run(ensure, APPLICATION)


if __name__ == "__main__":
    main()
