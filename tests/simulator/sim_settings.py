# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""An area of the authentik API simulator: the system settings (``/admin/settings/``), one object read with GET and
changed with PATCH or PUT, as authentik 2025.12.4's ``SettingsView`` (authentik/tenants/api/settings.py) does: the
fields of the current tenant, validated by its ``SettingsSerializer``, guarded by the global permissions
``authentik_rbac.view_system_settings`` (GET) and ``authentik_rbac.edit_system_settings`` (every other method, checked
before the method is refused with 405). See ``sim_core.py`` for what an area is.

State (other areas read it): ``self.system_settings``, the settings as the API shows them. Their
``default_token_duration`` is the tokens area's default lifetime: the seed spells the simulator's
``api_token_lifetime`` (``minutes=30``, as the first tenant of a fresh authentik 2025.12.4 has it, from migration
0002), and a change sets ``api_token_lifetime`` and ``max_token_lifetime`` (an app password's maximum, which authentik
also derives from that setting), until the next reset.

Deviations, seen on the real server: it answers ``flags: {}`` (only the flags that were set) where the
``authentik-client`` model requires every flag, and accepts a PATCH of some flags only: the response is checked with the
missing flags filled in, and ``flags`` in a request is validated here (as ``FlagJSONField`` does) instead of by the
model. The simulator's pagination does not follow the pagination settings (it is the core's, with fixed sizes).
"""

from __future__ import annotations

import copy
import datetime

if __package__:
    from .sim_core import INT32, NO_PERMISSION, Route, _detail, _Fields
    from .sim_directory import DirectoryArea
else:  # run as a script, or imported with tests/simulator on sys.path (see authentik_sim.py)
    from sim_core import INT32, NO_PERMISSION, Route, _detail, _Fields
    from sim_directory import DirectoryArea

# pylint: disable=consider-using-f-string,use-dict-literal  # %-formatting and dict() match the rest of the collection

SETTINGS_MODEL = "authentik_rbac.systempermission"
VIEW_SETTINGS = "view_system_settings"
EDIT_SETTINGS = "edit_system_settings"
#: authentik/lib/utils/time.py ALLOWED_KEYS
DURATION_KEYS = ("microseconds", "milliseconds", "seconds", "minutes", "hours", "days", "weeks")
#: the flags of authentik 2025.12.4 (``Flag`` subclasses) and their types, in the order FlagJSONField checks them
FLAGS = (("policies_buffered_access_view", bool), ("flows_refresh_others", bool))
DURATION_MESSAGE = "%s is not in the correct format of 'hours=3;minutes=1'."
FLAGS_NOT_A_DICT = "Value must be a dictionary, and not have any duplicate keys."


def timedelta_from_string(expr):
    """authentik's ``timedelta_from_string``: ``unit=number`` pairs split on ``;``; a pair without exactly one ``=`` or
    with a number float() refuses is an error, an unknown unit is skipped, and at least one known unit is needed."""
    kwargs = {}
    for pair in expr.split(";"):
        key, value = pair.split("=")  # ValueError unless exactly one "="
        if key.lower() not in DURATION_KEYS:
            continue
        kwargs[key.lower()] = float(value.strip())
    if not kwargs:
        raise ValueError("No valid keys to pass to timedelta")
    return datetime.timedelta(**kwargs)


def duration_text(delta):
    """A timedelta in authentik's duration format (``minutes=30``), for the seed."""
    seconds = delta.total_seconds()
    for unit, size in (("days", 86400), ("hours", 3600), ("minutes", 60)):
        if seconds and seconds % size == 0:
            return "%s=%d" % (unit, seconds // size)
    return "seconds=%s" % (int(seconds) if seconds == int(seconds) else seconds)


class SettingsArea(DirectoryArea):
    """The system settings (``/admin/settings/``), one object."""

    # The empty group makes the path an object's: the core then leaves the permission checks to the handlers, which
    # check authentik's two codenames (the core would ask for change_<model>).
    ROUTES = (
        Route(r"^admin/settings/()$", {"GET": "_settings_get", "PATCH": "_settings_patch", "PUT": "_settings_put",
                                       "POST": "_settings_refused", "DELETE": "_settings_refused"},
              permission="owner", model=SETTINGS_MODEL),
    )
    SEEDS = {"settings": ("seed_settings", False)}

    def _init_state(self):
        super()._init_state()
        if not hasattr(self, "_configured_lifetimes"):  # the constructor's, restored by every reset
            self._configured_lifetimes = (self.api_token_lifetime, self.max_token_lifetime)
        self.api_token_lifetime, self.max_token_lifetime = self._configured_lifetimes
        self.system_settings = dict(
            avatars="gravatar,initials",
            default_user_change_name=True,
            default_user_change_email=False,
            default_user_change_username=False,
            event_retention="days=365",
            reputation_lower_limit=-5,
            reputation_upper_limit=5,
            footer_links=[],
            gdpr_compliance=True,
            impersonation=True,
            impersonation_require_reason=True,
            default_token_duration=duration_text(self.api_token_lifetime),
            default_token_length=60,
            pagination_default_page_size=20,
            pagination_max_page_size=100,
            flags={},
        )

    # ---------------------------------------------------------------- handlers

    def _settings_allowed(self, req, codename):
        """authentik's HasPermission: the global permission (a superuser holds every one); 403 before anything else."""
        if not self._has_perm(req, codename):
            raise _detail(403, NO_PERMISSION)

    def _settings_get(self, req, _ident):
        self._settings_allowed(req, VIEW_SETTINGS)
        return self._settings_answer(req)

    def _settings_refused(self, req, _ident):
        self._settings_allowed(req, EDIT_SETTINGS)
        raise _detail(405, 'Method "%s" not allowed.' % req.method)

    def _settings_patch(self, req, _ident):
        return self._settings_write(req, True)

    def _settings_put(self, req, _ident):
        return self._settings_write(req, False)

    def _settings_write(self, req, partial):
        self._settings_allowed(req, EDIT_SETTINGS)
        body = self._body(req)
        fields = _Fields(body, partial)
        fields.string("avatars")
        for name in ("default_user_change_name", "default_user_change_email", "default_user_change_username", "gdpr_compliance",
                     "impersonation", "impersonation_require_reason"):
            fields.boolean(name)
        for name in ("event_retention", "default_token_duration"):
            value = fields.string(name)
            if value is not None:
                try:
                    timedelta_from_string(value)
                except ValueError:
                    fields.errors[name] = [DURATION_MESSAGE % value]
                    fields.out.pop(name, None)
        fields.integer("reputation_lower_limit", bounds=(INT32[0], 0))
        fields.integer("reputation_upper_limit", bounds=(0, INT32[1]))
        fields.integer("default_token_length", bounds=(1, INT32[1]))
        fields.integer("pagination_default_page_size", bounds=(0, INT32[1]))
        fields.integer("pagination_max_page_size", bounds=(0, INT32[1]))
        if "footer_links" in body:  # a plain JSONField(required=False): any JSON but null
            if body["footer_links"] is None:
                fields.errors["footer_links"] = ["This field may not be null."]
            else:
                fields.out["footer_links"] = copy.deepcopy(body["footer_links"])
        self._settings_flags(fields)
        self._check_request(req, "PatchedSettingsRequest" if partial else "SettingsRequest", fields, ignore=("flags",))
        self.system_settings.update(fields.out)
        if "default_token_duration" in fields.out:
            lifetime = timedelta_from_string(fields.out["default_token_duration"])
            self.api_token_lifetime = self.max_token_lifetime = lifetime
        return self._settings_answer(req)

    @staticmethod
    def _settings_flags(fields):
        """FlagJSONField: required by PUT, not null, a dictionary, a known flag's value of its type when truthy."""
        if not fields._present("flags", True):  # pylint: disable=protected-access
            return
        value = fields.body["flags"]
        if value is None:
            fields.errors["flags"] = ["This field may not be null."]
        elif not isinstance(value, dict):
            fields.errors["flags"] = [FLAGS_NOT_A_DICT]
        else:
            for key, kind in FLAGS:
                if key in value and value[key] and not isinstance(value[key], kind):
                    fields.errors["flags"] = ["Value for flag %s needs to be of type %s." % (key, kind.__name__)]
                    return
            fields.out["flags"] = copy.deepcopy(value)

    def _settings_answer(self, req):
        answer = copy.deepcopy(self.system_settings)
        checked = copy.deepcopy(answer)  # the model requires every flag; the real server shows only those set
        checked["flags"] = dict((key, bool(checked["flags"].get(key))) for key, _kind in FLAGS)
        violation = self._check_response(req, 200, checked, "Settings")
        if violation is not None:
            raise violation
        return 200, answer, None

    # ---------------------------------------------------------------- Python API

    def seed_settings(self, **values):
        """Set system settings without validation (``default_token_duration`` also sets the token lifetimes);
        returns "settings"."""
        with self.lock:
            unknown = sorted(set(values) - set(self.system_settings))
            if unknown:
                raise ValueError("unknown settings %s" % ", ".join(unknown))
            self.system_settings.update(copy.deepcopy(values))
            if "default_token_duration" in values:
                self.api_token_lifetime = self.max_token_lifetime = timedelta_from_string(values["default_token_duration"])
        return "settings"

    def get_settings(self):
        """A copy of the system settings as the API shows them."""
        with self.lock:
            return copy.deepcopy(self.system_settings)
