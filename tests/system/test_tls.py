# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""TLS at playbook level: real ansible-playbook runs against the simulator served over HTTPS with a
certificate from a self-signed CA.

- default verification fails with one clear line that says what to do (ca_path or validate_certs);
- ``ca_path`` pointing at the CA makes it pass, with no warning;
- ``validate_certs: false`` works and Ansible prints the collection's warning;
- ``AUTHENTIK_INSECURE=true`` in the environment works the same way, and ``validate_certs: true`` wins over it.

``REQUESTS_CA_BUNDLE``/``CURL_CA_BUNDLE`` are emptied for these runs (many machines set them, this one too):
requests would let them override ``ca_path`` and ``validate_certs: false``; the last test shows the client's
per-request ``verify`` wins over them.
"""

from __future__ import annotations

import pytest

from authentik_sim import start_https  # conftest puts tests/simulator on sys.path

ADMIN_TOKEN = "sim-admin-token"
WARNING = "TLS certificate verification is disabled"
NO_CA_BUNDLE = {"REQUESTS_CA_BUNDLE": "", "CURL_CA_BUNDLE": "", "AUTHENTIK_INSECURE": ""}

PLAY = """
- name: TLS against an authentik with a private CA
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Default verification (the CA is unknown)
      authentik.api.core_token:
        identifier: tls-default
        retries: 0
      register: default_verification
      ignore_errors: true

    - name: Verification with ca_path
      authentik.api.core_token:
        identifier: tls-ca-path
        ca_path: "{{ ca }}"
        expiring: false
      register: with_ca_path

    - name: No verification
      authentik.api.core_token:
        identifier: tls-insecure
        validate_certs: false
        expiring: false
      register: insecure

    - name: Check the three outcomes
      ansible.builtin.assert:
        that:
          - default_verification is failed
          - "default_verification.msg is search('^GET /api/v3/core/tokens/.*TLS verification of https://')"
          - "'set ca_path' in default_verification.msg"
          - with_ca_path is changed
          - insecure is changed
"""

ENV_PLAY = """
- name: TLS settings from the environment
  hosts: localhost
  gather_facts: false
  tasks:
    - name: No validate_certs option (AUTHENTIK_INSECURE decides)
      authentik.api.core_token:
        identifier: tls-env
        expiring: false
      register: from_env

    - name: validate_certs true wins over AUTHENTIK_INSECURE
      authentik.api.core_token:
        identifier: tls-env-strict
        validate_certs: true
        retries: 0
      register: strict
      ignore_errors: true

    - name: Check both
      ansible.builtin.assert:
        that:
          - from_env is changed
          - strict is failed
          - "'TLS verification of' in strict.msg"
"""


@pytest.fixture(scope="module")
def https_server(tmp_path_factory):
    server = start_https(tmp_path_factory.mktemp("tls"), admin_token=ADMIN_TOKEN, validate="require")
    yield server
    server.stop()


@pytest.fixture
def https(https_server):
    with https_server.fresh() as fresh:
        yield fresh


def test_verification_ca_path_and_validate_certs(https, playbook):
    env = dict(NO_CA_BUNDLE, AUTHENTIK_URL=https.url)
    run = playbook(PLAY, "-e", "ca=%s" % https.ca, env=env)
    assert run.rc == 0, run.output[-4000:]
    assert run.recap() == dict(run.recap(), failed=0, ignored=1)
    assert https.get_token("tls-ca-path") is not None and https.get_token("tls-insecure") is not None
    assert https.get_token("tls-default") is None
    assert run.output.count(WARNING) == 1, "one warning, for the task with validate_certs: false"
    assert "Traceback" not in run.output and ADMIN_TOKEN not in run.output


@pytest.mark.parametrize("value", ["true", "yes", "1"])
def test_authentik_insecure_environment_variable(https, playbook, value):
    env = dict(NO_CA_BUNDLE, AUTHENTIK_URL=https.url, AUTHENTIK_INSECURE=value)
    run = playbook(ENV_PLAY, env=env)
    assert run.rc == 0, run.output[-4000:]
    assert https.get_token("tls-env") is not None and https.get_token("tls-env-strict") is None
    assert run.output.count(WARNING) == 1, "one warning, for the task that relied on AUTHENTIK_INSECURE"


def test_ca_path_and_validate_certs_win_over_a_ca_bundle_in_the_environment(https, playbook):
    env = dict(NO_CA_BUNDLE, AUTHENTIK_URL=https.url, REQUESTS_CA_BUNDLE=https.other_ca)
    run = playbook(PLAY, "-e", "ca=%s" % https.ca, env=env)
    assert run.rc == 0, run.output[-4000:]
