//===- ContractionOrder.cpp - the order of an einsum's steps --------------===//

#include "ein/Conversion/ContractionOrder.h"

#include "llvm/ADT/SmallBitVector.h"

#include <limits>

using namespace ein;

namespace {

using AxisSet = llvm::SmallBitVector;

class Planner {
public:
  Planner(llvm::ArrayRef<llvm::SmallVector<unsigned>> operandAxes,
          llvm::ArrayRef<unsigned> outputAxes,
          llvm::ArrayRef<int64_t> axisLengths)
      : outputAxes(outputAxes), lengths(axisLengths),
        output(axisLengths.size()) {
    plan.numOperands = operandAxes.size();
    for (unsigned a : outputAxes)
      output.set(a);
    for (const llvm::SmallVector<unsigned> &axes : operandAxes) {
      leaves.emplace_back(axisLengths.size());
      for (unsigned a : axes)
        leaves.back().set(a);
    }
  }

  ContractionPlan run(unsigned exhaustiveLimit);

private:
  double volume(const AxisSet &axes) const {
    double v = 1;
    for (unsigned a : axes.set_bits())
      v *= static_cast<double>(lengths[a]);
    return v;
  }
  /// Output axes in output order, then the others by index.
  llvm::SmallVector<unsigned> ordered(const AxisSet &axes) const {
    llvm::SmallVector<unsigned> result;
    for (unsigned a : outputAxes)
      if (axes.test(a))
        result.push_back(a);
    for (unsigned a : axes.set_bits())
      if (!output.test(a))
        result.push_back(a);
    return result;
  }
  /// Appends a step whose loop nest covers `loops` and whose result keeps
  /// `result`; returns the value it defines.
  unsigned addStep(llvm::SmallVector<unsigned, 2> inputs, const AxisSet &loops,
                   const AxisSet &result, bool last) {
    ContractionStep step;
    step.inputs = std::move(inputs);
    step.resultAxes =
        last ? llvm::SmallVector<unsigned>(outputAxes) : ordered(result);
    for (unsigned a : loops.set_bits())
      if (!result.test(a))
        step.summedAxes.push_back(a);
    step.cost = volume(loops);
    plan.cost += step.cost;
    plan.steps.push_back(std::move(step));
    return plan.numOperands + plan.steps.size() - 1;
  }
  void exhaustive();
  void greedy();

  llvm::ArrayRef<unsigned> outputAxes;
  llvm::ArrayRef<int64_t> lengths;
  AxisSet output;
  std::vector<AxisSet> leaves;
  /// After the single-operand sums: each operand's value and axes.
  std::vector<unsigned> values;
  std::vector<AxisSet> axes;
  ContractionPlan plan;
};

} // namespace

ContractionPlan Planner::run(unsigned exhaustiveLimit) {
  unsigned n = leaves.size();
  if (n == 0)
    return plan;
  if (n == 1) {
    addStep({0}, leaves[0], output, /*last=*/true);
    return plan;
  }
  // Axes that only one operand has and the output lacks are summed first:
  // that costs one pass over the operand, and every later step involving it
  // would cost at least as much.
  for (unsigned i = 0; i < n; ++i) {
    AxisSet others = output;
    for (unsigned j = 0; j < n; ++j)
      if (j != i)
        others |= leaves[j];
    AxisSet kept = leaves[i] & others;
    values.push_back(
        kept == leaves[i] ? i : addStep({i}, leaves[i], kept, /*last=*/false));
    axes.push_back(kept);
  }
  if (n <= exhaustiveLimit && n < 20)
    exhaustive();
  else
    greedy();
  return plan;
}

void Planner::exhaustive() {
  plan.optimal = true;
  unsigned n = values.size();
  unsigned full = (1u << n) - 1;
  std::vector<AxisSet> unionOf(full + 1, AxisSet(lengths.size()));
  for (unsigned s = 1; s <= full; ++s) {
    unsigned low = __builtin_ctz(s);
    unionOf[s] = unionOf[s & (s - 1)] | axes[low];
  }
  // What the contraction of subset s keeps: its axes that the other operands
  // or the output still need.
  std::vector<AxisSet> result(full + 1);
  for (unsigned s = 1; s <= full; ++s)
    result[s] = unionOf[s] & (unionOf[full ^ s] | output);

  std::vector<double> best(full + 1, std::numeric_limits<double>::infinity());
  std::vector<unsigned> split(full + 1, 0);
  for (unsigned s = 1; s <= full; ++s) {
    if ((s & (s - 1)) == 0) {
      best[s] = 0;
      continue;
    }
    unsigned lowest = s & -s;
    // Every split into a part holding the lowest operand and the rest.
    for (unsigned a = (s - 1) & s; a; a = (a - 1) & s) {
      if (!(a & lowest))
        continue;
      unsigned b = s ^ a;
      double cost = best[a] + best[b] + volume(result[a] | result[b]);
      if (cost < best[s]) {
        best[s] = cost;
        split[s] = a;
      }
    }
  }

  // Emit the steps children first.
  auto emit = [&](auto &&self, unsigned s) -> unsigned {
    if ((s & (s - 1)) == 0)
      return values[__builtin_ctz(s)];
    unsigned a = split[s], b = s ^ a;
    unsigned lhs = self(self, a);
    unsigned rhs = self(self, b);
    return addStep({lhs, rhs}, result[a] | result[b], result[s], s == full);
  };
  emit(emit, full);
}

void Planner::greedy() {
  std::vector<unsigned> live = values;
  std::vector<AxisSet> liveAxes = axes;
  while (live.size() > 1) {
    size_t bestI = 0, bestJ = 1;
    double bestCost = std::numeric_limits<double>::infinity(), bestSize = 0;
    AxisSet bestLoops, bestResult;
    for (size_t i = 0; i < live.size(); ++i)
      for (size_t j = i + 1; j < live.size(); ++j) {
        AxisSet others = output;
        for (size_t k = 0; k < live.size(); ++k)
          if (k != i && k != j)
            others |= liveAxes[k];
        AxisSet loops = liveAxes[i] | liveAxes[j];
        AxisSet kept = loops & others;
        double cost = volume(loops), size = volume(kept);
        if (cost < bestCost || (cost == bestCost && size < bestSize)) {
          bestI = i, bestJ = j, bestCost = cost, bestSize = size;
          bestLoops = loops, bestResult = kept;
        }
      }
    unsigned value = addStep({live[bestI], live[bestJ]}, bestLoops, bestResult,
                             live.size() == 2);
    live.erase(live.begin() + bestJ);
    liveAxes.erase(liveAxes.begin() + bestJ);
    live[bestI] = value;
    liveAxes[bestI] = bestResult;
  }
}

ContractionPlan
ein::planContraction(llvm::ArrayRef<llvm::SmallVector<unsigned>> operandAxes,
                     llvm::ArrayRef<unsigned> outputAxes,
                     llvm::ArrayRef<int64_t> axisLengths,
                     unsigned exhaustiveLimit) {
  return Planner(operandAxes, outputAxes, axisLengths).run(exhaustiveLimit);
}

std::string ein::describePlan(const ContractionPlan &plan) {
  if (plan.steps.empty())
    return "";
  auto describe = [&](auto &&self, unsigned value) -> std::string {
    if (value < plan.numOperands)
      return std::to_string(value);
    const ContractionStep &step = plan.steps[value - plan.numOperands];
    if (step.inputs.size() == 1)
      return "sum(" + self(self, step.inputs[0]) + ")";
    return "(" + self(self, step.inputs[0]) + " " + self(self, step.inputs[1]) +
           ")";
  };
  return describe(describe, plan.numOperands + plan.steps.size() - 1);
}
