#!/usr/bin/env python3
"""The fair OCR benchmark: purr ocr against the tesseract CLI; prints figures, asserts nothing.

  bench/ocr/bench_fair.py [--build build] [--rounds 3] [--set mixed|clean|real|all]
                          [--only cliN,purrN,cli1,purr1] [--lang nor+swe+dan+eng]
                          [--variant LABEL:KEY=VALUE,...] [--kinds] [--stages]

Page sets (every page has a transcription beside it, so each configuration's CER is shown):
  clean   fixtures/scans/clean300 (rendered, 300 dpi)
  mixed   every kind in fixtures/scans (clean, JPEG, low contrast, fax G4, rotated, skewed)
          and the shared conformance pages (../shared/conformance/ocr: archive, border,
          typewriter, nodpi, photo too)
  real    fixtures/real/dev and fixtures/real/holdout (real scans)
  all     mixed and real

Configurations, each with the same languages:
  cliN    the tesseract CLI, OMP_THREAD_LIMIT=1, one process per page, one per core at a time
  purrN   purr ocr --threads <cores>, all pages in one process
  cli1    the tesseract CLI, OMP_THREAD_LIMIT=1, one page after another
  purr1   purr ocr --threads 1

  purrN@LABEL, purr1@LABEL   the same with a --variant: LABEL:build=DIR runs DIR/worker/purr
          (another build, to compare commits), LABEL:NAME=VALUE,... runs with those
          environment variables set (to compare settings); e.g.
          --variant old:build=/tmp/old-build --only purrN@old,purrN

Every configuration runs --rounds times, interleaved (A B A B ...). Printed per configuration:
median and spread (min-max) of wall pages per second and of CPU seconds per page (user +
system of the process and its children, from os.wait4's rusage; for the CLI the sum over its
processes), peak RSS (ru_maxrss; for the CLI the largest process), mean CER; then the ratios of
medians purrN/cliN (wall, and CPU per page) and the load average at start and end. On a shared
machine, figures from a loaded run are not a result: read the load averages.
"""
import argparse
import concurrent.futures
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
from ocr_compare import cer, find_pages, truth_of  # noqa: E402  (the same CER as scripts/ocr-compare.sh)


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def cores():
    return len(os.sched_getaffinity(0))


def run(cmd, env):
    """Runs cmd; returns (stdout, cpu seconds, peak rss kb) of it and its children."""
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    out = proc.stdout.read()
    _, status, ru = os.wait4(proc.pid, 0)
    proc.stdout.close()
    return out.decode("utf-8", "replace"), ru.ru_utime + ru.ru_stime, ru.ru_maxrss


def cli(pages, langs, parallel):
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    texts, cpu, rss = {}, 0.0, 0

    def one(page):
        return page, run(["tesseract", page, "-", "-l", langs], env)

    with concurrent.futures.ThreadPoolExecutor(max_workers=parallel) as pool:
        for page, (text, c, r) in pool.map(one, pages):
            texts[page] = text
            cpu += c
            rss = max(rss, r)
    return texts, cpu, rss, {}


def purr(binary, pages, langs, threads, extra_env=None):
    import json
    env = dict(os.environ, OMP_THREAD_LIMIT="1", **(extra_env or {}))
    out, cpu, rss = run([binary, "ocr", "--json", "--threads", str(threads), "--lang", langs]
                        + pages, env)
    texts, stages = {}, {}
    for line in out.splitlines():
        if line.strip():
            doc = json.loads(line)
            texts[doc["file"]] = "\n".join(p.get("text", "") for p in doc.get("pages", []))
            for p in doc.get("pages", []):
                for stage, ms in p.get("stages_ms", {}).items():
                    stages[stage] = stages.get(stage, 0.0) + ms
                stages["(page total)"] = stages.get("(page total)", 0.0) + p.get("ms", 0.0)
    return texts, cpu, rss, stages


def page_set(name):
    scans = os.path.join(ROOT, "fixtures", "scans")
    conformance = os.path.join(ROOT, "..", "shared", "conformance", "ocr")
    real = [os.path.join(ROOT, "fixtures", "real", d) for d in ("dev", "holdout")]
    if name == "clean":
        return find_pages([os.path.join(scans, "clean300")])
    mixed = [os.path.join(scans, k) for k in sorted(os.listdir(scans))
             if os.path.isdir(os.path.join(scans, k))]
    if os.path.isdir(conformance):
        mixed.append(conformance)
    if name == "mixed":
        return find_pages(mixed)
    if name == "real":
        return find_pages(real)
    return find_pages(mixed + real)


def spread(values, fmt):
    return f"{fmt.format(statistics.median(values))} ({fmt.format(min(values))}-{fmt.format(max(values))})"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--set", default="mixed", choices=["clean", "mixed", "real", "all"])
    ap.add_argument("--only", default="cliN,purrN")
    ap.add_argument("--lang", default="nor+swe+dan+eng")
    ap.add_argument("--variant", action="append", default=[],
                    help="LABEL:build=DIR or LABEL:NAME=VALUE,... (see above)")
    ap.add_argument("--stages", action="store_true",
                    help="also print purr's own per-stage times (median ms per page and share)")
    ap.add_argument("--kinds", action="store_true",
                    help="also print the mean CER of each configuration per page kind (folder)")
    args = ap.parse_args()
    variants = {}
    for v in args.variant:
        label, _, spec = v.partition(":")
        build, env = None, {}
        for item in filter(None, spec.split(",")):
            key, _, value = item.partition("=")
            if key == "build":
                build = value
            else:
                env[key] = value
        variants[label] = (os.path.join(build, "worker", "purr") if build else None, env)
    binary = os.path.join(args.build, "worker", "purr")
    if not os.access(binary, os.X_OK):
        print(f"bench_fair: {binary} is not built", file=sys.stderr)
        return 2
    pages = page_set(args.set)
    if not pages:
        print("bench_fair: no pages with transcriptions found", file=sys.stderr)
        return 2
    truths = {p: truth_of(p) for p in pages}
    n, ncores = len(pages), cores()
    configs = [c.strip() for c in args.only.split(",") if c.strip()]
    print(f"bench_fair: {n} pages ({args.set}), {ncores} cores, languages {args.lang}, "
          f"{args.rounds} rounds interleaved; load average at start {loadavg()}")
    results = {c: {"rate": [], "cpu": [], "rss": [], "cer": None, "stages": {}} for c in configs}
    for rnd in range(1, args.rounds + 1):
        for c in configs:
            start = time.monotonic()
            if c == "cliN":
                texts, cpu, rss, stages = cli(pages, args.lang, ncores)
            elif c == "cli1":
                texts, cpu, rss, stages = cli(pages, args.lang, 1)
            elif c.split("@")[0] in ("purrN", "purr1"):
                base, _, label = c.partition("@")
                if label and label not in variants:
                    print(f"bench_fair: no --variant {label}", file=sys.stderr)
                    return 2
                bin_c, env_c = variants.get(label, (None, {}))
                texts, cpu, rss, stages = purr(bin_c or binary, pages, args.lang,
                                       ncores if base == "purrN" else 1, env_c)
            else:
                print(f"bench_fair: unknown configuration {c}", file=sys.stderr)
                return 2
            wall = time.monotonic() - start
            r = results[c]
            r["rate"].append(n / wall)
            r["cpu"].append(cpu / n)
            r["rss"].append(rss / 1024)
            for stage, ms in stages.items():
                r["stages"].setdefault(stage, []).append(ms / n)
            if r["cer"] is None:
                r["page_cer"] = {p: cer(truths[p], texts.get(p, "")) for p in pages}
                r["cer"] = sum(r["page_cer"].values()) / n
            print(f"  round {rnd} {c:6} {n / wall:6.3f} pages/s  {cpu / n:5.2f} CPU s/page  "
                  f"peak {rss / 1024:5.0f} MB  load {loadavg()}", flush=True)
    print()
    print(f"{'config':7} {'pages/s median (min-max)':28} {'CPU s/page median (min-max)':30} "
          f"{'peak MB':8} mean CER")
    for c in configs:
        r = results[c]
        print(f"{c:7} {spread(r['rate'], '{:.3f}'):28} {spread(r['cpu'], '{:.2f}'):30} "
              f"{max(r['rss']):8.0f} {r['cer']:.4f}")
    if args.stages and any(results[c]["stages"] for c in configs):
        # Stage times are measured inside purr's page threads (wall time of each stage): their
        # shares of the page total hold under a changing load better than the totals do.
        shown = [c for c in configs if results[c]["stages"]]
        names = sorted({k for c in shown for k in results[c]["stages"]},
                       key=lambda k: -statistics.median(results[shown[0]]["stages"].get(k, [0])))
        print()
        print(f"{'stage, ms/page (share)':22}" + "".join(f"{c:>22}" for c in shown))
        for k in names:
            cells = []
            for c in shown:
                v = results[c]["stages"].get(k)
                total = statistics.median(results[c]["stages"]["(page total)"])
                cells.append(f"{statistics.median(v):10.1f} ({100 * statistics.median(v) / total:4.1f}%)"
                             if v else "")
            print(f"{k:22}" + "".join(f"{x:>22}" for x in cells))
    if args.kinds:
        kinds = sorted({os.path.basename(os.path.dirname(p)) for p in pages})
        print()
        print(f"{'mean CER by kind':18}" + "".join(f"{c:>12}" for c in configs))
        for k in kinds:
            members = [p for p in pages if os.path.basename(os.path.dirname(p)) == k]
            print(f"{k + f' ({len(members)})':18}" + "".join(
                f"{sum(results[c]['page_cer'][p] for p in members) / len(members):12.4f}"
                for c in configs))
        for c in configs[1:]:
            worse = [p for p in pages
                     if results[c]["page_cer"][p] > results[configs[0]]["page_cer"][p] + 1e-9]
            better = [p for p in pages
                      if results[c]["page_cer"][p] < results[configs[0]]["page_cer"][p] - 1e-9]
            print(f"{c} against {configs[0]}: {len(better)} pages read better, {len(worse)} worse"
                  + "".join(f"\n  worse: {os.path.relpath(p, ROOT)} "
                            f"{results[configs[0]]['page_cer'][p]:.4f} -> "
                            f"{results[c]['page_cer'][p]:.4f}" for p in worse))
    for c in configs:
        if "@" in c and c.split("@")[0] == "purrN" and "purrN" in results:
            p, q = results[c], results["purrN"]
            print(f"{c} / purrN: wall {statistics.median(p['rate']) / statistics.median(q['rate']):.2f}x, "
                  f"CPU per page {statistics.median(q['cpu']) / statistics.median(p['cpu']):.2f}x")
    if "purrN" in results and "cliN" in results:
        p, q = results["purrN"], results["cliN"]
        print(f"purrN / cliN: wall {statistics.median(p['rate']) / statistics.median(q['rate']):.2f}x, "
              f"CPU per page {statistics.median(q['cpu']) / statistics.median(p['cpu']):.2f}x "
              "(targets of the throughput issue: 1.6x wall, 1.8x CPU)")
    print(f"load average at end {loadavg()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
