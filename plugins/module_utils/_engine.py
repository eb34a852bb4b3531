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

Its layers, one file each: ``_kinds.py`` (value kinds: parsing, canonical forms, check mode's stand-in, secret
masking), ``_declare.py`` (declarations: ``Resource``, ``Field``, ``Ref``, ``Secret``), this file (lookups,
``ensure``, many objects by filter), ``_shared.py`` (what the items of a looping task share: listings, references)
and ``_export.py`` (the reverse of ``ensure``: the tasks that describe existing objects, for export_info). Modules
import everything from here, except export_info.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hmac
import re

from ansible_collections.authentik.api.plugins.module_utils._client import AuthentikError
from ansible_collections.authentik.api.plugins.module_utils._declare import (  # noqa: F401 pylint: disable=unused-import
    Attached,
    Field,
    MissingReference,
    PLAN_FIELDS,
    Ref,
    Resource,
    Secret,
    plan_covers,
    plan_entry,
    ref_object,
)
from ansible_collections.authentik.api.plugins.module_utils._kinds import (  # noqa: F401 pylint: disable=unused-import
    DURATION_UNITS,
    Kind,
    MASK,
    MASK_CHANGED,
    Predicted,
    format_datetime,
    is_uuid,
    mask_secrets,
    parse_datetime,
    parse_duration,
    parse_uuid,
    predicted,
)
from ansible_collections.authentik.api.plugins.module_utils._locks import IdentityLock
from ansible_collections.authentik.api.plugins.module_utils._shared import current as loop_share


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
    shared = _shared_find(module, res, ident, scope, params)
    if shared is not None:
        return shared
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


def _shared_find(module, res, ident, scope, params):
    """The object from the listing that the items of a looping task share (see ``_shared``), or None: a miss, or no
    loop, is looked up with the filter. A resource that authentik lists with ``search`` for a non-superuser (RAC
    endpoints: without it authentik serves a list cached per user for a day) is shared only with a superuser's token."""
    share = loop_share()
    if share is None:
        return None
    client = module.client

    def superuser():
        try:
            return bool(client.get("core/users/me/")["user"].get("is_superuser"))
        except (AuthentikError, KeyError, TypeError, AttributeError):
            return False  # then nothing is shared: every item looks its object up alone, as without a loop

    def may_list():
        return not res.search or share.fact(client, "superuser", superuser)
    found = [obj for obj in share.find(client, res.path, params, res.lookup_field, ident, may_list) or []
             if all(obj.get(name) == value for name, value in scope.items())]
    return found[0] if len(found) == 1 else None


def _forget(module, res, obj):
    """The task wrote ``obj``: the listings its loop shares no longer tell what it is."""
    share = loop_share()
    if share is not None and res.key and obj.get(res.key) is not None:
        share.forget(module.client, res.path, res.key, obj[res.key])


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
    if res.singleton:
        return None, {}, module.client.get(res.path)
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


def resolve_options(module, fields, params, current=None, missing_ok=False):
    """API values for the options the user set (None means unset), in declaration order. With ``missing_ok``, None
    when one of them refers to an object that does not exist (or, in check mode, is only predicted)."""
    resolved = {}
    scope = dict(current or {})
    for name, field in fields.items():
        value = params.get(name)
        if value is None:
            continue
        resolved[name] = field.resolve(module, name, value, _Chain(resolved, scope), missing_ok=missing_ok)
        if missing_ok and (resolved[name] is None or predicted(resolved[name])):
            return None
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
    state = "present" if res.singleton else params.get("state") or "present"
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
            _refuse_guarded(module, res, current, None)
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
    fields = dict((k, f) for k, f in res.fields.items()
                  if f.attached is None and (addressed or (k != res.lookup_field and k not in res.match)))
    desired = resolve_options(module, fields, params, current)
    attached = _plan_attached(module, res, current)  # looked up and validated before any write
    for name, field in fields.items():
        if name in desired and (field.mode or field.merge):
            desired[name] = field.apply_mode(module, (current or {}).get(name), desired[name], current)
        if name in desired and field.api:  # an option named unlike its API field (policy_timeout sets timeout)
            desired[field.api] = desired.pop(name)
    if not addressed and not res.match and not res.singleton:
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
        renewal = res.renew(current, params, changes) if res.renew is not None else None
        if renewal:
            body, warning = renewal
            for name, value in body.items():
                changes.setdefault(name, value)
            module.warn(warning % {"action": "would renew" if module.check_mode else "renewed"})
        _refuse_immutable(res, current, changes)
        _refuse_claimed(module, res, current, changes)
        _refuse_misfits(module, res, current, merged, changes)
        after = current
        if changes:
            _refuse_protected(res, current, "change")
            _refuse_guarded(module, res, current, changes)
            changed = True
            body = dict(changes)
            for name in res.echo:
                body.setdefault(name, current.get(name))
            if module.check_mode:
                after = dict(current)
                after.update(body)
            else:
                _forget(module, res, current)
                after = module.client.request(res.update_method, res.item_path(module.client, current), params=res.write_params,
                                              body=body, idempotent=True)

    secret_before, secret_after, secret_changed = _ensure_secret(module, res, None if created else current, after)
    changed = changed or secret_changed
    attached_changed, before_sets, after_sets = _write_attached(module, res, attached, after)
    changed = changed or attached_changed
    if module.check_mode and changed:
        module._authentik_planned = getattr(module, "_authentik_planned", []) + [plan_entry(res, after)]
    if before_sets or after_sets:
        current = dict(current, **before_sets) if current is not None and not created else current
        after = dict(after, **after_sets)
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


def _refuse_guarded(module, res, current, changes):
    reason = res.guard(module, current, changes) if res.guard is not None else None
    if reason:
        raise AuthentikError(reason, sent=False)


def _plan_attached(module, res, current):
    """For each ``Attached`` field the task sets: ``(name, field, have, want)``, the current items (none for a new
    object) and the wanted ones (after the field's mode). Everything is looked up here, before any write."""
    plans = []
    for name, field in res.fields.items():
        value = module.params.get(name)
        if field.attached is None or value is None:
            continue
        att = field.attached
        given = att.resolve(module, name, value) if att.resolve else field.resolve(module, name, value, current or {})
        have = list(att.read(module, current)) if current is not None else []
        mode = module.params.get(field.mode) if field.mode else None
        if mode == "add":
            want = have + [item for item in given if item not in have]
        elif mode == "remove":
            want = [item for item in have if item not in given]
        else:
            want = list(given)
        if att.validate is not None:
            added = [item for item in want if item not in have]
            if added:
                att.validate(module, name, added)
        plans.append((name, field, have, want))
    return plans


def _write_attached(module, res, plans, obj):
    """Write the difference of each planned ``Attached`` set to ``obj`` (nothing in check mode); returns
    ``(changed, before, after)``, the sets as shown (sorted, ``Attached.show``)."""
    changed = False
    before, after = {}, {}
    for name, field, have, want in plans:
        att = field.attached
        added = [item for item in want if item not in have]
        removed = [item for item in have if item not in want]
        if (added or removed) and not module.check_mode:
            if removed:
                att.remove(module, obj, removed)
            if added:
                att.add(module, obj, added)
        changed = changed or bool(added or removed)
        api = field.api or name
        before[api] = sorted((att.show(item) for item in have), key=str)
        after[api] = sorted((att.show(item) for item in want), key=str)
    return changed, before, after


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
            return client.request("POST", res.path, params=res.write_params, body=body), "created"
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
    _forget(module, res, obj)
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
    if current is not None and secret.read is None and module.params.get(secret.update) != "always":
        return None, None, False  # a secret the server never shows: set when created, or when told to (always)
    if current is not None and secret.read is not None:
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
    resolved = resolve_options(module, res.filters, module.params, missing_ok=missing_ok)
    if resolved is None:
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
