//! The HTTP server the pages and service workers come from.
//!
//! Each scenario origin gets its own port on 127.0.0.1: ports make distinct
//! origins of one site, so an iframe of one origin inside a page of another
//! shares its storage partition (no third-party partitioning), as the
//! scenarios' origins on distinct hosts would in a real browser. Every port
//! serves the same files from `wpt-harness/chromium/`, built into the binary.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

const SW_JS: &str = include_str!("../../../chromium/sw.js");
const CLIENT_HTML: &str = include_str!("../../../chromium/client.html");
const WORKER_PROBE_JS: &str = include_str!("../../../chromium/worker-probe.js");

/// The body and content type served for a request path, if any.
pub fn asset(path: &str) -> Option<(&'static str, &'static str)> {
    let path = path.split('?').next().unwrap_or(path);
    if path.ends_with("/sw.js") {
        return Some(("text/javascript", SW_JS));
    }
    match path {
        "/client.html" => Some(("text/html; charset=utf-8", CLIENT_HTML)),
        "/worker-probe.js" => Some(("text/javascript", WORKER_PROBE_JS)),
        _ => None,
    }
}

fn respond(mut stream: TcpStream) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut line = String::new();
    let mut reader = BufReader::new(match stream.try_clone() {
        Ok(s) => s,
        Err(_) => return,
    });
    if reader.read_line(&mut line).is_err() {
        return;
    }
    // Skip the headers.
    let mut header = String::new();
    while reader.read_line(&mut header).is_ok_and(|n| n > 2) {
        header.clear();
    }
    let path = line.split_whitespace().nth(1).unwrap_or("/");
    let (status, kind, body) = match asset(path) {
        Some((kind, body)) => ("200 OK", kind, body),
        None => ("404 Not Found", "text/plain", "not found"),
    };
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(body.as_bytes());
    let _ = stream.flush();
}

/// One listening port; stops accepting when dropped.
pub struct Listener {
    port: u16,
    stop: Arc<AtomicBool>,
}

impl Listener {
    /// Starts serving on a free port of 127.0.0.1.
    pub fn start() -> std::io::Result<Listener> {
        let listener = TcpListener::bind(("127.0.0.1", 0))?;
        let port = listener.local_addr()?.port();
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if flag.load(Ordering::Relaxed) {
                    break;
                }
                if let Ok(s) = stream {
                    std::thread::spawn(move || respond(s));
                }
            }
        });
        Ok(Listener { port, stop })
    }

    /// The origin it serves (`http://127.0.0.1:PORT`).
    pub fn origin(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        // Wake the accept loop so that it sees the flag.
        let _ = TcpStream::connect_timeout(&([127, 0, 0, 1], self.port).into(), Duration::from_millis(200));
    }
}
