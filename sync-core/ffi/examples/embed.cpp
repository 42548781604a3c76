// embed.cpp: a C++ embedder of the Background Sync engine, through a small
// RAII wrapper over include/background_sync.h (namespace bgsync below): each
// handle frees itself, each polled action releases its storage, and a failed
// call throws bgsync::Error with its code and message.
//
//   embed_cpp <scratch directory>
//
// Runs the same scripted day as embed.c; prints one line per step and exits 0
// only if every step matched. Built and run by tests/embed_examples.rs.

#include "background_sync.h"

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bgsync {

/// The calling thread's latest failure message.
inline std::string last_error() {
    size_t needed = 0;
    bgsync_last_error_message(nullptr, 0, &needed);
    std::string msg(needed, '\0');
    if (needed == 0 || bgsync_last_error_message(reinterpret_cast<uint8_t *>(msg.data()), needed, nullptr) !=
                           BGSYNC_RESULT_OK) {
        return {};
    }
    msg.resize(needed - 1);
    return msg;
}

/// A failed call: its code and message.
class Error : public std::runtime_error {
  public:
    Error(bgsync_result code, const std::string &what)
        : std::runtime_error(what + ": " + bgsync_result_name(code) + ": " + last_error()), code_(code) {}
    bgsync_result code() const { return code_; }

  private:
    bgsync_result code_;
};

inline void check(bgsync_result r, const char *what) {
    if (r != BGSYNC_RESULT_OK) throw Error(r, what);
}

inline bgsync_str str(std::string_view s) { return bgsync_str{reinterpret_cast<const uint8_t *>(s.data()), s.size()}; }
inline std::string_view view(bgsync_str s) { return {reinterpret_cast<const char *>(s.ptr), s.len}; }

/// An owned handle: freed (and set to NULL) by its `_free` on destruction.
template <typename T, void (*Free)(T **)> class Handle {
  public:
    Handle() = default;
    ~Handle() { Free(&ptr_); }
    Handle(Handle &&o) noexcept : ptr_(std::exchange(o.ptr_, nullptr)) {}
    Handle &operator=(Handle &&o) noexcept {
        if (this != &o) {
            Free(&ptr_);
            ptr_ = std::exchange(o.ptr_, nullptr);
        }
        return *this;
    }
    Handle(const Handle &) = delete;
    Handle &operator=(const Handle &) = delete;
    T *get() const { return ptr_; }
    /// For a `_new`-style out-parameter: frees what is held first.
    T **out() {
        Free(&ptr_);
        return &ptr_;
    }
    explicit operator bool() const { return ptr_ != nullptr; }

  private:
    T *ptr_ = nullptr;
};

class Policy {
  public:
    static Policy chromium() {
        Policy p;
        check(bgsync_policy_default(p.h_.out()), "policy_default");
        return p;
    }
    static Policy from_toml(std::string_view text) {
        Policy p;
        check(bgsync_policy_from_toml(str(text).ptr, text.size(), p.h_.out()), "policy_from_toml");
        return p;
    }
    static Policy from_json(std::string_view text) {
        Policy p;
        check(bgsync_policy_from_json(str(text).ptr, text.size(), p.h_.out()), "policy_from_json");
        return p;
    }
    const bgsync_policy *get() const { return h_.get(); }

  private:
    Handle<bgsync_policy, bgsync_policy_free> h_;
};

class Snapshot {
  public:
    static Snapshot empty() {
        Snapshot s;
        check(bgsync_snapshot_new(s.h_.out()), "snapshot_new");
        return s;
    }
    void apply(const std::vector<uint8_t> &mutation) {
        check(bgsync_snapshot_apply(h_.get(), mutation.data(), mutation.size()), "snapshot_apply");
    }
    size_t registrations() const {
        size_t n = 0;
        check(bgsync_snapshot_registration_count(h_.get(), &n), "snapshot_registration_count");
        return n;
    }
    const bgsync_snapshot *get() const { return h_.get(); }
    bgsync_snapshot **out() { return h_.out(); }

  private:
    Handle<bgsync_snapshot, bgsync_snapshot_free> h_;
};

class Store {
  public:
    static Store open(const std::string &path) {
        Store s;
        check(bgsync_store_open(str(path).ptr, path.size(), s.h_.out()), "store_open");
        return s;
    }
    /// One transaction for the whole batch.
    void apply(const std::vector<std::vector<uint8_t>> &batch) {
        std::vector<bgsync_bytes> views;
        for (const auto &m : batch) views.push_back(bgsync_bytes{m.data(), m.size()});
        check(bgsync_store_apply(h_.get(), views.data(), views.size()), "store_apply");
    }
    /// Caps the file at about `max_bytes` (never below its size): a full disk.
    uint64_t set_size_limit(uint64_t max_bytes) {
        uint64_t cap = 0;
        check(bgsync_store_set_size_limit(h_.get(), max_bytes, &cap), "store_set_size_limit");
        return cap;
    }
    Snapshot load() {
        Snapshot s;
        check(bgsync_store_load(h_.get(), s.out()), "store_load");
        return s;
    }

  private:
    Handle<bgsync_store, bgsync_store_free> h_;
};

/// One polled action; its storage is released on destruction or re-poll.
class Action {
  public:
    Action() { std::memset(&a_, 0, sizeof a_); }
    ~Action() { bgsync_action_free(&a_); }
    Action(const Action &) = delete;
    Action &operator=(const Action &) = delete;
    const bgsync_action *operator->() const { return &a_; }
    bgsync_action *out() {
        bgsync_action_free(&a_);
        return &a_;
    }

  private:
    bgsync_action a_;
};

class Engine {
  public:
    static Engine create(const Policy &policy, uint64_t now_ms) {
        Engine e;
        check(bgsync_engine_new(policy.get(), now_ms, e.h_.out()), "engine_new");
        return e;
    }
    static Engine restore(const Policy &policy, uint64_t now_ms, const Snapshot &snapshot) {
        Engine e;
        check(bgsync_engine_restore(policy.get(), now_ms, snapshot.get(), e.h_.out()), "engine_restore");
        return e;
    }
    /// Feeds one input; throws on refusal.
    bgsync_handled handle(uint64_t now_ms, const bgsync_input &in) {
        bgsync_handled h{};
        check(bgsync_engine_handle(h_.get(), now_ms, &in, &h), "engine_handle");
        return h;
    }
    /// The next action, or false when there is none.
    bool poll(Action &action) {
        check(bgsync_engine_poll_action(h_.get(), action.out()), "engine_poll_action");
        return action->kind != BGSYNC_ACTION_KIND_NONE;
    }
    std::optional<bgsync_wakeup> poll_timeout() const {
        bgsync_wakeup w{};
        check(bgsync_engine_poll_timeout(h_.get(), &w), "engine_poll_timeout");
        return w.present ? std::optional<bgsync_wakeup>(w) : std::nullopt;
    }
    void handle_timeout(uint64_t now_ms) { check(bgsync_engine_handle_timeout(h_.get(), now_ms), "handle_timeout"); }
    size_t registrations() const {
        size_t n = 0;
        check(bgsync_engine_registration_count(h_.get(), &n), "engine_registration_count");
        return n;
    }
    bool disabled() const {
        bool d = false;
        check(bgsync_engine_is_disabled(h_.get(), &d), "engine_is_disabled");
        return d;
    }
    explicit operator bool() const { return static_cast<bool>(h_); }

  private:
    Handle<bgsync_engine, bgsync_engine_free> h_;
};

} // namespace bgsync

namespace {

int failures = 0;

void step(bool ok, const std::string &what) {
    std::printf("%s%s\n", ok ? "ok    " : "FAIL  ", what.c_str());
    if (!ok) failures++;
}

constexpr const char *kOrigin = "https://example.com";
constexpr uint64_t kSw = 1;
constexpr uint64_t kClient = 1;
constexpr uint64_t kT0 = 1700000000000ull;
constexpr uint64_t kMinute = 60000;
constexpr uint64_t kHour = 60 * kMinute;

bgsync_input input(uint32_t kind) {
    bgsync_input in{};
    in.kind = kind;
    return in;
}

bgsync_input page_call(uint32_t kind, std::string_view tag) {
    bgsync_input in = input(kind);
    in.caller = BGSYNC_CALLER_KIND_CLIENT;
    in.caller_id = kClient;
    in.sw = kSw;
    in.tag = bgsync::str(tag);
    return in;
}

/// An embedder: the engine, the SQLite store, and its own rows of mutations.
struct World {
    World(bgsync::Engine e, bgsync::Store s) : engine(std::move(e)), store(std::move(s)) {}

    bgsync::Engine engine;
    std::optional<bgsync::Store> store;
    std::vector<std::vector<uint8_t>> own_rows;
    std::vector<std::vector<uint8_t>> pending;
    uint64_t now = kT0;
    // What the last drain saw.
    int replies = 0;
    bgsync_reply_kind reply = BGSYNC_REPLY_KIND_NONE;
    bgsync_dom_error error = BGSYNC_DOM_ERROR_NONE;
    std::string tags;
    int dispatches = 0;
    uint64_t event = 0;
    uint32_t sync_kind = 0;
    bool last_chance = false;
    uint32_t attempt = 0;
    std::string dispatched_tag;
    bgsync_result storage_error = BGSYNC_RESULT_OK; // the first failed commit
    int withheld = 0;                                // replies not released: their commit failed

    void commit() {
        try {
            if (store && !pending.empty()) store->apply(pending);
        } catch (const bgsync::Error &e) {
            std::printf("      commit failed: %s\n", e.what());
            if (storage_error == BGSYNC_RESULT_OK) storage_error = e.code();
        }
        pending.clear();
    }

    void drain() {
        replies = dispatches = 0;
        tags.clear();
        bgsync::Action a;
        while (engine.poll(a)) {
            switch (a->kind) {
            case BGSYNC_ACTION_KIND_PERSIST: {
                std::vector<uint8_t> bytes(a->mutation.ptr, a->mutation.ptr + a->mutation.len);
                own_rows.push_back(bytes);
                pending.push_back(std::move(bytes));
                break;
            }
            case BGSYNC_ACTION_KIND_REPLY:
                commit(); // durable before the page hears back
                if (storage_error != BGSYNC_RESULT_OK) {
                    withheld++; // not durable: never tell the page it worked
                    break;
                }
                replies++;
                reply = a->reply;
                error = a->error;
                for (size_t i = 0; i < a->tags_len; i++) {
                    if (i) tags += ",";
                    tags += bgsync::view(a->tags[i]);
                }
                break;
            case BGSYNC_ACTION_KIND_DISPATCH:
                dispatches++;
                event = a->event;
                sync_kind = a->sync_kind;
                last_chance = a->last_chance;
                attempt = a->attempt;
                dispatched_tag = std::string(bgsync::view(a->tag));
                break;
            case BGSYNC_ACTION_KIND_LOG:
                std::printf("      log: %s \"%s\"\n", std::string(bgsync::view(a->log_name)).c_str(),
                            std::string(bgsync::view(a->tag)).c_str());
                break;
            default:
                break;
            }
        }
        commit();
    }

    bgsync_handled feed(const bgsync_input &in) {
        bgsync_handled h = engine.handle(now, in);
        drain();
        return h;
    }

    void network(bool online) {
        bgsync_input in = input(BGSYNC_INPUT_KIND_NETWORK);
        in.online = online;
        feed(in);
    }

    void open_client() {
        bgsync_input in = input(BGSYNC_INPUT_KIND_CLIENT_OPENED);
        in.client = kClient;
        in.origin = bgsync::str(kOrigin);
        in.frame = BGSYNC_FRAME_TYPE_TOP_LEVEL;
        feed(in);
    }

    void finish(uint32_t outcome) {
        bgsync_input in = input(BGSYNC_INPUT_KIND_EVENT_FINISHED);
        in.event = event;
        in.outcome = outcome;
        feed(in);
    }

    std::optional<bgsync_wakeup> advance() {
        auto wake = engine.poll_timeout();
        if (!wake) return wake;
        if (wake->at_ms > now) now = wake->at_ms;
        engine.handle_timeout(now);
        drain();
        return wake;
    }
};

template <typename F> bgsync_result code_of(F &&f) {
    try {
        f();
        return BGSYNC_RESULT_OK;
    } catch (const bgsync::Error &e) {
        std::printf("      threw: %s\n", e.what());
        return e.code();
    }
}

void scenario(const std::string &dir) {
    const std::string db_path = dir + "/embed-cpp.db";
    std::remove(db_path.c_str());
    auto policy = bgsync::Policy::from_json(R"({"profile": "chromium", "oneshot": {"max_attempts": 3}})");
    step(true, "policy parsed from JSON");
    step(code_of([] { bgsync::Policy::from_json(R"({"oneshot": {"max_attempt": 3}})"); }) ==
             BGSYNC_RESULT_POLICY_INVALID,
         "a misspelt policy key is refused");

    World w{bgsync::Engine::create(policy, kT0), bgsync::Store::open(db_path)};
    bgsync_input in = input(BGSYNC_INPUT_KIND_ADD_WORKER);
    in.sw = kSw;
    in.origin = bgsync::str(kOrigin);
    in.active = 1;
    w.feed(in);
    w.open_client();
    step(code_of([&] { w.open_client(); }) == BGSYNC_RESULT_DUPLICATE_CLIENT, "opening the same client twice throws");

    w.network(false);
    auto h = w.feed(page_call(BGSYNC_INPUT_KIND_REGISTER, "outbox"));
    step(h.kind == BGSYNC_HANDLED_KIND_REQUEST && w.replies == 1 && w.reply == BGSYNC_REPLY_KIND_REGISTERED &&
             w.dispatches == 0,
         "register(\"outbox\") while offline resolves and waits");
    w.network(true);
    step(w.dispatches == 1 && w.dispatched_tag == "outbox" && !w.last_chance, "going online dispatches \"outbox\"");
    w.finish(BGSYNC_OUTCOME_REJECTED);
    auto wake = w.advance();
    step(wake && wake->reason == BGSYNC_WAKE_REASON_BACK_OFF && w.dispatches == 1 && w.attempt == 1 &&
             !w.last_chance,
         "first failure: retried after back-off");
    w.finish(BGSYNC_OUTCOME_REJECTED);
    wake = w.advance();
    step(wake && w.dispatches == 1 && w.attempt == 2 && w.last_chance, "second failure: third attempt is lastChance");
    w.finish(BGSYNC_OUTCOME_FULFILLED);
    step(w.engine.registrations() == 0, "lastChance attempt fulfilled; registration gone");

    in = input(BGSYNC_INPUT_KIND_PERMISSION);
    in.origin = bgsync::str(kOrigin);
    in.permission = BGSYNC_PERMISSION_PERIODIC_BACKGROUND_SYNC;
    in.permission_state = BGSYNC_PERMISSION_STATE_GRANTED;
    w.feed(in);
    bgsync_input periodic = page_call(BGSYNC_INPUT_KIND_REGISTER_PERIODIC, "news");
    periodic.min_interval_ms = 12 * kHour;
    w.feed(periodic);
    step(w.reply == BGSYNC_REPLY_KIND_REGISTERED, "periodicSync.register(\"news\", 12 h) resolves");
    uint64_t registered_at = w.now;
    bool fired = false;
    for (int i = 0; i < 8 && !fired; i++) {
        if (!w.advance()) break;
        fired = w.dispatches == 1 && w.sync_kind == BGSYNC_SYNC_KIND_PERIODIC && w.dispatched_tag == "news";
    }
    step(fired && w.now - registered_at >= 12 * kHour, "periodicsync \"news\" dispatched after its interval");
    w.finish(BGSYNC_OUTCOME_FULFILLED);

    w.network(false);
    w.feed(page_call(BGSYNC_INPUT_KIND_REGISTER, "later"));
    step(w.engine.registrations() == 2, "2 registrations before the restart");

    // Restart: every handle of the old process goes (RAII), then come back.
    w.engine = bgsync::Engine();
    w.store.reset();
    step(!w.engine, "engine released by assignment");
    w.now += kHour;
    w.store = bgsync::Store::open(db_path);
    auto snapshot = w.store->load();
    step(snapshot.registrations() == 2, "the SQLite store holds 2 registrations");
    auto own = bgsync::Snapshot::empty();
    for (const auto &row : w.own_rows) own.apply(row);
    step(own.registrations() == 2, "the embedder's own rows replay to 2 registrations");
    step(bgsync::Engine::restore(policy, w.now, own).registrations() == 2, "engine restored from the own rows");
    w.engine = bgsync::Engine::restore(policy, w.now, snapshot);
    w.network(false);
    w.open_client();
    bgsync_input get_tags = page_call(BGSYNC_INPUT_KIND_GET_TAGS, "");
    get_tags.sync_kind = BGSYNC_SYNC_KIND_ONE_OFF;
    w.feed(get_tags);
    step(w.reply == BGSYNC_REPLY_KIND_TAGS && w.tags == "later", "sync.getTags() after restart: [" + w.tags + "]");
    get_tags.sync_kind = BGSYNC_SYNC_KIND_PERIODIC;
    w.feed(get_tags);
    step(w.reply == BGSYNC_REPLY_KIND_TAGS && w.tags == "news", "periodicSync.getTags() after restart: [" + w.tags + "]");
    w.network(true);
    step(w.dispatches == 1 && w.dispatched_tag == "later", "online again: \"later\" dispatched");
    w.finish(BGSYNC_OUTCOME_FULFILLED);

    // A storage error.
    const std::string corrupt = dir + "/corrupt-cpp.db";
    std::ofstream(corrupt) << "definitely not a database, only some text bytes in a file\n";
    step(code_of([&] { bgsync::Store::open(corrupt); }) == BGSYNC_RESULT_STORE_CORRUPT,
         "opening a corrupt store file throws STORE_CORRUPT");
    step(code_of([&] { w.store->apply({{BGSYNC_MUTATION_ENCODING_VERSION, 1, 0xff}}); }) ==
             BGSYNC_RESULT_BAD_MUTATION,
         "a truncated mutation is refused");
    step(w.storage_error == BGSYNC_RESULT_OK, "every commit so far landed in SQLite");
    step(w.store->set_size_limit(0) > 0, "store capped at its current size (a full disk)");
    for (int i = 0; i < 50 && w.storage_error == BGSYNC_RESULT_OK; i++) {
        w.feed(page_call(BGSYNC_INPUT_KIND_REGISTER, std::string(8000, static_cast<char>('a' + i % 26))));
    }
    step(w.storage_error == BGSYNC_RESULT_STORE_IO && w.withheld == 1,
         "a commit fails on the full disk with STORE_IO; its reply is withheld");
    in = input(BGSYNC_INPUT_KIND_STORAGE_FAILED);
    in.reason = bgsync::str("disk full");
    w.feed(in);
    w.storage_error = BGSYNC_RESULT_OK; // reported: the disabled engine's replies need no commit
    w.feed(page_call(BGSYNC_INPUT_KIND_REGISTER, "after-failure"));
    step(w.engine.disabled() && w.reply == BGSYNC_REPLY_KIND_REJECTED && w.error == BGSYNC_DOM_ERROR_UNKNOWN_ERROR,
         "after a storage failure register() rejects with UnknownError");
}

void hostile() {
    auto engine = bgsync::Engine::create(bgsync::Policy::chromium(), kT0);
    bgsync_input in = page_call(BGSYNC_INPUT_KIND_REGISTER, "");
    in.tag = bgsync_str{reinterpret_cast<const uint8_t *>("\xc0\xaf"), 2};
    step(code_of([&] { engine.handle(kT0, in); }) == BGSYNC_RESULT_INVALID_UTF8, "overlong UTF-8 tag -> INVALID_UTF8");
    in.tag.len = SIZE_MAX / 2;
    step(code_of([&] { engine.handle(kT0, in); }) == BGSYNC_RESULT_INVALID_ARGUMENT, "huge tag length -> INVALID_ARGUMENT");
    in.kind = 99;
    step(code_of([&] { engine.handle(kT0, in); }) == BGSYNC_RESULT_INVALID_ARGUMENT, "input kind 99 -> INVALID_ARGUMENT");
    bgsync::Engine moved = std::move(engine);
    step(!engine && moved, "a moved-from engine holds NULL");
    step(code_of([&] { engine.registrations(); }) == BGSYNC_RESULT_NULL_PARAMETER,
         "calling through the moved-from (NULL) engine -> NULL_PARAMETER");
    bgsync::Action a;
    step(!moved.poll(a) && a->kind == BGSYNC_ACTION_KIND_NONE, "nothing to poll on an idle engine");
}

} // namespace

int main(int argc, char **argv) {
    const std::string dir = argc > 1 ? argv[1] : ".";
    try {
        std::printf("== embed.cpp: scenario\n");
        scenario(dir);
        std::printf("== embed.cpp: hostile calls\n");
        hostile();
    } catch (const std::exception &e) {
        std::printf("FAIL  unexpected exception: %s\n", e.what());
        failures++;
    }
    std::printf("== embed.cpp: %s (%d failed)\n", failures ? "FAILED" : "all steps matched", failures);
    return failures ? 1 : 0;
}
