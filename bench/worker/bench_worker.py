#!/usr/bin/env python3
"""The worker benchmark: prints figures, asserts nothing.

  bench/worker/bench_worker.py [--build build] [--rounds 3] [--invoices 1000000]
                               [--payments 100000] [--only import,payments,latency,throughput]

Each configuration runs --rounds times, interleaved (A B C A B C ...), and the figures are
the median with the spread (min-max) of wall seconds and of CPU seconds (user + system of
purr and its children, from wait4's rusage), and peak RSS. The load average is printed at
start and end: on a shared machine, figures from a loaded run are not a result.

  import      purr invoices import of the generated ledger (target < 30 s for 1,000,000)
  payments    one camt.054 of the generated payments through purr run --until-idle into the
              store (target < 20 s and < 2 GB for 100,000 against 1,000,000), beside the
              in-memory purr match on the same files (the store must cost at most 2x)
  latency     a letter dropped into a running daemon (poll 100 ms) to its decision, text
              letters and scans (target: the page's OCR time + 0.5 s)
  throughput  24 scans with purr.workers = 1 and = N (target: N workers >= 0.9 x N x one)
"""
import argparse
import glob
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def measure_isolated(cmd, env=None):
    """Runs cmd under a fresh python so ru_maxrss is this command's own peak."""
    code = ("import json,resource,subprocess,sys,time\n"
            "s=time.monotonic();p=subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL,"
            "stderr=subprocess.PIPE,text=True);w=time.monotonic()-s\n"
            "r=resource.getrusage(resource.RUSAGE_CHILDREN)\n"
            "print(json.dumps({'rc':p.returncode,'wall':w,'cpu':r.ru_utime+r.ru_stime,"
            "'rss_mb':r.ru_maxrss/1024,'err':p.stderr[-4000:]}))\n")
    out = subprocess.run([sys.executable, "-c", code] + cmd, capture_output=True, text=True,
                         env=env)
    result = json.loads(out.stdout)
    if result["rc"] != 0:
        sys.exit(f"bench: {' '.join(cmd)} failed ({result['rc']}):\n{result['err']}")
    return result


def summary(name, values, unit):
    med = statistics.median(values)
    print(f"  {name}: median {med:.2f} {unit} (min {min(values):.2f}, max {max(values):.2f}, "
          f"n={len(values)})")
    return med


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def write_config(folder, extra=""):
    os.makedirs(os.path.join(folder, "inbox", "letters"), exist_ok=True)
    os.makedirs(os.path.join(folder, "inbox", "payments"), exist_ok=True)
    with open(os.path.join(folder, "purr.conf"), "w") as f:
        f.write(f"purr.db = purr.sqlite\npurr.rules = {ROOT}/rules\npurr.http.address =\n"
                f"purr.outbox.file = events.jsonl\npurr.poll_interval_ms = 100\n{extra}")
    return os.path.join(folder, "purr.conf")


def bench_import_and_payments(args, purr, data, work, only):
    results = {"import": [], "run": [], "match": []}
    for r in range(args.rounds):
        folder = os.path.join(work, f"store{r}")
        shutil.rmtree(folder, ignore_errors=True)
        conf = write_config(folder)
        res = measure_isolated([purr, "invoices", "import", "--config", conf,
                                os.path.join(data, "ledger.csv")])
        results["import"].append(res)
        if "payments" in only:
            shutil.copy(os.path.join(data, "payments.xml"),
                        os.path.join(folder, "inbox", "payments", "payments.xml"))
            results["run"].append(measure_isolated([purr, "run", "--config", conf, "--until-idle"]))
            res = measure_isolated([purr, "match", "--invoices", os.path.join(data, "ledger.csv"),
                                    os.path.join(data, "payments.xml")])
            results["match"].append(res)
            check = subprocess.run([purr, "status", "--config", conf], capture_output=True,
                                   text=True)
            if r == 0:
                print("  first round's store:", check.stdout.strip().replace("\n", "; "))
        shutil.rmtree(folder, ignore_errors=True)
    print(f"\n== invoices import, {args.invoices} invoices ({args.rounds} rounds)")
    summary("wall", [x["wall"] for x in results["import"]], "s")
    summary("CPU", [x["cpu"] for x in results["import"]], "s")
    summary("peak RSS", [x["rss_mb"] for x in results["import"]], "MB")
    if "payments" in only:
        print(f"\n== {args.payments} payments (one camt.054) into the store by purr run --until-idle")
        run_wall = summary("wall", [x["wall"] for x in results["run"]], "s")
        summary("CPU", [x["cpu"] for x in results["run"]], "s")
        summary("peak RSS", [x["rss_mb"] for x in results["run"]], "MB")
        print(f"== the same payments, in memory: purr match --invoices ledger.csv payments.xml")
        match_wall = summary("wall", [x["wall"] for x in results["match"]], "s")
        summary("CPU", [x["cpu"] for x in results["match"]], "s")
        summary("peak RSS", [x["rss_mb"] for x in results["match"]], "MB")
        print(f"  store / in memory (median wall): {run_wall / match_wall:.2f}x")


def wait_for_letters(purr, conf, n, timeout=600):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        out = subprocess.run([purr, "letters", "--config", conf, "--json"], capture_output=True,
                             text=True).stdout
        if len([l for l in out.splitlines() if l.strip()]) >= n:
            return
        time.sleep(0.05)
    sys.exit("bench: letters not recorded in time")


def bench_latency(args, purr, work):
    folder = os.path.join(work, "latency")
    shutil.rmtree(folder, ignore_errors=True)
    conf = write_config(folder, "purr.workers = 2\n")
    subprocess.run([purr, "invoices", "import", "--config", conf,
                    os.path.join(ROOT, "fixtures/demo/ledger.csv")], check=True,
                   capture_output=True)
    log_path = os.path.join(folder, "purr.log")
    log = open(log_path, "w")
    daemon = subprocess.Popen([purr, "run", "--config", conf, "--log-format", "json"],
                              stderr=log)
    time.sleep(1.0)
    texts = sorted(glob.glob(os.path.join(ROOT, "fixtures/letters/nb/*.txt")))[:10]
    scans = sorted(glob.glob(os.path.join(ROOT, "fixtures/scans/clean300/*.png")))[:5]
    dropped = {}
    n = 0
    for kind, files in (("text", texts), ("scan", scans)):
        for path in files:
            name = f"{kind}_{n}_{os.path.basename(path)}"
            target = os.path.join(folder, "inbox", "letters", name)
            shutil.copy(path, target + ".part")
            t = time.time()
            os.rename(target + ".part", target)
            dropped[name] = (kind, t)
            n += 1
            wait_for_letters(purr, conf, n)
    daemon.terminate()
    daemon.wait()
    log.close()
    done = {}
    for line in open(log_path, encoding="utf-8"):
        e = json.loads(line)
        if e.get("event") == "job.done":
            done[e["file"]] = log_time(e["ts"])
    print("\n== latency: a letter dropped into a running daemon (poll 100 ms) to its decision")
    for kind in ("text", "scan"):
        lat = sorted(done[name] - t for name, (k, t) in dropped.items() if k == kind and name in done)
        if not lat:
            continue
        p95 = lat[min(len(lat) - 1, int(round(0.95 * (len(lat) - 1))))]
        print(f"  {kind}: median {statistics.median(lat):.2f} s, p95 {p95:.2f} s, "
              f"max {max(lat):.2f} s (n={len(lat)})")
    ocr = measure_isolated([purr, "ocr", "--threads", "1"] + scans)
    print(f"  OCR alone (purr ocr --threads 1, same {len(scans)} scans): "
          f"{ocr['wall'] / len(scans):.2f} s wall per page")
    shutil.rmtree(folder, ignore_errors=True)


def log_time(ts):
    t = time.mktime(time.strptime(ts[:19], "%Y-%m-%dT%H:%M:%S")) - time.timezone
    return t + int(ts[20:23]) / 1000


def steady_rate(log_path):
    starts, ends = [], []
    for line in open(log_path, encoding="utf-8"):
        e = json.loads(line)
        if e.get("event") == "job.started":
            starts.append(log_time(e["ts"]))
        elif e.get("event") in ("job.done", "job.duplicate", "job.quarantined"):
            ends.append(log_time(e["ts"]))
    return len(ends) / (max(ends) - min(starts))


def bench_throughput(args, purr, work):
    scans = []
    for kind in ("clean300", "fax200", "jpeg", "lowcontrast", "rotated", "skew"):
        scans += sorted(glob.glob(os.path.join(ROOT, f"fixtures/scans/{kind}/*")))[:4]
    n_workers = os.cpu_count() or 2
    results = {1: [], n_workers: []}
    for r in range(args.rounds):
        for workers in (1, n_workers):
            folder = os.path.join(work, f"tp{workers}_{r}")
            shutil.rmtree(folder, ignore_errors=True)
            conf = write_config(folder, f"purr.workers = {workers}\n")
            for i, path in enumerate(scans):
                shutil.copy(path, os.path.join(folder, "inbox", "letters", f"{i}_{os.path.basename(path)}"))
            log = os.path.join(folder, "purr.log")
            res = measure_isolated(["sh", "-c", f'exec "{purr}" run --config "{conf}" '
                                    f'--until-idle --log-format json 2> "{log}"'])
            res["steady"] = steady_rate(log)
            results[workers].append(res)
            shutil.rmtree(folder, ignore_errors=True)
    print(f"\n== throughput: {len(scans)} scans (6 kinds) through purr run --until-idle, "
          f"{args.rounds} rounds interleaved")
    rates, steady = {}, {}
    for workers, runs in results.items():
        walls = [len(scans) / x["wall"] for x in runs]
        rates[workers] = statistics.median(walls)
        steadies = [x["steady"] for x in runs]
        steady[workers] = statistics.median(steadies)
        cpus = [x["cpu"] / len(scans) for x in runs]
        print(f"  {workers} worker(s): whole run {rates[workers]:.3f} letters/s (min {min(walls):.3f}, "
              f"max {max(walls):.3f}); steady {steady[workers]:.3f} letters/s (min "
              f"{min(steadies):.3f}, max {max(steadies):.3f}); CPU {statistics.median(cpus):.2f} s "
              f"per letter; peak RSS {statistics.median(x['rss_mb'] for x in runs):.0f} MB")
    print(f"  {n_workers} workers / (N x one): whole run {rates[n_workers] / (n_workers * rates[1]):.2f}, "
          f"steady {steady[n_workers] / (n_workers * steady[1]):.2f}")
    print("  (steady: from the first job.started to the last job.done in the daemon's log, "
          "without process start, rule loading and the idle check)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default=os.path.join(ROOT, "build"))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--invoices", type=int, default=1000000)
    parser.add_argument("--payments", type=int, default=100000)
    parser.add_argument("--only", default="import,payments,latency,throughput")
    args = parser.parse_args()
    only = set(args.only.split(","))
    purr = os.path.join(args.build, "worker", "purr")
    gen = os.path.join(args.build, "bench", "worker", "bench_worker_data")
    print(f"bench_worker: load average at start {loadavg()}, {os.cpu_count()} cores")
    work = tempfile.mkdtemp(prefix="purr_bench_worker_")
    try:
        if only & {"import", "payments"}:
            data = os.path.join(work, "data")
            os.makedirs(data)
            subprocess.run([gen, "--invoices", str(args.invoices), "--payments",
                            str(args.payments), "--out", data], check=True)
            bench_import_and_payments(args, purr, data, work, only)
        if "latency" in only:
            bench_latency(args, purr, work)
        if "throughput" in only:
            bench_throughput(args, purr, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"\nbench_worker: load average at end {loadavg()}")


if __name__ == "__main__":
    main()
