# Development tasks of the authentik.api collection.
#
# `make test` is the one command CI runs (.ci/run calls it): every gate below, in order, stopping at the
# first failure, with the seconds each gate took. Each gate can also be run on its own.
#
#   make venv            .venv (Python 3.11, ansible-core 2.16, the oldest supported, + all tools) and .venv-3.13
#                        (newest core); rebuilt only when requirements-dev*.txt / requirements.txt change
#   make units           ansible-test units on both venvs, side by side (each output printed whole when it ends);
#                        fails when no unit test ran
#   make sanity          ansible-test sanity on both venvs side by side (2.16 on 3.11, newest core on 3.13); no
#                        ignore files;
#                        needs shellcheck (installed with apt-get when run as root, else the gate stops)
#   make lint            ansible-lint, profile production (.ansible-lint)
#   make changelog-lint  antsibull-changelog lint (fragments and changelogs/changelog.yaml)
#   make integration     scripts/integration.sh (the integration targets against the simulator), once on core 2.16
#                        and once on the newest core, modules in-process (AUTHENTIK_API_TEST_MODES="in-process normal"
#                        adds normal module execution, as for molecule)
#   make system          pytest tests/system (real ansible-playbook runs against the simulator), which proves normal
#                        module execution: every module in both modes, results compared, secret scan in both
#   make molecule        scripts/molecule.sh (molecule scenarios in extensions/molecule/)
#   make docs            scripts/docs.sh (antsibull-docs lint + the docs site)
#   make build-check     scripts/build-check.sh (build the collection tarball and check what it packs)
#   make server-build    build (or reuse) the real authentik of test-real, then stop it (make test runs it in the
#                        background while the first gates run)
#   make test-real       scripts/real-server-gate.sh: parity suite, integration targets, molecule, demo and
#                        reliability tests against a real authentik 2025.12.4 it builds and starts itself
#                        (skipped with one line when no authentik source is available)
#   make demo            scripts/demo.sh (the example playbooks against the simulator, or AUTHENTIK_URL's server);
#                        needs only python3 >= 3.11 (builds .venv-demo: ansible-core and requests)
#   make demo-clean      remove what the demo made (on the server in AUTHENTIK_URL/AUTHENTIK_TOKEN)
#   make install         build the collection tarball and install it into your collections path
#                        (~/.ansible/collections, or COLLECTIONS_PATH=DIR), for your own playbooks
#   make clean           remove test output and caches (keeps the venvs; `make distclean` removes them too)

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

VENV      := .venv
VENV_313  := .venv-3.13
VENV_DEMO := .venv-demo
AT        := scripts/ansible-test.sh

# Gates of `make test`, in order. integration, molecule, docs and build-check only when their script
# exists; system only when tests/system/ exists.
optional = $(if $(wildcard scripts/$(1).sh),$(1))
# server-build (the real authentik of test-real, built once and cached) runs in the background from the start: on a
# new machine it downloads and compiles for about 8 minutes while the first gates run.
GATES := bg:server-build venv units sanity lint changelog-lint $(call optional,integration) \
         $(if $(wildcard tests/system/conftest.py),system) $(call optional,molecule) \
         $(call optional,docs) $(call optional,build-check) join:server-build test-real

.PHONY: help venv demo test units units-3.11 units-3.13 sanity sanity-3.11 sanity-3.13 no-ignore-files \
        lint changelog-lint integration system molecule docs build-check test-real server-build demo-clean clean distclean \
        install shellcheck

help:
	@sed -n '3,33p' Makefile | sed 's/^# \{0,1\}//'

venv:
	scripts/venv.sh 3.11 3.13

test:
	@MAKE="$(MAKE)" scripts/gates.sh $(GATES)

units: venv
	rm -rf tests/output/junit
	$(MAKE) --no-print-directory -j2 -Otarget units-3.11 units-3.13
	$(VENV)/bin/python scripts/units_summary.py --require 3.11 --require 3.13

units-3.11:
	$(AT) $(VENV) units --python 3.11

units-3.13:
	$(AT) $(VENV_313) units --python 3.13

no-ignore-files:
	@if ls tests/sanity/ignore-*.txt >/dev/null 2>&1; then \
	  echo "ERROR: sanity ignore files are not allowed: $$(ls tests/sanity/ignore-*.txt | tr '\n' ' ')" >&2; exit 1; fi

# ansible-test skips its shell script check (with a warning only) when shellcheck is missing.
shellcheck:
	@command -v shellcheck >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "shellcheck: installing it with apt-get (the shellcheck sanity test needs it)"; \
	    DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends shellcheck >/dev/null; \
	  else \
	    echo "ERROR: the sanity gate needs the shellcheck program (ansible-test's shell script check);" \
	         "install it (Debian/Ubuntu: sudo apt-get install shellcheck) or run make as root" >&2; exit 1; \
	  fi; }

sanity: venv no-ignore-files shellcheck
	$(MAKE) --no-print-directory -j2 -Otarget sanity-3.11 sanity-3.13

sanity-3.11: no-ignore-files shellcheck
	$(AT) $(VENV) sanity --venv --python 3.11

sanity-3.13: no-ignore-files shellcheck
	$(AT) $(VENV_313) sanity --venv --python 3.13

lint: venv
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(VENV)/bin/ansible-lint --config-file .ansible-lint

changelog-lint: venv
	$(VENV)/bin/antsibull-changelog lint
	$(VENV)/bin/antsibull-changelog lint-changelog-yaml changelogs/changelog.yaml

# pytest exits 5 when it collected no test: that fails the gate too. One run, modules in-process (the default); the
# tests that depend on the mode run both themselves (tests/system/test_in_process.py, the secret scan).
system: venv
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(VENV)/bin/python -m pytest -p no:cacheprovider -r a --durations=8 tests/system

# The integration targets once per core, in-process (the default for users): the oldest (.venv, ansible-core 2.16)
# and the newest (.venv-3.13). Normal module execution is proven by make system (every module in both modes, their
# results compared, the secret scan in both); AUTHENTIK_API_TEST_MODES="in-process normal" runs both here too.
integration: venv
	AUTHENTIK_API_TEST_MODES="$${AUTHENTIK_API_TEST_MODES:-in-process}" bash scripts/integration.sh $(VENV)
	AUTHENTIK_API_TEST_MODES="$${AUTHENTIK_API_TEST_MODES:-in-process}" bash scripts/integration.sh $(VENV_313)

# Scripts written elsewhere; each target runs its script when it exists.
molecule docs build-check: venv
	@if [ -f scripts/$@.sh ]; then bash scripts/$@.sh; \
	 else echo "$@: scripts/$@.sh does not exist yet: nothing to run"; fi

# The demo builds only its own small venv, with whatever python3 >= 3.11 there is.
demo:
	scripts/venv.sh demo
	SIM_ENV_FOR=demo PYTHON=$(VENV_DEMO)/bin/python bash scripts/demo.sh

demo-clean:
	scripts/venv.sh demo
	SIM_ENV_FOR=demo PYTHON=$(VENV_DEMO)/bin/python bash scripts/demo.sh clean

install:
	scripts/venv.sh demo
	PYTHON=$(VENV_DEMO)/bin/python bash scripts/install.sh $(COLLECTIONS_PATH)

test-real: venv
	bash scripts/real-server-gate.sh

# Build (or reuse) the real server and stop it again; test-real starts it. Skipped, with the reason, without a source.
server-build:
	@if why=$$(scripts/authentik-server.sh available); then \
	  scripts/authentik-server.sh build && scripts/authentik-server.sh stop; \
	else echo "server-build: skipped: $$why"; fi

clean:
	rm -rf tests/output .ansible .pytest_cache changelogs/.plugin-cache.yaml
	find . -path ./.venv -prune -o -path ./.venv-3.13 -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) $(VENV_313) $(VENV_DEMO)
