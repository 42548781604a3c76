//! The DevTools protocol over one plain websocket, with flattened sessions.
//!
//! Commands are sent with an id and answered in order of arrival; every
//! message that is not an answer is an event, kept in arrival order until
//! [`Cdp::take_events`]. Reads use a short socket timeout so that waiting
//! for an answer or pumping events until a deadline never blocks longer.

use serde_json::{Value, json};
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::io::ErrorKind;
use std::net::TcpStream;
use std::time::{Duration, Instant};
use tungstenite::{Message, WebSocket};

/// How long one command may take before the target counts as broken.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(30);

/// The longest a single socket read blocks.
const READ_SLICE: Duration = Duration::from_millis(20);

/// Why talking to Chromium failed.
#[derive(Debug, thiserror::Error)]
pub enum CdpError {
    /// The websocket could not be opened or broke.
    #[error("DevTools connection: {0}")]
    Connection(String),
    /// Chromium answered a command with an error.
    #[error("{method}: {message}")]
    Protocol {
        /// The command.
        method: String,
        /// Chromium's message.
        message: String,
    },
    /// No answer in time.
    #[error("{method}: no answer within {secs} s")]
    Timeout {
        /// The command.
        method: String,
        /// The limit.
        secs: u64,
    },
}

/// A command's answer: its id and its result or error message.
type Answer = (u64, Result<Value, String>);

/// One event from Chromium.
#[derive(Clone, Debug)]
pub struct CdpEvent {
    /// `Domain.event`.
    pub method: String,
    /// Its parameters.
    pub params: Value,
    /// When it was read.
    pub received: Instant,
}

/// A DevTools connection to the browser target.
pub struct Cdp {
    ws: RefCell<WebSocket<TcpStream>>,
    next_id: Cell<u64>,
    events: RefCell<VecDeque<CdpEvent>>,
}

fn host_port(url: &str) -> Result<&str, CdpError> {
    let rest = url.strip_prefix("ws://").ok_or_else(|| CdpError::Connection(format!("not a ws:// URL: {url}")))?;
    Ok(rest.split('/').next().unwrap_or(rest))
}

impl Cdp {
    /// Connects to `ws://host:port/devtools/browser/<id>`.
    pub fn connect(url: &str) -> Result<Cdp, CdpError> {
        let stream = TcpStream::connect(host_port(url)?).map_err(|e| CdpError::Connection(e.to_string()))?;
        stream.set_nodelay(true).map_err(|e| CdpError::Connection(e.to_string()))?;
        let (ws, _) = tungstenite::client(url, stream).map_err(|e| CdpError::Connection(e.to_string()))?;
        ws.get_ref().set_read_timeout(Some(READ_SLICE)).map_err(|e| CdpError::Connection(e.to_string()))?;
        Ok(Cdp { ws: RefCell::new(ws), next_id: Cell::new(1), events: RefCell::new(VecDeque::new()) })
    }

    /// Reads one message if one arrives within [`READ_SLICE`]; answers are
    /// returned, events are queued.
    fn read_one(&self) -> Result<Option<Answer>, CdpError> {
        let message = match self.ws.borrow_mut().read() {
            Ok(m) => m,
            Err(tungstenite::Error::Io(e)) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                return Ok(None);
            }
            Err(e) => return Err(CdpError::Connection(e.to_string())),
        };
        let text = match message {
            Message::Text(t) => t.to_string(),
            Message::Binary(b) => String::from_utf8_lossy(&b).into_owned(),
            Message::Close(_) => return Err(CdpError::Connection("Chromium closed the connection".into())),
            _ => return Ok(None),
        };
        let value: Value = serde_json::from_str(&text).map_err(|e| CdpError::Connection(e.to_string()))?;
        if let Some(id) = value.get("id").and_then(Value::as_u64) {
            let result = match value.get("error") {
                Some(err) => Err(err.get("message").and_then(Value::as_str).unwrap_or("error").to_string()),
                None => Ok(value.get("result").cloned().unwrap_or(Value::Null)),
            };
            return Ok(Some((id, result)));
        }
        if let Some(method) = value.get("method").and_then(Value::as_str) {
            self.events.borrow_mut().push_back(CdpEvent {
                method: method.to_string(),
                params: value.get("params").cloned().unwrap_or(Value::Null),
                received: Instant::now(),
            });
        }
        Ok(None)
    }

    /// Sends a command and waits for its answer (events that arrive meanwhile are queued).
    pub fn call(&self, session: Option<&str>, method: &str, params: Value) -> Result<Value, CdpError> {
        self.call_within(session, method, params, COMMAND_TIMEOUT)
    }

    /// [`Cdp::call`] with its own time limit.
    pub fn call_within(
        &self,
        session: Option<&str>,
        method: &str,
        params: Value,
        limit: Duration,
    ) -> Result<Value, CdpError> {
        let id = self.next_id.get();
        self.next_id.set(id + 1);
        let mut message = json!({"id": id, "method": method, "params": params});
        if let Some(s) = session {
            message["sessionId"] = Value::String(s.to_string());
        }
        self.ws
            .borrow_mut()
            .send(Message::text(message.to_string()))
            .map_err(|e| CdpError::Connection(e.to_string()))?;
        let deadline = Instant::now() + limit;
        while Instant::now() < deadline {
            if let Some((got, result)) = self.read_one()?
                && got == id
            {
                return result.map_err(|message| CdpError::Protocol { method: method.to_string(), message });
            }
        }
        Err(CdpError::Timeout { method: method.to_string(), secs: limit.as_secs() })
    }

    /// Reads whatever is already waiting, without blocking for more than one read slice.
    pub fn pump_once(&self) -> Result<(), CdpError> {
        self.read_one().map(|_| ())
    }

    /// The events read so far, oldest first.
    pub fn take_events(&self) -> Vec<CdpEvent> {
        self.events.borrow_mut().drain(..).collect()
    }
}
