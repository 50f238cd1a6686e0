"""Shared pieces of the fault scripts (Python standard library only).

The scripts drive the real `cassetto` binary over HTTP, as a browser without JavaScript (login) and the
page's script (sending a richiesta) do, and read the results where they land: the database, the .eml files
of scripts/smtp_sink.py and the .json files of scripts/sms_sink.py. Nothing here knows the server's code.
"""

import atexit
import email
import email.policy
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import uuid

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
# `make bench` points this at its release build.
BINARY = os.environ.get("CASSETTO_BINARY") or os.path.join(ROOT, "target", "debug", "cassetto")
PASSWORD = "Cassetto.Demo.2026"
DATORE = "RSSMRA70A01H501S"  # Mario Rossi: Comune di Roccaverde, at Sede Roma Eur
OPERATORE = "GLLPLA75E15H501K"  # Paolo Gallo: operator of Sede Roma Eur
POSIZIONE = "8100000001800000"  # Comune di Roccaverde, Sede Roma Eur
# The attachment check looks at the signature only; each file is made unique by the caller.
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n"
PNG = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0"


class CheckFailed(Exception):
    """A property under test does not hold: the script prints it and exits 1."""


def check(condition, message):
    if not condition:
        raise CheckFailed(message)


def log(message):
    print(message, flush=True)


def free_port():
    # Bind port 0 and give it back: the kernel does not hand the same port out again right away.
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def workdir(name):
    path = os.path.join(ROOT, "target", "faults", f"{name}-{os.getpid()}")
    os.makedirs(path, exist_ok=True)
    return path


# --- processes ---------------------------------------------------------------------------------------

_children = []


def stop_children():
    # Only what this script started, by pid. SIGKILL: whatever a check still needs is already on disk.
    for proc in reversed(_children):
        if proc.poll() is None:
            try:
                proc.kill()
                proc.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                pass


atexit.register(stop_children)
# A SIGTERM/SIGINT (a CI timeout, Ctrl-C) still runs the atexit cleanup through SystemExit.
signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))


def spawn(args, log_path, env=None):
    out = open(log_path, "ab")
    proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    out.close()
    _children.append(proc)
    return proc


class Sink:
    """scripts/smtp_sink.py or scripts/sms_sink.py, on a given port (0: a free one, read back)."""

    def __init__(self, script, directory, log_path, port=0):
        self.script, self.directory, self.log_path = script, directory, log_path
        self.port = port
        self.proc = None

    def start(self):
        open(self.log_path, "w").close()
        args = [sys.executable, "-u", os.path.join(ROOT, "scripts", self.script), "--host", "127.0.0.1",
                "--port", str(self.port), "--dir", self.directory]
        self.proc = spawn(args, self.log_path)
        deadline = time.time() + 10
        while time.time() < deadline:
            with open(self.log_path) as f:
                m = re.search(r"^PORT (\d+)$", f.read(), re.M)
            if m:
                self.port = int(m.group(1))
                return self
            check(self.proc.poll() is None, f"{self.script} exited: {open(self.log_path).read()[-500:]}")
            time.sleep(0.05)
        raise CheckFailed(f"{self.script} did not start")

    def kill(self):
        self.proc.kill()
        self.proc.wait()


def server_env(database_url, port, smtp_port, sms_port):
    # As scripts/e2e.sh starts it; the site folder need not exist (the API does not read it).
    env = dict(os.environ)
    env.update({
        "DATABASE_URL": database_url,
        "CASSETTO_DEMO": "1",
        "CASSETTO_INSECURE_COOKIES": "1",
        "CASSETTO_SMTP_URL": f"smtp://127.0.0.1:{smtp_port}",
        "CASSETTO_SMS_URL": f"http://127.0.0.1:{sms_port}/sms",
        "LEPTOS_SITE_ROOT": "target/site",
        "LEPTOS_SITE_PKG_DIR": "pkg",
        "LEPTOS_OUTPUT_NAME": "cassetto",
        "LEPTOS_SITE_ADDR": f"127.0.0.1:{port}",
        "RUST_LOG": os.environ.get("RUST_LOG", "info"),
        # One JSON object a line: the scripts read outbox events back from the log as evidence.
        "CASSETTO_LOG_FORMAT": "json",
    })
    return env


# The checks send far more than one account may in a day (docs/security.md V11.1.3): the per-user daily limits are
# lifted as an operator would, with `cassetto limiti`, before the server first starts on the database.
DAILY_LIMITS = ("richiesta", "caricamento", "prenotazione", "email", "sms")


def lift_daily_limits(database_url, log_path):
    env = server_env(database_url, 0, 0, 0)
    for azione in DAILY_LIMITS:
        with open(log_path, "ab") as log:
            res = subprocess.run([BINARY, "limiti", azione, "1000000"], env=env, stdout=log, stderr=log)
        check(res.returncode == 0, f"cassetto limiti {azione} failed; see {log_path}")


class Server:
    """One `cassetto serve` process; `kill()` is kill -9."""

    def __init__(self, database_url, smtp_port, sms_port, log_path, port=None):
        self.database_url, self.smtp_port, self.sms_port, self.log_path = database_url, smtp_port, sms_port, log_path
        self.port = port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc = None
        self.limits_lifted = False

    def start(self, timeout=120):
        check(os.path.exists(BINARY), f"{BINARY} is missing: build it first (make test-rust or cargo build)")
        if not self.limits_lifted:
            lift_daily_limits(self.database_url, self.log_path)
            self.limits_lifted = True
        with open(self.log_path, "ab") as f:
            f.write(f"---- start {time.strftime('%H:%M:%S')} ----\n".encode())
        self.proc = spawn([BINARY, "serve"], self.log_path,
                          server_env(self.database_url, self.port, self.smtp_port, self.sms_port))
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise CheckFailed(f"cassetto exited with {self.proc.returncode}; log:\n{self.log_tail()}")
            try:
                status, _, body = request(self.base, "GET", "/healthz", timeout=2)
                if status == 200 and b'"ok"' in body:
                    return self
            except OSError:
                pass
            time.sleep(0.05)
        raise CheckFailed(f"cassetto did not answer /healthz within {timeout} s; log:\n{self.log_tail()}")

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.kill()

    def log_tail(self, lines=30):
        with open(self.log_path, errors="replace") as f:
            return "".join(f.readlines()[-lines:])


# --- HTTP ----------------------------------------------------------------------------------------------

def request(base, method, path, headers=None, body=None, timeout=30):
    """One request on its own connection (a killed server must not poison a pooled one)."""
    url = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        res = conn.getresponse()
        return res.status, res.headers, res.read()
    finally:
        conn.close()


def multipart(fields, files):
    """A multipart/form-data body: `fields` (name, value), `files` (field name, file name, bytes)."""
    boundary = "faults" + uuid.uuid4().hex
    out = []
    for name, value in fields:
        out.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode())
        out.append(value.encode() + b"\r\n")
    for name, filename, data in files:
        out.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                   f"Content-Type: application/octet-stream\r\n\r\n".encode())
        out.append(data + b"\r\n")
    out.append(f"--{boundary}--\r\n".encode())
    return b"".join(out), f"multipart/form-data; boundary={boundary}"


class Session:
    """A user's session cookie, usable on any server process of the same database."""

    COOKIE = re.compile(r"(cassetto_session|__Host-cassetto_session)=([^;]*)")

    def __init__(self):
        self.cookie = None

    def headers(self, base, extra=None):
        h = {"Origin": base}
        if self.cookie:
            h["Cookie"] = self.cookie
        h.update(extra or {})
        return h

    def _take_cookie(self, res_headers):
        for value in res_headers.get_all("Set-Cookie") or []:
            m = self.COOKIE.search(value)
            if m:
                self.cookie = f"{m.group(1)}={m.group(2)}"

    def post_form(self, base, path, form, accept="text/html"):
        body = urllib.parse.urlencode(form).encode()
        headers = self.headers(base, {"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"})
        status, res_headers, data = request(base, "POST", path, headers, body)
        self._take_cookie(res_headers)
        return status, res_headers, data

    def login(self, base, codice_fiscale, timeout=75):
        """Both login steps; the demo page shows the code to use. A code works once, so a second login of
        the same account within one 30 s TOTP step waits for the next step."""
        self.cookie = None
        status, headers, _ = self.post_form(base, "/api/accesso/password",
                                            {"codice_fiscale": codice_fiscale, "password": PASSWORD})
        check(headers.get("Location") == "/accesso/codice",
              f"password step for {codice_fiscale}: {status} Location={headers.get('Location')}")
        deadline = time.time() + timeout
        while True:
            status, _, page = request(base, "GET", "/accesso/codice", self.headers(base))
            m = re.search(rb'data-testid="codice-demo-valore"[^>]*>(\d{6})<', page)
            if m:
                break
            check(time.time() < deadline, f"no demo code on /accesso/codice for {codice_fiscale} (status {status})")
            time.sleep(1)
        status, headers, _ = self.post_form(base, "/api/accesso/codice", {"codice": m.group(1).decode()})
        location = headers.get("Location") or ""
        check(status in (302, 303) and "errore" not in location and "accesso" not in location,
              f"code step for {codice_fiscale}: {status} Location={location}")
        return self

    def whoami(self, base):
        status, _, body = request(base, "POST", "/api/utente",
                                  self.headers(base, {"Content-Type": "application/json"}), b"{}")
        return status, (json.loads(body) if status == 200 else body)

    def send_richiesta(self, base, testo, files, email_address=None, timeout=30):
        """As the page's script sends it: multipart, asking for JSON. Returns (status, parsed JSON or text)."""
        fields = [("posizione", POSIZIONE), ("oggetto", "1"), ("testo", testo),
                  ("telefono", "+39 333 7654321"), ("consenso", "1")]
        if email_address:
            fields.append(("email", email_address))
        body, ctype = multipart(fields, [("allegati", name, data) for name, data in files])
        headers = self.headers(base, {"Accept": "application/json", "Content-Type": ctype})
        status, _, data = request(base, "POST", "/api/comunicazioni/nuova", headers, body, timeout=timeout)
        try:
            return status, json.loads(data)
        except ValueError:
            return status, data.decode(errors="replace")


# --- what the sinks received -----------------------------------------------------------------------------

def read_mail(directory):
    """Every .eml the SMTP sink filed: a list of (file name, Message-ID, Subject, mtime)."""
    out = []
    if not os.path.isdir(directory):
        return out
    for name in sorted(os.listdir(directory)):
        if not name.endswith(".eml"):
            continue
        path = os.path.join(directory, name)
        with open(path, "rb") as f:
            msg = email.message_from_binary_file(f, policy=email.policy.default)
        out.append((name, str(msg.get("Message-ID", "")).strip(), str(msg.get("Subject", "")), os.stat(path).st_mtime))
    return out


def read_sms(directory):
    """Every SMS the gateway sink filed: a list of (file name, Idempotency-Key, text, mtime)."""
    out = []
    if not os.path.isdir(directory):
        return out
    for name in sorted(os.listdir(directory)):
        if name.endswith(".json"):
            path = os.path.join(directory, name)
            with open(path, encoding="utf-8") as f:
                body = json.load(f)
            out.append((name, body.get("_idempotency_key"), body.get("text", ""), os.stat(path).st_mtime))
    return out


def clock(t):
    return time.strftime("%H:%M:%S", time.localtime(t)) + f".{int(t % 1 * 1000):03d}"


def check_deliveries(outbox_rows, mails, smses, acked_ids):
    """The delivery properties shared by the scripts. `outbox_rows`: (id, richiesta_id, channel, status,
    message_id, attempts). Returns (figures, problems, duplicates): every row sent and filed by its sink,
    nothing filed twice (`duplicates`: Message-ID -> the sink's copies), each acknowledged richiesta's
    e-mail and SMS there. The caller adds its own evidence to the duplicates."""
    copies = {}
    for item in mails + smses:
        copies.setdefault(item[1], []).append(item)
    duplicates = {mid: items for mid, items in copies.items() if len(items) > 1}
    problems = []
    if duplicates:
        problems.append(f"{len(duplicates)} message(s) delivered more than once")
    failed = [r for r in outbox_rows if r[3] == "fallito"]
    if failed:
        problems.append(f"{len(failed)} outbox row(s) given up (fallito): {failed[:5]}")
    pending = [r for r in outbox_rows if r[3] not in ("inviato", "fallito")]
    if pending:
        problems.append(f"{len(pending)} outbox row(s) not sent: {pending[:5]}")
    lost = [r for r in outbox_rows if r[3] == "inviato" and r[4] not in copies]
    if lost:
        problems.append(f"{len(lost)} sent outbox row(s) never reached their sink: {lost[:5]}")
    strays = [mid for mid in copies if mid not in {r[4] for r in outbox_rows}]
    if strays:
        problems.append(f"{len(strays)} message(s) in the sinks match no outbox row: {strays[:5]}")
    channels = {}
    for r in outbox_rows:
        channels.setdefault(r[1], []).append(r[2])
    missing = [i for i in acked_ids if not {"email", "sms"} <= set(channels.get(i, []))]
    if missing:
        problems.append(f"{len(missing)} acknowledged richieste without their e-mail and SMS notices: "
                        f"{[(i, channels.get(i)) for i in missing[:10]]}")
    figures = {"emails": len(mails), "sms": len(smses), "rows": len(outbox_rows)}
    return figures, problems, duplicates


def describe_duplicates(duplicates, outbox_rows, events=()):
    """One line per message delivered twice: its outbox row, each copy with the time the sink filed it, and
    the nearest of `events` ((time, label), e.g. the kills) within 2 s, with its offset from the copy."""
    rows = {r[4]: r for r in outbox_rows}
    lines = []
    for mid, items in sorted(duplicates.items(), key=lambda kv: kv[1][0][3]):
        row = rows.get(mid)
        where = f"outbox row {row[0]} ({row[2]}, attempts {row[5]})" if row else "no outbox row"
        parts = []
        for name, _, _, mtime in sorted(items, key=lambda i: i[3]):
            part = f"{name} at {clock(mtime)}"
            near = [(abs(t - mtime), t, label) for t, label in events if abs(t - mtime) < 2]
            if near:
                _, t, label = min(near)
                part += f" ({label} at {clock(t)}, {t - mtime:+.3f} s)"
            parts.append(part)
        lines.append(f"    {mid} {where}: " + ", then ".join(parts))
    return "\n".join(lines)
