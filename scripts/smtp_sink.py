#!/usr/bin/env python3
"""A small SMTP sink for development and tests (Python standard library only).

    python3 scripts/smtp_sink.py --host 127.0.0.1 --port 0 --dir /tmp/mail

With --port 0 a free port is picked; the first line on stdout is always `PORT <n>`.
Every accepted message is written atomically as DIR/<n>.eml: the raw message (dot-unstuffed, CRLF as received)
preceded by a header line `X-Sink-Rcpt: <comma-separated recipients>`.

To let tests produce delivery errors, a recipient whose domain starts with `inesistente.` is refused with
`550 5.1.1 casella inesistente`, one whose domain starts with `temporaneo.` with `451 4.3.0 riprovare più tardi`.
No AUTH, no TLS. SIGTERM and SIGINT stop it cleanly.
"""

import argparse
import asyncio
import os
import re
import signal
import sys

HOSTNAME = "cassetto-sink"
MAX_LINE = 1024 * 1024
MAX_MESSAGE = 20 * 1024 * 1024
IDLE_TIMEOUT = 300
TOO_BIG = object()

ADDRESS = re.compile(r"^\s*(?:FROM|TO)\s*:\s*<([^>]*)>(.*)$", re.IGNORECASE)


class Store:
    """Numbers and writes the messages; numbering continues after the files already in the folder."""

    def __init__(self, directory):
        self.directory = directory
        os.makedirs(directory, exist_ok=True)
        taken = [int(name[:-4]) for name in os.listdir(directory) if name.endswith(".eml") and name[:-4].isdigit()]
        self.next = max(taken, default=0) + 1

    def number(self):
        """The next message number; taken on the event loop, so two sessions never get the same one."""
        n = self.next
        self.next += 1
        return n

    def save(self, n, recipients, data):
        """Writes message n durably (fsync, then an atomic rename); called in a worker thread so the fsyncs of
        concurrent sessions overlap, as in a real mail server."""
        final = os.path.join(self.directory, f"{n}.eml")
        temp = os.path.join(self.directory, f".{n}.eml.tmp")
        with open(temp, "wb") as f:
            f.write(b"X-Sink-Rcpt: " + ",".join(recipients).encode("utf-8") + b"\r\n")
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temp, final)
        return n


def parse_path(argument):
    """`FROM:<a@b> PARAMS` -> 'a@b', or None when malformed."""
    match = ADDRESS.match(argument)
    return match.group(1).strip() if match else None


def recipient_verdict(address):
    domain = address.rsplit("@", 1)[1].lower() if "@" in address else ""
    if domain.startswith("inesistente."):
        return "550 5.1.1 casella inesistente"
    if domain.startswith("temporaneo."):
        return "451 4.3.0 riprovare più tardi"
    return None


class Session:
    def __init__(self, store, reader, writer):
        self.store = store
        self.reader = reader
        self.writer = writer
        self.reset()

    def reset(self):
        self.sender = None
        self.recipients = []

    async def reply(self, *lines):
        # Multi-line replies: "250-first", ..., "250 last".
        out = []
        for i, line in enumerate(lines):
            code, text = line[:3], line[4:]
            sep = " " if i == len(lines) - 1 else "-"
            out.append(f"{code}{sep}{text}\r\n")
        self.writer.write("".join(out).encode("utf-8"))
        await self.writer.drain()

    async def readline(self):
        return await asyncio.wait_for(self.reader.readline(), IDLE_TIMEOUT)

    async def run(self):
        await self.reply(f"220 {HOSTNAME} ESMTP pronto")
        while True:
            try:
                raw = await self.readline()
            except (asyncio.TimeoutError, asyncio.LimitOverrunError, ValueError):
                await self.reply("421 4.4.2 timeout o riga troppo lunga")
                return
            if not raw:
                return
            line = raw.decode("utf-8", errors="replace").rstrip("\r\n")
            verb, _, argument = line.partition(" ")
            verb = verb.upper()
            if verb == "EHLO":
                self.reset()
                await self.reply(f"250 {HOSTNAME}", "250 8BITMIME", "250 SMTPUTF8", f"250 SIZE {MAX_MESSAGE}")
            elif verb == "HELO":
                self.reset()
                await self.reply(f"250 {HOSTNAME}")
            elif verb == "MAIL":
                sender = parse_path(argument)
                if sender is None:
                    await self.reply("501 5.5.4 sintassi: MAIL FROM:<indirizzo>")
                else:
                    self.reset()
                    self.sender = sender
                    await self.reply("250 2.1.0 Ok")
            elif verb == "RCPT":
                recipient = parse_path(argument)
                if self.sender is None:
                    await self.reply("503 5.5.1 prima MAIL FROM")
                elif not recipient:
                    await self.reply("501 5.5.4 sintassi: RCPT TO:<indirizzo>")
                else:
                    verdict = recipient_verdict(recipient)
                    if verdict:
                        await self.reply(verdict)
                    else:
                        self.recipients.append(recipient)
                        await self.reply("250 2.1.5 Ok")
            elif verb == "DATA":
                if self.sender is None or not self.recipients:
                    await self.reply("503 5.5.1 nessun destinatario valido")
                    continue
                await self.reply("354 terminare con <CRLF>.<CRLF>")
                data = await self.read_data()
                if data is None:
                    return
                if data is TOO_BIG:
                    await self.reply("552 5.3.4 messaggio troppo grande")
                else:
                    n = self.store.number()
                    await asyncio.get_running_loop().run_in_executor(None, self.store.save, n, self.recipients, data)
                    await self.reply(f"250 2.0.0 Ok: accodato come {n}")
                self.reset()
            elif verb == "RSET":
                self.reset()
                await self.reply("250 2.0.0 Ok")
            elif verb == "NOOP":
                await self.reply("250 2.0.0 Ok")
            elif verb == "VRFY":
                await self.reply("252 2.1.5 non verificabile")
            elif verb == "QUIT":
                await self.reply("221 2.0.0 Arrivederci")
                return
            elif verb in ("STARTTLS", "AUTH"):
                await self.reply("502 5.5.1 non disponibile")
            else:
                await self.reply("500 5.5.2 comando sconosciuto")

    async def read_data(self):
        """Reads until the lone dot; undoes dot-stuffing. None when the client went away, TOO_BIG past the limit."""
        chunks = []
        size = 0
        while True:
            try:
                raw = await self.readline()
            except (asyncio.TimeoutError, asyncio.LimitOverrunError, ValueError):
                return None
            if not raw:
                return None
            if raw in (b".\r\n", b".\n"):
                return TOO_BIG if size > MAX_MESSAGE else b"".join(chunks)
            if raw.startswith(b"."):
                raw = raw[1:]
            size += len(raw)
            if size <= MAX_MESSAGE:
                chunks.append(raw)


async def main():
    parser = argparse.ArgumentParser(description="SMTP sink for development and tests")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=2525)
    parser.add_argument("--dir", required=True, help="folder for the received messages")
    args = parser.parse_args()

    store = Store(args.dir)
    sessions = set()

    async def handle(reader, writer):
        task = asyncio.current_task()
        sessions.add(task)
        try:
            await Session(store, reader, writer).run()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        except asyncio.CancelledError:
            pass  # shutting down: the session just ends
        finally:
            sessions.discard(task)
            try:
                writer.close()
                await writer.wait_closed()
            except (ConnectionError, OSError):
                pass

    server = await asyncio.start_server(handle, args.host, args.port, limit=MAX_LINE)
    port = server.sockets[0].getsockname()[1]
    sys.stdout.write(f"PORT {port}\n")
    sys.stdout.flush()

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()

    server.close()
    for task in list(sessions):
        task.cancel()
    await asyncio.gather(*sessions, return_exceptions=True)
    await server.wait_closed()


if __name__ == "__main__":
    asyncio.run(main())
