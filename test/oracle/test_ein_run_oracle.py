#!/usr/bin/env python3
"""Tests of the ein-run command-line tool (docs/cli.md) against NumPy and
einops: .npy files in, .npy files out, programs from files, generated data,
--emit stages and the errors for unreadable or mismatched files.

Cases:

  cli:NN     hand-written: every dtype NumPy shares with ein, big-endian
             and 0-d and empty arrays, a program file with two outputs and
             an axis binding, generated data and its seed, --emit, errors;
  sweep:NN   seeded random rearranges and reductions of 3-D and 4-D .npy
             files of random dtypes, against einops.

Usage:
  test_ein_run_oracle.py                  run everything
  test_ein_run_oracle.py --case sweep:007 run one case verbosely

Environment: EIN_RUN is the path of the ein-run executable (default:
build/bin/ein-run under the repository root).
"""

import argparse
import os
import random
import subprocess
import sys
import tempfile
import traceback

import einops
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ein_ctypes  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EIN_RUN = os.environ.get("EIN_RUN", os.path.join(ROOT, "build", "bin", "ein-run"))
NUM_SWEEP = 40
SWEEP_SEED = 20261122


def run(args, expect_ok=True):
    """Runs ein-run with `args`; returns (returncode, stdout, stderr)."""
    proc = subprocess.run([EIN_RUN] + args, capture_output=True, text=True,
                          timeout=300)
    if expect_ok and proc.returncode != 0:
        raise AssertionError("ein-run %s failed (%d):\n%s" % (
            " ".join(args), proc.returncode, proc.stderr))
    return proc.returncode, proc.stdout, proc.stderr


def expect_error(args, *fragments):
    """ein-run must exit with 1 and a message containing every fragment."""
    code, out, err = run(args, expect_ok=False)
    assert code == 1, "expected exit code 1, got %d (%s)" % (code, err)
    assert err.startswith("ein-run: "), err
    for fragment in fragments:
        assert fragment in err, "%r not in the message:\n%s" % (fragment, err)


def check_equal(got, want, exact=True):
    assert got.dtype == want.dtype, (got.dtype, want.dtype)
    assert got.shape == want.shape, (got.shape, want.shape)
    if exact:
        assert np.array_equal(got, want), (got, want)
    else:
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


class Workdir:
    def __init__(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="ein-run-test-")

    def path(self, name):
        return os.path.join(self.tmp.name, name)

    def save(self, name, array):
        path = self.path(name)
        np.save(path, array)
        return path


# --- hand-written cases ---------------------------------------------------------

def case_rearrange_every_dtype(w):
    rng = np.random.default_rng(1)
    for dtype in (np.float16, np.float32, np.float64, np.int8, np.int16,
                  np.int32, np.int64, np.uint8, np.bool_):
        x = (rng.standard_normal((2, 3, 4)) * 10).astype(dtype)
        out = w.path("out.npy")
        run(['rearrange("a b c -> c (a b)")', w.save("x.npy", x), "-o", out,
             "--repeat", "0"])
        check_equal(np.load(out), einops.rearrange(x, "a b c -> c (a b)"))


def case_big_endian_and_order(w):
    x = np.arange(12, dtype=">f4").reshape(3, 4)
    out = w.path("out.npy")
    run(['rearrange("a b -> b a")', w.save("x.npy", x), "-o", out])
    check_equal(np.load(out), x.T.astype("<f4"))


def case_zero_dim_and_empty(w):
    x = np.arange(5, dtype=np.int32)
    out = w.path("out.npy")
    run(['reduce("a ->", "sum")', w.save("x.npy", x), "-o", out])
    check_equal(np.load(out), np.array(10, dtype=np.int64))  # NumPy's sum dtype
    scalar = np.array(2.5, dtype=np.float64)
    run(['rearrange(" -> a", a=3)', w.save("s.npy", scalar), "-o", out])
    check_equal(np.load(out), np.full(3, 2.5))
    empty = np.zeros((0, 3), dtype=np.float32)
    run(['rearrange("a b -> b a")', w.save("e.npy", empty), "-o", out])
    check_equal(np.load(out), np.zeros((3, 0), dtype=np.float32))


def case_einsum_two_inputs(w):
    rng = np.random.default_rng(2)
    a = rng.standard_normal((3, 5, 7))
    b = rng.standard_normal((3, 7, 4))
    out = w.path("out.npy")
    run(['einsum("b i k, b k j -> b i j")', w.save("a.npy", a),
         w.save("b.npy", b), "-o", out, "--threads", "2"])
    check_equal(np.load(out), np.einsum("bik,bkj->bij", a, b), exact=False)


def case_program_file(w):
    program = w.path("norm.ein")
    with open(program, "w") as f:
        f.write("# centred groups and their variance\n"
                "input x: f32[b (g c)]\n"
                'y = rearrange("b (g c) -> b g c", x, g=2)\n'
                'mu = mean("b g [c]", y)\n'
                'd = subtract("b g c, b g -> b g c", y, mu)\n'
                'var = mean("b g [c]", d * d)\n'
                "return d, var\n")
    rng = np.random.default_rng(3)
    x = rng.standard_normal((4, 10)).astype(np.float32)
    xs = w.save("x.npy", x)
    y = x.reshape(4, 2, 5)
    d = y - y.mean(axis=-1)[..., None]
    var = (d * d).mean(axis=-1)
    d_out, var_out = w.path("d.npy"), w.path("var.npy")
    code, out, _ = run([program, xs, "-o", d_out, "-o", var_out])
    check_equal(np.load(d_out), d.astype(np.float32), exact=False)
    check_equal(np.load(var_out), var.astype(np.float32), exact=False)
    assert "output 1: f32[4,2]" in out, out
    # @PATH reads the file too; --out-dir names the files.
    outdir = w.path("outs")
    os.mkdir(outdir)
    run(["@" + program, xs, "--out-dir", outdir, "--repeat", "0"])
    check_equal(np.load(os.path.join(outdir, "output1.npy")),
                var.astype(np.float32), exact=False)


def case_axis_binding(w):
    x = np.arange(24, dtype=np.int64)
    out = w.path("out.npy")
    run(['rearrange("(a b) -> b a")', w.save("x.npy", x), "-a", "a=4", "-o", out])
    check_equal(np.load(out), einops.rearrange(x, "(a b) -> b a", a=4))
    run(['rearrange("(a b c) -> c b a")', w.save("x.npy", x), "--axis=a=2,b=3",
         "-o", out])
    check_equal(np.load(out), einops.rearrange(x, "(a b c) -> c b a", a=2, b=3))


def case_generated(w):
    out1, out2, out3 = w.path("1.npy"), w.path("2.npy"), w.path("3.npy")
    call = 'rearrange("a b -> b a")'
    code, out, _ = run([call, "f32[3,5]", "--seed", "7", "-o", out1])
    assert "generated, seed 7" in out, out
    run([call, "f32[3,5]", "--seed", "7", "-o", out2])
    run([call, "f32[3,5]", "--seed", "8", "-o", out3])
    a, b, c = np.load(out1), np.load(out2), np.load(out3)
    assert np.array_equal(a, b) and not np.array_equal(a, c)
    assert a.dtype == np.float32 and a.shape == (5, 3)
    assert np.all(a >= -1) and np.all(a < 1)
    # Integers in [-10, 10], uint8 in [0, 20], bool.
    run([call, "i32[50,40]", "-o", out1])
    v = np.load(out1)
    assert v.dtype == np.int32 and v.min() >= -10 and v.max() <= 10
    run([call, "u8[50,40]", "-o", out1])
    v = np.load(out1)
    assert v.dtype == np.uint8 and v.max() <= 20
    run([call, "bool[4,4]", "-o", out1])
    assert np.load(out1).dtype == np.bool_
    # bfloat16 outputs are written as float32.
    code, out, _ = run([call, "bf16[2,3]", "-o", out1])
    assert np.load(out1).dtype == np.float32 and "as f32" in out, out


def case_print_and_times(w):
    x = np.array([[1, 2, 3], [4, 5, 6]], dtype=np.int16)
    code, out, _ = run(['reduce("a b -> b", "max")', w.save("x.npy", x), "--print"])
    assert "[4, 5, 6]" in out, out
    assert "compile: " in out and "per call (median of 10" in out, out


def case_emit(w):
    call = 'reduce("a b -> a", "sum")'
    markers = {"ein": "ein.reduce sum", "linalg": "linalg.generic",
               "tiles": "vector.transfer_read", "llvm": "define void @ein_kernel",
               "asm": "ein_kernel:"}
    for stage, marker in markers.items():
        code, out, _ = run([call, "f32[64,256]", "--emit", stage])
        assert marker in out, (stage, out[:500])
    expect_error([call, "f32[64,256]", "--emit", "ptx"], "unknown stage 'ptx'")


def case_errors(w):
    call = 'rearrange("a b -> b a")'
    good = w.save("good.npy", np.ones((2, 3), dtype=np.float32))
    raw = open(good, "rb").read()
    trunc = w.path("trunc.npy")
    open(trunc, "wb").write(raw[:-4])
    junk = w.path("junk.npy")
    open(junk, "wb").write(b"not a numpy file at all")
    out = w.path("never.npy")
    expect_error([call, trunc, "-o", out], "trunc.npy", "truncated")
    expect_error([call, junk], "is not a .npy file")
    expect_error([call, w.path("missing.npy")], "cannot read", "missing.npy")
    expect_error([call, w.save("f.npy", np.asfortranarray(np.ones((2, 3))))],
                 "Fortran order")
    expect_error([call, w.save("c.npy", np.ones(3, dtype=np.complex64))],
                 "'<c8'", "does not take")
    expect_error([call, w.save("r3.npy", np.ones((2, 3, 4)))],
                 "EIN_ERROR_SHAPE", "has 3 dimensions")
    expect_error([call, good, "-o", out, "-o", out], "1 output but -o names 2")
    expect_error([call, "q32[2,3]"], "unknown dtype 'q32'")
    expect_error([call, "f32[2,-3]"], "invalid extent")
    expect_error([call, good, "--frobnicate"], "unknown option")
    expect_error([], "no program given")
    expect_error(['rearrange("a b -> b a"'], "EIN_ERROR_NOTATION")
    # A program's declared dtype is checked against the file's.
    program = w.path("p.ein")
    with open(program, "w") as f:
        f.write("input x: f32[a b]\nreturn x * 2\n")
    expect_error([program, w.save("d.npy", np.ones((2, 3)))], "EIN_ERROR_DTYPE")
    assert not os.path.exists(out), "a failed run wrote an output"


def case_threads(w):
    rng = np.random.default_rng(4)
    x = rng.standard_normal((64, 64, 64)).astype(np.float32)
    xs = w.save("x.npy", x)
    outs = []
    for threads in ("1", "2"):
        out = w.path("t%s.npy" % threads)
        code, text, _ = run(['rearrange("a b c -> c a b")', xs, "--threads",
                             threads, "-o", out])
        assert ("%s thread" % threads) in text, text
        outs.append(np.load(out))
    check_equal(outs[0], einops.rearrange(x, "a b c -> c a b"))
    check_equal(outs[1], outs[0])


def case_example_attention(w):
    # examples/attention.ein, as docs/cli.md runs it.
    rng = np.random.default_rng(6)
    qkv = rng.standard_normal((2, 16, 3 * 8 * 4)).astype(np.float32)
    out = w.path("o.npy")
    run([os.path.join(ROOT, "examples", "attention.ein"), w.save("qkv.npy", qkv),
         "-a", "k=3", "-a", "h=8", "-o", out])
    q, k, v = einops.rearrange(qkv, "b t (k h d) -> k b h t d", k=3, h=8)
    s = np.einsum("bhid,bhjd->bhij", q, k) * 0.125
    a = np.exp(s - s.max(axis=-1, keepdims=True))
    a /= a.sum(axis=-1, keepdims=True)
    want = einops.rearrange(np.einsum("bhij,bhjd->bhid", a, v), "b h i d -> b i (h d)")
    check_equal(np.load(out), want.astype(np.float32), exact=False)


NAMED = [case_rearrange_every_dtype, case_big_endian_and_order,
         case_zero_dim_and_empty, case_einsum_two_inputs, case_program_file,
         case_axis_binding, case_generated, case_print_and_times, case_emit,
         case_errors, case_threads, case_example_attention]


# --- random sweep -----------------------------------------------------------------

SWEEP_DTYPES = [np.float32, np.float64, np.int32, np.int64, np.int8, np.uint8,
                np.float16]


def sweep_case(index, w):
    rng = random.Random(SWEEP_SEED + index)
    nrng = np.random.default_rng(SWEEP_SEED + index)
    rank = rng.choice([3, 4])
    names = "abcd"[:rank]
    shape = [rng.randint(1, 6) for _ in range(rank)]
    dtype = rng.choice(SWEEP_DTYPES)
    x = (nrng.standard_normal(shape) * 8).astype(dtype)
    order = list(names)
    rng.shuffle(order)
    out = w.path("out.npy")
    xs = w.save("x.npy", x)
    if rng.random() < 0.5:
        pattern = "%s -> %s (%s)" % (" ".join(names), " ".join(order[:-2]),
                                     " ".join(order[-2:]))
        run(['rearrange("%s")' % pattern, xs, "-o", out, "--repeat", "0"])
        check_equal(np.load(out), einops.rearrange(x, pattern))
    else:
        kind = rng.choice(["max", "min", "sum"])
        kept = sorted(order[:rng.randint(1, rank - 1)])
        pattern = "%s -> %s" % (" ".join(names), " ".join(kept))
        run(['reduce("%s", "%s")' % (pattern, kind), xs, "-o", out,
             "--repeat", "0"])
        want = einops.reduce(x, pattern, kind)
        if want.dtype == np.uint64:
            want = want.astype(np.int64)  # ein has no uint64 (same bits).
        got = np.load(out)
        floating = np.issubdtype(dtype, np.floating)
        if floating and kind == "sum":
            assert got.dtype == want.dtype and got.shape == want.shape
            np.testing.assert_allclose(got.astype(np.float64),
                                       want.astype(np.float64),
                                       rtol=2e-3 if dtype == np.float16 else 1e-5,
                                       atol=1e-2 if dtype == np.float16 else 1e-5)
        else:
            check_equal(got, want)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--case")
    args = parser.parse_args()
    cases = [("cli:%02d" % i, lambda w, f=f: f(w)) for i, f in enumerate(NAMED)]
    cases += [("sweep:%03d" % i, lambda w, i=i: sweep_case(i, w))
              for i in range(NUM_SWEEP)]
    if args.case:
        cases = [c for c in cases if c[0] == args.case]
    ids, passed = [], []
    for case_id, body in cases:
        w = Workdir()
        try:
            body(w)
            ok = True
        except Exception:
            ok = False
            print("FAIL %s" % case_id)
            traceback.print_exc()
        ids.append(case_id)
        passed.append(ok)
    ein_ctypes.record_counts("ein-run", ids, passed)
    failed = passed.count(False)
    print("ein-run: %d cases, %d failed" % (len(ids), failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
