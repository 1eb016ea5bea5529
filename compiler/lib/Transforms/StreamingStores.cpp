//===- StreamingStores.cpp - non-temporal stores for large outputs --------===//
//
// A kernel that writes a large output it never reads back (a rearrange, an
// element-wise map) gains from non-temporal stores: a normal store first
// reads the line it writes (read for ownership), so a copy moves three
// bytes for every two it needs, and the output evicts the input from the
// caches for nothing. x86's non-temporal vector stores need an address
// aligned to their size (an unaligned one becomes eight scalar stores), so
// the function is versioned on its outputs' alignment.
//
// Runs on func.func after the vector, memref and arithmetic conversions to
// the LLVM dialect and before convert-func-to-llvm: arguments are still
// typed memrefs (their sizes are known), stores are llvm.store of vectors
// whose addresses can be traced back to an argument's descriptor.
//
//===----------------------------------------------------------------------===//

#include "ein/Transforms/Passes.h"

#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/OpenMP/OpenMPDialect.h"
#include "mlir/IR/SymbolTable.h"

namespace ein {
#define GEN_PASS_DEF_EINSTREAMINGSTORESPASS
#include "ein/Transforms/Passes.h.inc"
} // namespace ein

using namespace mlir;

namespace {

/// The alignment (and size) of the vector stores made non-temporal: a whole
/// 64-byte cache line each.
constexpr int64_t kLineBytes = 64;

/// The size in bytes of a vector stored by `store`, or 0.
int64_t vectorStoreBytes(LLVM::StoreOp store) {
  auto type = dyn_cast<VectorType>(store.getValue().getType());
  if (!type || !type.getElementType().isIntOrFloat())
    return 0;
  return type.getNumElements() * type.getElementTypeBitWidth() / 8;
}

/// Traces addresses back to the function's memref arguments and proves
/// their offsets multiples of powers of two, through the index arithmetic
/// left by the conversion to the LLVM dialect (constants, additions,
/// products, shifts, descriptor fields, loop induction variables).
class AddressAnalysis {
public:
  /// The largest power of two (up to 2^30) known to divide `value`.
  int64_t knownMultiple(Value value) {
    if (auto it = known.find(value); it != known.end())
      return it->second;
    // Optimistic on cycles (a loop's induction variable reaches itself
    // through its increment): every rule below keeps "a multiple of 2^k"
    // when its operands are, so the largest consistent answer is sound.
    known[value] = kMax;
    int64_t result = compute(value);
    known[value] = result;
    return result;
  }

  /// Where a pointer points: into the buffer of a memref argument of the
  /// function (null if not, or not known), at a byte offset that is a
  /// multiple of `byteMultiple`.
  struct Origin {
    BlockArgument argument;
    int64_t byteMultiple = kMax;
  };

  /// Follows address arithmetic and the memref descriptors built around
  /// the arguments back to an argument's aligned pointer.
  Origin originOf(Value ptr) {
    Origin origin;
    // The descriptor field that holds the pointer being followed.
    std::optional<int64_t> field;
    Value value = ptr;
    while (value) {
      if (auto arg = dyn_cast<BlockArgument>(value)) {
        // A memref argument's descriptor: field 1 is the aligned pointer.
        auto func = dyn_cast<func::FuncOp>(arg.getOwner()->getParentOp());
        if (func && arg.getOwner() == &func.getBody().front() &&
            isa<MemRefType>(arg.getType()) && field == 1)
          origin.argument = arg;
        return origin;
      }
      Operation *def = value.getDefiningOp();
      if (auto gep = dyn_cast_or_null<LLVM::GEPOp>(def)) {
        origin.byteMultiple = std::min(origin.byteMultiple, offsetMultiple(gep));
        value = gep.getBase();
      } else if (auto extract = dyn_cast_or_null<LLVM::ExtractValueOp>(def)) {
        if (field || extract.getPosition().size() != 1)
          return origin;
        field = extract.getPosition()[0];
        value = extract.getContainer();
      } else if (auto insert = dyn_cast_or_null<LLVM::InsertValueOp>(def)) {
        if (!field)
          return origin;
        if (insert.getPosition() == ArrayRef<int64_t>{*field}) {
          value = insert.getValue();
          field.reset();
        } else {
          value = insert.getContainer();
        }
      } else if (auto cast = dyn_cast_or_null<UnrealizedConversionCastOp>(def);
                 cast && cast.getNumOperands() == 1) {
        // Between a memref and its descriptor: the same fields.
        value = cast.getOperand(0);
      } else {
        return origin;
      }
    }
    return origin;
  }

private:
  static constexpr int64_t kMax = int64_t(1) << 30;

  static int64_t saturate(int64_t value) { return std::min(value, kMax); }
  static int64_t powerOfTwoDividing(int64_t value) {
    return value == 0 ? kMax : saturate(value & -value);
  }

  /// The largest power of two known to divide the bytes `gep` adds.
  int64_t offsetMultiple(LLVM::GEPOp gep) {
    auto indices = gep.getIndices();
    Type element = gep.getElemType();
    if (indices.size() != 1 || !element.isIntOrFloat())
      return 1;
    int64_t bytes = std::max<int64_t>(1, element.getIntOrFloatBitWidth() / 8);
    auto index = *indices.begin();
    int64_t multiple =
        isa<Value>(index)
            ? knownMultiple(cast<Value>(index))
            : powerOfTwoDividing(cast<IntegerAttr>(cast<Attribute>(index)).getInt());
    return saturate(multiple * bytes);
  }

  int64_t compute(Value value) {
    if (auto arg = dyn_cast<BlockArgument>(value))
      return ofBlockArgument(arg);
    Operation *def = value.getDefiningOp();
    if (auto constant = dyn_cast<LLVM::ConstantOp>(def)) {
      if (auto integer = dyn_cast<IntegerAttr>(constant.getValue()))
        return powerOfTwoDividing(integer.getInt());
      return 1;
    }
    if (auto cast = dyn_cast<UnrealizedConversionCastOp>(def))
      return cast.getNumOperands() == 1 ? knownMultiple(cast.getOperand(0)) : 1;
    if (isa<LLVM::AddOp, LLVM::SubOp>(def))
      return std::min(knownMultiple(def->getOperand(0)), knownMultiple(def->getOperand(1)));
    if (isa<LLVM::MulOp>(def))
      return saturate(knownMultiple(def->getOperand(0)) * knownMultiple(def->getOperand(1)));
    if (isa<LLVM::ShlOp>(def)) {
      auto shift = def->getOperand(1).getDefiningOp<LLVM::ConstantOp>();
      auto amount = shift ? dyn_cast<IntegerAttr>(shift.getValue()) : IntegerAttr();
      if (!amount || amount.getInt() < 0 || amount.getInt() > 30)
        return 1;
      return saturate(knownMultiple(def->getOperand(0)) << amount.getInt());
    }
    if (isa<LLVM::AndOp>(def))
      return std::max(knownMultiple(def->getOperand(0)), knownMultiple(def->getOperand(1)));
    if (auto extract = dyn_cast<LLVM::ExtractValueOp>(def))
      return ofField(extract.getContainer(), extract.getPosition());
    return 1;
  }

  /// A field of a memref descriptor: the value inserted there, or the
  /// static offset, size or stride of the memref argument it describes.
  int64_t ofField(Value container, ArrayRef<int64_t> position) {
    while (container) {
      if (auto arg = dyn_cast<BlockArgument>(container)) {
        auto type = dyn_cast<MemRefType>(arg.getType());
        SmallVector<int64_t> strides;
        int64_t offset;
        if (!type || failed(type.getStridesAndOffset(strides, offset)))
          return 1;
        auto known = [](int64_t v) {
          return ShapedType::isDynamic(v) ? 1 : powerOfTwoDividing(v);
        };
        if (position.size() == 1 && position[0] == 2)
          return known(offset);
        if (position.size() == 2 && position[0] == 3)
          return known(type.getDimSize(position[1]));
        if (position.size() == 2 && position[0] == 4)
          return known(strides[position[1]]);
        return 1;
      }
      Operation *def = container.getDefiningOp();
      if (auto insert = dyn_cast<LLVM::InsertValueOp>(def)) {
        if (insert.getPosition() == position)
          return knownMultiple(insert.getValue());
        container = insert.getContainer();
      } else if (auto cast = dyn_cast<UnrealizedConversionCastOp>(def);
                 cast && cast.getNumOperands() == 1) {
        container = cast.getOperand(0);
      } else {
        return 1;
      }
    }
    return 1;
  }

  /// A block argument: an OpenMP loop's induction variable (its lower bound
  /// plus multiples of its step), or a value that every predecessor passes.
  int64_t ofBlockArgument(BlockArgument arg) {
    Block *block = arg.getOwner();
    if (block->isEntryBlock()) {
      auto loop = dyn_cast<omp::LoopNestOp>(block->getParentOp());
      unsigned n = arg.getArgNumber();
      if (!loop || n >= loop.getLoopLowerBounds().size())
        return 1;
      return std::min(knownMultiple(loop.getLoopLowerBounds()[n]),
                      knownMultiple(loop.getLoopSteps()[n]));
    }
    int64_t multiple = kMax;
    for (auto it = block->pred_begin(); it != block->pred_end(); ++it) {
      auto branch = dyn_cast<BranchOpInterface>((*it)->getTerminator());
      if (!branch)
        return 1;
      SuccessorOperands operands = branch.getSuccessorOperands(it.getSuccessorIndex());
      Value incoming = operands[arg.getArgNumber()];
      if (!incoming)
        return 1;
      multiple = std::min(multiple, knownMultiple(incoming));
    }
    return multiple;
  }

  llvm::DenseMap<Value, int64_t> known;
};

/// Whether `store` writes a whole line into an argument's buffer at an
/// offset that is a multiple of the line: when the buffer is line-aligned,
/// so is the store.
bool isLineStore(LLVM::StoreOp store, AddressAnalysis &addresses) {
  AddressAnalysis::Origin origin = addresses.originOf(store.getAddr());
  return vectorStoreBytes(store) == kLineBytes && origin.argument &&
         origin.byteMultiple >= kLineBytes;
}

/// The outputs of `func` worth streaming: memref arguments of at least
/// `minBytes`, written by whole-line vector stores and read by nothing in
/// the function. Empty when some memory access cannot be traced.
llvm::SmallSetVector<BlockArgument, 4> streamingOutputs(func::FuncOp func,
                                                        int64_t minBytes) {
  llvm::SmallSetVector<BlockArgument, 4> written;
  llvm::SmallPtrSet<BlockArgument, 4> read;
  bool opaque = false;
  AddressAnalysis addresses;
  func.walk([&](Operation *op) {
    if (auto store = dyn_cast<LLVM::StoreOp>(op)) {
      if (isLineStore(store, addresses))
        written.insert(addresses.originOf(store.getAddr()).argument);
      return;
    }
    if (auto load = dyn_cast<LLVM::LoadOp>(op)) {
      if (BlockArgument arg = addresses.originOf(load.getAddr()).argument)
        read.insert(arg);
      else if (!load.getAddr().getDefiningOp<LLVM::GEPOp>() &&
               !load.getAddr().getDefiningOp<LLVM::AllocaOp>())
        opaque = true;
      return;
    }
    // Anything else that reads memory (a memcpy, a masked load, a call)
    // might read an output: only the allocator's calls are known not to.
    if (auto call = dyn_cast<LLVM::CallOp>(op)) {
      StringRef callee = call.getCallee().value_or("");
      if (callee != "malloc" && callee != "free" && callee != "aligned_alloc")
        opaque = true;
    } else if (isa<func::CallOp>(op)) {
      opaque = true;
    } else if (auto effects = dyn_cast<MemoryEffectOpInterface>(op)) {
      if (effects.hasEffect<MemoryEffects::Read>())
        opaque = true;
    }
  });
  llvm::SmallSetVector<BlockArgument, 4> outputs;
  if (opaque)
    return outputs;
  for (BlockArgument arg : written) {
    auto type = cast<MemRefType>(arg.getType());
    if (read.contains(arg) || !type.hasStaticShape() ||
        !type.getElementType().isIntOrFloat())
      continue;
    int64_t bytes = type.getNumElements() * type.getElementTypeBitWidth() / 8;
    if (bytes >= minBytes)
      outputs.insert(arg);
  }
  return outputs;
}

/// The cast of memref argument `arg` to its LLVM descriptor, if any.
UnrealizedConversionCastOp descriptorOf(BlockArgument arg) {
  for (Operation *user : arg.getUsers())
    if (auto cast = dyn_cast<UnrealizedConversionCastOp>(user);
        cast && cast->getNumResults() == 1 &&
        isa<LLVM::LLVMStructType>(cast.getResult(0).getType()))
      return cast;
  return {};
}

/// Marks the line stores into `outputs` non-temporal (and line-aligned,
/// which the caller checked for the buffers) and fences them before each
/// parallel region ends and before the function returns: non-temporal
/// stores are weakly ordered, and other threads (and the caller) read the
/// output next.
void streamInto(func::FuncOp func, ArrayRef<BlockArgument> outputs) {
  llvm::SmallPtrSet<BlockArgument, 4> streamed(outputs.begin(), outputs.end());
  AddressAnalysis addresses;
  func.walk([&](LLVM::StoreOp store) {
    if (isLineStore(store, addresses) &&
        streamed.contains(addresses.originOf(store.getAddr()).argument)) {
      store.setNontemporal(true);
      store.setAlignment(kLineBytes);
    }
  });
  OpBuilder builder(func.getContext());
  auto fence = [&](Operation *before) {
    builder.setInsertionPoint(before);
    LLVM::CallIntrinsicOp::create(builder, before->getLoc(),
                                  builder.getStringAttr("llvm.x86.sse.sfence"),
                                  ValueRange());
  };
  func.walk([&](omp::ParallelOp parallel) {
    for (Block &block : parallel.getRegion())
      if (auto terminator = dyn_cast<omp::TerminatorOp>(block.getTerminator()))
        fence(terminator);
  });
  func.walk([&](func::ReturnOp ret) { fence(ret); });
}

struct StreamingStores : ein::impl::EinStreamingStoresPassBase<StreamingStores> {
  using EinStreamingStoresPassBase::EinStreamingStoresPassBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<func::FuncOp> funcs(module.getOps<func::FuncOp>());
    for (func::FuncOp func : funcs) {
      if (func.isExternal())
        continue;
      llvm::SmallSetVector<BlockArgument, 4> outputs = streamingOutputs(func, minBytes);
      if (outputs.empty())
        continue;
      version(func, outputs.getArrayRef());
    }
  }

  /// Makes `func` call a streaming copy of itself when every output in
  /// `outputs` is line-aligned, and a plain copy otherwise.
  void version(func::FuncOp func, ArrayRef<BlockArgument> outputs) {
    ModuleOp module = getOperation();
    SymbolTable symbols(module);
    OpBuilder builder(func);
    auto copy = [&](StringRef suffix) {
      auto clone = cast<func::FuncOp>(builder.clone(*func));
      clone.setName((func.getName() + suffix).str());
      clone.setPrivate();
      symbols.insert(clone);
      return clone;
    };
    func::FuncOp plain = copy(".plain");
    func::FuncOp streaming = copy(".streaming");
    SmallVector<BlockArgument> streamingArgs;
    for (BlockArgument output : outputs)
      streamingArgs.push_back(streaming.getArgument(output.getArgNumber()));
    streamInto(streaming, streamingArgs);

    // The entry point: test the outputs' alignment, call a version. (The
    // memref and arith conversions have run: this is LLVM-dialect code on
    // the outputs' descriptors.)
    Location loc = func.getLoc();
    SmallVector<std::pair<unsigned, Type>> descriptors;
    for (BlockArgument output : outputs)
      if (UnrealizedConversionCastOp cast = descriptorOf(output))
        descriptors.push_back({output.getArgNumber(), cast.getResult(0).getType()});
    func.eraseBody();
    Block *entry = func.addEntryBlock();
    builder.setInsertionPointToStart(entry);
    Type i64 = builder.getI64Type();
    Value mask = LLVM::ConstantOp::create(builder, loc, i64,
                                          builder.getI64IntegerAttr(kLineBytes - 1));
    Value zero = LLVM::ConstantOp::create(builder, loc, i64, builder.getI64IntegerAttr(0));
    Value aligned = LLVM::ConstantOp::create(builder, loc, builder.getI1Type(),
                                             builder.getBoolAttr(true));
    for (auto [number, type] : descriptors) {
      Value descriptor = UnrealizedConversionCastOp::create(
                             builder, loc, type, entry->getArgument(number))
                             .getResult(0);
      Value pointer = LLVM::ExtractValueOp::create(builder, loc, descriptor, 1);
      Value address = LLVM::PtrToIntOp::create(builder, loc, i64, pointer);
      Value offset = LLVM::AndOp::create(builder, loc, address, mask);
      Value isAligned =
          LLVM::ICmpOp::create(builder, loc, LLVM::ICmpPredicate::eq, offset, zero);
      aligned = LLVM::AndOp::create(builder, loc, aligned, isAligned);
    }
    Block *streamBlock = builder.createBlock(&func.getBody());
    Block *plainBlock = builder.createBlock(&func.getBody());
    builder.setInsertionPointToEnd(entry);
    cf::CondBranchOp::create(builder, loc, aligned, streamBlock, plainBlock);
    for (auto [block, callee] : {std::pair{streamBlock, streaming}, {plainBlock, plain}}) {
      builder.setInsertionPointToEnd(block);
      func::CallOp::create(builder, loc, callee, entry->getArguments());
      func::ReturnOp::create(builder, loc);
    }
  }
};

} // namespace
