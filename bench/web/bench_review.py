#!/usr/bin/env python3
"""The review-queue benchmark: prints figures, asserts nothing.

  bench/web/bench_review.py [--build build] [--rounds 5] [--duration 10]
                            [--follow-ups 100000] [--invoices 1000000] [--fresh]
                            [--cache /tmp/purr_bench_review] [--out /tmp/bench_review.json]
                            [--only A,B,C,D,E,F,G]

bench_review_data fills a store once (cached by size under --cache; --fresh makes it again),
bench_review_server serves it as the daemon does (8 request threads, 4 reader connections,
no worker beside it), the script signs in as `bench` and measures with wrk (10 connections,
2 threads, --duration seconds a run, --latency) these configurations, interleaved
(A B C D E F G A B ...) for --rounds rounds:

  A  GET /                                    the queue page shell
  B  GET /api/v1/followups?limit=50           the queue's first page
  C  ...?limit=50&legal=halt&overdue=1        filtered: overdue halt letters
  D  ...?limit=50&offset=50000                a deep page
  E  ...?limit=50&reason=case.halt-letter&class=dispute&assignee=-
  F  GET /api/v1/letters/<id>                 one letter's detail, a random letter each request
  G  ...?limit=50&after=<cursor>              the same deep page as D by its cursor (the
                                              `next` of ?offset=49950), as the page's links go

For each configuration: the median and spread (min-max) over the rounds of requests/s, p50
and p95 latency (wrk's latency histogram, read in a done() script because wrk prints no p95)
and the server's CPU seconds per 1000 requests (utime + stime of the server process from
/proc/<pid>/stat before and after each run). wrk runs on the same machine and its CPU is
reported too: on 2 cores, client and server share them. The load average is printed at start
and end: on a shared machine, figures from a loaded run are not a result.

Every response is checked: a run with non-2xx responses, socket errors or timeouts says so in
the table. The EXPLAIN QUERY PLAN of each queue query (as store/sqlite_store.cc builds it) is
printed at the end.
"""
import argparse
import datetime
import json
import os
import re
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RULE_E = "case.halt-letter"

CONFIGS = [
    ("A", "queue page shell", "/"),
    ("B", "first page", "/api/v1/followups?limit=50"),
    ("C", "legal=halt&overdue=1", "/api/v1/followups?limit=50&legal=halt&overdue=1"),
    ("D", "offset=50000", "/api/v1/followups?limit=50&offset=50000"),
    ("E", "reason&class&unassigned",
     f"/api/v1/followups?limit=50&reason={RULE_E}&class=dispute&assignee=-"),
    ("F", "letter detail (random id)", "/api/v1/letters/<id>"),
    ("G", "after=<cursor at 50000>", "/api/v1/followups?limit=50&after=<cursor>"),
]

# wrk's done() writes its summary and latency percentiles (microseconds) as JSON to a file.
LUA_DONE = r"""
done = function(summary, latency, requests)
  local f = io.open("%(out)s", "w")
  f:write(string.format(
    '{"requests": %%d, "duration_us": %%d, "bytes": %%d, "connect": %%d, "read": %%d, ' ..
    '"write": %%d, "status": %%d, "timeout": %%d, "p50_us": %%d, "p90_us": %%d, ' ..
    '"p95_us": %%d, "p99_us": %%d, "mean_us": %%f, "max_us": %%d}',
    summary.requests, summary.duration, summary.bytes, summary.errors.connect,
    summary.errors.read, summary.errors.write, summary.errors.status, summary.errors.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(95),
    latency:percentile(99), latency.mean, latency.max))
  f:close()
end
"""

# F: a random letter each request (each wrk thread seeds its own generator).
LUA_LETTERS = r"""
local first, last = %(first)d, %(last)d
init = function(args)
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%%x+)"), 16) %% 100000)
end
request = function()
  return wrk.format("GET", "/api/v1/letters/" .. math.random(first, last))
end
"""


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    # after "pid (comm)": state is fields[0], utime fields[11], stime fields[12]
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def generate(args, gen):
    os.makedirs(args.cache, exist_ok=True)
    db = os.path.join(args.cache, f"review_f{args.follow_ups}_i{args.invoices}.sqlite")
    meta_path = db + ".json"
    if not args.fresh and os.path.exists(db) and os.path.exists(meta_path):
        with open(meta_path) as f:
            meta = json.load(f)
        print(f"data: cached {db} (generated {meta['generated_at']} in {meta['seconds']:.1f} s)")
        if meta["today"] != datetime.datetime.utcnow().strftime("%Y-%m-%d"):
            print(f"  note: generated on {meta['today']}; deadlines were spread around that day, "
                  "so the overdue share has drifted (use --fresh)")
        return db, meta
    print(f"data: generating {args.follow_ups} follow-ups and {args.invoices} invoices into {db}")
    t0 = time.monotonic()
    p = subprocess.run([gen, "--db", db, "--follow-ups", str(args.follow_ups), "--invoices",
                        str(args.invoices)], capture_output=True, text=True)
    wall = time.monotonic() - t0
    if p.returncode != 0:
        sys.exit(f"bench: bench_review_data failed ({p.returncode}):\n{p.stderr}")
    lines = p.stdout.strip().splitlines()
    for line in lines[:-1]:
        print("  " + line)
    meta = json.loads(lines[-1])
    meta["wall_seconds"] = wall
    meta["generated_at"] = datetime.datetime.now().isoformat(timespec="seconds")
    meta["stdout"] = lines[:-1]
    with open(meta_path, "w") as f:
        json.dump(meta, f, indent=1)
    return db, meta


def inspect(db):
    """What the store holds, read directly (read-only)."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    today = datetime.datetime.utcnow().strftime("%Y-%m-%d")
    q = lambda sql, *a: con.execute(sql, a).fetchone()
    info = {
        "invoices": q("SELECT count(*) FROM invoices")[0],
        "customers": q("SELECT count(*) FROM customers")[0],
        "open_follow_ups": q("SELECT count(*) FROM follow_ups WHERE status = 'open'")[0],
        "letters": q("SELECT count(*) FROM letters")[0],
        "letter_ids": list(q("SELECT min(id), max(id) FROM letters")),
        "overdue_today": q("SELECT count(*) FROM follow_ups WHERE status = 'open' AND due < ?",
                           today)[0],
        "today": today,
    }
    for key, sql in [("C", "AND legal = 'halt' AND due < ?"),
                     ("E", "AND rule_id = ? AND classes LIKE '%\"dispute\"%' AND assignee = ''")]:
        arg = today if key == "C" else RULE_E
        info[f"total_{key}"] = q(f"SELECT count(*) FROM follow_ups WHERE status = 'open' {sql}",
                                 arg)[0]
    con.close()
    return info


def explain(db, today, cursor):
    """EXPLAIN QUERY PLAN of the queries QueryFollowUps and FollowUpCounts run, per config
    (the review app asks for no separate total: it sums the counts)."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    cols = ("f.id, f.kind, f.reasons, f.deadline, f.priority, f.case_id, f.candidates, "
            "f.rule_id, IFNULL(f.letter_id, 0), IFNULL(l.file, ''), f.payment_id, f.created_at, "
            "f.status, f.assignee, f.resolved_by, f.resolved_at, f.comment, f.version, "
            "f.classes, f.legal, f.language, f.due")
    after = None
    if cursor:
        status, due, priority, fid = cursor.split("_")
        after = [status, due, int(priority), int(fid)]
    filters = {
        "B": ([("f.status = ?", "open")], 0, None),
        "C": ([("f.status = ?", "open"), ("f.legal = ?", "halt"), ("f.due < ?", today)], 0, None),
        "D": ([("f.status = ?", "open")], 50000, None),
        "E": ([("f.status = ?", "open"), ("f.rule_id = ?", RULE_E),
               ("f.classes LIKE ? ESCAPE '\\'", '%"dispute"%'), ("f.assignee = ?", "")], 0, None),
        "G": ([("f.status = ?", "open")], 0, after),
    }
    order = " ORDER BY f.status, f.due, f.priority, f.id"
    out = {}
    for key, (clauses, offset, keyset) in filters.items():
        if key == "G" and keyset is None:
            continue
        where = " WHERE " + " AND ".join(c for c, _ in clauses)
        params = [v for _, v in clauses]
        if keyset:
            where += " AND (f.due, f.priority, f.id) > (?, ?, ?)"
            params = params + keyset[1:]
        no_reason = [(c, v) for c, v in clauses if not c.startswith("f.rule_id")]
        where_counts = " WHERE " + " AND ".join(c for c, _ in no_reason)
        queries = {
            "page": (f"SELECT {cols} FROM follow_ups f LEFT JOIN letters l ON l.id = f.letter_id "
                     f"WHERE f.id IN (SELECT f.id FROM follow_ups f{where}{order} LIMIT ? OFFSET ?)"
                     + order, params + [51, offset]),
            "counts (cached per filter)": (
                "SELECT f.rule_id, count(*) FROM follow_ups f" + where_counts +
                " GROUP BY f.rule_id ORDER BY count(*) DESC, f.rule_id",
                [v for _, v in no_reason]),
        }
        out[key] = {}
        for name, (sql, p) in queries.items():
            plan = [r[3] for r in con.execute("EXPLAIN QUERY PLAN " + sql, p)]
            t0 = time.perf_counter()
            con.execute(sql, p).fetchall()
            out[key][name] = {"sql": sql, "plan": plan,
                              "ms_single_python": (time.perf_counter() - t0) * 1000}
    con.close()
    return out


def start_server(server, db):
    p = subprocess.Popen([server, "--db", db, "--address", "127.0.0.1:0"],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    line = p.stdout.readline()
    m = re.match(r"port (\d+)", line)
    if not m:
        p.kill()
        sys.exit(f"bench: bench_review_server did not start: {line!r}")
    return p, int(m.group(1))


def sign_in(port):
    body = json.dumps({"name": "bench", "password": "bench-password-1"}).encode()
    req = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/session", data=body,
                                 headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(req) as r:
        cookie = r.headers["Set-Cookie"]
        json.load(r)
    m = re.match(r"purr_session=([^;]+)", cookie or "")
    if not m:
        sys.exit(f"bench: no session cookie in {cookie!r}")
    return m.group(1)


def get(port, path, token):
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}",
                                 headers={"Cookie": f"purr_session={token}"})
    t0 = time.perf_counter()
    with urllib.request.urlopen(req) as r:
        body = r.read()
        return r.status, body, (time.perf_counter() - t0) * 1000


def wrk_run(args, port, token, path, lua_extra, work, server_pid):
    out = os.path.join(work, "wrk_done.json")
    script = os.path.join(work, "wrk.lua")
    if os.path.exists(out):
        os.remove(out)
    with open(script, "w") as f:
        f.write(lua_extra + LUA_DONE % {"out": out})
    url = f"http://127.0.0.1:{port}{path if not lua_extra else '/'}"
    cmd = ["wrk", "-t", str(args.threads), "-c", str(args.connections), "-d", f"{args.duration}s",
           "--timeout", "10s", "--latency", "-s", script, "-H", f"Cookie: purr_session={token}",
           url]
    load = loadavg()
    cpu0 = cpu_seconds(server_pid)
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    stdout, stderr = p.communicate()
    wall = time.monotonic() - t0
    cpu1 = cpu_seconds(server_pid)
    if p.returncode != 0:
        sys.exit(f"bench: wrk failed ({p.returncode}): {stderr}\n{stdout}")
    with open(out) as f:
        d = json.load(f)
    m = re.search(r"Requests/sec:\s+([\d.]+)", stdout)
    rps = float(m.group(1)) if m else d["requests"] / (d["duration_us"] / 1e6)
    dist = dict(re.findall(r"^\s+(\d+)%\s+([\d.]+\w+)", stdout, re.M))
    server_cpu = cpu1 - cpu0
    return {
        "rps": rps,
        "requests": d["requests"],
        "p50_ms": d["p50_us"] / 1000, "p90_ms": d["p90_us"] / 1000,
        "p95_ms": d["p95_us"] / 1000, "p99_ms": d["p99_us"] / 1000,
        "max_ms": d["max_us"] / 1000, "mean_ms": d["mean_us"] / 1000,
        "wrk_latency_distribution": dist,
        "errors": {k: d[k] for k in ("connect", "read", "write", "status", "timeout")},
        "bytes_per_request": d["bytes"] / max(1, d["requests"]),
        "server_cpu_s": server_cpu,
        "server_cpu_s_per_1000": server_cpu / max(1, d["requests"]) * 1000,
        "server_cores": server_cpu / wall,
        "load1_before": load,
        "wall_s": wall,
    }


def spread(values, fmt="{:.2f}"):
    return (f"{fmt.format(statistics.median(values))} "
            f"({fmt.format(min(values))}-{fmt.format(max(values))})")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default=os.path.join(ROOT, "build"))
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=10)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--follow-ups", type=int, default=100000)
    parser.add_argument("--invoices", type=int, default=1000000)
    parser.add_argument("--cache", default="/tmp/purr_bench_review")
    parser.add_argument("--fresh", action="store_true", help="generate the data again")
    parser.add_argument("--out", default="/tmp/bench_review.json")
    parser.add_argument("--only", default="A,B,C,D,E,F,G")
    args = parser.parse_args()
    only = set(args.only.split(","))
    configs = [c for c in CONFIGS if c[0] in only]
    gen = os.path.join(args.build, "bench", "web", "bench_review_data")
    server_bin = os.path.join(args.build, "bench", "web", "bench_review_server")
    load_start = loadavg()
    print(f"bench_review: load average at start {load_start}, {os.cpu_count()} cores")

    db, meta = generate(args, gen)
    size = os.path.getsize(db)
    info = inspect(db)
    print(f"store: {size / 1e6:.1f} MB; {info['invoices']} invoices of {info['customers']} "
          f"customers, {info['open_follow_ups']} open follow-ups ({info['overdue_today']} overdue "
          f"today, {info['today']}), {info['letters']} letters; generation "
          f"{meta.get('wall_seconds', meta['seconds']):.1f} s")

    server, port = start_server(server_bin, db)
    work = tempfile.mkdtemp(prefix="purr_bench_review_")
    results = {key: [] for key, _, _ in configs}
    checks = {}
    cursor = ""
    try:
        token = sign_in(port)
        # G: the cursor that ends the page before offset 50000, as the page's next link has it.
        _, body, _ = get(port, "/api/v1/followups?limit=50&offset=49950", token)
        cursor = json.loads(body).get("next") or ""
        if not cursor:
            print("  note: no cursor at offset 49950 (a queue under 50000?): G measures the first page")
        configs = [(k, n, p.replace("<cursor>", cursor)) for k, n, p in configs]
        first, last = info["letter_ids"]
        lua = {key: "" for key, _, _ in configs}
        if "F" in lua:
            lua["F"] = LUA_LETTERS % {"first": first, "last": last}
        # One request of each, checked, and a short wrk run each to warm the caches.
        print("\nchecks (one request each, cold-ish):")
        for key, name, path in configs:
            p = path.replace("<id>", str((first + last) // 2))
            status, body, ms = get(port, p, token)
            note = ""
            if path.startswith("/api/v1/followups"):
                j = json.loads(body)
                note = f"total {j['total']}, {len(j['items'])} items"
            elif key == "A":
                note = "html" if b"<html" in body else "NOT the page"
            else:
                note = f"letter {json.loads(body)['id']}"
            checks[key] = {"status": status, "bytes": len(body), "ms": ms, "note": note}
            print(f"  {key} {p}: {status}, {len(body)} bytes, {ms:.1f} ms, {note}")
        warm = argparse.Namespace(**vars(args))
        warm.duration = 2
        for key, name, path in configs:
            wrk_run(warm, port, token, path, lua[key], work, server.pid)

        print(f"\nmeasuring: {args.rounds} rounds x {len(configs)} configurations, "
              f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s, interleaved")
        for r in range(args.rounds):
            for key, name, path in configs:
                res = wrk_run(args, port, token, path, lua[key], work, server.pid)
                results[key].append(res)
                bad = sum(res["errors"].values())
                print(f"  round {r + 1} {key}: {res['rps']:8.1f} req/s  p50 {res['p50_ms']:7.2f} ms"
                      f"  p95 {res['p95_ms']:7.2f} ms  server CPU {res['server_cpu_s_per_1000']:.3f}"
                      f" s/1000 req ({res['server_cores']:.2f} cores)  load {res['load1_before']}"
                      + (f"  ERRORS {res['errors']}" if bad else ""))
    finally:
        server.stdin.close()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    plans = explain(db, info["today"], cursor)
    load_end = loadavg()

    print(f"\n== review queue: {info['open_follow_ups']} open follow-ups, {info['invoices']} "
          f"invoices; store {size / 1e6:.1f} MB; {args.rounds} rounds, median (min-max)")
    header = (f"{'':2} {'configuration':28} {'req/s':>24} {'p50 ms':>22} {'p95 ms':>22} "
              f"{'server CPU s/1000 req':>22} {'errors':>6}")
    print(header)
    summary = {}
    for key, name, path in configs:
        runs = results[key]
        if not runs:
            continue
        s = {
            "name": name, "path": path,
            "rps": {"median": statistics.median(x["rps"] for x in runs),
                    "min": min(x["rps"] for x in runs), "max": max(x["rps"] for x in runs)},
        }
        for field in ("p50_ms", "p95_ms", "p99_ms", "server_cpu_s_per_1000", "server_cores"):
            vals = [x[field] for x in runs]
            s[field] = {"median": statistics.median(vals), "min": min(vals), "max": max(vals)}
        s["errors"] = sum(sum(x["errors"].values()) for x in runs)
        s["bytes_per_request"] = statistics.median(x["bytes_per_request"] for x in runs)
        summary[key] = s
        print(f"{key:2} {name:28} {spread([x['rps'] for x in runs], '{:.0f}'):>24} "
              f"{spread([x['p50_ms'] for x in runs]):>22} {spread([x['p95_ms'] for x in runs]):>22} "
              f"{spread([x['server_cpu_s_per_1000'] for x in runs], '{:.3f}'):>22} "
              f"{s['errors']:>6}")
    print("  (latency from wrk's histogram; server CPU from /proc/<pid>/stat utime+stime; wrk "
          "shares the 2 cores with the server)")
    print("\nquery plans (EXPLAIN QUERY PLAN, SQL as store/sqlite_store.cc builds it; one "
          "execution from python's sqlite3):")
    for key, qs in plans.items():
        for name, q in qs.items():
            print(f"  {key} {name} ({q['ms_single_python']:.1f} ms): " + " | ".join(q["plan"]))
    print(f"\nbench_review: load average at start {load_start}, at end {load_end}")

    report = {
        "store": {"path": db, "bytes": size, **info, "generation": meta},
        "wrk": {"threads": args.threads, "connections": args.connections,
                "duration_s": args.duration, "rounds": args.rounds},
        "load_average": {"start": load_start, "end": load_end},
        "checks": checks,
        "summary": summary,
        "runs": results,
        "plans": plans,
    }
    with open(args.out, "w") as f:
        json.dump(report, f, indent=1)
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
