# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The module tables of the first pages a user reads list every module of ``plugins/modules/``, and nothing else:

- README.md: the table whose header is ``| module | manages |`` (one row per module: ``| `authentik.api.X` | ... |``);
- docs/docsite/rst/getting_started.rst: the list before its first section (``- :ansplugin:`authentik.api.X#module`: ...``).

A pure check of the files (no playbook, no simulator), run by ``make system``."""

from __future__ import annotations

import os
import re

import pytest

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
README = "README.md"
GETTING_STARTED = os.path.join("docs", "docsite", "rst", "getting_started.rst")

_README_ROW = re.compile(r"^\|\s*`authentik\.api\.(\w+)`\s*\|\s*(.*?)\s*\|\s*$")
_RST_ITEM = re.compile(r"^- :ansplugin:`authentik\.api\.(\w+)#module`:\s*(.*)$")


def collection_modules():
    """The modules of plugins/modules/ (file names without .py), sorted."""
    return sorted(name[:-3] for name in os.listdir(os.path.join(REPO, "plugins", "modules"))
                  if name.endswith(".py") and not name.startswith("_"))


def readme_table(text):
    """{module: what the row says} of README's module table (header ``| module | manages |``); empty without it."""
    rows, lines = {}, text.splitlines()
    for index, line in enumerate(lines):
        if re.match(r"^\|\s*module\s*\|\s*manages\s*\|\s*$", line):
            for row in lines[index + 2:]:  # after the header and its | --- | line
                if not row.startswith("|"):
                    break
                match = _README_ROW.match(row)
                assert match, "%s: a row of the module table that names no module: %r" % (README, row)
                rows[match.group(1)] = match.group(2)
            break
    return rows


def getting_started_list(text):
    """{module: what the item says} of the module list of getting_started.rst: the ``- :ansplugin:`` items before
    the first section heading (continuation lines of an item are indented)."""
    items, current = {}, None
    lines = text.splitlines()
    for index, line in enumerate(lines):
        if index + 1 < len(lines) and index > 3 and re.match(r"^-{3,}$", lines[index + 1]) and line.strip():
            break  # the first section after the title: the list is above it
        match = _RST_ITEM.match(line)
        if match:
            current = match.group(1)
            items[current] = match.group(2)
        elif current and line.startswith("  ") and line.strip():
            items[current] += " " + line.strip()
        else:
            current = None
    return items


TABLES = [(README, readme_table), (GETTING_STARTED, getting_started_list)]


def problems(name, listed, modules):
    """What is wrong with the module table of ``name``: each module missing (named with its file), each listed module
    that plugins/modules/ does not have, each row that says nothing."""
    out = ["%s: the module table lacks authentik.api.%s (plugins/modules/%s.py)" % (name, module, module)
           for module in modules if module not in listed]
    out += ["%s: the module table lists authentik.api.%s, which is not in plugins/modules/" % (name, module)
            for module in sorted(listed) if module not in modules]
    out += ["%s: the row of authentik.api.%s says nothing" % (name, module)
            for module, text in sorted(listed.items()) if len(text.strip(" ;.|")) < 10]
    return out


@pytest.mark.parametrize("name, parse", TABLES, ids=[name for name, _parse in TABLES])
def test_module_table_lists_every_module(name, parse):
    with open(os.path.join(REPO, name), encoding="utf-8") as handle:
        listed = parse(handle.read())
    modules = collection_modules()
    assert len(modules) >= 9, modules
    assert listed, "%s: no module table found" % name
    found = problems(name, listed, modules)
    assert not found, "\n".join(found)


@pytest.mark.parametrize("name, parse", TABLES, ids=[name for name, _parse in TABLES])
def test_a_missing_row_is_reported_with_module_and_file(name, parse):
    """The check fails when a row goes: the real file with one module's row removed."""
    with open(os.path.join(REPO, name), encoding="utf-8") as handle:
        text = handle.read()
    modules = collection_modules()
    for module in ("outpost", "core_token"):
        pattern = (r"^\| `authentik\.api\.%s` \|.*\n" if name == README else
                   r"^- :ansplugin:`authentik\.api\.%s#module`:.*\n(?:  .*\n)*") % module
        cut, count = re.subn(pattern, "", text, flags=re.M)
        assert count == 1, "%s: no row of %s to remove" % (name, module)
        expected = "%s: the module table lacks authentik.api.%s (plugins/modules/%s.py)" % (name, module, module)
        assert expected in problems(name, parse(cut), modules)
