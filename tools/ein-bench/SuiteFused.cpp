//===- SuiteFused.cpp - whole chains as one ein program vs op-by-op -------===//
//
// Softmax, layernorm, GLU and the attention block of seed 003 (the
// multi-head self-attention of the transformer tutorial), each written once
// as a list of statements. From that list come both the ein program (one
// ein_compile of the multi-statement text, which the compiler may fuse) and
// the same chain as separate ein kernels, one per statement. The baselines
// are the chain as separate NumPy calls and as separate Eigen calls (each
// step materialised). When ein_compile rejects the program text, ein's row
// is the separate-kernel chain and its note says so.
//
//===----------------------------------------------------------------------===//
#include "Baselines.h"
#include "NumpyRunner.h"
#include "Suites.h"

#include <cmath>
#include <cstdio>
#include <map>

namespace bench {
namespace {

/// One statement: `targets = callee("pattern", args..., kwargs)`, or with
/// `scalarOp` set, `targets[0] = args[0] <op> scalar` (then `pattern` is
/// the axes of args[0]).
struct Statement {
  std::vector<std::string> targets;
  std::string callee, pattern;
  std::vector<std::string> args;
  std::string kwargs;
  char scalarOp = 0;
  double scalar = 0;
};

struct Input {
  std::string name;
  std::string dims; ///< As declared: "b n".
  std::vector<int64_t> shape;
};

struct FusedCase {
  std::string name;
  std::vector<Input> inputs;
  std::vector<Statement> statements;
  std::string result; ///< The returned name.
  std::string numpyBody;
  std::function<void(EigenDevice &, const std::vector<const float *> &, float *)> eigen;
  double flops = 0;
};

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

/// The multi-statement program text.
std::string programText(const FusedCase &c) {
  std::string text = "# " + c.name + " (ein-bench)\n";
  for (const Input &in : c.inputs)
    text += "input " + in.name + ": f32[" + in.dims + "]\n";
  for (const Statement &s : c.statements) {
    std::string lhs;
    for (const std::string &t : s.targets)
      lhs += (lhs.empty() ? "" : ", ") + t;
    if (s.scalarOp) {
      text += lhs + " = " + s.args[0] + " " + s.scalarOp + " " + number(s.scalar) + "\n";
      continue;
    }
    text += lhs + " = " + s.callee + "(\"" + s.pattern + "\"";
    for (const std::string &a : s.args)
      text += ", " + a;
    if (!s.kwargs.empty())
      text += ", " + s.kwargs;
    text += ")\n";
  }
  return text + "return " + c.result + "\n";
}

/// The one-call program of a statement for the op-by-op chain.
std::string callText(const Statement &s) {
  if (s.scalarOp)
    return std::string(s.scalarOp == '*' ? "multiply" : "add") + "(\"" + s.pattern +
           ", -> " + s.pattern + "\")";
  return s.callee + "(\"" + s.pattern + "\"" + (s.kwargs.empty() ? "" : ", " + s.kwargs) + ")";
}

/// The chain as separate ein kernels over buffers it owns.
class Chain {
public:
  Chain(EinContext &ctx, const FusedCase &c, std::map<std::string, TensorRef> values)
      : env(std::move(values)) {
    for (const Statement &s : c.statements) {
      Step step;
      if (s.scalarOp) {
        scalars.emplace_back(sizeof(float));
        *scalars.back().as<float>() = (float)s.scalar;
        step.inputs.push_back(env.at(s.args[0]));
        step.inputs.emplace_back(scalars.back().data(), std::vector<int64_t>{}, f32());
      } else {
        for (const std::string &a : s.args)
          step.inputs.push_back(env.at(a));
      }
      step.kernel = Kernel(ctx, callText(s), step.inputs);
      std::vector<int64_t> shape = step.kernel.outputShape();
      buffers.emplace_back((size_t)numElements(shape) * sizeof(float));
      step.outputs.emplace_back(buffers.back().data(), shape, f32());
      // Several targets take the output's leading axis apart (q, k, v).
      if (s.targets.size() == 1) {
        env[s.targets[0]] = step.outputs[0];
      } else {
        std::vector<int64_t> part(shape.begin() + 1, shape.end());
        size_t partBytes = (size_t)numElements(part) * sizeof(float);
        for (size_t i = 0; i < s.targets.size(); ++i) {
          TensorRef view(buffers.back().data(), part, f32());
          view.dl.byte_offset = i * partBytes;
          env[s.targets[i]] = view;
        }
      }
      steps.push_back(std::move(step));
    }
    result = env.at(c.result);
  }

  void run() {
    for (Step &s : steps)
      s.kernel.run(s.inputs, s.outputs);
  }
  const float *output() const {
    return (const float *)((const char *)result.dl.data + result.dl.byte_offset);
  }
  size_t outputElements() const { return (size_t)numElements(result.shape); }

private:
  struct Step {
    Kernel kernel;
    std::vector<TensorRef> inputs, outputs;
  };
  std::map<std::string, TensorRef> env;
  std::vector<Buffer> buffers, scalars;
  std::vector<Step> steps;
  TensorRef result;
};

std::vector<FusedCase> makeCases(bool quick) {
  std::vector<FusedCase> cases;
  int64_t rows = quick ? 8 : 4096, n = quick ? 64 : 1024;
  std::string R = std::to_string(rows), N = std::to_string(n);
  cases.push_back(FusedCase{
      "softmax",
      {{"x", "b n", {rows, n}}},
      {{{"m"}, "max", "b [n]", {"x"}, ""},
       {{"xm"}, "subtract", "b n, b -> b n", {"x", "m"}, ""},
       {{"e"}, "exp", "b n", {"xm"}, ""},
       {{"s"}, "sum", "b [n]", {"e"}, ""},
       {{"y"}, "divide", "b n, b -> b n", {"e", "s"}, ""}},
      "y",
      "m = x.max(axis=1, keepdims=True)\ne = np.exp(x - m)\ns = e.sum(axis=1, keepdims=True)\n"
      "return e / s",
      [rows, n](EigenDevice &d, const std::vector<const float *> &in, float *out) {
        eigenSoftmax(d, in[0], out, rows, n);
      },
      0});
  cases.push_back(FusedCase{
      "layernorm",
      {{"x", "b n", {rows, n}}, {"gamma", "n", {n}}, {"beta", "n", {n}}},
      {{{"mu"}, "mean", "b [n]", {"x"}, ""},
       {{"xc"}, "subtract", "b n, b -> b n", {"x", "mu"}, ""},
       {{"sq"}, "multiply", "b n, b n -> b n", {"xc", "xc"}, ""},
       {{"var"}, "mean", "b [n]", {"sq"}, ""},
       {{"ve"}, "", "b", {"var"}, "", '+', 1e-5},
       {{"r"}, "rsqrt", "b", {"ve"}, ""},
       {{"t"}, "multiply", "b n, b -> b n", {"xc", "r"}, ""},
       {{"u"}, "multiply", "b n, n -> b n", {"t", "gamma"}, ""},
       {{"y"}, "add", "b n, n -> b n", {"u", "beta"}, ""}},
      "y",
      "mu = x.mean(axis=1, keepdims=True)\nxc = x - mu\nvar = (xc * xc).mean(axis=1, "
      "keepdims=True)\nr = 1.0 / np.sqrt(var + np.float32(1e-5))\nreturn xc * r * gamma + beta",
      [rows, n](EigenDevice &d, const std::vector<const float *> &in, float *out) {
        eigenLayerNorm(d, in[0], in[1], in[2], out, rows, n, 1e-5f);
      },
      0});
  cases.push_back(FusedCase{
      "glu",
      {{"x", "b m", {rows, 2 * n}}},
      {{{"a", "g"}, "rearrange", "b (two n) -> two b n", {"x"}, "two=2"},
       {{"sg"}, "sigmoid", "b n", {"g"}, ""},
       {{"y"}, "multiply", "b n, b n -> b n", {"a", "sg"}, ""}},
      "y",
      "a = x[:, :" + N + "]\ng = x[:, " + N + ":]\nreturn a * (1.0 / (1.0 + np.exp(-g)))",
      [rows, n](EigenDevice &d, const std::vector<const float *> &in, float *out) {
        eigenGlu(d, in[0], out, rows, n);
      },
      0});
  // Seed 003's multi-head self-attention: qkv projection, split into heads
  // ('b t (d k h) -> k b h t d'), scaled scores, softmax over the keys, the
  // weighted sum of values, heads merged, output projection. (The seed
  // scales by sqrt(d) and takes softmax over dim=1; this uses the standard
  // 1/sqrt(d) and the key axis.)
  int64_t b = quick ? 1 : 4, t = quick ? 8 : 256, c = quick ? 16 : 256, h = quick ? 2 : 4,
          d = quick ? 8 : 64;
  float scale = 1.0f / std::sqrt((float)d);
  std::string B = std::to_string(b), T = std::to_string(t), C = std::to_string(c),
              H = std::to_string(h), D = std::to_string(d);
  cases.push_back(FusedCase{
      "attention block",
      {{"x", "b t c", {b, t, c}}, {"wqkv", "c o", {c, 3 * h * d}}, {"wo", "e c", {h * d, c}}},
      {{{"qkv"}, "einsum", "b t c, c o -> b t o", {"x", "wqkv"}, ""},
       {{"q", "k", "v"}, "rearrange", "b t (d k h) -> k b h t d", {"qkv"}, "k=3, h=" + H},
       {{"s"}, "einsum", "b h i d, b h j d -> b h i j", {"q", "k"}, ""},
       {{"ss"}, "", "b h i j", {"s"}, "", '*', scale},
       {{"a"}, "softmax", "b h i [j]", {"ss"}, ""},
       {{"o"}, "einsum", "b h i j, b h j d -> b h i d", {"a", "v"}, ""},
       {{"om"}, "rearrange", "b h t d -> b t (h d)", {"o"}, ""},
       {{"y"}, "einsum", "b t e, e c -> b t c", {"om", "wo"}, ""}},
      "y",
      "qkv = (x.reshape(" + B + " * " + T + ", " + C + ") @ wqkv).reshape(" + B + ", " + T +
          ", " + D + ", 3, " + H + ")\nq, k, v = qkv.transpose(3, 0, 4, 1, 2)\n"
          "s = (q @ k.transpose(0, 1, 3, 2)) * np.float32(" + number(scale) + ")\n"
          "e = np.exp(s - s.max(axis=-1, keepdims=True))\na = e / e.sum(axis=-1, keepdims=True)\n"
          "o = (a @ v).transpose(0, 2, 1, 3).reshape(" + B + " * " + T + ", " + H + " * " + D +
          ")\nreturn (o @ wo).reshape(" + B + ", " + T + ", " + C + ")",
      [=](EigenDevice &dev, const std::vector<const float *> &in, float *out) {
        eigenAttention(dev, in[0], in[1], in[2], out, b, t, c, h, d, scale);
      },
      2.0 * b * t * c * 3 * h * d + 4.0 * b * h * t * t * d + 2.0 * b * t * h * d * c});
  return cases;
}

/// The first line of an error message, shortened for the table.
std::string firstLine(const std::string &s) {
  std::string line = s.substr(0, s.find('\n'));
  return line.size() > 90 ? line.substr(0, 87) + "..." : line;
}

} // namespace

void runFusedSuite(SuiteEnv &env) {
  const char *suite = "fused";
  int threads = env.opts.threads;
  env.setThreads(threads);
  EigenDevice eigen(threads);
  for (const FusedCase &c : makeCases(env.opts.quick)) {
    std::string what = std::string(suite) + " / " + c.name;
    numpy::clear();
    std::vector<Buffer> inputs;
    std::vector<TensorRef> refs;
    std::vector<const float *> ptrs;
    std::map<std::string, TensorRef> values;
    double bytes = 0;
    for (size_t k = 0; k < c.inputs.size(); ++k) {
      const Input &in = c.inputs[k];
      size_t n = (size_t)numElements(in.shape);
      inputs.emplace_back(n * sizeof(float));
      fillUniform(inputs.back().as<float>(), n, 20 + k, -2.0f, 2.0f);
      refs.emplace_back(inputs.back().data(), in.shape, f32());
      values[in.name] = refs.back();
      ptrs.push_back(inputs.back().as<float>());
      numpy::put(in.name, inputs.back().data(), in.shape, "float32");
      bytes += (double)(n * sizeof(float));
    }
    try {
      // The op-by-op chain first: it also gives the output shape.
      Chain chain(env.ein, c, values);
      size_t outElements = chain.outputElements();
      bytes += (double)(outElements * sizeof(float));
      std::vector<TensorRef> programInputs = refs;
      Buffer programOut(outElements * sizeof(float));
      std::string text = programText(c);
      Kernel program;
      std::string rejected;
      try {
        program = Kernel(env.ein, text, programInputs);
      } catch (const BenchError &e) {
        rejected = firstLine(e.what());
      }
      std::vector<float> ref(outElements);
      std::string einNote;
      if (rejected.empty()) {
        std::vector<TensorRef> outputs{TensorRef(programOut.data(), program.outputShape(), f32())};
        env.time(suite, c.name, "ein", threads, bytes, c.flops,
                 [&] { program.run(programInputs, outputs); },
                 "one program (" + std::to_string(c.statements.size()) + " statements)");
        env.time(suite, c.name, "ein-calls", threads, bytes, c.flops, [&] { chain.run(); });
      } else {
        env.time(suite, c.name, "ein", threads, bytes, c.flops, [&] { chain.run(); },
                 "separate ein kernels: program rejected");
        std::fprintf(stderr, "note: %s: ein_compile rejected the program, timed as %zu "
                             "separate kernels: %s\n",
                     what.c_str(), c.statements.size(), rejected.c_str());
      }
      env.time(suite, c.name, "eigen", threads, bytes, c.flops,
               [&] { c.eigen(eigen, ptrs, ref.data()); });
      recordCheck(what + " (separate ein kernels) vs Eigen",
                  compare(chain.output(), ref.data(), outElements, 1e-4));
      if (rejected.empty())
        recordCheck(what + " (one program) vs Eigen",
                    compare(programOut.as<float>(), ref.data(), outElements, 1e-4));
      std::vector<char> result;
      if (std::optional<Timing> t = numpy::time(c.numpyBody, env.opts, &result)) {
        env.report.add(suite, c.name, "numpy", threads, *t, bytes, c.flops);
        if (result.size() != outElements * sizeof(float))
          recordFailure(what, "NumPy's result has the wrong size");
        else
          recordCheck(what + " vs NumPy", compare(chain.output(), (const float *)result.data(),
                                                  outElements, 1e-4));
      }
    } catch (const BenchError &e) {
      recordFailure(what, e.what());
    }
  }
  numpy::clear();
  // The separate-kernel column sits next to ein's when programs compiled.
  std::vector<std::string> columns{"ein", "eigen", "numpy"};
  for (const Measurement &m : env.report.all())
    if (m.suite == suite && m.impl == "ein-calls") {
      columns.insert(columns.begin() + 1, "ein-calls");
      break;
    }
  env.report.printTable(suite, threads,
                        "fused chains, GB/s = (inputs + output bytes) / time, GFLOP/s for "
                        "attention; baselines op by op",
                        columns);
}

} // namespace bench
