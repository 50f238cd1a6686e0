#!/usr/bin/env python3
"""Two `cassetto serve` processes on one PostgreSQL database (README: sessions, outbox lease, booking race).

A fresh database is created (and dropped at the end, also on failure). Process A starts alone and seeds the
demo data; then process B starts on the same database. Checks:
  - a session made on A is valid on B (/api/utente answers the user there);
  - richieste sent alternately through A and B: both outbox workers run over the same rows, and every e-mail
    and SMS reaches its sink exactly once (by Message-ID / Idempotency-Key);
  - the booking race: the operator of Sede Roma Eur publishes one slot; the datore's richieste at that Sede are
    closed "non accolta" (so they may book); RACE booking requests for that slot leave at once, half through A
    and half through B: exactly one is confirmed, every other is told the slot is gone, one row holds it.
Without a reachable PostgreSQL it prints SKIPPED and exits 0, unless CASSETTO_TEST_POSTGRES is set.
Usage: scripts/faults/two_processes.py [--richieste N] [--race N]
"""

import argparse
import atexit
import http.client
import json
import os
import random
import shutil
import subprocess
import sys
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import (DATORE, OPERATORE, PDF, CheckFailed, Server, Session, Sink, check,  # noqa: E402
                    check_deliveries, describe_duplicates, log, read_mail, read_sms, stop_children, workdir)

ADMIN_URL = os.environ.get("CASSETTO_TEST_POSTGRES") or "postgres://postgres@127.0.0.1:5432/postgres"
SLOT_TAKEN = "Lo slot non è più disponibile"  # app/src/ssr/comunicazioni.rs, SLOT_NON_DISPONIBILE


def psql(url, sql):
    """Rows of a query through psql (the standard library has no PostgreSQL driver); fields split on \\x1f."""
    res = subprocess.run(["psql", url, "-XAtq", "-v", "ON_ERROR_STOP=1", "-F", "\x1f", "-c", sql],
                         capture_output=True, text=True, timeout=60, env=dict(os.environ, PGCONNECT_TIMEOUT="5"))
    if res.returncode != 0:
        raise CheckFailed(f"psql: {res.stderr.strip()[:500]}")
    return [line.split("\x1f") for line in res.stdout.splitlines() if line]


def reachable():
    if not shutil.which("psql"):
        return False
    try:
        return psql(ADMIN_URL, "SELECT 1") == [["1"]]
    except (CheckFailed, subprocess.TimeoutExpired):
        return False


def process_sent(log_path):
    """The outbox rows a process reports as sent (its JSON log)."""
    sent = set()
    with open(log_path, errors="replace") as f:
        for line in f:
            try:
                fields = json.loads(line).get("fields", {})
            except ValueError:
                continue
            if fields.get("message") == "outbox: sent":
                sent.add(int(fields["outbox_id"]))
    return sent


def send_alternately(servers, session, count):
    """Richieste from 4 threads, the n-th through servers[n % 2]; returns the acknowledged ids."""
    acked, errors, lock = [], [], threading.Lock()

    def worker(ns):
        for n in ns:
            base = servers[n % 2].base
            status, body = session.send_richiesta(base, f"Prova su due processi n. {n}: nota da verificare.",
                                                  [(f"nota-{n}.pdf", PDF + f"% {n}\n".encode())],
                                                  "ufficio.personale@example.it")
            with lock:
                (acked if status == 200 else errors).append(body["id"] if status == 200 else (n, status, body))

    threads = [threading.Thread(target=worker, args=(range(i, count, 4),)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    check(not errors, f"sendings refused: {errors[:3]}")
    return sorted(acked)


def booking_race(servers, mario, operator, richieste):
    """One slot, len(richieste) bookings at the same moment through both processes."""
    a, b = servers
    for rid in richieste:
        for azione, commento in (("in_carico", ""), ("non_accolta", "Versamento non trovato: prova.")):
            status, _, body = operator.post_form(b.base, "/api/backoffice/quesiti/azione",
                                                 {"id": rid, "azione": azione, "commento": commento}, accept="*/*")
            check(status == 200, f"operator {azione} on richiesta {rid}: {status} {body[:200]}")
    # A free start time: a day a month ahead, at a minute no demo slot uses.
    day = time.strftime("%Y-%m-%d", time.localtime(time.time() + 30 * 86400))
    inizio = f"{day}T{random.randint(7, 18):02d}:{random.randint(0, 59):02d}"
    status, headers, body = operator.post_form(a.base, "/api/agenda/slot", {"inizio": inizio, "durata": "30"},
                                               accept="*/*")
    location = headers.get("Location") or ""
    slot = urllib.parse.parse_qs(urllib.parse.urlsplit(location).query).get("n", [None])[0]
    check(status == 200 and slot, f"publishing the slot at {inizio}: {status} {location} {body[:200]}")

    barrier = threading.Barrier(len(richieste))
    results = [None] * len(richieste)

    def book(i, rid):
        base = servers[i % 2].base
        url = urllib.parse.urlsplit(base)
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
        conn.connect()  # connected before the barrier, so the requests leave together
        form = urllib.parse.urlencode({"richiesta": rid, "slot": slot, "telefono": "3331234567",
                                       "note": "Nota di rettifica"})
        headers = mario.headers(base, {"Content-Type": "application/x-www-form-urlencoded"})
        barrier.wait()
        conn.request("POST", "/api/agenda/prenota", body=form, headers=headers)
        res = conn.getresponse()
        results[i] = (servers[i % 2].name, res.status, res.read().decode(errors="replace"))
        conn.close()

    threads = [threading.Thread(target=book, args=(i, rid)) for i, rid in enumerate(richieste)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    won = [r for r in results if r[1] == 200]
    unclear = [r for r in results if r[1] != 200 and not (r[1] == 400 and SLOT_TAKEN in r[2])]
    check(not unclear, f"bookings answered neither confirmed nor 'slot taken': {unclear[:3]}")
    check(len(won) == 1, f"{len(won)} bookings confirmed for slot {slot}: {won}")
    return int(slot), won[0][0], len(results) - len(won)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--richieste", type=int, default=40)
    parser.add_argument("--race", type=int, default=16)
    args = parser.parse_args()
    if args.race > args.richieste:
        parser.error("--race needs as many richieste")
    if not reachable():
        if os.environ.get("CASSETTO_TEST_POSTGRES"):
            log(f"two processes: FAILED — no PostgreSQL at {ADMIN_URL} (CASSETTO_TEST_POSTGRES is set)")
            return 1
        log(f"two processes: SKIPPED: no PostgreSQL at {ADMIN_URL}")
        return 0
    started = time.time()
    work = workdir("two_processes")
    name = f"cassetto_faults_{os.getpid()}"
    psql(ADMIN_URL, f"CREATE DATABASE {name}")

    def drop():
        stop_children()  # the servers hold connections to it
        try:
            psql(ADMIN_URL, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        except (CheckFailed, subprocess.TimeoutExpired) as e:
            log(f"  could not drop database {name}: {e}")

    atexit.register(drop)
    url = f"{ADMIN_URL.rsplit('/', 1)[0]}/{name}"
    smtp = Sink("smtp_sink.py", os.path.join(work, "mail"), os.path.join(work, "smtp.out")).start()
    sms = Sink("sms_sink.py", os.path.join(work, "sms"), os.path.join(work, "sms.out")).start()
    a = Server(url, smtp.port, sms.port, os.path.join(work, "server-a.log"))
    b = Server(url, smtp.port, sms.port, os.path.join(work, "server-b.log"))
    a.name, b.name = "A", "B"
    a.start()  # alone: it seeds the empty database
    b.start()

    mario = Session().login(a.base, DATORE)
    status, user = mario.whoami(b.base)
    check(status == 200 and isinstance(user, dict) and user.get("codice_fiscale") == DATORE,
          f"the session made on A is not valid on B: {status} {user}")
    acked = send_alternately((a, b), mario, args.richieste)
    operator = Session().login(b.base, OPERATORE)
    slot, winner, refused = booking_race((a, b), mario, operator, acked[:args.race])
    held = psql(url, f"SELECT COUNT(*) FROM prenotazioni WHERE slot_id = {slot} AND stato = 'prenotata'")
    check(held == [["1"]], f"slot {slot} held by {held} bookings in the database")

    # Both workers drain the outbox (the closings queued more notices).
    deadline = time.time() + 90
    while psql(url, "SELECT COUNT(*) FROM outbox WHERE status IN ('in_coda', 'in_riprova')") != [["0"]]:
        check(time.time() < deadline, "outbox not drained after 90 s")
        time.sleep(0.5)
    outbox = [(int(r[0]), int(r[1]) if r[1] else None, r[2], r[3], r[4], int(r[5])) for r in
              psql(url, "SELECT id, richiesta_id, channel, status, message_id, attempts FROM outbox")]
    a.stop()
    b.stop()
    sent_a, sent_b = process_sent(a.log_path), process_sent(b.log_path)
    figures, problems, duplicates = check_deliveries(outbox, read_mail(smtp.directory), read_sms(sms.directory), acked)
    both = sent_a & sent_b
    if both:
        problems.append(f"{len(both)} outbox rows reported sent by both processes: {sorted(both)[:10]}")
    if problems:
        log(f"two processes: FAILED — {'; '.join(problems)}\n{describe_duplicates(duplicates, outbox)}\n"
            f"  files kept under {work}")
        return 1
    log(f"two processes: OK — PostgreSQL, session of A valid on B; {len(acked)} richieste through A and B, "
        f"{figures['emails']} e-mails + {figures['sms']} SMS each delivered once (worker A sent {len(sent_a)}, "
        f"B {len(sent_b)}); booking race: {args.race} requests for one slot, 1 confirmed (via {winner}), "
        f"{refused} told the slot is taken; {time.time() - started:.0f} s")
    shutil.rmtree(work)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except CheckFailed as e:
        log(f"two processes: FAILED — {e}")
        sys.exit(1)
