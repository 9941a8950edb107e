#!/usr/bin/env python3
"""Compares purr's OCR with the plain tesseract CLI on every page that has a transcription.

    scripts/ocr-compare.sh DIR_OR_PAGE...        (this file does the work)

For every image PAGE.{png,jpg,jpeg,tif,tiff,pnm,pbm,pgm,webp,bmp} with PAGE.gt.txt beside it
(directories are walked), runs

  purr ocr --threads 1 --json --lang L PAGE...      all pages in one process, as a worker would
  tesseract PAGE - -l L                             one process per page, OMP_THREAD_LIMIT=1

with the same languages L (default nor+swe+dan+eng), and prints per page both CERs (whitespace
normalised, NFC, as ../shared/tools/cer.py, with typographic quotes read as straight ones),
the resolution the file states and the one purr
measured from the page, purr's rotation, confidence and warnings. At the end: mean CER of
each, pages where purr is worse than the CLI by more than one CER point, pages read empty
where the CLI read text, and the CPU seconds (user + system, from getrusage of the children)
of each side. --json FILE also writes every figure as JSON.

Environment: PURR (default build/worker/purr), TESSERACT (default tesseract).
Exit status: 0 measured, 2 usage or a tool missing.
"""
import argparse
import json
import os
import re
import resource
import subprocess
import sys
import time
import unicodedata

IMAGE_EXTS = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".pnm", ".pbm", ".pgm", ".ppm",
              ".webp", ".bmp", ".gif")


# Typographic quotes and apostrophes count as their plain forms on both sides: transcribers
# write straight quotes where a scan does not show which was printed.
QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'",
                        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"'})


def norm(s):
    s = unicodedata.normalize("NFC", s).translate(QUOTES)
    return re.sub(r"\s+", " ", s).strip()


def distance(a, b):
    if len(a) < len(b):
        a, b = b, a
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def cer(ref, hyp):
    r, h = norm(ref), norm(hyp)
    if not r:
        return 0.0 if not h else 1.0
    return distance(r, h) / len(r)


def find_pages(args):
    pages = []
    for arg in args:
        if os.path.isdir(arg):
            for root, _dirs, files in os.walk(arg):
                for name in sorted(files):
                    pages.append(os.path.join(root, name))
        else:
            pages.append(arg)
    out = []
    for path in sorted(set(pages)):
        base, ext = os.path.splitext(path)
        if ext.lower() in IMAGE_EXTS and os.path.exists(base + ".gt.txt"):
            out.append(path)
    return out


def truth_of(page):
    """The transcription beside PAGE (PAGE without its extension, plus .gt.txt)."""
    with open(os.path.splitext(page)[0] + ".gt.txt", encoding="utf-8") as f:
        return f.read()


def children_cpu():
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def run_purr(purr, pages, langs, deadline):
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    cmd = [purr, "ocr", "--threads", "1", "--json", "--lang", langs]
    if deadline:
        cmd += ["--deadline", str(deadline)]
    cpu0, wall0 = children_cpu(), time.monotonic()
    proc = subprocess.run(cmd + pages, env=env, capture_output=True, text=True)
    cpu, wall = children_cpu() - cpu0, time.monotonic() - wall0
    results = {}
    for line in proc.stdout.splitlines():
        line = line.strip()
        if not line:
            continue
        doc = json.loads(line)
        results[doc["file"]] = doc
    return results, cpu, wall


def run_cli(tesseract, page, langs):
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    cpu0 = children_cpu()
    proc = subprocess.run([tesseract, page, "-", "-l", langs], env=env, capture_output=True,
                          text=True)
    return proc.stdout, children_cpu() - cpu0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("paths", nargs="+", help="folders (walked) or page images")
    ap.add_argument("--lang", default="nor+swe+dan+eng")
    ap.add_argument("--json", dest="json_out", help="also write the figures here")
    ap.add_argument("--no-cli", action="store_true", help="purr only (CLI columns empty)")
    ap.add_argument("--baseline", help="write the CLI's CER per page (file name, CER) to this "
                    "TSV file, as tests/ocr/real_scans_test.cc reads it")
    ap.add_argument("--deadline", type=int, default=0, help="purr's per-page deadline, seconds")
    args = ap.parse_args()

    purr = os.environ.get("PURR", "build/worker/purr")
    tesseract = os.environ.get("TESSERACT", "tesseract")
    if not os.access(purr, os.X_OK):
        print(f"ocr-compare: {purr} is not built (scripts/build.sh)", file=sys.stderr)
        return 2
    pages = find_pages(args.paths)
    if not pages:
        print("ocr-compare: no page with a .gt.txt beside it", file=sys.stderr)
        return 2

    purr_results, purr_cpu, purr_wall = run_purr(purr, pages, args.lang, args.deadline)
    rows = []
    cli_cpu_total = 0.0
    for page in pages:
        truth = truth_of(page)
        doc = purr_results.get(page, {"pages": []})
        ptext = "\n".join(p.get("text", "") for p in doc.get("pages", []))
        first = doc["pages"][0] if doc.get("pages") else {}
        row = {
            "page": page,
            "purr_cer": cer(truth, ptext),
            "purr_chars": len(norm(ptext)),
            "truth_chars": len(norm(truth)),
            "stated_dpi": first.get("stated_dpi", 0),
            "measured_dpi": first.get("measured_dpi", 0),
            "dpi": first.get("dpi", 0),
            "rotation": first.get("rotation", 0),
            "confidence": first.get("confidence", 0),
            "ms": sum(p.get("ms", 0) for p in doc.get("pages", [])),
            "warnings": [w for p in doc.get("pages", []) for w in p.get("warnings", [])],
            "error": doc.get("error", ""),
        }
        if not args.no_cli:
            ctext, ccpu = run_cli(tesseract, page, args.lang)
            cli_cpu_total += ccpu
            row["cli_cer"] = cer(truth, ctext)
            row["cli_chars"] = len(norm(ctext))
            row["cli_cpu"] = ccpu
        rows.append(row)

    name_w = max(len(os.path.basename(r["page"])) for r in rows)
    print(f"{'page':<{name_w}}  {'cli':>6}  {'purr':>6}  {'diff':>6}  {'stated':>6}  "
          f"{'meas.':>5}  {'rot':>3}  {'conf':>4}  {'ms':>6}  notes")
    for r in rows:
        cli = f"{r['cli_cer']:.4f}" if "cli_cer" in r else "-"
        diff = f"{r['purr_cer'] - r['cli_cer']:+.3f}" if "cli_cer" in r else "-"
        notes = []
        if r["error"]:
            notes.append("ERROR " + r["error"])
        if r["truth_chars"] > 0 and r["purr_chars"] == 0:
            notes.append("EMPTY")
        notes += r["warnings"]
        print(f"{os.path.basename(r['page']):<{name_w}}  {cli:>6}  {r['purr_cer']:.4f}  "
              f"{diff:>6}  {r['stated_dpi'] or '-':>6}  {r['measured_dpi'] or '-':>5}  "
              f"{r['rotation']:>3}  {r['confidence']:>4.0f}  {r['ms']:>6.0f}  "
              f"{'; '.join(notes)[:160]}")

    n = len(rows)
    purr_mean = sum(r["purr_cer"] for r in rows) / n
    summary = {"pages": n, "purr_mean_cer": purr_mean, "purr_cpu_s": purr_cpu,
               "purr_wall_s": purr_wall}
    print()
    print(f"pages: {n}")
    print(f"purr:      mean CER {purr_mean:.4f}   CPU {purr_cpu:.1f} s "
          f"({purr_cpu / n:.2f} s/page, one process, engine start included)   wall {purr_wall:.1f} s")
    if not args.no_cli:
        cli_mean = sum(r["cli_cer"] for r in rows) / n
        worse = [r for r in rows if r["purr_cer"] > r["cli_cer"] + 0.01]
        better = [r for r in rows if r["purr_cer"] < r["cli_cer"] - 0.01]
        empty = [r for r in rows if r["purr_chars"] == 0 and r["cli_chars"] > 0]
        print(f"tesseract: mean CER {cli_mean:.4f}   CPU {cli_cpu_total:.1f} s "
              f"({cli_cpu_total / n:.2f} s/page, one process per page)")
        ratio = purr_mean / cli_mean if cli_mean > 0 else float("nan")
        print(f"purr/CLI mean CER: {ratio:.2f}x   CPU: {purr_cpu / max(cli_cpu_total, 1e-9):.2f}x")
        print(f"purr worse than the CLI by > 1 CER point: {len(worse)}"
              + (" (" + ", ".join(os.path.basename(r['page']) for r in worse) + ")" if worse else ""))
        print(f"purr better than the CLI by > 1 CER point: {len(better)}")
        print(f"purr empty where the CLI read text: {len(empty)}"
              + (" (" + ", ".join(os.path.basename(r['page']) for r in empty) + ")" if empty else ""))
        summary.update({"cli_mean_cer": cli_mean, "cli_cpu_s": cli_cpu_total,
                        "worse": [r["page"] for r in worse], "empty": [r["page"] for r in empty]})
    try:
        la = os.getloadavg()
        print(f"load average at end: {la[0]:.2f} {la[1]:.2f} {la[2]:.2f}")
    except OSError:
        pass
    if args.baseline and not args.no_cli:
        version = subprocess.run([tesseract, "--version"], capture_output=True, text=True)
        first = (version.stdout or version.stderr).splitlines()[0] if (version.stdout or version.stderr) else "?"
        with open(args.baseline, "w", encoding="utf-8") as f:
            f.write(f"# CER of the plain CLI ({first}, tesseract PAGE - -l {args.lang}, "
                    "OMP_THREAD_LIMIT=1), whitespace and quotes normalised;\n"
                    "# made by scripts/ocr-compare.sh --baseline. page<TAB>cer<TAB>characters read\n")
            for r in rows:
                f.write(f"{os.path.basename(r['page'])}\t{r['cli_cer']:.4f}\t{r['cli_chars']}\n")
    if args.json_out:
        with open(args.json_out, "w", encoding="utf-8") as f:
            json.dump({"summary": summary, "pages": rows}, f, indent=1, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
