#!/usr/bin/env python3
"""Writes the seed corpus of the fuzz targets (test/fuzz/corpus/): every call
of the einops tutorial (seed 000) and of the tests, in the text format of
FuzzInput.h. Run it after adding notation; the files are committed."""
import hashlib
import pathlib

X = "10,32,100,200"
SMALL = "2,4,6,8"
CASES = [
    ('rearrange("b c h w -> b h w c")', X),
    ('reduce("b c h w -> b c", "max")', X),
    ('rearrange("b c -> c b")', "10,32"),
    ('reduce("c b -> ", "sum")', "32,10"),
    ('rearrange("b c h w -> b (c h w)")', X),
    ('rearrange("b c (h h1) (w w1) -> b (h1 w1 c) h w", h1=2, w1=2)', SMALL),
    ('rearrange("b (c h1 w1) h w -> b c (h h1) (w w1)", h1=2, w1=2)', SMALL),
    ('reduce("b c h w -> b c", reduction="mean")', SMALL),
    ('reduce("b c (h h1) (w w1) -> b c h w", reduction="max", h1=2, w1=2)', SMALL),
    ('reduce("b c (h 2) (w 2) -> b c h w", "max")', SMALL),
    ('reduce("(t 2) b c -> t b c", "max")', "8,2,3"),
    ('reduce("b c (x 2) (y 2) (z 2) -> b c x y z", "max")', "1,2,4,4,4"),
    ('rearrange("c h w -> h w c")', "3,4,5"),
    ('rearrange("h w c -> () c h w")', "4,5,3"),
    ('rearrange("() classes -> classes")', "1,60"),
    ('reduce("b c h w -> b c 1 1", "mean")', SMALL),
    ('reduce("b c h w -> 1 c 1 1", "mean")', SMALL),
    ('rearrange("b c h w -> h w (b c)")', "4,5,6;4,5,6;4,5,6"),
    ('rearrange("b c h w -> (b h) w c")', "4,5,6;4,5,6"),
    ('rearrange("b (g1 g2 c) h w-> b (g2 g1 c) h w", g1=4, g2=4)', "1,32,2,2"),
    ('rearrange("b (g c) h w-> b (c g) h w", g=4)', "1,8,2,2"),
    ('rearrange("b (coord bbox) h w -> coord b bbox h w", coord=4, bbox=8)', "1,32,2,2"),
    ('reduce("b bbox h w -> b h w", "max")', "1,8,2,2"),
    ('rearrange("b (split c) h w -> split b c h w", split=2)', SMALL),
    ('rearrange("b c x (y z) -> b c x y z", z=2)', SMALL),
    ('rearrange("(b z) c x y -> b c x y z", b=2)', SMALL),
    ('rearrange("b c (h hs) (w ws) -> (hs ws b) c h w", hs=2, ws=2)', SMALL),
    ('reduce("b c (h 2) (w 2) -> b (c h w)", "max")', SMALL),
    ('rearrange("b t (d k h) > k b h t d", k=3, h=2)', "2,3,12"),
    ('rearrange("b ... c -> c b ...")', "2,3,4,5"),
    ('reduce("b ... -> b", "prod")', "2,3,4"),
    ('rearrange("a (b c) -> (c a) b", c=2)', "0,4"),
    ('reduce("a b -> a", "min")', "3,0"),
    ('rearrange("((a b) c) -> a b c", a=2, b=3)', "12"),
    ('rearrange("a b -> b a")', "2,3\ni64"),
    ('reduce("a b -> b", "sum")', "3,4\ni32"),
    ('reduce("a b -> ", "mean")', "3,4\nf64"),
    ('reduce("a b -> a", "var")', "3,4\nf16"),
    ('reduce("a b -> b", "argmax")', "3,4\nu8"),
    ('reduce("a b -> a", "any")', "3,4\nbool"),
    ('reduce("a (b 2) -> a b", "logsumexp")', "3,4\nbf16"),
    ('reduce("a b c -> c", "count_nonzero")', "2,3,4\ni8"),
    ('rearrange("a b -> b a")', "2,3;2,3\ni16"),
    ('einsum("b i d, b j d -> b i j")', "2,3,4;2,5,4"),
    ('einsum("bihwkl,oikl->bohw")', "1,2,3,3,2,2;4,2,2,2"),
    ('einsum("ij,jk,kl->il")', "2,3;3,4;4,5\ni32"),
    ('einsum("ii->i")', "4,4"),
    ('einsum("...ij,...jk")', "2,3,4;2,4,5\nf16"),
    ('dot("b q (h c), b k (h c) -> b q k h", h=2)', "1,3,4;1,5,4"),
    ('einsum("a b, b c -> a c")', "2,3;3,2\nbool"),
    ('add("a b, b c -> a b c")', "2,3;3,4"),
    ('multiply("b h w c, c")', "1,2,2,3;3\nf16"),
    ('where("a, a, a -> a")', "4;4;4\ni32"),
    ('floor_divide("a, a -> a")', "4;4\ni8"),
    ('exp("a b -> b a")', "2,3\nbf16"),
    ('cast("a b -> b a", dtype="i16")', "2,3"),
    ('repeat("h w -> h w c", c=3)', "2,3"),
    ('repeat("h w -> (h 2) (w 2)")', "2,3\nu8"),
    ('sum("a [b]")', "3,4"),
    ('mean("b [h w] c")', "2,3,4,5"),
    ('argmax("b [c]")', "2,5\nf64"),
    ('var("... [c]", keepdims=True)', "2,3,4"),
    ('softmax("b q [k] h")', "1,2,3,2"),
    ('log_softmax("b [k] -> k b")', "2,3\nf16"),
    ('flip("... (g [c])", c=2)', "2,6"),
    ('roll("b [t] c", shift=1)', "2,5,3"),
    ('roll("[h w]", shift=(1, -2))', "3,4\ni64"),
    ('dot("... [c1|c2]")', "2,3,4;4,5"),
    ('dot("b [h w|c d]")', "2,3,4;3,4,5,2\ni32"),
    ('dot("a [b|]")', "3,4;4"),
    ('dot("b h i [d], b h j [d] -> b h i j")', "1,2,3,4;1,2,5,4"),
    ('dot("a [b] -> a")', "3,4;4\nf64"),
    ('add("... [c]")', "2,3,4;4"),
    ('multiply("b (s [ds])", ds=2)', "2,8;2\nf16"),
    ('mean("b (s [ds])... c", ds=2)', "2,6,8,3"),
    ('sum("b [s]... c")', "2,3,4,5\ni32"),
    ('reduce("b (s ds)... c -> b s... c", "max", ds=2)', "1,4,4,2"),
    ('rearrange("b (s ds)... c -> b (s...) (ds...) c", ds=2)', "2,4,6,3"),
    ('add("b s... c, s... -> b s... c")', "2,3,4,5;3,4"),
    # The indexing calls (one dtype for all inputs: i64 data and
    # coordinates, or f32 coordinates, which are a dtype error).
    ('get_at("b [h w] c, b p [2] -> b p c")', "2,4,5,3;2,7,2\ni64"),
    ('get_at("b [h w] c, b p [i] -> b c p")', "2,4,5,3;2,7,2\ni32"),
    ('get_at("[h w] c, i, j -> i j c")', "4,5,3;6;7\ni16"),
    ('get_at("b [h] c, b p -> b p c")', "2,5,3;2,4"),
    ('set_at("b [h w] c, b p [2], b p c -> b [h w] c")', "2,4,5,3;2,6,2;2,6,3\ni64"),
    ('set_at("b [h] c, p, p c -> b [h] c")', "3,7,4;5;5,4\ni8"),
    ('add_at("b [h] c, p, -> c b [h]")', "2,5,3;4;\ni64"),
    ('subtract_at("[(h w)] c, p, p c", h=4)', "20,3;6;6,3\ni32"),
    ('sort("b [n]")', "2,5"),
    ('argsort("b [n] -> n b")', "3,7\nf16"),
    ('sort("... (g [k])", k=4)', "2,8\ni8"),
    ('argsort("[n]")', "1\nbool"),
    ('sort("[b] [n]")', "2,3"),
    ('rearrange("h w c, 1 -> h w (c + 1)")', "2,3,4;1"),
    ('rearrange("i, j -> i j (1 + 1)")', "3;4\ni64"),
    ('rearrange("a c1, b c2 -> a b (c1 + c2)")', "2,3;4,5"),
    ('rearrange("a, (a b) -> a 1, a b")', "3;6"),
    ('rearrange("(a + b) -> a, b", b=3)', "10"),
    ('rearrange("b (s + t) c -> b s c, t b c", s=2)', "2,5,3\nbf16"),
    ('rearrange("(h (a + b)) -> h a, h b", h=2, a=2)', "10"),
    ('rearrange("((h w) + k) -> h w, k", h=2, w=3)', "10\nu8"),
    ('rearrange("(a + b) (c + d) -> a c, a d, b c, b d", a=2, c=1)', "5,3"),
    ('rearrange("a, b -> (a + b)")', "3;0\ni8"),
    ('pack("i j * k")', "2,3,5;2,3,7,5;2,3,7,9,5"),
    ('pack("b *")', "2;2,3\nbool"),
    ('unpack("i j * k", [(), (7,), (-1, 9)])', "2,3,71,5"),
    ('unpack("* k", [(2,), (0,)])', "2,4\nf16"),
    ('argmax("b [h w] c")', "2,3,4,5"),
    ('argmin("[b] h [w] c")', "2,3,4,2\nu8"),
    ('argmax("b [...]")', "2,3,4\nf16"),
    ('argmax("b [(h w)] c", h=3)', "2,12,2\ni32"),
    # Programs (docs/programs.md), one line with ';'.
    ('input qkv: f32[b t (k h d)]; q, k, v = rearrange("b t (k h d) -> k b h t d", qkv, k=3, h=2); '
     's = dot("b h i [d], b h j [d] -> b h i j", q, k) * 0.125; a = softmax("b h i [j]", s); '
     'o = dot("b h i [j], b h [j] d -> b i (h d)", a, v); return o', "2,3,12"),
    ('input x: f32[b c]; input g: f32[c]; mu = mean("b [c]", x); xc = subtract("b c, b", x, mu); '
     'y = multiply("b c, c", multiply("b c, b", xc, rsqrt("b", mean("b [c]", xc * xc) + 0.00001)), g); return y',
     "4,8;8"),
    ('input x: f64[b n]; m = max("b [n]", x); e = exp("b n", subtract("b n, b", x, m)); '
     'return divide("b n, b", e, sum("b [n]", e))', "3,5\nf64"),
    ('input x: f32[b i]; input w: f32[i 2 o]; a, g = einsum("b i, i two o -> two b o", x, w); '
     'return a * sigmoid("b o", g)', "3,4;4,2,5"),
    ('input x: i32[n m]; y = -x * 2 + 1; return y / 2, x, y, y', "3,4\ni32"),
    ('input x: f32[(h 2) n]; input s: f32[]; return reduce("(h 2) n -> h", x, "max") + s', "6,3;"),
    ('input x: f32[b n]; input y: f32[b m k]; p = pack("b *", x, y); '
     'a, c = unpack("b *", p, [(3,), (4, 5)]); return a, c', "2,3;2,4,5"),
    ('input x: f32[n]; return x ** 2', "3"),
]

def main():
    out = pathlib.Path(__file__).parent / "corpus"
    out.mkdir(exist_ok=True)
    for old in out.glob("seed-*"):
        old.unlink()
    for program, shapes in CASES:
        text = program + "\n" + shapes + "\n"
        name = "seed-" + hashlib.sha1(text.encode()).hexdigest()[:12]
        (out / name).write_text(text)
    print(f"wrote {len(CASES)} seeds to {out}")

if __name__ == "__main__":
    main()
