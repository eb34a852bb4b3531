# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What the test server needs that authentik's API cannot do, through authentik's own ORM.

Fed to ``python -m manage shell`` on standard input by ``scripts/authentik-server.sh orm ACTION ARGS...``
(arguments in the AK_ORM_ARGS environment variable); every answer is a line ``AK_ORM: <value>``.

    admin-token                                 a non-expiring API token of akadmin (identifier
                                                ak-test-admin-api-token); prints its key
    connection-token PROVIDER_PK ENDPOINT_UUID [USERNAME [COUNT]]
                                                COUNT (default 1) RAC connection tokens of USERNAME (default
                                                akadmin), each made the way authentik makes one when a user opens
                                                a connection (a Session, an AuthenticatedSession, then the
                                                ConnectionToken); prints their uuids
    expire-token IDENTIFIER...                  makes each token expire an hour ago (expiring true), which the API
                                                cannot do for an API token (it sets expires on every write); prints
                                                their identifiers
    reapply-blueprints                          re-applies, one at a time, every enabled blueprint instance that
                                                is not successful; prints one line per instance
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import time
from datetime import timedelta


def admin_token():
    from authentik.core.models import Token, TokenIntents, User

    user = User.objects.get(username="akadmin")
    user.set_password(os.environ["AUTHENTIK_BOOTSTRAP_PASSWORD"])
    user.save()
    token, _created = Token.objects.get_or_create(
        identifier="ak-test-admin-api-token",
        defaults=dict(user=user, intent=TokenIntents.INTENT_API, expiring=False))
    token.user, token.intent, token.expiring, token.expires = user, TokenIntents.INTENT_API, False, None
    token.description = "Non-expiring API token of the authentik.api test server"
    token.save()
    return [token.key]


def connection_token(provider_pk, endpoint_uuid, username="akadmin", count="1"):
    from django.utils.timezone import now

    from authentik.core.models import AuthenticatedSession, Session, User
    from authentik.lib.generators import generate_id
    from authentik.lib.utils.time import timedelta_from_string
    from authentik.providers.rac.models import ConnectionToken, Endpoint, RACProvider

    provider = RACProvider.objects.get(pk=int(provider_pk))
    endpoint = Endpoint.objects.get(pk=endpoint_uuid)
    user = User.objects.get(username=username)
    try:
        ttl = timedelta_from_string(provider.connection_expiry)
    except ValueError:
        ttl = timedelta(hours=8)
    made = []
    for _number in range(int(count)):
        expires = now() + ttl
        session = Session.objects.create(session_key=generate_id(40), last_ip="127.0.0.1",
                                         last_user_agent="authentik.api tests", expires=expires, expiring=True)
        auth_session = AuthenticatedSession.objects.create(session=session, user=user)
        token = ConnectionToken.objects.create(provider=provider, endpoint=endpoint, session=auth_session, settings={},
                                               expires=expires, expiring=True)
        made.append(str(token.pk))
    return made


def expire_token(*identifiers):
    from django.utils.timezone import now

    from authentik.core.models import Token

    # update(): no save signal, which would give an expiring token without expires a new one
    Token.objects.filter(identifier__in=identifiers).update(expires=now() - timedelta(hours=1), expiring=True)
    return [token.identifier for token in Token.objects.filter(identifier__in=identifiers).order_by("identifier")]


def reapply_blueprints():
    from authentik.blueprints.models import BlueprintInstance, BlueprintInstanceStatus
    from authentik.blueprints.v1.tasks import apply_blueprint
    from authentik.tasks.models import Task

    lines = []
    for instance in BlueprintInstance.objects.filter(enabled=True).exclude(status=BlueprintInstanceStatus.SUCCESSFUL):
        before = instance.status
        message = apply_blueprint.send_with_options(args=(instance.pk,), rel_obj=instance)
        for _second in range(180):
            time.sleep(1)
            if Task.objects.filter(message_id=message.message_id, state__in=["done", "rejected"]).exists():
                break
        instance.refresh_from_db()
        lines.append("re-applied blueprint %s: %s -> %s" % (instance.path, before, instance.status))
    return lines


ACTIONS = {"admin-token": admin_token, "connection-token": connection_token, "expire-token": expire_token,
           "reapply-blueprints": reapply_blueprints}


def main():
    args = os.environ.get("AK_ORM_ARGS", "").split()
    if not args or args[0] not in ACTIONS:
        raise SystemExit("AK_ORM_ARGS must start with one of: %s" % ", ".join(sorted(ACTIONS)))
    for line in ACTIONS[args[0]](*args[1:]):
        print("AK_ORM: %s" % line, flush=True)


main()
