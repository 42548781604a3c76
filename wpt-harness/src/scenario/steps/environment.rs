//! The environment: `client.open`, `client.close`, `network`, `power.set`,
//! `permission.set`, `permission.query`, `engagement.set`.

use super::{StepCx, only_arg, strip};
use crate::scenario::parse_initial::{battery_percent, client, network_state};
use crate::scenario::values::{engagement, origin, permission_name, permission_state};
use crate::scenario::{Action, NetworkChange, PowerChange};
use crate::yaml::{Node, NodeError, Value};
use sync_policy::NetworkState;

pub(super) fn parse(cx: &StepCx<'_>) -> Option<Result<Action, NodeError>> {
    Some(match cx.keyword {
        "client.open" => client_open(cx.args),
        "client.close" => only_arg(cx.args, "id").and_then(|n| Ok(Action::ClientClose(n.as_str()?.to_string()))),
        "network" => network(cx.args),
        "power.set" => power(cx.args),
        "permission.set" => permission_set(cx.args),
        "permission.query" => permission_query(cx),
        "engagement.set" => engagement_set(cx.args),
        _ => return None,
    })
}

fn client_open(args: &Node) -> Result<Action, NodeError> {
    let a = args.as_map()?;
    let id = a.require("id")?.as_str()?.to_string();
    let rest = strip(args, &["id"]);
    let c = client(&id, &rest, "https://a.test")?;
    if a.get("origin").is_none() {
        return Err(args.error("client.open needs `origin`"));
    }
    Ok(Action::ClientOpen(c))
}

fn network(args: &Node) -> Result<Action, NodeError> {
    Ok(Action::Network(NetworkChange(match &args.value {
        Value::Map(_) => {
            let a = args.as_map()?;
            a.only(&["online", "metered"])?;
            NetworkState {
                online: a.get("online").map(Node::as_bool).transpose()?.unwrap_or(true),
                metered: a.get("metered").map(Node::as_bool).transpose()?.unwrap_or(false),
            }
        }
        _ => network_state(args)?,
    })))
}

fn power(args: &Node) -> Result<Action, NodeError> {
    let a = args.as_map()?;
    a.only(&["battery_saver", "charging", "battery_percent"])?;
    Ok(Action::Power(PowerChange {
        battery_saver: a.get("battery_saver").map(Node::as_bool).transpose()?,
        charging: a.get("charging").map(Node::as_bool).transpose()?,
        battery_percent: a.get("battery_percent").map(battery_percent).transpose()?,
    }))
}

fn permission_set(args: &Node) -> Result<Action, NodeError> {
    let a = args.as_map()?;
    a.only(&["origin", "name", "state"])?;
    Ok(Action::PermissionSet {
        origin: origin(a.require("origin")?)?,
        name: permission_name(a.require("name")?)?,
        state: permission_state(a.require("state")?)?,
    })
}

fn permission_query(cx: &StepCx<'_>) -> Result<Action, NodeError> {
    let a = cx.args.as_map()?;
    a.only(&["origin", "name"])?;
    let e = cx.expect.ok_or_else(|| cx.node.error("permission.query needs `expect: {state_in: [...]}`"))?;
    let em = e.as_map()?;
    em.only(&["state_in", "state"])?;
    let states = match (em.get("state_in"), em.get("state")) {
        (Some(list), None) => list.as_seq()?.iter().map(permission_state).collect::<Result<Vec<_>, _>>()?,
        (None, Some(one)) => vec![permission_state(one)?],
        _ => return Err(e.error("give `state_in: [...]` or `state: ...`")),
    };
    Ok(Action::PermissionQuery {
        origin: origin(a.require("origin")?)?,
        name: permission_name(a.require("name")?)?,
        expect: states,
    })
}

fn engagement_set(args: &Node) -> Result<Action, NodeError> {
    let a = args.as_map()?;
    a.only(&["origin", "level"])?;
    Ok(Action::EngagementSet { origin: origin(a.require("origin")?)?, level: engagement(a.require("level")?)? })
}
