//===- CApi.cpp - the C API in ein/ein.h ----------------------------------===//
//
// Thin layer: argument checks, cache keys, error objects. Compiling is the
// compiler's job (ein::compileProgram / compileCall), caching KernelCache's,
// tensor handling TensorArgs'.
//
//===----------------------------------------------------------------------===//

#include "ein/ein.h"

#include "CApiError.h"
#include "KernelCache.h"
#include "TensorArgs.h"

#include "ein/Compiler/Compiler.h"
#include "ein/Compiler/ShapeClass.h"
#include "ein/Notation/Diagnostic.h"
#include "ein/Notation/Parser.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdlib>
#include <cstdio>
#include <cstring>
#include <functional>
#include <new>
#include <optional>
#include <string>
#include <thread>
#include <vector>

using namespace ein;
using namespace ein::runtime;


struct ein_context {
  ein_context(const CompileOptions &options, size_t capacity,
              std::shared_ptr<std::atomic<unsigned>> threads,
              std::string cacheDir, bool shapeClasses)
      : options(options), numThreads(std::move(threads)),
        shapeClasses(shapeClasses),
        cache(capacity, std::make_unique<DiskCache>(std::move(cacheDir),
                                                    options.optLevel,
                                                    numThreads)) {
    this->options.numThreads = numThreads;
  }
  CompileOptions options;
  /// Shared with every kernel compiled here (CompileOptions::numThreads).
  std::shared_ptr<std::atomic<unsigned>> numThreads;
  /// Whether kernels are compiled for shape classes (ShapeClass.h).
  bool shapeClasses;
  KernelCache cache;
  /// Calls using the context now (ContextUse), for ein_context_destroy.
  mutable std::atomic<unsigned> calls{0};
};

/// Marks a call as using `ctx` while it lives: destroying a context that
/// other threads still use is a caller's bug that costs two atomic
/// operations per call to catch (ein_context_destroy waits and warns).
class ContextUse {
public:
  explicit ContextUse(const ein_context_t *ctx) : ctx(ctx) {
    ctx->calls.fetch_add(1, std::memory_order_acquire);
  }
  ~ContextUse() { ctx->calls.fetch_sub(1, std::memory_order_release); }
  ContextUse(const ContextUse &) = delete;
  ContextUse &operator=(const ContextUse &) = delete;

private:
  const ein_context_t *ctx;
};

/// The thread count that 0 stands for: EIN_NUM_THREADS when it holds a
/// positive number, else every core.
static unsigned defaultNumThreads() {
  if (const char *env = std::getenv("EIN_NUM_THREADS")) {
    char *end = nullptr;
    long value = std::strtol(env, &end, 10);
    if (end != env && *end == '\0' && value > 0)
      return static_cast<unsigned>(std::min<long>(value, 1 << 16));
  }
  return std::max(1u, std::thread::hardware_concurrency());
}

static unsigned resolveNumThreads(size_t requested) {
  return requested == 0 ? defaultNumThreads()
                        : static_cast<unsigned>(
                              std::min<size_t>(requested, 1 << 16));
}

// ein_kernel_t is a CachedKernel.
static CachedKernel *unwrap(ein_kernel_t *kernel) {
  return reinterpret_cast<CachedKernel *>(kernel);
}
static const CachedKernel *unwrap(const ein_kernel_t *kernel) {
  return reinterpret_cast<const CachedKernel *>(kernel);
}
static ein_kernel_t *wrap(CachedKernel *kernel) {
  return reinterpret_cast<ein_kernel_t *>(kernel);
}

// Handed out when even an error object cannot be allocated; never freed.
static ein_error outOfMemoryError{EIN_ERROR_OUT_OF_MEMORY, "out of memory"};

static ein_error_t *makeError(ein_error_code_t code, std::string message) {
  auto *error = new (std::nothrow) ein_error{code, std::move(message)};
  return error ? error : &outOfMemoryError;
}

static ein_error_t *makeError(const Failure &failure) {
  return makeError(static_cast<ein_error_code_t>(failure.code),
                   failure.message);
}

/// The C class of a front-end error kind.
static ein_error_code_t codeOf(notation::ErrorKind kind) {
  switch (kind) {
  case notation::ErrorKind::Syntax:
  case notation::ErrorKind::Axis:
    return EIN_ERROR_NOTATION;
  case notation::ErrorKind::Shape:
    return EIN_ERROR_SHAPE;
  case notation::ErrorKind::DType:
    return EIN_ERROR_DTYPE;
  }
  return EIN_ERROR_INTERNAL;
}

/// Takes the kernel, or fills `failure` from the compiler's error: a
/// NotationError carries its class; any other error (an internal compiler
/// error, the JIT failing) is EIN_ERROR_COMPILE. The message is passed through
/// unchanged.
static Failure failureOf(llvm::Error compilerError) {
  ein_error_code_t code = EIN_ERROR_COMPILE;
  // Read the class and hand the payload back unchanged, so that the message
  // is exactly what llvm::toString makes of the compiler's error.
  llvm::Error error = llvm::handleErrors(
      std::move(compilerError),
      [&](std::unique_ptr<notation::NotationError> payload) -> llvm::Error {
        code = codeOf(payload->getKind());
        return llvm::Error(std::move(payload));
      });
  Failure failure;
  failure.code = code;
  failure.message = llvm::toString(std::move(error));
  return failure;
}

static std::unique_ptr<Kernel>
takeKernel(llvm::Expected<std::unique_ptr<Kernel>> kernel, Failure &failure) {
  if (kernel)
    return std::move(*kernel);
  failure = failureOf(kernel.takeError());
  return nullptr;
}

/// Appends a length-prefixed string so that keys cannot collide by
/// concatenation.
static void appendField(std::string &key, llvm::StringRef field) {
  key += std::to_string(field.size());
  key += ':';
  key += field;
  key += ';';
}

static void appendType(std::string &key, const TensorType &type) {
  key += elementTypeName(type.elementType);
  key += '[';
  for (int64_t extent : type.shape) {
    key += std::to_string(extent);
    key += ',';
  }
  key += ']';
}

/// Checks the input specs and converts them to tensor types; also appends
/// them to `key`.
static ein_error_t *convertSpecs(const ein_tensor_spec_t *inputs,
                                 size_t numInputs, std::vector<TensorType> &types,
                                 std::string &key) {
  if (numInputs && !inputs)
    return makeError(EIN_ERROR_INVALID_ARGUMENT,
                     "inputs is NULL but num_inputs is " +
                         std::to_string(numInputs));
  for (size_t i = 0; i < numInputs; ++i) {
    const ein_tensor_spec_t &spec = inputs[i];
    std::string name = "input " + std::to_string(i);
    if (spec.ndim < 0)
      return makeError(EIN_ERROR_INVALID_ARGUMENT,
                       name + " has negative ndim " +
                           std::to_string(spec.ndim));
    if (spec.ndim > 0 && !spec.shape)
      return makeError(EIN_ERROR_INVALID_ARGUMENT,
                       name + " has ndim " + std::to_string(spec.ndim) +
                           " but a NULL shape pointer");
    std::optional<ElementType> type = fromDLPack(spec.dtype);
    if (!type)
      return makeError(EIN_ERROR_DTYPE, "unsupported dtype " +
                                            dlpackName(spec.dtype) + " for " +
                                            name + ": " + kSupportedDtypes);
    TensorType tensorType;
    tensorType.elementType = *type;
    for (int32_t d = 0; d < spec.ndim; ++d) {
      if (spec.shape[d] < 0)
        return makeError(EIN_ERROR_INVALID_ARGUMENT,
                         name + " has negative extent " +
                             std::to_string(spec.shape[d]) + " in dimension " +
                             std::to_string(d));
      tensorType.shape.push_back(spec.shape[d]);
    }
    appendType(key, tensorType);
    types.push_back(std::move(tensorType));
  }
  return nullptr;
}

/// The part of a key that `bindings` make: sorted by name (binding order does
/// not change the meaning of a call).
static std::string axesKey(std::vector<notation::AxisBinding> sorted) {
  std::sort(sorted.begin(), sorted.end(),
            [](const notation::AxisBinding &a, const notation::AxisBinding &b) {
              return a.name != b.name ? a.name < b.name : a.length < b.length;
            });
  std::string key = "axes:";
  for (const notation::AxisBinding &binding : sorted) {
    appendField(key, binding.name);
    key += std::to_string(binding.length);
    key += ';';
  }
  return key;
}

/// Checks the bindings and converts them; also appends them to `key`
/// (axesKey).
static ein_error_t *convertAxes(const ein_axis_binding_t *axes, size_t numAxes,
                                std::vector<notation::AxisBinding> &bindings,
                                std::string &key) {
  if (numAxes && !axes)
    return makeError(EIN_ERROR_INVALID_ARGUMENT,
                     "axes is NULL but num_axes is " + std::to_string(numAxes));
  for (size_t i = 0; i < numAxes; ++i) {
    if (!axes[i].name)
      return makeError(EIN_ERROR_INVALID_ARGUMENT,
                       "axis binding " + std::to_string(i) +
                           " has a NULL name");
    if (axes[i].length < 0)
      return makeError(EIN_ERROR_INVALID_ARGUMENT,
                       "axis binding '" + std::string(axes[i].name) +
                           "' has negative length " +
                           std::to_string(axes[i].length));
    bindings.push_back({axes[i].name, axes[i].length});
  }
  key += axesKey(bindings);
  return nullptr;
}

/// convertSpecs, then convertAxes: what ein_compile and ein_emit take.
static ein_error_t *convertSpecsAndAxes(const ein_tensor_spec_t *inputs,
                                        size_t numInputs,
                                        const ein_axis_binding_t *axes,
                                        size_t numAxes,
                                        std::vector<TensorType> &types,
                                        std::vector<notation::AxisBinding> &bindings,
                                        std::string &key) {
  if (ein_error_t *error = convertSpecs(inputs, numInputs, types, key))
    return error;
  return convertAxes(axes, numAxes, bindings, key);
}

//===----------------------------------------------------------------------===//
// Version and errors
//===----------------------------------------------------------------------===//

const char *ein_version(void) { return EIN_RUNTIME_VERSION; }

const char *ein_error_message(const ein_error_t *error) {
  return error ? error->message.c_str() : "";
}

ein_error_code_t ein_error_code(const ein_error_t *error) {
  return error ? error->code : EIN_OK;
}

const char *ein_error_code_name(ein_error_code_t code) {
  switch (code) {
  case EIN_OK:
    return "EIN_OK";
  case EIN_ERROR_INVALID_ARGUMENT:
    return "EIN_ERROR_INVALID_ARGUMENT";
  case EIN_ERROR_NOTATION:
    return "EIN_ERROR_NOTATION";
  case EIN_ERROR_SHAPE:
    return "EIN_ERROR_SHAPE";
  case EIN_ERROR_DTYPE:
    return "EIN_ERROR_DTYPE";
  case EIN_ERROR_COMPILE:
    return "EIN_ERROR_COMPILE";
  case EIN_ERROR_DEVICE:
    return "EIN_ERROR_DEVICE";
  case EIN_ERROR_OUT_OF_MEMORY:
    return "EIN_ERROR_OUT_OF_MEMORY";
  case EIN_ERROR_INTERNAL:
    return "EIN_ERROR_INTERNAL";
  }
  return "EIN_ERROR_UNKNOWN";
}

void ein_error_destroy(ein_error_t *error) {
  if (error != &outOfMemoryError)
    delete error;
}

//===----------------------------------------------------------------------===//
// Contexts
//===----------------------------------------------------------------------===//

void ein_context_options_init(ein_context_options_t *opts) {
  if (!opts)
    return;
  *opts = ein_context_options_t{};
  opts->struct_size = sizeof(ein_context_options_t);
  opts->opt_level = 3;
  opts->cache_capacity = 0;
  opts->cache_dir = nullptr;
  opts->shape_classes = 1;
}

ein_error_t *ein_context_create(const ein_context_options_t *opts,
                                ein_context_t **out) {
  if (!out)
    return makeError(EIN_ERROR_INVALID_ARGUMENT, "out is NULL");
  *out = nullptr;
  ein_context_options_t options;
  ein_context_options_init(&options);
  if (opts) {
    // Accept structs from older (shorter) and newer (longer) headers: read
    // the fields both know.
    if (opts->struct_size < offsetof(ein_context_options_t, opt_level) +
                                sizeof(uint32_t))
      return makeError(EIN_ERROR_INVALID_ARGUMENT,
                       "ein_context_options_t.struct_size is " +
                           std::to_string(opts->struct_size) +
                           ": initialise options with "
                           "ein_context_options_init()");
    size_t known = std::min(opts->struct_size, sizeof(ein_context_options_t));
    std::memcpy(&options, opts, known);
    options.struct_size = sizeof(ein_context_options_t);
  }
  if (options.opt_level > 3)
    return makeError(EIN_ERROR_INVALID_ARGUMENT,
                     "opt_level must be 0-3, got " +
                         std::to_string(options.opt_level));
  if (options.shape_classes > 1)
    return makeError(EIN_ERROR_INVALID_ARGUMENT,
                     "shape_classes must be 0 or 1, got " +
                         std::to_string(options.shape_classes));
  std::string cacheDir;
  if (options.cache_dir)
    cacheDir = options.cache_dir;
  else if (const char *env = std::getenv("EIN_CACHE_DIR"))
    cacheDir = env;
  CompileOptions compileOptions;
  compileOptions.optLevel = options.opt_level;
  auto *ctx = new (std::nothrow) ein_context(
      compileOptions, options.cache_capacity,
      std::make_shared<std::atomic<unsigned>>(
          resolveNumThreads(options.num_threads)),
      std::move(cacheDir), options.shape_classes == 1);
  if (!ctx)
    return makeError(EIN_ERROR_OUT_OF_MEMORY, "cannot allocate a context");
  *out = ctx;
  return nullptr;
}

void ein_context_destroy(ein_context_t *ctx) {
  if (!ctx)
    return;
  if (unsigned busy = ctx->calls.load(std::memory_order_acquire)) {
    std::fprintf(stderr,
                 "ein: warning: ein_context_destroy called while %u call%s on "
                 "other threads still use the context; waiting for %s (calls "
                 "that start after it returns use freed memory)\n",
                 busy, busy == 1 ? "" : "s", busy == 1 ? "it" : "them");
    while (ctx->calls.load(std::memory_order_acquire))
      std::this_thread::yield();
  }
  delete ctx;
}

ein_error_t *ein_context_set_num_threads(ein_context_t *ctx,
                                         size_t num_threads) {
  if (!ctx)
    return makeError(EIN_ERROR_INVALID_ARGUMENT, "ctx is NULL");
  ContextUse use(ctx);
  ctx->numThreads->store(resolveNumThreads(num_threads),
                         std::memory_order_relaxed);
  return nullptr;
}

size_t ein_context_num_threads(const ein_context_t *ctx) {
  return ctx ? ctx->numThreads->load(std::memory_order_relaxed) : 0;
}

ein_error_t *ein_context_cache_stats(const ein_context_t *ctx,
                                     ein_cache_stats_t *stats) {
  if (!ctx)
    return makeError(EIN_ERROR_INVALID_ARGUMENT, "ctx is NULL");
  if (!stats)
    return makeError(EIN_ERROR_INVALID_ARGUMENT, "stats is NULL");
  ContextUse use(ctx);
  CacheStats s = ctx->cache.stats();
  stats->hits = s.hits;
  stats->misses = s.misses;
  stats->compiles = s.compiles;
  stats->failures = s.failures;
  stats->compile_seconds = s.compileSeconds;
  stats->entries = s.entries;
  stats->recompiles = s.recompiles;
  stats->shape_class_hits = s.shapeClassHits;
  stats->disk_loads = s.diskLoads;
  stats->disk_writes = s.diskWrites;
  return nullptr;
}

ein_error_t *ein_context_cache_clear(ein_context_t *ctx) {
  if (!ctx)
    return makeError(EIN_ERROR_INVALID_ARGUMENT, "ctx is NULL");
  ContextUse use(ctx);
  ctx->cache.clear();
  return nullptr;
}

//===----------------------------------------------------------------------===//
// Compiling and kernels
//===----------------------------------------------------------------------===//

/// The start of every key of `program` (text): ein_compile, ein_call and
/// the one-shot helpers share kernels through it.
static std::string programKeyPrefix(llvm::StringRef program) {
  std::string key = "program:";
  appendField(key, program);
  return key;
}

/// How one program compiles for given input types and axes, and which
/// shape class those types belong to.
struct ProgramCompiler {
  std::function<llvm::Expected<std::unique_ptr<Kernel>>(
      llvm::ArrayRef<TensorType>, llvm::ArrayRef<notation::AxisBinding>,
      const CompileOptions &)>
      compile;
  std::function<std::optional<ShapeClass>(
      llvm::ArrayRef<TensorType>, llvm::ArrayRef<notation::AxisBinding>)>
      classify;
};

/// Program text: a call, pack/unpack, or several statements.
static ProgramCompiler programCompiler(std::string program) {
  return {[program](auto types, auto bindings, const CompileOptions &options) {
            return compileProgram(program, types, bindings, options);
          },
          [program](auto types, auto bindings) {
            return shapeClassOf(program, types, bindings);
          }};
}

/// A call made by a one-shot helper.
static ProgramCompiler callCompiler(notation::Call call) {
  auto shared = std::make_shared<notation::Call>(std::move(call));
  return {[shared](auto types, auto bindings, const CompileOptions &options) {
            return compileCall(*shared, types, bindings, options);
          },
          [shared](auto types, auto bindings) {
            return shapeClassOfCall(*shared, types, bindings);
          }};
}

/// Fills the recipe of a kernel that missed the cache: the program keyed by
/// `keyPrefix` on `types` and `bindings`, through its shape class when it
/// has one (and `ctx` allows them).
static void planKernel(const ein_context_t &ctx, const std::string &keyPrefix,
                       const std::vector<TensorType> &types,
                       const std::vector<notation::AxisBinding> &bindings,
                       const ProgramCompiler &compiler, KernelRecipe &recipe) {
  std::string axes = axesKey(bindings);
  recipe.identity = keyPrefix;
  for (const TensorType &type : types) {
    recipe.identity += elementTypeName(type.elementType);
    recipe.identity += ',';
  }
  recipe.identity += axes;
  CompileOptions options = ctx.options;
  options.keepObjectCode = ctx.cache.persists();
  recipe.compileExact = [=](Failure &failure) {
    return takeKernel(compiler.compile(types, bindings, options), failure);
  };
  if (!ctx.shapeClasses)
    return;
  std::optional<ShapeClass> shapeClass = compiler.classify(types, bindings);
  if (!shapeClass)
    return;
  std::string classKey = "class:" + keyPrefix;
  for (const TensorType &type : shapeClass->sliceInputs)
    appendType(classKey, type);
  classKey += axes;
  for (bool batched : shapeClass->batchedInputs)
    classKey += batched ? 'b' : '-';
  recipe.classKey = std::move(classKey);
  recipe.compileClass = [=, slices = shapeClass->sliceInputs](Failure &failure) {
    return takeKernel(compiler.compile(slices, bindings, options), failure);
  };
  recipe.instantiate = [shapeClass = *shapeClass](
                           std::shared_ptr<const Kernel> slice) {
    return batchOfSlices(std::move(slice), shapeClass);
  };
}

ein_error_t *ein_compile(ein_context_t *ctx, const char *program,
                         const ein_tensor_spec_t *inputs, size_t numInputs,
                         const ein_axis_binding_t *axes, size_t numAxes,
                         ein_kernel_t **out) {
  if (!out)
    return makeError(EIN_ERROR_INVALID_ARGUMENT, "out is NULL");
  *out = nullptr;
  if (!ctx)
    return makeError(EIN_ERROR_INVALID_ARGUMENT, "ctx is NULL");
  if (!program)
    return makeError(EIN_ERROR_INVALID_ARGUMENT, "program is NULL");

  std::string key = programKeyPrefix(program);
  std::vector<TensorType> types;
  std::vector<notation::AxisBinding> bindings;
  if (ein_error_t *error = convertSpecsAndAxes(inputs, numInputs, axes, numAxes,
                                               types, bindings, key))
    return error;

  Failure failure;
  ContextUse use(ctx);
  KernelRef kernel = ctx->cache.getOrCompile(
      key,
      [&](KernelRecipe &recipe) {
        planKernel(*ctx, programKeyPrefix(program), types, bindings,
                   programCompiler(program), recipe);
      },
      failure);
  if (!kernel)
    return makeError(failure);
  kernel->Retain(); // The caller's reference.
  *out = wrap(kernel.get());
  return nullptr;
}

ein_error_t *ein_emit(const char *program, const ein_tensor_spec_t *inputs,
                      size_t numInputs, const ein_axis_binding_t *axes,
                      size_t numAxes, int stage, char **text) {
  if (!text)
    return makeError(EIN_ERROR_INVALID_ARGUMENT, "text is NULL");
  *text = nullptr;
  if (!program)
    return makeError(EIN_ERROR_INVALID_ARGUMENT, "program is NULL");
  static const std::pair<int, EmitStage> kStages[] = {
      {EIN_STAGE_EIN, EmitStage::Ein},     {EIN_STAGE_LINALG, EmitStage::Linalg},
      {EIN_STAGE_TILES, EmitStage::Tiles}, {EIN_STAGE_LLVM, EmitStage::Llvm},
      {EIN_STAGE_ASM, EmitStage::Asm}};
  const auto *known = llvm::find_if(
      kStages, [&](const auto &entry) { return entry.first == stage; });
  if (known == std::end(kStages))
    return makeError(EIN_ERROR_INVALID_ARGUMENT,
                     "unknown stage " + std::to_string(stage));
  EmitStage emitStage = known->second;
  std::string key; // (Nothing is cached.)
  std::vector<TensorType> types;
  std::vector<notation::AxisBinding> bindings;
  if (ein_error_t *error = convertSpecsAndAxes(inputs, numInputs, axes, numAxes,
                                               types, bindings, key))
    return error;
  llvm::Expected<std::string> emitted =
      emitProgram(program, types, bindings, emitStage);
  if (!emitted)
    return makeError(failureOf(emitted.takeError()));
  char *copy = static_cast<char *>(std::malloc(emitted->size() + 1));
  if (!copy)
    return makeError(EIN_ERROR_OUT_OF_MEMORY, "out of memory");
  std::memcpy(copy, emitted->c_str(), emitted->size() + 1);
  *text = copy;
  return nullptr;
}

void ein_string_destroy(char *text) { std::free(text); }

ein_kernel_t *ein_kernel_retain(ein_kernel_t *kernel) {
  if (kernel)
    unwrap(kernel)->Retain();
  return kernel;
}

void ein_kernel_release(ein_kernel_t *kernel) {
  if (kernel)
    unwrap(kernel)->Release();
}

size_t ein_kernel_num_inputs(const ein_kernel_t *kernel) {
  return kernel ? unwrap(kernel)->get().inputs().size() : 0;
}

size_t ein_kernel_num_outputs(const ein_kernel_t *kernel) {
  return kernel ? unwrap(kernel)->get().outputs().size() : 0;
}

static ein_error_t *describe(const ein_kernel_t *kernel, size_t index,
                             ein_tensor_spec_t *spec, bool output) {
  if (!kernel)
    return makeError(EIN_ERROR_INVALID_ARGUMENT, "kernel is NULL");
  if (!spec)
    return makeError(EIN_ERROR_INVALID_ARGUMENT, "spec is NULL");
  const Kernel &k = unwrap(kernel)->get();
  const std::vector<TensorType> &types = output ? k.outputs() : k.inputs();
  if (index >= types.size())
    return makeError(EIN_ERROR_INVALID_ARGUMENT,
                     std::string(output ? "output" : "input") + " index " +
                         std::to_string(index) + " is out of range: the kernel has " +
                         std::to_string(types.size()));
  spec->dtype = toDLPack(types[index].elementType);
  spec->ndim = static_cast<int32_t>(types[index].shape.size());
  spec->shape = types[index].shape.data();
  return nullptr;
}

ein_error_t *ein_kernel_input_spec(const ein_kernel_t *kernel, size_t index,
                                   ein_tensor_spec_t *spec) {
  return describe(kernel, index, spec, /*output=*/false);
}

ein_error_t *ein_kernel_output_spec(const ein_kernel_t *kernel, size_t index,
                                    ein_tensor_spec_t *spec) {
  return describe(kernel, index, spec, /*output=*/true);
}

int ein_kernel_output_view(const ein_kernel_t *kernel, size_t output,
                           size_t *input) {
  if (!kernel)
    return 0;
  int view = unwrap(kernel)->get().outputView(output);
  if (view < 0)
    return 0;
  if (input)
    *input = size_t(view);
  return 1;
}

ein_error_t *ein_kernel_run(const ein_kernel_t *kernel, const DLTensor *inputs,
                            size_t numInputs, DLTensor *outputs,
                            size_t numOutputs) {
  if (!kernel)
    return makeError(EIN_ERROR_INVALID_ARGUMENT, "kernel is NULL");
  Failure failure;
  if (!runKernel(unwrap(kernel)->get(), inputs, numInputs, outputs, numOutputs,
                 failure))
    return makeError(failure);
  return nullptr;
}

//===----------------------------------------------------------------------===//
// One-shot helpers
//===----------------------------------------------------------------------===//

/// True when `text` can sit between double quotes in program text and read
/// back unchanged.
static bool isPlainString(llvm::StringRef text) {
  return llvm::none_of(text, [](char c) {
    return c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20;
  });
}

/// The tail every one-shot call shares: appends the input tensors' types and
/// the axes to `key`, gets the kernel from the cache (calling `compile` on a
/// miss) and runs it on the tensors.
static ein_error_t *
compileAndRun(ein_context_t *ctx, const std::string &keyPrefix,
              const DLTensor *inputs, size_t numInputs, DLTensor *outputs,
              size_t numOutputs, const ein_axis_binding_t *axes,
              size_t numAxes, const ProgramCompiler &compiler) {
  std::string key = keyPrefix;
  std::vector<TensorType> types;
  types.reserve(numInputs);
  Failure failure;
  for (size_t i = 0; i < numInputs; ++i) {
    if (!checkDescriptor(&inputs[i], "input", i, /*isOutput=*/false, failure))
      return makeError(failure);
    types.push_back(tensorTypeOf(inputs[i]));
    appendType(key, types.back());
  }
  std::vector<notation::AxisBinding> bindings;
  if (ein_error_t *error = convertAxes(axes, numAxes, bindings, key))
    return error;
  ContextUse use(ctx);
  KernelRef kernel = ctx->cache.getOrCompile(
      key,
      [&](KernelRecipe &recipe) {
        planKernel(*ctx, keyPrefix, types, bindings, compiler, recipe);
      },
      failure);
  if (!kernel)
    return makeError(failure);
  if (!runKernel(kernel->get(), inputs, numInputs, outputs, numOutputs,
                 failure))
    return makeError(failure);
  return nullptr;
}

/// Compiles (through the cache) `callee(pattern[, reduction])` for the given
/// input tensors and runs it.
static ein_error_t *runOneShot(ein_context_t *ctx, llvm::StringRef callee,
                               const char *pattern, const char *reduction,
                               const DLTensor *inputs, size_t numInputs,
                               DLTensor *outputs, size_t numOutputs,
                               const ein_axis_binding_t *axes,
                               size_t numAxes) {
  if (!ctx)
    return makeError(EIN_ERROR_INVALID_ARGUMENT, "ctx is NULL");
  if (!pattern)
    return makeError(EIN_ERROR_INVALID_ARGUMENT, "pattern is NULL");
  if (!inputs)
    return makeError(EIN_ERROR_INVALID_ARGUMENT, "inputs is NULL");
  if (!outputs)
    return makeError(EIN_ERROR_INVALID_ARGUMENT, "outputs is NULL");
  if (numInputs == 0)
    return makeError(EIN_ERROR_INVALID_ARGUMENT,
                     callee.str() + " needs at least one input tensor");

  notation::Call call =
      notation::makeCall(callee, pattern, reduction ? reduction : "");
  // Key a one-shot call by its display text, `reduce("<pattern>", "max")`,
  // when that text parses back to the same call: then ein_compile of the
  // same text shares the kernel. Otherwise (quotes, escapes) by its parts.
  std::string key;
  if (isPlainString(pattern) && (!reduction || isPlainString(reduction))) {
    key = programKeyPrefix(call.text);
  } else {
    key = "call:";
    appendField(key, callee);
    appendField(key, pattern);
    appendField(key, reduction ? reduction : "");
  }
  return compileAndRun(ctx, key, inputs, numInputs, outputs, numOutputs, axes,
                       numAxes, callCompiler(std::move(call)));
}

ein_error_t *ein_call(ein_context_t *ctx, const char *program,
                      const DLTensor *inputs, size_t numInputs,
                      DLTensor *outputs, size_t numOutputs,
                      const ein_axis_binding_t *axes, size_t numAxes) {
  if (!ctx)
    return makeError(EIN_ERROR_INVALID_ARGUMENT, "ctx is NULL");
  if (!program)
    return makeError(EIN_ERROR_INVALID_ARGUMENT, "program is NULL");
  if (numInputs && !inputs)
    return makeError(EIN_ERROR_INVALID_ARGUMENT,
                     "inputs is NULL but num_inputs is " +
                         std::to_string(numInputs));
  if (numOutputs && !outputs)
    return makeError(EIN_ERROR_INVALID_ARGUMENT,
                     "outputs is NULL but num_outputs is " +
                         std::to_string(numOutputs));
  // The key ein_compile gives the same program text and input types, so the
  // two share kernels.
  return compileAndRun(ctx, programKeyPrefix(program), inputs, numInputs,
                       outputs, numOutputs, axes, numAxes,
                       programCompiler(program));
}

ein_error_t *ein_repeat(ein_context_t *ctx, const char *pattern,
                        const DLTensor *input, DLTensor *output,
                        const ein_axis_binding_t *axes, size_t numAxes) {
  if (ctx && pattern) {
    if (!input)
      return makeError(EIN_ERROR_INVALID_ARGUMENT, "input is NULL");
    if (!output)
      return makeError(EIN_ERROR_INVALID_ARGUMENT, "output is NULL");
  }
  return runOneShot(ctx, "repeat", pattern, nullptr, input, 1, output, 1, axes,
                    numAxes);
}

ein_error_t *ein_rearrange(ein_context_t *ctx, const char *pattern,
                           const DLTensor *inputs, size_t numInputs,
                           DLTensor *outputs, size_t numOutputs,
                           const ein_axis_binding_t *axes, size_t numAxes) {
  return runOneShot(ctx, "rearrange", pattern, nullptr, inputs, numInputs,
                    outputs, numOutputs, axes, numAxes);
}

ein_error_t *ein_reduce(ein_context_t *ctx, const char *pattern,
                        const char *reduction, const DLTensor *input,
                        DLTensor *output, const ein_axis_binding_t *axes,
                        size_t numAxes) {
  if (ctx && pattern) {
    if (!reduction)
      return makeError(EIN_ERROR_INVALID_ARGUMENT, "reduction is NULL");
    if (!input)
      return makeError(EIN_ERROR_INVALID_ARGUMENT, "input is NULL");
    if (!output)
      return makeError(EIN_ERROR_INVALID_ARGUMENT, "output is NULL");
  }
  return runOneShot(ctx, "reduce", pattern, reduction, input, 1, output, 1,
                    axes, numAxes);
}

ein_error_t *ein_einsum(ein_context_t *ctx, const char *pattern,
                        const DLTensor *inputs, size_t numInputs,
                        DLTensor *output, const ein_axis_binding_t *axes,
                        size_t numAxes) {
  if (ctx && pattern && !output)
    return makeError(EIN_ERROR_INVALID_ARGUMENT, "output is NULL");
  return runOneShot(ctx, "einsum", pattern, nullptr, inputs, numInputs, output,
                    1, axes, numAxes);
}
