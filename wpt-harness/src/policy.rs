//! Which policy a scenario runs under: the run's profile or the scenario's
//! pinned one ([`PolicySpec`], read from the scenario's `policy:` key), plus
//! the scenario's overrides.

use crate::yaml::Pos;
use std::fmt;
use std::path::PathBuf;
use sync_policy::{PolicyConfig, Profile};

/// The policy a scenario asks for.
///
/// Rule: a scenario that names a profile (`policy: chromium`, `policy: spec`,
/// or `policy: {profile: ..., ...}`) is pinned to it and `--profile` does not
/// change it. A scenario without one runs under the `--profile` of the run
/// (default `chromium`); overrides it lists are applied on top of either.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PolicySpec {
    /// The pinned profile, if any.
    pub profile: Option<Profile>,
    /// Overrides as a JSON object in `PolicyConfig`'s shape (possibly empty).
    pub overrides: serde_json::Map<String, serde_json::Value>,
    /// Where the `policy` key is, for errors found when the overrides are applied.
    pub pos: Pos,
}

/// The profile a run was asked for with `--profile`.
#[derive(Clone, Debug, PartialEq)]
pub enum RunProfile {
    /// A built-in profile.
    Builtin(Profile),
    /// A policy file (TOML or JSON), already loaded.
    File {
        /// The file.
        path: PathBuf,
        /// Its configuration.
        config: Box<PolicyConfig>,
    },
}

impl Default for RunProfile {
    fn default() -> Self {
        RunProfile::Builtin(Profile::Chromium)
    }
}

impl fmt::Display for RunProfile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RunProfile::Builtin(p) => f.write_str(p.name()),
            RunProfile::File { path, .. } => write!(f, "{}", path.display()),
        }
    }
}

impl RunProfile {
    /// The configuration of the profile.
    pub fn config(&self) -> PolicyConfig {
        match self {
            RunProfile::Builtin(p) => PolicyConfig::for_profile(*p),
            RunProfile::File { config, .. } => (**config).clone(),
        }
    }
}

/// The policy a scenario runs under, and the name to report it by.
///
/// A scenario that pins a profile gets that profile whatever the run asked
/// for; one that does not gets the run's. Its overrides apply on top.
pub fn resolve(spec: &PolicySpec, run: &RunProfile) -> Result<(PolicyConfig, String), String> {
    let (base, mut name) = match spec.profile {
        Some(p) => (PolicyConfig::for_profile(p), p.name().to_string()),
        None => (run.config(), run.to_string()),
    };
    if spec.overrides.is_empty() {
        return Ok((base, name));
    }
    let mut doc = serde_json::to_value(&base).map_err(|e| e.to_string())?;
    merge(&mut doc, serde_json::Value::Object(spec.overrides.clone()));
    let config: PolicyConfig = serde_json::from_value(doc).map_err(|e| format!("policy overrides: {e}"))?;
    sync_policy::validate(&config).map_err(|e| format!("policy overrides: {e}"))?;
    name.push_str(" + overrides");
    Ok((config, name))
}

/// Merges `overrides` into `base`: objects key by key, anything else replaces.
fn merge(base: &mut serde_json::Value, overrides: serde_json::Value) {
    match (base, overrides) {
        (serde_json::Value::Object(b), serde_json::Value::Object(o)) => {
            for (k, v) in o {
                match b.get_mut(&k) {
                    Some(slot) => merge(slot, v),
                    None => {
                        b.insert(k, v);
                    }
                }
            }
        }
        (slot, v) => *slot = v,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec(profile: Option<Profile>, overrides: serde_json::Value) -> PolicySpec {
        let serde_json::Value::Object(overrides) = overrides else { panic!("object") };
        PolicySpec { profile, overrides, pos: Default::default() }
    }

    #[test]
    fn pinned_profile_wins_over_the_run() {
        let (config, name) = resolve(&spec(Some(Profile::Spec), json!({})), &RunProfile::default()).unwrap();
        assert_eq!(config, PolicyConfig::spec());
        assert_eq!(name, "spec");
    }

    #[test]
    fn unpinned_uses_the_run_profile_with_overrides() {
        let run = RunProfile::Builtin(Profile::Spec);
        let (config, name) = resolve(&spec(None, json!({"oneshot": {"max_attempts": 5}})), &run).unwrap();
        assert_eq!(config.oneshot.max_attempts, 5);
        assert_eq!(config.register.tag_order, PolicyConfig::spec().register.tag_order);
        assert_eq!(name, "spec + overrides");
    }

    #[test]
    fn unknown_override_keys_are_rejected() {
        let err = resolve(&spec(None, json!({"oneshot": {"max_attempt": 5}})), &RunProfile::default()).unwrap_err();
        assert!(err.contains("max_attempt"), "{err}");
        let err = resolve(&spec(None, json!({"oneshot": {"max_attempts": 0}})), &RunProfile::default()).unwrap_err();
        assert!(err.contains("max_attempts"), "{err}");
    }
}
