//! Step names: the spellings the documentation uses, the older spellings
//! kept as aliases, and the checks that turn an unknown name into a
//! suggestion.
//!
//! Names are `family.verb` (`clock.advance`, `network.set`, `sw.activate`),
//! page calls are spelt as the JavaScript API (`sync.getTags`), and the
//! checks are single words (`events`, `logs`, `explain`, `assert`, `note`).

/// Every step, as documented.
pub(crate) const STEPS: &[&str] = &[
    // Page calls.
    "sync.register",
    "sync.getTags",
    "periodic.register",
    "periodic.unregister",
    "periodic.getTags",
    // Environment.
    "client.open",
    "client.close",
    "network.set",
    "power.set",
    "permission.set",
    "permission.query",
    "engagement.set",
    // Lifecycle.
    "sw.install",
    "sw.install_and_activate",
    "sw.activate",
    "sw.unregister",
    "sw.terminate",
    "origin.clear",
    "ua.restart",
    "ua.shutdown",
    "ua.start",
    "storage.fail",
    "storage.fail_next_write",
    "storage.fail_next_read",
    "storage.heal",
    "sw.storage_wiped",
    "embedder.switch",
    // Time and events.
    "clock.advance",
    "clock.advance_to",
    "events",
    "events.settle",
    "events.sequence",
    // DevTools.
    "devtools.emulate_offline",
    "devtools.dispatch_now",
    "devtools.dispatch",
    // Checks.
    "logs",
    "explain",
    "assert",
    "note",
    "bind.shape",
    "bind.construct",
    // Control.
    "repeat",
];

/// Older spellings, still accepted: (alias, documented name).
pub(crate) const ALIASES: &[(&str, &str)] = &[
    ("network", "network.set"),
    ("settle", "events.settle"),
    ("expect_sequence", "events.sequence"),
    ("emulate_offline", "devtools.emulate_offline"),
    ("dispatch_now", "devtools.dispatch_now"),
];

/// The documented name of a step spelt `word` (itself when it is not an alias).
pub(crate) fn documented(word: &str) -> &str {
    ALIASES.iter().find(|(alias, _)| *alias == word).map_or(word, |(_, name)| name)
}

/// The spelling the step families match (the older one, for renamed steps).
pub(crate) fn internal(word: &str) -> &str {
    ALIASES.iter().find(|(_, name)| *name == word).map_or(word, |(alias, _)| alias)
}

/// Whether `word` names a step (documented or alias).
pub(crate) fn is_known(word: &str) -> bool {
    STEPS.contains(&word) || ALIASES.iter().any(|(alias, _)| *alias == word)
}

/// The message for an unknown step: a suggestion and the valid names.
pub(crate) fn unknown(word: &str) -> String {
    let everything = STEPS.iter().copied().chain(ALIASES.iter().map(|(a, _)| *a));
    let hint = match crate::scenario::suggest::closest(word, everything) {
        Some(close) => format!(" (did you mean `{}`?)", documented(close)),
        None => String::new(),
    };
    format!("unknown step `{word}`{hint}; steps are: {}", STEPS.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every keyword a step family matches is listed here (documented or as
    /// an alias), so that a new step gets suggestions and documentation.
    #[test]
    fn every_step_the_families_parse_is_listed() {
        let sources = [
            include_str!("page.rs"),
            include_str!("environment.rs"),
            include_str!("lifecycle.rs"),
            include_str!("events.rs"),
            include_str!("devtools.rs"),
            include_str!("checks.rs"),
        ];
        let mut missing = Vec::new();
        for source in sources {
            let Some(start) = source.find("match cx.keyword {") else { continue };
            let body = &source[start..];
            let body = &body[..body.find("\n        _ =>").unwrap_or(body.len())];
            for line in body.lines() {
                let line = line.trim_start();
                let Some(rest) = line.strip_prefix('"') else { continue };
                let Some(word) = rest.split('"').next() else { continue };
                if line.contains("=>") && !is_known(word) {
                    missing.push(word.to_string());
                }
            }
        }
        assert!(missing.is_empty(), "steps missing from names.rs: {missing:?}");
    }

    #[test]
    fn aliases_name_documented_steps() {
        for (alias, name) in ALIASES {
            assert!(STEPS.contains(name), "{alias} -> {name}");
            assert!(!STEPS.contains(alias), "{alias} is both");
            assert_eq!(internal(name), *alias);
        }
    }

    #[test]
    fn unknown_steps_get_a_suggestion_and_the_list() {
        let m = unknown("sync.regsiter");
        assert!(m.contains("did you mean `sync.register`?"), "{m}");
        assert!(m.contains("clock.advance, clock.advance_to"), "{m}");
        assert!(unknown("network.sett").contains("`network.set`"));
        assert!(unknown("dispatchnow").contains("`devtools.dispatch_now`"), "an alias suggests the documented name");
    }
}
