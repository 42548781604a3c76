//! The profiles a simulation compares: `chromium`, `spec`, or a policy file
//! (TOML or JSON), resolved like the harness's `--profile`.

use super::error::SimError;
use std::path::Path;
use sync_policy::{PolicyConfig, Profile};

/// A named policy configuration.
#[derive(Clone, Debug, PartialEq)]
pub struct SimProfile {
    /// The name in reports: the built-in name, or the file's stem.
    pub name: String,
    /// The configuration.
    pub config: PolicyConfig,
}

impl SimProfile {
    /// A built-in profile.
    pub fn builtin(profile: Profile) -> SimProfile {
        SimProfile { name: profile.name().to_string(), config: PolicyConfig::for_profile(profile) }
    }

    /// Resolves a `--profile` argument: a built-in name or a policy file.
    pub fn resolve(arg: &str) -> Result<SimProfile, SimError> {
        if let Ok(p) = arg.parse::<Profile>() {
            return Ok(SimProfile::builtin(p));
        }
        let path = Path::new(arg);
        if !path.exists() {
            let message = "not chromium, spec, or an existing policy file".to_string();
            return Err(SimError::Profile { name: arg.to_string(), message });
        }
        let config = PolicyConfig::from_path(path)
            .map_err(|e| SimError::Profile { name: arg.to_string(), message: e.to_string() })?;
        let name = path.file_stem().map_or_else(|| arg.to_string(), |s| s.to_string_lossy().into_owned());
        Ok(SimProfile { name, config })
    }
}
