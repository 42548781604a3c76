#!/usr/bin/env python3
"""An adapter for `wpt-harness run --target exec` (wpt-harness/PROTOCOL.md),
written in standard-library Python: it drives the engine through its C ABI
(sync-core/ffi, `background_sync.h`) with ctypes, persisting every mutation in
the bundled SQLite store through the same ABI.

It proves that the protocol and the ABI work from another language. The
library is found at $BGSYNC_LIB, else beside the workspace's release build
(target/release/libsync_ffi.so, .dylib or sync_ffi.dll).

The ABI has no `explain`, permission query, binding surface or invariant
check, so those capabilities are not announced and the subtests that need
them are reported NOTRUN with the reason.
"""
import ctypes as C
import json
import os
import sys
import tempfile
from pathlib import Path

PROTOCOL = 1

# ---------------------------------------------------------------- the C ABI


class Str(C.Structure):
    _fields_ = [("ptr", C.POINTER(C.c_uint8)), ("len", C.c_size_t)]

    def text(self):
        if not self.ptr or self.len == 0:
            return ""
        return C.string_at(self.ptr, self.len).decode("utf-8")


class Bytes(C.Structure):
    _fields_ = [("ptr", C.POINTER(C.c_uint8)), ("len", C.c_size_t)]


class Pair(C.Structure):
    _fields_ = [("key", Str), ("value", Str)]


class Action(C.Structure):
    _fields_ = [
        ("kind", C.c_uint32),
        ("mutation", Bytes),
        ("request", C.c_uint64),
        ("reply", C.c_uint32),
        ("tags", C.POINTER(Str)),
        ("tags_len", C.c_size_t),
        ("error", C.c_uint32),
        ("error_name", Str),
        ("error_message", Str),
        ("event", C.c_uint64),
        ("sw", C.c_uint64),
        ("origin", Str),
        ("tag", Str),
        ("sync_kind", C.c_uint32),
        ("last_chance", C.c_bool),
        ("deadline_ms", C.c_uint64),
        ("attempt", C.c_uint32),
        ("time_ms", C.c_uint64),
        ("log_event", C.c_uint32),
        ("log_name", Str),
        ("metadata", C.POINTER(Pair)),
        ("metadata_len", C.c_size_t),
        ("owner", C.c_void_p),
    ]


class Input(C.Structure):
    _fields_ = [
        ("kind", C.c_uint32),
        ("caller", C.c_uint32),
        ("caller_id", C.c_uint64),
        ("sw", C.c_uint64),
        ("client", C.c_uint64),
        ("event", C.c_uint64),
        ("sync_kind", C.c_uint32),
        ("permission", C.c_uint32),
        ("permission_state", C.c_uint32),
        ("engagement", C.c_uint32),
        ("frame", C.c_uint32),
        ("outcome", C.c_uint32),
        ("tag", Str),
        ("origin", Str),
        ("reason", Str),
        ("min_interval_ms", C.c_uint64),
        ("battery_percent", C.c_int32),
        ("online", C.c_uint8),
        ("metered", C.c_uint8),
        ("battery_saver", C.c_uint8),
        ("charging", C.c_uint8),
        ("active", C.c_uint8),
        ("offline", C.c_uint8),
        ("enabled", C.c_uint8),
        ("last_chance", C.c_uint8),
    ]


class Handled(C.Structure):
    _fields_ = [("kind", C.c_uint32), ("request", C.c_uint64), ("event", C.c_uint64)]


class Wakeup(C.Structure):
    _fields_ = [("present", C.c_bool), ("at_ms", C.c_uint64), ("reason", C.c_uint32)]


ACTION_NONE, ACTION_PERSIST, ACTION_REPLY, ACTION_DISPATCH, ACTION_LOG = 0, 1, 2, 3, 4
REPLY_REGISTERED, REPLY_TAGS, REPLY_UNREGISTERED, REPLY_REJECTED = 1, 2, 3, 4
HANDLED_REQUEST = 1
ONE_OFF, PERIODIC = 1, 2
KINDS = {"one-off": ONE_OFF, "periodic": PERIODIC}
KIND_NAMES = {ONE_OFF: "one-off", PERIODIC: "periodic"}
INPUT_KINDS = {
    "register": 1, "get-tags": 2, "register-periodic": 3, "unregister-periodic": 4,
    "network": 5, "power": 6, "permission": 7, "engagement": 8, "client-opened": 9,
    "client-closed": 10, "add-worker": 11, "worker-activated": 12, "worker-unregistered": 13,
    "origin-cleared": 14, "storage-failed": 15, "event-finished": 16, "emulate-offline": 17,
    "dispatch-now": 18, "storage-wiped": 19, "switch": 20, "dispatch-synthetic": 21,
}
PERMISSIONS = {"background-sync": 1, "periodic-background-sync": 2, "notifications": 3}
PERMISSION_STATES = {"granted": 1, "denied": 2, "prompt": 3, "unset": 4}
ENGAGEMENT = {"none": 1, "minimal": 2, "low": 3, "medium": 4, "high": 5, "max": 6}
FRAMES = {"top-level": 1, "auxiliary": 2, "nested": 3, "none": 4}
OUTCOMES = {"fulfilled": 1, "rejected": 2, "timed-out": 3, "worker-failed": 4}
# bgsync_result codes of refused inputs, as the protocol names them.
REFUSALS = {
    1: "unknown-event", 2: "event-already-settled", 3: "event-expired", 4: "unknown-worker",
    5: "worker-origin-mismatch", 6: "worker-already-active", 7: "unknown-client",
    8: "duplicate-client", 9: "unknown-registration", 10: "already-firing", 11: "offline",
    12: "disabled",
}


def load_library():
    path = os.environ.get("BGSYNC_LIB")
    if not path:
        release = Path(__file__).resolve().parents[3] / "target" / "release"
        for name in ("libsync_ffi.so", "libsync_ffi.dylib", "sync_ffi.dll"):
            if (release / name).exists():
                path = str(release / name)
                break
    if not path:
        sys.exit("adapter.py: set BGSYNC_LIB to the sync-ffi library (cargo build --release -p sync-ffi)")
    lib = C.CDLL(path)
    P = C.c_void_p
    sig = {
        "bgsync_policy_from_json": ([C.c_char_p, C.c_size_t, C.POINTER(P)]),
        "bgsync_policy_free": ([C.POINTER(P)]),
        "bgsync_engine_new": ([P, C.c_uint64, C.POINTER(P)]),
        "bgsync_engine_restore": ([P, C.c_uint64, P, C.POINTER(P)]),
        "bgsync_engine_free": ([C.POINTER(P)]),
        "bgsync_engine_handle": ([P, C.c_uint64, C.POINTER(Input), C.POINTER(Handled)]),
        "bgsync_engine_handle_timeout": ([P, C.c_uint64]),
        "bgsync_engine_poll_action": ([P, C.POINTER(Action)]),
        "bgsync_engine_poll_timeout": ([P, C.POINTER(Wakeup)]),
        "bgsync_action_free": ([C.POINTER(Action)]),
        "bgsync_store_open": ([C.c_char_p, C.c_size_t, C.POINTER(P)]),
        "bgsync_store_apply": ([P, C.POINTER(Bytes), C.c_size_t]),
        "bgsync_store_load": ([P, C.POINTER(P)]),
        "bgsync_store_free": ([C.POINTER(P)]),
        "bgsync_snapshot_free": ([C.POINTER(P)]),
        "bgsync_last_error_message": ([C.POINTER(C.c_uint8), C.c_size_t, C.POINTER(C.c_size_t)]),
    }
    for name, args in sig.items():
        fn = getattr(lib, name)
        fn.argtypes = args
        fn.restype = None if name.endswith("_free") else C.c_uint32
    return lib


LIB = load_library()


def last_error():
    buf = (C.c_uint8 * 4096)()
    needed = C.c_size_t(0)
    LIB.bgsync_last_error_message(buf, 4096, C.byref(needed))
    return bytes(buf[: min(needed.value, 4096)]).decode("utf-8", "replace").rstrip("\0")


def check(code, what):
    if code != 0:
        raise RuntimeError(f"{what} failed ({code}): {last_error()}")


# ---------------------------------------------------------------- one subtest's world


class World:
    """One engine, its SQLite store, and the environment announced to it."""

    def __init__(self, start, policy):
        self.now = start
        self.dir = tempfile.TemporaryDirectory(prefix="bgsync-py-")
        self.path = os.path.join(self.dir.name, "profile.db").encode()
        text = json.dumps(policy).encode()
        self.policy = C.c_void_p()
        check(LIB.bgsync_policy_from_json(text, len(text), C.byref(self.policy)), "policy")
        self.engine = C.c_void_p()
        check(LIB.bgsync_engine_new(self.policy, start, C.byref(self.engine)), "engine")
        self.store = C.c_void_p()
        check(LIB.bgsync_store_open(self.path, len(self.path), C.byref(self.store)), "store")
        self.observations = []
        self.replies = {}
        # What the embedder told the engine, told again after a restart.
        self.workers, self.clients, self.permissions, self.engagement = {}, {}, {}, {}
        # The embedder's Background Sync switch, announced again after a restart.
        self.switch = {"enabled": True}
        self.network = {"online": True, "metered": False}
        self.power = {"battery_saver": False, "charging": True, "battery_percent": None}

    def close(self):
        LIB.bgsync_engine_free(C.byref(self.engine))
        LIB.bgsync_store_free(C.byref(self.store))
        LIB.bgsync_policy_free(C.byref(self.policy))
        self.dir.cleanup()

    # -- actions, with persist-before-release: each mutation is committed before the next action
    def drain(self):
        action = Action()
        while True:
            check(LIB.bgsync_engine_poll_action(self.engine, C.byref(action)), "poll_action")
            kind = action.kind
            if kind == ACTION_NONE:
                return
            try:
                if kind == ACTION_PERSIST:
                    code = LIB.bgsync_store_apply(self.store, C.byref(action.mutation), 1)
                    if code != 0:
                        self.handle("storage-failed", {"reason": last_error()})
                elif kind == ACTION_REPLY:
                    self.replies[action.request] = self.reply_of(action)
                elif kind == ACTION_DISPATCH:
                    self.observations.append({"dispatch": {
                        "event": action.event, "sw": action.sw, "kind": KIND_NAMES[action.sync_kind],
                        "tag": action.tag.text(),
                        "last_chance": action.last_chance if action.sync_kind == ONE_OFF else None,
                        "at": self.now, "deadline": action.deadline_ms}})
                elif kind == ACTION_LOG:
                    metadata = [[action.metadata[i].key.text(), action.metadata[i].value.text()]
                                for i in range(action.metadata_len)]
                    self.observations.append({"log": {
                        "at": action.time_ms, "sw": action.sw, "kind": KIND_NAMES[action.sync_kind],
                        "name": action.log_name.text(), "tag": action.tag.text(), "metadata": metadata}})
            finally:
                LIB.bgsync_action_free(C.byref(action))

    @staticmethod
    def reply_of(action):
        if action.reply in (REPLY_REGISTERED, REPLY_UNREGISTERED):
            return "resolved"
        if action.reply == REPLY_TAGS:
            return {"tags": [action.tags[i].text() for i in range(action.tags_len)]}
        return {"rejected": {"name": action.error_name.text(), "message": action.error_message.text()}}

    # -- inputs
    def handle(self, name, args):
        """Feeds one input; returns (reply or None, refusal kind or None)."""
        keep = []  # the encoded strings must outlive the call

        def s(text):
            raw = text.encode("utf-8")
            buf = (C.c_uint8 * max(len(raw), 1)).from_buffer_copy(raw or b"\0")
            keep.append(buf)
            return Str(C.cast(buf, C.POINTER(C.c_uint8)), len(raw))

        i = Input()
        i.kind = INPUT_KINDS[name]
        if isinstance(args, dict) and "caller" in args:
            caller = args["caller"]
            if caller == "embedder":
                i.caller = 3
            elif "client" in caller:
                i.caller, i.caller_id = 1, caller["client"]
            else:
                i.caller, i.caller_id = 2, caller["worker"]
        if name in ("client-closed",):
            i.client = args
        elif name in ("worker-activated", "worker-unregistered"):
            i.sw = args
        elif name == "origin-cleared":
            i.origin = s(args)
        else:
            a = args
            i.sw = a.get("sw", 0)
            i.client = a.get("client", 0)
            i.event = a.get("event", 0)
            if "kind" in a:
                i.sync_kind = KINDS[a["kind"]]
            if "tag" in a:
                i.tag = s(a["tag"])
            if "origin" in a:
                i.origin = s(a["origin"])
            if "reason" in a:
                i.reason = s(a["reason"])
            i.min_interval_ms = a.get("min_interval", 0)
            if name == "network":
                i.online, i.metered = int(a["online"]), int(a["metered"])
            if name == "power":
                i.battery_saver, i.charging = int(a["battery_saver"]), int(a["charging"])
                p = a.get("battery_percent")
                i.battery_percent = -1 if p is None else p
            if name == "permission":
                i.permission, i.permission_state = PERMISSIONS[a["name"]], PERMISSION_STATES[a["state"]]
            if name == "engagement":
                i.engagement = ENGAGEMENT[a["level"]]
            if name == "client-opened":
                i.frame = FRAMES[a["frame"]]
            if name == "add-worker":
                i.active = int(a["active"])
            if name == "event-finished":
                i.outcome = OUTCOMES[a["outcome"]]
            if name == "emulate-offline":
                i.offline = int(a["offline"])
            if name == "switch":
                i.enabled = int(a["enabled"])
            if name == "dispatch-synthetic":
                i.last_chance = int(a["last_chance"])
        handled = Handled()
        code = LIB.bgsync_engine_handle(self.engine, self.now, C.byref(i), C.byref(handled))
        if code in REFUSALS:
            self.drain()
            return None, (REFUSALS[code], last_error())
        check(code, f"handle {name}")
        self.remember(name, args)
        self.drain()
        if handled.kind == HANDLED_REQUEST:
            return self.replies.pop(handled.request), None
        return None, None

    def remember(self, name, a):
        if name == "add-worker":
            self.workers[a["sw"]] = (a["origin"], a["active"])
        elif name == "worker-activated" and a in self.workers:
            self.workers[a] = (self.workers[a][0], True)
        elif name == "worker-unregistered":
            self.workers.pop(a, None)
        elif name == "client-opened":
            self.clients[a["client"]] = (a["origin"], a["frame"])
        elif name == "client-closed":
            self.clients.pop(a, None)
        elif name == "network":
            self.network = a
        elif name == "power":
            self.power = a
        elif name == "permission":
            self.permissions[(a["origin"], PERMISSIONS[a["name"]])] = a
        elif name == "engagement":
            self.engagement[a["origin"]] = a
        elif name == "origin-cleared":
            self.workers = {sw: w for sw, w in self.workers.items() if w[0] != a}
        elif name == "switch":
            self.switch = a

    def advance(self, to):
        self.now = max(self.now, to)
        check(LIB.bgsync_engine_handle_timeout(self.engine, self.now), "handle_timeout")
        self.drain()

    def next_wakeup(self):
        w = Wakeup()
        check(LIB.bgsync_engine_poll_timeout(self.engine, C.byref(w)), "poll_timeout")
        return w.at_ms if w.present else None

    def restart(self, at):
        """The browser stops and starts again at `at` from its SQLite file."""
        self.drain()
        self.now = max(self.now, at)
        LIB.bgsync_engine_free(C.byref(self.engine))
        LIB.bgsync_store_free(C.byref(self.store))
        check(LIB.bgsync_store_open(self.path, len(self.path), C.byref(self.store)), "store reopen")
        snapshot = C.c_void_p()
        check(LIB.bgsync_store_load(self.store, C.byref(snapshot)), "store load")
        try:
            check(LIB.bgsync_engine_restore(self.policy, self.now, snapshot, C.byref(self.engine)), "restore")
        finally:
            LIB.bgsync_snapshot_free(C.byref(snapshot))
        self.replies.clear()
        # Tell the restored engine the environment again, as a browser does at start.
        announce = [("add-worker", {"sw": sw, "origin": o, "active": act})
                    for sw, (o, act) in sorted(self.workers.items())]
        announce += [("client-opened", {"client": c, "origin": o, "frame": f})
                     for c, (o, f) in sorted(self.clients.items())]
        announce += [("network", self.network), ("power", self.power)]
        announce += [("permission", p) for _, p in sorted(self.permissions.items())]
        announce += [("engagement", e) for _, e in sorted(self.engagement.items())]
        announce += [("switch", self.switch)]
        for name, args in announce:
            self.handle(name, args)
        self.drain()


# ---------------------------------------------------------------- the protocol


def send(message):
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def take(world):
    out, world.observations = world.observations, []
    return out


def main():
    world = None
    for line in sys.stdin:
        if not line.strip():
            continue
        msg = json.loads(line)
        op = msg["op"]
        if op == "hello":
            send({"op": "hello", "protocol": PROTOCOL,
                  "implementation": {"name": "background-sync via C ABI (Python ctypes)", "version": "1"},
                  "capabilities": {"restart": True, "devtools-log": True, "storage-faults": True,
                                   "dispatch-now": True, "embedder-switch": True, "offline-emulation": True, "power": True,
                                   "engagement": True}})
        elif op == "begin":
            if world:
                world.close()
            world = World(msg["start"], msg["policy"])
            send({"op": "ready"})
        elif op == "input":
            if msg["now"] > world.now:
                world.advance(msg["now"])
            ((name, args),) = msg["input"].items()
            reply, refused = world.handle(name, args)
            result = {"op": "result"}
            if refused:
                result["error"] = {"kind": refused[0], "message": refused[1]}
            elif reply is not None:
                result["reply"] = reply
            result["observations"] = take(world)
            send(result)
        elif op == "next-wakeup":
            send({"op": "wakeup", "at": world.next_wakeup()})
        elif op == "advance":
            world.advance(msg["to"])
            send({"op": "advanced", "observations": take(world)})
        elif op == "restart":
            world.restart(msg["at"])
            send({"op": "restarted", "observations": take(world)})
        elif op == "bye":
            break
        else:
            send({"op": "unsupported", "message": f"the C ABI has no `{op}`"})
    if world:
        world.close()


if __name__ == "__main__":
    main()
