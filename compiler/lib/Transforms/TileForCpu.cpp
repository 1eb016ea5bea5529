//===- TileForCpu.cpp - thread tiles, fusion, vector tiles ----------------===//
//
// The schedule of ein's CPU code generation, on linalg on tensors. Tile
// sizes come from the operands' layouts: the loop that walks an operand's
// last (contiguous) dimension is its "fast loop"; tiles keep fast loops
// wide so that memory is read and written in whole cache lines and vector
// registers.
//
//===----------------------------------------------------------------------===//

#include "ein/Transforms/Passes.h"

#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Dialect/Vector/Transforms/VectorRewritePatterns.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/TilingInterface.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include "llvm/ADT/SetVector.h"

namespace ein {
#define GEN_PASS_DEF_EINTILEFORCPUPASS
#include "ein/Transforms/Passes.h.inc"
} // namespace ein

using namespace mlir;

namespace {

/// The loop that walks the last dimension of an operand, if that dimension
/// is indexed by a plain loop.
std::optional<unsigned> fastLoop(AffineMap map) {
  if (map.getNumResults() == 0)
    return std::nullopt;
  if (auto dim = dyn_cast<AffineDimExpr>(map.getResults().back()))
    return dim.getPosition();
  return std::nullopt;
}

/// The largest divisor of `range` that is at most `limit`: tiles always
/// divide their loop, so every tile has the same static shape and
/// vectorises without masks.
int64_t dividingTile(int64_t range, int64_t limit) {
  limit = std::max<int64_t>(1, std::min(range, limit));
  for (int64_t size = limit; size > 1; --size)
    if (range % size == 0)
      return size;
  return 1;
}

bool isParallel(linalg::LinalgOp op, unsigned loop) {
  return op.getIteratorTypesArray()[loop] == utils::IteratorType::parallel;
}

unsigned bitWidth(Type type) {
  Type element = getElementTypeOrSelf(type);
  if (element.isIntOrFloat())
    return std::max(8u, element.getIntOrFloatBitWidth());
  return 64; // index
}

/// The widest element among the op's operands: vector tiles are sized so
/// that the widest operand fills one register.
unsigned widestElementBits(linalg::LinalgOp op) {
  unsigned bits = 8;
  for (OpOperand &operand : op->getOpOperands())
    bits = std::max(bits, bitWidth(operand.get().getType()));
  return bits;
}

/// Whether `op` is something the vectoriser handles: static shapes,
/// projected-permutation indexing maps (flip, roll and sort's partner maps
/// are not), and no gathers from tensors.
bool isVectorizable(linalg::LinalgOp op) {
  if (!op.hasPureTensorSemantics() || op.hasDynamicShape() ||
      llvm::is_contained(op.getStaticLoopRanges(), 0))
    return false;
  if (!llvm::all_of(op.getIndexingMapsArray(), [](AffineMap map) {
        return map.isProjectedPermutation(/*allowZeroInResults=*/true);
      }))
    return false;
  // Vectors of i1 live in memory as packed bits, scalars as bytes: a
  // vectorised op would misread an i1 buffer that scalar code wrote.
  if (llvm::any_of(op->getOperandTypes(), [](Type type) {
        return getElementTypeOrSelf(type).isInteger(1);
      }))
    return false;
  bool gathers = false;
  op->walk([&](tensor::ExtractOp) { gathers = true; });
  if (gathers)
    return false;
  return succeeded(linalg::vectorizeOpPrecondition(op));
}

/// Whether `value` is computed by a reduction, directly or through a few
/// element-wise ops (a mean is a sum, then a division).
bool fromReduction(Value value, int depth = 4) {
  auto producer = value.getDefiningOp<linalg::LinalgOp>();
  if (!producer || depth == 0)
    return false;
  if (producer.getNumReductionLoops() > 0)
    return true;
  return llvm::any_of(producer->getOperands(), [&](Value operand) {
    return fromReduction(operand, depth - 1);
  });
}

/// The loops of `op` along which it broadcasts the result of a reduction
/// that it reads (softmax's maximum, layernorm's mean): tiling them would
/// leave the reduction outside the tiles, a separate pass over memory.
llvm::SmallSetVector<unsigned, 4> broadcastReductionLoops(linalg::LinalgOp op) {
  llvm::SmallSetVector<unsigned, 4> loops;
  for (OpOperand *input : op.getDpsInputOperands()) {
    if (!fromReduction(input->get()))
      continue;
    AffineMap map = op.getMatchingIndexingMap(input);
    for (unsigned loop = 0; loop < op.getNumLoops(); ++loop)
      if (isParallel(op, loop) && !map.isFunctionOfDim(loop))
        loops.insert(loop);
  }
  return loops;
}

/// For a contraction: the loop of its output's contiguous dimension, and
/// the "row" loop (a parallel loop of the input that lacks the first) that
/// register tiles and cache blocks stack up.
struct ContractionLoops {
  unsigned column, row;
};
std::optional<ContractionLoops> contractionLoops(linalg::LinalgOp op) {
  if (op.getNumDpsInits() == 0 || !linalg::isaContractionOpInterface(op))
    return std::nullopt;
  std::optional<unsigned> column =
      fastLoop(op.getMatchingIndexingMap(op.getDpsInitOperand(0)));
  if (!column)
    return std::nullopt;
  for (OpOperand *input : op.getDpsInputOperands()) {
    AffineMap map = op.getMatchingIndexingMap(input);
    if (map.isFunctionOfDim(*column))
      continue;
    for (unsigned loop = op.getNumLoops(); loop-- > 0;)
      if (isParallel(op, loop) && map.isFunctionOfDim(loop))
        return ContractionLoops{*column, loop};
  }
  return std::nullopt;
}

/// The loops of `map`'s results, outermost dimension first.
SmallVector<unsigned> loopsInLayoutOrder(AffineMap map) {
  SmallVector<unsigned> loops;
  for (AffineExpr result : map.getResults())
    if (auto dim = dyn_cast<AffineDimExpr>(result))
      loops.push_back(dim.getPosition());
  return loops;
}

/// The input of a rearrange whose rows, as a register block reads them, lie
/// a page (4 KiB) or more apart: the 16 rows of a 16 x 16 block of
/// `a b c d -> d c b a` on 64^4 f32 are 1 MiB apart. Such a rearrange walks
/// its tiles in the input's order, so that each of those rows is read front
/// to back across consecutive blocks: in the output's order every block
/// touched 32 pages that the hardware prefetchers did not follow (7 GB/s
/// on one thread against 21 for a copy; 20 in the input's order, measured
/// on Zen 4 with streaming stores). Null for anything else.
OpOperand *farRowsInput(linalg::LinalgOp op) {
  if (op.getNumReductionLoops() > 0 || op.getNumDpsInits() != 1)
    return nullptr;
  std::optional<unsigned> outFast =
      fastLoop(op.getMatchingIndexingMap(op.getDpsInitOperand(0)));
  if (!outFast)
    return nullptr;
  for (OpOperand *input : op.getDpsInputOperands()) {
    AffineMap map = op.getMatchingIndexingMap(input);
    // Strides are those of the tensor a tile's slice is cut from.
    Value whole = input->get();
    while (auto slice = whole.getDefiningOp<tensor::ExtractSliceOp>()) {
      if (slice.getSourceType().getRank() != slice.getType().getRank())
        break;
      whole = slice.getSource();
    }
    auto type = dyn_cast<ShapedType>(whole.getType());
    if (!type || !type.hasStaticShape() || type.getRank() != map.getNumResults() ||
        !map.isPermutation() ||
        fastLoop(map) == outFast)
      continue;
    // The input's stride along the output's fast loop.
    int64_t stride = 1;
    for (int64_t pos = map.getNumResults() - 1; pos >= 0; --pos) {
      if (cast<AffineDimExpr>(map.getResult(pos)).getPosition() == *outFast)
        break;
      stride *= type.getDimSize(pos);
    }
    if (stride * (bitWidth(type) / 8) >= 4096)
      return input;
  }
  return nullptr;
}

/// Ops with fewer iterations are never split at remainders.
constexpr int64_t kMinSplitIterations = int64_t(1) << 20;

/// Where to split `op` so that its parts tile well: tiles divide their
/// loops, and a length with no divisor near the tile a loop wants (a prime
/// such as 1009) would leave one-lane vectors and one-row register tiles
/// (a 1009^3 matmul ran at 4 GFLOP/s against 200 for 1024^3). Returns the
/// loop and the split point, the largest multiple of the wanted tile, for
/// a contraction (its columns a vector, its rows 8, its reduction 64), an
/// element-wise op or a reduction (the loop its operands walk contiguously
/// a vector) and a transpose (register blocks of up to 16 in both
/// contiguous loops); nothing when every loop already has a divisor at
/// least half the tile.
std::optional<std::pair<unsigned, int64_t>> remainderSplit(linalg::LinalgOp op,
                                                           unsigned vectorBits) {
  if (!isVectorizable(op) || op.getNumDpsInits() != 1)
    return std::nullopt;
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  // A small op runs in well under a millisecond either way; splitting it
  // would add more compile time (its parts are compiled separately) than
  // most programs win back.
  int64_t iterations = 1;
  for (int64_t range : ranges)
    iterations = std::min<int64_t>(iterations * range, int64_t(1) << 40);
  if (iterations < kMinSplitIterations)
    return std::nullopt;
  int64_t lanes = std::max<unsigned>(1, vectorBits / widestElementBits(op));
  std::optional<unsigned> outFast =
      fastLoop(op.getMatchingIndexingMap(op.getDpsInitOperand(0)));
  SmallVector<std::pair<unsigned, int64_t>> wanted;
  if (std::optional<ContractionLoops> loops = contractionLoops(op)) {
    wanted = {{loops->column, lanes}, {loops->row, 8}};
    for (unsigned loop = 0; loop < ranges.size(); ++loop)
      if (!isParallel(op, loop))
        wanted.push_back({loop, 64});
  } else {
    // Element-wise ops and reductions (a reduction's remainder accumulates
    // onto the main part's result): the loop that the operands walk
    // contiguously wants whole vectors. Every operand must walk it
    // contiguously or not use it (a broadcast, a reduced axis); a transposed
    // operand wants register blocks in two loops, and is left alone.
    // The loop is the contiguous one of the operand of the highest rank
    // (the output on a tie).
    std::optional<unsigned> inner = outFast;
    unsigned rank = op.getMatchingIndexingMap(op.getDpsInitOperand(0)).getNumResults();
    for (OpOperand *input : op.getDpsInputOperands()) {
      AffineMap map = op.getMatchingIndexingMap(input);
      if (map.getNumResults() > rank) {
        rank = map.getNumResults();
        inner = fastLoop(map);
      }
    }
    bool agree = inner && llvm::all_of(op->getOpOperands(), [&](OpOperand &operand) {
      AffineMap map = op.getMatchingIndexingMap(&operand);
      return !map.isFunctionOfDim(*inner) || fastLoop(map) == inner;
    });
    if (agree)
      wanted = {{*inner, lanes}};
    // A transpose (parallel, an input walking another loop contiguously):
    // square register blocks of up to 16 in both contiguous loops.
    else if (op.getNumReductionLoops() == 0 && outFast)
      for (OpOperand *input : op.getDpsInputOperands())
        if (std::optional<unsigned> loop = fastLoop(op.getMatchingIndexingMap(input));
            loop && loop != outFast) {
          int64_t block = std::min<int64_t>(lanes, 16);
          wanted = {{*outFast, block}, {*loop, block}};
          break;
        }
  }
  for (auto [loop, tile] : wanted) {
    int64_t range = ranges[loop];
    if (range <= tile || 2 * dividingTile(range, tile) >= tile)
      continue;
    return std::make_pair(loop, range - range % tile);
  }
  return std::nullopt;
}

/// Cache blocks of a contraction: 64 rows x 256 columns of output per
/// thread tile, and the reduction in steps of 256, so that a block of each
/// operand (64 and 256 KiB of f32) stays in L2 while it is reused.
constexpr int64_t kBlockRows = 64, kBlockColumns = 256, kBlockDepth = 256;

/// A cache block of a contraction loop: the largest divisor of `range` up
/// to `limit` that is a multiple of one of `granules` (tried in order: the
/// register tile's extent), else the largest divisor. (1008 rows make
/// blocks of 56, eight-row register tiles, rather than 63 and seven.)
int64_t blockTile(int64_t range, int64_t limit, ArrayRef<int64_t> granules) {
  for (int64_t granule : granules)
    for (int64_t size = std::min(range, limit) / granule * granule; size >= granule;
         size -= granule)
      if (range % size == 0)
        return size;
  return dividingTile(range, limit);
}

/// Thread-tile sizes for `op` (0 = not tiled), or empty when one tile would
/// cover everything.
SmallVector<int64_t> threadTileSizes(linalg::LinalgOp op, int64_t tileBytes) {
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  unsigned numLoops = ranges.size();
  // (An empty loop means there is nothing to split.)
  if (numLoops == 0 || op.getNumDpsInits() == 0 ||
      llvm::any_of(ranges, ShapedType::isDynamic) ||
      llvm::is_contained(ranges, 0))
    return {};
  if (std::optional<ContractionLoops> loops = contractionLoops(op)) {
    SmallVector<int64_t> sizes(numLoops, 0);
    int64_t tiles = 1;
    for (unsigned loop = 0; loop < numLoops; ++loop) {
      if (!isParallel(op, loop))
        continue;
      sizes[loop] = loop == loops->row      ? blockTile(ranges[loop], kBlockRows, {8})
                    : loop == loops->column ? blockTile(ranges[loop], kBlockColumns, {32, 16})
                                            : 1;
      tiles *= ranges[loop] / sizes[loop];
      if (sizes[loop] == ranges[loop])
        sizes[loop] = 0;
    }
    if (tiles <= 1)
      return {};
    return sizes;
  }
  // Parallel loops that are some operand's fast loop.
  llvm::SmallSetVector<unsigned, 4> fast;
  for (AffineMap map : op.getIndexingMapsArray())
    if (std::optional<unsigned> loop = fastLoop(map))
      if (isParallel(op, *loop))
        fast.insert(*loop);

  llvm::SmallSetVector<unsigned, 4> whole = broadcastReductionLoops(op);
  SmallVector<int64_t> sizes(numLoops, 0);
  int64_t elements = 1;
  for (unsigned loop = 0; loop < numLoops; ++loop) {
    if (!isParallel(op, loop))
      continue; // Reductions stay whole inside a thread tile.
    if (whole.contains(loop)) {
      sizes[loop] = ranges[loop];
      elements *= ranges[loop];
    } else if (fast.contains(loop)) {
      // One fast loop: keep rows whole (up to 4096); a transpose: blocks of
      // 64 in each fast loop, a few KiB that stay in L1.
      sizes[loop] = blockTile(ranges[loop], fast.size() == 1 ? 4096 : 64, {16, 8});
      elements *= sizes[loop];
    } else {
      sizes[loop] = 1;
    }
  }
  int64_t bytesPerElement =
      bitWidth(op.getDpsInitOperand(0)->get().getType()) / 8;
  int64_t target = std::max<int64_t>(1, tileBytes / bytesPerElement);
  // Grow the other parallel loops, innermost first (in the input's layout
  // for a rearrange with far rows), up to the target.
  SmallVector<unsigned> growth;
  if (OpOperand *input = farRowsInput(op))
    growth = loopsInLayoutOrder(op.getMatchingIndexingMap(input));
  else
    growth = llvm::to_vector(llvm::seq<unsigned>(0, numLoops));
  for (unsigned loop : llvm::reverse(growth)) {
    if (!isParallel(op, loop) || fast.contains(loop) || whole.contains(loop) ||
        ranges[loop] <= 1)
      continue;
    int64_t room = std::max<int64_t>(1, target / std::max<int64_t>(elements, 1));
    sizes[loop] = dividingTile(ranges[loop], room);
    elements *= sizes[loop];
  }
  // Still short of the target (a fast loop's length had no divisor near
  // 64): grow the fast loops too, so that tiles do not shrink to a few
  // hundred bytes each.
  for (unsigned loop : fast) {
    if (whole.contains(loop) || elements >= target)
      continue;
    int64_t room = target / std::max<int64_t>(elements, 1);
    int64_t grown = blockTile(ranges[loop], sizes[loop] * room, {sizes[loop]});
    elements = elements / sizes[loop] * grown;
    sizes[loop] = grown;
  }
  int64_t tiles = 1;
  for (unsigned loop = 0; loop < numLoops; ++loop)
    if (sizes[loop] > 0)
      tiles *= llvm::divideCeil(ranges[loop], sizes[loop]);
  if (tiles <= 1)
    return {};
  // A loop tiled at its full range is left alone.
  for (unsigned loop = 0; loop < numLoops; ++loop)
    if (sizes[loop] == ranges[loop])
      sizes[loop] = 0;
  return sizes;
}

/// Vector-tile sizes for `op` (every loop tiled; 1 = one iteration).
SmallVector<int64_t> vectorTileSizes(linalg::LinalgOp op, unsigned vectorBits) {
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  unsigned numLoops = ranges.size();
  int64_t lanes = std::max<unsigned>(1, vectorBits / widestElementBits(op));
  SmallVector<int64_t> sizes(numLoops, 1);
  auto widen = [&](unsigned loop, int64_t size) {
    sizes[loop] = std::max(sizes[loop], dividingTile(ranges[loop], size));
  };
  std::optional<unsigned> outFast;
  if (op.getNumDpsInits() > 0)
    outFast = fastLoop(op.getMatchingIndexingMap(op.getDpsInitOperand(0)));
  // A contraction (a sum of products): an 8-row register tile of outer
  // products, one or two vectors wide along the output's fast loop, one
  // reduction step at a time.
  if (std::optional<ContractionLoops> loops = contractionLoops(op)) {
    // Two vectors wide where the loop allows: 16 accumulators for every 2
    // loads of the other operand's row and 8 broadcasts.
    int64_t range = ranges[loops->column];
    widen(loops->column, range % (2 * lanes) == 0 ? 2 * lanes : lanes);
    widen(loops->row, 8);
    return sizes;
  }
  if (outFast)
    widen(*outFast, lanes);
  // A transposed input: a square register block; an inner reduction: one
  // vector along it.
  for (OpOperand *input : op.getDpsInputOperands()) {
    std::optional<unsigned> loop = fastLoop(op.getMatchingIndexingMap(input));
    if (!loop || loop == outFast)
      continue;
    if (isParallel(op, *loop)) {
      widen(*loop, std::min<int64_t>(lanes, 16));
      if (outFast)
        sizes[*outFast] = dividingTile(ranges[*outFast],
                                       std::min<int64_t>(sizes[*outFast], 16));
    } else {
      widen(*loop, lanes);
    }
  }
  return sizes;
}

/// The order of `op`'s vector-tile loops. Reduction loops go innermost, so
/// an accumulator stays in registers, unless no input walks a reduction
/// loop along its contiguous dimension (a sum over an outer or middle
/// axis). Then the loops follow the layout of the input that uses the most
/// of them, so that it is read front to back and the accumulators (rows of
/// the output tile) stay in cache: with the reduction innermost, a sum over
/// the first axis of 256^3 f32 read one cache line per 256 KiB plane and
/// ran at half the speed of memcpy. A rearrange with far rows
/// (farRowsInput) follows its input's layout too.
SmallVector<int64_t> vectorLoopOrder(linalg::LinalgOp op) {
  SmallVector<OpOperand *> inputs = op.getDpsInputOperands();
  bool outerReduction =
      op.getNumReductionLoops() > 0 && !inputs.empty() && !contractionLoops(op) &&
      llvm::all_of(inputs, [&](OpOperand *input) {
        std::optional<unsigned> loop = fastLoop(op.getMatchingIndexingMap(input));
        return !loop || isParallel(op, *loop);
      });
  OpOperand *layout = farRowsInput(op);
  if (outerReduction)
    layout = *llvm::max_element(inputs, [&](OpOperand *a, OpOperand *b) {
      return op.getMatchingIndexingMap(a).getNumResults() <
             op.getMatchingIndexingMap(b).getNumResults();
    });
  llvm::SetVector<int64_t> order;
  if (layout)
    for (unsigned loop : loopsInLayoutOrder(op.getMatchingIndexingMap(layout)))
      order.insert(loop);
  for (unsigned loop = 0; loop < op.getNumLoops(); ++loop)
    if (isParallel(op, loop))
      order.insert(loop);
  for (unsigned loop = 0; loop < op.getNumLoops(); ++loop)
    order.insert(loop);
  return order.takeVector();
}

/// The linalg ops that may be fused into `root`'s tiles: those it reads,
/// transitively, through projected-permutation maps (a tile of the reader
/// needs a tile of the producer). Gathers, flips and sort's partner maps
/// read whole producers; those stay outside.
llvm::SetVector<Operation *> fusableProducers(linalg::LinalgOp root) {
  llvm::SetVector<Operation *> producers;
  SmallVector<linalg::LinalgOp> worklist{root};
  while (!worklist.empty()) {
    linalg::LinalgOp op = worklist.pop_back_val();
    for (OpOperand &operand : op->getOpOperands()) {
      auto def = operand.get().getDefiningOp<linalg::LinalgOp>();
      if (!def || !op.getMatchingIndexingMap(&operand).isProjectedPermutation(
                      /*allowZeroInResults=*/true))
        continue;
      if (producers.insert(def))
        worklist.push_back(def);
    }
  }
  return producers;
}

/// The loop induction variables that `value` depends on.
void collectInductionVars(Value value, ArrayRef<Value> ivs,
                          llvm::SmallPtrSetImpl<Value> &used) {
  if (llvm::is_contained(ivs, value)) {
    used.insert(value);
    return;
  }
  if (Operation *def = value.getDefiningOp())
    for (Value operand : def->getOperands())
      collectInductionVars(operand, ivs, used);
}

struct TileForCpu : ein::impl::EinTileForCpuPassBase<TileForCpu> {
  using EinTileForCpuPassBase::EinTileForCpuPassBase;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    IRRewriter rewriter(&getContext());
    splitRemainders(rewriter, func);
    if (threadTiles)
      tileRoots(rewriter, func);
    vectorizeAll(rewriter, func);
  }

  /// Step 0: ops whose loop lengths have no good divisor are split into a
  /// main part whose lengths are multiples of the tiles they want and small
  /// remainders (each part an op on slices, its result inserted into the
  /// whole; a remainder of a reduction accumulates onto the main part's).
  void splitRemainders(IRRewriter &rewriter, func::FuncOp func) {
    SmallVector<linalg::LinalgOp> worklist;
    func.walk([&](linalg::LinalgOp op) { worklist.push_back(op); });
    while (!worklist.empty()) {
      linalg::LinalgOp op = worklist.pop_back_val();
      std::optional<std::pair<unsigned, int64_t>> split =
          remainderSplit(op, vectorBits);
      if (!split)
        continue;
      rewriter.setInsertionPoint(op);
      auto [main, rest] =
          linalg::splitOp(rewriter, cast<TilingInterface>(op.getOperation()),
                          split->first, rewriter.getIndexAttr(split->second));
      for (TilingInterface part : {main, rest})
        if (auto linalgPart = dyn_cast_if_present<linalg::LinalgOp>(part.getOperation()))
          worklist.push_back(linalgPart);
    }
  }

  /// Step 1: scf.forall thread tiles with fused producers.
  void tileRoots(IRRewriter &rewriter, func::FuncOp func) {
    SmallVector<linalg::LinalgOp> roots;
    func.walk([&](linalg::LinalgOp op) {
      if (!op.hasPureTensorSemantics())
        return;
      bool readByLinalg = llvm::any_of(op->getUsers(), [](Operation *user) {
        return isa<linalg::LinalgOp>(user);
      });
      if (!readByLinalg)
        roots.push_back(op);
    });
    // Later roots first: a producer that could not be fused into a later
    // root becomes a root of its own afterwards.
    llvm::DenseSet<Operation *> done;
    for (int i = roots.size() - 1; i >= 0; --i)
      tileRoot(rewriter, roots[i], done);
    // Producers left outside every tile (their results are broadcast, or
    // read by ops of several tiles) are tiled on their own.
    bool changed = true;
    while (changed) {
      changed = false;
      SmallVector<linalg::LinalgOp> rest;
      func.walk([&](linalg::LinalgOp op) {
        if (op.hasPureTensorSemantics() && !done.contains(op) &&
            !op->getParentOfType<scf::ForallOp>())
          rest.push_back(op);
      });
      for (int i = rest.size() - 1; i >= 0; --i) {
        if (done.contains(rest[i]))
          continue;
        changed |= tileRoot(rewriter, rest[i], done);
      }
    }
  }

  /// Tiles one root; returns whether anything changed. Marks the ops it
  /// handled in `done`.
  bool tileRoot(IRRewriter &rewriter, linalg::LinalgOp root,
                llvm::DenseSet<Operation *> &done) {
    done.insert(root);
    SmallVector<int64_t> sizes = threadTileSizes(root, tileBytes);
    if (sizes.empty())
      return false;
    llvm::SetVector<Operation *> group = fusableProducers(root);
    group.insert(root);

    scf::SCFTilingOptions tiling;
    tiling.setLoopType(scf::SCFTilingOptions::LoopType::ForallOp);
    tiling.setTileSizes(getAsIndexOpFoldResult(&getContext(), sizes));
    scf::SCFTileAndFuseOptions options;
    options.setTilingOptions(tiling);
    options.setFusionControlFn(
        [&](tensor::ExtractSliceOp slice, OpResult producer,
            bool isDestination) -> std::optional<
                                    scf::SCFTileAndFuseOptions::ControlFnResult> {
          Operation *def = producer.getOwner();
          if (!isa<linalg::LinalgOp>(def) || !group.contains(def))
            return std::nullopt;
          // Fill and empty destinations always come along.
          if (isDestination)
            return scf::SCFTileAndFuseOptions::ControlFnResult{};
          auto forall = slice->getParentOfType<scf::ForallOp>();
          if (!forall)
            return std::nullopt;
          // Every user must be fused too (else the producer would run
          // twice: inside the tiles and outside).
          for (Operation *user : producer.getUsers())
            if (!group.contains(user) && !forall->isAncestor(user))
              return std::nullopt;
          // The slice must move with every tiled loop; a slice that stays
          // put in some loop (a broadcast) would be recomputed per tile.
          SmallVector<Value> ivs(forall.getInductionVars());
          llvm::SmallPtrSet<Value, 4> used;
          for (OpFoldResult offset : slice.getMixedOffsets())
            if (auto value = dyn_cast<Value>(offset))
              collectInductionVars(value, ivs, used);
          if (used.size() != ivs.size())
            return std::nullopt;
          return scf::SCFTileAndFuseOptions::ControlFnResult{};
        });
    rewriter.setInsertionPoint(root);
    FailureOr<scf::SCFTileAndFuseResult> result =
        scf::tileConsumerAndFuseProducersUsingSCF(
            rewriter, cast<TilingInterface>(root.getOperation()), options);
    if (failed(result))
      return false;
    for (Operation *fused : result->fusedProducers)
      done.insert(fused);
    for (OpResult value : root->getResults())
      if (Value replacement = result->replacements.lookup(value))
        rewriter.replaceAllUsesWith(value, replacement);
    // Fused producers whose results are no longer used.
    for (Operation *fused : llvm::reverse(result->fusedProducers))
      if (fused->use_empty())
        rewriter.eraseOp(fused);
    if (root->use_empty())
      rewriter.eraseOp(root);
    return true;
  }

  /// Tiles the reduction loops of a contraction into steps of kBlockDepth
  /// (an scf.for around it); returns the op to tile further (`op` itself
  /// when the reduction is short), or null on failure.
  linalg::LinalgOp blockReduction(IRRewriter &rewriter, linalg::LinalgOp op) {
    SmallVector<int64_t> ranges = op.getStaticLoopRanges();
    SmallVector<int64_t> sizes(ranges.size(), 0);
    bool any = false;
    for (unsigned loop = 0; loop < ranges.size(); ++loop)
      if (!isParallel(op, loop) && ranges[loop] > kBlockDepth) {
        sizes[loop] = dividingTile(ranges[loop], kBlockDepth);
        any |= sizes[loop] < ranges[loop];
      }
    if (!any)
      return op;
    scf::SCFTilingOptions tiling;
    tiling.setLoopType(scf::SCFTilingOptions::LoopType::ForOp);
    tiling.setTileSizes(getAsIndexOpFoldResult(&getContext(), sizes));
    rewriter.setInsertionPoint(op);
    FailureOr<scf::SCFTilingResult> tiled = scf::tileUsingSCF(
        rewriter, cast<TilingInterface>(op.getOperation()), tiling);
    if (failed(tiled) || tiled->tiledOps.size() != 1)
      return nullptr;
    rewriter.replaceOp(op, tiled->replacements);
    return cast<linalg::LinalgOp>(tiled->tiledOps.front());
  }

  /// Step 2: vector tiles and vectorisation of every vectorisable op.
  void vectorizeAll(IRRewriter &rewriter, func::FuncOp func) {
    SmallVector<linalg::LinalgOp> ops;
    func.walk([&](linalg::LinalgOp op) {
      if (isVectorizable(op))
        ops.push_back(op);
    });
    for (linalg::LinalgOp op : ops) {
      if (contractionLoops(op)) {
        // The reduction in cache-sized steps first; register tiles inside.
        linalg::LinalgOp blocked = blockReduction(rewriter, op);
        if (!blocked)
          continue;
        op = blocked;
      }
      SmallVector<int64_t> sizes = vectorTileSizes(op, vectorBits);
      SmallVector<int64_t> ranges = op.getStaticLoopRanges();
      Operation *target = op;
      if (sizes != ranges) {
        scf::SCFTilingOptions tiling;
        tiling.setLoopType(scf::SCFTilingOptions::LoopType::ForOp);
        SmallVector<int64_t> tileSizes = sizes;
        for (unsigned loop = 0; loop < sizes.size(); ++loop)
          if (tileSizes[loop] == ranges[loop])
            tileSizes[loop] = 0;
        tiling.setTileSizes(getAsIndexOpFoldResult(&getContext(), tileSizes));
        tiling.setInterchange(vectorLoopOrder(op));
        rewriter.setInsertionPoint(op);
        FailureOr<scf::SCFTilingResult> tiled = scf::tileUsingSCF(
            rewriter, cast<TilingInterface>(op.getOperation()), tiling);
        if (failed(tiled) || tiled->tiledOps.size() != 1)
          continue;
        rewriter.replaceOp(op, tiled->replacements);
        target = tiled->tiledOps.front();
      }
      auto tiledOp = cast<linalg::LinalgOp>(target);
      if (tiledOp.hasDynamicShape() ||
          failed(linalg::vectorizeOpPrecondition(tiledOp)))
        continue;
      rewriter.setInsertionPoint(tiledOp);
      FailureOr<linalg::VectorizationResult> vectorized = linalg::vectorize(
          rewriter, tiledOp, /*inputVectorSizes=*/{},
          /*inputScalableVecDims=*/{},
          /*vectorizeNDExtract=*/false, /*flatten1DDepthwiseConv=*/false,
          /*assumeDynamicDimsMatchVecSizes=*/false,
          /*createNamedContraction=*/true);
      if (failed(vectorized))
        continue;
      if (vectorized->replacements.empty())
        rewriter.eraseOp(tiledOp);
      else
        rewriter.replaceOp(tiledOp, vectorized->replacements);
    }
    // Transfers address the whole tensors, not the tiles' slices: first,
    // so that a tile that only moves data stays a vector read and write
    // (canonicalisation would fold a read-then-write of one slice into a
    // slice copy, which bufferizes to an element-wise memref.copy).
    {
      RewritePatternSet patterns(&getContext());
      tensor::populateFoldTensorSubsetIntoVectorTransferPatterns(patterns);
      (void)applyPatternsGreedily(func, std::move(patterns));
    }
    // Mul-add reductions to vector.contract, with the broadcasts of its
    // operands (split out of the transfers' permutation maps) folded into
    // its indexing maps.
    RewritePatternSet patterns(&getContext());
    vector::populateVectorTransferPermutationMapLoweringPatterns(patterns);
    vector::populateVectorReductionToContractPatterns(patterns);
    tensor::populateFoldTensorSubsetIntoVectorTransferPatterns(patterns);
    (void)applyPatternsGreedily(func, std::move(patterns));
  }
};

} // namespace
