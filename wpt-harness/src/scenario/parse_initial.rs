//! The `initial:` block: origins, workers, clients, permissions, network,
//! power, engagement and the clock at the start.
//!
//! Defaults (the defaults of WPT's background-sync helpers): origin A; R1 active on A; W1 a top-level
//! window of A; `background-sync` and `periodic-background-sync` granted;
//! online; charging; high engagement; t = 0. `sw` and `permissions` entries
//! merge into the defaults; `origins`, `clients` and `network` replace them.

use super::values::{duration, engagement, frame, origin, permission_name, permission_state};
use super::{ClientDecl, Initial, OriginDecl, WorkerDecl, WorkerState};
use crate::yaml::{Node, NodeError, Value};
use sync_policy::{Millis, NetworkState, PermissionName, PermissionState, PowerState};

const KEYS: &[&str] = &["origins", "sw", "clients", "permissions", "network", "power", "engagement", "clock"];

pub(super) fn initial(node: Option<&Node>) -> Result<Initial, NodeError> {
    let empty = Node { value: Value::Null, pos: Default::default() };
    let node = node.unwrap_or(&empty);
    let map = node.as_map()?;
    map.only(KEYS)?;
    let origins = match map.get("origins") {
        Some(n) => {
            let mut out = Vec::new();
            for item in n.as_seq()? {
                out.push(OriginDecl { name: item.as_str()?.to_string(), url: origin(item)? });
            }
            if out.is_empty() {
                return Err(n.error("`origins` needs at least one origin"));
            }
            out
        }
        None => vec![OriginDecl { name: "A".into(), url: "https://a.test".into() }],
    };
    let first = origins[0].url.clone();
    let workers = workers(map.get("sw"), &first)?;
    let clients = match map.get("clients") {
        Some(n) => clients(n, &first)?,
        None => vec![ClientDecl { name: "W1".into(), origin: first.clone(), frame: sync_policy::FrameType::TopLevel }],
    };
    let permissions = permissions(map.get("permissions"), &origins)?;
    let (network, offline_workers) = match map.get("network") {
        Some(n) => network(n)?,
        None => (NetworkState::default(), Vec::new()),
    };
    let power = match map.get("power") {
        Some(n) => power(n)?,
        None => PowerState::default(),
    };
    let engagement = match map.get("engagement") {
        Some(n) if matches!(n.value, Value::Map(_)) => {
            let m = n.as_map()?;
            let mut out = Vec::new();
            for (name, pos, v) in &m.entries {
                let url = super::values::origin_url(name)
                    .ok_or_else(|| NodeError::at(*pos, format!("unknown origin {name:?}")))?;
                out.push((url, engagement(v)?));
            }
            out
        }
        Some(n) => {
            let level = engagement(n)?;
            origins.iter().map(|o| (o.url.clone(), level)).collect()
        }
        None => Vec::new(),
    };
    let clock = map.get("clock").map(duration).transpose()?.unwrap_or(Millis::ZERO);
    Ok(Initial { origins, workers, clients, permissions, network, offline_workers, power, engagement, clock })
}

fn worker_state(node: &Node) -> Result<WorkerState, NodeError> {
    match node.as_str()? {
        "none" => Ok(WorkerState::None),
        "installing" => Ok(WorkerState::Installing),
        "waiting" => Ok(WorkerState::Waiting),
        "active" => Ok(WorkerState::Active),
        other => Err(node.error(format!("unknown worker state {other:?} (none, installing, waiting, active)"))),
    }
}

/// One worker declaration; `base` gives the fields not written.
pub(super) fn worker(name: &str, node: &Node, base: WorkerDecl) -> Result<WorkerDecl, NodeError> {
    let m = node.as_map()?;
    m.only(&["origin", "scope", "state"])?;
    let mut decl = base;
    decl.name = name.to_string();
    if let Some(o) = m.get("origin") {
        decl.origin = origin(o)?;
    }
    if let Some(s) = m.get("state") {
        decl.state = worker_state(s)?;
    }
    Ok(decl)
}

fn workers(node: Option<&Node>, first: &str) -> Result<Vec<WorkerDecl>, NodeError> {
    let default = WorkerDecl { name: "R1".into(), origin: first.to_string(), state: WorkerState::Active };
    let mut out = vec![default.clone()];
    let Some(node) = node else { return Ok(out) };
    for (name, _, body) in node.as_map()?.entries {
        let base = out.iter().find(|w| w.name == name).cloned().unwrap_or_else(|| WorkerDecl {
            name: name.clone(),
            origin: first.to_string(),
            state: WorkerState::Active,
        });
        let decl = worker(&name, body, base)?;
        match out.iter_mut().find(|w| w.name == name) {
            Some(slot) => *slot = decl,
            None => out.push(decl),
        }
    }
    Ok(out)
}

/// One client declaration.
pub(super) fn client(name: &str, node: &Node, first: &str) -> Result<ClientDecl, NodeError> {
    let m = node.as_map()?;
    m.only(&["origin", "frame", "controlled_by", "parent"])?;
    Ok(ClientDecl {
        name: name.to_string(),
        origin: m.get("origin").map(origin).transpose()?.unwrap_or_else(|| first.to_string()),
        frame: m.get("frame").map(frame).transpose()?.unwrap_or(sync_policy::FrameType::TopLevel),
    })
}

fn clients(node: &Node, first: &str) -> Result<Vec<ClientDecl>, NodeError> {
    let mut out: Vec<ClientDecl> = Vec::new();
    for (name, pos, body) in node.as_map()?.entries {
        if out.iter().any(|c| c.name == name) {
            return Err(NodeError::at(pos, format!("duplicate client {name:?}")));
        }
        out.push(client(&name, body, first)?);
    }
    Ok(out)
}

fn permissions(
    node: Option<&Node>,
    origins: &[OriginDecl],
) -> Result<Vec<(String, PermissionName, PermissionState)>, NodeError> {
    // Default: both sync permissions granted for every origin.
    let mut table: Vec<(String, PermissionName, PermissionState)> = Vec::new();
    for o in origins {
        table.push((o.url.clone(), PermissionName::BackgroundSync, PermissionState::Granted));
        table.push((o.url.clone(), PermissionName::PeriodicBackgroundSync, PermissionState::Granted));
    }
    let mut set = |origin: &str, name: PermissionName, state: PermissionState| match table
        .iter_mut()
        .find(|(o, n, _)| o == origin && *n == name)
    {
        Some(slot) => slot.2 = state,
        None => table.push((origin.to_string(), name, state)),
    };
    if let Some(node) = node {
        for (key, pos, value) in node.as_map()?.entries {
            let key_node = Node { value: Value::Str(key.clone()), pos };
            if let Some(url) = super::values::origin_url(&key) {
                for (name, npos, state) in value.as_map()?.entries {
                    let name = permission_name(&Node { value: Value::Str(name), pos: npos })?;
                    set(&url, name, permission_state(state)?);
                }
            } else {
                let name = permission_name(&key_node)?;
                let state = permission_state(value)?;
                for o in origins {
                    set(&o.url, name, state);
                }
            }
        }
    }
    Ok(table)
}

/// `online`, `offline`, `metered`, or `{online: bool, metered: bool, R1: offline}`.
pub(super) fn network_state(node: &Node) -> Result<NetworkState, NodeError> {
    match node.as_str()? {
        "online" => Ok(NetworkState { online: true, metered: false }),
        "offline" => Ok(NetworkState { online: false, metered: false }),
        "metered" => Ok(NetworkState { online: true, metered: true }),
        other => Err(node.error(format!("unknown network state {other:?} (online, offline, metered)"))),
    }
}

fn network(node: &Node) -> Result<(NetworkState, Vec<String>), NodeError> {
    if let Value::Str(_) = node.value {
        return Ok((network_state(node)?, Vec::new()));
    }
    let m = node.as_map()?;
    let mut state = NetworkState::default();
    let mut offline = Vec::new();
    for (key, _, value) in &m.entries {
        match key.as_str() {
            "online" => state.online = value.as_bool()?,
            "metered" => state.metered = value.as_bool()?,
            "ua" => state = network_state(value)?,
            worker => match value.as_str()? {
                "offline" => offline.push(worker.to_string()),
                "online" => {}
                other => return Err(value.error(format!("per-worker network is online or offline, not {other:?}"))),
            },
        }
    }
    Ok((state, offline))
}

fn power(node: &Node) -> Result<PowerState, NodeError> {
    let m = node.as_map()?;
    m.only(&["battery_saver", "charging", "battery_percent"])?;
    let mut p = PowerState::default();
    if let Some(v) = m.get("battery_saver") {
        p.battery_saver = v.as_bool()?;
    }
    if let Some(v) = m.get("charging") {
        p.charging = v.as_bool()?;
    }
    if let Some(v) = m.get("battery_percent") {
        p.battery_percent = battery_percent(v)?;
    }
    Ok(p)
}

/// A battery level 0..=100, or null for unknown.
pub(super) fn battery_percent(node: &Node) -> Result<Option<u8>, NodeError> {
    if node.value == Value::Null {
        return Ok(None);
    }
    let n = node.as_u64()?;
    u8::try_from(n).ok().filter(|p| *p <= 100).map(Some).ok_or_else(|| node.error("battery_percent is 0..=100"))
}
