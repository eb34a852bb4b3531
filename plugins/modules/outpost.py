#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: outpost
short_description: Manage authentik outposts (the services that serve RAC, proxy, LDAP and RADIUS providers)
version_added: 1.0.0
description:
  - Create, update and delete authentik outposts (C(/api/v3/outposts/instances/)). An outpost is the separately
    deployed service that serves providers to users; a RAC provider works only when a C(rac) outpost serves it.
  - An outpost is identified by its exact O(name). Only the options you set are compared; the rest of the outpost is
    left alone.
  - O(providers) is compared as a set. With O(providers_mode=add) or O(providers_mode=remove), a play adds its provider
    to a shared outpost, or takes it away, without knowing (or disturbing) the others.
  - O(config) is compared only on the keys given, and sent merged into the current configuration, so that authentik's
    defaults for the other keys stay.
  - The outpost's deployment token is the core token C(ak-outpost-<pk>-api), created by authentik with the outpost;
    read it with M(authentik.api.core_token) (O(authentik.api.core_token#module:identifier) and
    O(authentik.api.core_token#module:return_key)) to deploy the outpost.
author:
  - authentik.api contributors (@authentik-ansible)
extends_documentation_fragment:
  - authentik.api.authentik
  - authentik.api.authentik.attributes
options:
  name:
    description:
      - The outpost's name; identifies it (matched exactly, case included).
    type: str
    required: true
  state:
    description:
      - V(present) creates or updates the outpost, V(absent) deletes it (deleting a missing outpost is not an error).
    type: str
    choices: [present, absent]
    default: present
  type:
    description:
      - The kind of providers the outpost serves. Required to create the outpost.
      - It cannot change after creation; another value for an existing outpost is refused (delete and recreate it).
    type: str
    choices: [rac, proxy, ldap, radius]
  providers:
    description:
      - Providers served by the outpost, by exact name or numeric id, all of the outpost's O(type). A name costs one
        request to look it up.
      - A provider that the outpost's type cannot serve is refused, naming both types, before anything is written
        (authentik itself accepts it, and the provider then silently does not work). A RAC provider needs an outpost of
        type V(rac); the embedded outpost (C(authentik Embedded Outpost)) is of type V(proxy) and serves only proxy
        providers.
      - Required to create the outpost (authentik refuses an outpost without providers, except its embedded one).
    type: list
    elements: str
  providers_mode:
    description:
      - What O(providers) means. V(replace) is the whole set; V(add) adds the providers to the current ones; V(remove)
        takes them away (an outpost must keep at least one provider).
      - With V(remove), a provider that does not exist is nothing to remove, and an outpost that does not exist is not
        created, so a teardown runs twice without an error.
    type: str
    choices: [replace, add, remove]
    default: replace
  config:
    description:
      - Outpost configuration keys, for example C(log_level), C(authentik_host) or C(kubernetes_replicas).
      - Only the keys given are compared, and they are sent merged into the current configuration.
    type: dict
  service_connection:
    description:
      - The Docker or Kubernetes integration that deploys the outpost, by exact name or UUID; an empty string for none
        (the outpost is deployed by hand).
    type: str
notes:
  - "Permissions (authentik 2025.12.4), check mode and runs without changes: C(authentik_outposts.view_outpost).
    Creating: also C(add_outpost). Changing: also C(change_outpost). Deleting: also C(delete_outpost)."
  - "Permissions per option: O(providers) given by name need C(authentik_core.view_provider) (authentik lists providers
    of every type through C(/providers/all/), which checks that permission); O(service_connection) given by name needs
    C(authentik_outposts.view_outpostserviceconnection)."
seealso:
  - module: authentik.api.rac_provider
  - module: authentik.api.application
  - module: authentik.api.core_token
  - name: authentik outposts
    description: Outposts in the authentik documentation.
    link: https://docs.goauthentik.io/docs/add-secure-apps/outposts/
"""

EXAMPLES = r"""
- name: Manage authentik outposts
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/authentik.api.authentik:
      url: https://authentik.example.com
      token: "{{ lookup('ansible.builtin.env', 'AUTHENTIK_TOKEN') }}"
  tasks:
    - name: A RAC outpost serving the Windows provider
      authentik.api.outpost:
        name: rac-outpost
        type: rac
        providers:
          - Windows servers
        config:
          authentik_host: https://authentik.example.com
          log_level: info
      register: outpost

    - name: Add another provider to the shared outpost, keeping the others
      authentik.api.outpost:
        name: rac-outpost
        providers:
          - Linux servers
        providers_mode: add

    - name: Read the outpost's deployment token
      authentik.api.core_token:
        identifier: "ak-outpost-{{ outpost.outpost.pk }}-api"
        return_key: true
      register: deployment
      no_log: true
"""

RETURN = r"""
outpost:
  description:
    - The outpost as authentik returns it after the task (the predicted outpost in check mode, without the read-only
      fields when it would be created). Empty when O(state=absent).
    - C(token_identifier) names the deployment token (C(ak-outpost-<pk>-api)).
  returned: success
  type: dict
  sample:
    pk: a8167371-bc73-41ec-b464-a0c38ac5b3ff
    name: rac-outpost
    type: rac
    providers: [5]
    service_connection: null
    token_identifier: ak-outpost-a8167371-bc73-41ec-b464-a0c38ac5b3ff-api
    config: {log_level: info, authentik_host: "https://authentik.example.com"}
    managed: null
diff:
  description: The outpost's C(pk), O(name) and writable fields before and after the task.
  returned: in diff mode
  type: dict
  sample:
    before: {name: rac-outpost, providers: [5]}
    after: {name: rac-outpost, providers: [5, 6]}
"""

from ansible_collections.authentik.api.plugins.module_utils._engine import Field, Kind, Resource, ensure
from ansible_collections.authentik.api.plugins.module_utils._module import AuthentikModule
from ansible_collections.authentik.api.plugins.module_utils._resources import PROVIDER, SERVICE_CONNECTION, TRIMMED

# The provider model each outpost type serves (authentik's outpost controllers; authentik 2025.12.4 does not check it).
SERVES = {
    "rac": "authentik_providers_rac.racprovider",
    "proxy": "authentik_providers_proxy.proxyprovider",
    "ldap": "authentik_providers_ldap.ldapprovider",
    "radius": "authentik_providers_radius.radiusprovider",
}


def serves(outpost, provider):
    """Why ``outpost`` cannot serve ``provider`` (an item of /providers/all/), or None."""
    model = provider.get("meta_model_name")
    kind = outpost.get("type")
    if kind not in SERVES or not model or model == SERVES[kind]:
        return None
    fitting = [name for name, served in sorted(SERVES.items()) if served == model]
    return "provider %r is a %s (%s) and outpost %r is of type %s, which serves only %s providers; %s" % (
        provider.get("name"), provider.get("verbose_name") or "provider", model, outpost.get("name"), kind, kind,
        "give it to an outpost of type %s" % fitting[0] if fitting else "no outpost serves that kind of provider")


OUTPOST = Resource(
    name="outpost",
    path="outposts/instances/",
    key="pk",
    # ?name= is not a filter of /outposts/instances/; name__iexact is, and the engine keeps the exact match.
    lookup=("name", "name", "name__iexact"),
    fields=dict(
        name=Field(pattern=TRIMMED),
        type=Field(immutable=("type: outpost %(ident)r is of type %(current)r and its type cannot change to %(value)r; "
                              "delete the outpost and create it again")),
        providers=Field(kind=Kind.INT_SET, ref=PROVIDER, many=True, mode="providers_mode", fits=serves),
        config=Field(kind=Kind.DICT, merge=True),
        service_connection=Field(kind=Kind.UUID, ref=SERVICE_CONNECTION, nullable=True),
    ),
    create_defaults=dict(config={}),
    required_on_create=("type", "providers"),
)


def main():
    module = AuthentikModule(argument_spec=dict(
        name=dict(type="str", required=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        type=dict(type="str", choices=["rac", "proxy", "ldap", "radius"]),
        providers=dict(type="list", elements="str"),
        providers_mode=dict(type="str", choices=["replace", "add", "remove"], default="replace"),
        config=dict(type="dict"),
        service_connection=dict(type="str"),
    ))
    module.run(ensure, OUTPOST)


if __name__ == "__main__":
    main()
