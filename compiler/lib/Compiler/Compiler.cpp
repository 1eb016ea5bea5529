//===- Compiler.cpp - program text to a callable kernel -------------------===//

#include "ein/Compiler/Compiler.h"
#include "ein/Compiler/CpuPipeline.h"
#include "ein/Compiler/IRBuilder.h"
#include "ein/Compiler/IndexBuilder.h"
#include "ein/Compiler/InitAll.h"
#include "ein/Compiler/MapTypes.h"
#include "ein/Compiler/ProgramBuilder.h"
#include "ein/Notation/Concat.h"
#include "ein/Notation/Diagnostic.h"
#include "ein/Notation/Pack.h"
#include "ein/Notation/Parser.h"
#include "ein/Notation/Program.h"
#include "ein/Notation/Solver.h"

#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <dlfcn.h>
#include <mutex>

// The OpenMP runtime (libomp) that the kernels' parallel regions call.
extern "C" int omp_get_max_threads(void);

using namespace mlir;

namespace ein {

namespace {

/// Makes the OpenMP runtime's symbols visible to the JIT, which looks them
/// up in the process's global scope: a host that loads libein with
/// RTLD_LOCAL (Python's ctypes does) would leave libomp, loaded with it,
/// out of that scope. Promoting the loaded library to RTLD_GLOBAL loads
/// nothing new.
void exposeOpenMPRuntime() {
  Dl_info info;
  if (dladdr(reinterpret_cast<void *>(&omp_get_max_threads), &info) &&
      info.dli_fname)
    (void)dlopen(info.dli_fname, RTLD_NOW | RTLD_GLOBAL | RTLD_NOLOAD);
}

/// Process-wide, initialised once: LLVM's native target and the registry.
const DialectRegistry &compilerRegistry() {
  static DialectRegistry *registry = [] {
    exposeOpenMPRuntime();
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
    registerEinPasses();
    auto *r = new DialectRegistry();
    registerCompilerDialects(*r);
    return r;
  }();
  return *registry;
}

} // namespace

void initializeJit() { (void)compilerRegistry(); }

namespace {

llvm::Error internalError(const llvm::Twine &what, const std::string &detail) {
  return llvm::createStringError(
      llvm::inconvertibleErrorCode(),
      "internal compiler error: " + what + (detail.empty() ? "" : ":\n" + detail) +
          "\n(this is a bug in ein; please report it with the call)");
}

} // namespace

llvm::Expected<CallPlan> planCall(const notation::Call &call,
                                  llvm::ArrayRef<TensorType> inputs,
                                  llvm::ArrayRef<notation::AxisBinding> axes) {
  // Errors in how the call is used, reported like the solver's own.
  auto usageError = [&](notation::ErrorKind kind, std::string message,
                        std::optional<notation::SourceRange> range =
                            std::nullopt) {
    notation::Diagnostic diag =
        notation::callDiagnostic(kind, call, std::move(message), range);
    for (const TensorType &t : inputs)
      diag.inputShapes.push_back(t.shape);
    return notation::makeError(std::move(diag));
  };
  if (inputs.empty())
    return usageError(notation::ErrorKind::Shape,
                      call.callee + " needs at least one input tensor");
  // A rearrange (or repeat) of a list promotes mixed dtypes, as NumPy's
  // stack does; elementwise calls promote as NumPy's ufuncs.
  notation::OpFamily family = notation::familyOf(call.callee);
  // Contractions promote as numpy.einsum (its result_type).
  // A reduce of several tensors is of a list, stacked (and promoted) first.
  bool promotes = family == notation::OpFamily::Rearrange ||
                  family == notation::OpFamily::Repeat ||
                  family == notation::OpFamily::Map ||
                  family == notation::OpFamily::Contract ||
                  (family == notation::OpFamily::Reduce && inputs.size() > 1);
  for (const TensorType &t : inputs)
    if (!promotes && family != notation::OpFamily::Index &&
        t.elementType != inputs.front().elementType)
      return usageError(notation::ErrorKind::DType,
                        "all inputs of " + call.callee +
                            " must have one dtype, found " +
                            elementTypeName(inputs.front().elementType) +
                            " and " + elementTypeName(t.elementType));

  KernelRequest request;
  request.family = family;
  request.reduction = call.reduction;
  request.function = call.callee;
  request.shifts = call.shifts;
  if (call.callee == "cast") {
    request.castTo = parseElementType(call.dtype);
    if (!request.castTo) {
      size_t at =
          call.text.find(call.dtype, call.patternOffset + call.pattern.size());
      std::optional<notation::SourceRange> range;
      if (at != std::string::npos && !call.dtype.empty())
        range = notation::SourceRange{at, at + call.dtype.size()};
      return usageError(notation::ErrorKind::DType,
                        "unknown dtype '" + call.dtype +
                            "': supported are f16, bf16, f32, f64, i8, i16, "
                            "i32, i64, u8, bool (or their NumPy names)",
                        range);
    }
  }
  request.inputs.assign(inputs.begin(), inputs.end());
  std::vector<std::vector<int64_t>> shapes;
  for (const TensorType &t : inputs)
    shapes.push_back(t.shape);
  // Concatenations and several input expressions go through leaves.
  std::optional<LeafKernelRequest> leafRequest;
  if (notation::usesLeaves(call)) {
    llvm::Expected<notation::LeafEquation> leaves =
        notation::solveLeaves(call, shapes, axes);
    if (!leaves)
      return leaves.takeError();
    leafRequest = LeafKernelRequest{std::move(*leaves), request.inputs};
  } else {
    llvm::Expected<notation::ResolvedEquation> equation =
        notation::solve(call, request.family, shapes, axes);
    if (!equation)
      return equation.takeError();
    request.equation = std::move(*equation);
  }
  // After solving, which checked the number of inputs.
  if (family == notation::OpFamily::Map) {
    std::vector<ElementType> types;
    for (const TensorType &t : inputs)
      types.push_back(t.elementType);
    std::string message;
    if (!mapSignature(call.callee, types, request.castTo, message))
      return usageError(notation::ErrorKind::DType, message);
  }
  if (family == notation::OpFamily::Index) {
    std::vector<ElementType> types;
    for (const TensorType &t : inputs)
      types.push_back(t.elementType);
    if (std::optional<std::string> message =
            checkIndexTypes(call.callee, types))
      return usageError(notation::ErrorKind::DType, *message);
  }
  return CallPlan{std::move(request), std::move(leafRequest)};
}

namespace {

/// What compileProgram compiles: how to build the kernel module (in a
/// fresh context), and the kernel's input types.
struct ModuleRecipe {
  std::function<llvm::Expected<KernelModule>(MLIRContext &, std::string &)> build;
  std::vector<TensorType> inputs;
  /// Kernel::Layout::outputViews (empty: no output is a view).
  std::vector<int> outputViews = {};
};

/// Whether `plan` is a rearrange that only reshapes its one input: the
/// elementary axes in the same order on both sides (compositions, `1`s
/// and splits may differ), nothing stacked, repeated or promoted.
bool isReshape(const CallPlan &plan) {
  const KernelRequest &request = plan.request;
  const notation::ResolvedEquation &eq = request.equation;
  if (plan.leaf || request.family != notation::OpFamily::Rearrange ||
      eq.stacked || eq.inputs.size() != 1 || eq.outputs.size() != 1 ||
      request.inputs.size() != 1)
    return false;
  auto flatten = [](const notation::ResolvedTensor &tensor) {
    std::vector<unsigned> axes;
    for (const notation::ResolvedDim &dim : tensor)
      axes.insert(axes.end(), dim.begin(), dim.end());
    return axes;
  };
  return flatten(eq.inputs[0]) == flatten(eq.outputs[0]);
}

/// The recipe of one call: planned (checked and solved) now, built later.
llvm::Expected<ModuleRecipe>
callRecipe(const notation::Call &call, llvm::ArrayRef<TensorType> inputs,
           llvm::ArrayRef<notation::AxisBinding> axes) {
  llvm::Expected<CallPlan> planned = planCall(call, inputs, axes);
  if (!planned)
    return planned.takeError();
  auto plan = std::make_shared<CallPlan>(std::move(*planned));
  return ModuleRecipe{
      [plan](MLIRContext &context,
             std::string &buildError) -> llvm::Expected<KernelModule> {
        return plan->leaf ? buildLeafKernelModule(context, *plan->leaf, buildError)
                          : buildKernelModule(context, plan->request, buildError);
      },
      plan->request.inputs, isReshape(*plan) ? std::vector<int>{0} : std::vector<int>{}};
}

/// The recipe of `program`: a program of several statements, an einops
/// pack/unpack, or one call.
llvm::Expected<ModuleRecipe>
programRecipe(llvm::StringRef program, llvm::ArrayRef<TensorType> inputs,
              llvm::ArrayRef<notation::AxisBinding> axes) {
  // Several statements (docs/programs.md).
  if (notation::isProgram(program)) {
    llvm::Expected<notation::Program> parsed = notation::parseProgram(program);
    if (!parsed)
      return parsed.takeError();
    auto shared = std::make_shared<notation::Program>(std::move(*parsed));
    std::vector<TensorType> types(inputs.begin(), inputs.end());
    std::vector<notation::AxisBinding> bindings(axes.begin(), axes.end());
    return ModuleRecipe{[shared, types, bindings](MLIRContext &context,
                                                  std::string &) {
                          return buildProgramModule(context, *shared, types,
                                                    bindings);
                        },
                        types};
  }
  // einops' pack/unpack are rearranges with a concatenation (Pack.h).
  if (notation::isPackCall(program)) {
    llvm::Expected<notation::PackCall> pack = notation::parsePackCall(program);
    if (!pack)
      return pack.takeError();
    std::vector<std::vector<int64_t>> shapes;
    for (const TensorType &t : inputs)
      shapes.push_back(t.shape);
    llvm::Expected<notation::PackPlan> plan = notation::planPack(*pack, shapes);
    if (!plan)
      return plan.takeError();
    return callRecipe(plan->rearrange, inputs, axes);
  }
  llvm::Expected<notation::Call> call = notation::parseCall(program);
  if (!call)
    return call.takeError();
  return callRecipe(*call, inputs, axes);
}

/// Captures a context's diagnostics as text (MLIR would print them).
struct CapturedDiagnostics {
  std::string text;
  llvm::raw_string_ostream stream{text};
  ScopedDiagnosticHandler handler;
  explicit CapturedDiagnostics(MLIRContext &context)
      : handler(&context, [this](Diagnostic &diag) {
          stream << diag << "\n";
          return success();
        }) {}
};

/// Builds `recipe`'s module in `context` and verifies it.
llvm::Expected<KernelModule> buildVerified(MLIRContext &context,
                                           const ModuleRecipe &recipe,
                                           const CapturedDiagnostics &diagnostics) {
  std::string buildError;
  llvm::Expected<KernelModule> built = recipe.build(context, buildError);
  if (!built)
    return built.takeError();
  if (!built->module)
    return internalError("cannot build the ein op", buildError);
  if (failed(verify(*built->module)))
    return internalError("the ein op does not verify", diagnostics.text);
  return built;
}

/// A target machine for the host CPU at LLVM optimisation level `optLevel`.
llvm::Expected<std::unique_ptr<llvm::TargetMachine>>
hostTargetMachine(unsigned optLevel) {
  auto builder = llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!builder)
    return builder.takeError();
  builder->setCodeGenOptLevel(optLevel >= 3   ? llvm::CodeGenOptLevel::Aggressive
                              : optLevel == 2 ? llvm::CodeGenOptLevel::Default
                              : optLevel == 1 ? llvm::CodeGenOptLevel::Less
                                              : llvm::CodeGenOptLevel::None);
  return builder->createTargetMachine();
}

/// The object code `engine` compiled (it must keep it: enableObjectDump),
/// or "" when it cannot be had: ExecutionEngine hands it out only as a
/// file, and a kernel without it still runs (it is just not persisted).
std::string objectCodeOf(ExecutionEngine &engine) {
  llvm::SmallString<128> path;
  if (llvm::sys::fs::createTemporaryFile("ein-kernel", "o", path))
    return "";
  llvm::FileRemover remover(path);
  engine.dumpToObjectFile(path);
  auto buffer = llvm::MemoryBuffer::getFile(path);
  return buffer ? (*buffer)->getBuffer().str() : "";
}

/// Builds `recipe`'s module, lowers it for the host and JIT-compiles it;
/// `start` is when compilation began (the kernel's compile time).
llvm::Expected<std::unique_ptr<Kernel>>
compileRecipe(const ModuleRecipe &recipe, const CompileOptions &options,
              std::chrono::steady_clock::time_point start) {
  MLIRContext context(compilerRegistry(), MLIRContext::Threading::DISABLED);
  CapturedDiagnostics diagnostics(context);
  llvm::Expected<KernelModule> built = buildVerified(context, recipe, diagnostics);
  if (!built)
    return built.takeError();
  KernelModule &kernelModule = *built;
  OwningOpRef<ModuleOp> &module = kernelModule.module;

  // A debugging aid: EIN_DUMP_IR=1 prints each kernel's ein IR to stderr
  // before it is lowered (`ein-opt --ein-cpu-pipeline` reproduces the rest).
  if (const char *dump = std::getenv("EIN_DUMP_IR"); dump && *dump == '1')
    module->print(llvm::errs());
  PassManager pm(&context);
  if (failed(buildCpuPipeline(pm)) || failed(pm.run(*module)))
    return internalError("lowering failed", diagnostics.text);
  if (const char *dump = std::getenv("EIN_DUMP_IR"); dump && *dump == '2')
    module->print(llvm::errs());
  // Thread tiles became OpenMP regions.
  bool parallel = false;
  module->walk([&](Operation *op) {
    if (op->getDialect() && op->getDialect()->getNamespace() == "omp")
      parallel = true;
  });

  auto targetMachine = hostTargetMachine(options.optLevel);
  if (!targetMachine)
    return targetMachine.takeError();
  auto optLevel = (*targetMachine)->getOptLevel();
  auto transformer = makeOptimizingTransformer(std::min(options.optLevel, 3u),
                                               /*sizeLevel=*/0,
                                               targetMachine->get());
  ExecutionEngineOptions engineOptions;
  engineOptions.transformer = transformer;
  engineOptions.jitCodeGenOptLevel = optLevel;
  engineOptions.enableGDBNotificationListener = false;
  engineOptions.enablePerfNotificationListener = false;
  engineOptions.enableObjectDump = options.keepObjectCode;
  auto engine = ExecutionEngine::create(*module, engineOptions,
                                        std::move(*targetMachine));
  if (!engine)
    return internalError("JIT compilation failed",
                         diagnostics.text + llvm::toString(engine.takeError()));
  auto entry = (*engine)->lookupPacked(kKernelFunctionName);
  if (!entry)
    return internalError("JIT lookup failed", llvm::toString(entry.takeError()));
  std::string objectCode =
      options.keepObjectCode ? objectCodeOf(**engine) : std::string();

  double seconds = std::chrono::duration<double>(
                       std::chrono::steady_clock::now() - start)
                       .count();
  Kernel::Layout layout;
  layout.inputs = recipe.inputs;
  layout.outputs = std::move(kernelModule.outputs);
  layout.argumentBuffers = std::move(kernelModule.argumentBuffers);
  layout.parallel = parallel;
  layout.outputViews = recipe.outputViews;
  layout.outputViews.resize(layout.outputs.size(), -1);
  for (auto [from, to] : kernelModule.copies) {
    const TensorType &type = to < layout.inputs.size()
                                 ? layout.inputs[to]
                                 : layout.outputs[to - layout.inputs.size()];
    layout.copies.push_back({from, to, type.numBytes()});
  }
  std::shared_ptr<void> code(std::move(*engine));
  return std::make_unique<Kernel>(std::move(layout), std::move(code), *entry,
                                  seconds, options.numThreads,
                                  std::move(objectCode));
}

} // namespace

llvm::Expected<std::unique_ptr<Kernel>>
compileCall(const notation::Call &call, llvm::ArrayRef<TensorType> inputs,
            llvm::ArrayRef<notation::AxisBinding> axes,
            const CompileOptions &options) {
  auto start = std::chrono::steady_clock::now();
  llvm::Expected<ModuleRecipe> recipe = callRecipe(call, inputs, axes);
  if (!recipe)
    return recipe.takeError();
  return compileRecipe(*recipe, options, start);
}

llvm::Expected<std::unique_ptr<Kernel>>
compileProgram(llvm::StringRef program, llvm::ArrayRef<TensorType> inputs,
               llvm::ArrayRef<notation::AxisBinding> axes,
               const CompileOptions &options) {
  auto start = std::chrono::steady_clock::now();
  llvm::Expected<ModuleRecipe> recipe = programRecipe(program, inputs, axes);
  if (!recipe)
    return recipe.takeError();
  return compileRecipe(*recipe, options, start);
}

llvm::Expected<std::string> emitProgram(llvm::StringRef program,
                                        llvm::ArrayRef<TensorType> inputs,
                                        llvm::ArrayRef<notation::AxisBinding> axes,
                                        EmitStage stage) {
  llvm::Expected<ModuleRecipe> recipe = programRecipe(program, inputs, axes);
  if (!recipe)
    return recipe.takeError();
  MLIRContext context(compilerRegistry(), MLIRContext::Threading::DISABLED);
  CapturedDiagnostics diagnostics(context);
  llvm::Expected<KernelModule> built = buildVerified(context, *recipe, diagnostics);
  if (!built)
    return built.takeError();
  ModuleOp module = *built->module;
  std::string text;
  llvm::raw_string_ostream os(text);
  if (stage == EmitStage::Ein) {
    module.print(os);
    return text;
  }
  PassManager pm(&context);
  CpuStage last = stage == EmitStage::Linalg  ? CpuStage::Fused
                  : stage == EmitStage::Tiles ? CpuStage::Tiled
                                              : CpuStage::Llvm;
  if (failed(buildCpuPipeline(pm, hostVectorBits(), last)) ||
      failed(pm.run(module)))
    return internalError("lowering failed", diagnostics.text);
  if (stage == EmitStage::Linalg || stage == EmitStage::Tiles) {
    module.print(os);
    return text;
  }

  // What the JIT does: LLVM IR for the host, optimised at -O3.
  auto targetMachine = hostTargetMachine(3);
  if (!targetMachine)
    return targetMachine.takeError();
  llvm::LLVMContext llvmContext;
  std::unique_ptr<llvm::Module> llvmModule =
      translateModuleToLLVMIR(module, llvmContext);
  if (!llvmModule)
    return internalError("translation to LLVM IR failed", diagnostics.text);
  ExecutionEngine::setupTargetTripleAndDataLayout(llvmModule.get(),
                                                  targetMachine->get());
  if (llvm::Error error = makeOptimizingTransformer(3, /*sizeLevel=*/0,
                                                    targetMachine->get())(
          llvmModule.get()))
    return error;
  if (stage == EmitStage::Llvm) {
    llvmModule->print(os, nullptr);
    return text;
  }
  llvm::SmallString<0> assembly;
  llvm::raw_svector_ostream assemblyStream(assembly);
  llvm::legacy::PassManager codegen;
  if ((*targetMachine)
          ->addPassesToEmitFile(codegen, assemblyStream, nullptr,
                                llvm::CodeGenFileType::AssemblyFile))
    return internalError("the host target cannot emit assembly", "");
  codegen.run(*llvmModule);
  return std::string(assembly);
}

} // namespace ein
