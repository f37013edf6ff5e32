//! The real `pantau-kla` binary as a server process: started on port 0 (its address read from its log),
//! stopped with SIGTERM or killed with SIGKILL, for tests of shutdown, crashes and backups.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};

pub struct Server {
    pub addr: SocketAddr,
    pub base: String,
    child: Child,
    /// Everything the server logged, for failure messages.
    log: Arc<Mutex<String>>,
}

pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_pantau-kla"))
}

impl Server {
    /// `pantau-kla serve` on `database_url` with extra environment variables; waits until it listens.
    pub fn start(database_url: &str, env: &[(&str, &str)]) -> Server {
        let mut cmd = bin();
        cmd.arg("serve").env("DATABASE_URL", database_url).env("PANTAU_ADDR", "127.0.0.1:0").env("RUST_LOG", "info").env("NO_COLOR", "1");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.stdout(Stdio::null()).stderr(Stdio::piped()).spawn().expect("start pantau-kla");
        let stderr = child.stderr.take().unwrap();
        let log = Arc::new(Mutex::new(String::new()));
        let (tx, rx) = std::sync::mpsc::channel();
        let sink = log.clone();
        // Read the log to its end so the server never blocks on a full pipe.
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(at) = line.find("listening on http://") {
                    let rest = &line[at + "listening on http://".len()..];
                    let addr: String = rest.chars().take_while(|c| !c.is_whitespace()).collect();
                    let _ = tx.send(addr);
                }
                let mut l = sink.lock().unwrap();
                l.push_str(&line);
                l.push('\n');
            }
        });
        let addr: SocketAddr = match rx.recv_timeout(std::time::Duration::from_secs(120)) {
            Ok(a) => a.parse().expect("an address in the log"),
            Err(_) => {
                let _ = child.kill();
                panic!("the server did not start: {}", log.lock().unwrap());
            }
        };
        Server { addr, base: format!("http://{addr}"), child, log }
    }

    /// Everything the server has logged so far.
    pub fn log(&self) -> String {
        self.log.lock().map(|l| l.clone()).unwrap_or_default()
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// SIGTERM: the graceful stop a service manager asks for.
    pub fn terminate(&self) {
        let ok = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status().expect("run kill").success();
        assert!(ok, "kill -TERM");
    }

    /// SIGKILL: the process ends at once, as in a crash or a power cut of the process alone.
    pub fn kill(&mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().expect("reap");
    }

    pub fn wait(&mut self) -> ExitStatus {
        self.child.wait().expect("wait for the server")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // A failing test shows what the server said.
        if std::thread::panicking() {
            eprintln!("--- the server's log ---\n{}", self.log.lock().map(|l| l.clone()).unwrap_or_default());
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A session cookie (`kla_sesi=…`) for `name` on the server at `base`, through the real sign-in form.
pub async fn sign_in_at(client: &reqwest::Client, base: &str, name: &str) -> String {
    use super::officer::{PASSWORD, cookie_value, csrf_in, set_cookie};
    let res = client.get(format!("{base}/masuk")).send().await.unwrap();
    let anon = cookie_value(&set_cookie(&res, "kla_csrf").unwrap());
    let csrf = csrf_in(&res.text().await.unwrap());
    let res = client
        .post(format!("{base}/masuk"))
        .header("cookie", anon)
        .form(&[("csrf", csrf.as_str()), ("username", name), ("password", PASSWORD), ("kembali", "/kelola")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 303, "{name} signs in on {base}");
    cookie_value(&set_cookie(&res, "kla_sesi").unwrap())
}

/// The CSRF token of a signed-in session (from its account page).
pub async fn csrf_of(client: &reqwest::Client, base: &str, cookie: &str) -> String {
    let html = client.get(format!("{base}/akun")).header("cookie", cookie).send().await.unwrap().text().await.unwrap();
    super::officer::csrf_in(&html)
}

/// An account made with the real `pantau-kla user add`, password [`super::officer::PASSWORD`].
pub fn add_user(database_url: &str, name: &str, role: &str, region: Option<&str>) {
    use std::io::Write;
    let mut cmd = bin();
    cmd.args(["user", "add", name, "--role", role, "--password-stdin"]).env("DATABASE_URL", database_url).env("RUST_LOG", "warn");
    if let Some(r) = region {
        cmd.args(["--region", r]);
    }
    let mut child = cmd.stdin(Stdio::piped()).stdout(Stdio::null()).stderr(Stdio::piped()).spawn().unwrap();
    writeln!(child.stdin.take().unwrap(), "{}", super::officer::PASSWORD).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "user add: {}", String::from_utf8_lossy(&out.stderr));
}
