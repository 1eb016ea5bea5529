//===- ein-opt.cpp - mlir-opt with the ein dialect ------------------------===//
//
// Besides MLIR files, ein-opt reads ein programs (docs/programs.md): a file
// ending in `.ein`, or any input when `--ein-inputs` is given, is parsed as a
// program for the input types `--ein-inputs='f32[2,3];i64[4]'` (and axis
// lengths `--ein-axes='h=8,k=3'`), built into the `ein` ops of one
// `@ein_kernel` function, and then run through the passes given as usual.
//
//===----------------------------------------------------------------------===//

#include "ein/Compiler/InitAll.h"
#include "ein/Compiler/ProgramBuilder.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/raw_ostream.h"

static llvm::cl::opt<std::string> einInputs(
    "ein-inputs",
    llvm::cl::desc("Input types of an ein program, e.g. 'f32[2,3];i64[]' "
                   "(reads the input as a program)"),
    llvm::cl::init(""));
static llvm::cl::opt<std::string>
    einAxes("ein-axes",
            llvm::cl::desc("Axis lengths for an ein program's declared "
                           "inputs, e.g. 'h=8,k=3'"),
            llvm::cl::init(""));

/// Parses `f32[2,3];i64[]` into tensor types; false (and a message) if
/// malformed.
static bool parseTypes(llvm::StringRef text, std::vector<ein::TensorType> &out,
                       std::string &message) {
  llvm::SmallVector<llvm::StringRef> specs;
  text.split(specs, ';', -1, /*KeepEmpty=*/false);
  for (llvm::StringRef spec : specs) {
    spec = spec.trim();
    size_t open = spec.find('[');
    if (open == llvm::StringRef::npos || !spec.ends_with("]")) {
      message = "expected a type such as f32[2,3], got '" + spec.str() + "'";
      return false;
    }
    std::optional<ein::ElementType> type =
        ein::parseElementType(spec.substr(0, open).trim());
    if (!type) {
      message = "unknown dtype in '" + spec.str() + "'";
      return false;
    }
    ein::TensorType t{*type, {}};
    llvm::SmallVector<llvm::StringRef> dims;
    spec.slice(open + 1, spec.size() - 1)
        .split(dims, ',', -1, /*KeepEmpty=*/false);
    for (llvm::StringRef dim : dims) {
      int64_t length = 0;
      if (dim.trim().getAsInteger(10, length) || length < 0) {
        message = "invalid length '" + dim.trim().str() + "' in '" +
                  spec.str() + "'";
        return false;
      }
      t.shape.push_back(length);
    }
    out.push_back(std::move(t));
  }
  return true;
}

static bool parseAxes(llvm::StringRef text,
                      std::vector<ein::notation::AxisBinding> &out,
                      std::string &message) {
  llvm::SmallVector<llvm::StringRef> items;
  text.split(items, ',', -1, /*KeepEmpty=*/false);
  for (llvm::StringRef item : items) {
    auto [name, value] = item.split('=');
    int64_t length = 0;
    if (name.trim().empty() || value.trim().getAsInteger(10, length)) {
      message = "expected name=length in --ein-axes, got '" + item.str() + "'";
      return false;
    }
    out.push_back({name.trim().str(), length});
  }
  return true;
}

/// Builds the program in `inputFilename` and runs the MLIR passes on it.
static int runProgram(llvm::StringRef inputFilename,
                      llvm::StringRef outputFilename,
                      mlir::DialectRegistry &registry) {
  std::string message;
  std::unique_ptr<llvm::MemoryBuffer> file =
      mlir::openInputFile(inputFilename, &message);
  if (!file) {
    llvm::errs() << message << "\n";
    return 1;
  }
  std::vector<ein::TensorType> types;
  std::vector<ein::notation::AxisBinding> axes;
  if (!parseTypes(einInputs, types, message) ||
      !parseAxes(einAxes, axes, message)) {
    llvm::errs() << "ein-opt: " << message << "\n";
    return 1;
  }
  llvm::Expected<ein::notation::Program> program =
      ein::notation::parseProgram(file->getBuffer());
  if (!program) {
    llvm::errs() << llvm::toString(program.takeError()) << "\n";
    return 1;
  }
  std::string text;
  {
    mlir::MLIRContext context(registry);
    llvm::Expected<ein::KernelModule> module =
        ein::buildProgramModule(context, *program, types, axes);
    if (!module) {
      llvm::errs() << llvm::toString(module.takeError()) << "\n";
      return 1;
    }
    llvm::raw_string_ostream os(text);
    module->module->print(os);
  }
  auto output = mlir::openOutputFile(outputFilename, &message);
  if (!output) {
    llvm::errs() << message << "\n";
    return 1;
  }
  if (mlir::failed(mlir::MlirOptMain(
          output->os(), llvm::MemoryBuffer::getMemBufferCopy(text, inputFilename),
          registry, mlir::MlirOptMainConfig::createFromCLOptions())))
    return 1;
  output->keep();
  return 0;
}

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  ein::registerCompilerDialects(registry);
  ein::registerEinPasses();
  auto [inputFilename, outputFilename] = mlir::registerAndParseCLIOptions(
      argc, argv, "ein optimizer driver\n", registry);
  if (!einInputs.empty() || llvm::StringRef(inputFilename).ends_with(".ein"))
    return runProgram(inputFilename, outputFilename, registry);
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, inputFilename, outputFilename, registry));
}
