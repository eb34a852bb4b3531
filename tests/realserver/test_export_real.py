# -*- coding: utf-8 -*-
# Copyright: (c) 2026, authentik.api contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""authentik.api.export_info's round trip on the real server: a setup made by examples/rac_end_to_end.yml and, beside
it, objects made with the API the way the admin pages make them (with settings the examples never use) is exported
with examples/export.yml; the file holds no secret and names the variables the secrets come from. Applied with
examples/apply_export.yml (and with --check --diff) it changes nothing; after everything exported is deleted, it makes
every object again with the same API answers (minus what the server generates); exported again, the file is
byte-identical; and a full export applies in check mode with no change. Everything made is deleted at the start and
the end (every name starts with the test's prefix)."""

from __future__ import annotations

import datetime
import json
import os
import re
import secrets
import time
import uuid

import yaml

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
RAC = os.path.join(REPO, "examples", "rac_end_to_end.yml")
EXPORT = os.path.join(REPO, "examples", "export.yml")
APPLY = os.path.join(REPO, "examples", "apply_export.yml")
FLOW = "default-provider-authorization-implicit-consent"
RDP_DEFAULT = "goauthentik.io/providers/rac/rdp-default"

#: what the server makes itself, so that it differs between an object and the same object made again
GENERATED = {"pk", "uuid", "num_pk", "id", "token_identifier", "uid", "avatar", "password_change_date", "last_updated",
             "date_joined", "last_login"}  # a token's key is compared: the task sets it from its variable


def var_part(text):
    return re.sub(r"_+", "_", re.sub(r"[^a-z0-9]", "_", str(text).lower())).strip("_") or "x"


def var(*parts):
    return "authentik_" + "_".join(var_part(part) for part in parts)


def one(items, what):
    assert len(items) == 1, "%s: %d found" % (what, len(items))
    return items[0]


def named(server, path, field, value, **params):
    return one([o for o in server.listing(path, search=value, **params) if o.get(field) == value], "%s %s" % (path, value))


def build(server, playbook, prefix, secret):
    """The setup: examples/rac_end_to_end.yml, then the objects an admin makes in the admin pages."""
    parent = server.ok("POST", "core/groups/", {"name": prefix + "-parent", "attributes": {"team": "ops"}})
    role = server.ok("POST", "rbac/roles/", {"name": prefix + "-role"})
    users = server.ok("POST", "core/groups/", {"name": prefix + "-users", "parents": [parent["pk"]], "roles": [role["pk"]]})
    hosts = ["%s-win%d" % (prefix, n) for n in (1, 2)]
    inventory = "[windows]\n" + "".join("%s ansible_host=10.31.0.%d\n" % (h, n) for n, h in enumerate(hosts, 1))
    run = playbook(RAC, "-e", json.dumps(dict(rac_name=prefix, rac_group=prefix + "-users",
                                              rac_rdp_password=secret["rac"])), inventory=inventory)
    assert run.rc == 0 and run.recap()["changed"] == 6, run.output[-4000:]

    flow = one(server.listing("flows/instances/", slug=FLOW), FLOW)
    rdp = one([m for m in server.listing("propertymappings/provider/rac/") if m.get("managed") == RDP_DEFAULT], RDP_DEFAULT)
    mapping = server.ok("POST", "propertymappings/provider/rac/", {
        "name": prefix + "-api-login", "expression": "return {}",
        "static_settings": {"username": "svc-api", "password": secret["mapping"], "domain": "CORP"}})
    provider = server.ok("POST", "providers/rac/", {
        "name": prefix + "-api-prov", "authorization_flow": flow["pk"], "property_mappings": [rdp["pk"]],
        "settings": {"enable-wallpaper": "true", "resize-method": "display-update", "gateway-password": secret["provider"]},
        "connection_expiry": "hours=4", "delete_token_on_disconnect": True})
    server.ok("POST", "rac/endpoints/", {
        "name": prefix + "-api-host", "provider": provider["pk"], "protocol": "rdp", "host": "10.31.1.1:3389",
        "auth_mode": "static", "property_mappings": [mapping["pk"]], "maximum_connections": 5,
        "settings": {"ignore-cert": "true", "username": "alice", "password": secret["endpoint"]}})
    app = server.ok("POST", "core/applications/", {
        "name": prefix + " API app", "slug": prefix + "-api-app", "provider": provider["pk"], "group": "Remote",
        "meta_launch_url": "https://launch.example.com/%s" % prefix, "meta_publisher": "Example Corp",
        "meta_description": "made in the admin pages", "open_in_new_tab": True, "policy_engine_mode": "all"})
    server.ok("POST", "policies/bindings/",
              {"target": app["pk"], "group": users["pk"], "negate": True, "timeout": 45, "order": 7, "enabled": True})
    defaults = server.ok("GET", "outposts/instances/default_settings/")["config"]
    server.ok("POST", "outposts/instances/",
              {"name": prefix + "-api-outpost", "type": "rac", "providers": [provider["pk"]],
               "config": dict(defaults, log_level="debug", refresh_interval="minutes=7")})
    alice = server.ok("POST", "core/users/", {"username": prefix + "-alice", "name": "Alice Export",
                                              "email": "alice@%s.example.com" % prefix, "groups": [users["pk"]],
                                              "attributes": {"desk": 7}, "path": "users/export"})
    server.ok("POST", "core/users/%s/set_password/" % alice["pk"], {"password": secret["user"]})
    server.ok("POST", "rbac/permissions/assigned_by_roles/%s/assign/" % role["pk"],
              {"permissions": ["authentik_core.view_application", "authentik_providers_rac.view_endpoint"]})
    server.ok("POST", "rbac/permissions/assigned_by_roles/%s/assign/" % role["pk"],
              {"permissions": ["authentik_core.change_application"], "model": "authentik_core.application",
               "object_pk": app["pk"]})
    expires = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(minutes=20)).replace(microsecond=0)
    server.ok("POST", "core/tokens/",
              {"identifier": prefix + "-apppw", "intent": "app_password", "user": alice["pk"],
               "description": "Alice's mail client", "expiring": True, "expires": expires.isoformat()})
    return prefix + "-apppw"


def locate(server, module, args):
    """The API answer of the object a task describes, with what the API keeps beside it (a role's permissions)."""
    if module == "rac_property_mapping":
        return named(server, "propertymappings/provider/rac/", "name", args["name"])
    if module == "rac_provider":
        return named(server, "providers/rac/", "name", args["name"])
    if module == "rac_endpoint":
        return one([e for e in server.listing("rac/endpoints/", search=args["name"], superuser_full_list="true")
                    if e["name"] == args["name"] and e["provider_obj"]["name"] == args["provider"]], args["name"])
    if module == "application":
        return server.ok("GET", "core/applications/%s/" % args["slug"])
    if module == "outpost":
        return named(server, "outposts/instances/", "name", args["name"])
    if module == "group":
        return server.ok("GET", "core/groups/%s/" % named(server, "core/groups/", "name", args["name"],
                                                          include_users="false")["pk"])
    if module == "user":
        return server.ok("GET", "core/users/%s/" % named(server, "core/users/", "username", args["username"])["pk"])
    if module == "rbac_role":
        role = named(server, "rbac/roles/", "name", args["name"])
        role["permissions"] = sorted("%s.%s" % (p["app_label"], p["codename"])
                                     for p in server.listing("rbac/permissions/", role=role["pk"]))
        role["object_permissions"] = sorted(
            ({"permission": "%s.%s" % (p["app_label"], p["codename"]), "model": p["model"], "object_pk": p["object_pk"]}
             for p in server.listing("rbac/permissions/roles/", uuid=role["pk"])), key=lambda p: json.dumps(p, sort_keys=True))
        return role
    if module == "core_token":
        token = server.ok("GET", "core/tokens/%s/" % args["identifier"])
        token["key"] = server.ok("GET", "core/tokens/%s/view_key/" % args["identifier"])["key"]
        return token
    if module == "policy_binding":
        if "application" in args:
            target = server.ok("GET", "core/applications/%s/" % args["application"])["pk"]
        else:
            target = locate(server, "rac_endpoint", dict(name=args["rac_endpoint"], provider=args["rac_provider"]))["pk"]
        subject = ("group", locate(server, "group", dict(name=args["group"]))["pk"]) if "group" in args else \
            ("user", locate(server, "user", dict(username=args["user"]))["pk"]) if "user" in args else (None, None)
        return one([b for b in server.listing("policies/bindings/", target=target)
                    if subject[0] is None or b.get(subject[0]) == subject[1]], "binding %s" % args)
    raise AssertionError("no lookup for %s" % module)


def snapshot(server, tasks):
    """{task name: (module, API answer)} of every object the tasks describe (the tasks that only add a role's
    object permissions at the end describe an object already listed)."""
    out = {}
    for task in tasks:
        [(module, args)] = [(k.split(".")[-1], v) for k, v in task.items() if k.startswith("authentik.api.")]
        if module == "rbac_role" and task["name"].endswith(": object_permissions"):
            continue
        out[task["name"]] = (module, locate(server, module, args))
    return out


def labels(snap):
    """Primary key -> a name that stays when the object is made again (references are compared by it)."""
    uuids, ints = {}, {"provider": {}, "user": {}}
    for name, (module, obj) in snap.items():
        key = "<%s>" % name
        if module in ("rac_provider",):
            ints["provider"][obj["pk"]] = key
        elif module == "user":
            ints["user"][obj["pk"]] = key
        else:
            uuids[str(obj["pk"])] = key
    return uuids, ints


UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
INT_REFS = {"provider": "provider", "providers": "provider", "backchannel_providers": "provider", "user": "user",
            "users": "user"}


def normal(value, maps, defaults, key=None):
    """An API answer without what the server generates, references by name, an outpost's config as it is in effect."""
    uuids, ints = maps
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if k in GENERATED or k.endswith("_obj"):
                continue
            if k == "config" and isinstance(v, dict) and "log_level" in dict(defaults, **v):
                v = dict(defaults, **v)
            out[k] = normal(v, maps, defaults, k)
        return out
    if isinstance(value, list):
        return sorted((normal(item, maps, defaults, key) for item in value), key=lambda item: json.dumps(item, sort_keys=True))
    if key in INT_REFS and isinstance(value, int) and not isinstance(value, bool):
        return ints[INT_REFS[key]].get(value, value)
    if isinstance(value, str):  # a primary key, or one inside a computed value (an endpoint's launch_url)
        return UUID.sub(lambda found: uuids.get(found.group(0), found.group(0)), value)
    return value


def differences(before, after, defaults):
    out = []
    maps_before, maps_after = labels(before), labels(after)
    for name in sorted(set(before) | set(after)):
        if name not in before or name not in after:
            out.append((name, "(the object)", name in before, name in after))
            continue
        one_, two = normal(before[name][1], maps_before, defaults), normal(after[name][1], maps_after, defaults)
        for field in sorted(set(one_) | set(two)):
            if one_.get(field, "(absent)") != two.get(field, "(absent)"):
                out.append((name, field, one_.get(field, "(absent)"), two.get(field, "(absent)")))
    return out


def raw_differences(before, after):
    """{module: fields} whose raw API answers differ (primary keys, references by primary key, generated values)."""
    out = {}
    for name in set(before) & set(after):
        module, one_ = before[name]
        two = after[name][1]
        out.setdefault(module, set()).update(field for field in set(one_) | set(two) if one_.get(field) != two.get(field))
    return dict((module, sorted(fields)) for module, fields in sorted(out.items()) if fields)


def changed_tasks(run):
    """The names of the tasks a run reports as changed."""
    out, task = [], None
    for line in run.stdout.splitlines():
        if line.startswith("TASK ["):
            task = line[6:].split("]")[0]
        elif line.startswith("changed:"):
            out.append(task)
    return out


def test_export_round_trip(server, playbook, proxy, tmp_path):
    prefix = "exp-%s" % uuid.uuid4().hex[:8]
    secret = dict((what, "%s-%s" % (what.capitalize(), secrets.token_urlsafe(16)))
                  for what in ("rac", "mapping", "provider", "endpoint", "user"))
    match = {"rac_provider": [prefix, prefix + "-api-prov"], "user": [prefix + "-alice"],
             "group": [prefix + "-parent", prefix + "-users"], "rbac_role": [prefix + "-role"]}
    times, numbers = {}, {}
    first_file, again_file = str(tmp_path / "export-1.yml"), str(tmp_path / "export-2.yml")
    server.remove_prefixed(prefix)
    try:
        start = time.monotonic()
        token = build(server, playbook, prefix, secret)
        times["build"] = time.monotonic() - start

        # 2. export
        export = playbook(EXPORT, "-e", json.dumps(dict(export_match=match, export_file=first_file)))
        assert export.rc == 0 and export.recap()["failed"] == 0, export.output[-4000:]
        times["export"] = export.seconds
        with open(first_file, encoding="utf-8") as handle:
            text = handle.read()
        for what, value in secret.items():
            assert value not in text and value not in export.output, "the %s secret is in the export" % what
        tasks = yaml.safe_load(text)
        modules = [k.split(".")[-1] for task in tasks for k in task if k.startswith("authentik.api.")]
        for task in tasks:
            [(module, args)] = [(k.split(".")[-1], v) for k, v in task.items() if k.startswith("authentik.api.")]
            ident = args.get("slug") or args.get("username") or args.get("identifier") or args.get("name")
            assert module == "policy_binding" or str(ident).startswith(prefix), "not ours: %s" % task
        numbers["tasks"] = dict((m, modules.count(m)) for m in sorted(set(modules)))
        assert numbers["tasks"] == {"application": 2, "core_token": 1, "group": 2, "outpost": 2, "policy_binding": 2,
                                    "rac_endpoint": 3, "rac_property_mapping": 2, "rac_provider": 2, "rbac_role": 2,
                                    "user": 1}, numbers["tasks"]
        key = server.ok("GET", "core/tokens/%s/view_key/" % token)["key"]
        values = {
            var("rac_property_mapping", prefix + " login", "static_settings", "password"): secret["rac"],
            var("rac_property_mapping", prefix + "-api-login", "static_settings", "password"): secret["mapping"],
            var("rac_provider", prefix + "-api-prov", "settings", "gateway-password"): secret["provider"],
            var("rac_endpoint", prefix + "-api-prov", prefix + "-api-host", "settings", "password"): secret["endpoint"],
            var("user", prefix + "-alice", "password"): secret["user"],
            var("core_token", token, "key"): key,
        }
        named_secrets = sorted(set(re.findall(r"(authentik_[a-z0-9_]+)\s+(?:\|\s+default\(omit\)|is\s+defined)", text)))
        assert named_secrets == sorted(values), named_secrets
        assert all(name in export.stdout for name in values), export.stdout[-3000:]  # secrets_to_define
        secrets_file = str(tmp_path / "secrets.json")
        with open(secrets_file, "w", encoding="utf-8") as handle:
            json.dump(values, handle)
        apply_args = ("-e", json.dumps(dict(export_file=first_file)), "-e", "@" + secrets_file)

        # 3. the export applied to the server it came from changes nothing
        check = playbook(APPLY, "--check", "--diff", *apply_args)
        assert check.rc == 0 and check.recap()["changed"] == 0 and check.recap()["failed"] == 0, check.output[-6000:]
        times["apply --check --diff"] = check.seconds
        same = playbook(APPLY, *apply_args)
        assert same.rc == 0 and same.recap()["changed"] == 0 and same.recap()["failed"] == 0, same.output[-6000:]
        times["apply"] = same.seconds
        for what, value in secret.items():
            assert value not in check.output + same.output, "the %s secret is in the output" % what

        # 4. everything exported deleted, then made again from the file
        defaults = server.ok("GET", "outposts/instances/default_settings/")["config"]
        recorded = snapshot(server, tasks)
        server.remove_prefixed(prefix)
        assert not any(server.listing(p, search=prefix) for p in ("providers/rac/", "core/applications/", "core/users/"))
        again = playbook(APPLY, *apply_args)
        assert again.rc == 0 and again.recap()["failed"] == 0, again.output[-6000:]
        times["apply on the emptied server"] = again.seconds
        numbers["changed on the emptied server"] = again.recap()["changed"]
        remade = snapshot(server, tasks)
        diffs = differences(recorded, remade, defaults)
        for name, field, old, new in diffs:
            print("differs after the round trip: %s %s: %r -> %r" % (name, field, old, new))
        for module, fields in raw_differences(recorded, remade).items():
            print("made again, %s differs only in primary keys, references and generated values: %s" % (
                module, ", ".join(fields)))
        for name, (module, obj) in sorted(recorded.items()):
            if module == "outpost":
                print("%s: config stored before %s, after %s (the same in effect)" % (
                    name, sorted(obj["config"]), sorted(remade[name][1]["config"])))
        assert diffs == [], diffs

        # 5. exported again: the same file
        # through a relay that counts the requests (authentik does not log them); the export does not depend on the URL
        before_count = proxy.counts()[0]
        second = playbook(EXPORT, "-e", json.dumps(dict(export_match=match, export_file=again_file)),
                          env={"AUTHENTIK_URL": proxy.url})
        assert second.rc == 0, second.output[-4000:]
        numbers["export requests"] = proxy.counts()[0] - before_count
        with open(again_file, encoding="utf-8") as handle:
            assert handle.read() == text, "the second export differs from the first"
        times["export again"] = second.seconds

        # 6. a full export applies in check mode with no change
        full_file = str(tmp_path / "full.yml")
        for attempt in (1, 2):  # other tests may change the shared server between the export and the check
            full = playbook(EXPORT, "-e", json.dumps(dict(export_file=full_file)))
            assert full.rc == 0, full.output[-4000:]
            check_full = playbook(APPLY, "--check", "-e", json.dumps(dict(export_file=full_file)))
            if check_full.rc == 0 and check_full.recap()["changed"] == 0 or attempt == 2:
                break
            print("full export, attempt %d: changed %s" % (attempt, changed_tasks(check_full)))
        assert check_full.rc == 0 and check_full.recap()["changed"] == 0, (changed_tasks(check_full), check_full.output[-6000:])
        with open(full_file, encoding="utf-8") as handle:
            full_text = handle.read()
        assert not [what for what, value in dict(secret, key=key).items() if value in full_text]
        numbers["full export tasks"] = len(yaml.safe_load(full_text) or [])
        times["full export"], times["full apply --check"] = full.seconds, check_full.seconds
    finally:
        server.remove_prefixed(prefix)
        print("export round trip: %s; %s" % (", ".join("%s %.1f s" % item for item in times.items()),
                                             ", ".join("%s %s" % item for item in numbers.items())))
    assert not [u for u in server.listing("core/users/", search=prefix) if u["username"].startswith(prefix)]
