//! One adapter process: started with `sh -c`, spoken to in JSON lines, and
//! watched so that whatever it does (garbage, a crash, silence) becomes a
//! [`TargetError`] for the subtest in progress, never a harness failure.

use super::super::TargetError;
use crate::protocol::messages::{AdapterMessage, HarnessMessage};
use crate::protocol::schema::{Side, check};
use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How much of the adapter's stderr is kept for an `ERROR` message.
const STDERR_TAIL: usize = 2048;

/// A running adapter.
pub(super) struct AdapterProcess {
    child: Child,
    stdin: Option<ChildStdin>,
    lines: Receiver<std::io::Result<String>>,
    stderr: Arc<Mutex<VecDeque<u8>>>,
    timeout: Duration,
}

impl AdapterProcess {
    /// Starts `command` with `sh -c`.
    pub(super) fn start(command: &str, timeout: Duration) -> Result<AdapterProcess, TargetError> {
        let mut child = Command::new("sh")
            .arg("-c")
            .arg(command)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| TargetError::Broken(format!("cannot start the adapter `{command}`: {e}")))?;
        let stdout = child.stdout.take().ok_or_else(|| TargetError::Broken("the adapter has no stdout".into()))?;
        let (tx, lines) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let stop = line.is_err();
                if tx.send(line).is_err() || stop {
                    break;
                }
            }
        });
        let stderr = Arc::new(Mutex::new(VecDeque::new()));
        if let Some(mut pipe) = child.stderr.take() {
            let tail = Arc::clone(&stderr);
            std::thread::spawn(move || {
                let mut buf = [0u8; 1024];
                while let Ok(n) = pipe.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    if let Ok(mut t) = tail.lock() {
                        t.extend(&buf[..n]);
                        let excess = t.len().saturating_sub(STDERR_TAIL);
                        t.drain(..excess);
                    }
                }
            });
        }
        let stdin = child.stdin.take();
        Ok(AdapterProcess { child, stdin, lines, stderr, timeout })
    }

    /// Sends one message and waits for its answer, checked against the schema.
    pub(super) fn exchange(&mut self, message: &HarnessMessage) -> Result<AdapterMessage, TargetError> {
        let text = serde_json::to_string(message).map_err(|e| TargetError::Broken(format!("encoding: {e}")))?;
        let op = op_of(message);
        let sent = match self.stdin.as_mut() {
            Some(stdin) => writeln!(stdin, "{text}").and_then(|()| stdin.flush()).is_ok(),
            None => false,
        };
        if !sent {
            return Err(self.died(&format!("while sending `{op}`")));
        }
        let line = match self.lines.recv_timeout(self.timeout) {
            Ok(Ok(line)) => line,
            Ok(Err(e)) => return Err(TargetError::Broken(format!("reading the adapter's answer to `{op}`: {e}"))),
            Err(RecvTimeoutError::Timeout) => {
                return Err(TargetError::TimedOut(format!(
                    "the adapter did not answer `{op}` within {} s: {text}",
                    self.timeout.as_secs_f64()
                )));
            }
            Err(RecvTimeoutError::Disconnected) => return Err(self.died(&format!("before answering `{op}`"))),
        };
        let value: serde_json::Value = serde_json::from_str(&line)
            .map_err(|e| TargetError::Broken(format!("the adapter's answer to `{op}` is not JSON ({e}): {line}")))?;
        check(Side::Adapter, &value).map_err(|rule| {
            TargetError::Broken(format!("the adapter's answer to `{op}` breaks the protocol ({rule}): {line}"))
        })?;
        let answer: AdapterMessage = serde_json::from_value(value).map_err(|e| {
            TargetError::Broken(format!("the adapter's answer to `{op}` does not decode ({e}): {line}"))
        })?;
        if let AdapterMessage::Unsupported { message } = answer {
            return Err(TargetError::NotObservable(format!("the adapter does not support `{op}`: {message}")));
        }
        Ok(answer)
    }

    /// The error for an adapter that went away: its exit status and stderr's tail.
    fn died(&mut self, when: &str) -> TargetError {
        // Give a process that is exiting a moment to be reaped, without blocking on one that hangs.
        let mut status = None;
        for _ in 0..50 {
            match self.child.try_wait() {
                Ok(Some(s)) => {
                    status = Some(s);
                    break;
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(10)),
                Err(_) => break,
            }
        }
        let status = status.map_or_else(|| "still running, stdout closed".to_string(), |s| s.to_string());
        let tail = self
            .stderr
            .lock()
            .map(|mut t| String::from_utf8_lossy(t.make_contiguous()).into_owned())
            .unwrap_or_default();
        let tail = tail.trim();
        let tail = if tail.is_empty() { String::new() } else { format!("; its stderr ends: {tail}") };
        TargetError::Broken(format!("the adapter exited {when} ({status}){tail}"))
    }

    /// Says `bye` and makes sure the process is gone.
    pub(super) fn finish(mut self) {
        if let Some(mut stdin) = self.stdin.take() {
            let _ = writeln!(stdin, "{{\"op\":\"bye\"}}");
            let _ = stdin.flush();
        }
        for _ in 0..20 {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for AdapterProcess {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn op_of(message: &HarnessMessage) -> &'static str {
    match message {
        HarnessMessage::Hello { .. } => "hello",
        HarnessMessage::Begin { .. } => "begin",
        HarnessMessage::Input { .. } => "input",
        HarnessMessage::NextWakeup => "next-wakeup",
        HarnessMessage::Advance { .. } => "advance",
        HarnessMessage::Restart { .. } => "restart",
        HarnessMessage::StoreFault { .. } => "store-fault",
        HarnessMessage::Explain { .. } => "explain",
        HarnessMessage::QueryPermission { .. } => "query-permission",
        HarnessMessage::ApiSurface { .. } => "api-surface",
        HarnessMessage::ConstructEvent { .. } => "construct-event",
        HarnessMessage::CheckInvariants => "check-invariants",
        HarnessMessage::Bye => "bye",
    }
}
