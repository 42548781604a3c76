/*
 * embed.c: a C embedder of the Background Sync engine, through
 * include/background_sync.h. It drives one service worker through a scripted
 * day on a virtual clock, keeps the engine's mutations both in the bundled
 * SQLite store and in a database of its own (an array of byte strings),
 * restarts from each, and checks what hostile calls return.
 *
 *   embed <scratch directory>
 *
 * Prints one line per step; exits 0 only if every step matched.
 * Built and run by sync-core/ffi/tests/embed_examples.rs.
 */

#include "background_sync.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures = 0;

#define CHECK(cond, ...)                                   \
    do {                                                   \
        if (cond) {                                        \
            printf("ok    ");                              \
        } else {                                           \
            printf("FAIL  (line %d) ", __LINE__);          \
            failures++;                                    \
        }                                                  \
        printf(__VA_ARGS__);                               \
        printf("\n");                                      \
    } while (0)

#define ORIGIN "https://example.com"
#define SW 1
#define CLIENT 1
#define T0 UINT64_C(1700000000000)
#define MINUTE UINT64_C(60000)
#define HOUR (60 * MINUTE)

static bgsync_str text(const char *s) {
    bgsync_str r;
    r.ptr = (const uint8_t *)s;
    r.len = strlen(s);
    return r;
}

static const char *code(bgsync_result r) {
    return bgsync_result_name(r);
}

static void print_last_error(void) {
    char buf[512];
    size_t needed = 0;
    if (bgsync_last_error_message((uint8_t *)buf, sizeof buf, &needed) == BGSYNC_RESULT_OK) {
        printf("      last error: %s\n", buf);
    }
}

/* The embedder's own database: every PERSIST mutation, in order. */
typedef struct {
    uint8_t **rows;
    size_t *lens;
    size_t count;
    size_t cap;
} own_db;

static void own_db_append(own_db *db, const uint8_t *bytes, size_t len) {
    if (db->count == db->cap) {
        size_t cap = db->cap ? db->cap * 2 : 16;
        uint8_t **rows = (uint8_t **)realloc(db->rows, cap * sizeof *rows);
        size_t *lens = (size_t *)realloc(db->lens, cap * sizeof *lens);
        if (!rows || !lens) {
            fprintf(stderr, "out of memory\n");
            exit(2);
        }
        db->rows = rows;
        db->lens = lens;
        db->cap = cap;
    }
    uint8_t *copy = (uint8_t *)malloc(len ? len : 1);
    if (!copy) {
        fprintf(stderr, "out of memory\n");
        exit(2);
    }
    memcpy(copy, bytes, len);
    db->rows[db->count] = copy;
    db->lens[db->count] = len;
    db->count++;
}

static void own_db_free(own_db *db) {
    for (size_t i = 0; i < db->count; i++) free(db->rows[i]);
    free(db->rows);
    free(db->lens);
    memset(db, 0, sizeof *db);
}

/* What the last drain saw. */
typedef struct {
    bgsync_engine *engine;
    bgsync_store *store; /* may be NULL */
    own_db db;
    size_t db_committed; /* rows of db already in the store */
    uint64_t now;
    int replies;
    bgsync_reply_kind reply;
    bgsync_dom_error error;
    char tags[256];
    int dispatches;
    uint64_t event;
    uint32_t sync_kind;
    int last_chance;
    uint32_t attempt;
    char dispatched_tag[64];
    int persists;
    int logs;
    bgsync_result storage_error; /* the first failed commit, or OK */
    int withheld;                /* replies not released because their commit failed */
} world;

/* Group commit: every mutation not yet in the SQLite store, in one batch. */
static void commit(world *w) {
    size_t n = w->db.count - w->db_committed;
    if (!w->store || n == 0) {
        w->db_committed = w->db.count;
        return;
    }
    bgsync_bytes *batch = (bgsync_bytes *)calloc(n, sizeof *batch);
    if (!batch) exit(2);
    for (size_t i = 0; i < n; i++) {
        batch[i].ptr = w->db.rows[w->db_committed + i];
        batch[i].len = w->db.lens[w->db_committed + i];
    }
    bgsync_result r = bgsync_store_apply(w->store, batch, n);
    free(batch);
    if (r != BGSYNC_RESULT_OK && w->storage_error == BGSYNC_RESULT_OK) {
        printf("      store_apply failed: %s\n", code(r));
        print_last_error();
        w->storage_error = r;
    }
    w->db_committed = w->db.count;
}

static void drain(world *w) {
    w->replies = 0;
    w->dispatches = 0;
    w->tags[0] = '\0';
    bgsync_action a;
    for (;;) {
        bgsync_result r = bgsync_engine_poll_action(w->engine, &a);
        if (r != BGSYNC_RESULT_OK) {
            printf("FAIL  poll_action: %s\n", code(r));
            failures++;
            return;
        }
        if (a.kind == BGSYNC_ACTION_KIND_NONE) break;
        switch (a.kind) {
        case BGSYNC_ACTION_KIND_PERSIST:
            own_db_append(&w->db, a.mutation.ptr, a.mutation.len);
            w->persists++;
            break;
        case BGSYNC_ACTION_KIND_REPLY:
            commit(w); /* durable before the page hears back */
            if (w->storage_error != BGSYNC_RESULT_OK) {
                w->withheld++; /* not durable: never tell the page it worked */
                break;
            }
            w->replies++;
            w->reply = a.reply;
            w->error = a.error;
            for (size_t i = 0; i < a.tags_len; i++) {
                if (i) strncat(w->tags, ",", sizeof w->tags - strlen(w->tags) - 1);
                strncat(w->tags, (const char *)a.tags[i].ptr, sizeof w->tags - strlen(w->tags) - 1);
            }
            if (a.reply == BGSYNC_REPLY_KIND_REJECTED) {
                printf("      reply %llu rejected: %s: %s\n", (unsigned long long)a.request,
                       (const char *)a.error_name.ptr, (const char *)a.error_message.ptr);
            }
            break;
        case BGSYNC_ACTION_KIND_DISPATCH:
            w->dispatches++;
            w->event = a.event;
            w->sync_kind = a.sync_kind;
            w->last_chance = a.last_chance;
            w->attempt = a.attempt;
            snprintf(w->dispatched_tag, sizeof w->dispatched_tag, "%s", (const char *)a.tag.ptr);
            break;
        case BGSYNC_ACTION_KIND_LOG:
            w->logs++;
            printf("      log: %s \"%s\"", (const char *)a.log_name.ptr, (const char *)a.tag.ptr);
            for (size_t i = 0; i < a.metadata_len; i++) {
                printf(" [%s=%s]", (const char *)a.metadata[i].key.ptr, (const char *)a.metadata[i].value.ptr);
            }
            printf("\n");
            break;
        default:
            break;
        }
        bgsync_action_free(&a);
    }
    commit(w);
}

static bgsync_result feed(world *w, const bgsync_input *in, bgsync_handled *out) {
    bgsync_result r = bgsync_engine_handle(w->engine, w->now, in, out);
    drain(w);
    return r;
}

static bgsync_result set_network(world *w, int online) {
    bgsync_input in;
    memset(&in, 0, sizeof in);
    in.kind = BGSYNC_INPUT_KIND_NETWORK;
    in.online = (uint8_t)online;
    return feed(w, &in, NULL);
}

static bgsync_result open_client(world *w) {
    bgsync_input in;
    memset(&in, 0, sizeof in);
    in.kind = BGSYNC_INPUT_KIND_CLIENT_OPENED;
    in.client = CLIENT;
    in.origin = text(ORIGIN);
    in.frame = BGSYNC_FRAME_TYPE_TOP_LEVEL;
    return feed(w, &in, NULL);
}

static bgsync_result page_call(world *w, uint32_t kind, const char *tag, uint64_t min_interval, uint32_t sync_kind) {
    bgsync_input in;
    memset(&in, 0, sizeof in);
    in.kind = kind;
    in.caller = BGSYNC_CALLER_KIND_CLIENT;
    in.caller_id = CLIENT;
    in.sw = SW;
    in.tag = text(tag);
    in.min_interval_ms = min_interval;
    in.sync_kind = sync_kind;
    bgsync_handled h;
    bgsync_result r = feed(w, &in, &h);
    if (r == BGSYNC_RESULT_OK && h.kind != BGSYNC_HANDLED_KIND_REQUEST) {
        printf("FAIL  page call not handled as a request\n");
        failures++;
    }
    return r;
}

static bgsync_result finish(world *w, uint64_t event, uint32_t outcome) {
    bgsync_input in;
    memset(&in, 0, sizeof in);
    in.kind = BGSYNC_INPUT_KIND_EVENT_FINISHED;
    in.event = event;
    in.outcome = outcome;
    return feed(w, &in, NULL);
}

/* Sleeps (virtually) until the engine's next wake-up and handles it. */
static bgsync_wakeup advance(world *w) {
    bgsync_wakeup wake;
    memset(&wake, 0, sizeof wake);
    if (bgsync_engine_poll_timeout(w->engine, &wake) != BGSYNC_RESULT_OK || !wake.present) return wake;
    if (wake.at_ms > w->now) w->now = wake.at_ms;
    bgsync_engine_handle_timeout(w->engine, w->now);
    drain(w);
    return wake;
}

static size_t registrations(const bgsync_engine *engine) {
    size_t n = 0;
    if (bgsync_engine_registration_count(engine, &n) != BGSYNC_RESULT_OK) return (size_t)-1;
    return n;
}

static void scenario(const char *dir) {
    char db_path[1024];
    snprintf(db_path, sizeof db_path, "%s/embed-c.db", dir);
    remove(db_path);

    /* Policy from the same TOML text the Rust API reads. */
    const char *toml = "profile = \"chromium\"\n[oneshot]\nmax_attempts = 3\ninitial_retry_delay = \"5m\"\n";
    bgsync_policy *policy = NULL;
    bgsync_result r = bgsync_policy_from_toml((const uint8_t *)toml, strlen(toml), &policy);
    CHECK(r == BGSYNC_RESULT_OK && policy, "policy parsed from TOML (%s)", code(r));
    const char *bad_toml = "[oneshot]\nmax_attempts = 0\n";
    bgsync_policy *bad = NULL;
    r = bgsync_policy_from_toml((const uint8_t *)bad_toml, strlen(bad_toml), &bad);
    CHECK(r == BGSYNC_RESULT_POLICY_INVALID && bad == NULL, "unusable policy refused (%s)", code(r));
    print_last_error();

    world w;
    memset(&w, 0, sizeof w);
    w.now = T0;
    r = bgsync_store_open((const uint8_t *)db_path, strlen(db_path), &w.store);
    CHECK(r == BGSYNC_RESULT_OK, "SQLite store opened at %s (%s)", db_path, code(r));
    r = bgsync_engine_new(policy, w.now, &w.engine);
    CHECK(r == BGSYNC_RESULT_OK && w.engine, "engine created (%s)", code(r));

    bgsync_input in;
    memset(&in, 0, sizeof in);
    in.kind = BGSYNC_INPUT_KIND_ADD_WORKER;
    in.sw = SW;
    in.origin = text(ORIGIN);
    in.active = 1;
    r = feed(&w, &in, NULL);
    CHECK(r == BGSYNC_RESULT_OK, "service worker registration %d added (%s)", SW, code(r));
    r = open_client(&w);
    CHECK(r == BGSYNC_RESULT_OK, "window client opened (%s)", code(r));

    /* 1. Register while offline: resolved, not dispatched. */
    set_network(&w, 0);
    r = page_call(&w, BGSYNC_INPUT_KIND_REGISTER, "outbox", 0, 0);
    CHECK(r == BGSYNC_RESULT_OK && w.replies == 1 && w.reply == BGSYNC_REPLY_KIND_REGISTERED && w.dispatches == 0,
          "register(\"outbox\") while offline resolves and waits (%d persisted)", w.persists);

    /* 2. Go online: dispatched. */
    set_network(&w, 1);
    CHECK(w.dispatches == 1 && strcmp(w.dispatched_tag, "outbox") == 0 && !w.last_chance && w.attempt == 0,
          "going online dispatches sync \"outbox\" (attempt %u, lastChance %d)", w.attempt, w.last_chance);

    /* 3. Fail twice, succeed on lastChance. */
    r = finish(&w, w.event, BGSYNC_OUTCOME_REJECTED);
    CHECK(r == BGSYNC_RESULT_OK && w.dispatches == 0, "first attempt rejected (%s)", code(r));
    uint64_t before = w.now;
    bgsync_wakeup wake = advance(&w);
    CHECK(wake.present && wake.reason == BGSYNC_WAKE_REASON_BACK_OFF && wake.at_ms - before == 5 * MINUTE &&
              w.dispatches == 1 && w.attempt == 1 && !w.last_chance,
          "retry after 5 min back-off (attempt %u, lastChance %d)", w.attempt, w.last_chance);
    r = finish(&w, w.event, BGSYNC_OUTCOME_REJECTED);
    CHECK(r == BGSYNC_RESULT_OK, "second attempt rejected (%s)", code(r));
    before = w.now;
    wake = advance(&w);
    CHECK(wake.reason == BGSYNC_WAKE_REASON_BACK_OFF && wake.at_ms - before == 15 * MINUTE && w.dispatches == 1 &&
              w.attempt == 2 && w.last_chance,
          "third attempt after 15 min carries lastChance (attempt %u)", w.attempt);
    r = finish(&w, w.event, BGSYNC_OUTCOME_FULFILLED);
    CHECK(r == BGSYNC_RESULT_OK && registrations(w.engine) == 0, "lastChance attempt fulfilled; registration gone");
    r = finish(&w, w.event, BGSYNC_OUTCOME_FULFILLED);
    CHECK(r == BGSYNC_RESULT_EVENT_ALREADY_SETTLED, "reporting it again is refused (%s)", code(r));

    /* 4. Periodic registration. */
    memset(&in, 0, sizeof in);
    in.kind = BGSYNC_INPUT_KIND_PERMISSION;
    in.origin = text(ORIGIN);
    in.permission = BGSYNC_PERMISSION_PERIODIC_BACKGROUND_SYNC;
    in.permission_state = BGSYNC_PERMISSION_STATE_GRANTED;
    r = feed(&w, &in, NULL);
    CHECK(r == BGSYNC_RESULT_OK, "periodic-background-sync granted (%s)", code(r));
    r = page_call(&w, BGSYNC_INPUT_KIND_REGISTER_PERIODIC, "news", 12 * HOUR, 0);
    CHECK(r == BGSYNC_RESULT_OK && w.reply == BGSYNC_REPLY_KIND_REGISTERED,
          "periodicSync.register(\"news\", 12 h) resolves");
    uint64_t registered_at = w.now;
    int periodic_fired = 0;
    for (int i = 0; i < 8 && !periodic_fired; i++) {
        wake = advance(&w);
        if (!wake.present) break;
        periodic_fired = w.dispatches == 1 && w.sync_kind == BGSYNC_SYNC_KIND_PERIODIC &&
                         strcmp(w.dispatched_tag, "news") == 0;
    }
    CHECK(periodic_fired && w.now - registered_at >= 12 * HOUR,
          "periodicsync \"news\" dispatched %llu min after registering",
          (unsigned long long)((w.now - registered_at) / MINUTE));
    r = finish(&w, w.event, BGSYNC_OUTCOME_FULFILLED);
    CHECK(r == BGSYNC_RESULT_OK && registrations(w.engine) == 1, "periodic event fulfilled; it stays registered");

    /* 5. Restart from the SQLite store (and from the embedder's own rows). */
    set_network(&w, 0);
    r = page_call(&w, BGSYNC_INPUT_KIND_REGISTER, "later", 0, 0);
    CHECK(r == BGSYNC_RESULT_OK && w.reply == BGSYNC_REPLY_KIND_REGISTERED && registrations(w.engine) == 2,
          "register(\"later\") while offline; 2 registrations before the restart");
    bgsync_engine_free(&w.engine);
    CHECK(w.engine == NULL, "engine freed; the handle variable is NULL");
    bgsync_engine_free(&w.engine); /* a second free through the same variable is a no-op */
    bgsync_store_free(&w.store);
    w.now += HOUR;

    r = bgsync_store_open((const uint8_t *)db_path, strlen(db_path), &w.store);
    CHECK(r == BGSYNC_RESULT_OK, "store reopened (%s)", code(r));
    bgsync_snapshot *snapshot = NULL;
    r = bgsync_store_load(w.store, &snapshot);
    size_t stored = 0;
    bgsync_snapshot_registration_count(snapshot, &stored);
    CHECK(r == BGSYNC_RESULT_OK && stored == 2, "store holds %zu registrations (%s)", stored, code(r));

    bgsync_snapshot *own = NULL;
    bgsync_snapshot_new(&own);
    int replayed = 1;
    for (size_t i = 0; i < w.db.count; i++) {
        replayed &= bgsync_snapshot_apply(own, w.db.rows[i], w.db.lens[i]) == BGSYNC_RESULT_OK;
    }
    size_t own_count = 0;
    bgsync_snapshot_registration_count(own, &own_count);
    CHECK(replayed && own_count == 2, "replaying the %zu mutations of the embedder's own rows gives %zu registrations",
          w.db.count, own_count);
    bgsync_engine *from_own = NULL;
    r = bgsync_engine_restore(policy, w.now, own, &from_own);
    CHECK(r == BGSYNC_RESULT_OK && registrations(from_own) == 2, "engine restored from the embedder's rows (%s)",
          code(r));
    bgsync_engine_free(&from_own);
    bgsync_snapshot_free(&own);

    r = bgsync_engine_restore(policy, w.now, snapshot, &w.engine);
    bgsync_snapshot_free(&snapshot);
    CHECK(r == BGSYNC_RESULT_OK && registrations(w.engine) == 2, "engine restored from SQLite (%s)", code(r));
    set_network(&w, 0);
    open_client(&w);
    page_call(&w, BGSYNC_INPUT_KIND_GET_TAGS, "", 0, BGSYNC_SYNC_KIND_ONE_OFF);
    CHECK(w.reply == BGSYNC_REPLY_KIND_TAGS && strcmp(w.tags, "later") == 0, "sync.getTags() after restart: [%s]",
          w.tags);
    page_call(&w, BGSYNC_INPUT_KIND_GET_TAGS, "", 0, BGSYNC_SYNC_KIND_PERIODIC);
    CHECK(w.reply == BGSYNC_REPLY_KIND_TAGS && strcmp(w.tags, "news") == 0,
          "periodicSync.getTags() after restart: [%s]", w.tags);
    set_network(&w, 1);
    CHECK(w.dispatches == 1 && strcmp(w.dispatched_tag, "later") == 0, "online again: \"later\" dispatched");
    r = finish(&w, w.event, BGSYNC_OUTCOME_FULFILLED);
    CHECK(r == BGSYNC_RESULT_OK && registrations(w.engine) == 1, "\"later\" fulfilled");

    CHECK(w.storage_error == BGSYNC_RESULT_OK, "every commit so far landed in SQLite");

    /* 6. Storage errors: a corrupt file, undecodable bytes, then a full disk mid-run. */
    char corrupt_path[1024];
    snprintf(corrupt_path, sizeof corrupt_path, "%s/corrupt-c.db", dir);
    FILE *f = fopen(corrupt_path, "wb");
    if (f) {
        fputs("this is not a SQLite database, just bytes that look nothing like one.\n", f);
        fclose(f);
    }
    bgsync_store *corrupt = NULL;
    r = bgsync_store_open((const uint8_t *)corrupt_path, strlen(corrupt_path), &corrupt);
    CHECK(r == BGSYNC_RESULT_STORE_CORRUPT && corrupt == NULL, "opening a corrupt store file fails (%s)", code(r));
    print_last_error();
    uint8_t garbage[] = {BGSYNC_MUTATION_ENCODING_VERSION, 42};
    bgsync_bytes bad_batch[1] = {{garbage, sizeof garbage}};
    r = bgsync_store_apply(w.store, bad_batch, 1);
    CHECK(r == BGSYNC_RESULT_BAD_MUTATION, "a batch with undecodable mutation bytes is refused whole (%s)", code(r));
    print_last_error();

    uint64_t cap = 0;
    r = bgsync_store_set_size_limit(w.store, 0, &cap);
    CHECK(r == BGSYNC_RESULT_OK && cap > 0, "store capped at its current size, %llu bytes (a full disk)",
          (unsigned long long)cap);
    static char big_tag[8001];
    int tries = 0;
    while (w.storage_error == BGSYNC_RESULT_OK && tries < 50) {
        memset(big_tag, 'a' + tries % 26, sizeof big_tag - 1);
        big_tag[sizeof big_tag - 1] = '\0';
        page_call(&w, BGSYNC_INPUT_KIND_REGISTER, big_tag, 0, 0);
        tries++;
    }
    CHECK(w.storage_error == BGSYNC_RESULT_STORE_IO && w.withheld == 1,
          "a commit fails on the full disk (registration %d); its reply is withheld (%s)", tries,
          code(w.storage_error));
    memset(&in, 0, sizeof in);
    in.kind = BGSYNC_INPUT_KIND_STORAGE_FAILED;
    in.reason = text("disk full");
    r = feed(&w, &in, NULL);
    w.storage_error = BGSYNC_RESULT_OK; /* reported: the disabled engine's replies need no commit */
    bool disabled = false;
    bgsync_engine_is_disabled(w.engine, &disabled);
    CHECK(r == BGSYNC_RESULT_OK && disabled, "reported with STORAGE_FAILED: the engine disables itself");
    page_call(&w, BGSYNC_INPUT_KIND_REGISTER, "after-failure", 0, 0);
    CHECK(w.reply == BGSYNC_REPLY_KIND_REJECTED && w.error == BGSYNC_DOM_ERROR_UNKNOWN_ERROR,
          "register() while disabled rejects with UnknownError");

    bgsync_engine_free(&w.engine);
    bgsync_store_free(&w.store);
    bgsync_policy_free(&policy);
    bgsync_policy_free(&policy); /* no-op: already NULL */
    own_db_free(&w.db);
}

static void hostile(void) {
    bgsync_policy *policy = NULL;
    bgsync_policy_default(&policy);
    bgsync_engine *engine = NULL;
    bgsync_engine_new(policy, T0, &engine);
    bgsync_result r;
    bgsync_input in;

    r = bgsync_engine_new(NULL, T0, &engine);
    CHECK(r == BGSYNC_RESULT_NULL_PARAMETER, "engine_new(NULL policy) -> %s", code(r));
    r = bgsync_engine_new(policy, T0, NULL);
    CHECK(r == BGSYNC_RESULT_NULL_PARAMETER, "engine_new(NULL out) -> %s", code(r));
    memset(&in, 0, sizeof in);
    in.kind = BGSYNC_INPUT_KIND_NETWORK;
    r = bgsync_engine_handle(NULL, T0, &in, NULL);
    CHECK(r == BGSYNC_RESULT_NULL_PARAMETER, "handle(NULL engine) -> %s", code(r));
    r = bgsync_engine_handle(engine, T0, NULL, NULL);
    CHECK(r == BGSYNC_RESULT_NULL_PARAMETER, "handle(NULL input) -> %s", code(r));
    bgsync_action a;
    memset(&a, 0x5a, sizeof a); /* garbage: overwritten, never read */
    r = bgsync_engine_poll_action(NULL, &a);
    CHECK(r == BGSYNC_RESULT_NULL_PARAMETER && a.kind == BGSYNC_ACTION_KIND_NONE && a.owner == NULL,
          "poll_action(NULL engine) -> %s, action left NONE", code(r));
    r = bgsync_engine_poll_action(engine, NULL);
    CHECK(r == BGSYNC_RESULT_NULL_PARAMETER, "poll_action(NULL out) -> %s", code(r));
    r = bgsync_engine_poll_timeout(NULL, NULL);
    CHECK(r == BGSYNC_RESULT_NULL_PARAMETER, "poll_timeout(NULL, NULL) -> %s", code(r));
    r = bgsync_engine_handle_timeout(NULL, T0);
    CHECK(r == BGSYNC_RESULT_NULL_PARAMETER, "handle_timeout(NULL) -> %s", code(r));

    memset(&in, 0, sizeof in);
    in.kind = BGSYNC_INPUT_KIND_ADD_WORKER;
    in.sw = SW;
    in.origin.ptr = (const uint8_t *)"\xff\xfe\xfd";
    in.origin.len = 3;
    r = bgsync_engine_handle(engine, T0, &in, NULL);
    CHECK(r == BGSYNC_RESULT_INVALID_UTF8, "origin that is not UTF-8 -> %s", code(r));
    in.origin.ptr = (const uint8_t *)"x";
    in.origin.len = SIZE_MAX;
    r = bgsync_engine_handle(engine, T0, &in, NULL);
    CHECK(r == BGSYNC_RESULT_INVALID_ARGUMENT, "origin length SIZE_MAX -> %s", code(r));
    in.origin.len = (size_t)BGSYNC_MAX_INPUT_LEN + 1;
    r = bgsync_engine_handle(engine, T0, &in, NULL);
    CHECK(r == BGSYNC_RESULT_INVALID_ARGUMENT, "origin length BGSYNC_MAX_INPUT_LEN + 1 -> %s", code(r));
    in.origin.ptr = NULL;
    in.origin.len = 5;
    r = bgsync_engine_handle(engine, T0, &in, NULL);
    CHECK(r == BGSYNC_RESULT_NULL_PARAMETER, "origin NULL with length 5 -> %s", code(r));
    memset(&in, 0, sizeof in);
    r = bgsync_engine_handle(engine, T0, &in, NULL);
    CHECK(r == BGSYNC_RESULT_INVALID_ARGUMENT, "input kind 0 -> %s", code(r));
    in.kind = 0xdeadbeef;
    r = bgsync_engine_handle(engine, T0, &in, NULL);
    CHECK(r == BGSYNC_RESULT_INVALID_ARGUMENT, "input kind 0xdeadbeef -> %s", code(r));
    in.kind = BGSYNC_INPUT_KIND_EVENT_FINISHED;
    in.event = 1;
    in.outcome = 77;
    r = bgsync_engine_handle(engine, T0, &in, NULL);
    CHECK(r == BGSYNC_RESULT_INVALID_ARGUMENT, "outcome 77 -> %s", code(r));
    in.outcome = BGSYNC_OUTCOME_FULFILLED;
    in.event = 999999;
    r = bgsync_engine_handle(engine, T0, &in, NULL);
    CHECK(r == BGSYNC_RESULT_UNKNOWN_EVENT, "outcome of an event never dispatched -> %s", code(r));
    memset(&in, 0, sizeof in);
    in.kind = BGSYNC_INPUT_KIND_POWER;
    in.battery_percent = 101;
    r = bgsync_engine_handle(engine, T0, &in, NULL);
    CHECK(r == BGSYNC_RESULT_INVALID_ARGUMENT, "battery_percent 101 -> %s", code(r));
    memset(&in, 0, sizeof in);
    in.kind = BGSYNC_INPUT_KIND_REGISTER;
    in.caller = 7;
    r = bgsync_engine_handle(engine, T0, &in, NULL);
    CHECK(r == BGSYNC_RESULT_INVALID_ARGUMENT, "caller kind 7 -> %s", code(r));

    const uint8_t bad_utf8[] = {'p', 'r', 'o', 0xc3};
    bgsync_policy *p2 = NULL;
    r = bgsync_policy_from_json(bad_utf8, sizeof bad_utf8, &p2);
    CHECK(r == BGSYNC_RESULT_INVALID_UTF8 && p2 == NULL, "policy text that is not UTF-8 -> %s", code(r));
    r = bgsync_policy_from_json(NULL, 10, &p2);
    CHECK(r == BGSYNC_RESULT_NULL_PARAMETER, "policy text NULL with length 10 -> %s", code(r));

    /* The last error message: too small a buffer gets the size it needs. */
    size_t needed = 0;
    uint8_t tiny[4];
    r = bgsync_last_error_message(tiny, sizeof tiny, &needed);
    CHECK(r == BGSYNC_RESULT_BUFFER_TOO_SMALL && needed > sizeof tiny, "last_error_message(4 bytes) -> %s, needs %zu",
          code(r), needed);
    char *msg = (char *)malloc(needed);
    r = bgsync_last_error_message((uint8_t *)msg, needed, NULL);
    CHECK(r == BGSYNC_RESULT_OK && strlen(msg) + 1 == needed && strstr(msg, "NULL") != NULL,
          "last_error_message(%zu bytes): \"%s\"", needed, msg);
    free(msg);
    CHECK(strcmp(bgsync_result_name(12345), "BGSYNC_RESULT_UNKNOWN") == 0 &&
              strcmp(bgsync_result_name(BGSYNC_RESULT_PANIC), "BGSYNC_RESULT_PANIC") == 0,
          "bgsync_result_name names codes and unknown values");

    bgsync_snapshot *snap = NULL;
    bgsync_snapshot_new(&snap);
    const uint8_t future[] = {99, 1};
    r = bgsync_snapshot_apply(snap, future, sizeof future);
    CHECK(r == BGSYNC_RESULT_BAD_MUTATION, "mutation of encoding version 99 -> %s", code(r));
    r = bgsync_snapshot_apply(snap, NULL, 0);
    CHECK(r == BGSYNC_RESULT_BAD_MUTATION, "empty mutation -> %s", code(r));
    r = bgsync_snapshot_apply(NULL, future, sizeof future);
    CHECK(r == BGSYNC_RESULT_NULL_PARAMETER, "snapshot_apply(NULL snapshot) -> %s", code(r));
    r = bgsync_store_apply(NULL, NULL, 0);
    CHECK(r == BGSYNC_RESULT_NULL_PARAMETER, "store_apply(NULL store) -> %s", code(r));
    bgsync_store *store = NULL;
    r = bgsync_store_open(NULL, 3, &store);
    CHECK(r == BGSYNC_RESULT_NULL_PARAMETER && store == NULL, "store_open(NULL path, 3) -> %s", code(r));

    /* Frees: NULL and double frees through the same variable are no-ops. */
    bgsync_action_free(NULL);
    bgsync_action empty;
    memset(&empty, 0, sizeof empty);
    bgsync_action_free(&empty);
    bgsync_action_free(&empty);
    bgsync_engine_free(NULL);
    bgsync_store_free(NULL);
    bgsync_snapshot_free(NULL);
    bgsync_policy_free(NULL);
    bgsync_snapshot_free(&snap);
    bgsync_snapshot_free(&snap);
    bgsync_engine_free(&engine);
    bgsync_engine_free(&engine);
    bgsync_policy_free(&policy);
    CHECK(snap == NULL && engine == NULL && policy == NULL, "NULL frees and double frees are harmless");
}

int main(int argc, char **argv) {
    const char *dir = argc > 1 ? argv[1] : ".";
    printf("== embed.c: scenario\n");
    scenario(dir);
    printf("== embed.c: hostile calls\n");
    hostile();
    printf("== embed.c: %s (%d failed)\n", failures ? "FAILED" : "all steps matched", failures);
    return failures ? 1 : 0;
}
