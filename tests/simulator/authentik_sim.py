# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""An in-memory simulator of the parts of the authentik 2025.12 REST API (``/api/v3/``) that the
authentik.api collection uses: tokens, RAC providers, endpoints and connection tokens, flows, RAC
property mappings and users.

It reproduces what a real authentik 2025.12.4 server answers (status codes, error bodies, page-number
pagination, filters and the traps described in the shared API notes, ``../shared/notes/authentik-api.md``
beside the checkout), checks every request and response body against the pydantic models of the
``authentik-client`` package when that is installed, counts requests and injects faults. Standard library
only; ``authentik_client`` is optional and imported once per process, lazily.

This file is the simulator's face: ``AuthentikSimulator``, which is the core (``sim_core.py``) with every
API area (``sim_directory.py``, ``sim_tokens.py``, ``sim_rac.py``, ``sim_apps.py``, ``sim_rbac.py``,
``sim_settings.py``), the constants of the seed, the HTTPS helpers and the command line. It is imported as a module of the collection's tests package, or as a
top-level module with ``tests/simulator`` on ``sys.path``, or run as a script; its sibling modules are
imported accordingly.

Python API::

    sim = AuthentikSimulator(host="127.0.0.1", port=0, admin_token="sim-admin-token").start()
    sim.url          # http://127.0.0.1:PORT (no /api/v3)
    sim.seed_provider("rdp")
    sim.stop()

Command line::

    python tests/simulator/authentik_sim.py --port 0 --token sim-admin-token --ready-file /tmp/url
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import threading

if __package__:
    from .sim_core import DEFAULT_ADMIN_TOKEN, load_models, models_import_seconds
    from .sim_directory import (ADMIN_PK, ALICE_PK, BOB_PK, FLOW_AUTHENTICATION, FLOW_EXPLICIT, FLOW_IMPLICIT, FLOW_UUIDS, MAPPING_RDP_DEFAULT,
                                MAPPING_RDP_HIGH_FIDELITY, MAPPING_SSH_DEFAULT, MAPPING_UUIDS)
    from .sim_apps import AppsArea
    from .sim_rbac import RbacArea
    from .sim_settings import SettingsArea
    from .sim_tokens import ADMIN_TOKEN_IDENTIFIER, ALICE_TOKEN, ALICE_TOKEN_IDENTIFIER, TokensArea
else:  # run as a script, or imported as a top-level module with tests/simulator on sys.path
    from sim_core import DEFAULT_ADMIN_TOKEN, load_models, models_import_seconds
    from sim_directory import (ADMIN_PK, ALICE_PK, BOB_PK, FLOW_AUTHENTICATION, FLOW_EXPLICIT, FLOW_IMPLICIT, FLOW_UUIDS, MAPPING_RDP_DEFAULT,
                               MAPPING_RDP_HIGH_FIDELITY, MAPPING_SSH_DEFAULT, MAPPING_UUIDS)
    from sim_apps import AppsArea
    from sim_rbac import RbacArea
    from sim_settings import SettingsArea
    from sim_tokens import ADMIN_TOKEN_IDENTIFIER, ALICE_TOKEN, ALICE_TOKEN_IDENTIFIER, TokensArea

# pylint: disable=consider-using-f-string  # %-formatting matches the rest of the collection

__all__ = (
    "ADMIN_PK", "ALICE_PK", "BOB_PK", "DEFAULT_ADMIN_TOKEN", "ALICE_TOKEN", "ADMIN_TOKEN_IDENTIFIER", "ALICE_TOKEN_IDENTIFIER",
    "FLOW_IMPLICIT", "FLOW_EXPLICIT", "FLOW_AUTHENTICATION", "FLOW_UUIDS",
    "MAPPING_RDP_DEFAULT", "MAPPING_RDP_HIGH_FIDELITY", "MAPPING_SSH_DEFAULT", "MAPPING_UUIDS",
    "AuthentikSimulator", "load_models", "models_import_seconds", "make_self_signed_ca", "start_https", "main",
)


class AuthentikSimulator(TokensArea, AppsArea, RbacArea, SettingsArea):
    """An authentik 2025.12 API server in a background thread: the core with every API area (see the module
    docstring; the arguments are those of ``SimulatorCore``). A new area is one more base class here."""


# --------------------------------------------------------------------------------------------------
# TLS helper


def make_self_signed_ca(tmpdir):
    """Create a CA and a server certificate for 127.0.0.1/localhost with the openssl CLI.

    Returns ``dict(ca=<ca.pem>, cert=<server.pem>, key=<server.key>)`` (paths inside ``tmpdir``).
    """
    tmpdir = str(tmpdir)
    os.makedirs(tmpdir, exist_ok=True)
    paths = {name: os.path.join(tmpdir, name) for name in ("ca.pem", "ca.key", "server.pem", "server.key", "server.csr", "server.ext")}
    with open(paths["server.ext"], "w", encoding="utf-8") as handle:
        handle.write("basicConstraints=critical,CA:FALSE\n"
                     "keyUsage=critical,digitalSignature,keyEncipherment\n"
                     "extendedKeyUsage=serverAuth\n"
                     "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\n"
                     "subjectKeyIdentifier=hash\n"
                     "authorityKeyIdentifier=keyid,issuer\n")
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    commands = [
        ["openssl", "req", "-x509"] + ec + [
            "-keyout", paths["ca.key"], "-out", paths["ca.pem"], "-days", "3650", "-subj", "/CN=authentik simulator test CA",
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"],
        ["openssl", "req"] + ec + ["-keyout", paths["server.key"], "-out", paths["server.csr"], "-subj", "/CN=localhost"],
        ["openssl", "x509", "-req", "-in", paths["server.csr"], "-CA", paths["ca.pem"], "-CAkey", paths["ca.key"],
         "-CAcreateserial", "-out", paths["server.pem"], "-days", "825", "-sha256", "-extfile", paths["server.ext"]],
    ]
    for command in commands:
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=60)
    return {"ca": paths["ca.pem"], "cert": paths["server.pem"], "key": paths["server.key"]}


def start_https(tmpdir, **kwargs):
    """A started HTTPS simulator whose certificate is signed by a new CA: ``.ca`` is that CA's PEM file,
    ``.other_ca`` the PEM file of an unrelated CA (for tests of verification against the wrong CA)."""
    files = make_self_signed_ca(os.path.join(str(tmpdir), "ca"))
    server = AuthentikSimulator(tls=(files["cert"], files["key"]), **kwargs).start()
    server.ca = files["ca"]
    server.other_ca = make_self_signed_ca(os.path.join(str(tmpdir), "other-ca"))["ca"]
    return server


# --------------------------------------------------------------------------------------------------
# command line


def main(argv=None):
    """Run the simulator until SIGTERM/SIGINT."""
    parser = argparse.ArgumentParser(description="authentik 2025.12 API simulator")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--token", default=DEFAULT_ADMIN_TOKEN, help="key of the superuser's API token (and of /_sim/)")
    parser.add_argument("--no-validate", action="store_true", help="skip the authentik_client contract checks")
    parser.add_argument("--require-validate", action="store_true", help="fail when authentik_client cannot be imported")
    parser.add_argument("--tls-dir", help="create a CA (ca.pem) and server certificate there and serve HTTPS")
    parser.add_argument("--ready-file", help="write the URL to this file once listening")
    parser.add_argument("--verbose", action="store_true", help="log every request to stderr")
    args = parser.parse_args(argv)
    validate = False if args.no_validate else ("require" if args.require_validate else True)
    tls = None
    if args.tls_dir:
        files = make_self_signed_ca(args.tls_dir)
        tls = (files["cert"], files["key"])
    sim = AuthentikSimulator(host=args.host, port=args.port, admin_token=args.token, validate=validate, tls=tls,
                             verbose=args.verbose).start()
    stop = threading.Event()

    def on_signal(_signum, _frame):
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    print("authentik simulator listening on %s" % sim.url, flush=True)
    if args.ready_file:
        tmp = args.ready_file + ".tmp"
        with open(tmp, "w", encoding="utf-8") as handle:
            handle.write(sim.url + "\n")
        os.replace(tmp, args.ready_file)
    while not stop.wait(0.5):
        pass
    sim.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
