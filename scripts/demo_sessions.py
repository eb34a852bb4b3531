# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""make demo: open two RAC sessions (connection tokens) of the demo user ansible-demo-alice on the demo endpoint
ansible-demo-dc01 of the provider ansible-demo-rdp, and print how many were opened.

    demo_sessions.py simulator        through the bundled simulator's admin API (POST /_sim/seed)
    demo_sessions.py CONTROL_SCRIPT   through the real test server's control script
                                      (`CONTROL_SCRIPT connection-token PROVIDER_PK ENDPOINT_UUID USERNAME COUNT`)

authentik's API cannot open a session (only a user connecting can), hence these two ways.
Reads AUTHENTIK_URL and AUTHENTIK_TOKEN; needs requests."""

import os
import re
import subprocess
import sys

import requests

USER, PROVIDER, ENDPOINT, COUNT = "ansible-demo-alice", "ansible-demo-rdp", "ansible-demo-dc01", 2


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    base = re.sub(r"/+(api/v3/*)?$", "", os.environ["AUTHENTIK_URL"])
    headers = {"Authorization": "Bearer %s" % os.environ["AUTHENTIK_TOKEN"]}

    def one(path, key, **query):
        resp = requests.get("%s/api/v3/%s" % (base, path), params=dict(query, page_size=100), headers=headers, timeout=30)
        resp.raise_for_status()
        found = [o for o in resp.json()["results"] if all(str(o.get(k)) == str(v) for k, v in query.items())]
        if len(found) != 1:
            sys.exit("demo_sessions.py: expected one %s with %r, found %d (did run 1 of the demo pass?)" % (path, query, len(found)))
        return found[0][key]

    provider = one("providers/rac/", "pk", name=PROVIDER)
    endpoint = one("rac/endpoints/", "pk", name=ENDPOINT, provider=provider)
    user = one("core/users/", "pk", username=USER)
    if sys.argv[1] == "simulator":
        resp = requests.post("%s/_sim/seed" % base, headers=headers, timeout=30, json=dict(
            kind="connection_tokens", n=COUNT, provider_pk=provider, endpoint_uuid=endpoint, user_pk=user))
        resp.raise_for_status()
        opened = len(resp.json()["ids"])
    else:
        out = subprocess.run([sys.argv[1], "connection-token", str(provider), endpoint, USER, str(COUNT)],
                             check=True, stdout=subprocess.PIPE, universal_newlines=True).stdout
        opened = len(out.split())
    print(opened)


if __name__ == "__main__":
    main()
