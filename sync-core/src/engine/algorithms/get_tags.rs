//! `getTags()` of both managers.
//!
//! Spec: <https://wicg.github.io/background-sync/spec/#dom-syncmanager-gettags>,
//! <https://wicg.github.io/periodic-background-sync/#dom-periodicsyncmanager-gettags>

use super::register::DISABLED;
use crate::action::{DomErrorName, ReplyValue};
use crate::engine::Engine;
use crate::ids::{Caller, RequestId, SwRegId, Tag};
use sync_policy::{Policy, SyncKind, TagOrder, Timestamp};

impl<P: Policy> Engine<P> {
    /// `registration.sync.getTags()` or `registration.periodicSync.getTags()`.
    ///
    /// Spec: <https://wicg.github.io/background-sync/spec/#dom-syncmanager-gettags>
    /// Spec: <https://wicg.github.io/periodic-background-sync/#dom-periodicsyncmanager-gettags>
    pub(in crate::engine) fn get_tags(
        &mut self,
        now: Timestamp,
        caller: Caller,
        sw: SwRegId,
        kind: SyncKind,
    ) -> RequestId {
        self.observe(now);
        let request = self.next_request();
        if self.refuses_calls() {
            self.reject(request, DomErrorName::UnknownError, DISABLED);
            return request;
        }
        // spec: getTags, step 1: the manager's service worker registration.
        let worker = self.table.worker(sw);
        if let Err(e) = self.check_caller(caller, worker.map(|w| w.origin())) {
            self.reply(request, Err(e));
            return request;
        }
        // spec: getTags, steps 2-3: every registration's tag, in list order.
        let mut tags: Vec<Tag> = worker
            .map(|_| {
                let ids = self.table.worker_registrations(sw, kind);
                ids.into_iter().filter_map(|id| self.table.get(id).map(|r| r.tag().clone())).collect()
            })
            .unwrap_or_default();
        // UA choice: order (sync-policy `tag_order`: insertion per spec, sorted in Chromium).
        if self.policy.tag_order() == TagOrder::Sorted {
            tags.sort();
        }
        // spec: getTags, step 4: resolve with the tags.
        self.reply(request, Ok(ReplyValue::Tags(tags)));
        request
    }
}
