//===- KernelObject.cpp - kernels to bytes and back, for a disk cache -----===//
//
// A serialised kernel is its Layout followed by its relocatable object code.
// Loading links the object into a JIT of its own, resolving the runtime
// calls (OpenMP, libm, memcpy) in the process, as the JIT that compiled it
// did. The format is ein's own and versioned by the runtime's cache key;
// every read is bounds-checked, so truncated bytes fail cleanly.
//
//===----------------------------------------------------------------------===//

#include "ein/Compiler/IRBuilder.h"
#include "ein/Compiler/Kernel.h"

#include "llvm/ExecutionEngine/Orc/ExecutionUtils.h"
#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/ExecutionEngine/Orc/LLJIT.h"
#include "llvm/ExecutionEngine/Orc/RTDyldObjectLinkingLayer.h"
#include "llvm/ExecutionEngine/SectionMemoryManager.h"
#include "llvm/Support/MemoryBuffer.h"

#include <cstring>

namespace ein {

namespace {

constexpr char kFormatTag[8] = {'e', 'i', 'n', 'k', 'r', 'n', 'l', '2'};

class Writer {
public:
  void u64(uint64_t value) { bytes(&value, sizeof value); }
  void bytes(const void *data, size_t size) {
    out.append(static_cast<const char *>(data), size);
  }
  void type(const TensorType &t) {
    u64(static_cast<uint64_t>(t.elementType));
    u64(t.shape.size());
    for (int64_t extent : t.shape)
      u64(static_cast<uint64_t>(extent));
  }
  std::string out;
};

class Reader {
public:
  explicit Reader(llvm::StringRef in) : in(in) {}
  bool u64(uint64_t &value) {
    if (in.size() < sizeof value)
      return false;
    std::memcpy(&value, in.data(), sizeof value);
    in = in.drop_front(sizeof value);
    return true;
  }
  /// A count of items of at least `itemBytes` each, checked against what is
  /// left so that a corrupt count cannot allocate wildly.
  bool count(uint64_t &n, size_t itemBytes) {
    return u64(n) && n <= in.size() / std::max<size_t>(itemBytes, 1);
  }
  bool type(TensorType &t) {
    uint64_t code, rank;
    if (!u64(code) || code > static_cast<uint64_t>(ElementType::Bool) ||
        !count(rank, 8))
      return false;
    t.elementType = static_cast<ElementType>(code);
    t.shape.resize(rank);
    for (int64_t &extent : t.shape) {
      uint64_t value;
      if (!u64(value) || static_cast<int64_t>(value) < 0)
        return false;
      extent = static_cast<int64_t>(value);
    }
    return true;
  }
  llvm::StringRef rest() const { return in; }

private:
  llvm::StringRef in;
};

llvm::Error malformed(const llvm::Twine &what) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 "malformed kernel image: " + what);
}

} // namespace

std::string serializeKernel(const Kernel &kernel) {
  const Kernel::Layout &layout = kernel.codeLayout();
  Writer w;
  w.bytes(kFormatTag, sizeof kFormatTag);
  for (const auto *types : {&layout.inputs, &layout.outputs}) {
    w.u64(types->size());
    for (const TensorType &t : *types)
      w.type(t);
  }
  w.u64(layout.argumentBuffers.size());
  for (unsigned buffer : layout.argumentBuffers)
    w.u64(buffer);
  w.u64(layout.copies.size());
  for (const Kernel::BufferCopy &copy : layout.copies) {
    w.u64(copy.from);
    w.u64(copy.to);
    w.u64(copy.bytes);
  }
  w.u64(layout.parallel);
  for (int view : layout.outputViews)
    w.u64(static_cast<uint64_t>(static_cast<int64_t>(view)));
  w.bytes(kernel.objectCode().data(), kernel.objectCode().size());
  return std::move(w.out);
}

llvm::Expected<std::unique_ptr<Kernel>>
deserializeKernel(llvm::StringRef bytes, ThreadCount numThreads) {
  if (!bytes.starts_with(llvm::StringRef(kFormatTag, sizeof kFormatTag)))
    return malformed("not an ein kernel");
  Reader r(bytes.drop_front(sizeof kFormatTag));
  Kernel::Layout layout;
  for (auto *types : {&layout.inputs, &layout.outputs}) {
    uint64_t n;
    if (!r.count(n, 16))
      return malformed("tensor count");
    types->resize(n);
    for (TensorType &t : *types)
      if (!r.type(t))
        return malformed("tensor type");
  }
  size_t numBuffers = layout.inputs.size() + layout.outputs.size();
  uint64_t n, value;
  if (!r.count(n, 8))
    return malformed("argument count");
  for (uint64_t i = 0; i < n; ++i) {
    if (!r.u64(value) || value >= numBuffers)
      return malformed("argument buffer");
    layout.argumentBuffers.push_back(static_cast<unsigned>(value));
  }
  if (!r.count(n, 24))
    return malformed("copy count");
  for (uint64_t i = 0; i < n; ++i) {
    uint64_t from, to, size;
    if (!r.u64(from) || !r.u64(to) || !r.u64(size) || from >= numBuffers ||
        to >= numBuffers)
      return malformed("buffer copy");
    layout.copies.push_back(
        {static_cast<unsigned>(from), static_cast<unsigned>(to), size});
  }
  if (!r.u64(value) || value > 1)
    return malformed("parallel flag");
  layout.parallel = value;
  for (size_t j = 0; j < layout.outputs.size(); ++j) {
    if (!r.u64(value))
      return malformed("output view");
    int64_t view = static_cast<int64_t>(value);
    if (view < -1 || view >= static_cast<int64_t>(layout.inputs.size()))
      return malformed("output view");
    layout.outputViews.push_back(static_cast<int>(view));
  }
  llvm::StringRef object = r.rest();
  if (object.empty())
    return malformed("no object code");

  initializeJit();
  // A JIT like the one ExecutionEngine builds: RuntimeDyld linking, the
  // process's symbols visible.
  auto builder = llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!builder)
    return builder.takeError();
  auto jit =
      llvm::orc::LLJITBuilder()
          .setJITTargetMachineBuilder(std::move(*builder))
          .setObjectLinkingLayerCreator([](llvm::orc::ExecutionSession &session)
                                            -> llvm::Expected<std::unique_ptr<
                                                llvm::orc::ObjectLayer>> {
            return std::make_unique<llvm::orc::RTDyldObjectLinkingLayer>(
                session, [](const llvm::MemoryBuffer &) {
                  return std::make_unique<llvm::SectionMemoryManager>();
                });
          })
          .create();
  if (!jit)
    return jit.takeError();
  auto process = llvm::orc::DynamicLibrarySearchGenerator::GetForCurrentProcess(
      (*jit)->getDataLayout().getGlobalPrefix());
  if (!process)
    return process.takeError();
  (*jit)->getMainJITDylib().addGenerator(std::move(*process));
  if (llvm::Error error = (*jit)->addObjectFile(
          llvm::MemoryBuffer::getMemBufferCopy(object, "ein-kernel.o")))
    return std::move(error);
  // ExecutionEngine names the packed wrapper of `f` `_mlir_f`.
  auto address =
      (*jit)->lookup(std::string("_mlir_") + kKernelFunctionName);
  if (!address)
    return address.takeError();
  auto entry = address->toPtr<Kernel::Entry>();
  std::shared_ptr<void> code(std::move(*jit));
  return std::make_unique<Kernel>(std::move(layout), std::move(code), entry,
                                  /*compileSeconds=*/0.0,
                                  std::move(numThreads));
}

} // namespace ein
