#!/usr/bin/env python3
"""The batch benchmark: purr batch against the tesseract CLI; prints figures, asserts nothing.

  bench/batch/bench_batch.py [--build build] [--pages 200] [--rounds 3]
                             [--only cli1,cliN,batch1,batchN] [--big [--big-pages 500]]

The same generated A4 letters (clean300 kind, rendered once by fixtures/scans/make_scans.py and
kept in fixtures/generated/bench-batch-N/pages/) are read four ways, with the same languages:

  cli1    the tesseract CLI, default settings, one process per page, one after another
  cliN    the tesseract CLI with OMP_THREAD_LIMIT=1, one process per core in parallel
  batch1  purr batch PAGES --out <fresh folder> --jobs 1
  batchN  purr batch PAGES --out <fresh folder> --jobs <cores>

Each configuration runs --rounds times, interleaved (A B C D A B C D ...). The figures are the
median with the spread (min-max) of pages per second, wall seconds, CPU seconds per page (user +
system of the child and its children, from os.wait4's rusage; for the CLI the sum over every
tesseract process) and peak RSS (ru_maxrss; for the CLI the largest single process). Then the
ratios: batchN / the faster CLI baseline (target >= 1.3x) and batchN / batch1 (target >= 0.9 x
cores). Every page is checked as done: purr's summary.csv counted by status, and for the CLI a
zero exit with a non-empty text file. The load average is printed at start and end: on a shared
machine, figures from a loaded run are not a result.

--big also builds a 10-page and a --big-pages (500) page fax G4 TIFF from the generated pages
(repeated) and runs purr batch --jobs <cores> once on each: peak RSS should not grow with the
page count, as a multi-page TIFF is read page by page.
"""
import argparse
import collections
import concurrent.futures
import csv
import json
import os
import re
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CONFIGS = ["cli1", "cliN", "batch1", "batchN"]
BIG_SMALL_PAGES = 10
BIG_DISTINCT_PAGES = 10  # the fax TIFFs repeat this many distinct pages


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def cores():
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def run_measured(cmd, env=None, cwd=None, stdout_path=None, stderr_path=None):
    """Runs cmd; returns rc, wall seconds, CPU seconds and peak RSS (MB) of the child and its
    children, from os.wait4's rusage."""
    out = open(stdout_path, "wb") if stdout_path else subprocess.DEVNULL
    err = open(stderr_path, "wb") if stderr_path else subprocess.DEVNULL
    try:
        start = time.monotonic()
        p = subprocess.Popen(cmd, env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=out,
                             stderr=err)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.monotonic() - start
        p.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    finally:
        for f in (out, err):
            if f is not subprocess.DEVNULL:
                f.close()
    return {"rc": p.returncode, "wall": wall, "cpu": ru.ru_utime + ru.ru_stime,
            "rss_mb": ru.ru_maxrss / 1024}


def tail(path, n=2000):
    try:
        with open(path, "rb") as f:
            return f.read()[-n:].decode("utf-8", "replace")
    except OSError:
        return ""


# ---------------------------------------------------------------- pages

def ensure_pages(n):
    """The n generated pages, rendered once and kept in fixtures/generated/bench-batch-N/pages
    (ground truth beside them in gt/). Returns the sorted page paths."""
    gen = os.path.join(ROOT, "fixtures", "generated", f"bench-batch-{n}")
    pages_dir = os.path.join(gen, "pages")
    if not os.path.isdir(pages_dir):
        partial = f"{gen}.partial-{os.getpid()}"
        shutil.rmtree(partial, ignore_errors=True)
        print(f"bench: rendering {n} pages into {os.path.relpath(gen, ROOT)} "
              f"(about 3 s of CPU a page; kept for later runs)", flush=True)
        start = time.monotonic()
        subprocess.run([sys.executable, os.path.join(ROOT, "fixtures/scans/make_scans.py"),
                        "--out", partial, "--kinds", "clean300", "--per-kind", str(n)],
                       check=True, stdout=subprocess.DEVNULL)
        # Pages alone in pages/, so purr batch reads the same files the CLI does and skips
        # nothing; the ground truth goes to gt/.
        os.makedirs(os.path.join(partial, "pages"))
        os.makedirs(os.path.join(partial, "gt"))
        rendered = os.path.join(partial, "clean300")
        for name in sorted(os.listdir(rendered)):
            target = "gt" if name.endswith(".gt.txt") else "pages"
            os.rename(os.path.join(rendered, name), os.path.join(partial, target, name))
        os.rmdir(rendered)
        os.rename(partial, gen)
        print(f"bench: rendered in {time.monotonic() - start:.0f} s", flush=True)
    pages = sorted(os.path.join(pages_dir, f) for f in os.listdir(pages_dir))
    if len(pages) != n:
        sys.exit(f"bench: {pages_dir} holds {len(pages)} files, expected {n} pages; "
                 f"remove {gen} to render it again")
    return pages_dir, pages


# ---------------------------------------------------------------- tesseract CLI

def run_cli(pages, langs, out_dir, parallel):
    """One tesseract process per page: one after another (parallel = 1, default settings) or
    `parallel` at once with OMP_THREAD_LIMIT=1. Returns the totals."""
    env = dict(os.environ)
    if parallel > 1:
        env["OMP_THREAD_LIMIT"] = "1"
    os.makedirs(out_dir, exist_ok=True)

    def one(i):
        base = os.path.join(out_dir, f"page{i:05d}")
        res = run_measured(["tesseract", pages[i], base, "-l", langs], env=env,
                           stderr_path=base + ".err")
        try:
            res["ok"] = res["rc"] == 0 and os.path.getsize(base + ".txt") > 0
        except OSError:
            res["ok"] = False
        if not res["ok"]:
            res["err"] = tail(base + ".err", 500)
        return res

    start = time.monotonic()
    if parallel > 1:
        with concurrent.futures.ThreadPoolExecutor(parallel) as pool:
            runs = list(pool.map(one, range(len(pages))))
    else:
        runs = [one(i) for i in range(len(pages))]
    wall = time.monotonic() - start
    ok = sum(1 for r in runs if r["ok"])
    failed = [r for r in runs if not r["ok"]]
    return {"wall": wall, "cpu": sum(r["cpu"] for r in runs),
            "rss_mb": max(r["rss_mb"] for r in runs), "pages": len(pages),
            "status": collections.Counter({"ok": ok, "failed": len(failed)}),
            "first_error": failed[0].get("err", "") if failed else ""}


# ---------------------------------------------------------------- purr batch

def read_summary(out_dir):
    statuses, pages = collections.Counter(), 0
    path = os.path.join(out_dir, "summary.csv")
    if not os.path.exists(path):
        return statuses, pages, 0
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        statuses[row["status"]] += 1
        if row["status"] == "done":
            pages += int(row["pages"] or 0)
    return statuses, pages, len(rows)


def read_run_json(out_dir):
    try:
        with open(os.path.join(out_dir, "run.json"), encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


def run_batch(purr, sources, langs, out_dir, jobs, expected_pages, extra=()):
    """purr batch SRC... --out out_dir (fresh) --jobs N. Exit 1 (some document failed) is a
    result to report; any other non-zero exit stops the benchmark."""
    shutil.rmtree(out_dir, ignore_errors=True)
    log = out_dir + ".log"
    res = run_measured([purr, "batch", *sources, "--out", out_dir, "--jobs", str(jobs),
                        "--lang", langs, *extra], cwd=ROOT, stderr_path=log)
    if res["rc"] not in (0, 1):
        sys.exit(f"bench: purr batch failed ({res['rc']}):\n{tail(log)}")
    statuses, pages_done, rows = read_summary(out_dir)
    run = read_run_json(out_dir)
    res.update(status=statuses, pages=expected_pages, pages_done=pages_done, rows=rows,
               run_seconds=run.get("seconds"), run_cpu=run.get("cpu_seconds"),
               run_pages=run.get("pages"), closing=tail(log, 600).strip().splitlines()[-1:])
    shutil.rmtree(out_dir, ignore_errors=True)
    os.remove(log)
    return res


# ---------------------------------------------------------------- big TIFFs

def tiff_pages(path):
    """The number of pages (IFDs) of a classic TIFF."""
    with open(path, "rb") as f:
        data = f.read()
    order = {b"II": "<", b"MM": ">"}.get(data[:2])
    if order is None or struct.unpack(order + "H", data[2:4])[0] != 42:
        raise ValueError(f"{path}: not a classic TIFF")
    offset, n = struct.unpack(order + "I", data[4:8])[0], 0
    while offset:
        n += 1
        entries = struct.unpack(order + "H", data[offset:offset + 2])[0]
        offset = struct.unpack(order + "I", data[offset + 2 + 12 * entries:offset + 6 + 12 * entries])[0]
    return n


def ensure_big_tiffs(pages, n_pages, counts):
    """Multi-page fax G4 TIFFs of each page count in `counts`, made from the first
    BIG_DISTINCT_PAGES generated pages (200 dpi bilevel, as a fax), repeated in order. Kept
    beside the pages."""
    for tool in ("convert", "tiffcp"):
        if not shutil.which(tool):
            sys.exit(f"bench: --big needs {tool} (ImageMagick, libtiff-tools)")
    big = os.path.join(ROOT, "fixtures", "generated", f"bench-batch-{n_pages}", "big")
    g4_dir = os.path.join(big, "g4")
    os.makedirs(g4_dir, exist_ok=True)
    distinct = pages[:BIG_DISTINCT_PAGES]
    g4 = [os.path.join(g4_dir, f"{i:03d}.tif") for i in range(len(distinct))]
    todo = [(src, dst) for src, dst in zip(distinct, g4) if not os.path.exists(dst)]

    def to_g4(job):
        src, dst = job
        subprocess.run(["convert", src, "-resize", "66.67%", "-threshold", "60%", "-type",
                        "bilevel", "-compress", "Group4", "-density", "200", "-units",
                        "PixelsPerInch", dst + ".partial.tif"], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        os.rename(dst + ".partial.tif", dst)

    if todo:
        print(f"bench: converting {len(todo)} pages to fax G4 in {os.path.relpath(g4_dir, ROOT)}",
              flush=True)
        with concurrent.futures.ThreadPoolExecutor(cores()) as pool:
            list(pool.map(to_g4, todo))
    out = {}
    for count in counts:
        path = os.path.join(big, f"fax_{count}_pages.tif")
        if not os.path.exists(path):
            print(f"bench: building {os.path.relpath(path, ROOT)}", flush=True)
            seq = [g4[i % len(g4)] for i in range(count)]
            partial = path + ".partial.tif"
            shutil.copy(seq[0], partial)
            for start in range(1, len(seq), 200):  # under the argument limit
                subprocess.run(["tiffcp", "-a", *seq[start:start + 200], partial], check=True)
            os.rename(partial, path)
        found = tiff_pages(path)
        if found != count:
            sys.exit(f"bench: {path} has {found} pages, expected {count}; remove it")
        out[count] = path
    return out


# ---------------------------------------------------------------- printing

def spread(values, fmt="{:.2f}"):
    med = statistics.median(values)
    return med, f"{fmt.format(med)} ({fmt.format(min(values))}-{fmt.format(max(values))})"


def status_text(counts):
    """ok/done first and failed always, so a fast-but-failing run shows."""
    order = ["ok", "done", "failed", "duplicate", "skipped"]
    keys = [k for k in order if k in counts or k == "failed"]
    keys += sorted(k for k in counts if k not in order)
    return ", ".join(f"{k} {counts.get(k, 0)}" for k in keys)


def status_line(runs):
    per_round = [status_text(r["status"]) for r in runs]
    if len(set(per_round)) == 1:
        return f"{per_round[0]} (each of {len(runs)} round(s))"
    return "; ".join(f"round {i + 1}: {s}" for i, s in enumerate(per_round))


def print_config(name, label, runs):
    n = runs[0]["pages"]
    rate_med, rate = spread([n / r["wall"] for r in runs], "{:.3f}")
    _, wall = spread([r["wall"] for r in runs], "{:.1f}")
    _, cpu = spread([r["cpu"] / n for r in runs])
    _, rss = spread([r["rss_mb"] for r in runs], "{:.0f}")
    print(f"\n== {name}: {label}")
    print(f"  pages/s      {rate}")
    print(f"  wall s       {wall}")
    print(f"  CPU s/page   {cpu}")
    print(f"  peak RSS MB  {rss}" + ("  (largest single tesseract process)"
                                    if name.startswith("cli") else ""))
    if name.startswith("cli"):
        print(f"  pages: {status_line(runs)}  (ok = exit 0 and a non-empty text)")
        if any(r["first_error"] for r in runs):
            print("  first failure: " + next(r["first_error"] for r in runs if r["first_error"])
                  .strip().replace("\n", " | ")[:400])
    else:
        print(f"  documents in summary.csv: {status_line(runs)}")
        short = [i + 1 for i, r in enumerate(runs) if r["pages_done"] != n or r["rows"] != n]
        if short:
            print(f"  NOT EVERY PAGE DONE in round(s) {short}: pages done "
                  f"{[r['pages_done'] for r in runs]} of {n}, rows {[r['rows'] for r in runs]}")
        rc = [r["rc"] for r in runs]
        if any(rc):
            print(f"  exit codes: {rc}")
        if all(r["run_seconds"] for r in runs):
            _, rs = spread([r["run_seconds"] for r in runs], "{:.1f}")
            _, rc_ = spread([r["run_cpu"] / n for r in runs])
            print(f"  purr's own run.json: seconds {rs}, CPU s/page {rc_}")
    return rate_med


def ratio_line(label, num, den, target=None):
    ratios = [a["pages"] / a["wall"] / (b["pages"] / b["wall"]) for a, b in zip(num, den)]
    med_num = statistics.median(a["pages"] / a["wall"] for a in num)
    med_den = statistics.median(b["pages"] / b["wall"] for b in den)
    ratio = med_num / med_den
    text = (f"  {label}: {ratio:.2f}x (ratio of medians; per round "
            f"{min(ratios):.2f}-{max(ratios):.2f})")
    if target is not None:
        text += f"   target >= {target:.2f}x: {'met' if ratio >= target else 'NOT met'}"
    print(text)


# ---------------------------------------------------------------- main

def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default=os.path.join(ROOT, "build"))
    parser.add_argument("--pages", type=int, default=200, help="generated pages (default 200)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", default=",".join(CONFIGS),
                        help="comma-separated subset of " + ",".join(CONFIGS))
    parser.add_argument("--big", action="store_true",
                        help="also peak RSS of purr batch on a 10- and a --big-pages fax TIFF")
    parser.add_argument("--big-pages", type=int, default=500,
                        help="pages of the big TIFF (default 500)")
    parser.add_argument("--lang", default="nor+swe+dan+eng",
                        help="Tesseract languages for both (default nor+swe+dan+eng, purr's)")
    args = parser.parse_args()
    only = [c for c in args.only.split(",") if c]
    unknown = set(only) - set(CONFIGS)
    if unknown or args.pages < 1 or args.rounds < 1 or args.big_pages < 1:
        parser.error(f"bad --only {sorted(unknown)}" if unknown else
                     "--pages, --rounds and --big-pages must be at least 1")
    n_cores = cores()
    built = os.path.join(os.path.abspath(args.build), "worker", "purr")
    if not os.access(built, os.X_OK):
        sys.exit(f"bench: {built} not found (build it first)")
    if any(c.startswith("cli") for c in only) and not shutil.which("tesseract"):
        sys.exit("bench: tesseract not found")

    print(f"bench_batch: load average at start {loadavg()}, {n_cores} cores, "
          f"languages {args.lang}", flush=True)
    help_text = subprocess.run([built, "batch", "--help"], capture_output=True, text=True).stdout
    default = re.search(r"--lang=LANGS.*?\(default\s+([A-Za-z_+]+)\)", help_text, re.S)
    if default and default.group(1) != args.lang:
        print(f"bench: note: purr batch's own default languages are {default.group(1)}; "
              f"both sides are given {args.lang}")
    pages_dir, pages = ensure_pages(args.pages)
    big = ensure_big_tiffs(pages, args.pages, [BIG_SMALL_PAGES, args.big_pages]) if args.big else {}

    work = tempfile.mkdtemp(prefix="purr_bench_batch_")
    try:
        # The binary under test, copied so that a rebuild during the run does not mix two.
        purr = os.path.join(work, "purr")
        shutil.copy2(built, purr)
        print(f"bench: {len(pages)} pages in {os.path.relpath(pages_dir, ROOT)}, "
              f"{args.rounds} round(s) of {', '.join(only)}, interleaved; purr from {built}",
              flush=True)
        results = {c: [] for c in only}
        start = time.monotonic()
        for r in range(args.rounds):
            for c in only:
                t = time.monotonic()
                if c == "cli1":
                    res = run_cli(pages, args.lang, os.path.join(work, f"{c}_{r}"), 1)
                elif c == "cliN":
                    res = run_cli(pages, args.lang, os.path.join(work, f"{c}_{r}"), n_cores)
                else:
                    jobs = 1 if c == "batch1" else n_cores
                    res = run_batch(purr, [pages_dir], args.lang, os.path.join(work, f"{c}_{r}"),
                                    jobs, len(pages))
                shutil.rmtree(os.path.join(work, f"{c}_{r}"), ignore_errors=True)
                results[c].append(res)
                print(f"  round {r + 1}/{args.rounds} {c}: {time.monotonic() - t:.1f} s, "
                      f"load {loadavg()}", flush=True)
        total = time.monotonic() - start

        labels = {
            "cli1": "tesseract CLI, default settings, one page after another",
            "cliN": f"tesseract CLI, OMP_THREAD_LIMIT=1, {n_cores} processes at once",
            "batch1": "purr batch --jobs 1",
            "batchN": f"purr batch --jobs {n_cores}",
        }
        print(f"\n{len(pages)} pages, {args.rounds} round(s); median (min-max)")
        for c in only:
            print_config(c, labels[c], results[c])

        print("\n== ratios (pages/s)")
        clis = [c for c in ("cli1", "cliN") if c in results]
        if "batchN" in results and clis:
            best = max(clis, key=lambda c: statistics.median(r["pages"] / r["wall"]
                                                             for r in results[c]))
            ratio_line(f"batchN / {best} (the faster CLI baseline)", results["batchN"],
                       results[best], 1.3)
            for c in clis:
                if c != best:
                    ratio_line(f"batchN / {c}", results["batchN"], results[c])
        if "batchN" in results and "batch1" in results:
            ratio_line(f"batchN / batch1 (scaling on {n_cores} cores)", results["batchN"],
                       results["batch1"], 0.9 * n_cores)
        if "batch1" in results and "cli1" in results:
            ratio_line("batch1 / cli1", results["batch1"], results["cli1"])
        if not (("batchN" in results and clis) or {"batch1", "batchN"} <= set(results)):
            print("  (none: needs batchN with a CLI baseline, or batch1 and batchN)")
        print(f"  (benchmark time {total:.0f} s)")

        if big:
            print(f"\n== purr batch --jobs {n_cores} on one multi-page fax G4 TIFF "
                  f"(made of {min(len(pages), BIG_DISTINCT_PAGES)} distinct pages, repeated); "
                  f"one run each")
            big_runs = {}
            for count, path in big.items():
                extra = ("--max-pages", str(count)) if count > 1000 else ()
                res = run_batch(purr, [path], args.lang, os.path.join(work, f"big{count}"),
                                n_cores, count, extra)
                big_runs[count] = res
                print(f"  {count:4d} pages: peak RSS {res['rss_mb']:.0f} MB, wall "
                      f"{res['wall']:.1f} s, {count / res['wall']:.3f} pages/s, CPU "
                      f"{res['cpu'] / count:.2f} s/page; summary.csv: "
                      f"{status_text(res['status'])}"
                      f", pages done {res['pages_done']} of {count}"
                      + (f", exit {res['rc']}" if res["rc"] else ""), flush=True)
            small, large = big_runs[BIG_SMALL_PAGES], big_runs[args.big_pages]
            if args.big_pages != BIG_SMALL_PAGES:
                print(f"  peak RSS {args.big_pages} pages / {BIG_SMALL_PAGES} pages: "
                      f"{large['rss_mb'] / small['rss_mb']:.2f}x "
                      f"({large['rss_mb'] - small['rss_mb']:+.0f} MB)")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"\nbench_batch: load average at end {loadavg()}")


if __name__ == "__main__":
    main()
