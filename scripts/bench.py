#!/usr/bin/env python3
"""`make bench`: the figures of docs/benchmarks.md, each as a ratio against a baseline measured in the
same run (where docs/benchmarks.md names one), printed one line per figure after the machine and the commit.

Release binary in target/bench (its own target dir, so benchmarking never waits on the debug build of the
tests), scale data generated once and reused (target/bench/scale.db; PostgreSQL database cassetto_bench),
load only on loopback, each run bounded in time. Server and load generator are pinned to different cores
(taskset) when there are two or more.

Environment: BENCH_POSITIONS (default 100000: the full scale set), BENCH_POSTGRES (default
postgres://postgres@127.0.0.1:5432/postgres; "none" skips the PostgreSQL figures), BENCH_SECONDS (per wrk
round, default 5), BENCH_ROUNDS (A/B rounds, default 3).
"""

import concurrent.futures
import gzip
import http.client
import http.cookiejar
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
WORK = os.path.join(ROOT, "target", "bench")
BIN = os.path.join(WORK, "release", "cassetto")
POSITIONS = int(os.environ.get("BENCH_POSITIONS", "100000"))
PG_BASE = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres")
SECONDS = int(os.environ.get("BENCH_SECONDS", "5"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
PASSWORD = "Cassetto.Demo.2026"
MARIO = "RSSMRA70A01H501S"
GIUSEPPE = "VRDGPP65C10L219T"
FRANCA = "MRNFNC68S60F839Q"
CORES = os.cpu_count() or 1


def sh(cmd, **kw):
    return subprocess.run(cmd, shell=True, check=True, text=True, capture_output=True, **kw).stdout


def log(msg):
    print(f"  · {msg}", file=sys.stderr, flush=True)


def figure(name, value, unit, baseline=None, ratio=None, note=""):
    line = f"{name}: {value} {unit}"
    if baseline is not None:
        line += f" (baseline {baseline}, ratio {ratio})"
    if note:
        line += f" — {note}"
    print(line, flush=True)


def pin(core):
    return f"taskset -c {core} " if CORES >= 2 and shutil.which("taskset") else ""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


# --- build and data -----------------------------------------------------------------------------------

def ensure_tools():
    """wrk (Debian) drives the page load; /usr/bin/time reads peak memory; taskset pins cores."""
    missing = [pkg for tool, pkg in (("wrk", "wrk"), ("/usr/bin/time", "time"), ("taskset", "util-linux"))
               if not shutil.which(tool)]
    if missing:
        sudo = "" if os.geteuid() == 0 else "sudo "
        subprocess.run(f"{sudo}apt-get update -qq && DEBIAN_FRONTEND=noninteractive {sudo}apt-get install -y -qq "
                       + " ".join(missing), shell=True, check=True)


def build():
    log("release build (target/bench)")
    subprocess.run("cargo build --release -p server --features app/ssr --target-dir target/bench",
                   shell=True, check=True, cwd=ROOT)


def scale_sqlite():
    db = os.path.join(WORK, f"scale-{POSITIONS}.db")
    done = db + ".done"
    if not os.path.exists(done):
        for f in (db, db + "-wal", db + "-shm"):
            if os.path.exists(f):
                os.remove(f)
        log(f"generating the scale data on SQLite ({POSITIONS} positions)")
        out = sh(f"DATABASE_URL=sqlite://{db} {BIN} seed --scale --positions {POSITIONS}", cwd=ROOT)
        open(done, "w").write(out)
    return f"sqlite://{db}", open(done).read().strip().splitlines()[-1]


def pg_url(dbname):
    return PG_BASE.rsplit("/", 1)[0] + "/" + dbname


def scale_postgres():
    if PG_BASE == "none":
        return None, "skipped (BENCH_POSTGRES=none)"
    name = f"cassetto_bench_{POSITIONS}"
    try:
        exists = sh(f"psql '{PG_BASE}' -tAc \"SELECT 1 FROM pg_database WHERE datname = '{name}'\"").strip()
    except subprocess.CalledProcessError:
        return None, f"skipped (no PostgreSQL at {PG_BASE})"
    url = pg_url(name)
    marker = os.path.join(WORK, f"{name}.done")
    if exists != "1" or not os.path.exists(marker):
        sh(f"psql '{PG_BASE}' -qc 'DROP DATABASE IF EXISTS {name}' -c 'CREATE DATABASE {name}'")
        log(f"generating the scale data on PostgreSQL ({POSITIONS} positions)")
        out = sh(f"DATABASE_URL={url} {BIN} seed --scale --positions {POSITIONS}", cwd=ROOT)
        open(marker, "w").write(out)
    return url, open(marker).read().strip().splitlines()[-1]


# --- the server and its clients --------------------------------------------------------------------------

class Server:
    def __init__(self, url, extra_env=None, core=0):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ, DATABASE_URL=url, CASSETTO_DEMO="1", CASSETTO_INSECURE_COOKIES="1",
                   LEPTOS_SITE_ADDR=f"127.0.0.1:{self.port}", LEPTOS_SITE_ROOT="target/site",
                   LEPTOS_SITE_PKG_DIR="pkg", LEPTOS_OUTPUT_NAME="cassetto", RUST_LOG="warn")
        env.update(extra_env or {})
        self.log = open(os.path.join(WORK, f"server-{self.port}.log"), "w")
        self.proc = subprocess.Popen(f"exec {pin(core)}{BIN} serve", shell=True, cwd=ROOT, env=env,
                                     stdout=self.log, stderr=self.log)
        deadline = time.time() + 120
        while time.time() < deadline:
            try:
                urllib.request.urlopen(self.base + "/healthz", timeout=2)
                return
            except Exception:
                time.sleep(0.3)
        raise RuntimeError(f"server on {url} did not start; see {self.log.name}")

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=30)


class Session:
    """A logged-in user: the two login steps, the demo code read from the second-factor page."""

    def __init__(self, base, cf):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.post_form("/api/accesso/password", {"codice_fiscale": cf, "password": PASSWORD})
        for _ in range(20):
            page = self.opener.open(base + "/accesso/codice").read().decode()
            m = re.search(r'data-testid="codice-demo-valore"[^>]*>(\d{6})<', page)
            if m:
                break
            time.sleep(2)
        self.post_form("/api/accesso/codice", {"codice": m.group(1)})

    def post_form(self, path, fields):
        req = urllib.request.Request(self.base + path, data=urllib.parse.urlencode(fields).encode(),
                                     headers={"Accept": "text/html", "Origin": self.base})
        return self.opener.open(req).read()

    def cookie(self):
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)

    def call(self, endpoint, body):
        req = urllib.request.Request(self.base + endpoint, data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json", "Origin": self.base})
        return json.loads(self.opener.open(req).read())

    def get(self, path):
        return self.opener.open(self.base + path).read()


def wrk(url, cookie, connections=8, seconds=SECONDS):
    """Requests/s and latency percentiles (ms) of a closed-loop run."""
    out = sh(f"{pin(1)}wrk -t1 -c{connections} -d{seconds}s --latency -H 'Cookie: {cookie}' '{url}'")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non2xx:
        raise RuntimeError(f"{url}: {non2xx.group(1)} failed responses")

    def ms(label):
        m = re.search(rf"{label}%\s+([\d.]+)(us|ms|s)", out)
        v = float(m.group(1))
        return {"us": v / 1000, "ms": v, "s": v * 1000}[m.group(2)]
    return rps, ms("50"), ms("99")


def fixed_rate(base, path, cookie, rate, seconds):
    """Open-loop load at `rate` requests/s (each thread its own keep-alive connection): latencies in ms."""
    host, port = base.removeprefix("http://").split(":")
    threads = 4
    latencies, lock = [], threading.Lock()
    start = time.perf_counter() + 0.2

    def worker(k):
        conn = http.client.HTTPConnection(host, int(port), timeout=10)
        n = k
        while True:
            at = start + n / rate
            if at > start + seconds:
                return
            delay = at - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            t0 = time.perf_counter()
            conn.request("GET", path, headers={"Cookie": cookie})
            conn.getresponse().read()
            with lock:
                latencies.append((time.perf_counter() - max(t0, at)) * 1000)
            n += threads
    with concurrent.futures.ThreadPoolExecutor(threads) as ex:
        list(ex.map(worker, range(threads)))
    return latencies


# --- figures -------------------------------------------------------------------------------------------

def ssr_page(name, url, goal):
    """A Cassetto consultation page (Versamenti of one scale position, 120 rows) against the same bytes
    served from memory by a plain handler of the same binary."""
    server = Server(url)
    try:
        s = Session(server.base, scale_datore(0))
        found = s.call("/api/cassetto/ricerca", {"testo": "", "pagina": 0})
        code = found["rows"][0]["code"]
        path = f"/cassetto/{code}/versamenti"
        page = s.get(path)
        cookie = s.cookie()
    finally:
        server.stop()
    page_file = os.path.join(WORK, "baseline.html")
    open(page_file, "wb").write(page)
    server = Server(url, {"CASSETTO_BENCH_BASELINE": page_file})
    try:
        wrk(server.base + path, cookie, seconds=2)  # warm-up
        ratios, pages, bases, p99s = [], [], [], []
        for _ in range(ROUNDS):
            b, _, _ = wrk(server.base + "/bench/baseline", cookie)
            p, _, p99 = wrk(server.base + path, cookie)
            bases.append(b)
            pages.append(p)
            p99s.append(p99)
            ratios.append(p / b)
        rate = statistics.median(pages) / 2
        lat = fixed_rate(server.base, path, cookie, rate, SECONDS)
        figure(name, f"{statistics.median(pages):.0f}", "req/s",
               f"{statistics.median(bases):.0f} req/s", f"{statistics.median(ratios):.2f}",
               f"goal ≥ {goal}; p99 at half of saturation ({rate:.0f} req/s): {pct(lat, 99):.1f} ms (goal < 20 ms); "
               f"{len(page)} bytes, rows of position {code}")
    finally:
        server.stop()


def scale_datore(k):
    """The codice fiscale of the datore of the k-th Sede of the scale set (app/src/ssr/demo/scale.rs)."""
    first15 = f"DTRSCL{40 + k // 28:02d}A{1 + k % 28:02d}H501"
    return first15 + cf_check(first15)


def cf_check(first15):
    odd = dict(zip("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ",
                   [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8,
                    12, 14, 16, 10, 22, 25, 24, 23]))
    total = sum(odd[c] if i % 2 == 0 else (int(c) if c.isdigit() else ord(c) - 65) for i, c in enumerate(first15))
    return chr(65 + total % 26)


def timed(fn, n):
    out = []
    for i in range(n):
        t0 = time.perf_counter()
        fn(i)
        out.append((time.perf_counter() - t0) * 1000)
    return out


def ricerca_and_storico(url):
    server = Server(url)
    try:
        g = Session(server.base, GIUSEPPE)
        names = ["Officine", "Trasporti R", "Costruzioni Bianchi", "Servizi", "Logistica M", "Comune di"]
        by_name = timed(lambda i: g.call("/api/cassetto/ricerca", {"testo": names[i % len(names)], "pagina": 0}), 120)
        by_cf = timed(lambda i: g.call("/api/cassetto/ricerca", {"testo": f"20{(i * 37) % 1000:03d}", "pagina": 0}), 120)
        total = g.call("/api/cassetto/ricerca", {"testo": "", "pagina": 0})["total"]
        figure("ricerca", f"{pct(by_name, 95):.1f}", "ms p95 by name prefix",
               note=f"by codice fiscale prefix {pct(by_cf, 95):.1f} ms; the intermediary reaches {total} positions; goal < 10 ms")
        filters = {
            "matricola": lambda i: {"posizione": "2000" + str(i % 10)},
            "oggetto": lambda i: {"oggetto": str(1 + i % 5)},
            "stato": lambda i: {"stato": ["aperta", "in_carico", "chiusa"][i % 3]},
            "date": lambda i: {"aperta_dal": f"{2018 + i % 8}-01-01", "aperta_al": f"{2018 + i % 8}-06-30"},
        }
        total = g.call("/api/comunicazioni", {"query": {"filters": {}, "sort": None, "desc": False, "page": 0}})["totale"]
        parts = []
        for label, f in filters.items():
            lat = timed(lambda i: g.call("/api/comunicazioni",
                                         {"query": {"filters": f(i), "sort": None, "desc": False, "page": 0}}), 60)
            parts.append((label, pct(lat, 95)))
        worst = max(p for _, p in parts)
        figure("storico", f"{worst:.1f}", "ms p95 (worst filter)",
               note=", ".join(f"{k} {v:.1f} ms" for k, v in parts) + f"; the intermediary's {total} of the table's richieste; goal < 20 ms")
    finally:
        server.stop()


def xml_import():
    f = os.path.join(WORK, "listapospa-200k.xml")
    if not os.path.exists(f):
        sh(f"{BIN} listapospa genera {f} --lavoratori 200000")
    size_mb = os.path.getsize(f) / 1048576

    def run(cmd):
        out = subprocess.run(f"/usr/bin/time -v {BIN} listapospa {cmd} {f}", shell=True, check=True,
                             capture_output=True, text=True)
        mbs = float(re.search(r"([\d.]+) MB/s", out.stdout).group(1))
        rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", out.stderr).group(1)) / 1024
        return mbs, rss
    ratios, cands, bases, rss = [], [], [], []
    for _ in range(ROUNDS):
        b, _ = run("scorri")
        c, r = run("verifica")
        bases.append(b)
        cands.append(c)
        rss.append(r)
        ratios.append(c / b)
    figure("xml_import", f"{statistics.median(cands):.0f}", "MB/s",
           f"{statistics.median(bases):.0f} MB/s", f"{statistics.median(ratios):.2f}",
           f"file {size_mb:.0f} MB, peak RSS {max(rss):.1f} MB; goal ratio ≥ 0.5, RSS < 64 MB")


def fascicolo_pdf(url):
    server = Server(url)
    try:
        franca = Session(server.base, FRANCA)
        rows = franca.call("/api/cassetto/ricerca", {"testo": "Acquaviva", "pagina": 0})["rows"]
        code = rows[0]["code"]
        sections = ["versamenti", "note-rettifica", "piani-ammortamento", "dma", "note-debito", "note-debito-eca"]
        pdf_t, html_t = [], []
        for _ in range(ROUNDS):
            html_t.append(timed(lambda i: [franca.get(f"/cassetto/{code}/{s}") for s in sections], 1)[0])
            pdf_t.append(timed(lambda i: franca.get(f"/cassetto/{code}/fascicolo.pdf"), 1)[0])
        pdf = franca.get(f"/cassetto/{code}/fascicolo.pdf")
        pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
        p, h = statistics.median(pdf_t), statistics.median(html_t)
        figure("fascicolo_pdf", f"{p / 1000:.2f}", "s",
               f"{h / 1000:.2f} s for its six section pages as HTML", f"{p / h:.2f}",
               f"position {code}, {pages} pages, {len(pdf) // 1024} KB; goal < 0.5 s")
    finally:
        server.stop()


def wasm_size():
    """The bundle a browser downloads: the release wasm after wasm-bindgen and wasm-opt -Oz (what cargo-leptos
    does in `cargo leptos build --release`; wasm-opt is the npm binaryen of tools/)."""
    log("release WASM build")
    subprocess.run("cargo build -p frontend --lib --target wasm32-unknown-unknown --profile wasm-release "
                   "--no-default-features --target-dir target/bench", shell=True, check=True, cwd=ROOT,
                   capture_output=True)
    wasm = os.path.join(WORK, "wasm32-unknown-unknown", "wasm-release", "frontend.wasm")
    out = os.path.join(WORK, "pkg")
    sh(f"wasm-bindgen --target web --no-typescript --out-dir {out} --out-name cassetto {wasm}")
    bound = os.path.join(out, "cassetto_bg.wasm")
    raw = open(bound, "rb").read()
    wasm_opt = os.path.join(ROOT, "tools", "node_modules", ".bin", "wasm-opt")
    optimized = os.path.join(out, "cassetto_opt.wasm")
    sh(f"{wasm_opt} -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext "
       f"--enable-mutable-globals -o {optimized} {bound}")
    data = open(optimized, "rb").read()
    figure("wasm_size", f"{len(gzip.compress(data, 9)) // 1024}", "KB gzip",
           note=f"{len(data) // 1024} KB after wasm-opt -Oz ({len(raw) // 1024} KB before, "
                f"{len(gzip.compress(raw, 9)) // 1024} KB gzip); goal ≤ 350 KB")


def login(url):
    """Logins/s with the argon2 cap saturated, and the page's p99 alone and while logins run."""
    server = Server(url)
    try:
        s = Session(server.base, MARIO)
        path = "/cassetto"
        cookie = s.cookie()
        alone = fixed_rate(server.base, path, cookie, 20, SECONDS)
        stop = time.time() + SECONDS + 0.5
        count = [0]
        # A TOTP code works once: each login takes the next of the scale set's datori (one per Sede).
        accounts = [scale_datore(k) for k in range(100)]
        lock = threading.Lock()

        def logins():
            while time.time() < stop:
                with lock:
                    if not accounts:
                        return
                    cf = accounts.pop()
                Session(server.base, cf)
                with lock:
                    count[0] += 1
        started = time.time()
        with concurrent.futures.ThreadPoolExecutor(4) as ex:
            futures = [ex.submit(logins) for _ in range(4)]
            during = fixed_rate(server.base, path, cookie, 20, SECONDS)
            for f in futures:
                f.result()
        rate = count[0] / (time.time() - started)
        a, d = pct(alone, 99), pct(during, 99)
        figure("login", f"{rate:.1f}", "logins/s", note=f"page p99 {a:.1f} ms alone, {d:.1f} ms during logins "
               f"({d / a:.1f}×; goal ≤ 2×); a login is one argon2id check plus the TOTP step; argon2 runs on half the cores at nice +10")
    finally:
        server.stop()


def main():
    os.makedirs(WORK, exist_ok=True)
    model = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    commit = sh("git rev-parse --short HEAD", cwd=ROOT).strip()
    dirty = " (uncommitted changes)" if sh("git status --porcelain", cwd=ROOT).strip() else ""
    print(f"machine: {CORES} cores, {model}; commit {commit}{dirty}; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    ensure_tools()
    build()
    sqlite_url, sqlite_seed = scale_sqlite()
    print(f"scale data SQLite: {sqlite_seed}")
    pg, pg_seed = scale_postgres()
    print(f"scale data PostgreSQL: {pg_seed}")
    only = set(sys.argv[1:])

    def want(name):
        return not only or name in only
    if want("ssr_page"):
        ssr_page("ssr_page", sqlite_url, "0.25")
    if want("ssr_page_pg"):
        if pg:
            ssr_page("ssr_page_pg", pg, "0.15")
        else:
            figure("ssr_page_pg", "-", "", note=pg_seed)
    if want("ricerca") or want("storico"):
        ricerca_and_storico(sqlite_url)
    if want("xml_import"):
        xml_import()
    if want("fascicolo_pdf"):
        fascicolo_pdf(sqlite_url)
    if want("outbox") or want("booking_race"):
        faults = os.path.join(ROOT, "scripts", "bench_outbox.py")
        if os.path.exists(faults):
            subprocess.run([sys.executable, faults, BIN, pg or ""], check=True, cwd=ROOT)
        else:
            figure("outbox", "-", "", note="not measured yet")
            figure("booking_race", "-", "", note="not measured yet")
    if want("wasm_size"):
        wasm_size()
    if want("login"):
        login(sqlite_url)


if __name__ == "__main__":
    main()
