# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Desired-state engine of the authentik.api collection.

PRIVATE to the authentik.api collection: the leading underscore means this is not a public API.

A module declares a ``Resource`` (API path, identity, fields with their comparison kind, references,
secrets) and hands its params to ``ensure()``. The engine alone looks the object up, resolves
references (slugs, names, usernames) to primary keys, compares only the options the user set,
creates/updates/deletes, predicts the result in check mode, and builds a before/after diff with
secrets masked. Modules never compare, check-mode or diff by themselves.

The engine talks to anything with ``client`` (an ``AuthentikClient``), ``params``, ``check_mode``,
``_diff`` and ``warn()``: an ``AuthentikModule`` in production, a plain object in unit tests.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import hmac
import re
import uuid

from ansible_collections.authentik.api.plugins.module_utils._client import AuthentikError
from ansible_collections.authentik.api.plugins.module_utils._locks import IdentityLock

MASK = "********"
MASK_CHANGED = "******** (new value)"

_UTC = datetime.timezone.utc
_DT_RE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?"
    r"\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$")
DURATION_UNITS = ("weeks", "days", "hours", "minutes", "seconds", "milliseconds", "microseconds")
# authentik splits on ";" then "=", lower-cases the unit (no strip) and calls float() on the number (which strips).
_DURATION_PAIR_RE = re.compile(r"^([A-Za-z]+)=\s*([-+]?\d+(?:\.\d+)?)\s*$")


# --------------------------------------------------------------------------------------------
# Value kinds: parsing user input and canonical forms for comparison
# --------------------------------------------------------------------------------------------

def parse_uuid(value):
    """A canonical lower-case UUID string; ValueError when ``value`` is not a UUID."""
    return str(uuid.UUID(str(value).strip()))


def is_uuid(value):
    try:
        parse_uuid(value)
    except (ValueError, TypeError, AttributeError):
        return False
    return True


def parse_datetime(value):
    """An aware UTC datetime from ISO 8601 text (``Z``, ``+02:00``, or naive meaning UTC)."""
    if isinstance(value, datetime.datetime):
        dt = value
    else:
        match = _DT_RE.match(str(value).strip())
        if not match:
            raise ValueError("not an ISO 8601 date-time")
        year, month, day, hour, minute, second, frac, zone = match.groups()
        micro = int((frac or "0")[:6].ljust(6, "0"))
        dt = datetime.datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0), micro)
        if zone and zone not in ("Z", "z"):
            sign = -1 if zone[0] == "-" else 1
            digits = zone[1:].replace(":", "")
            offset = datetime.timedelta(hours=int(digits[:2]), minutes=int(digits[2:4] or 0))
            dt = dt.replace(tzinfo=datetime.timezone(sign * offset))
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=_UTC)
    return dt.astimezone(_UTC)


def format_datetime(dt):
    return dt.astimezone(_UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_duration(value):
    """authentik's ``unit=number;unit=number`` duration (``hours=1;minutes=30``) as a timedelta."""
    kwargs = {}
    text = str(value).strip()
    for pair in text.split(";") if text else []:
        # No empty pair (authentik refuses "hours=1;"), no space around the unit (authentik silently skips
        # " hours=1", so "minutes=30; hours=1" means 30 minutes there).
        match = _DURATION_PAIR_RE.match(pair)
        if not match:
            raise ValueError("%r is not unit=number" % pair)
        unit = match.group(1).lower()
        if unit not in DURATION_UNITS:
            raise ValueError("%r is not one of %s" % (match.group(1), ", ".join(DURATION_UNITS)))
        kwargs[unit] = kwargs.get(unit, 0.0) + float(match.group(2))
    if not kwargs:
        raise ValueError("no unit=number pair")
    return datetime.timedelta(**kwargs)


class Kind:
    """How one field's values are checked, sent and compared."""

    RAW = "raw"
    INT = "int"
    BOOL = "bool"
    UUID = "uuid"
    UUID_SET = "uuid_set"
    INT_SET = "int_set"
    DATETIME = "datetime"
    DURATION = "duration"
    DICT = "dict"
    TEXT = "text"

    HINTS = {
        INT: "an integer",
        TEXT: "a string",
        UUID: "a UUID",
        UUID_SET: "a list of UUIDs",
        INT_SET: "a list of integers",
        DATETIME: "an ISO 8601 date-time such as 2026-12-31T23:59:00Z",
        DURATION: "a duration in authentik's format such as hours=1;minutes=30 (units: %s)" % ", ".join(DURATION_UNITS),
        DICT: "a dictionary",
    }

    @classmethod
    def to_api(cls, kind, value):
        """The value to send, from the user's (already resolved) value. ValueError when invalid."""
        if value is None or isinstance(value, Predicted):
            return value
        if kind == cls.INT:
            if isinstance(value, bool):
                raise ValueError("a boolean is not an integer")
            return int(value)
        if kind == cls.UUID:
            return parse_uuid(value)
        if kind == cls.UUID_SET:
            if isinstance(value, (str, dict)):
                raise ValueError("not a list")
            out = []
            for item in value:
                try:
                    item = item if isinstance(item, Predicted) else parse_uuid(item)
                except (ValueError, TypeError, AttributeError):
                    raise ValueError("%r is not a UUID" % (item,))
                if item not in out:
                    out.append(item)
            return out
        if kind == cls.INT_SET:
            if isinstance(value, (str, dict)):
                raise ValueError("not a list")
            out = []
            for item in value:
                if not isinstance(item, Predicted):
                    if isinstance(item, bool) or not str(item).strip().lstrip("-").isdigit():
                        raise ValueError("%r is not an integer" % (item,))
                    item = int(item)
                if item not in out:
                    out.append(item)
            return out
        if kind == cls.DATETIME:
            return format_datetime(parse_datetime(value))
        if kind == cls.DURATION:
            parse_duration(value)
            return str(value).strip()
        if kind == cls.DICT:
            if not isinstance(value, dict):
                raise ValueError("not a dictionary")
            return value
        if kind == cls.TEXT:
            if not isinstance(value, str):
                raise ValueError("%s given" % type(value).__name__)
            return value
        return value

    @classmethod
    def canon(cls, kind, value):
        """A form in which two values that mean the same thing are equal (set order, UUID case, instants)."""
        if value is None:
            return None
        try:
            if kind == cls.UUID:
                return parse_uuid(value)
            if kind == cls.UUID_SET:
                return frozenset(v if isinstance(v, Predicted) else parse_uuid(v) for v in value)
            if kind == cls.INT_SET:
                return frozenset(v if isinstance(v, Predicted) else int(v) for v in value)
            if kind == cls.DATETIME:
                return parse_datetime(value)
            if kind == cls.DURATION:
                return parse_duration(value)
            if kind == cls.INT:
                return int(value)
            if kind == cls.TEXT:  # authentik's CharField strips surrounding whitespace
                return value.strip()
        except (ValueError, TypeError, AttributeError):
            return value
        return value


class Predicted(str):
    """In check mode, the stand-in for an object that a name refers to but that does not exist yet (an earlier task
    of the play creates it when the play really runs): shown as ``<known after apply: WHAT 'NAME'>``, equal to no
    current value (so the reference counts as a change), never sent (check mode sends nothing)."""

    def __new__(cls, what, value):
        return super(Predicted, cls).__new__(cls, "<known after apply: %s %r>" % (what, value))


def predicted(value):
    """Whether ``value`` (or an item of it) is a ``Predicted`` stand-in."""
    if isinstance(value, (list, tuple, set, frozenset)):
        return any(isinstance(item, Predicted) for item in value)
    return isinstance(value, Predicted)


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
            cache = {}
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
    of another type).
    """

    def __init__(self, kind=Kind.RAW, ref=None, many=False, nullable=False, pattern=None, max_length=None,
                 immutable=None, ignore=None, filter=None, check=None, secret_keys=None, diff_hidden=None, mode=None,
                 merge=False, claim=None, api=None, fits=None):
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

    def apply_mode(self, module, current, value):
        """The whole set (or dictionary) to compare and send, from the user's value and the current one."""
        if self.merge and isinstance(value, dict):
            out = dict(current) if isinstance(current, dict) else {}
            out.update(value)
            return out
        mode = module.params.get(self.mode) if self.mode else None
        if mode in (None, "replace"):
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


def mask_secrets(value, is_secret, before=None):
    """A copy of the dictionary ``value`` in which the value of every key that ``is_secret(key)`` names
    (at any depth) is ``MASK``. With ``before`` (the dictionary it replaces, ``{}`` for a new object), a
    secret that is new or differs from its old value is ``MASK_CHANGED`` instead, as a diff shows it."""
    if not isinstance(value, dict):
        return value
    out = {}
    for key, item in value.items():
        old = before.get(key) if isinstance(before, dict) else None
        if is_secret(str(key)):
            changed = before is not None and (key not in before or old != item)
            out[key] = MASK_CHANGED if changed else MASK
        elif isinstance(item, dict):
            out[key] = mask_secrets(item, is_secret, old if isinstance(old, dict) else (None if before is None else {}))
        else:
            out[key] = item
    return out


def _leaves(value):
    """Every scalar inside ``value`` as text (booleans and None excepted: they are not secrets)."""
    if isinstance(value, dict):
        return [leaf for item in value.values() for leaf in _leaves(item)]
    if isinstance(value, (list, tuple)):
        return [leaf for item in value for leaf in _leaves(item)]
    if value is None or isinstance(value, bool) or value == "":
        return []
    return [str(value)]


class Secret:
    """A secret attached to an object (a token's key): read at ``read`` and set at ``write``, both
    relative to the object's URL, under ``attr``. ``option`` holds the wanted value (no_log);
    ``return_option`` asks for the current value in the result. Never in a diff."""

    def __init__(self, option, read, write, attr="key", return_option=None):
        self.option = option
        self.read = read
        self.write = write
        self.attr = attr
        self.return_option = return_option


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

    Identity by several options (a policy binding: its target and the group, user or policy it binds): ``match``
    names those options (``lookup`` is then ``(None, None, None)``). Each sets the API field ``Field.api`` (or its
    own name); an API field that no given option sets must be null. The objects are listed with the ``filter`` of
    each given option (all pages) and the rest is compared locally. ``sequence``: an integer field that a new object
    gets, when the option is not given, as one more than the highest among the objects listed with the same
    filters (a binding's ``order`` among the bindings of its target), 0 when there are none."""

    def __init__(self, name, path, key, lookup, fields, echo=(), create_defaults=None, required_on_create=(),
                 conflict=None, absent_message=None, secret=None, filters=None, what=None, ident=None, ordering=None,
                 summary=None, scope=(), address=None, list_params=None, protect=None, match=(), sequence=None,
                 update_method="PATCH", search=False):
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

    def item_path(self, client, obj):
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
        names = [self.key, self.lookup_field] + [name for name in apis if name not in (self.key, self.lookup_field)]
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


def _short(value, limit=80):
    """The value itself when short (shown with %r), else its text cut to ``limit`` characters."""
    text = value if isinstance(value, str) else repr(value)
    return value if len(text) <= limit else text[:limit] + "..."


# --------------------------------------------------------------------------------------------
# Lookup
# --------------------------------------------------------------------------------------------

def find(module, res, ident, scope=None):
    """The current object named ``ident`` (already validated) within ``scope`` (resolved scope fields), or None.
    One request. Several objects of that name (possible where names are unique only by convention) are an
    error listing their keys: the engine never picks one at random."""
    if res.match:
        return _find_match(module, res, ident, scope or {})
    client = module.client
    if res.lookup_filter is None:
        return client.get_or_none(client.item_path(res.path, ident))
    scope = scope or {}
    if any(predicted(value) for value in scope.values()):
        return None  # its parent does not exist yet (check mode): neither does the object
    params = dict(res.list_params)
    for name, value in scope.items():
        params[res.fields[name].filter or name] = value
    params.update({res.lookup_filter: ident, "page_size": 20})
    if res.search:
        params["search"] = ident
    try:
        found = client.get(res.path, params=params).get("results", [])
    except AuthentikError as exc:
        raise _refused_filter(module, exc, dict((name, res.fields[name]) for name in scope)) or exc
    found = [obj for obj in found
             if obj.get(res.lookup_field) == ident and all(obj.get(name) == value for name, value in scope.items())]
    if len(found) > 1:
        kept = _collapse(module, res, found)
        if kept is not None:
            return kept
        where = "".join(" of %s %r" % (name, module.params.get(name)) for name in scope)
        if res.address:
            hint = "give %s to choose one, or rename the others" % res.address[0]
        else:
            hint = "authentik should not allow that, resolve it by hand"
        keys = [str(obj.get(res.key)) for obj in found]
        raise AuthentikError("%s: %d %ss%s are named %r (%s %s); %s" % (
            res.lookup_option, len(found), res.what, where, ident, "UUIDs" if all(is_uuid(k) for k in keys) else res.key,
            ", ".join(keys), hint), sent=False)
    return found[0] if found else None


def _match_ident(module, res):
    """The API values that identify a ``match`` resource (``{api field: value or None}``) and the options resolved."""
    resolved = {}
    for name in res.match:
        if module.params.get(name) is not None:
            resolved[name] = res.fields[name].resolve(module, name, module.params[name], resolved)
    ident = {}
    for name in res.match:
        api = res.fields[name].api
        if api is not False:
            api = api or name
            if ident.get(api) is None:
                ident[api] = resolved.get(name)
    return ident, resolved


def _find_match(module, res, ident, resolved):
    """The object whose API fields equal ``ident``, listed with the filters of the given options (all pages); also
    keeps the highest ``sequence`` value among the listed objects on the module (see ``Resource.sequence``)."""
    module._authentik_sequence = -1
    if any(predicted(value) for value in ident.values()):
        return None  # its target does not exist yet (check mode): neither does the object
    params = dict(res.list_params)
    filtered = set()
    for name, value in resolved.items():
        field = res.fields[name]
        if field.filter and field.api is not False:
            params[field.filter] = value
            filtered.add(field.api or name)
    try:
        listed = module.client.list(res.path, params=params)
    except AuthentikError as exc:
        raise _refused_filter(module, exc, dict((name, res.fields[name]) for name in resolved)) or exc
    if res.sequence:
        module._authentik_sequence = max([obj.get(res.sequence) for obj in listed if isinstance(obj.get(res.sequence), int)] + [-1])
    found = [obj for obj in listed if all(obj.get(api) == value for api, value in ident.items() if api not in filtered)]
    if len(found) > 1:
        kept = _collapse(module, res, found)
        if kept is not None:
            return kept
        raise AuthentikError("%s: %d %ss match %s (%s); authentik should not allow that, resolve it by hand" % (
            "/".join(name for name in res.match if module.params.get(name) is not None), len(found), res.what,
            _describe(module, res), ", ".join(str(obj.get(res.key)) for obj in found)), sent=False)
    return found[0] if found else None


def _collapse(module, res, found):
    """Namesakes that are one object made twice (forks of two controllers that raced, or of a run before the
    collection locked its creates): equal in every field the resource declares, the ``sequence`` field aside when the
    task does not set it (the collection chose it). The first by (sequence, key) is kept and the others are deleted
    (in check mode only reported), with a warning naming them; returns the kept object. Namesakes that differ in
    anything are never deleted: None (the caller's error lists them)."""
    def managed(obj):
        out = []
        for name, field in res.fields.items():
            api = field.api or name
            if field.api is False or (api == res.sequence and module.params.get(name) is None):
                continue
            value = obj.get(api)
            if isinstance(value, list) and all(isinstance(v, (str, int)) for v in value):
                value = sorted(value, key=str)
            out.append((api, value))
        return out

    first = managed(found[0])
    if any(managed(obj) != first for obj in found[1:]):
        return None
    found = sorted(found, key=lambda obj: (obj.get(res.sequence) if res.sequence else 0, str(obj.get(res.key))))
    kept, extra = found[0], found[1:]
    if not module.check_mode:
        for obj in extra:
            delete(module, res, obj)
    removed = [str(obj.get(res.key)) for obj in extra]
    module._authentik_removed = getattr(module, "_authentik_removed", []) + removed
    module.warn("%s: %d %ss %s are equal in every field this module manages: one object made %d times (a race of "
                "several controllers); %s %s and kept %s" % (
                    res.lookup_option or "/".join(name for name in res.match if module.params.get(name) is not None),
                    len(found), res.what,
                    _describe(module, res) if res.match else "named %r" % kept.get(res.lookup_field), len(found),
                    "would delete" if module.check_mode else "deleted", ", ".join(removed), kept.get(res.key)))
    return kept


def _describe(module, res):
    """The identity of a ``match`` resource as the user gave it, for messages."""
    return ", ".join("%s %r" % (name, module.params[name]) for name in res.match if module.params.get(name) is not None)


def _refused_filter(module, exc, fields):
    """For a 400 answer refusing one of the list filters ``fields`` (option -> Field), an error naming the option and
    the user's value (a choice filter refuses a pk that no object has); else None."""
    for name, field in fields.items() if exc.status == 400 else ():
        messages = exc.field_messages(field.filter or name)
        if messages:
            return AuthentikError("%s: %r is not a %s that authentik knows (%s)" % (
                name, module.params.get(name), field.ref.what if field.ref else "valid value", "; ".join(messages)),
                exc.method, exc.path, exc.status, exc.detail)
    return None


def identity(module, res):
    """The validated value of the identity option."""
    option = res.lookup_option
    value = module.params.get(option)
    if value is None:
        raise AuthentikError("%s: required to find the %s%s" % (
            option, res.what, " (or give %s)" % res.address[0] if res.address else ""), sent=False)
    field = res.ident or res.fields.get(res.lookup_field) or res.fields.get(option)
    if field is not None:
        return field.resolve(module, option, value, {})
    return value


def locate(module, res, hold=None):
    """The object the params designate: ``(ident, scope, current)``.

    By ``res.address`` when that option is set: one GET of the object's URL, ``ident`` None. Otherwise by
    the lookup option within the scope fields (each resolved first: a name costs one request): ``ident``
    is the validated identity, ``scope`` the resolved scope fields, ``current`` the object or None.
    ``hold(ident, scope)``, when given, is called right before the lookup (``ensure`` takes the identity's lock)."""
    params = module.params
    if res.match:
        ident, resolved = _match_ident(module, res)
        if hold:
            hold(sorted(ident.items()), ())
        return ident, resolved, _find_match(module, res, ident, resolved)
    if res.address is not None and params.get(res.address[0]) is not None:
        option, field = res.address
        key = field.resolve(module, option, params[option], {})
        client = module.client
        return None, {}, client.get_or_none(client.item_path(res.path, key))
    ident = identity(module, res)
    scope = {}
    for name in res.scope:
        if params.get(name) is None:
            raise AuthentikError("%s: required to find %s %r by %s, which is unique only within its %s%s" % (
                name, res.what, ident, res.lookup_option, name, "; or give %s" % res.address[0] if res.address else ""),
                sent=False)
        scope[name] = res.fields[name].resolve(module, name, params[name], scope)
    if hold:
        hold(ident, sorted(scope.items()))
    return ident, scope, find(module, res, ident, scope)


def resolve_options(module, fields, params, current=None):
    """API values for the options the user set (None means unset), in declaration order."""
    resolved = {}
    scope = dict(current or {})
    for name, field in fields.items():
        value = params.get(name)
        if value is None:
            continue
        resolved[name] = field.resolve(module, name, value, _Chain(resolved, scope))
    return resolved


class _Chain(dict):
    """``resolved`` first, then the current object: a reference scope sees both."""

    def __init__(self, first, second):
        super(_Chain, self).__init__(second)
        self.update(first)


# --------------------------------------------------------------------------------------------
# ensure(): the one desired-state operation
# --------------------------------------------------------------------------------------------

def ensure(module, res):
    """Make the object match the module's params; return the module result (changed, object, diff).

    Outside check mode the lookup and the create (or update) of one identity hold its ``IdentityLock``: the forks
    of one controller that declare the same object do it one after the other, and all but the first find it."""
    held = []

    def hold(ident, scope):
        if (module.params.get("state") or "present") != "absent" and not module.check_mode:
            held.append(IdentityLock(getattr(module.client, "base", ""), res.path, ident, scope).acquire())

    module._authentik_removed = []
    try:
        result = _ensure(module, res, hold)
    finally:
        for lock in held:
            lock.release()
    if module._authentik_removed:
        result["changed"] = True
        result["duplicates_removed"] = module._authentik_removed
    return result


def _ensure(module, res, hold):
    params = module.params
    state = params.get("state") or "present"
    _hide_secrets(module, res)
    if state != "absent":  # values that need no lookup are checked before any request (a delete ignores them)
        for name, field in res.fields.items():
            if field.ref is None and params.get(name) is not None:
                field.resolve(module, name, params[name], {})
    module._authentik_removing = state == "absent"  # a name that matches nothing is nothing to delete, check mode too
    try:
        ident, scope, current = locate(module, res, hold)
    except MissingReference:
        if state != "absent":
            raise
        # What the object's identity refers to (its provider, its target, its group) does not exist, so neither can
        # the object: nothing to delete (a teardown run twice, or parents deleted first).
        return _result(module, res, False, None, None, None, None)
    addressed = ident is None and res.address is not None

    if state == "absent":
        if current is not None:
            _refuse_protected(res, current, "delete")
            if not module.check_mode:
                delete(module, res, current)
        return _result(module, res, current is not None, current, None, None, None)
    if current is None and not addressed and _only_removes(module, res):
        # Taking items away from an object that does not exist: nothing to do (it is not created to hold nothing).
        return _result(module, res, False, None, None, None, None)
    if current is None and addressed:
        raise AuthentikError("%s: %s %r does not exist; to create one, leave %s out and give %s" % (
            res.address[0], res.what, params[res.address[0]], res.address[0], " and ".join((res.lookup_option,) + res.scope)),
            sent=False)
    if current is None and res.absent_message:
        raise AuthentikError(res.absent_message % {"value": ident}, sent=False)

    # Addressed directly, the identity and the scope are fields like the others (rename, move).
    fields = res.fields if addressed else dict((k, f) for k, f in res.fields.items()
                                               if k != res.lookup_field and k not in res.match)
    desired = resolve_options(module, fields, params, current)
    for name, field in fields.items():
        if name in desired and (field.mode or field.merge):
            desired[name] = field.apply_mode(module, (current or {}).get(name), desired[name])
        if name in desired and field.api:  # an option named unlike its API field (policy_timeout sets timeout)
            desired[field.api] = desired.pop(name)
    if not addressed and not res.match:
        desired[res.lookup_field] = ident
    changed = False
    created = False
    if current is None:
        body = dict(res.create_defaults)
        body.update(desired)
        if res.match:
            body.update(ident)
            if res.sequence and body.get(res.sequence) is None:
                body[res.sequence] = getattr(module, "_authentik_sequence", -1) + 1
        _drop_ignored(module, res, body, body)
        missing = [name for name in res.required_on_create if body.get(name) is None]
        if missing:
            raise AuthentikError("%s: required to create %s %s, which does not exist yet"
                                 % (", ".join(missing), res.what, _describe(module, res) if res.match else repr(ident)), sent=False)
        _refuse_claimed(module, res, None, body)
        _refuse_misfits(module, res, None, body, body)
        if module.check_mode:
            after, how = body, "created"
        else:
            after, how = _create(module, res, ident, body, scope)
        created = how == "created"
        changed = how != "taken"  # "lost": our POST may have landed before the connection dropped
        if not created:  # found on re-reading: converge on it like an update
            current = after
    if current is not None:
        merged = dict(current)
        merged.update(desired)
        _drop_ignored(module, res, desired, merged)
        changes = dict((name, value) for name, value in desired.items()
                       if not res.field_for(name).same(current.get(name), value))
        _refuse_immutable(res, current, changes)
        _refuse_claimed(module, res, current, changes)
        _refuse_misfits(module, res, current, merged, changes)
        after = current
        if changes:
            _refuse_protected(res, current, "change")
            changed = True
            body = dict(changes)
            for name in res.echo:
                body.setdefault(name, current.get(name))
            if module.check_mode:
                after = dict(current)
                after.update(body)
            else:
                after = module.client.request(res.update_method, res.item_path(module.client, current), body=body, idempotent=True)

    secret_before, secret_after, secret_changed = _ensure_secret(module, res, None if created else current, after)
    changed = changed or secret_changed
    if module.check_mode and changed:
        module._authentik_planned = getattr(module, "_authentik_planned", []) + [plan_entry(res, after)]
    result = _result(module, res, changed, current, after, secret_before, secret_after)
    if res.secret and res.secret.return_option and params.get(res.secret.return_option) and after.get(res.key) is not None:
        if not (module.check_mode and (created or secret_changed)):
            result[res.secret.attr] = module.client.get(res.item_path(module.client, after) + res.secret.read)[res.secret.attr]
    return result


def _hide_secrets(module, res):
    """Add the secret values inside the options (a password among connection settings) to the module's
    no_log values before any request, so that Ansible masks them in everything it prints: the invocation
    at -vvv, the result, warnings and errors."""
    hidden = getattr(module, "no_log_values", None)
    if hidden is None:
        return
    for name, field in res.fields.items():
        for value in field.secrets(module.params.get(name)):
            hidden.add(value)


def _refuse_protected(res, current, action):
    reason = res.protect(current) if res.protect is not None else None
    if reason:
        raise AuthentikError("%s: refusing to %s %s %r: %s" % (
            res.lookup_option, action, res.what, current.get(res.lookup_field), reason), sent=False)


def _drop_ignored(module, res, desired, merged):
    for name, field in res.fields.items():
        if field.ignore and name in desired and module.params.get(name) is not None and field.ignore[0](merged):
            module.warn(field.ignore[1] % {"option": name, "value": module.params.get(name)})
            desired.pop(name)


def _refuse_immutable(res, current, changes):
    for name in list(changes):
        field = res.field_for(name)
        if field.immutable:
            raise AuthentikError(field.immutable % {"option": name, "current": current.get(name), "value": changes[name],
                                                    "ident": current.get(res.lookup_field)}, sent=False)


def _only_removes(module, res):
    """Whether the task only takes items away from set fields (every set field given is in ``remove`` mode)."""
    given = [field for name, field in res.fields.items()
             if module.params.get(name) is not None and name != res.lookup_field and name not in res.scope]
    return bool(given) and all(field.mode and module.params.get(field.mode) == "remove" for field in given)


def _refuse_misfits(module, res, current, merged, changes):
    """Refuse to add to a ``fits`` field an object that the changed object cannot use (see ``Field``): one GET per
    object added (none for a name just looked up), only for a change."""
    for name, value in changes.items():
        field = res.field_for(name)
        if not field.fits or value is None:
            continue
        if field.many:
            have = Kind.canon(field.kind, (current or {}).get(name) or [])
            added = [key for key in value if not Kind.canon(field.kind, [key]) & have]
        else:
            added = [value]
        for key in added:
            if predicted(key):
                continue
            target = ref_object(module, field.ref, key)
            problem = field.fits(merged, target) if target is not None else None
            if problem:
                raise AuthentikError("%s: %s" % (name, problem), sent=False)


def _refuse_claimed(module, res, current, changes):
    """Refuse to point a ``claim`` field at an object that already belongs to another owner (see ``Field``)."""
    own = (current or {}).get(res.lookup_field, module.params.get(res.lookup_option))
    for name, value in changes.items():
        field = res.field_for(name)
        if not field.claim or value is None or predicted(value):
            continue
        attr, what = field.claim
        target = module.client.get_or_none(module.client.item_path(field.ref.path, value))
        owner = (target or {}).get(attr)
        if owner and owner != own:
            raise AuthentikError("%s: %s %r already belongs to %s %r (authentik allows one); detach it there first" % (
                name, field.ref.what, module.params.get(name), what, owner), sent=False)


def _create(module, res, ident, body, scope=None):
    """POST the new object. A POST is never blindly retried: after a lost answer, a gateway error,
    a 429, an outage or an "already exists" (a concurrent run), the object is looked up again; if it is there
    the run converges on it, else the POST is sent again (bounded like any retry by ``retries`` and
    ``retry_timeout``, counted from the first POST). When it gives up, the error counts every request of the
    loop (POSTs and re-reads, with their own retries) and the time it took, waits included.
    Returns ``(object, how)``: how is "created", "lost" (found after an unanswered POST, which may
    have been ours) or "taken" (created by somebody else)."""
    client = module.client
    started = client.clock()
    sent_before = client.request_count
    attempt = 0
    lost_before = False  # an earlier POST of this run may have landed after the re-read: "already exists" is then ours
    while True:
        try:
            return client.request("POST", res.path, body=body), "created"
        except AuthentikError as exc:
            taken = exc.status == 400 and any("already exists" in msg for msg in exc.field_messages(res.lookup_field))
            lost = exc.transient or (exc.status is None and exc.method is not None)
            # authentik checks uniqueness before it inserts: a POST that raced past the check fails in the database
            # insert, which authentik 2025.12.4 answers with a bodiless 405 (its error page takes only GET) or a
            # 500 page. Maybe taken: look again.
            maybe = exc.status in (405, 500) and exc.detail is None and not lost
            if not (taken or lost or maybe):
                raise _retold(client, exc, sent_before, started) if attempt else exc
            try:
                existing = find(module, res, ident, scope)
            except AuthentikError as again:
                raise _retold(client, again, sent_before, started)
            if existing is not None:
                return existing, "lost" if (lost or lost_before) else "taken"
            if maybe:  # not a race after all: authentik failed on this request
                raise _retold(client, exc, sent_before, started) if attempt else exc
            if taken:
                if res.conflict:
                    raise AuthentikError(res.conflict % {"value": ident, "server": exc.msg}, exc.method, exc.path, exc.status,
                                         exc.detail)
                raise
            attempt += 1
            wait = client.retry_wait(attempt, started, exc.retry_after)  # a 429/503 may say when to come back
            if wait is None:
                raise _retold(client, exc, sent_before, started)
            lost_before = True
            client.sleep(wait)


_ATTEMPTS = re.compile(r"after \d+ attempt\(s\) in \d+ s")


def _retold(client, exc, sent_before, started):
    """``exc`` (the last failure of a create loop) with the loop's every request and its whole time: "after 9
    attempt(s) in 41 s", not the 1 attempt of its last POST."""
    told = "after %d attempt(s) in %.0f s (POSTs and re-reads, waits included)" % (
        client.request_count - sent_before, client.clock() - started)
    msg, count = _ATTEMPTS.subn(told, exc.msg, count=1)
    if not count:
        msg = "%s (gave up %s)" % (exc.msg, told)
    return AuthentikError(msg, exc.method, exc.path, exc.status, exc.detail, sent=exc.sent, retry_after=exc.retry_after,
                          transient=exc.transient)


def delete(module, res, obj):
    """DELETE one object; a 404 (already gone, perhaps by our own lost first attempt) is success."""
    try:
        module.client.request("DELETE", res.item_path(module.client, obj))
    except AuthentikError as exc:
        if exc.status != 404:
            raise


def _ensure_secret(module, res, current, after):
    """Compare and set the resource's secret; returns (diff before, diff after, changed)."""
    secret = res.secret
    if secret is None or module.params.get(secret.option) is None:
        return None, None, False
    wanted = module.params[secret.option]
    client = module.client
    if current is not None:
        existing = client.get(res.item_path(client, current) + secret.read)[secret.attr]
        if hmac.compare_digest(str(existing).encode("utf-8"), str(wanted).encode("utf-8")):
            return MASK, MASK, False
    if not module.check_mode:
        client.request("POST", res.item_path(client, after) + secret.write, body={secret.attr: wanted}, idempotent=True)
    return (MASK if current is not None else None), MASK_CHANGED, True


def _result(module, res, changed, before, after, secret_before, secret_after):
    result = {"changed": changed, res.name: res.masked(after) if after else {}}
    if getattr(module, "_diff", False):
        diff_before = res.view(before)
        diff_after = res.view(after, before or {})
        if secret_before is not None:
            diff_before[res.secret.attr] = secret_before
        if secret_after is not None:
            diff_after[res.secret.attr] = secret_after
        result["diff"] = {"before": diff_before, "after": diff_after}
    return result


# --------------------------------------------------------------------------------------------
# Many objects: listing and bulk deletion by filter
# --------------------------------------------------------------------------------------------

def select(module, res, missing_ok=False):
    """Every object matching the filter options the user set (all pages). With ``missing_ok``, a filter naming an
    object that does not exist (or, in check mode, is only predicted) selects nothing."""
    resolved = {}
    for name, field in res.filters.items():
        if module.params.get(name) is not None:
            resolved[name] = field.resolve(module, name, module.params[name], resolved, missing_ok=missing_ok)
            if missing_ok and (resolved[name] is None or predicted(resolved[name])):
                return [], {}
    query = dict((res.filters[name].filter or name, value) for name, value in resolved.items())
    params = dict(res.list_params)
    params.update(query)
    if res.ordering:
        params["ordering"] = res.ordering
    try:
        found = module.client.list(res.path, params=params)
    except AuthentikError as exc:
        refused = _refused_filter(module, exc, dict((name, res.filters[name]) for name in resolved))
        if refused and missing_ok:  # a primary key that no object has
            return [], query
        raise refused or exc
    seen = set()
    objects = []
    for obj in found:  # a page boundary that moved while reading (objects created or deleted meanwhile)
        if obj.get(res.key) not in seen:
            seen.add(obj.get(res.key))
            objects.append(obj)
    return objects, query


def query(module, res):
    """The result of an info module: every object matching the filters, through ``res.summary``."""
    objects, dummy = select(module, res)
    shown = [res.summary(obj) for obj in objects]
    return {"changed": False, res.plural: shown, "count": len(shown)}


def delete_selected(module, res):
    """Delete every object matching the filters (an empty filter is refused); check mode only lists them.
    The result names them through ``res.summary``, counts them, and in diff mode shows them before and none after."""
    if not any(module.params.get(name) is not None for name in res.filters):
        raise AuthentikError("refusing to delete every %s: give at least one of %s" % (res.what, ", ".join(res.filters)),
                             sent=False)
    objects, dummy = select(module, res, missing_ok=True)  # a filter naming nothing: nothing to delete
    if not module.check_mode:
        for done, obj in enumerate(objects):
            try:
                delete(module, res, obj)
            except AuthentikError as exc:
                raise AuthentikError("%s (%d of the %d matching %ss were deleted before this failure; run again to finish)"
                                     % (exc.msg, done, len(objects), res.what), exc.method, exc.path, exc.status, exc.detail)
    shown = [res.summary(obj) for obj in objects]
    result = {"changed": bool(shown), res.plural: shown, "count": len(shown)}
    if getattr(module, "_diff", False):
        result["diff"] = {"before": {res.plural: shown}, "after": {res.plural: []}}
    return result
