//! Connection handling: a client that never finishes its request head is disconnected after the
//! header-read timeout, instead of holding a connection (and a task) forever.

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use ctyun_image_tests::fake::DEFAULT_HEADER_READ_TIMEOUT;
use ctyun_image_tests::{FakeConfig, FakeServer};

use crate::support::rt;

/// Reads until the server closes the connection; returns the time since `t0` (when it was
/// opened). Panics when the connection is still open after `limit`.
fn time_to_close(mut s: TcpStream, t0: Instant, limit: Duration) -> Duration {
    s.set_read_timeout(Some(limit)).unwrap();
    let mut buf = [0u8; 1024];
    loop {
        match s.read(&mut buf) {
            Ok(0) => return t0.elapsed(),
            Ok(_) => {} // an error answer (408) before the close
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                panic!("connection still open after {limit:?}")
            }
            Err(_) => return t0.elapsed(), // reset
        }
    }
}

#[test]
fn silent_and_slow_connections_are_closed_after_the_header_read_timeout() {
    let timeout = Duration::from_millis(300);
    let server = rt().block_on(FakeServer::start(FakeConfig::default().header_read_timeout(Some(timeout)))).unwrap();
    let t0 = Instant::now();
    // Connected, nothing sent.
    let silent = TcpStream::connect(server.addr()).unwrap();
    // A request line and one header, never the blank line that ends the head.
    let mut slow = TcpStream::connect(server.addr()).unwrap();
    slow.write_all(b"GET /__fake/health HTTP/1.1\r\nHost: fake\r\n").unwrap();
    for (what, s) in [("silent", silent), ("slow", slow)] {
        let took = time_to_close(s, t0, Duration::from_secs(5));
        assert!(took >= timeout / 2 && took < Duration::from_secs(3), "{what} connection closed after {took:?}");
    }
    // A complete request on a fresh connection is still answered.
    let mut ok = TcpStream::connect(server.addr()).unwrap();
    ok.write_all(b"GET /__fake/health HTTP/1.1\r\nHost: fake\r\nConnection: close\r\n\r\n").unwrap();
    let mut text = String::new();
    ok.read_to_string(&mut text).unwrap();
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
}

#[test]
fn the_header_read_timeout_is_on_by_default() {
    assert_eq!(FakeConfig::default().header_read_timeout, Some(DEFAULT_HEADER_READ_TIMEOUT));
}
