//! The real SMTP sink (`scripts/smtp_sink.py`) as a child process on a free port, with its own mail folder.
//! Killed, and its folder removed, when dropped.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};

static COUNTER: AtomicU64 = AtomicU64::new(0);

pub struct MailSink {
    child: Child,
    // Kept open so the sink never writes into a closed pipe.
    _stdout: BufReader<ChildStdout>,
    pub port: u16,
    pub dir: PathBuf,
}

impl MailSink {
    pub fn start() -> MailSink {
        let dir = std::env::temp_dir().join(format!(
            "cassetto_mail_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst)
        ));
        std::fs::create_dir_all(&dir).expect("mail dir");
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/smtp_sink.py");
        let mut child = Command::new("python3")
            .arg(&script)
            .args(["--host", "127.0.0.1", "--port", "0", "--dir"])
            .arg(&dir)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start python3 scripts/smtp_sink.py");
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
        let mut line = String::new();
        stdout.read_line(&mut line).expect("read the sink's PORT line");
        let port = line.trim().strip_prefix("PORT ").and_then(|p| p.parse().ok());
        let Some(port) = port else {
            let _ = child.kill();
            let _ = child.wait();
            panic!("smtp_sink.py did not print its port (got {line:?})");
        };
        MailSink { child, _stdout: stdout, port, dir }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// The messages received so far, in order, as text.
    pub fn messages(&self) -> Vec<String> {
        let mut files: Vec<(u64, PathBuf)> = std::fs::read_dir(&self.dir)
            .expect("read mail dir")
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                let path = e.path();
                let n = path.file_name()?.to_str()?.strip_suffix(".eml")?.parse().ok()?;
                Some((n, path))
            })
            .collect();
        files.sort();
        files
            .into_iter()
            .map(|(_, p)| String::from_utf8_lossy(&std::fs::read(p).expect("read eml")).into_owned())
            .collect()
    }
}

impl Drop for MailSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A local port with nothing listening on it (a mail server that is down).
pub fn dead_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
}
