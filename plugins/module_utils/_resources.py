# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""References to authentik objects shared by several modules (users, flows, RAC providers, endpoints,
property mappings), the RAC connection token resource used by two modules, and shared value rules (names
authentik would strip, the secret keys of RAC connection settings).

PRIVATE to the authentik.api collection: the leading underscore means this is not a public API.
Each reference accepts the object's primary key (no request) or a name (one filtered request).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.authentik.api.plugins.module_utils._engine import Field, Kind, Ref, Resource

# authentik strips leading and trailing spaces from names: such a name could never be found again.
TRIMMED = r"(?s)^\S(?:.*\S)?$"

# Guacamole connection parameters that hold credentials: password, private-key, passphrase and their variants
# (sftp-password, gateway-password, sftp-private-key, ...), and anything called a secret.
RAC_SECRET_WORDS = ("password", "secret", "passphrase", "private-key")


def rac_secret_setting(key):
    """Whether a key of RAC connection settings (static_settings of a mapping, settings of an endpoint) names a secret."""
    key = key.lower()
    return any(word in key for word in RAC_SECRET_WORDS)


USER = Ref("user", "core/users/", by=("username",), pk_kind=Kind.INT, exact="username",
           label=lambda u: "%s (%s)" % (u.get("username"), u.get("pk")))

FLOW = Ref("flow", "flows/instances/", direct=True, pk_kind=Kind.UUID)

RAC_PROVIDER = Ref("RAC provider", "providers/rac/", by=("name__iexact",), pk_kind=Kind.INT, exact="name",
                   label=lambda p: "%s (%s)" % (p.get("name"), p.get("pk")))

RAC_ENDPOINT = Ref("RAC endpoint", "rac/endpoints/", by=("name",), pk_kind=Kind.UUID, exact="name",
                   scope={"provider": "provider"}, params={"superuser_full_list": "true"},
                   search=True,  # authentik 2025.12.4 caches a non-superuser's endpoint list unless it has search
                   label=lambda e: "%s on provider %s" % (e.get("pk"), e.get("provider")))

# Managed ids look like paths (goauthentik.io/providers/rac/rdp-default), names usually do not: try the
# likelier filter first so that a reference costs one request.
RAC_PROPERTY_MAPPING = Ref("RAC property mapping", "propertymappings/provider/rac/", pk_kind=Kind.UUID,
                           exact={"name": "name", "managed": "managed"},
                           order=lambda v: ("managed", "name") if "/" in v else ("name", "managed"),
                           label=lambda m: "%s (%s)" % (m.get("name"), m.get("pk")))

# Any provider type (RAC, proxy, OAuth2, ...). /providers/all/ has no name filter; ?search= matches names (and
# application names) by substring, and the engine keeps the exact name.
PROVIDER = Ref("provider", "providers/all/", by=("search",), pk_kind=Kind.INT, exact="name", params={"page_size": 100},
               label=lambda p: "%s (%s, %s)" % (p.get("name"), p.get("pk"), p.get("verbose_name")))

APPLICATION = Ref("application", "core/applications/", direct=True, pk_kind=Kind.UUID)

GROUP = Ref("group", "core/groups/", by=("name",), pk_kind=Kind.UUID, exact="name", params={"include_users": "false"},
            label=lambda g: "%s (%s)" % (g.get("name"), g.get("pk")))

ROLE = Ref("role", "rbac/roles/", by=("name",), pk_kind=Kind.UUID, exact="name",
           label=lambda r: "%s (%s)" % (r.get("name"), r.get("pk")))

POLICY = Ref("policy", "policies/all/", by=("search",), pk_kind=Kind.UUID, exact="name", params={"page_size": 100},
             label=lambda p: "%s (%s)" % (p.get("name"), p.get("pk")))

SERVICE_CONNECTION = Ref("outpost service connection", "outposts/service_connections/all/", by=("name",), pk_kind=Kind.UUID,
                         exact="name", label=lambda c: "%s (%s)" % (c.get("name"), c.get("pk")))

CONNECTION_TOKEN_FILTERS = dict(
    provider=Field(kind=Kind.INT, ref=RAC_PROVIDER, filter="provider"),
    endpoint=Field(kind=Kind.UUID, ref=RAC_ENDPOINT, filter="endpoint"),
    user=Field(kind=Kind.INT, ref=USER, filter="session__user"),
)


def compact_connection_token(token):
    """The audit view of a connection token: who is connected to which endpoint through which provider."""
    user = token.get("user") or {}
    endpoint = token.get("endpoint_obj") or {}
    provider = token.get("provider_obj") or {}
    return dict(
        pk=token.get("pk"),
        user=dict(pk=user.get("pk"), username=user.get("username")),
        endpoint=dict(pk=token.get("endpoint"), name=endpoint.get("name")),
        provider=dict(pk=token.get("provider"), name=provider.get("name")),
    )


CONNECTION_TOKEN = Resource(
    name="connection_token",
    what="RAC connection token",
    path="rac/connection_tokens/",
    key="pk",
    lookup=("token_uuid", "pk", None),
    ident=Field(kind=Kind.UUID),
    fields=dict(
        provider=Field(kind=Kind.INT, ref=RAC_PROVIDER),
        endpoint=Field(kind=Kind.UUID, ref=RAC_ENDPOINT),
    ),
    absent_message=("token_uuid: RAC connection token %(value)r does not exist, and connection tokens cannot be created "
                    "through the API (authentik creates one when a user opens a remote connection)"),
    filters=CONNECTION_TOKEN_FILTERS,
    ordering="pk",  # the server orders by endpoint and provider name: ties would make pages overlap
    summary=compact_connection_token,
)
