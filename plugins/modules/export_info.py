#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: export_info
short_description: Export a live authentik setup as the tasks of this collection that describe it
version_added: 1.0.0
description:
  - Read the authentik server and return RV(tasks), a list of tasks of this collection's modules that describe the
    objects found, so that running them against the same server changes nothing. Write them to a file with
    C(to_nice_yaml), review them, commit them, and manage the setup with Ansible from then on (see the guide
    C(Adopting an existing authentik setup) and C(examples/export.yml)).
  - Covers RAC property mappings, RAC providers, RAC endpoints, applications, outposts, roles, groups, users, API
    tokens and app passwords, policy bindings and the system settings. Live RAC connection tokens are state, not
    configuration, and are left out.
  - Tasks refer to other objects by name, slug or username (never by a primary key, which differs between servers) and
    come in an order that applies on an empty server (what is referred to comes first; groups after their parents;
    the object permissions of roles in tasks at the end). They leave out values equal to authentik's defaults, and
    are sorted by kind and identity, so that two exports of an unchanged server are identical.
  - Objects that authentik manages are left out and listed in RV(left_out) (property mappings with a C(managed) id,
    which tasks refer to by that id; the embedded outpost unless it serves providers; internal service accounts and
    their tokens; the roles authentik keeps for the direct permissions of a user or a group).
  - Secrets are never exported. A token's key and a user's password, which the API never shows, become
    C({{ variable | default(omit) }}); connection settings with a password or a private key become a template that
    sets them only when every secret variable is defined, and leaves the option out otherwise (the server keeps what
    it has). The names of those variables are returned in RV(secrets), never their values.
  - Requests grow with the pages of each listing, not with the objects, except for roles (two requests each, for
    their permissions).
author:
  - authentik.api contributors (@authentik-ansible)
extends_documentation_fragment:
  - authentik.api.authentik
  - authentik.api.authentik.info_attributes
options:
  kinds:
    description:
      - The kinds of objects to export, by the name of the module that manages them. Default is all of them.
      - References to objects of kinds left out are still written by name.
    type: list
    elements: str
    choices: [system_settings, rac_property_mapping, rac_provider, rac_endpoint, application, outpost, rbac_role,
              group, user, core_token, policy_binding]
  match:
    description:
      - Export only the objects named here, a dictionary from a module name to a list of identities (names, slugs,
        usernames, token identifiers; an endpoint by its name, a property mapping also by its managed id). Without it,
        every object of O(kinds) is exported.
      - A name that matches nothing fails the task (a typo would otherwise export nothing).
      - C(policy_binding) and C(system_settings) have no name; bindings come with what they bind (see O(dependencies)).
    type: dict
  dependencies:
    description:
      - With O(match), also export what the named objects need (the provider of an endpoint, the property mappings,
        the groups and roles of a user, the parents of a group, the objects of a role's object permissions) and what
        belongs to them (a provider's endpoints, application and the outposts that serve it; the policy bindings of an
        application or an endpoint, with the groups and users they name; a user's tokens).
      - Only objects of O(kinds) are added.
    type: bool
    default: true
notes:
  - The tasks carry no connection options; run them in a play with C(module_defaults) for C(group/authentik.api.authentik).
  - "Options that are not exported: a user's memberships are written on the user (O(authentik.api.user#module:groups)),
    not on the group (O(authentik.api.group#module:users)); a token's key and a user's password (never shown by the API);
    fields that this collection's modules do not manage (for example a RAC provider's invalidation flow, an
    application's icon): a task made from an export does not change them, and they are not recreated on another server."
  - A name shared by two objects of the same kind (possible for groups, endpoints, policies) is written as the primary
    key, with a warning, since the name would not find one object.
  - "Permissions (authentik 2025.12.4): the view permission of every kind exported (for example
    C(authentik_providers_rac.view_racprovider), C(authentik_core.view_user)); roles also need
    C(authentik_rbac.view_role) and C(guardian.view_roleobjectpermission) for their object permissions. A
    non-superuser sees only what its permissions allow, and the export then leaves out what it cannot see; authentik
    2025.12.4 lists to a non-superuser only the applications whose policies let that user in, whatever its
    permissions. Export with a superuser's token to adopt a whole server."
seealso:
  - module: authentik.api.rac_provider
  - module: authentik.api.user
  - name: Adopting an existing authentik setup
    description: The collection's guide from export to the first run.
    link: https://github.com/authentik-ansible/authentik.api/blob/main/docs/docsite/rst/export.rst
"""

EXAMPLES = r"""
- name: Export the authentik setup as tasks
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/authentik.api.authentik:
      url: https://authentik.example.com
      token: "{{ lookup('ansible.builtin.env', 'AUTHENTIK_TOKEN') }}"
  tasks:
    - name: Export everything
      authentik.api.export_info:
      register: export

    - name: Write the tasks to a file
      ansible.builtin.copy:
        content: "{{ export.tasks | to_nice_yaml(indent=2, sort_keys=false) }}"
        dest: authentik-tasks.yml
        mode: "0644"

    - name: Export one RAC provider with its endpoints, mappings, application, outposts and bindings
      authentik.api.export_info:
        match:
          rac_provider:
            - Windows servers
      register: windows

    - name: Export the users and groups only
      authentik.api.export_info:
        kinds:
          - group
          - user
      register: people
"""

RETURN = r"""
tasks:
  description:
    - The tasks, in the order they apply. Each has a C(name) and the module's fully qualified name with its
      arguments.
  returned: success
  type: list
  elements: dict
  sample:
    - name: RAC provider 'Windows servers'
      authentik.api.rac_provider:
        name: Windows servers
        authorization_flow: default-provider-authorization-implicit-consent
        property_mappings:
          - goauthentik.io/providers/rac/rdp-default
    - name: RAC endpoint 'dc01' of 'Windows servers'
      authentik.api.rac_endpoint:
        name: dc01
        provider: Windows servers
        protocol: rdp
        host: dc01.example.com:3389
        settings: "{{ {'password': authentik_rac_endpoint_windows_servers_dc01_settings_password, 'username': 'admin'}
          if authentik_rac_endpoint_windows_servers_dc01_settings_password is defined else omit }}"
secrets:
  description: The names of the variables that the tasks read secrets from (never their values), sorted.
  returned: success
  type: list
  elements: str
  sample:
    - authentik_core_token_ci_deploy_key
    - authentik_rac_endpoint_windows_servers_dc01_settings_password
left_out:
  description: The objects left out because authentik manages them, each with the reason.
  returned: success
  type: list
  elements: str
  sample:
    - "rac_property_mapping 'authentik default RAC Mapping: RDP Default settings': managed by authentik
      (goauthentik.io/providers/rac/rdp-default); tasks refer to it by that id"
counts:
  description: How many tasks each kind got.
  returned: success
  type: dict
  sample: {rac_provider: 1, rac_endpoint: 2}
"""

from ansible_collections.authentik.api.plugins.module_utils._client import AuthentikError
from ansible_collections.authentik.api.plugins.module_utils._directory import MANAGED_ROLE_PREFIX, managed_roles
from ansible_collections.authentik.api.plugins.module_utils._export import MISSING, Export, Exporter, Out, Target
from ansible_collections.authentik.api.plugins.module_utils._kinds import Kind
from ansible_collections.authentik.api.plugins.module_utils._module import AuthentikModule
from ansible_collections.authentik.api.plugins.module_utils._resources import rac_secret_setting


def _name(obj):
    return obj.get("name")


FLOW = Target("flow", "flows/instances/", lambda f: f.get("slug"))
# A binding shows a flow target by the flow's pk (authentik 2025.12.4 lists bindings by its policybindingmodel_ptr_id,
# which policy_binding sends, but answers with the pk of the PolicyBindingModel's subclass).
FLOW_BINDING = FLOW
POLICY = Target("policy", "policies/all/", _name, unique=True)
SERVICE_CONNECTION = Target("outpost service connection", "outposts/service_connections/all/", _name, unique=True)
PROVIDER = Target("provider", "providers/all/", _name, kind="rac_provider")  # names are unique across provider types
RAC_PROVIDER = Target("RAC provider", "providers/rac/", _name, kind="rac_provider")
MAPPING = Target("RAC property mapping", "propertymappings/provider/rac/", lambda m: m.get("managed") or m.get("name"),
                 kind="rac_property_mapping")
ENDPOINT = Target("RAC endpoint", "rac/endpoints/", _name, params={"superuser_full_list": "true"}, kind="rac_endpoint",
                  unique=True)
APPLICATION = Target("application", "core/applications/", lambda a: a.get("slug"), params={"superuser_full_list": "true"},
                     kind="application")
GROUP = Target("group", "core/groups/", _name, params={"include_users": "false"}, kind="group", unique=True)
ROLE = Target("role", "rbac/roles/", _name, kind="rbac_role")
USER = Target("user", "core/users/", lambda u: u.get("username"), params={"include_groups": "false"}, kind="user")
TOKEN = Target("token", "core/tokens/", lambda t: t.get("identifier"), kind="core_token")
OUTPOST = Target("outpost", "outposts/instances/", _name, kind="outpost")

#: the objects of a role's object permissions, by model (those of authentik.api.rbac_role)
OBJECTS = {
    "authentik_providers_rac.racprovider": RAC_PROVIDER,
    "authentik_providers_rac.endpoint": ENDPOINT,
    "authentik_providers_rac.racpropertymapping": MAPPING,
    "authentik_core.application": APPLICATION,
    "authentik_core.token": TOKEN,
    "authentik_core.user": USER,
    "authentik_core.group": GROUP,
    "authentik_rbac.role": ROLE,
    "authentik_outposts.outpost": OUTPOST,
    "authentik_flows.flow": FLOW,
}


def _managed(what):
    return lambda exporter, obj: obj.get("managed") and "managed by authentik (%s)%s" % (obj["managed"], what)


# ------------------------------------------------------------------ outposts

def outpost_config(exporter, outpost):
    """The keys of an outpost's configuration that differ from authentik's defaults for a new outpost."""
    if outpost.get("managed"):
        return {}
    # default_settings fills authentik_host with the URL of the request itself, which is no default of a new outpost
    # (its config is stored as sent): an explicit authentik_host is always exported, whatever URL the export used
    defaults = dict(exporter.fetch("outposts/instances/default_settings/").get("config") or {}, authentik_host="")
    config = outpost.get("config") or {}
    return dict((key, value) for key, value in config.items() if key not in defaults or defaults[key] != value)


def skip_outpost(exporter, outpost):
    if outpost.get("managed") and not outpost.get("providers"):
        return "managed by authentik (%s) and serves no provider" % outpost["managed"]
    return None


# ------------------------------------------------------------------ users, groups, roles

def own_roles(exporter, obj):
    """The roles of a user or a group, without the one authentik manages for its direct permissions."""
    managed = set(managed_roles(obj))
    return [pk for pk in obj.get("roles") or [] if pk not in managed]


def role_permissions(exporter, role):
    return sorted("%s.%s" % (p["app_label"], p["codename"])
                  for p in exporter.client.list("rbac/permissions/", params={"role": role["pk"]}))


def _object_rows(exporter, role):
    key = ("object permissions", role["pk"])
    if key not in exporter.cache:
        exporter.cache[key] = exporter.client.list("rbac/permissions/roles/", params={"uuid": role["pk"]})
    return exporter.cache[key]


def role_object_permissions(exporter, role):
    items = []
    for row in _object_rows(exporter, role):
        model = "%s.%s" % (row["app_label"], row["model"])
        permission = "%s.%s" % (row["app_label"], row["codename"])
        target = OBJECTS.get(model)
        if target is None:
            exporter.warnings.append("role %r: object permission %s on %s %s is not exported (authentik.api.rbac_role does "
                                     "not manage permissions on %s objects)" % (role.get("name"), permission, model,
                                                                                row["object_pk"], model))
            continue
        items.append(dict(permission=permission, object=exporter.name_of(target, row["object_pk"])))
    return sorted(items, key=lambda item: (str(item["object"]), item["permission"]))


def role_needs(exporter, role):
    return [(OBJECTS[model].kind, row["object_pk"]) for row in _object_rows(exporter, role)
            for model in ["%s.%s" % (row["app_label"], row["model"])] if OBJECTS.get(model) and OBJECTS[model].kind]


# ------------------------------------------------------------------ tokens

def token_expires(exporter, token):
    """An app password's own expiry date; an API token gets now plus the default lifetime on every write."""
    if token.get("intent") == "app_password" and token.get("expiring"):
        return token.get("expires")
    return None


def skip_token(exporter, token):
    if token.get("managed"):
        return "managed by authentik (%s)" % token["managed"]
    if token.get("intent") not in ("api", "app_password"):
        return "a %s token, which authentik makes itself" % token.get("intent")
    return None


# ------------------------------------------------------------------ policy bindings

def binding_target(exporter, binding):
    """The options naming a binding's target, or None when this collection does not manage that kind of target."""
    target = str(binding.get("target"))
    if target in exporter.by_key(APPLICATION):
        return dict(application=exporter.name_of(APPLICATION, target))
    endpoint = exporter.by_key(ENDPOINT).get(target)
    if endpoint is not None:
        return dict(rac_provider=exporter.name_of(RAC_PROVIDER, endpoint["provider"]), rac_endpoint=endpoint.get("name"))
    if target in exporter.by_key(FLOW_BINDING):
        return dict(flow=exporter.name_of(FLOW_BINDING, target))
    return None


def skip_binding(exporter, binding):
    if binding_target(exporter, binding) is None:
        return ("its target is not an application, a RAC endpoint or a flow (a source, a stage binding of a flow, ...), "
                "which this collection does not bind policies to")
    return None


BINDING_OUTS = (Out("order"), Out("enabled", default=True), Out("negate", default=False),
                Out("policy_timeout", api="timeout", default=30), Out("failure_result", default=False))


def binding_task(exporter, binding):
    args = binding_target(exporter, binding)
    if binding.get("group"):
        args["group"] = exporter.name_of(GROUP, binding["group"])
    elif binding.get("user"):
        args["user"] = exporter.name_of(USER, binding["user"])
    elif binding.get("policy"):
        args["policy"] = exporter.name_of(POLICY, binding["policy"])
    exp = exporter.exports["policy_binding"]
    for spec in BINDING_OUTS:
        value = exporter.value(exp, spec, binding)
        if value is not MISSING:
            args[spec.option] = value
    subject = [name for name in ("group", "user", "policy") if name in args]
    target = [name for name in ("application", "rac_endpoint", "flow") if name in args][0]
    label = "policy binding of %s to %s %r%s (order %s)" % (
        "%s %r" % (subject[0], args[subject[0]]) if subject else "nothing", target.replace("rac_", "RAC "), args[target],
        " of %r" % args["rac_provider"] if target == "rac_endpoint" else "", binding.get("order"))
    return label, args


def binding_needs(exporter, binding):
    out = [(kind, binding.get(name)) for kind, name in (("group", "group"), ("user", "user")) if binding.get(name)]
    target = str(binding.get("target"))
    if target in exporter.by_key(APPLICATION):
        out.append(("application", exporter.by_key(APPLICATION)[target]["pk"]))
    elif target in exporter.by_key(ENDPOINT):
        out.append(("rac_endpoint", target))
    return out


def bound_to(exporter, binding):
    return [binding.get("target")]


EXPORTS = (
    Export("system_settings", "system settings", "admin/settings/", singleton=True, outs=(
        Out("avatars", default="gravatar,initials"),
        Out("default_user_change_name", default=True),
        Out("default_user_change_email", default=False),
        Out("default_user_change_username", default=False),
        Out("event_retention", default="days=365", kind=Kind.DURATION),
        Out("reputation_lower_limit", default=-5),
        Out("reputation_upper_limit", default=5),
        Out("footer_links", default=[]),
        Out("gdpr_compliance", default=True),
        Out("impersonation", default=True),
        Out("impersonation_require_reason", default=True),
        Out("default_token_duration", default="minutes=30", kind=Kind.DURATION),
        Out("default_token_length", default=60),
        Out("pagination_default_page_size", default=20),
        Out("pagination_max_page_size", default=100),
        Out("flags", default={}),
    )),
    Export("rac_property_mapping", "RAC property mapping", MAPPING.path, ident=("name",), outs=(
        Out("name"),
        Out("expression", default=""),
        Out("static_settings", default={}, secret_keys=rac_secret_setting),
    ), skip=_managed("; tasks refer to it by that id"), match=lambda m: [m.get("name"), m.get("managed")]),
    Export("rac_provider", "RAC provider", RAC_PROVIDER.path, ident=("name",), outs=(
        Out("name"),
        Out("authorization_flow", ref=FLOW),
        Out("authentication_flow", ref=FLOW, default=None),
        Out("property_mappings", ref=MAPPING, many=True, default=[]),
        Out("settings", default={}, secret_keys=rac_secret_setting),
        Out("connection_expiry", default="hours=8", kind=Kind.DURATION),
        Out("delete_token_on_disconnect", default=False),
    ), match=lambda p: [p.get("name")], belongs=(
        ("rac_endpoint", lambda exporter, endpoint: [endpoint.get("provider")]),
        ("application", lambda exporter, app: [app.get("provider")] + list(app.get("backchannel_providers") or [])),
        ("outpost", lambda exporter, outpost: outpost.get("providers") or []),
    )),
    Export("rac_endpoint", "RAC endpoint", ENDPOINT.path, params=ENDPOINT.params, ident=("name", "provider"), outs=(
        Out("name"),
        Out("provider", ref=RAC_PROVIDER),
        Out("protocol"),
        Out("host"),
        Out("auth_mode", default="prompt"),
        Out("settings", default={}, secret_keys=rac_secret_setting),
        Out("property_mappings", ref=MAPPING, many=True, default=[]),
        Out("maximum_connections", default=1),
    ), match=lambda e: [e.get("name")], belongs=(("policy_binding", bound_to),)),
    Export("application", "application", APPLICATION.path, params=APPLICATION.params, ident=("slug",), outs=(
        Out("slug"),
        Out("name"),
        Out("provider", ref=PROVIDER, default=None),
        Out("backchannel_providers", ref=PROVIDER, many=True, default=[]),
        Out("group", default=""),
        Out("meta_launch_url", default=""),
        Out("meta_description", default=""),
        Out("meta_publisher", default=""),
        Out("open_in_new_tab", default=False),
        Out("policy_engine_mode", default="any"),
    ), match=lambda a: [a.get("slug"), a.get("name")], belongs=(("policy_binding", bound_to),)),
    Export("outpost", "outpost", OUTPOST.path, ident=("name",), outs=(
        Out("name"),
        Out("type", value=lambda exporter, outpost: None if outpost.get("managed") else outpost.get("type"), default=None),
        Out("providers", ref=PROVIDER, many=True),
        Out("config", value=outpost_config, default={}),
        Out("service_connection", ref=SERVICE_CONNECTION, default=None),
    ), skip=skip_outpost, match=lambda o: [o.get("name")]),
    Export("rbac_role", "role", ROLE.path, ident=("name",), outs=(
        Out("name"),
        Out("permissions", value=role_permissions, default=[]),
        Out("object_permissions", value=role_object_permissions, default=[]),
    ), after=("object_permissions",), needs=role_needs, match=lambda r: [r.get("name")],
        skip=lambda exporter, role: str(role.get("name")).startswith(MANAGED_ROLE_PREFIX) and (
            "authentik manages it for the direct permissions of a user or a group")),
    Export("group", "group", GROUP.path, params=GROUP.params, ident=("name",), outs=(
        Out("name"),
        Out("parents", ref=GROUP, many=True, default=[]),
        Out("is_superuser", default=False),
        Out("attributes", default={}),
        Out("roles", ref=ROLE, many=True, value=own_roles, default=[]),
    ), match=lambda g: [g.get("name")]),
    Export("user", "user", USER.path, params=USER.params, ident=("username",), outs=(
        Out("username"),
        Out("name", default=""),
        Out("email", default=""),
        Out("type", default="internal"),
        Out("is_active", default=True),
        Out("path", default="users"),
        Out("attributes", default={}),
        Out("groups", ref=GROUP, many=True, default=[]),
        Out("roles", ref=ROLE, many=True, value=own_roles, default=[]),
    ), secret=("password", "password"), match=lambda u: [u.get("username")],
        skip=lambda exporter, user: user.get("type") == "internal_service_account" and (
            "an internal service account, which authentik manages for an outpost"),
        belongs=(("core_token", lambda exporter, token: [token.get("user")]),)),
    Export("core_token", "token", TOKEN.path, ident=("identifier",), outs=(
        Out("identifier"),
        Out("intent", default="api"),
        Out("user", ref=USER),
        Out("description", default=""),
        Out("expiring", default=True),
        Out("expires", value=token_expires, default=None),
    ), secret=("key", "key"), skip=skip_token, match=lambda t: [t.get("identifier")]),
    Export("policy_binding", "policy binding", "policies/bindings/", task=binding_task, needs=binding_needs,
           skip=skip_binding, outs=BINDING_OUTS),
)
#: the order in which the tasks apply on an empty server: what is referred to comes first
ORDER = tuple(exp.module for exp in EXPORTS)
NAMELESS = ("policy_binding", "system_settings")


def run(module):
    kinds = module.params["kinds"] or list(ORDER)
    match = module.params["match"] or {}
    for kind, names in match.items():
        if kind not in ORDER:
            raise AuthentikError("match: %r is not a kind this module exports (%s)" % (kind, ", ".join(ORDER)), sent=False)
        if kind in NAMELESS:
            raise AuthentikError("match: %s has no names to match; match what it belongs to instead" % kind, sent=False)
        if kind not in kinds:
            raise AuthentikError("match: %s is not in kinds (%s)" % (kind, ", ".join(kinds)), sent=False)
        if not isinstance(names, list) or not names or not all(isinstance(name, (str, int)) for name in names):
            raise AuthentikError("match: %s: %r is not a list of names" % (kind, names), sent=False)
    exporter = Exporter(module, EXPORTS, ORDER)
    result = exporter.export(kinds, match, module.params["dependencies"])
    for warning in result.pop("warnings"):
        module.warn(warning)
    result["changed"] = False
    return result


def main():
    module = AuthentikModule(argument_spec=dict(
        kinds=dict(type="list", elements="str", choices=list(ORDER)),
        match=dict(type="dict"),
        dependencies=dict(type="bool", default=True),
    ))
    module.run(run)


if __name__ == "__main__":
    main()
