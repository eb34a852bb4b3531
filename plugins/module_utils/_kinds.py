# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Value kinds of the authentik.api engine: parsing what users write (UUIDs, dates, durations), the canonical forms
compared, the ``Predicted`` stand-in of check mode, and secret masking.

PRIVATE to the authentik.api collection: the leading underscore means this is not a public API. A layer of the
desired-state engine (``_engine.py``, which re-exports these names): no requests here.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import re
import uuid

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


def _short(value, limit=80):
    """The value itself when short (shown with %r), else its text cut to ``limit`` characters."""
    text = value if isinstance(value, str) else repr(value)
    return value if len(text) <= limit else text[:limit] + "..."
