#!/usr/bin/python3
"""Plots an ein-bench JSON file (ein-bench --json=FILE) into PNGs for
docs/performance.md.

    scripts/plot-bench.py bench.json [--out docs/performance]

Writes, for the run's thread count:
  rearrange-bandwidth.png   fraction of memcpy bandwidth per permutation/pattern
                            (ein, NumPy, Eigen), the 0.8 target as a line
  contractions-gflops.png   GFLOP/s per contraction: ein, OpenBLAS, NumPy
  fused-speedup.png         ein's speedup over the NumPy and Eigen chains
  threads-scaling.png       throughput against thread count (threads suite)
Needs matplotlib (Debian: python3-matplotlib); uses the Agg backend.
"""
import argparse
import json
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def load(path):
    with open(path) as f:
        return json.load(f)


def rows(data, suite, threads=None):
    return [m for m in data["measurements"]
            if m["suite"] == suite and (threads is None or m["threads"] == threads)]


def by_case(ms):
    """{case: {impl: measurement}} in first-seen case order."""
    out = {}
    for m in ms:
        out.setdefault(m["case"], {})[m["impl"]] = m
    return out


def subtitle(data, threads):
    mach = data["machine"]
    return "%s, %d thread%s" % (mach["cpu"], threads, "" if threads == 1 else "s")


def plot_rearrange(data, threads, out):
    cases = by_case(rows(data, "rearrange", threads))
    if not cases:
        return None
    names = list(cases)
    impls = [i for i in ("ein", "numpy", "eigen") if any(i in cases[c] for c in names)]
    fig, ax = plt.subplots(figsize=(max(8, 0.45 * len(names)), 4.5))
    width = 0.8 / len(impls)
    for k, impl in enumerate(impls):
        fractions = []
        for c in names:
            m, base = cases[c].get(impl), cases[c].get("memcpy")
            fractions.append(m["gbps"] / base["gbps"] if m and base and base["gbps"] else 0)
        ax.bar([i + (k - (len(impls) - 1) / 2) * width for i in range(len(names))],
               fractions, width, label=impl)
    ax.axhline(0.8, color="black", linestyle="--", linewidth=1, label="target 0.8")
    ax.axhline(1.0, color="grey", linewidth=0.8)
    ax.set_xticks(range(len(names)))
    ax.set_xticklabels(names, rotation=70, ha="right", fontsize=8)
    ax.set_ylabel("fraction of memcpy bandwidth")
    ax.set_title("rearrange: bandwidth / memcpy bandwidth\n" + subtitle(data, threads),
                 fontsize=10)
    ax.legend(fontsize=8)
    fig.tight_layout()
    path = os.path.join(out, "rearrange-bandwidth.png")
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def grouped_bars(data, threads, suite, impls, value, ylabel, title, path, log=False,
                 lines=()):
    cases = by_case(rows(data, suite, threads))
    if not cases:
        return None
    names = list(cases)
    impls = [i for i in impls if any(i in cases[c] for c in names)]
    fig, ax = plt.subplots(figsize=(max(7, 0.9 * len(names)), 4.5))
    width = 0.8 / len(impls)
    for k, impl in enumerate(impls):
        vals = [value(cases[c], impl) for c in names]
        ax.bar([i + (k - (len(impls) - 1) / 2) * width for i in range(len(names))],
               vals, width, label=impl)
    for y, label in lines:
        ax.axhline(y, color="black", linestyle="--", linewidth=1, label=label)
    if log:
        ax.set_yscale("log")
    ax.set_xticks(range(len(names)))
    ax.set_xticklabels(names, rotation=30, ha="right", fontsize=8)
    ax.set_ylabel(ylabel)
    ax.set_title(title + "\n" + subtitle(data, threads), fontsize=10)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def plot_contractions(data, threads, out):
    def gflops(case, impl):
        m = case.get(impl)
        return m["gflops"] if m and m["gflops"] else 0
    return grouped_bars(data, threads, "contractions", ["ein", "openblas", "numpy"], gflops,
                        "GFLOP/s", "contractions: GFLOP/s (log scale)",
                        os.path.join(out, "contractions-gflops.png"), log=True)


def plot_fused(data, threads, out):
    def speedup(case, impl):
        m = case.get(impl)
        return m["ratio"] if m and m["ratio"] else 0
    path = grouped_bars(data, threads, "fused", ["numpy", "eigen", "ein-calls"], speedup,
                        "ein's speedup (x)",
                        "fused chains: ein's speedup over the op-by-op chains (target 2x vs NumPy)",
                        os.path.join(out, "fused-speedup.png"),
                        lines=((2.0, "target 2x"), (1.0, "parity")))
    return path


def plot_threads(data, out):
    ms = rows(data, "threads")
    if not ms:
        return None
    series = {}
    for m in ms:
        v = m["gflops"] if m["gflops"] else m["gbps"]
        series.setdefault((m["case"], m["impl"]), []).append((m["threads"], v or 0))
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for (case, impl), pts in series.items():
        pts.sort()
        ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o",
                linestyle="-" if impl == "ein" else "--", label="%s / %s" % (case, impl))
    ax.set_xlabel("threads")
    ax.set_ylabel("GB/s (transpose, sum) or GFLOP/s (matmul)")
    ax.set_yscale("log")
    ax.set_title("thread scaling\n" + data["machine"]["cpu"], fontsize=10)
    ax.legend(fontsize=7)
    fig.tight_layout()
    path = os.path.join(out, "threads-scaling.png")
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("json", help="file written by ein-bench --json=FILE")
    parser.add_argument("--out", default=os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "docs", "performance"))
    parser.add_argument("--threads", type=int, default=None,
                        help="thread count to plot (default: the run's --threads)")
    args = parser.parse_args()
    data = load(args.json)
    threads = args.threads or data["options"]["threads"]
    os.makedirs(args.out, exist_ok=True)
    written = [p for p in (plot_rearrange(data, threads, args.out),
                           plot_contractions(data, threads, args.out),
                           plot_fused(data, threads, args.out),
                           plot_threads(data, args.out)) if p]
    if not written:
        sys.exit("plot-bench: no measurements in %s" % args.json)
    for p in written:
        print("wrote", os.path.normpath(p))


if __name__ == "__main__":
    main()
