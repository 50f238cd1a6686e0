#!/usr/bin/env python3
"""A mail server that is down delays mail, never loses it, never sends it twice (docs/security.md, Durability).

A fresh SQLite demo database; the datore sends richieste (each queues an e-mail and an SMS notice). Once those
are delivered, the SMTP sink is killed; more richieste are sent during the outage; the sink comes back on the
same port and the outbox must drain by itself, with its backoff (app/src/ssr/outbox/queue.rs: first retry 30 s after
a failed attempt, then 60, 120 s ...). Checks: the failed attempts were recorded (in_riprova, with the error),
nothing reached the sink during the outage, afterwards every notice arrived exactly once (by Message-ID, and by
the richiesta's protocol in the subject), none was given up.
The sink is killed between deliveries: a sink that dies after filing a message but before answering 250 would
make any SMTP client send it again, which is the durability script's subject, not this one's.
Usage: scripts/faults/mail_outage.py [--before N] [--during N] [--outage SECONDS]
"""

import argparse
import os
import shutil
import sqlite3
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import (DATORE, PDF, CheckFailed, Server, Session, Sink, check, check_deliveries,  # noqa: E402
                    describe_duplicates, log, read_mail, read_sms, workdir)

# The outage stays under the first retry delay (30 s), so each message fails once and goes at its first retry:
# the drain is bounded by the outage plus about 30 s. A longer outage costs a second failure and 60 s more.
FIRST_RETRY = 30


def query(db_path, sql, args=()):
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=30) as db:
        return db.execute(sql, args).fetchall()


def pending(db_path):
    return query(db_path, "SELECT COUNT(*) FROM outbox WHERE status IN ('in_coda', 'in_riprova')")[0][0]


def wait_drained(db_path, timeout, what):
    start = time.time()
    while pending(db_path):
        if time.time() - start > timeout:
            rows = query(db_path, "SELECT id, channel, status, attempts, next_attempt_at - strftime('%s','now'), "
                                  "last_error FROM outbox WHERE status IN ('in_coda', 'in_riprova') LIMIT 5")
            raise CheckFailed(f"{what}: outbox not drained after {timeout} s, {pending(db_path)} pending, "
                              f"e.g. (id, channel, status, attempts, due in s, error) {rows}")
        time.sleep(0.5)
    return time.time() - start


def send(session, base, count, phase, acked, pause=0.0):
    for n in range(count):
        testo = f"Prova di disservizio della posta, {phase} n. {n + 1}: richiesta di verifica del versamento."
        status, body = session.send_richiesta(base, testo, [(f"nota-{n}.pdf", PDF + f"% {phase} {n}\n".encode())],
                                              "ufficio.personale@example.it")
        check(status == 200 and isinstance(body, dict) and "id" in body, f"{phase} n. {n + 1}: {status} {body}")
        acked.append(body["id"])
        time.sleep(pause)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--before", type=int, default=30, help="richieste before the outage")
    parser.add_argument("--during", type=int, default=20, help="richieste during the outage")
    parser.add_argument("--outage", type=float, default=15.0, help="seconds the SMTP sink stays down")
    args = parser.parse_args()
    started = time.time()
    work = workdir("mail_outage")
    db_path = os.path.join(work, "cassetto.db")
    mail_dir = os.path.join(work, "mail")
    smtp = Sink("smtp_sink.py", mail_dir, os.path.join(work, "smtp.out")).start()
    sms = Sink("sms_sink.py", os.path.join(work, "sms"), os.path.join(work, "sms.out")).start()
    server = Server(f"sqlite://{db_path}", smtp.port, sms.port, os.path.join(work, "server.log")).start()
    session = Session().login(server.base, DATORE)

    before, during = [], []
    send(session, server.base, args.before, "prima", before)
    wait_drained(db_path, 60, "before the outage")
    filed_before = len(read_mail(mail_dir))

    smtp.kill()
    down_at = time.time()
    send(session, server.base, args.during, "durante", during, pause=args.outage / max(args.during, 1) * 0.8)
    time.sleep(max(0.0, args.outage - (time.time() - down_at)))
    # What the outage did: each notice of the outage tried, failed, recorded for a retry; nothing filed.
    marks = ",".join("?" * len(during))
    retrying = query(db_path, f"SELECT COUNT(*), MAX(last_error) FROM outbox WHERE channel = 'email' "
                              f"AND status = 'in_riprova' AND attempts >= 1 AND richiesta_id IN ({marks})", during)[0]
    check(len(read_mail(mail_dir)) == filed_before, "messages were filed while the SMTP sink was down")
    check(retrying[0] > 0, "no e-mail of the outage is waiting for a retry: did the worker try at all?")

    smtp.start()  # same port, same folder
    up_at = time.time()
    waited = wait_drained(db_path, FIRST_RETRY + args.outage + 60, "after the outage")
    server.stop()
    sms.kill()
    smtp.kill()

    outbox = query(db_path, "SELECT id, richiesta_id, channel, status, message_id, attempts FROM outbox")
    mails = read_mail(mail_dir)
    figures, problems, duplicates = check_deliveries(outbox, mails, read_sms(sms.directory), before + during)
    # By protocol too: the subject names the richiesta, so a copy with a new Message-ID would show here.
    protocolli = dict(query(db_path, f"SELECT id, protocollo FROM richieste WHERE id IN "
                                     f"({','.join('?' * len(before + during))})", before + during))
    per_protocollo = {p: sum(p in m[2] for m in mails) for p in protocolli.values()}
    wrong = {p: n for p, n in per_protocollo.items() if n != 1}
    if wrong:
        problems.append(f"e-mails per protocol not 1: {sorted(wrong.items())[:10]}")
    delays = query(db_path, f"SELECT MAX(sent_at - created_at), MAX(attempts) FROM outbox WHERE channel = 'email' "
                            f"AND richiesta_id IN ({marks})", during)[0]
    if problems:
        log(f"mail outage: FAILED — {'; '.join(problems)}\n{describe_duplicates(duplicates, outbox)}\n"
            f"  files kept under {work}")
        return 1
    log(f"mail outage: OK — SMTP sink down {up_at - down_at:.0f} s; {len(before)} richieste before, "
        f"{len(during)} during ({retrying[0]} e-mails waiting to retry, e.g. \"{retrying[1]}\"); drained "
        f"{waited:.0f} s after the sink came back; {figures['emails']} e-mails + {figures['sms']} SMS each "
        f"delivered once; longest delay {delays[0]} s, at most {delays[1]} attempts; {time.time() - started:.0f} s")
    shutil.rmtree(work)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except CheckFailed as e:
        log(f"mail outage: FAILED — {e}")
        sys.exit(1)
