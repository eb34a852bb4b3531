# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Declarations of the authentik.api engine: ``Resource`` (what a module manages), ``Field`` (one option, its kind,
its reference, its rules), ``Ref`` (a reference to another object by name or key, with check mode's assumptions and
plan) and ``Secret``.

PRIVATE to the authentik.api collection: the leading underscore means this is not a public API. A layer of the
desired-state engine (``_engine.py``, which re-exports these names); the only requests made here are the lookups of
references.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.authentik.api.plugins.module_utils._shared import current as loop_share
from ansible_collections.authentik.api.plugins.module_utils._client import AuthentikError
from ansible_collections.authentik.api.plugins.module_utils._kinds import (
    Kind,
    Predicted,
    _leaves,
    _short,
    is_uuid,
    mask_secrets,
    predicted,
)


class Ref:
    """A reference to another authentik object, given by its primary key or by a name.

    A value that already has the shape of the primary key (a UUID, an integer) costs no request.
    Otherwise each filter in ``by`` is tried in turn (``order(value)`` may reorder them) until one
    finds the object: ``direct`` GETs ``path/<value>/`` instead (flows by slug). ``exact`` names the
    field that must equal the value (for case-insensitive filters, and against a filter the server
    ignores), or maps each filter to its field, ``scope`` maps query parameters
    to fields already resolved (an endpoint name within its provider), ``params`` are fixed query
    parameters, ``label(obj)`` describes a candidate in an ambiguity message. ``search=True`` also sends the
    looked-up name as ``search`` (see ``Resource``: authentik 2025.12.4 serves RAC endpoints to a non-superuser
    from a cache that ignores the name filter unless the request has ``search``).

    In check mode a name that matches nothing may be an object that an earlier task of the same play creates, which
    check mode did not really run. The reference becomes a ``Predicted`` value and the assumption is noted on the
    module (``_authentik_assumed``, with the error a real run would give): the action plugin keeps it only when an
    earlier task of the play planned that object, and fails the task otherwise (see ``plan_covers``). Outside check
    mode it is an error (``MissingReference``). A reference scoped to a predicted object is predicted too, unrequested.
    With ``missing_ok`` (a delete, or an item to remove from a set), a name that matches nothing is None: what does
    not exist needs no removing.
    """

    def __init__(self, what, path, by=(), pk="pk", pk_kind=Kind.UUID, direct=False, exact=None, scope=None,
                 params=None, order=None, label=None, search=False):
        self.what = what
        self.search = search
        self.path = path
        self.by = tuple(by)
        self.pk = pk
        self.pk_kind = pk_kind
        self.direct = direct
        self.exact = exact
        self.scope = scope or {}
        self.params = params or {}
        self.order = order
        self.label = label or (lambda obj: str(obj.get(self.pk)))

    def is_pk(self, value):
        if self.pk_kind == Kind.INT:
            return isinstance(value, int) and not isinstance(value, bool) or (isinstance(value, str) and value.strip().isdigit())
        return is_uuid(value)

    def resolve(self, module, option, value, resolved, missing_ok=False):
        """The primary key for ``value``; ``MissingReference`` naming the option when nothing matches (None with
        ``missing_ok``)."""
        if self.is_pk(value):
            return Kind.to_api(self.pk_kind, value)
        value = str(value).strip()
        if not value:
            raise AuthentikError("%s: an empty string is not a %s" % (option, self.what), sent=False)
        cache = getattr(module, "_authentik_ref_cache", None)
        if cache is None:
            share = None if module.check_mode else loop_share()  # check mode's predictions stay with their item
            cache = {} if share is None else share.refs.setdefault(share.credentials(module.client), {})
            setattr(module, "_authentik_ref_cache", cache)
        scope = dict((param, resolved.get(field)) for param, field in self.scope.items() if resolved.get(field) is not None)
        key = (self.path, value, tuple(sorted(scope.items())))
        if key not in cache:
            if any(isinstance(v, Predicted) for v in scope.values()):
                if missing_ok:
                    return None
                cache[key] = self._predict(module, option, value, scope, None)
            else:
                try:
                    cache[key] = self._lookup(module, option, value, scope)
                except _NotFound as exc:
                    if missing_ok:
                        return None
                    if not module.check_mode or getattr(module, "_authentik_removing", False):
                        raise MissingReference(str(exc), sent=False)
                    cache[key] = self._predict(module, option, value, scope, str(exc))
        if missing_ok and isinstance(cache[key], Predicted):
            return None
        return cache[key]

    def _predict(self, module, option, value, scope, message):
        assumed = getattr(module, "_authentik_assumed", None)
        if assumed is None:
            assumed = []
            setattr(module, "_authentik_assumed", assumed)
        assumed.append(dict(path=self.path, fields=self.plan_fields(), value=value,
                            scope=dict((param, str(item)) for param, item in scope.items()),
                            msg=message or "%s: no %s %r found" % (option, self.what, value)))
        return Predicted(self.what, value)

    def plan_fields(self):
        """The fields of an object that this reference matches a name against (for check mode's plan)."""
        names = set(name.split("__")[0] for name in self.by if name != "search")
        names.update(self.exact.values() if isinstance(self.exact, dict) else [self.exact] if self.exact else [])
        if self.direct:
            names.add("slug")  # flows and applications are addressed by their slug
        return sorted(names)

    def _lookup(self, module, option, value, scope):
        client = module.client
        if self.direct:
            obj = client.get_or_none(client.item_path(self.path, value))
            if obj is not None:
                _remember(module, self, obj)
                return obj[self.pk]
        filters = self.order(value) if self.order else self.by
        for name in filters:
            params = dict(self.params)
            params.update(scope)
            params[name] = value
            if self.search:
                params["search"] = value
            params.setdefault("page_size", 20)
            try:
                found = client.get(self.path, params=params).get("results", [])
            except AuthentikError as exc:
                # A choice filter (django-filter's AllValuesMultipleFilter, such as managed) answers 400 "Select a
                # valid choice" for a value that no object has: for a reference, that is "not found" too.
                if exc.status == 400 and exc.field_messages(name):
                    continue
                raise
            exact = self.exact.get(name) if isinstance(self.exact, dict) else self.exact
            if exact:
                found = [obj for obj in found if obj.get(exact) == value]
            if len(found) == 1:
                _remember(module, self, found[0])
                return found[0][self.pk]
            if len(found) > 1:
                raise AuthentikError("%s: %r matches %d %ss (%s); give its %s instead%s" % (
                    option, value, len(found), self.what, ", ".join(self.label(obj) for obj in found[:5]),
                    "UUID" if self.pk_kind == Kind.UUID else "pk",
                    "" if not self.scope or scope else " or narrow it with %s" % ", ".join(sorted(set(self.scope.values())))),
                    sent=False)
        where = " in %s" % ", ".join("%s %s" % kv for kv in sorted(scope.items())) if scope else ""
        raise _NotFound("%s: no %s %r found%s" % (option, self.what, value, where))


def _remember(module, ref, obj):
    objects = getattr(module, "_authentik_ref_objects", None)
    if objects is None:
        objects = {}
        setattr(module, "_authentik_ref_objects", objects)
    objects[(ref.path, str(obj.get(ref.pk)))] = obj


def ref_object(module, ref, key):
    """The object ``ref`` resolved to ``key``: kept from its lookup by name, else one GET (None when it is gone)."""
    obj = getattr(module, "_authentik_ref_objects", {}).get((ref.path, str(key)))
    if obj is None:
        obj = module.client.get_or_none(module.client.item_path(ref.path, key))
        if obj is not None:
            _remember(module, ref, obj)
    return obj


class _NotFound(Exception):
    """A name reference that matched nothing (an error, except in check mode: see ``Ref``)."""


class MissingReference(AuthentikError):
    """A name reference that matched nothing, outside check mode: the object it names does not exist. Where a task
    only removes (``state: absent``), that means there is nothing to do (see ``_ensure``)."""


# Fields of an object that check mode's plan keeps (what references match names against, and the scope they use):
# never a secret.
PLAN_FIELDS = ("name", "slug", "username", "managed", "identifier", "provider")


def plan_entry(res, obj):
    """What check mode's plan keeps of an object a task would create or change: its path and the names it has."""
    fields = dict((name, str(obj[name])) for name in PLAN_FIELDS + (res.lookup_field,)
                  if name and isinstance(obj.get(name), (str, int)) and not isinstance(obj.get(name), bool))
    return dict(path=res.path, fields=fields)


def plan_covers(assumed, planned):
    """Whether an object of the plan (``plan_entry`` dicts of earlier tasks) is the one an assumption of check mode
    (see ``Ref._predict``) names: the same kind (a reference to ``providers/all/`` matches any provider), the name in
    one of the fields the reference searches, and the same scope (an endpoint's provider)."""
    path = assumed["path"]
    for entry in planned:
        same_kind = entry["path"] == path or (path.endswith("/all/") and entry["path"].startswith(path[:-len("all/")]))
        fields = entry["fields"]
        if (same_kind and any(fields.get(name) == assumed["value"] for name in assumed["fields"])
                and all(fields.get(param) == value for param, value in assumed["scope"].items())):
            return True
    return False


class Field:
    """One writable field of a resource, set through the module option of the same name.

    ``kind`` selects validation, comparison and the form sent (see ``Kind``); ``ref`` resolves names
    to primary keys (``many`` for a list of references); ``nullable`` lets an empty string clear the
    field; ``pattern``/``max_length`` validate text before any request; ``check(value)`` returns what is
    wrong with the value to send (None when it is fine); ``immutable`` is the message
    given when an existing object has another value (the change is refused); ``ignore`` is
    ``(predicate(obj), warning)``: when the merged object satisfies the predicate, the server
    manages this field itself, so the option is left out of the request and of the comparison.
    ``filter`` is the query parameter used when the field filters a list. ``secret_keys(key)`` marks the
    keys of a dictionary field whose values are secrets (a password among connection settings): compared
    like the rest, never shown in a diff, the result or a message (see ``mask_secrets``). ``diff_hidden(obj)``:
    True when the field's value means nothing for that object (a token's ``expires`` while ``expiring`` is
    false), which then leaves it out of that side of a diff.

    ``mode`` names the option (``replace``, ``add`` or ``remove``) that says what a set field's list means: the
    whole set, items to add to the current ones, or items to take away (a play adds its provider to a shared
    outpost without knowing the others). ``merge``: a dictionary field compared only on the keys given and sent
    merged into the current dictionary (the server's defaults stay). ``claim`` = ``(attribute, what)``: the
    referenced object names its one owner in ``attribute`` (a provider's ``assigned_application_slug``); when the
    field changes to an object owned by another, the change is refused naming that owner (one GET of the referenced
    object, only for a change). ``api``: the API field this option sets when it is not the option's own name
    (``application``, ``rac_endpoint`` and ``flow`` all set a binding's ``target``); False for an option that only
    helps to resolve another (``rac_provider`` narrows ``rac_endpoint``). ``fits(obj, target)``: for a reference
    field, what makes the referenced ``target`` unusable by the object ``obj`` (the object as it would be after the
    task), or None: a change that adds such a target is refused with that reason (an outpost cannot serve a provider
    of another type). ``attached``: an ``Attached`` set that is not a field of the object's JSON (a role's
    permissions): read, added to and removed from through other endpoints. ``keep(obj)``: items of the current object
    ``obj`` that a set field in ``replace`` mode keeps although the list does not name them (the roles authentik manages
    for a user or a group, which hold its direct permissions).
    """

    def __init__(self, kind=Kind.RAW, ref=None, many=False, nullable=False, pattern=None, max_length=None,
                 immutable=None, ignore=None, filter=None, check=None, secret_keys=None, diff_hidden=None, mode=None,
                 merge=False, claim=None, api=None, fits=None, attached=None, keep=None):
        self.kind = kind
        self.ref = ref
        self.many = many
        self.nullable = nullable
        self.pattern = re.compile(pattern) if pattern else None
        self.max_length = max_length
        self.immutable = immutable
        self.ignore = ignore
        self.filter = filter
        self.check = check
        self.secret_keys = secret_keys
        self.diff_hidden = diff_hidden
        self.mode = mode
        self.merge = merge
        self.claim = claim
        self.api = api
        self.fits = fits
        self.attached = attached
        self.keep = keep

    def resolve(self, module, option, value, resolved, missing_ok=False):
        """The API value for the user's ``value`` (references resolved, format checked); with ``missing_ok``, None for
        a reference to nothing."""
        if self.nullable and value == "":
            return None
        if self.pattern is not None or self.max_length is not None:
            text = str(value)
            if self.max_length is not None and len(text) > self.max_length:
                raise AuthentikError("%s: %r is %d characters long; authentik allows at most %d"
                                     % (option, _short(text), len(text), self.max_length), sent=False)
            if self.pattern is not None and not self.pattern.match(text):
                raise AuthentikError("%s: %r does not match %s" % (option, _short(text), self.pattern.pattern), sent=False)
        if self.ref is not None:
            if self.many:
                # Items to remove that match nothing are nothing to remove (a teardown run twice).
                removing = bool(self.mode) and module.params.get(self.mode) == "remove"
                value = [self.ref.resolve(module, option, item, resolved, missing_ok=removing) for item in value]
                value = [item for item in value if item is not None]
            else:
                value = self.ref.resolve(module, option, value, resolved, missing_ok=missing_ok)
                if value is None:
                    return None
        try:
            value = Kind.to_api(self.kind, value)
        except (ValueError, TypeError, AttributeError) as exc:
            raise AuthentikError("%s: %s is not %s (%s)" % (option, self.show(value), Kind.HINTS.get(self.kind, "valid"), exc),
                                 sent=False)
        problem = self.check(value) if self.check is not None and value is not None and not predicted(value) else None
        if problem:
            raise AuthentikError("%s: %s %s" % (option, self.show(value), problem), sent=False)
        return value

    def same(self, current, desired):
        if self.merge and isinstance(desired, dict):
            current = current if isinstance(current, dict) else {}
            return all(key in current and current[key] == value for key, value in desired.items())
        return Kind.canon(self.kind, current) == Kind.canon(self.kind, desired)

    def apply_mode(self, module, current, value, obj=None):
        """The whole set (or dictionary) to compare and send, from the user's value and the current one (of the
        current object ``obj``, for ``keep``)."""
        if self.merge and isinstance(value, dict):
            out = dict(current) if isinstance(current, dict) else {}
            out.update(value)
            return out
        mode = module.params.get(self.mode) if self.mode else None
        if mode in (None, "replace"):
            if self.keep is not None and obj:
                kept = [item for item in self.keep(obj) if not Kind.canon(self.kind, [item]) & Kind.canon(self.kind, value)]
                return list(value) + kept
            return value
        have = list(current or [])
        given = [item for item in value if not predicted(item)] + [item for item in value if predicted(item)]
        if mode == "add":
            return have + [item for item in given if Kind.canon(self.kind, [item]) - Kind.canon(self.kind, have)]
        return [item for item in have if not Kind.canon(self.kind, [item]) & Kind.canon(self.kind, given)]

    def show(self, value):
        """The value as a message shows it: ``repr``, cut when long, secrets masked (only the type of a
        value that should have been a dictionary of secrets)."""
        if self.secret_keys is not None:
            if not isinstance(value, dict):
                return "a value of type %s" % type(value).__name__
            value = mask_secrets(value, self.secret_keys)
        return repr(_short(value))

    def secrets(self, value):
        """The secret values inside ``value`` (strings), for the module's no_log list."""
        if self.secret_keys is None or not isinstance(value, dict):
            return []
        out = []
        for key, item in value.items():
            if self.secret_keys(str(key)):
                out.extend(_leaves(item))
            elif isinstance(item, dict):
                out.extend(self.secrets(item))
        return out


class Attached:
    """A set that belongs to an object without being a field of its JSON (a role's permissions, which authentik keeps
    in other tables): ``read(module, obj)`` lists the current items, ``add(module, obj, items)`` and ``remove(module,
    obj, items)`` write the difference (after the object itself is created or updated). Items are hashable (strings,
    tuples). ``resolve(module, option, value)``: the items the user's list means (looked up, validated: an unknown item
    is an error here, before any write); by default the Field's own resolution. ``show(item)``: an item as a diff and
    the result show it. The Field's ``mode`` option applies as to any set (replace, add, remove).
    ``validate(module, option, items)``: checks, before any write, only the items the task would add (an unknown
    permission is an error; one that is already held needs no request), so that a run without changes stays cheap."""

    def __init__(self, read, add, remove, resolve=None, show=None, validate=None):
        self.read = read
        self.add = add
        self.remove = remove
        self.resolve = resolve
        self.show = show or (lambda item: item)
        self.validate = validate


class Secret:
    """A secret attached to an object (a token's key): read at ``read`` and set at ``write``, both
    relative to the object's URL, under ``attr``. ``option`` holds the wanted value (no_log);
    ``return_option`` asks for the current value in the result. Never in a diff.

    ``read=None``: a secret the server never shows (a password). It is set when the object is created and, on an
    existing object, only when the option ``update`` is ``always`` (it cannot be compared, so such a task reports a
    change every run)."""

    def __init__(self, option, read, write, attr="key", return_option=None, update=None):
        self.option = option
        self.read = read
        self.write = write
        self.attr = attr
        self.return_option = return_option
        self.update = update


class Resource:
    """What a module manages: ``path`` (collection URL under /api/v3/), ``name`` (the result key),
    ``key`` (the field addressing one object in URLs), ``lookup`` = ``(option, field, filter)``: the
    option naming the object, the field it matches and the list filter used to find it (``None``:
    GET ``path/<value>/`` directly); ``fields`` (Field by option/field name, in resolution order);
    ``echo``: fields always sent with an update (the server resets them when they are missing);
    ``create_defaults``: values sent on create when the option is unset; ``required_on_create``;
    ``conflict``: message when the identity is already taken by something this lookup cannot see;
    ``absent_message``: raised instead of creating (objects the API cannot create);
    ``filters``: Fields that select many objects (bulk operations and info modules); ``ident``: the
    Field validating the identity option when it is not itself a writable field; ``ordering``: the
    ``ordering`` query parameter of list requests, a unique field, so that pages do not overlap or skip
    objects when the server's default ordering has ties; ``summary``: how one object of a selection is
    shown in results (a compact form for audits).

    Identity within a parent: ``scope`` names fields (references such as ``provider``) that, with the lookup
    option, identify the object (an endpoint ``name`` is unique only within its ``provider``); they are
    required to find an object by name and are sent as list filters. ``address`` = ``(option, Field)``: an
    option holding the object's ``key`` (a UUID) that addresses it directly; the lookup option and the scope
    fields are then ordinary fields (rename, move to another parent), and a missing object is an error.
    ``list_params``: fixed query parameters of every lookup (``superuser_full_list``). ``search=True``: the lookup
    also sends the name as ``search``. authentik 2025.12.4 answers a non-superuser's RAC endpoint list with
    ``provider`` and without ``search`` from a list cached per user and provider, whatever the ``name`` filter
    (authentik/providers/rac/api/endpoints.py ``list``): a lookup of a second endpoint of that provider then gets the
    first one's list, misses its object and would create a duplicate. With ``search`` authentik skips that cache.
    ``protect(obj)``: why the object must not be changed or deleted (objects authentik ships), or None.
    ``renew(obj, params, changes)``: for an object that the server still serves but that is dead (an expired token, which
    authentik lists and changes until its cleanup task runs), ``(body, warning)``: what to send, beside the task's own
    changes, to make it live again, and a warning whose ``%(action)s`` is "renewed" (or "would renew" in check mode);
    None when nothing is to renew.

    Identity by several options (a policy binding: its target and the group, user or policy it binds): ``match``
    names those options (``lookup`` is then ``(None, None, None)``). Each sets the API field ``Field.api`` (or its
    own name); an API field that no given option sets must be null. The objects are listed with the ``filter`` of
    each given option (all pages) and the rest is compared locally. ``sequence``: an integer field that a new object
    gets, when the option is not given, as one more than the highest among the objects listed with the same
    filters (a binding's ``order`` among the bindings of its target), 0 when there are none.

    ``write_params``: query parameters of the create and update requests, which shape their answers (a group's answer
    without its members' details).
    ``singleton``: one object that always exists at ``path`` itself (the system settings): no identity, no
    ``state``, never created or deleted; ``lookup`` is ``(None, None, None)`` and ``key`` None.
    ``guard(module, current, changes)``: why this change (``changes``: the fields to send) or, with ``changes`` None,
    the deletion of ``current`` must be refused, or None (a user must not deactivate or delete the account whose
    token runs the play). Called before any write, only when something would change."""

    def __init__(self, name, path, key, lookup, fields, echo=(), create_defaults=None, required_on_create=(),
                 conflict=None, absent_message=None, secret=None, filters=None, what=None, ident=None, ordering=None,
                 summary=None, scope=(), address=None, list_params=None, protect=None, match=(), sequence=None,
                 update_method="PATCH", search=False, renew=None, singleton=False, guard=None,
                 write_params=None):
        self.name = name
        self.search = search
        self.plural = name + "s"
        self.summary = summary or (lambda obj: obj)
        self.ordering = ordering
        self.ident = ident
        self.what = what or name
        self.path = path
        self.key = key
        self.lookup_option, self.lookup_field, self.lookup_filter = lookup
        self.fields = fields
        self.echo = tuple(echo)
        self.create_defaults = create_defaults or {}
        self.required_on_create = tuple(required_on_create)
        self.conflict = conflict
        self.absent_message = absent_message
        self.secret = secret
        self.filters = filters or {}
        self.scope = tuple(scope)
        self.address = address
        self.list_params = list_params or {}
        self.protect = protect
        self.match = tuple(match)
        self.sequence = sequence
        self.update_method = update_method  # PUT where the server refuses PATCH (policy bindings answer 405)
        self.renew = renew
        self.singleton = singleton
        self.guard = guard
        self.write_params = write_params

    def item_path(self, client, obj):
        if self.singleton:
            return self.path
        return client.item_path(self.path, obj[self.key])

    def field_for(self, api):
        """The Field that sets the API field ``api`` (an empty Field when none does)."""
        for name, field in self.fields.items():
            if (field.api or name) == api:
                return field
        return Field()

    def view(self, obj, before=None):
        """The part of an object shown in a diff: its key, its identity and its writable fields, secrets
        masked (``before``: the object it replaces, to mark changed secrets; see ``mask_secrets``)."""
        if not obj:
            return {}
        apis = [name if field.api is None else field.api for name, field in self.fields.items()
                if field.api is not False and not (field.diff_hidden is not None and field.diff_hidden(obj))]
        names = [name for name in (self.key, self.lookup_field) if name] + [
            name for name in apis if name not in (self.key, self.lookup_field)]
        return self.masked(dict((name, obj.get(name)) for name in names if name in obj), before)

    def masked(self, obj, before=None):
        """``obj`` with the secret values of its dictionary fields masked (a copy when there are any)."""
        secret = [name for name, field in self.fields.items() if field.secret_keys is not None and isinstance(obj.get(name), dict)]
        if not secret:
            return obj
        out = dict(obj)
        for name in secret:
            old = None if before is None else (before.get(name) or {})
            out[name] = mask_secrets(obj[name], self.fields[name].secret_keys, old)
        return out
