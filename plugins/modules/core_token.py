#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: core_token
short_description: Manage authentik API tokens and app passwords
version_added: 1.0.0
description:
  - Create, update and delete authentik tokens (C(/api/v3/core/tokens/)) with intent C(api) (API tokens) or
    C(app_password) (app passwords), and set or read their secret key.
  - Every update sends the token's current owner and intent along with the change, because authentik
    resets a missing C(user) to the caller and a missing C(intent) to C(api) on PATCH and PUT; a task
    that only changes O(description) therefore never turns an app password into an API token or hands
    the token to the caller.
  - Only the options you set are compared; the rest of the token is left alone.
author:
  - authentik.api contributors (@authentik-ansible)
extends_documentation_fragment:
  - authentik.api.authentik
  - authentik.api.authentik.attributes
notes:
  - "Permissions (authentik 2025.12.4), check mode and runs without changes: none for the user's own tokens.
    Creating, changing, deleting: none for the user's own tokens. Authentik lets a user see, create, change and
    delete its own tokens without any permission, and lets only superusers manage the tokens of other users."
  - "Permissions per option: O(return_key) needs C(authentik_core.view_token_key). Authentik gives it to the user on
    each token that the user creates. O(key) needs C(authentik_core.set_token_key), plus C(view_token_key) to
    compare the key. O(user) given by name needs C(authentik_core.view_user)."
  - "For a non-superuser, authentik 2025.12.4 ignores O(user) and O(expiring) when it creates a token: the token
    belongs to the caller and expires as the caller's C(goauthentik.io/user/token-expires) attribute says (default
    true)."
  - "With O(key) and other changes, the other changes are written first. If C(set_token_key) is then missing,
    the task fails after that write."
  - "An expired token (O(expiring) true and its expiry date passed) is still listed, read and changed by authentik
    until its cleanup task, every 5 minutes, gives an API token a new key and deletes an app password; only
    authentication refuses it (and authentik deletes an expired API token that is used). With O(state=present) the
    task renews such a token, with a warning, keeping its key: an API token gets a new expiry (authentik sets one on
    every write), an app password without O(expires) in the task gets now plus the default token lifetime (authentik's
    default for an expiring token without a date). An app password whose O(expires) the task gives is set to that date,
    as any change. O(state=absent) deletes an expired token like any other."
options:
  identifier:
    description:
      - The token's unique identifier (its name in authentik and in the API URL).
      - Letters, digits, C(-) and C(_) only, at most 255 characters (checked before any request).
    type: str
    required: true
  state:
    description:
      - V(present) creates or updates the token, V(absent) deletes it (deleting a missing token is not an error).
    type: str
    choices: [present, absent]
    default: present
  intent:
    description:
      - V(api) for a token that authenticates to the API, V(app_password) for an app password used instead of
        the user's password (LDAP, RADIUS, basic auth).
      - Defaults to V(api) when the token is created; an existing token keeps its intent unless you set this.
    type: str
    choices: [api, app_password]
  user:
    description:
      - The owner, by username or numeric user id.
      - Defaults to the user of O(token) when the token is created. The owner of an existing token cannot be
        changed (newer authentik refuses it, and moving a secret to another person should be an explicit delete
        and create); a different owner is an error.
    type: str
  description:
    description:
      - Free text shown in the admin interface.
    type: str
  expiring:
    description:
      - Whether the token expires. authentik defaults to V(true); API tokens used by automation usually want V(false).
      - An expiring API token lives for the default token lifetime (the system setting C(default_token_duration), see
        M(authentik.api.system_settings)) from its last write.
      - An expiring API token gets a new key when it expires (authentik rotates it); an expiring app password is deleted.
        Until then, the task renews an expired token (see the notes).
    type: bool
  expires:
    description:
      - When an app password expires, as an ISO 8601 date-time (V(2026-12-31T23:59:00Z), V(2026-12-31 23:59+01:00));
        without a zone it is UTC. Compared as an instant, so any spelling of the same moment is no change.
      - Without it, an app password gets now plus the default token lifetime when it is created, and again when the
        task finds it expired.
      - authentik limits it to the owner's maximum token lifetime, which is the default token lifetime (the system setting
        C(default_token_duration), V(minutes=30) on a fresh authentik 2025.12.4) unless the owner's
        C(goauthentik.io/user/token-maximum-lifetime) attribute says otherwise.
      - Ignored for API tokens, with a warning, because authentik overwrites their C(expires) with now plus the default token
        lifetime on every write, so it could never converge. For API tokens that live longer (V(days=30) for one month), change
        that default with M(authentik.api.system_settings) (O(authentik.api.system_settings#module:default_token_duration));
        it applies to every API token written afterwards, so such a token is renewed for that long whenever a task changes it.
        For an API token that never expires, set O(expiring=false).
      - A diff leaves C(expires) out while O(expiring) is V(false), since authentik keeps a date there (and moves it on every
        write of an API token) that has no effect on a token that does not expire.
    type: str
  key:
    description:
      - The token's secret, set through C(set_key) when it differs from the current one (compared with C(view_key)).
      - Never returned and never shown in a diff. Needs the C(set_token_key) and C(view_token_key) permissions.
      - Leave unset to keep the key authentik generated.
    type: str
  return_key:
    description:
      - Return the token's current key as RV(key), read through C(view_key), for example to store it in a vault.
      - Set the task keyword C(no_log) to V(true), since the key is a credential.
      - When O(key) is also set, Ansible masks the returned value because it equals a C(no_log) option.
    type: bool
    default: false
seealso:
  - module: authentik.api.system_settings
    description: The default token lifetime (C(default_token_duration)), which sets the expiry of API tokens.
  - name: authentik tokens
    description: Tokens and app passwords in the authentik documentation.
    link: https://docs.goauthentik.io/docs/users-sources/user/user_ref#tokens
"""

EXAMPLES = r"""
- name: Manage authentik tokens
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/authentik.api.authentik:
      url: https://authentik.example.com
      token: "{{ lookup('ansible.builtin.env', 'AUTHENTIK_TOKEN') }}"
  tasks:
    - name: Create a non-expiring API token for automation
      authentik.api.core_token:
        identifier: ci-deploy
        user: svc-ci
        intent: api
        expiring: false
        description: Used by the deploy pipeline

    - name: API tokens that expire live one month from their last change (a system setting, for every token)
      authentik.api.system_settings:
        default_token_duration: days=30

    - name: Rotate its key from a value kept in a vault
      authentik.api.core_token:
        identifier: ci-deploy
        key: "{{ vault_ci_deploy_key }}"

    - name: Create an app password for a user, expiring in 20 minutes
      authentik.api.core_token:
        identifier: alice-ldap-bind
        user: alice
        intent: app_password
        expires: "{{ '%Y-%m-%dT%H:%M:%SZ' | strftime(now(utc=true).timestamp() + 1200) }}"

    - name: Read a generated key to register it elsewhere
      authentik.api.core_token:
        identifier: ci-deploy
        return_key: true
      register: ci_token
      no_log: true

    - name: Delete a token
      authentik.api.core_token:
        identifier: old-token
        state: absent
"""

RETURN = r"""
token:
  description:
    - The token as authentik returns it after the task (the predicted token in check mode), without its key.
    - Empty when O(state=absent).
  returned: success
  type: dict
  sample:
    pk: 0b5d9a6e-3f0e-4b8e-9f39-2a4f1f7f0c1d
    managed: null
    identifier: ci-deploy
    intent: api
    user: 7
    user_obj: {pk: 7, username: svc-ci, name: CI service account}
    description: Used by the deploy pipeline
    expires: "2026-11-23T10:30:00.000000Z"
    expiring: false
key:
  description: The token's current key, read through C(view_key). Handle it as a secret.
  returned: when O(return_key=true) and the token exists
  type: str
  sample: kX3yN2...
diff:
  description: The token's managed fields before and after; a set O(key) shows as C(********).
  returned: in diff mode
  type: dict
  sample:
    before: {identifier: ci-deploy, description: old, expiring: true, intent: api, user: 7}
    after: {identifier: ci-deploy, description: Used by the deploy pipeline, expiring: false, intent: api, user: 7}
"""

import datetime

from ansible_collections.authentik.api.plugins.module_utils._engine import Field, Kind, Resource, Secret, ensure, parse_datetime
from ansible_collections.authentik.api.plugins.module_utils._module import AuthentikModule
from ansible_collections.authentik.api.plugins.module_utils._resources import USER


def expired(token):
    """Whether authentik would refuse the token as expired (it still lists and serves it until its cleanup task runs)."""
    if not token.get("expiring") or not token.get("expires"):
        return False
    expires = parse_datetime(token["expires"])
    return expires < datetime.datetime.now(expires.tzinfo)


def renew(token, params, changes):
    """An expired token that the task keeps (see the notes): an API token gets a new expiry from any write (authentik sets
    one on every write: none is added to the task's own changes), an app password whose expiry the task does not give
    gets ``expires: null``, which authentik turns into now plus the default lifetime."""
    if not expired(token) or changes.get("expiring") is False:
        return None
    if token.get("intent") == "api":
        if changes:
            return None
        body = {"expiring": True}
    elif params.get("expires") is not None:
        return None  # the date the task asks for
    else:
        body = {"expires": None}
    return body, "token %r expired at %s; authentik keeps it until its cleanup task %s: %%(action)s it (same key, expiring now plus " \
        "authentik's default token lifetime)" % (token.get("identifier"), token.get("expires"),
                                                 "gives an API token a new key" if token.get("intent") == "api" else
                                                 "deletes an app password")


TOKEN = Resource(
    name="token",
    path="core/tokens/",
    key="identifier",
    # Looked up through the list filter, not GET core/tokens/<identifier>/: a list answers 404 only when url is not
    # authentik's base URL, so a wrong URL is an error instead of "token absent" (a POST, or a silent ok for absent).
    lookup=("identifier", "identifier", "identifier"),
    fields=dict(
        identifier=Field(pattern=r"^[-a-zA-Z0-9_]+$", max_length=255),
        intent=Field(),
        user=Field(kind=Kind.INT, ref=USER, immutable=(
            "user: token %(ident)r belongs to user %(current)s; refusing to give it to user %(value)s "
            "(delete the token and create a new one for that user instead)")),
        description=Field(),
        expiring=Field(),
        expires=Field(kind=Kind.DATETIME, ignore=(
            lambda token: token.get("intent") == "api",
            "expires: %(value)r is ignored for an API token (intent api): authentik sets its expiry to now plus the "
            "default token lifetime on every write. To change that lifetime (days=30 for one month), set the system setting "
            "default_token_duration with authentik.api.system_settings (it applies to every token written afterwards); "
            "expires gives one token its own date only as an app password (intent app_password, at most that lifetime "
            "ahead); set expiring: false for a token that does not expire"),
            # authentik keeps a date in expires even when expiring is false; it has no effect, so a diff leaves it out
            diff_hidden=lambda token: token.get("expiring") is False),
    ),
    echo=("user", "intent"),
    create_defaults=dict(intent="api"),
    secret=Secret(option="key", read="view_key/", write="set_key/", return_option="return_key"),
    renew=renew,
)


def main():
    module = AuthentikModule(argument_spec=dict(
        identifier=dict(type="str", required=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        intent=dict(type="str", choices=["api", "app_password"]),
        user=dict(type="str"),
        description=dict(type="str"),
        expiring=dict(type="bool"),
        expires=dict(type="str"),
        key=dict(type="str", no_log=True),
        return_key=dict(type="bool", default=False),
    ))
    module.run(ensure, TOKEN)


if __name__ == "__main__":
    main()
