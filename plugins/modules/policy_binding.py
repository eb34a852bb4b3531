#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: policy_binding
short_description: Manage authentik policy bindings (which group, user or policy decides access to an object)
version_added: 1.0.0
description:
  - Create, update and delete authentik policy bindings (C(/api/v3/policies/bindings/)). A binding attaches a group, a
    user or a policy to a target (an application, a RAC endpoint or a flow). For an application, a user may open it
    when the bindings pass (see O(authentik.api.application#module:policy_engine_mode)); a RAC endpoint's bindings
    decide who sees that endpoint.
  - B(Identity.) A binding is identified by its target (exactly one of O(application), O(rac_endpoint), O(flow)) and
    what it binds (exactly one of O(group), O(user), O(policy)). The bindings of the target are read (one request per
    page of 100) and the one binding the same object is the binding managed.
  - Only the options you set are compared; the rest of the binding is left alone.
  - B(Order.) Without O(order), a new binding gets the next free order of its target (one more than the highest, 0
    for the first) and an existing binding keeps its own. authentik refuses two bindings of the same policy to one
    target with the same order; bindings of groups and users may share an order.
author:
  - authentik.api contributors (@authentik-ansible)
extends_documentation_fragment:
  - authentik.api.authentik
  - authentik.api.authentik.attributes
options:
  application:
    description:
      - The target application, by slug (or its UUID). One request to look a slug up.
    type: str
  rac_endpoint:
    description:
      - The target RAC endpoint, by UUID, or by name (one request); a name must be unique, or unique within
        O(rac_provider).
    type: str
  rac_provider:
    description:
      - The RAC provider whose endpoint O(rac_endpoint) names, by name or id. Only used to find O(rac_endpoint) by name.
    type: str
  flow:
    description:
      - The target flow, by slug (one request).
    type: str
  group:
    description:
      - The group bound to the target, by exact name (one request).
    type: str
  user:
    description:
      - The user bound to the target, by username (one request) or numeric id.
    type: str
  policy:
    description:
      - The policy bound to the target, by exact name (one request) or UUID.
    type: str
  state:
    description:
      - V(present) creates or updates the binding, V(absent) deletes it (deleting a missing binding is not an error).
      - With V(absent), a target, group, user or policy that no longer exists means the binding cannot exist either,
        so there is nothing to do and a teardown runs twice, in any order.
    type: str
    choices: [present, absent]
    default: present
  order:
    description:
      - The binding's position among the bindings of its target (lower first).
      - Without it, a new binding gets the next free order and an existing binding keeps its own.
    type: int
  enabled:
    description:
      - Whether the binding is evaluated. authentik uses V(true) when the binding is created without it.
    type: bool
  negate:
    description:
      - Whether the binding's result is inverted (the group's members are kept B(out)). authentik uses V(false).
    type: bool
  policy_timeout:
    description:
      - Seconds after which the policy's evaluation is stopped (a policy binding only), the binding's C(timeout) field.
        authentik uses V(30).
      - Named so because O(timeout) is the connection option (seconds to wait for the server on each request).
    type: int
  failure_result:
    description:
      - The result when the policy fails to run (a policy binding only). authentik uses V(false).
    type: bool
notes:
  - In check mode, a target or bound object given by a name that does not exist yet is assumed to be created by an
    earlier task of the play (a warning says so); the binding is then predicted as created.
  - A flow given by UUID must be its C(policybindingmodel_ptr_id), not its C(pk); give its slug instead.
  - "Permissions (authentik 2025.12.4), check mode and runs without changes: C(authentik_policies.view_policybinding).
    Creating: also C(add_policybinding). Changing: also C(change_policybinding). Deleting: also C(delete_policybinding)."
  - "Permissions per option: O(application) by slug needs C(authentik_core.view_application); O(flow) by slug
    C(authentik_flows.view_flow); O(rac_provider) by name C(authentik_providers_rac.view_racprovider);
    O(rac_endpoint) by name C(authentik_providers_rac.view_endpoint) is not needed (authentik lists endpoints to a
    non-superuser by their policies); O(group) by name C(authentik_core.view_group); O(user) by username
    C(authentik_core.view_user); O(policy) by name C(authentik_policies.view_policy)."
seealso:
  - module: authentik.api.application
  - module: authentik.api.rac_endpoint
  - name: authentik policy bindings
    description: Bindings in the authentik documentation.
    link: https://docs.goauthentik.io/docs/add-secure-apps/flows-stages/bindings/
"""

EXAMPLES = r"""
- name: Manage authentik policy bindings
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/authentik.api.authentik:
      url: https://authentik.example.com
      token: "{{ lookup('ansible.builtin.env', 'AUTHENTIK_TOKEN') }}"
  tasks:
    - name: Only the Windows admins may open the Windows application
      authentik.api.policy_binding:
        application: windows
        group: Windows admins

    - name: Only one user sees the domain controller endpoint
      authentik.api.policy_binding:
        rac_endpoint: dc01
        rac_provider: Windows servers
        user: alice
        order: 10

    - name: Remove a binding
      authentik.api.policy_binding:
        application: windows
        group: Contractors
        state: absent
"""

RETURN = r"""
duplicates_removed:
  description:
    - The UUIDs of the bindings of this target and group, user or policy that were equal to the one kept in every
      field this module manages (objects that runs of several controllers at once made twice; authentik does not keep
      these names unique). The module deleted them, or in check mode would delete them, and warned naming them. See
      the notes.
  returned: when there were such duplicates
  type: list
  elements: str
  sample: [6f1c0f5e-2a4b-4d38-9b8e-0c9d7e5a4b21]
binding:
  description:
    - The binding as authentik returns it after the task (the predicted binding in check mode, without the read-only
      fields when it would be created). Empty when O(state=absent).
    - C(target) is the UUID of the application, endpoint or flow.
  returned: success
  type: dict
  sample:
    pk: 22a4c9cd-2ea8-4ad8-9959-a7a0100996ad
    target: 074ecc97-2a4a-41e4-8a19-a4b011e78285
    group: 36527fdc-5beb-43a9-8bfb-174f16df1fc5
    user: null
    policy: null
    order: 0
    enabled: true
    negate: false
    timeout: 30
    failure_result: false
diff:
  description: The binding's C(pk), target, bound object and writable fields before and after the task.
  returned: in diff mode
  type: dict
  sample:
    before: {order: 0, negate: false}
    after: {order: 10, negate: false}
"""

from ansible_collections.authentik.api.plugins.module_utils._engine import Field, Kind, Ref, Resource, ensure
from ansible_collections.authentik.api.plugins.module_utils._module import AuthentikModule
from ansible_collections.authentik.api.plugins.module_utils._resources import APPLICATION, GROUP, POLICY, RAC_PROVIDER, USER

# A flow's bindings point at its policybindingmodel_ptr_id, which authentik takes as target and lists bindings by.
FLOW_TARGET = Ref("flow", "flows/instances/", direct=True, pk="policybindingmodel_ptr_id", pk_kind=Kind.UUID)
ENDPOINT_TARGET = Ref("RAC endpoint", "rac/endpoints/", by=("name",), pk_kind=Kind.UUID, exact="name",
                      scope={"provider": "rac_provider"}, params={"superuser_full_list": "true"},
                      search=True,  # authentik 2025.12.4 caches a non-superuser's endpoint list unless it has search
                      label=lambda e: "%s on provider %s" % (e.get("pk"), e.get("provider")))

BINDING = Resource(
    name="binding",
    what="policy binding",
    path="policies/bindings/",
    key="pk",
    lookup=(None, None, None),
    match=("application", "rac_provider", "rac_endpoint", "flow", "group", "user", "policy"),
    sequence="order",
    # authentik 2025.12.4 answered PATCH of a binding with 405: an update is a PUT of every writable field.
    update_method="PUT",
    echo=("target", "group", "user", "policy", "order", "enabled", "negate", "timeout", "failure_result"),
    fields=dict(
        application=Field(kind=Kind.UUID, ref=APPLICATION, api="target", filter="target"),
        rac_provider=Field(kind=Kind.INT, ref=RAC_PROVIDER, api=False),
        rac_endpoint=Field(kind=Kind.UUID, ref=ENDPOINT_TARGET, api="target", filter="target"),
        flow=Field(kind=Kind.UUID, ref=FLOW_TARGET, api="target", filter="target"),
        group=Field(kind=Kind.UUID, ref=GROUP),
        user=Field(kind=Kind.INT, ref=USER),
        policy=Field(kind=Kind.UUID, ref=POLICY),
        order=Field(kind=Kind.INT),
        enabled=Field(kind=Kind.BOOL),
        negate=Field(kind=Kind.BOOL),
        # "timeout" is the connection option (seconds per request): the binding's own timeout is policy_timeout.
        policy_timeout=Field(kind=Kind.INT, api="timeout",
                             check=lambda v: None if 0 <= v <= 2147483647 else "is not a number of seconds from 0"),
        failure_result=Field(kind=Kind.BOOL),
    ),
)


def main():
    module = AuthentikModule(
        argument_spec=dict(
            application=dict(type="str"),
            rac_endpoint=dict(type="str"),
            rac_provider=dict(type="str"),
            flow=dict(type="str"),
            group=dict(type="str"),
            user=dict(type="str"),
            policy=dict(type="str"),
            state=dict(type="str", choices=["present", "absent"], default="present"),
            order=dict(type="int"),
            enabled=dict(type="bool"),
            negate=dict(type="bool"),
            policy_timeout=dict(type="int"),
            failure_result=dict(type="bool"),
        ),
        required_one_of=[("application", "rac_endpoint", "flow"), ("group", "user", "policy")],
        mutually_exclusive=[("application", "rac_endpoint", "flow"), ("group", "user", "policy")],
        required_by={"rac_provider": "rac_endpoint"},
    )
    module.run(ensure, BINDING)


if __name__ == "__main__":
    main()
