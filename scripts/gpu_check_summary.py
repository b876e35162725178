#!/usr/bin/env python3
"""The summary tables of scripts/gpu-check.sh, from its log folder: GoogleTest JSON reports
(gpu_tests.json, unit_tests.json) and the benchmark's "SUMMARY key=value ..." lines (bench.log).

    gpu_check_summary.py LOG_DIR [--no-tests]
"""
import json
import os
import sys


def test_rows(log_dir, have_tests):
    rows = ["| tests | passed | failed | skipped |", "|---|---|---|---|"]
    if not have_tests:
        rows.append("| gpu_tests, unit_tests | TESTS NOT RUN | | |")
        return rows
    for name in ("gpu_tests", "unit_tests"):
        path = os.path.join(log_dir, name + ".json")
        try:
            with open(path) as f:
                doc = json.load(f)
        except (OSError, ValueError) as e:
            rows.append(f"| {name} | TESTS NOT RUN (no report: {e.__class__.__name__}) | | |")
            continue
        passed = failed = skipped = 0
        failed_names = []
        for suite in doc.get("testsuites", []):
            for t in suite.get("testsuite", []):
                if t.get("result") == "SKIPPED" or t.get("status") == "NOTRUN":
                    skipped += 1
                elif t.get("failures"):
                    failed += 1
                    failed_names.append(suite["name"] + "." + t["name"])
                else:
                    passed += 1
        rows.append(f"| {name} | {passed} | {failed} | {skipped} |")
        rows += [f"| failed: {n} | | | |" for n in failed_names]
    return rows


def bench_rows(log_dir):
    rows = [
        "| stage | size | H2D GB/s | kernel GB/s | D2H GB/s | kernel % of HBM | pipeline % of copy bound "
        "| GPU | CPU (threads) | GPU/CPU | GPU == CPU |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    seen = set()
    try:
        with open(os.path.join(log_dir, "bench.log")) as f:
            lines = [l for l in f if l.startswith("SUMMARY ")]
    except OSError:
        lines = []
    for line in lines:
        f = dict(kv.split("=", 1) for kv in line.split()[1:] if "=" in kv)
        g = lambda k: f.get(k, "-")
        stage = g("stage")
        seen.add(stage)
        if stage == "montecarlo":
            rate = lambda k: "%.3g G px-it/s" % (float(f[k]) / 1e9) if k in f else "-"
            rows.append(f"| montecarlo | {g('size')} | | | | | | {rate('gpu_rate')} | {rate('cpu_rate')} "
                        f"({g('cpu_threads')}) | {g('speedup')}x | {g('equal')} |")
        else:
            sec = lambda k: g(k) + " s" if k in f else "-"
            rows.append(f"| {stage} | {g('size')} | {g('h2d_gbps')} | {g('kernel_gbps')} | {g('d2h_gbps')} "
                        f"| {g('hbm_pct')} | {g('copy_bound_pct')} | {sec('gpu_s')} | {sec('cpu_s')} "
                        f"({g('cpu_threads')}) | {g('speedup')}x | {g('equal')} |")
    for stage in ("index", "carbon", "composite", "montecarlo"):
        if stage not in seen:
            rows.append(f"| {stage} | NOT MEASURED (see bench.log) | | | | | | | | | |")
    return rows


def main():
    log_dir = sys.argv[1]
    have_tests = "--no-tests" not in sys.argv[2:]
    print("\n".join(test_rows(log_dir, have_tests)))
    print()
    print("\n".join(bench_rows(log_dir)))


if __name__ == "__main__":
    main()
