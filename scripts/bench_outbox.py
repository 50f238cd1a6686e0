#!/usr/bin/env python3
"""`make bench` figures `outbox` and `booking_race` (docs/benchmarks.md).

outbox: a fresh demo database (SQLite) with a backlog of e-mails written straight into the outbox, then the
server started with the SMTP sink: messages delivered per second until the backlog is gone. Then richieste
sent one by one at a steady pace through the API: the delay from the API's answer (the change committed) to
the sink filing the notice, p95.
booking_race: scripts/faults/two_processes.py with 200 concurrent bookings of one slot through two server
processes on one PostgreSQL database; exactly one must succeed.
Usage: scripts/bench_outbox.py BINARY [POSTGRES_URL]
"""

import os
import re
import sqlite3
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "faults"))
os.environ["CASSETTO_BINARY"] = os.path.abspath(sys.argv[1])
from common import DATORE, Server, Session, Sink, read_mail, workdir  # noqa: E402

BACKLOG = 3000
STEADY = 60


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def outbox():
    work = workdir("bench-outbox")
    db = os.path.join(work, "cassetto.db")
    smtp = Sink("smtp_sink.py", os.path.join(work, "mail"), os.path.join(work, "smtp.log")).start()
    sms = Sink("sms_sink.py", os.path.join(work, "sms"), os.path.join(work, "sms.log")).start()
    server = Server(f"sqlite://{db}", smtp.port, sms.port, os.path.join(work, "server.log"))
    server.start()  # seeds the demo data
    server.stop()
    now = int(time.time())
    with sqlite3.connect(db) as c:
        c.executemany(
            "INSERT INTO outbox (channel, recipient, subject, body, message_id, status, next_attempt_at, created_at) "
            "VALUES ('email', ?, ?, 'Prova di carico della coda.', ?, 'in_coda', 0, ?)",
            [(f"utente{i}@example.it", f"Prova {i}", f"<bench-{i}@cassetto.example>", now) for i in range(BACKLOG)])
    started = time.time()
    server.start()
    ready = time.time()
    while True:
        with sqlite3.connect(db) as c:
            left = c.execute("SELECT COUNT(*) FROM outbox WHERE status <> 'inviato'").fetchone()[0]
        if left == 0 or time.time() - ready > 300:
            break
        time.sleep(0.05)
    mails = [m for m in read_mail(smtp.directory) if m[1].startswith("<bench-")]
    last = max(m[3] for m in mails)
    first = min(m[3] for m in mails)
    rate = len(mails) / max(last - first, 1e-3)

    # Steady traffic: one richiesta every 0.25 s; its notice's delay from the acknowledged change.
    session = Session()
    session.login(server.base, DATORE)
    answered = {}
    for n in range(STEADY):
        status, body = session.send_richiesta(server.base, f"Ritardo della notifica n. {n}.", [],
                                              "ufficio.personale@example.it")
        if status == 200:
            answered[body["id"]] = time.time()
        time.sleep(0.25)
    time.sleep(3)
    with sqlite3.connect(db) as c:
        protocols = dict(c.execute("SELECT id, protocollo FROM richieste WHERE id IN (%s)"
                                   % ",".join(str(i) for i in answered)).fetchall())
    filed = {m[2]: m[3] for m in read_mail(smtp.directory)}
    delays = []
    for rid, at in answered.items():
        subject = next((s for s in filed if protocols[rid] in s), None)
        if subject:
            delays.append(filed[subject] - at)
    server.stop()
    smtp.kill()
    sms.kill()
    print(f"outbox: {rate:.0f} messages/s — backlog of {len(mails)} e-mails sent in {last - first:.1f} s "
          f"(server start to first {first - started:.1f} s); notice delay p95 {pct(delays, 95) * 1000:.0f} ms, "
          f"max {max(delays) * 1000:.0f} ms over {len(delays)} richieste; goal ≥ 500/s, p95 < 1 s", flush=True)


def booking_race(pg):
    if not pg:
        print("booking_race: - — skipped (no PostgreSQL)", flush=True)
        return
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "faults", "two_processes.py")
    out = subprocess.run([sys.executable, script, "--richieste", "210", "--race", "200"], capture_output=True,
                         text=True, env=dict(os.environ, CASSETTO_TEST_POSTGRES=pg))
    text = out.stdout + out.stderr
    m = re.search(r"booking race[^\n]*", text)
    verdict = m.group(0) if m else text.strip().splitlines()[-1]
    print(f"booking_race: {'ok' if out.returncode == 0 else 'FAILED'} — {verdict}; goal exactly 1 of 200", flush=True)


if __name__ == "__main__":
    outbox()
    booking_race(sys.argv[2] if len(sys.argv) > 2 else "")
