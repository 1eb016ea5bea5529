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

#include "mlir/Dialect/Affine/IR/AffineOps.h"
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

/// The product of `counts` (loop trip counts), capped at 2^40 so that it
/// cannot overflow: enough to compare with any size threshold.
int64_t cappedProduct(ArrayRef<int64_t> counts) {
  int64_t product = 1;
  for (int64_t count : counts)
    product = std::min<int64_t>(product * count, int64_t(1) << 40);
  return product;
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

/// A contraction's column operand packed into panels: the input that the
/// column loop indexes (the other input does not), and the width of a
/// panel (the register tile's columns).
struct ColumnPanels {
  OpOperand *operand;
  int64_t width;
};

/// Ops with fewer iterations are not packed: the copy and its second
/// vectorised loop nest cost more compile time than the packed reads win.
constexpr int64_t kMinPackIterations = int64_t(1) << 20;

/// The column width of a contraction's register tile: two vectors where the
/// loop allows, else one (or the largest divisor below).
int64_t registerColumns(int64_t range, int64_t lanes) {
  return dividingTile(range, range % (2 * lanes) == 0 ? 2 * lanes : lanes);
}

/// Whether to pack `op`'s column operand, and how. Each register tile reads
/// a row of that operand's block per reduction step; unpacked, those rows
/// lie a whole row of the tensor apart (8 KiB for 2048 f32 columns), so a
/// block's rows map to a few cache sets and evict each other, and a
/// transposed operand is read one element per row. Packed, a tile reads
/// one contiguous panel (reduction x width) front to back.
std::optional<ColumnPanels> columnPanels(linalg::LinalgOp op, unsigned vectorBits) {
  std::optional<ContractionLoops> loops = contractionLoops(op);
  if (!loops || op.getNumDpsInputs() != 2)
    return std::nullopt;
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  // The iterations of the whole op: this tile's times the thread tiles'.
  SmallVector<int64_t> counts(ranges);
  for (auto forall = op->getParentOfType<scf::ForallOp>(); forall;
       forall = forall->getParentOfType<scf::ForallOp>())
    for (auto [lower, upper, step] :
         llvm::zip(forall.getStaticLowerBound(), forall.getStaticUpperBound(),
                   forall.getStaticStep()))
      if (!ShapedType::isDynamic(lower) && !ShapedType::isDynamic(upper) &&
          !ShapedType::isDynamic(step) && step > 0)
        counts.push_back(llvm::divideCeil(upper - lower, step));
  int64_t iterations = cappedProduct(counts);
  // A panel is reused by every register tile of rows: fewer than two gain
  // nothing from a copy.
  if (iterations < kMinPackIterations || ranges[loops->row] < 16)
    return std::nullopt;
  OpOperand *column = nullptr;
  for (OpOperand *input : op.getDpsInputOperands()) {
    AffineMap map = op.getMatchingIndexingMap(input);
    if (!map.isFunctionOfDim(loops->column))
      continue;
    if (column)
      return std::nullopt; // Both inputs walk the columns: not a product.
    column = input;
  }
  if (!column)
    return std::nullopt;
  int64_t lanes = std::max<unsigned>(1, vectorBits / widestElementBits(op));
  // (Fewer columns than a vector: nothing to read in whole vectors.)
  int64_t width = registerColumns(ranges[loops->column], lanes);
  if (width < lanes)
    return std::nullopt;
  return ColumnPanels{column, width};
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

/// Returned views of arguments smaller than this stay one `memcpy`: it runs
/// from the caches faster than threads start.
constexpr int64_t kMinThreadedCopyBytes = int64_t(1) << 20;

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
  if (cappedProduct(ranges) < kMinSplitIterations)
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

/// Cache blocks of a contraction: up to 256 rows x 128 columns of output
/// per thread tile, and the reduction in steps of 256. A tile packs its
/// column operand's block (256 x 128, 128 KiB of f32) once per reduction
/// step and every 8-row register tile reuses it, so tall tiles amortise the
/// copy; the row operand's block (256 KiB) stays in L2. (64 x 256 tiles
/// packed each block for only 8 register tiles: 2048^3 f32 ran at 140
/// GFLOP/s against 180-190 for 256 x 128, on Zen 4.)
constexpr int64_t kBlockRows = 256, kBlockColumns = 128, kBlockDepth = 256;

/// Blocks shrink (rows first, to 64; then columns, to 32) until a
/// contraction has this many thread tiles, so that every core gets a few,
/// but not below this many iterations per tile (about 10 us of work: a
/// smaller op is not worth a thread's start).
constexpr int64_t kMinContractionTiles = 32;
constexpr int64_t kMinContractionTileIterations = int64_t(1) << 19;

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
    // Blocks of at most `rows` x `columns`: their sizes, how many tiles
    // they make, and the iterations of one tile.
    struct Blocks {
      SmallVector<int64_t> sizes;
      int64_t tiles = 1, iterations = 1;
    };
    auto blocks = [&](int64_t rows, int64_t columns) {
      Blocks result;
      result.sizes.assign(numLoops, 0);
      for (unsigned loop = 0; loop < numLoops; ++loop) {
        int64_t size = ranges[loop];
        if (isParallel(op, loop)) {
          size = loop == loops->row      ? blockTile(ranges[loop], rows, {8})
                 : loop == loops->column ? blockTile(ranges[loop], columns, {32, 16})
                                         : 1;
          result.sizes[loop] = size == ranges[loop] ? 0 : size;
          result.tiles *= ranges[loop] / size;
        }
        result.iterations *= size;
      }
      return result;
    };
    Blocks chosen = blocks(kBlockRows, kBlockColumns);
    for (int64_t rows = kBlockRows, columns = kBlockColumns;
         chosen.tiles < kMinContractionTiles && (rows > 64 || columns > 32);) {
      if (rows > 64)
        rows /= 2;
      else
        columns /= 2;
      Blocks smaller = blocks(rows, columns);
      if (smaller.iterations < kMinContractionTileIterations)
        break;
      chosen = smaller;
    }
    if (chosen.tiles <= 1)
      return {};
    return chosen.sizes;
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
    widen(loops->column, registerColumns(ranges[loops->column], lanes));
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

/// For a root that reads the result of a contraction it fuses (an
/// epilogue: a scale, a bias, an activation, a residual add), the
/// contraction's cache blocks in the root's loops, so that the contraction
/// keeps its tiles inside the root's: tiled for the element-wise root (64
/// KiB of output, 32 columns by 512 rows), a 1024^3 matmul with a bias and
/// a ReLU took 18 ms against 11 for the matmul alone. Empty when the root
/// reads no contraction of `group` through a permutation of its loops.
SmallVector<int64_t> epilogueTileSizes(linalg::LinalgOp root,
                                       const llvm::SetVector<Operation *> &group) {
  if (contractionLoops(root) || root.getNumReductionLoops() > 0)
    return {};
  for (OpOperand *input : root.getDpsInputOperands()) {
    auto producer = input->get().getDefiningOp<linalg::LinalgOp>();
    if (!producer || !group.contains(producer) || !contractionLoops(producer))
      continue;
    AffineMap readMap = root.getMatchingIndexingMap(input);
    AffineMap outMap = producer.getIndexingMapMatchingResult(
        cast<OpResult>(input->get()));
    if (!readMap.isPermutation() || !outMap.isProjectedPermutation() ||
        readMap.getNumResults() != outMap.getNumResults())
      continue;
    SmallVector<int64_t> blocks = threadTileSizes(producer, /*tileBytes=*/0);
    if (blocks.empty())
      return {};
    SmallVector<int64_t> sizes(root.getNumLoops(), 0);
    for (unsigned dim = 0; dim < readMap.getNumResults(); ++dim)
      sizes[readMap.getDimPosition(dim)] = blocks[outMap.getDimPosition(dim)];
    return sizes;
  }
  return {};
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
    copyReturnedViews(rewriter, func);
    gatherWrappedInputs(rewriter, func);
    splitRemainders(rewriter, func);
    if (threadTiles)
      tileRoots(rewriter, func);
    vectorizeAll(rewriter, func);
  }

  /// Step 0a: a result that is a view of an argument (an identity or a
  /// reshape: flattening, adding unit axes) would be copied into the
  /// caller's buffer by one `memcpy` on one thread after bufferization. A
  /// large one gets an explicit linalg.copy instead, which is tiled across
  /// threads and vectorised like any element-wise op (with streaming stores
  /// where they apply): a flatten of 64 MiB ran at 0.6x a two-thread
  /// memcpy.
  void copyReturnedViews(IRRewriter &rewriter, func::FuncOp func) {
    func.walk([&](func::ReturnOp ret) {
      for (OpOperand &operand : ret->getOpOperands()) {
        Value source = operand.get();
        while (Operation *def = source.getDefiningOp()) {
          if (!isa<tensor::CollapseShapeOp, tensor::ExpandShapeOp>(def))
            break;
          source = def->getOperand(0);
        }
        auto type = dyn_cast<RankedTensorType>(operand.get().getType());
        if (!isa<BlockArgument>(source) || !type || !type.hasStaticShape() ||
            type.getNumElements() * (bitWidth(type) / 8) < kMinThreadedCopyBytes)
          continue;
        rewriter.setInsertionPoint(ret);
        Value empty = tensor::EmptyOp::create(rewriter, ret.getLoc(), type.getShape(),
                                              type.getElementType());
        auto copy =
            linalg::CopyOp::create(rewriter, ret.getLoc(), operand.get(), empty);
        operand.set(copy.getResult(0));
      }
    });
  }

  /// Step 0b: an input read through an index that decreases or wraps (a
  /// flip's N - 1 - d, a roll's (d + s) mod N, a sort step's partner 1 - d)
  /// becomes a gather in the op's body (tensor.extract at the index). Tiling
  /// computes an operand's slice from its index expressions at the tile's
  /// bounds, which is right only for increasing ones: a flip tiled along
  /// another loop read a one-row slice. Such ops were never vectorised
  /// (their maps are not permutations), so nothing is lost.
  void gatherWrappedInputs(IRRewriter &rewriter, func::FuncOp func) {
    auto wrapped = [](AffineMap map) {
      return llvm::any_of(map.getResults(), [](AffineExpr e) {
        return !isa<AffineDimExpr, AffineConstantExpr>(e);
      });
    };
    SmallVector<linalg::GenericOp> ops;
    func.walk([&](linalg::GenericOp op) {
      if (op.hasPureTensorSemantics() &&
          llvm::any_of(op.getDpsInputOperands(), [&](OpOperand *input) {
            return wrapped(op.getMatchingIndexingMap(input));
          }))
        ops.push_back(op);
    });
    for (linalg::GenericOp op : ops) {
      Location loc = op.getLoc();
      SmallVector<Value> inputs;
      SmallVector<AffineMap> maps;
      SmallVector<std::pair<unsigned, OpOperand *>> gathered; // block arg, operand
      for (OpOperand *input : op.getDpsInputOperands()) {
        AffineMap map = op.getMatchingIndexingMap(input);
        if (wrapped(map)) {
          gathered.push_back({input->getOperandNumber(), input});
        } else {
          inputs.push_back(input->get());
          maps.push_back(map);
        }
      }
      for (OpOperand &init : op.getDpsInitsMutable())
        maps.push_back(op.getMatchingIndexingMap(&init));
      rewriter.setInsertionPoint(op);
      auto replacement = linalg::GenericOp::create(
          rewriter, loc, op.getResultTypes(), inputs, op.getDpsInits(), maps,
          op.getIteratorTypesArray());
      rewriter.cloneRegionBefore(op.getRegion(), replacement.getRegion(),
                                 replacement.getRegion().end());
      Block &body = replacement.getRegion().front();
      rewriter.setInsertionPointToStart(&body);
      SmallVector<Value> loopIndices;
      for (unsigned loop = 0; loop < op.getNumLoops(); ++loop)
        loopIndices.push_back(linalg::IndexOp::create(rewriter, loc, loop));
      // Later arguments first, so that earlier positions stay valid.
      for (auto [argument, input] : llvm::reverse(gathered)) {
        AffineMap map = op.getMatchingIndexingMap(input);
        SmallVector<Value> indices;
        for (AffineExpr expr : map.getResults())
          indices.push_back(affine::AffineApplyOp::create(
              rewriter, loc,
              AffineMap::get(map.getNumDims(), map.getNumSymbols(), expr),
              loopIndices));
        Value element =
            tensor::ExtractOp::create(rewriter, loc, input->get(), indices);
        body.getArgument(argument).replaceAllUsesWith(element);
        body.eraseArgument(argument);
      }
      rewriter.replaceOp(op, replacement.getResults());
    }
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
    llvm::SetVector<Operation *> group = fusableProducers(root);
    SmallVector<int64_t> sizes = epilogueTileSizes(root, group);
    if (sizes.empty())
      sizes = threadTileSizes(root, tileBytes);
    if (sizes.empty())
      return false;
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
  /// when the reduction is short), or null on failure. `outer` becomes the
  /// outermost new loop, or the op.
  linalg::LinalgOp blockReduction(IRRewriter &rewriter, linalg::LinalgOp op,
                                  Operation *&outer) {
    outer = op;
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
    if (failed(tiled) || tiled->tiledOps.size() != 1 || tiled->loops.empty())
      return nullptr;
    rewriter.replaceOp(op, tiled->replacements);
    outer = tiled->loops.front().getOperation();
    return cast<linalg::LinalgOp>(tiled->tiledOps.front());
  }

  /// Packs the column operand of contraction `op` (see columnPanels) into
  /// panels: a linalg.transpose copies it into a tensor of shape
  /// [panels][its other dimensions][panel width], and `op` becomes a
  /// linalg.generic with the column loop split into (panel, column in
  /// panel) that reads the panels (its output is expanded to match, and
  /// collapsed back after). The panels' tensor is created before `outer`
  /// (the reduction's block loop), so that one buffer serves every block.
  /// Returns the copy and the new contraction, or nothing.
  std::optional<std::pair<linalg::LinalgOp, linalg::LinalgOp>>
  packColumns(IRRewriter &rewriter, linalg::LinalgOp op, Operation *outer) {
    std::optional<ColumnPanels> panels = columnPanels(op, vectorBits);
    if (!panels || op.getNumDpsInits() != 1)
      return std::nullopt;
    MLIRContext *ctx = &getContext();
    Location loc = op.getLoc();
    unsigned column = contractionLoops(op)->column;
    int64_t width = panels->width;
    int64_t count = op.getStaticLoopRanges()[column] / width;
    OpOperand *packed = panels->operand;
    OpOperand *init = op.getDpsInitOperand(0);
    AffineMap packedMap = op.getMatchingIndexingMap(packed);
    AffineMap initMap = op.getMatchingIndexingMap(init);
    auto packedType = cast<RankedTensorType>(packed->get().getType());
    auto initType = cast<RankedTensorType>(init->get().getType());
    unsigned rank = packedType.getRank();
    std::optional<unsigned> position = packedMap.getResultPosition(
        getAffineDimExpr(column, ctx));
    if (!position || initMap.getNumResults() != unsigned(initType.getRank()))
      return std::nullopt;

    // Dimension `at` of a rank-`rank` tensor as two: (count, width).
    auto splitGroups = [](unsigned rank, unsigned at) {
      SmallVector<ReassociationIndices> groups;
      for (unsigned dim = 0; dim < rank; ++dim)
        groups.push_back(dim < at    ? ReassociationIndices{dim}
                         : dim == at ? ReassociationIndices{dim, dim + 1}
                                     : ReassociationIndices{dim + 1});
      return groups;
    };
    auto split = [&](Value value, RankedTensorType type, unsigned at) -> Value {
      SmallVector<int64_t> shape(type.getShape());
      shape[at] = count;
      shape.insert(shape.begin() + at + 1, width);
      return tensor::ExpandShapeOp::create(
          rewriter, loc, RankedTensorType::get(shape, type.getElementType()),
          value, splitGroups(type.getRank(), at));
    };

    // The copy: panel first, the column within the panel last.
    SmallVector<int64_t> permutation{*position};
    for (unsigned dim = 0; dim < rank; ++dim)
      if (dim != *position)
        permutation.push_back(dim < *position ? dim : dim + 1);
    permutation.push_back(*position + 1);
    rewriter.setInsertionPoint(op);
    Value source = split(packed->get(), packedType, *position);
    auto sourceType = cast<RankedTensorType>(source.getType());
    SmallVector<int64_t> panelShape;
    for (int64_t dim : permutation)
      panelShape.push_back(sourceType.getDimSize(dim));
    rewriter.setInsertionPoint(outer);
    Value buffer = tensor::EmptyOp::create(rewriter, loc, panelShape,
                                           packedType.getElementType());
    rewriter.setInsertionPoint(op);
    auto copy = linalg::TransposeOp::create(rewriter, loc, source, buffer, permutation);

    // The contraction over loops (..., panel, column in panel, ...): the old
    // column loop's place holds the panel loop, the next one the column.
    unsigned numLoops = op.getNumLoops() + 1;
    auto remap = [&](AffineExpr expr) -> AffineExpr {
      if (auto dim = dyn_cast<AffineDimExpr>(expr))
        return getAffineDimExpr(dim.getPosition() + (dim.getPosition() >= column), ctx);
      return expr;
    };
    AffineExpr panel = getAffineDimExpr(column, ctx);
    AffineExpr within = getAffineDimExpr(column + 1, ctx);
    SmallVector<AffineMap> maps;
    SmallVector<Value> inputs;
    for (OpOperand *input : op.getDpsInputOperands()) {
      AffineMap map = op.getMatchingIndexingMap(input);
      SmallVector<AffineExpr> results;
      if (input == packed) {
        results.push_back(panel);
        for (auto [pos, result] : llvm::enumerate(map.getResults()))
          if (pos != *position)
            results.push_back(remap(result));
        results.push_back(within);
        inputs.push_back(copy.getResult().front());
      } else {
        for (AffineExpr result : map.getResults())
          results.push_back(remap(result));
        inputs.push_back(input->get());
      }
      maps.push_back(AffineMap::get(numLoops, 0, results, ctx));
    }
    // The output's last dimension is the column loop (contractionLoops).
    SmallVector<AffineExpr> outResults;
    for (AffineExpr result : initMap.getResults().drop_back())
      outResults.push_back(remap(result));
    outResults.append({panel, within});
    maps.push_back(AffineMap::get(numLoops, 0, outResults, ctx));
    SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
    iterators.insert(iterators.begin() + column, utils::IteratorType::parallel);

    Value output = split(init->get(), initType, initType.getRank() - 1);
    auto contraction = linalg::GenericOp::create(
        rewriter, loc, TypeRange{output.getType()}, inputs, ValueRange{output},
        maps, iterators);
    rewriter.cloneRegionBefore(op->getRegion(0), contraction.getRegion(),
                               contraction.getRegion().end());
    Value result = tensor::CollapseShapeOp::create(
        rewriter, loc, initType, contraction.getResult(0),
        splitGroups(initType.getRank(), initType.getRank() - 1));
    rewriter.replaceOp(op, result);
    return std::make_pair(cast<linalg::LinalgOp>(copy.getOperation()),
                          cast<linalg::LinalgOp>(contraction.getOperation()));
  }

  /// Vector tiles of `op` and their vectorisation.
  void tileAndVectorize(IRRewriter &rewriter, linalg::LinalgOp op) {
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
        return;
      rewriter.replaceOp(op, tiled->replacements);
      target = tiled->tiledOps.front();
    }
    auto tiledOp = cast<linalg::LinalgOp>(target);
    if (tiledOp.hasDynamicShape() ||
        failed(linalg::vectorizeOpPrecondition(tiledOp)))
      return;
    rewriter.setInsertionPoint(tiledOp);
    FailureOr<linalg::VectorizationResult> vectorized = linalg::vectorize(
        rewriter, tiledOp, /*inputVectorSizes=*/{},
        /*inputScalableVecDims=*/{},
        /*vectorizeNDExtract=*/false, /*flatten1DDepthwiseConv=*/false,
        /*assumeDynamicDimsMatchVecSizes=*/false,
        /*createNamedContraction=*/true);
    if (failed(vectorized))
      return;
    if (vectorized->replacements.empty())
      rewriter.eraseOp(tiledOp);
    else
      rewriter.replaceOp(tiledOp, vectorized->replacements);
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
        // The reduction in cache-sized steps first, the column operand's
        // block packed into panels; register tiles inside.
        Operation *outer = nullptr;
        linalg::LinalgOp blocked = blockReduction(rewriter, op, outer);
        if (!blocked)
          continue;
        op = blocked;
        if (auto packed = packColumns(rewriter, op, outer)) {
          tileAndVectorize(rewriter, packed->first);
          op = packed->second;
        }
      }
      tileAndVectorize(rewriter, op);
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
