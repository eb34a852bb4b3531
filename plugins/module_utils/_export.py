# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Export: a live authentik setup as the tasks of this collection that describe it (``authentik.api.export_info``).

PRIVATE to the authentik.api collection: the leading underscore means this is not a public API. A layer of the
desired-state engine: ``ensure`` makes an object match a task, ``export`` writes the task an object matches.

A kind of object is declared by an ``Export`` (its module, its list URL, its identity and the options it exports, each
an ``Out``). Every kind is listed once, all pages (requests grow with pages, not with objects); references are written
with the name, slug or managed id of the object they point at (a ``Target``, listed once too), never with a primary key,
which differs between servers. Values equal to authentik's defaults are left out, objects that authentik manages are
left out (and listed in ``left_out``), secrets become ``{{ variable }}`` placeholders whose names are returned (never a
value), and the tasks come in an order that applies on an empty server (what is referred to comes first), sorted by
kind and identity, so that two exports of the same server are equal.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.authentik.api.plugins.module_utils._client import AuthentikError
from ansible_collections.authentik.api.plugins.module_utils._kinds import Kind

COLLECTION = "authentik.api"
MISSING = object()
_JINJA_MARKERS = re.compile(r"\{\{|\{%|\{#")


class Target:
    """What a reference points at: the objects listed at ``path`` (``params``: fixed query parameters), keyed by their
    ``key`` field, written in a task as ``name(obj)``. ``kind``: the module exporting such objects, for ``dependencies``
    (None for objects this collection only refers to: flows, policies, service connections). ``unique``: the field
    whose value must be unique for the name to find the object again (a name shared by two objects is written as the
    primary key, with a warning)."""

    def __init__(self, what, path, name, key="pk", params=None, kind=None, unique=None):
        self.what = what
        self.path = path
        self.name = name
        self.key = key
        self.params = params or {}
        self.kind = kind
        self.unique = unique


class Out:
    """One option of an exported task: the API field ``api`` (the option's own name by default) of the object, or
    ``value(exporter, obj)`` for a value computed from the object. ``ref``: a ``Target`` (a list of them when ``many``)
    whose name is written instead of the primary key. ``default``: authentik's value for an object made without the
    option (the option is then left out); ``kind`` compares it (durations, sets). ``secret_keys(key)``: the keys of a
    dictionary whose values are secrets (see ``Export.secret`` for a secret of the object itself)."""

    def __init__(self, option, api=None, ref=None, many=False, default=MISSING, kind=Kind.RAW, secret_keys=None,
                 value=None):
        self.option = option
        self.api = api or option
        self.ref = ref
        self.many = many
        self.default = default
        self.kind = kind
        self.secret_keys = secret_keys
        self.value = value


class Export:
    """A kind of object that export_info writes tasks for.

    ``module`` (its module name), ``what`` (for task names and messages), ``path`` and ``params`` (its listing),
    ``ident``: the options that identify an object in a task (written first, never left out), ``outs``: the other
    options. ``skip(exporter, obj)``: why an object is not exported (authentik manages it), or None. ``secret``: ``(option,
    suffix)`` of a secret that the API never shows (a token's key, a user's password): the task sets it from a variable
    only when that variable is defined. ``match(obj)``: the names ``match`` selects an object by. ``belongs``: ``(kind,
    owners(exporter, obj))`` pairs: an object of ``kind`` whose ``owners`` include the primary key of an object that
    ``match`` selects (or that belongs to one) belongs to it and is exported with it (a provider's endpoints).
    ``after``: options written in a second task at the end, when every object they may refer to exists (a role's object
    permissions). ``task(exporter, obj)``: ``(name, arguments)`` of the task when its identity is not a list of options
    (a policy binding), None to leave the object out; ``needs(exporter, obj)``: ``(kind, primary key)`` of what such an
    object refers to beside its ``outs``. ``singleton``: one object at ``path`` itself (the system settings)."""

    def __init__(self, module, what, path, ident=(), outs=(), params=None, skip=None, secret=None, match=None,
                 belongs=(), after=(), task=None, needs=None, singleton=False, key="pk"):
        self.module = module
        self.what = what
        self.path = path
        self.params = params or {}
        self.ident = tuple(ident)
        self.outs = tuple(outs)
        self.skip = skip
        self.secret = secret
        self.match = match
        self.belongs = tuple(belongs)
        self.after = tuple(after)
        self.task = task
        self.needs = needs
        self.singleton = singleton
        self.key = key


def var_part(text):
    """``text`` as a part of an Ansible variable name: lower case letters, digits and single underscores."""
    return re.sub(r"_+", "_", re.sub(r"[^a-z0-9]", "_", str(text).lower())).strip("_") or "x"


def _jinja_literal(value, variables):
    """``value`` as a Jinja literal; ``variables`` maps id() of a placeholder string to the variable it stands for."""
    if id(value) in variables:
        return variables[id(value)]
    if isinstance(value, dict):
        return "{%s}" % ", ".join("%s: %s" % (_jinja_literal(str(key), variables), _jinja_literal(value[key], variables))
                                  for key in sorted(value, key=str))
    if isinstance(value, (list, tuple)):
        return "[%s]" % ", ".join(_jinja_literal(item, variables) for item in value)
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    return repr(str(value))


def literal(value):
    """A value that Ansible passes on as it is: a string with Jinja markers (``{{``, ``{%``) is wrapped in a raw block,
    since a task's arguments are templated (an expression of a property mapping may contain them)."""
    if isinstance(value, str) and _JINJA_MARKERS.search(value):
        return "{%% raw %%}%s{%% endraw %%}" % value
    if isinstance(value, dict):
        return dict((key, literal(item)) for key, item in value.items())
    if isinstance(value, list):
        return [literal(item) for item in value]
    return value


class Exporter:
    """One export: the listings (each path read once), the selection, the tasks."""

    def __init__(self, module, exports, order):
        self.module = module
        self.client = module.client
        self.exports = dict((exp.module, exp) for exp in exports)
        self.order = order  # module names in the order their tasks apply on an empty server
        self._listings = {}
        self.cache = {}  # what declarations read beside the listings (a role's permissions), once per export
        self.secrets = set()
        self.left_out = []
        self.warnings = []

    # ---------------------------------------------------------------- reading

    def listing(self, path, params=None):
        """Every object at ``path`` (all pages, read once per export)."""
        key = (path, tuple(sorted((params or {}).items())))
        if key not in self._listings:
            self._listings[key] = self.client.list(path, params=params)
        return self._listings[key]

    def fetch(self, path):
        """One GET of ``path``, read once per export."""
        if ("GET", path) not in self.cache:
            self.cache[("GET", path)] = self.client.get(path)
        return self.cache[("GET", path)]

    def objects(self, kind):
        exp = self.exports[kind]
        if exp.singleton:
            return [self.client.get(exp.path)]
        return self.listing(exp.path, exp.params)

    def by_key(self, target):
        key = (target.path, target.key, tuple(sorted(target.params.items())))
        index = self._listings.get(("index",) + key)
        if index is None:
            index = dict((str(obj.get(target.key)), obj) for obj in self.listing(target.path, target.params))
            self._listings[("index",) + key] = index
        return index

    def name_of(self, target, pk):
        """What a task writes for the object ``pk`` of ``target``: its name (its primary key when the name is not
        unique or the object is gone, with a warning)."""
        obj = self.by_key(target).get(str(pk))
        if obj is None:
            self.warnings.append("%s %s is referred to but was not found; the task names it by its primary key" % (target.what, pk))
            return pk
        name = target.name(obj)
        if target.unique:
            same = [other for other in self.by_key(target).values() if target.name(other) == name]
            if len(same) > 1:
                self.warnings.append("%d %ss are named %r; the tasks name %s by its primary key, which differs between "
                                     "servers (rename one of them)" % (len(same), target.what, name, pk))
                return pk
        return name

    # ---------------------------------------------------------------- selection

    def select(self, kinds, match, dependencies):
        """``{kind: [objects]}``: every object of ``kinds``, or those ``match`` names, with what they need and what
        belongs to them."""
        live = {}
        for kind in self.order:
            if kind not in kinds:
                continue
            exp = self.exports[kind]
            for obj in self.objects(kind):
                why = exp.skip(self, obj) if exp.skip else None
                if why:
                    self.left_out.append("%s %s: %s" % (exp.module, self._label(exp, obj), why))
                    continue
                live.setdefault(kind, []).append(obj)
        if not match:
            return live
        chosen = {}
        owned = set()  # (kind, key) of the objects whose belongings were added (one reached first as a dependency is
        # still an owner when a match or its owner reaches it later)
        todo = []
        for kind, names in sorted(match.items()):
            exp = self.exports[kind]
            for name in names:
                found = [obj for obj in live.get(kind, []) if str(name) in exp.match(obj)]
                if not found:
                    raise AuthentikError("match: %s: no %s %r found%s" % (
                        kind, exp.what, name, "" if kind in kinds else " (%s is not in kinds)" % kind), sent=False)
                todo.extend((kind, obj, True) for obj in found)
        while todo:
            kind, obj, owner = todo.pop()
            key = str(obj.get(self.exports[kind].key))
            if key in chosen.setdefault(kind, {}) and (not owner or (kind, key) in owned):
                continue
            chosen[kind][key] = obj
            if owner:
                owned.add((kind, key))
            if not dependencies:
                continue
            for need_kind, pk in self._needs(kind, obj):
                todo.extend((need_kind, other, False) for other in live.get(need_kind, [])
                            if str(other.get(self.exports[need_kind].key)) == str(pk) and str(pk) not in chosen.get(need_kind, {}))
            if owner:
                for part_kind, owners in self.exports[kind].belongs:
                    for part in live.get(part_kind, []):
                        if key in [str(pk) for pk in owners(self, part)] and \
                                (part_kind, str(part.get(self.exports[part_kind].key))) not in owned:
                            todo.append((part_kind, part, True))
        return dict((kind, list(objs.values())) for kind, objs in chosen.items())

    def _needs(self, kind, obj):
        """(kind, primary key) of every object of an exported kind that ``obj`` refers to."""
        exp = self.exports[kind]
        out = []
        for spec in exp.outs:
            if spec.ref is None or spec.ref.kind is None:
                continue
            value = spec.value(self, obj) if spec.value else obj.get(spec.api)
            out.extend((spec.ref.kind, pk) for pk in (value if isinstance(value, list) else [value]) if pk is not None)
        if exp.needs is not None:
            out.extend(exp.needs(self, obj))
        return out

    # ---------------------------------------------------------------- writing

    def _label(self, exp, obj):
        if exp.singleton:
            return ""
        names = exp.match(obj) if exp.match else [str(obj.get(exp.key))]
        return repr(names[0])

    def value(self, exp, spec, obj):
        """The value of one option for ``obj`` (references named), or MISSING when it equals authentik's default."""
        value = spec.value(self, obj) if spec.value else obj.get(spec.api)
        if spec.default is not MISSING and Kind.canon(spec.kind, value) == Kind.canon(spec.kind, spec.default):
            return MISSING
        if spec.ref is not None and value is not None:
            if spec.many:
                value = sorted((self.name_of(spec.ref, pk) for pk in value), key=str)
            else:
                value = self.name_of(spec.ref, value)
        return value

    def args(self, exp, obj, ident_args):
        """The arguments of the task for ``obj``: its identity, then every option that differs from the default."""
        args = dict(ident_args)
        for spec in exp.outs:
            if spec.option in args or spec.option in exp.after:
                continue
            value = self.value(exp, spec, obj)
            if value is MISSING:
                continue
            if spec.secret_keys is not None:
                value = self._placeholders(exp, args, spec, value)
            args[spec.option] = literal(value) if not isinstance(value, _Template) else str(value)
        if exp.secret is not None:
            option, suffix = exp.secret
            name = self.variable(exp, args, suffix)
            args[option] = "{{ %s | default(omit) }}" % name
        return args

    def variable(self, exp, args, *parts):
        """The name of the variable holding a secret of the object that ``args`` identify (returned in ``secrets``)."""
        ident = [args[name] for name in exp.ident if name in args] or [exp.module]
        name = "authentik_%s" % "_".join(var_part(part) for part in [exp.module] + list(reversed(ident)) + list(parts))
        self.secrets.add(name)
        return name

    def _placeholders(self, exp, args, spec, value):
        """A dictionary with secrets: a template that gives the dictionary with each secret from its variable when they
        are all defined, else leaves the option out (the secrets on the server are kept)."""
        if not isinstance(value, dict):
            return value
        variables = {}
        names = []

        def walk(item, path):
            if not isinstance(item, dict):
                return item
            out = {}
            for key, inner in item.items():
                if spec.secret_keys(str(key)) and inner not in (None, ""):
                    name = self.variable(exp, args, spec.option, *(path + [key]))
                    stand_in = _Template(name)
                    variables[id(stand_in)] = name
                    names.append(name)
                    out[key] = stand_in
                else:
                    out[key] = walk(inner, path + [key])
            return out

        masked = walk(value, [])
        if not names:
            return value
        return _Template("{{ %s if %s else omit }}" % (
            _jinja_literal(masked, variables), " and ".join("%s is defined" % name for name in sorted(names))))

    def export(self, kinds, match, dependencies):
        """``tasks``, ``secrets`` (variable names), ``left_out``, ``warnings`` and ``counts`` of an export."""
        selected = self.select(kinds, match, dependencies)
        tasks, later = [], []
        counts = {}
        for kind in self.order:
            if kind not in kinds or not selected.get(kind):
                continue
            exp = self.exports[kind]
            rows = []
            for obj in selected[kind]:
                if exp.task is not None:
                    made = exp.task(self, obj)
                    if made is None:
                        continue
                    label, args = made
                else:
                    args = self.args(exp, obj, dict((name, self.value(exp, _ident_out(exp, name), obj)) for name in exp.ident))
                    if exp.singleton and not args:
                        continue  # nothing differs from authentik's defaults
                    label = _task_name(exp, args)
                rows.append((label, args, obj))
            rows.sort(key=lambda row: (row[0], repr(sorted(row[1].items(), key=lambda kv: kv[0]))))
            for label, args, obj in self._parents_first(exp, rows):
                tasks.append(_task(exp, label, args))
                counts[kind] = counts.get(kind, 0) + 1
                rest = dict((name, args[name]) for name in exp.ident)
                for spec in exp.outs:
                    if spec.option in exp.after:
                        value = self.value(exp, spec, obj)
                        if value is not MISSING:
                            rest[spec.option] = literal(value)
                if len(rest) > len(exp.ident):
                    later.append(_task(exp, "%s: %s" % (label, ", ".join(exp.after)), rest))
        return dict(tasks=tasks + later, secrets=sorted(self.secrets), left_out=sorted(self.left_out),
                    warnings=sorted(set(self.warnings)), counts=counts)

    def _parents_first(self, exp, rows):
        """``rows`` (sorted) reordered so that an object comes after the objects of its own kind it refers to (a group
        after its parents); a cycle keeps the sorted order, with a warning."""
        own = [spec for spec in exp.outs if spec.ref is not None and spec.ref.kind == exp.module]
        if not own or len(exp.ident) != 1:
            return rows
        ident = exp.ident[0]
        names = set(row[1].get(ident) for row in rows)
        done, out, pending = set(), [], list(rows)
        while pending:
            ready = [row for row in pending if all(
                parent in done or parent not in names for spec in own for parent in _as_list(row[1].get(spec.option)))]
            if not ready:
                self.warnings.append("%ss %s refer to each other in a cycle; their tasks keep alphabetical order" % (
                    exp.what, ", ".join(repr(row[1].get(ident)) for row in pending)))
                ready = pending
            for row in ready:
                done.add(row[1].get(ident))
                out.append(row)
            pending = [row for row in pending if row not in ready]
        return out


def _as_list(value):
    return value if isinstance(value, list) else [] if value is None else [value]


class _Template(str):
    """A task value that is a Jinja template written by the exporter (not wrapped as a literal)."""


def _ident_out(exp, name):
    for spec in exp.outs:
        if spec.option == name:
            return spec
    return Out(name)


def _task_name(exp, args):
    if exp.singleton:
        return exp.what
    return "%s %s" % (exp.what, " of ".join(repr(args[name]) for name in exp.ident if name in args))


def _task(exp, label, args):
    return {"name": label, "%s.%s" % (COLLECTION, exp.module): args}
