/*
 * leaky.c: the negative control of tests/embed_examples.rs. It polls one
 * action and never frees it, so valgrind and LeakSanitizer must report a
 * leak; if they did not, a clean run of the examples would prove nothing.
 */
#include "background_sync.h"

#include <string.h>

int main(void) {
    bgsync_policy *policy = NULL;
    bgsync_engine *engine = NULL;
    if (bgsync_policy_default(&policy) != BGSYNC_RESULT_OK) return 2;
    if (bgsync_engine_new(policy, 1700000000000ull, &engine) != BGSYNC_RESULT_OK) return 2;
    bgsync_input in;
    memset(&in, 0, sizeof in);
    in.kind = BGSYNC_INPUT_KIND_REGISTER;
    in.caller = BGSYNC_CALLER_KIND_EMBEDDER;
    in.sw = 1;
    in.tag.ptr = (const uint8_t *)"leak";
    in.tag.len = 4;
    if (bgsync_engine_handle(engine, 1700000000000ull, &in, NULL) != BGSYNC_RESULT_OK) return 2;
    bgsync_action action;
    if (bgsync_engine_poll_action(engine, &action) != BGSYNC_RESULT_OK) return 2;
    if (action.kind == BGSYNC_ACTION_KIND_NONE) return 2;
    /* Deliberately no bgsync_action_free(&action): forget the storage instead. */
    memset(&action, 0, sizeof action);
    bgsync_engine_free(&engine);
    bgsync_policy_free(&policy);
    return 0;
}
