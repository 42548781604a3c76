//! The JavaScript the target evaluates in pages and workers.
//!
//! Page-side calls run in an isolated world of the calling document, so they
//! need nothing from the page; each world keeps the registration objects it
//! has seen (`__bsRegs`), which is what a page that kept a
//! `ServiceWorkerRegistration` after `unregister()` would hold.

use crate::scenario::{Call, JsValue};
use serde_json::Value;
use sync_policy::SyncKind;

/// A Rust string as a JavaScript string literal.
pub fn string(s: &str) -> String {
    Value::String(s.to_string()).to_string()
}

/// A scenario value as a JavaScript expression.
pub fn value(v: &JsValue) -> String {
    match v {
        JsValue::Undefined => "undefined".into(),
        JsValue::Null => "null".into(),
        JsValue::Bool(b) => b.to_string(),
        JsValue::Number(n) => number(*n),
        JsValue::Str(s) => string(s),
        JsValue::Object(fields) => {
            let parts: Vec<String> = fields.iter().map(|(k, v)| format!("{}: {}", string(k), value(v))).collect();
            format!("({{{}}})", parts.join(", "))
        }
    }
}

fn number(n: f64) -> String {
    if n.is_nan() {
        "NaN".into()
    } else if n.is_infinite() {
        if n > 0.0 { "Infinity".into() } else { "-Infinity".into() }
    } else {
        format!("{n:?}")
    }
}

/// The `(op, tag, minInterval)` arguments of a call; `min_interval` is the
/// value to pass to Chromium (already compressed).
pub fn call_args(call: &Call, min_interval: Option<String>) -> (String, String, String) {
    let (op, tag) = match call {
        Call::SyncRegister { tag } => ("sync.register", tag.as_str()),
        Call::GetTags { kind: SyncKind::OneOff } => ("sync.getTags", ""),
        Call::GetTags { kind: SyncKind::Periodic } => ("periodic.getTags", ""),
        Call::PeriodicRegister { tag, .. } => ("periodic.register", tag.as_str()),
        Call::PeriodicUnregister { tag } => ("periodic.unregister", tag.as_str()),
    };
    (string(op), string(tag), min_interval.unwrap_or_else(|| "undefined".into()))
}

/// Fills the world's registration cache from `getRegistrations()`.
pub const CACHE_REGISTRATIONS: &str = r#"(async () => {
  self.__bsRegs = self.__bsRegs || {};
  for (const r of await navigator.serviceWorker.getRegistrations()) self.__bsRegs[r.scope] = r;
  return Object.keys(self.__bsRegs).length;
})()"#;

/// A page-side call on the registration at `scope`, from a document.
pub fn client_call(scope: &str, args: &(String, String, String)) -> String {
    let (op, tag, min_interval) = args;
    format!(
        r#"(async () => {{
  self.__bsRegs = self.__bsRegs || {{}};
  const scope = {scope};
  const fresh = await navigator.serviceWorker.getRegistration(scope);
  if (fresh && fresh.scope === scope) self.__bsRegs[scope] = fresh;
  const reg = self.__bsRegs[scope];
  if (!reg) return {{ missing: true }};
  const op = {op}, tag = {tag}, minInterval = {min_interval};
  try {{
    switch (op) {{
      case 'sync.register': await reg.sync.register(tag); return {{ ok: true }};
      case 'sync.getTags': return {{ tags: await reg.sync.getTags() }};
      case 'periodic.register':
        await (minInterval === undefined ? reg.periodicSync.register(tag) : reg.periodicSync.register(tag, {{ minInterval }}));
        return {{ ok: true }};
      case 'periodic.unregister': await reg.periodicSync.unregister(tag); return {{ ok: true }};
      case 'periodic.getTags': return {{ tags: await reg.periodicSync.getTags() }};
    }}
    return {{ name: 'HarnessError', message: 'unknown operation ' + op }};
  }} catch (e) {{
    return {{ name: e.name, message: e.message }};
  }}
}})()"#,
        scope = string(scope)
    )
}

/// A page-side call made by the service worker itself.
pub fn worker_call(args: &(String, String, String)) -> String {
    let (op, tag, min_interval) = args;
    format!("self.__bsCall({op}, {tag}, {min_interval})")
}

/// Registers the worker at `script` for `scope` and waits until it is active
/// (or installing, when `hold`).
pub fn register_worker(script: &str, scope: &str, hold: bool) -> String {
    let wait = if hold {
        "if (reg.installing || reg.waiting || reg.active) return 'installing';"
    } else {
        "if (reg.active) return 'active';"
    };
    format!(
        r#"(async () => {{
  const reg = await navigator.serviceWorker.register({script}, {{ scope: {scope} }});
  for (let i = 0; i < 500; i++) {{
    {wait}
    await new Promise((r) => setTimeout(r, 10));
  }}
  return 'timeout';
}})()"#,
        script = string(script),
        scope = string(scope)
    )
}

/// Lets the held installing worker at `scope` finish and waits until it is active.
pub fn activate_worker(scope: &str) -> String {
    format!(
        r#"(async () => {{
  const reg = await navigator.serviceWorker.getRegistration({scope});
  if (!reg) return 'missing';
  if (reg.installing) reg.installing.postMessage('bs-activate');
  for (let i = 0; i < 500; i++) {{
    if (reg.active) return 'active';
    await new Promise((r) => setTimeout(r, 10));
  }}
  return 'timeout';
}})()"#,
        scope = string(scope)
    )
}

/// `navigator.permissions.query`.
pub fn query_permission(name: &str) -> String {
    format!("navigator.permissions.query({{ name: {} }}).then((s) => s.state)", string(name))
}

/// Sets an origin's site engagement base score (run in chrome://site-engagement).
pub fn set_engagement(origin_url: &str, score: f64) -> String {
    format!(
        r#"(async () => {{
  const m = await import('chrome://site-engagement/site_engagement_details.mojom-webui.js');
  const p = m.SiteEngagementDetailsProvider.getRemote();
  p.setSiteEngagementBaseScoreForUrl({url}, {score});
  const info = (await p.getSiteEngagementDetails()).info;
  const row = info.find((i) => (i.origin.url || i.origin) === {url});
  return row ? row.totalScore : -1;
}})()"#,
        url = string(origin_url),
        score = number(score)
    )
}

/// The shape of `interface` in the current global scope:
/// `{present, ops: [[name, length]], attrs: [name]}`.
pub fn interface_shape(interface: &str) -> String {
    format!(
        r#"(() => {{
  const I = self[{name}];
  if (typeof I !== 'function') return {{ present: false, ops: [], attrs: [] }};
  const ops = [], attrs = [];
  // Members of a [Global] interface live on the global object itself.
  const holders = self instanceof I ? [I.prototype, self] : [I.prototype];
  for (const holder of holders) {{
    for (const key of Object.getOwnPropertyNames(holder)) {{
      if (key === 'constructor') continue;
      const d = Object.getOwnPropertyDescriptor(holder, key);
      if (d.get) attrs.push(key);
      else if (holder === I.prototype && typeof d.value === 'function') ops.push([key, d.value.length]);
    }}
  }}
  return {{ present: true, ops, attrs }};
}})()"#,
        name = string(interface)
    )
}

/// Whether a dedicated worker's global scope exposes `interface`.
pub fn exposed_in_dedicated_worker(interface: &str) -> String {
    format!(
        r#"new Promise((resolve) => {{
  const w = new Worker('/worker-probe.js');
  w.onmessage = (m) => {{ resolve(m.data.includes({name})); w.terminate(); }};
  w.onerror = () => resolve(false);
}})"#,
        name = string(interface)
    )
}

/// `new <interface>(...args)` and its own attribute values, or the exception name.
pub fn construct_event(interface: &str, args: &[JsValue]) -> String {
    let list: Vec<String> = args.iter().map(value).collect();
    format!(
        r#"(() => {{
  const I = self[{name}];
  let e;
  try {{ e = new I({args}); }} catch (x) {{ return {{ threw: x.name }}; }}
  const out = {{}};
  for (const key of Object.getOwnPropertyNames(I.prototype)) {{
    const d = Object.getOwnPropertyDescriptor(I.prototype, key);
    if (d.get) out[key] = e[key];
  }}
  return {{ values: out }};
}})()"#,
        name = string(interface),
        args = list.join(", ")
    )
}
