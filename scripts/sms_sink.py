#!/usr/bin/env python3
"""A local SMS gateway for development and tests (Python standard library only).

    python3 scripts/sms_sink.py --host 127.0.0.1 --port 0 --dir /tmp/sms

It answers what Cassetto's SMS adapter posts (CASSETTO_SMS_URL): every POST body is written atomically
as DIR/<n>.json, with the Idempotency-Key header added as "_idempotency_key", and answered
`202 {"accepted": n}`. A body whose recipient ("to") starts with "+39000" is refused with 400, so tests can
produce a permanent failure. With --port 0 a free port is picked; the first line on stdout is `PORT <n>`.
"""

import argparse
import http.server
import json
import os
import signal
import sys
import threading

MAX_BODY = 64 * 1024


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=2527)
    parser.add_argument("--dir", required=True)
    args = parser.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    lock = threading.Lock()
    counter = [len([f for f in os.listdir(args.dir) if f.endswith(".json")])]

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            if length <= 0 or length > MAX_BODY:
                return self.answer(400, {"error": "body missing or too large"})
            try:
                message = json.loads(self.rfile.read(length))
            except ValueError:
                return self.answer(400, {"error": "not JSON"})
            if str(message.get("to", "")).replace(" ", "").startswith("+39000"):
                return self.answer(400, {"error": "numero inesistente"})
            message["_idempotency_key"] = self.headers.get("Idempotency-Key")
            with lock:
                counter[0] += 1
                n = counter[0]
                path = os.path.join(args.dir, f"{n}.json")
                with open(path + ".tmp", "w", encoding="utf-8") as f:
                    json.dump(message, f, ensure_ascii=False)
                os.replace(path + ".tmp", path)
            self.answer(202, {"accepted": n})

        def answer(self, status, body):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *_):
            pass

    server = http.server.ThreadingHTTPServer((args.host, args.port), Handler)
    print(f"PORT {server.server_address[1]}", flush=True)
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
