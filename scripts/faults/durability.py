#!/usr/bin/env python3
"""SQLite under kill -9 (docs/security.md, Durability): what the server acknowledged survives, and the outbox
delivers every notice once.

A fresh demo database; the datore sends richieste with attachments from several threads; at a random moment
the server gets SIGKILL and is restarted on the same file (the demo seed runs on an empty database only),
KILLS times. Then the outbox drains and the database and the sinks are checked:
  - PRAGMA integrity_check is ok, no foreign key is dangling, `cassetto audit verify` passes;
  - every acknowledged richiesta ({"id": N} with 200) is there with its text, its timeline row, its audit
    entry, its notices in the outbox and its zip, whose files come back byte for byte;
  - the login survives the kills (sessions are rows like any other);
  - no e-mail and no SMS reached its sink twice — except a message the sink took in the instant before a kill,
    which the dead process could not record as sent and the restarted one sends again with the same
    Message-ID (at-least-once across a crash; counted and shown) — and each acknowledged richiesta's arrived.
Usage: scripts/faults/durability.py [--kills N] [--seed N]
"""

import argparse
import io
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import (BINARY, DATORE, PDF, PNG, CheckFailed, Server, Session, Sink, check,  # noqa: E402
                    check_deliveries, clock, describe_duplicates, log, read_mail, read_sms, workdir)

SENDERS = 4
# A pause between sendings: the outbox (one SMTP session per message)
# must drain the traffic within the time budget; the kills still land on a steady write load.
PAUSE = 0.1
# Seconds before a kill within which a delivered message may not have been recorded as sent yet (the SMTP
# reply, then the write of the record, which may wait for SQLite's write lock under load).
IN_FLIGHT = 1.0
# Seconds after a kill within which the sink may still be filing a message it took before the kill: the sink
# writes (and fsyncs) a message before it answers 250, so the server can die waiting for that answer while the
# file's time is set a few milliseconds after the kill.
FILING_GRACE = 0.5
LEASE_SECS = 120  # app/src/ssr/outbox/queue.rs: a row claimed by a killed process waits this long
DRAIN_TIMEOUT = LEASE_SECS + 90


class Load:
    """Sender threads; each richiesta carries a unique text and unique files, remembered once acknowledged."""

    def __init__(self, tag):
        self.tag = tag
        self.lock = threading.Lock()
        self.acked = {}  # id -> (testo, [(name, bytes)])
        self.refused = []  # HTTP answers other than 200: a healthy server gives none
        self.seq = 0

    def next_richiesta(self, phase):
        with self.lock:
            self.seq += 1
            n = self.seq
        testo = f"Prova di durabilità {self.tag} fase {phase} n. {n}: nota di rettifica non riconosciuta."
        files = [(f"nota-{n}.pdf", PDF + f"% {self.tag} {n}\n%%EOF\n".encode())]
        if n % 2:
            files.append((f"f24-{n}.png", PNG + f"{self.tag}-{n}".encode()))
        return testo, files

    def sender(self, base, session, phase, stop):
        while not stop.is_set():
            testo, files = self.next_richiesta(phase)
            try:
                status, body = session.send_richiesta(base, testo, files, f"faults.{phase}@example.it")
            except OSError:
                # The server is gone (killed mid-request, or not listening): the sending is not acknowledged.
                time.sleep(0.02)
                continue
            with self.lock:
                if status == 200 and isinstance(body, dict) and isinstance(body.get("id"), int):
                    self.acked[body["id"]] = (testo, files)
                else:
                    self.refused.append((status, str(body)[:200]))
            stop.wait(PAUSE)

    def run(self, base, session, phase, seconds, kill=None):
        """Sends for `seconds`, then kills the server with the load still running (when `kill` is given)."""
        stop = threading.Event()
        threads = [threading.Thread(target=self.sender, args=(base, session, phase, stop)) for _ in range(SENDERS)]
        for t in threads:
            t.start()
        time.sleep(seconds)
        if kill:
            kill()
        stop.set()
        for t in threads:
            t.join()


def pending(db_path):
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=30) as db:
        now = int(time.time())
        return db.execute("SELECT COUNT(*), COALESCE(SUM(claimed_until > ?), 0) FROM outbox "
                          "WHERE status IN ('in_coda', 'in_riprova')", (now,)).fetchone()


def drain(db_path):
    """Waits for the outbox to empty; rows claimed by a killed process come back after their lease."""
    start = time.time()
    last_report = 0
    while True:
        left, claimed = pending(db_path)
        if left == 0:
            return time.time() - start
        if time.time() - start > DRAIN_TIMEOUT:
            raise CheckFailed(f"outbox not drained after {DRAIN_TIMEOUT} s: {left} pending ({claimed} under lease)")
        if time.time() - last_report > 20:
            log(f"  outbox: {left} pending, {claimed} under a lease of a killed process")
            last_report = time.time()
        time.sleep(1)


def check_database(db_path, acked):
    """Every acknowledged richiesta with all its rows; returns how many rows were checked."""
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    integrity = db.execute("PRAGMA integrity_check").fetchall()
    check(integrity == [("ok",)], f"PRAGMA integrity_check: {integrity[:10]}")
    for table in ("richieste", "richiesta_eventi", "richiesta_allegati", "outbox"):
        dangling = db.execute(f"PRAGMA foreign_key_check({table})").fetchall()
        check(not dangling, f"foreign keys of {table}: {dangling[:10]}")
    rows = 0
    for rid, (testo, files) in sorted(acked.items()):
        found = db.execute("SELECT testo, protocollo FROM richieste WHERE id = ?", (rid,)).fetchone()
        check(found is not None, f"acknowledged richiesta {rid} is missing")
        check(found[0] == testo, f"richiesta {rid}: text {found[0]!r}, sent {testo!r}")
        protocollo = found[1]
        eventi = db.execute("SELECT stato, commento FROM richiesta_eventi WHERE richiesta_id = ?", (rid,)).fetchall()
        check(len(eventi) == 1 and eventi[0][0] == "aperta" and protocollo in eventi[0][1],
              f"richiesta {rid} ({protocollo}): timeline {eventi}")
        audit = db.execute("SELECT COUNT(*) FROM audit_log WHERE action = 'richiesta.aperta' AND subject = ?",
                           (protocollo,)).fetchone()[0]
        check(audit == 1, f"richiesta {rid} ({protocollo}): {audit} audit entries")
        canali = sorted(r[0] for r in db.execute("SELECT channel FROM outbox WHERE richiesta_id = ?", (rid,)))
        check(canali == ["email", "sms"], f"richiesta {rid} ({protocollo}): notices {canali}")
        allegato = db.execute("SELECT nomi, dimensione, zip FROM richiesta_allegati WHERE richiesta_id = ?",
                              (rid,)).fetchone()
        check(allegato is not None, f"richiesta {rid} ({protocollo}): no attachment row")
        nomi, dimensione, blob = allegato
        check(dimensione == len(blob), f"richiesta {rid}: size {dimensione} but zip of {len(blob)} bytes")
        check(nomi.split("\n") == [n for n, _ in files], f"richiesta {rid}: names {nomi!r}")
        with zipfile.ZipFile(io.BytesIO(blob)) as z:
            check(z.testzip() is None, f"richiesta {rid}: corrupt zip")
            got = [(i.filename, z.read(i)) for i in z.infolist()]
        check(got == files, f"richiesta {rid}: zip holds {[(n, len(d)) for n, d in got]}, "
                            f"sent {[(n, len(d)) for n, d in files]}")
        rows += 1 + len(eventi) + audit + len(canali) + 1
    unacked = db.execute("SELECT COUNT(*) FROM richieste WHERE testo LIKE 'Prova di durabilità%'").fetchone()[0]
    db.close()
    return rows, unacked - len(acked)


def read_outbox(db_path):
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as db:
        return db.execute("SELECT id, richiesta_id, channel, status, message_id, attempts FROM outbox").fetchall()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--seed", type=int, default=random.randrange(1 << 30), help="for the kill moments")
    args = parser.parse_args()
    random.seed(args.seed)
    started = time.time()
    work = workdir("durability")
    db_path = os.path.join(work, "cassetto.db")
    smtp = Sink("smtp_sink.py", os.path.join(work, "mail"), os.path.join(work, "smtp.out")).start()
    sms = Sink("sms_sink.py", os.path.join(work, "sms"), os.path.join(work, "sms.out")).start()
    server = Server(f"sqlite://{db_path}", smtp.port, sms.port, os.path.join(work, "server.log")).start()
    session = Session().login(server.base, DATORE)
    load = Load(f"{os.getpid()}")

    kills_at = []  # (time, label): to show when a message filed twice was first sent

    def kill_server():
        server.kill()
        kills_at.append((time.time(), f"kill {len(kills_at) + 1}"))

    for kill in range(1, args.kills + 1):
        load.run(server.base, session, kill, random.uniform(0.2, 1.5), kill=kill_server)
        server.start()  # same file, same port; the demo seed must not run again
        status, user = session.whoami(server.base)
        check(status == 200 and isinstance(user, dict) and user.get("codice_fiscale") == DATORE,
              f"after kill {kill} the session is gone: {status} {user}")
    with open(server.log_path, errors="replace") as f:
        seeds = f.read().count("loading the demo data")
    check(seeds == 1, f"the demo data was loaded {seeds} times")
    check(not load.refused, f"{len(load.refused)} sendings refused by a live server, e.g. {load.refused[:3]}")
    under_kills = len(load.acked)
    log(f"  {args.kills} kills, {under_kills} richieste acknowledged under load")

    # After the last restart: a new login and some more traffic, then the outbox drains.
    session = Session().login(server.base, DATORE)
    load.run(server.base, session, "finale", 2.0)
    check(not load.refused, f"{len(load.refused)} sendings refused after the restarts, e.g. {load.refused[:3]}")
    try:
        waited, drain_error = drain(db_path), None
    except CheckFailed as e:
        waited, drain_error = None, str(e)
    server.stop()
    smtp.kill()
    sms.kill()

    # Two verdicts: the data the server acknowledged, and the notices the outbox delivered.
    ok = True
    try:
        verify = subprocess.run([BINARY, "audit", "verify"], env=dict(os.environ, DATABASE_URL=f"sqlite://{db_path}"),
                                capture_output=True, text=True, timeout=120)
        check(verify.returncode == 0, f"cassetto audit verify: {verify.stdout.strip()} {verify.stderr[-500:]}")
        rows, unacked = check_database(db_path, load.acked)
        log(f"durability data: OK — {args.kills} kills, {len(load.acked)} richieste acknowledged ({under_kills} "
            f"under kills, {unacked} more committed but unanswered), all there: {rows} rows and zips checked, "
            f"integrity_check ok, audit chain ok, session kept")
    except CheckFailed as e:
        ok = False
        log(f"durability data: FAILED — {e}")
    outbox = read_outbox(db_path)
    figures, problems, duplicates = check_deliveries(outbox, read_mail(smtp.directory), read_sms(sms.directory),
                                                     load.acked)
    # A message the mail server took in the instant before a kill, before the dying process could record it
    # as sent, is sent again after the restart with the same Message-ID: no sender can know what a server
    # received at the moment it died (receivers drop repeated Message-IDs). Only those are allowed: two copies,
    # the first filed within IN_FLIGHT seconds before a kill (or FILING_GRACE after it). Anything else filed
    # twice is a failure.
    in_flight = {mid: items for mid, items in duplicates.items()
                 if len(items) == 2
                 and any(-FILING_GRACE <= t - min(i[3] for i in items) <= IN_FLIGHT for t, _ in kills_at)}
    if in_flight:
        problems = [p for p in problems if "delivered more than once" not in p]
        rest = len(duplicates) - len(in_flight)
        if rest:
            problems.insert(0, f"{rest} message(s) delivered more than once outside a crash window")
        log(f"  {len(in_flight)} message(s) in flight at a kill were sent again after the restart (same Message-ID):"
            f"\n{describe_duplicates(in_flight, outbox, kills_at)}")
        duplicates = {m: v for m, v in duplicates.items() if m not in in_flight}
    if drain_error:
        problems.insert(0, drain_error)
    if problems:
        ok = False
        evidence = describe_duplicates(duplicates, outbox, kills_at)
        log(f"durability outbox: FAILED — {'; '.join(problems)} ({figures['rows']} outbox rows, "
            f"{figures['emails']} e-mails and {figures['sms']} SMS filed by the sinks)"
            + (f"\n{evidence}" if evidence else "")
            + f"\n  kills at {', '.join(clock(t) for t, _ in kills_at)}; files kept under {work}")
    else:
        resent = f", {len(in_flight)} of them again after the crash that cut their recording" if in_flight else ""
        log(f"durability outbox: OK — {figures['emails']} e-mails + {figures['sms']} SMS, every notice delivered{resent}; "
            f"nothing recorded as sent was sent again (drain {waited:.0f} s after the last kill)")
    log(f"  durability: random seed {args.seed}, {time.time() - started:.0f} s")
    if ok:
        shutil.rmtree(work)  # kept when a check fails, as evidence
    return 0 if ok else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except CheckFailed as e:
        log(f"durability: FAILED — {e}")
        sys.exit(1)
