# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The tokens area of the authentik API simulator: API tokens and app passwords (``/core/tokens/``) and the
bearer authentication of every API request. See ``sim_core.py`` for what an area is."""

from __future__ import annotations

import datetime
import secrets
import uuid

if __package__:
    from .sim_core import (NO_PERMISSION, NOT_PROVIDED, SLUG_RE, TOKEN_INVALID, ApiError, Route, _bool_filter, _detail, _Fields, _fixed_uuid,
                           _matches_search, _search_terms, _sort, fmt_dt, parse_dt, utcnow)
    from .sim_directory import ADMIN_PK, ALICE_PK, DirectoryArea
else:  # run as a script, or imported with tests/simulator on sys.path (see authentik_sim.py)
    from sim_core import (NO_PERMISSION, NOT_PROVIDED, SLUG_RE, TOKEN_INVALID, ApiError, Route, _bool_filter, _detail, _Fields, _fixed_uuid,
                          _matches_search, _search_terms, _sort, fmt_dt, parse_dt, utcnow)
    from sim_directory import ADMIN_PK, ALICE_PK, DirectoryArea

# pylint: disable=unknown-option-value,too-many-arguments,too-many-positional-arguments,too-many-locals,too-many-branches
# pylint: disable=consider-using-f-string,use-dict-literal  # %-formatting and dict() match the rest of the collection

ALICE_TOKEN = "sim-alice-token"

#: identifiers of the seeded API tokens
ADMIN_TOKEN_IDENTIFIER = "authentik-bootstrap-token"
ALICE_TOKEN_IDENTIFIER = "alice-api-token"
TOKEN_INTENTS = ("verification", "api", "recovery", "app_password")
TOKEN_MODEL = "authentik_core.token"


class TokensArea(DirectoryArea):
    """Tokens of the seeded users; an API token of an active user authenticates a request."""

    ROUTES = (
        Route(r"^core/tokens/$", {"GET": "_tokens_list", "POST": "_token_create"}, permission="owner", model=TOKEN_MODEL),
        Route(r"^core/tokens/([^/.]+)/$", {"GET": "_token_get", "PUT": "_token_put", "PATCH": "_token_patch", "DELETE": "_token_delete"},
              permission="owner", model=TOKEN_MODEL),
        Route(r"^core/tokens/([^/.]+)/view_key/$", {"GET": "_token_view_key"}, permission="owner", model=TOKEN_MODEL),
        Route(r"^core/tokens/([^/.]+)/set_key/$", {"POST": "_token_set_key"}, permission="owner", model=TOKEN_MODEL),
    )
    SEEDS = {"token": ("seed_token", False), "tokens": ("seed_tokens", True)}

    def _init_state(self):
        super()._init_state()
        self.tokens = {}
        self.token_by_identifier = {}
        self.token_by_key = {}
        self.token_by_managed = {}
        self.tokens_by_user = {}
        started = utcnow()
        self._add_token(dict(pk=_fixed_uuid("token-" + ADMIN_TOKEN_IDENTIFIER), identifier=ADMIN_TOKEN_IDENTIFIER,
                             key=self.admin_token, intent="api", user=ADMIN_PK, description="authentik bootstrap token",
                             expires=started + self.api_token_lifetime, expiring=False, managed=None))
        self._add_token(dict(pk=_fixed_uuid("token-" + ALICE_TOKEN_IDENTIFIER), identifier=ALICE_TOKEN_IDENTIFIER,
                             key=ALICE_TOKEN, intent="api", user=ALICE_PK, description="", expires=started + self.api_token_lifetime,
                             expiring=False, managed=None))

    # ---------------------------------------------------------------- authentication

    def _authenticate(self, headers):
        """authentik's bearer authentication: 403 for missing or bad credentials (never 401)."""
        header = (headers.get("Authorization") or "").strip()
        if header == "" or " " not in header:
            raise _detail(403, NOT_PROVIDED)
        scheme, _sep, credentials = header.partition(" ")
        if scheme.lower() != "bearer":  # another scheme: authentik treats the request as anonymous
            raise _detail(403, NOT_PROVIDED)
        if credentials == "":
            raise _detail(403, "Malformed header")
        pk = self.token_by_key.get(credentials)
        token = self.tokens.get(pk) if pk else None
        if token is not None and token["intent"] == "api" and self._expired(token):
            self._remove_token(token)  # authentik's Token.filter_not_expired deletes an expired API token that is used
            token = None
        if token is None or token["intent"] != "api":
            raise _detail(403, TOKEN_INVALID)
        user = self.users.get(token["user"])
        if user is None or not user["is_active"]:
            raise _detail(403, TOKEN_INVALID)
        return user

    # ---------------------------------------------------------------- tokens

    def _expired(self, token, now=None):
        """Whether the token has expired. authentik still lists and serves it (and lets it be changed) until its cleanup
        task (``clean_expired``, every 5 minutes) gives an API token a new key and a new expiry, or deletes an app password;
        only authentication refuses it."""
        expires = token["expires"]
        return bool(token["expiring"] and expires is not None and expires < (now or utcnow()))

    def _save_token(self, token):
        """authentik's pre_save signal of expiring models: an expiring token without ``expires`` gets the default lifetime."""
        if token["expiring"] and token["expires"] is None:
            token["expires"] = utcnow() + self.api_token_lifetime
        self._add_token(token)

    def _add_token(self, token):
        self.tokens[token["pk"]] = token
        self.token_by_identifier[token["identifier"]] = token["pk"]
        self.token_by_key[token["key"]] = token["pk"]
        if token["managed"] is not None:
            self.token_by_managed[token["managed"]] = token["pk"]
        self.tokens_by_user.setdefault(token["user"], set()).add(token["pk"])

    def _remove_token(self, token):
        self.tokens.pop(token["pk"], None)
        if self.token_by_identifier.get(token["identifier"]) == token["pk"]:
            del self.token_by_identifier[token["identifier"]]
        if self.token_by_key.get(token["key"]) == token["pk"]:
            del self.token_by_key[token["key"]]
        if token["managed"] is not None and self.token_by_managed.get(token["managed"]) == token["pk"]:
            del self.token_by_managed[token["managed"]]
        self.tokens_by_user.get(token["user"], set()).discard(token["pk"])

    def _token_obj(self, token):
        return {
            "pk": token["pk"], "managed": token["managed"], "identifier": token["identifier"], "intent": token["intent"],
            "user": token["user"], "user_obj": self._user_obj(token["user"]), "description": token["description"],
            "expires": fmt_dt(token["expires"]), "expiring": token["expiring"],
        }

    def _find_token(self, req, identifier):
        """The token a caller may see: a superuser every token, another user his own (expired ones too)."""
        pk = self.token_by_identifier.get(identifier)
        token = self.tokens.get(pk) if pk else None
        if token is None or (not req.user["is_superuser"] and token["user"] != req.user["pk"]):
            raise _detail(404, "No Token matches the given query.")
        return token

    def _tokens_list(self, req):
        errors = {}
        identifier = req.param("identifier")
        if identifier is not None:
            pk = self.token_by_identifier.get(identifier)
            candidates = [self.tokens[pk]] if pk else []
        elif req.param("user__username") is not None:
            users = [u["pk"] for u in self.users.values() if u["username"] == req.param("user__username")]
            candidates = [self.tokens[pk] for u in users for pk in self.tokens_by_user.get(u, ())]
        elif not req.user["is_superuser"]:
            candidates = [self.tokens[pk] for pk in self.tokens_by_user.get(req.user["pk"], ())]
        else:
            candidates = list(self.tokens.values())
        items = candidates
        if not req.user["is_superuser"]:
            items = [t for t in items if t["user"] == req.user["pk"]]
        username = req.param("user__username")
        if username is not None:
            items = [t for t in items if self.users[t["user"]]["username"] == username]
        intent = req.param("intent")
        if intent is not None:
            if intent not in TOKEN_INTENTS:
                errors["intent"] = ["Select a valid choice. %s is not one of the available choices." % intent]
            items = [t for t in items if t["intent"] == intent]
        for name in ("description", "managed"):
            value = req.param(name)
            if value is not None:
                items = [t for t in items if t[name] == value]
        expires = req.param("expires")
        if expires is not None:
            try:
                wanted = parse_dt(expires)
            except ValueError:
                errors["expires"] = ["Enter a valid date/time."]
            else:
                items = [t for t in items if t["expires"] == wanted]
        expiring = req.param("expiring")
        if expiring is not None and _bool_filter(expiring) is not None:
            items = [t for t in items if t["expiring"] == _bool_filter(expiring)]
        self._filter_errors(errors)
        search = req.param("search")
        if search:
            terms = _search_terms(search)
            items = [t for t in items if _matches_search(terms, (t["identifier"], t["intent"], self.users[t["user"]]["username"],
                                                                 t["description"]))]
        items = _sort(items, req.param("ordering"), {
            "identifier": lambda t: t["identifier"], "expires": lambda t: t["expires"], "intent": lambda t: t["intent"],
            "description": lambda t: t["description"], "expiring": lambda t: t["expiring"], "managed": lambda t: t["managed"],
            "user": lambda t: t["user"], "pk": lambda t: t["pk"]}, ["identifier", "expires"])
        return 200, self._paginate(req, items, self._token_obj), "PaginatedTokenList"

    def _token_get(self, req, ident):
        return 200, self._token_obj(self._find_token(req, ident)), "Token"

    def _token_fields(self, req, body, partial, instance):
        fields = _Fields(body, partial)
        identifier = fields.string("identifier", required=True, max_length=255)
        if identifier is not None:
            problems = fields.errors.setdefault("identifier", [])
            other = self.token_by_identifier.get(identifier)
            if other is not None and (instance is None or other != instance["pk"]):
                problems.insert(0, "Token with this identifier already exists.")
            if not SLUG_RE.match(identifier):
                problems.append('Enter a valid "slug" consisting of letters, numbers, underscores or hyphens.')
            if not problems:
                del fields.errors["identifier"]
        managed = fields.string("managed", allow_null=True)
        if managed is not None:
            other = self.token_by_managed.get(managed)
            if other is not None and (instance is None or other != instance["pk"]):
                fields.errors["managed"] = ["Token with this Managed by authentik already exists."]
        fields.choice("intent", TOKEN_INTENTS)
        fields.related("user", "int", lambda pk: pk in self.users)
        if instance is not None and fields.out.get("user", instance["user"]) != instance["user"]:
            fields.errors["user"] = ["User cannot be changed"]
        fields.string("description", allow_blank=True)
        fields.date_time("expires")
        fields.boolean("expiring")
        self._check_request(req, "PatchedTokenRequest" if partial else "TokenRequest", fields, ignore=("key",))
        return fields.out

    def _token_validate(self, req, attrs):
        """TokenSerializer.validate: the caller/api defaults (the trap), intent, expiry rules."""
        attrs.setdefault("user", req.user["pk"])
        attrs.setdefault("intent", "api")
        if attrs["intent"] not in ("api", "app_password"):
            raise ApiError(400, {"intent": ["Invalid intent %s" % attrs["intent"]]})
        now = utcnow()
        if attrs["intent"] == "app_password":
            maximum = now + self.max_token_lifetime
            if attrs.get("expires") is not None and attrs["expires"] > maximum:
                raise ApiError(400, {"expires": ["Token expires exceeds maximum lifetime (%s UTC)." % maximum]})
        else:
            attrs["expires"] = now + self.api_token_lifetime
        return attrs

    def _token_create(self, req):
        attrs = self._token_validate(req, self._token_fields(req, self._body(req), False, None))
        token = dict(pk=str(uuid.uuid4()), identifier=attrs["identifier"], key=secrets.token_urlsafe(45), intent=attrs["intent"],
                     user=attrs["user"], description=attrs.get("description", ""), expires=attrs.get("expires"),
                     expiring=attrs.get("expiring", True), managed=attrs.get("managed"))
        if not req.user["is_superuser"]:
            token["user"] = req.user["pk"]
            token["expiring"] = True
            token["owner_may_view_key"] = True  # authentik gives the creator view_token_key on this token
        self._save_token(token)
        return 201, self._token_obj(token), "Token"

    def _token_update(self, req, ident, partial):
        token = self._find_token(req, ident)
        attrs = self._token_validate(req, self._token_fields(req, self._body(req), partial, token))
        self._remove_token(token)
        token.update(attrs)
        self._save_token(token)
        return 200, self._token_obj(token), "Token"

    def _token_put(self, req, ident):
        return self._token_update(req, ident, False)

    def _token_patch(self, req, ident):
        return self._token_update(req, ident, True)

    def _token_delete(self, req, ident):
        self._remove_token(self._find_token(req, ident))
        return 204, None, None

    def _delete_user(self, pk):
        """A user's tokens go with the user."""
        for token_pk in list(self.tokens_by_user.get(pk, ())):
            self._remove_token(self.tokens[token_pk])
        super()._delete_user(pk)

    def _token_view_key(self, req, ident):
        token = self._find_token(req, ident)
        if not self._has_perm(req, "view_token_key") and not token.get("owner_may_view_key"):
            raise _detail(403, NO_PERMISSION)  # view_token_key: global, or on the tokens a user made himself
        return 200, {"key": token["key"]}, "TokenView"

    def _token_set_key(self, req, ident):
        if not self._has_perm(req, "set_token_key"):  # authentik's permission_required: global, else on the object
            self._find_token(req, ident)
            raise _detail(403, NO_PERMISSION)
        fields = _Fields(self._body(req), False)
        key = fields.string("key", required=True, trim=False)
        self._check_request(req, "TokenSetKeyRequest", fields)
        token = self._find_token(req, ident)
        self._remove_token(token)
        token["key"] = key
        self._add_token(token)
        return 204, None, None

    # ---------------------------------------------------------------- seeding (Python API)

    def seed_token(self, identifier, user=ADMIN_PK, intent="api", key=None, expiring=True, description="", expires=None,
                   managed=None):
        """Add a token without validation; returns its identifier. ``expires`` defaults to now + the default
        token duration (``api_token_lifetime``); a datetime or ISO string in the past makes it expired."""
        if isinstance(expires, str):
            expires = parse_dt(expires)
        with self.lock:
            if identifier in self.token_by_identifier:
                raise ValueError("token %r exists" % identifier)
            if user not in self.users:
                raise ValueError("no user %r" % user)
            if expires is None:
                expires = utcnow() + self.api_token_lifetime
            self._add_token(dict(pk=str(uuid.uuid4()), identifier=identifier, key=key or secrets.token_urlsafe(45), intent=intent,
                                 user=user, description=description, expires=expires, expiring=expiring, managed=managed))
        return identifier

    def seed_tokens(self, n, prefix="bulk-token", user=ADMIN_PK, intent="app_password", expiring=True):
        """Add ``n`` tokens ``<prefix>-00000`` ... quickly; returns their identifiers."""
        identifiers = ["%s-%05d" % (prefix, i) for i in range(n)]
        expires = utcnow() + self.api_token_lifetime
        with self.lock:
            if user not in self.users:
                raise ValueError("no user %r" % user)
            for identifier in identifiers:
                if identifier in self.token_by_identifier:
                    raise ValueError("token %r exists" % identifier)
                self._add_token(dict(pk=str(uuid.uuid4()), identifier=identifier, key=secrets.token_urlsafe(45), intent=intent,
                                     user=user, description="", expires=expires, expiring=expiring, managed=None))
        return identifiers

    def expire_token(self, identifier, ago=datetime.timedelta(hours=1)):
        """Make a token expire ``ago`` before now (``expiring`` true), as authentik's ORM can and its API cannot for an API
        token; returns the identifier."""
        with self.lock:
            token = self.tokens[self.token_by_identifier[identifier]]
            token.update(expires=utcnow() - ago, expiring=True)
        return identifier

    def clean_expired(self):
        """authentik's cleanup task (``clean_expired_models``, every 5 minutes): an expired API token gets a new key and
        expires after the default lifetime, an expired app password is deleted; returns the identifiers it touched."""
        with self.lock:
            expired = [token for token in self.tokens.values() if self._expired(token)]
            for token in expired:
                self._remove_token(token)
                if token["intent"] == "api":
                    token.update(key=secrets.token_urlsafe(45), expires=utcnow() + self.api_token_lifetime)
                    self._add_token(token)
            return [token["identifier"] for token in expired]

    # ---------------------------------------------------------------- inspection (Python API)

    def get_token(self, identifier):
        """The token as the API shows it plus its ``key`` (expired ones too), or None."""
        with self.lock:
            pk = self.token_by_identifier.get(identifier)
            if pk is None:
                return None
            out = self._token_obj(self.tokens[pk])
            out["key"] = self.tokens[pk]["key"]
            return out
