#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: system_settings
short_description: Manage authentik's system settings (token lifetime, event retention, impersonation, footer links, ...)
version_added: 1.0.0
description:
  - Read and change the system settings of authentik (C(/api/v3/admin/settings/), B(System > Settings) in the admin
    interface). They are one object that always exists (there is no C(state) option); a task without any setting only
    reads them (one request) and returns them in RV(settings).
  - Only the options you set are compared and sent (one GET, and one PATCH when something differs); the other settings
    are left alone.
  - Durations (O(default_token_duration), O(event_retention)) use authentik's format C(unit=number;unit=number) and are
    compared as durations, so V(days=30), V(days=30;hours=0) and V(hours=720) are no change for one another.
  - Every value is checked before any request; authentik itself accepts several values that then silently do nothing
    (an unknown avatar mode, a misspelt flag, footer links that are not links) or break API clients (a page size of 0
    turns pagination off), which this module refuses.
author:
  - authentik.api contributors (@authentik-ansible)
extends_documentation_fragment:
  - authentik.api.authentik
  - authentik.api.authentik.attributes
options:
  default_token_duration:
    description:
      - How long a token lives when nothing else says so, in authentik's duration format (V(days=30), V(hours=1;minutes=30);
        units C(weeks), C(days), C(hours), C(minutes), C(seconds), C(milliseconds), C(microseconds)). Must be longer than zero.
      - authentik sets the expiry of an API token that expires (C(expiring) true) to now plus this duration whenever the
        token is created or changed, and an app password without an expiry date gets it too; it is also the longest
        lifetime an app password may be given (unless the owner's C(goauthentik.io/user/token-maximum-lifetime) attribute
        says otherwise). Tokens that exist keep their expiry until they are next written.
      - A fresh authentik 2025.12.4 has V(minutes=30) (V(days=1) for tenants created later). A token that should not
        expire at all wants O(authentik.api.core_token#module:expiring=false) instead.
    type: str
  default_token_length:
    description:
      - The length of the keys authentik generates for new tokens (C(1) or more; authentik's default is C(60)).
    type: int
  event_retention:
    description:
      - How long events are kept before authentik deletes them, as a duration (V(days=365), authentik's default). Must be
        longer than zero.
    type: str
  impersonation:
    description:
      - Whether administrators may impersonate users at all.
    type: bool
  impersonation_require_reason:
    description:
      - Whether an administrator must give a reason to impersonate a user.
    type: bool
  gdpr_compliance:
    description:
      - When true, deleting a user also deletes every event that user caused.
    type: bool
  footer_links:
    description:
      - The links shown at the bottom of the login and other flow pages, in this order; the whole list (V([]) for none).
      - Each link is a dictionary with C(name) (the text, not empty) and optionally C(href) (its target, a URL; without
        it, or null, the text has no link). Other keys are refused (authentik would store them and show nothing).
      - Compared as a list, order included.
    type: list
    elements: raw
  avatars:
    description:
      - How authentik shows avatars of users, as a comma-separated list of modes tried in turn (no spaces), for example
        V(gravatar,initials) (authentik's default) or V(none).
      - Each mode is V(none), V(initials) (generated from the name), V(gravatar), V(attributes.<path>) (a URL or data
        from the user's attributes, such as V(attributes.avatar)), or a URL template containing C(://) (with
        placeholders such as C(%(mail_hash)s), C(%(upn)s) or C(%(username)s)).
      - Anything else is refused; authentik would store it and silently skip it.
    type: str
  default_user_change_name:
    description:
      - Whether users may change their own name (in their user settings).
    type: bool
  default_user_change_email:
    description:
      - Whether users may change their own email address.
    type: bool
  default_user_change_username:
    description:
      - Whether users may change their own username.
    type: bool
  reputation_lower_limit:
    description:
      - The lowest reputation a user or an IP address can fall to (zero or negative; authentik's default is C(-5)).
    type: int
  reputation_upper_limit:
    description:
      - The highest reputation a user or an IP address can reach (zero or positive; authentik's default is C(5)).
    type: int
  pagination_default_page_size:
    description:
      - How many objects an API list answers with when the request does not say (C(1) or more; authentik's default is C(20)).
      - V(0), which authentik accepts, turns pagination off, and API lists then answer without pages, which neither this
        collection nor authentik's own web interface can read; it is refused.
    type: int
  pagination_max_page_size:
    description:
      - The most objects an API list answers with, whatever the request asks for (C(1) or more; authentik's default is
        C(100)). V(0) is refused, as for O(pagination_default_page_size).
    type: int
  flags:
    description:
      - Feature flags of authentik, by name; compared only on the flags given, and sent merged into the current ones.
      - authentik 2025.12.4 knows C(policies_buffered_access_view) and C(flows_refresh_others), both booleans; another
        name is refused, since authentik would store it and ignore it.
    type: dict
notes:
  - "Permissions (authentik 2025.12.4), check mode and runs without changes: C(authentik_rbac.view_system_settings).
    Changing: also C(authentik_rbac.edit_system_settings). Both are global permissions (of a role); a superuser holds them."
  - "The settings are those of the tenant that O(url) reaches (authentik's default tenant unless several are set up)."
seealso:
  - module: authentik.api.core_token
  - name: authentik system settings
    description: System settings in the authentik documentation.
    link: https://docs.goauthentik.io/docs/sys-mgmt/settings
"""

EXAMPLES = r"""
- name: Manage authentik's system settings
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/authentik.api.authentik:
      url: https://authentik.example.com
      token: "{{ lookup('ansible.builtin.env', 'AUTHENTIK_TOKEN') }}"
  tasks:
    - name: API tokens that expire live one month, events are kept for a year
      authentik.api.system_settings:
        default_token_duration: days=30
        event_retention: days=365

    - name: Impersonation needs a reason, and the login page links to the privacy policy
      authentik.api.system_settings:
        impersonation: true
        impersonation_require_reason: true
        footer_links:
          - name: Privacy policy
            href: https://example.com/privacy
          - name: Help desk, room 101

    - name: Read the settings (no option set, one request)
      authentik.api.system_settings:
      register: current

    - name: Show the default token lifetime
      ansible.builtin.debug:
        msg: "Tokens live {{ current.settings.default_token_duration }}"
"""

RETURN = r"""
settings:
  description:
    - The system settings as authentik returns them after the task (as they would be, in check mode).
  returned: success
  type: dict
  sample:
    avatars: gravatar,initials
    default_user_change_name: true
    default_user_change_email: false
    default_user_change_username: false
    event_retention: days=365
    reputation_lower_limit: -5
    reputation_upper_limit: 5
    footer_links: [{name: Privacy policy, href: "https://example.com/privacy"}]
    gdpr_compliance: true
    impersonation: true
    impersonation_require_reason: true
    default_token_duration: days=30
    default_token_length: 60
    pagination_default_page_size: 20
    pagination_max_page_size: 100
    flags: {}
diff:
  description: The writable settings before and after the task.
  returned: in diff mode
  type: dict
  sample:
    before: {default_token_duration: minutes=30, event_retention: days=365}
    after: {default_token_duration: days=30, event_retention: days=365}
"""

from ansible_collections.authentik.api.plugins.module_utils._engine import Field, Kind, Resource, ensure, parse_duration
from ansible_collections.authentik.api.plugins.module_utils._module import AuthentikModule

INT32_MIN = -2147483648
INT32_MAX = 2147483647
AVATAR_MODES = ("none", "initials", "gravatar")
#: the feature flags of authentik 2025.12.4 (Flag subclasses) and their types
FLAGS = {"policies_buffered_access_view": bool, "flows_refresh_others": bool}


def positive_duration(value):
    if parse_duration(value).total_seconds() <= 0:
        return "is not longer than zero"
    return None


def within(low, high, hint=""):
    """A check of an integer between ``low`` and ``high`` (``hint``: why a value below ``low`` is refused)."""
    def check(value):
        if value < low:
            return "is not %d or more%s" % (low, hint)
        if value > high:
            return "is not %d or less" % high
        return None
    return check


def avatar_modes(value):
    """What is wrong with an avatars setting (authentik splits it on "," and skips the modes it does not know)."""
    for mode in value.split(","):
        if mode in AVATAR_MODES or (mode.startswith("attributes.") and len(mode) > len("attributes.")) or (
                "://" in mode and mode == mode.strip()):
            continue
        return "has the mode %r, which authentik does not know (it would skip it silently); modes, separated by commas " \
               "without spaces: %s, attributes.<path> or a URL template with ://" % (mode, ", ".join(AVATAR_MODES))
    return None


def footer_links(value):
    """What is wrong with a list of footer links (authentik stores any JSON there; its pages read name and href)."""
    for index, link in enumerate(value, 1):
        if not isinstance(link, dict):
            return "item %d (%r) is not a link: give a dictionary with name and href" % (index, link)
        unknown = sorted(str(key) for key in link if key not in ("name", "href"))
        if unknown:
            return "item %d has the key(s) %s; a link has only name and href" % (index, ", ".join(unknown))
        if not isinstance(link.get("name"), str) or not link["name"].strip():
            return "item %d has no name (a non-empty string)" % index
        if link.get("href") is not None and not isinstance(link["href"], str):
            return "item %d has an href that is not a string" % index
    return None


def link_list(value):
    """The links with href null where it is not given (authentik's footer link has a nullable href), so that a rerun
    compares equal to what the first run stored."""
    return [dict(link, href=link.get("href")) if isinstance(link, dict) else link for link in value]


def known_flags(value):
    for key, item in value.items():
        if key not in FLAGS:
            return "names the flag %r, which authentik 2025.12.4 does not have (it would store it and ignore it); " \
                   "flags: %s" % (key, ", ".join(sorted(FLAGS)))
        if not isinstance(item, FLAGS[key]):
            return "gives flag %r the value %r; it takes a %s (true or false)" % (key, item, "boolean")
    return None


SETTINGS = Resource(
    name="settings",
    what="system settings",
    path="admin/settings/",
    key=None,
    lookup=(None, None, None),
    singleton=True,
    fields=dict(
        avatars=Field(kind=Kind.TEXT, check=avatar_modes),
        default_user_change_name=Field(),
        default_user_change_email=Field(),
        default_user_change_username=Field(),
        event_retention=Field(kind=Kind.DURATION, check=positive_duration),
        reputation_lower_limit=Field(kind=Kind.INT, check=within(INT32_MIN, 0)),
        reputation_upper_limit=Field(kind=Kind.INT, check=within(0, INT32_MAX)),
        footer_links=Field(check=footer_links),
        gdpr_compliance=Field(),
        impersonation=Field(),
        impersonation_require_reason=Field(),
        default_token_duration=Field(kind=Kind.DURATION, check=positive_duration),
        default_token_length=Field(kind=Kind.INT, check=within(1, INT32_MAX)),
        pagination_default_page_size=Field(kind=Kind.INT, check=within(
            1, INT32_MAX, " (0 turns pagination off, which API clients cannot read)")),
        pagination_max_page_size=Field(kind=Kind.INT, check=within(
            1, INT32_MAX, " (0 turns pagination off, which API clients cannot read)")),
        flags=Field(kind=Kind.DICT, merge=True, check=known_flags),
    ),
)


def main():
    module = AuthentikModule(argument_spec=dict(
        default_token_duration=dict(type="str", no_log=False),  # a lifetime, not a secret
        default_token_length=dict(type="int", no_log=False),  # a length, not a secret
        event_retention=dict(type="str"),
        impersonation=dict(type="bool"),
        impersonation_require_reason=dict(type="bool"),
        gdpr_compliance=dict(type="bool"),
        footer_links=dict(type="list", elements="raw"),
        avatars=dict(type="str"),
        default_user_change_name=dict(type="bool"),
        default_user_change_email=dict(type="bool"),
        default_user_change_username=dict(type="bool"),
        reputation_lower_limit=dict(type="int"),
        reputation_upper_limit=dict(type="int"),
        pagination_default_page_size=dict(type="int"),
        pagination_max_page_size=dict(type="int"),
        flags=dict(type="dict"),
    ))
    if module.params["footer_links"] is not None:
        module.params["footer_links"] = link_list(module.params["footer_links"])
    module.run(ensure, SETTINGS)


if __name__ == "__main__":
    main()
