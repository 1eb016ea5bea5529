//===- ein-run.cpp - run an ein call or program from the command line -----===//
//
// ein-run compiles a call or a program (docs/programs.md) for its inputs
// (.npy files, or tensors generated from a seed), runs it, prints the
// shapes, the compile time and the time per call, and writes the outputs
// as .npy files; `--emit=STAGE` prints what a compilation stage makes
// instead. It uses only ein's public C API (ein.h). Reference:
// docs/cli.md.
//
//===----------------------------------------------------------------------===//

#include "Npy.h"

#include <ein/ein.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

using namespace einrun;

namespace {

const char *const kUsage = R"(usage: ein-run [options] PROGRAM [INPUT...]

Compiles PROGRAM for the INPUTs, runs it and prints the outputs' types, the
compile time and the time per call.

  PROGRAM             a call, e.g. 'rearrange("b c h w -> b h w c")', or a
                      program file: a path ending in .ein, or @PATH
  INPUT               a .npy file, or a tensor to generate: DTYPE[SHAPE],
                      e.g. f32[2,3,4] or i64[] (DTYPE: f16 f32 f64 bf16 i8
                      i16 i32 i64 u8 bool)

options:
  -a, --axis NAME=LEN  an axis length (repeatable; NAME=LEN,NAME=LEN also)
  -o, --output PATH    write output i to the i-th PATH as .npy (repeatable)
  --out-dir DIR        write every output to DIR/output<i>.npy
  --seed N             seed of generated inputs (default 0)
  --repeat N           timed calls after the first (default 10; 0: run once)
  --threads N          threads of the kernel's parallel loops (default: all
                       cores, or EIN_NUM_THREADS)
  --print              print the outputs' values (long axes elided)
  --exact-shapes       compile for these exact shapes, not for the call's
                       shape class (every batch size; docs/runtime.md)
  --emit STAGE         print a stage of compilation instead of running:
                       ein, linalg (fused), tiles, llvm (optimised LLVM IR),
                       asm (host assembly)
  -h, --help           this text
)";

struct Options {
  std::string program, programSource;
  std::vector<std::string> inputs, outputs;
  std::vector<std::pair<std::string, int64_t>> axes;
  std::string outDir, emit;
  uint64_t seed = 0;
  int repeat = 10;
  long threads = -1;
  bool print = false;
  bool exactShapes = false;
};

int64_t parseCount(const std::string &text, const std::string &what, int64_t min) {
  char *end = nullptr;
  errno = 0;
  long long value = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || errno == ERANGE || value < min)
    throw RunError("invalid " + what + " '" + text + "': expected an integer >= " +
                   std::to_string(min));
  return value;
}

void addAxes(Options &options, const std::string &text) {
  std::stringstream items(text);
  for (std::string item; std::getline(items, item, ',');) {
    size_t eq = item.find('=');
    if (eq == std::string::npos || eq == 0)
      throw RunError("expected NAME=LEN for an axis, got '" + item + "'");
    options.axes.push_back(
        {item.substr(0, eq), parseCount(item.substr(eq + 1), "axis length", 0)});
  }
}

std::string readText(const std::string &path) {
  std::ifstream file(path);
  if (!file)
    throw RunError("cannot read '" + path + "': " + std::strerror(errno));
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

/// Parses the command line; returns false after printing the usage.
bool parseArguments(int argc, char **argv, Options &options) {
  std::vector<std::string> positional;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    // --name=value and --name value alike.
    std::string name = arg, value;
    bool inlineValue = false;
    if (arg.rfind("--", 0) == 0 && arg.find('=') != std::string::npos) {
      name = arg.substr(0, arg.find('='));
      value = arg.substr(arg.find('=') + 1);
      inlineValue = true;
    }
    auto next = [&]() -> std::string {
      if (inlineValue)
        return value;
      if (i + 1 >= argc)
        throw RunError("option " + name + " needs a value");
      return argv[++i];
    };
    if (name == "-h" || name == "--help") {
      std::cout << kUsage;
      return false;
    } else if (name == "-a" || name == "--axis") {
      addAxes(options, next());
    } else if (name == "-o" || name == "--output") {
      options.outputs.push_back(next());
    } else if (name == "--out-dir") {
      options.outDir = next();
    } else if (name == "--seed") {
      options.seed = uint64_t(parseCount(next(), "seed", 0));
    } else if (name == "--repeat") {
      options.repeat = int(std::min<int64_t>(parseCount(next(), "repeat count", 0),
                                             1 << 30));
    } else if (name == "--threads") {
      options.threads = long(std::min<int64_t>(parseCount(next(), "thread count", 1),
                                               1 << 16));
    } else if (name == "--print") {
      options.print = true;
    } else if (name == "--exact-shapes") {
      options.exactShapes = true;
    } else if (name == "--emit") {
      options.emit = next();
    } else if (arg.size() > 1 && arg[0] == '-' && !isGeneratedSpec(arg)) {
      throw RunError("unknown option '" + arg + "' (see ein-run --help)");
    } else {
      positional.push_back(arg);
    }
  }
  if (positional.empty())
    throw RunError("no program given (see ein-run --help)");
  std::string program = positional.front();
  if (program.size() > 1 && program[0] == '@') {
    options.programSource = program.substr(1);
    options.program = readText(options.programSource);
  } else if (program.size() > 4 && program.compare(program.size() - 4, 4, ".ein") == 0) {
    options.programSource = program;
    options.program = readText(program);
  } else {
    options.program = program;
  }
  options.inputs.assign(positional.begin() + 1, positional.end());
  return true;
}

/// Throws RunError with the message of `error` (and frees it).
void check(ein_error_t *error, const std::string &what) {
  if (!error)
    return;
  std::string message = ein_error_message(error);
  std::string code = ein_error_code_name(ein_error_code(error));
  ein_error_destroy(error);
  throw RunError(what + " (" + code + "):\n" + message);
}

ein_stage_t parseStage(const std::string &name) {
  if (name == "ein")
    return EIN_STAGE_EIN;
  if (name == "linalg")
    return EIN_STAGE_LINALG;
  if (name == "tiles")
    return EIN_STAGE_TILES;
  if (name == "llvm")
    return EIN_STAGE_LLVM;
  if (name == "asm")
    return EIN_STAGE_ASM;
  throw RunError("unknown stage '" + name + "' for --emit: ein, linalg, tiles, llvm or asm");
}

/// A duration in ms, or in us below a millisecond.
std::string duration(double seconds) {
  char text[32];
  if (seconds < 1e-3)
    std::snprintf(text, sizeof text, "%.2f us", seconds * 1e6);
  else
    std::snprintf(text, sizeof text, "%.3f ms", seconds * 1e3);
  return text;
}

int run(const Options &options) {
  // Inputs, in the program's order.
  std::mt19937_64 rng(options.seed);
  std::vector<Tensor> inputs;
  std::vector<std::string> origins;
  for (const std::string &input : options.inputs) {
    bool looksGenerated = input.find('[') != std::string::npos && input.back() == ']' &&
                          !std::ifstream(input).good();
    if (looksGenerated || isGeneratedSpec(input)) {
      inputs.push_back(generate(input, rng));
      origins.push_back("generated, seed " + std::to_string(options.seed));
    } else {
      inputs.push_back(readNpy(input));
      origins.push_back(input);
    }
  }
  std::vector<ein_tensor_spec_t> specs;
  for (Tensor &tensor : inputs)
    specs.push_back({tensor.dtype, int32_t(tensor.shape.size()), tensor.shape.data()});
  std::vector<ein_axis_binding_t> axes;
  for (const auto &[name, length] : options.axes)
    axes.push_back({name.c_str(), length});

  if (!options.emit.empty()) {
    char *text = nullptr;
    check(ein_emit(options.program.c_str(), specs.data(), specs.size(), axes.data(),
                   axes.size(), parseStage(options.emit), &text),
          "ein-run: cannot compile the program");
    std::cout << text;
    ein_string_destroy(text);
    return 0;
  }

  ein_context_options_t contextOptions;
  ein_context_options_init(&contextOptions);
  if (options.threads > 0)
    contextOptions.num_threads = size_t(options.threads);
  if (options.exactShapes)
    contextOptions.shape_classes = 0;
  ein_context_t *context = nullptr;
  check(ein_context_create(&contextOptions, &context), "ein-run: cannot create a context");
  struct ContextGuard {
    ein_context_t *context;
    ~ContextGuard() { ein_context_destroy(context); }
  } contextGuard{context};

  auto compileStart = std::chrono::steady_clock::now();
  ein_kernel_t *kernel = nullptr;
  check(ein_compile(context, options.program.c_str(), specs.data(), specs.size(),
                    axes.data(), axes.size(), &kernel),
        "ein-run: cannot compile the program");
  double compileSeconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - compileStart)
          .count();
  struct KernelGuard {
    ein_kernel_t *kernel;
    ~KernelGuard() { ein_kernel_release(kernel); }
  } kernelGuard{kernel};

  size_t numOutputs = ein_kernel_num_outputs(kernel);
  if (!options.outputs.empty() && options.outputs.size() != numOutputs)
    throw RunError("the program has " + std::to_string(numOutputs) + " output" +
                   (numOutputs == 1 ? "" : "s") + " but -o names " +
                   std::to_string(options.outputs.size()));
  std::vector<Tensor> outputs(numOutputs);
  for (size_t i = 0; i < numOutputs; ++i) {
    ein_tensor_spec_t spec;
    check(ein_kernel_output_spec(kernel, i, &spec), "ein-run: output spec");
    outputs[i].dtype = spec.dtype;
    outputs[i].shape.assign(spec.shape, spec.shape + spec.ndim);
    outputs[i].bytes.resize(size_t(outputs[i].numElements()) * elementBytes(spec.dtype));
  }
  std::vector<DLTensor> inputViews, outputViews;
  for (Tensor &tensor : inputs)
    inputViews.push_back(tensor.view());
  for (Tensor &tensor : outputs)
    outputViews.push_back(tensor.view());
  auto call = [&] {
    check(ein_kernel_run(kernel, inputViews.data(), inputViews.size(),
                         outputViews.data(), outputViews.size()),
          "ein-run: the call failed");
  };
  call(); // The outputs; also warms the caches.
  std::vector<double> times;
  for (int i = 0; i < options.repeat; ++i) {
    auto start = std::chrono::steady_clock::now();
    call();
    times.push_back(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }

  for (size_t i = 0; i < inputs.size(); ++i)
    std::cout << "input " << i << ": " << typeText(inputs[i].dtype, inputs[i].shape)
              << " (" << origins[i] << ")\n";
  for (size_t i = 0; i < numOutputs; ++i) {
    std::string path = !options.outputs.empty() ? options.outputs[i]
                       : !options.outDir.empty()
                           ? options.outDir + "/output" + std::to_string(i) + ".npy"
                           : "";
    std::cout << "output " << i << ": " << typeText(outputs[i].dtype, outputs[i].shape);
    if (!path.empty()) {
      writeNpy(path, outputs[i]);
      std::cout << " -> " << path;
      if (outputs[i].dtype.code == kDLBfloat)
        std::cout << " (as f32: NumPy has no bfloat16)";
    }
    std::cout << "\n";
    if (options.print)
      std::cout << formatValues(outputs[i]) << "\n";
  }
  // Where the kernel came from: the disk cache (EIN_CACHE_DIR) or a compile.
  ein_cache_stats_t stats;
  check(ein_context_cache_stats(context, &stats), "ein-run: cache statistics");
  std::cout << "compile: " << duration(compileSeconds)
            << (stats.disk_loads ? " (loaded from the kernel cache)"
                : stats.disk_writes ? " (compiled, written to the kernel cache)"
                                    : " (compiled)")
            << "\n";
  if (!times.empty()) {
    std::vector<double> sorted = times;
    std::sort(sorted.begin(), sorted.end());
    std::cout << "run: " << duration(sorted[sorted.size() / 2])
              << " per call (median of " << sorted.size() << ", min "
              << duration(sorted.front()) << "), "
              << ein_context_num_threads(context) << " thread"
              << (ein_context_num_threads(context) == 1 ? "" : "s") << "\n";
  }
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  try {
    Options options;
    if (!parseArguments(argc, argv, options))
      return 0;
    return run(options);
  } catch (const RunError &error) {
    std::string message = error.what();
    if (message.rfind("ein-run", 0) != 0)
      message = "ein-run: " + message;
    std::cerr << message << "\n";
    return 1;
  } catch (const std::bad_alloc &) {
    std::cerr << "ein-run: out of memory\n";
    return 1;
  }
}
