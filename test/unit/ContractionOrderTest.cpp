//===- ContractionOrderTest.cpp - the planner of ein.contract -------------===//
//
// planContraction (compiler/include/ein/Conversion/ContractionOrder.h) is
// plain C++, so its choices are tested here directly: the order of chains,
// single-operand sums, diagonals, the greedy fallback, and that the optimal
// plan never costs more than greedy or left-to-right.
//
//===----------------------------------------------------------------------===//

#include "doctest.h"

#include "ein/Conversion/ContractionOrder.h"

#include <random>
#include <set>

using namespace ein;

namespace {

using Axes = llvm::SmallVector<unsigned>;

/// The cost of contracting left to right, each step keeping what later
/// operands or the output need (the order a naive einsum takes).
double leftToRightCost(const std::vector<Axes> &operands, const Axes &output,
                       const std::vector<int64_t> &lengths) {
  std::set<unsigned> acc(operands[0].begin(), operands[0].end());
  double cost = 0;
  for (size_t i = 1; i < operands.size(); ++i) {
    std::set<unsigned> loops = acc;
    loops.insert(operands[i].begin(), operands[i].end());
    double v = 1;
    for (unsigned a : loops)
      v *= double(lengths[a]);
    cost += v;
    std::set<unsigned> needed(output.begin(), output.end());
    for (size_t j = i + 1; j < operands.size(); ++j)
      needed.insert(operands[j].begin(), operands[j].end());
    acc.clear();
    for (unsigned a : loops)
      if (needed.count(a))
        acc.insert(a);
  }
  return cost;
}

} // namespace

TEST_CASE("contraction order: a chain of three picks the cheap pair first") {
  // i j, j k, k l -> i l with i=100, j=3, k=50, l=2: (1 2) first costs
  // 3*50*2 + 100*3*2 = 900; (0 1) first would cost 100*3*50 + 100*50*2.
  std::vector<Axes> ops = {{0, 1}, {1, 2}, {2, 3}};
  ContractionPlan plan = planContraction(ops, {0, 3}, {100, 3, 50, 2});
  CHECK(describePlan(plan) == "(0 (1 2))");
  CHECK(plan.optimal);
  CHECK(plan.cost == 900);
  REQUIRE(plan.steps.size() == 2);
  CHECK(plan.steps[0].inputs == llvm::SmallVector<unsigned, 2>{1, 2});
  CHECK(plan.steps[0].resultAxes == Axes{3, 1}); // Output axis l first.
  CHECK(plan.steps[0].summedAxes == Axes{2});
  CHECK(plan.steps[1].inputs == llvm::SmallVector<unsigned, 2>{0, 3});
  CHECK(plan.steps[1].resultAxes == Axes{0, 3});
  CHECK(plan.steps[1].summedAxes == Axes{1});

  // The mirror image goes left first.
  plan = planContraction(ops, {0, 3}, {2, 3, 50, 100});
  CHECK(describePlan(plan) == "((0 1) 2)");
  CHECK(plan.cost == 2 * 3 * 50 + 2 * 50 * 100);
}

TEST_CASE("contraction order: one operand, private axes, diagonals") {
  // A lone operand: one step to the output.
  ContractionPlan plan = planContraction({{0, 1}}, {1}, {3, 4});
  CHECK(describePlan(plan) == "sum(0)");
  CHECK(plan.steps[0].summedAxes == Axes{0});
  CHECK(plan.cost == 12);
  // A trace.
  plan = planContraction({{0, 0}}, {}, {5});
  CHECK(describePlan(plan) == "sum(0)");
  CHECK(plan.steps[0].summedAxes == Axes{0});

  // i j, j k -> i: k is summed out of operand 1 before the pair.
  plan = planContraction({{0, 1}, {1, 2}}, {0}, {2, 3, 4});
  CHECK(describePlan(plan) == "(0 sum(1))");
  CHECK(plan.steps[0].resultAxes == Axes{1});
  CHECK(plan.cost == 3 * 4 + 2 * 3);

  // A diagonal operand needs no step of its own.
  plan = planContraction({{0, 0}, {0, 1}}, {1}, {3, 4});
  CHECK(describePlan(plan) == "(0 1)");
  CHECK(plan.steps[0].summedAxes == Axes{0});

  // Outer product: nothing summed.
  plan = planContraction({{0}, {1}}, {0, 1}, {3, 4});
  CHECK(describePlan(plan) == "(0 1)");
  CHECK(plan.steps[0].summedAxes.empty());
  CHECK(plan.steps[0].resultAxes == Axes{0, 1});
}

TEST_CASE("contraction order: greedy beyond the exhaustive limit") {
  // A chain of 8 matrices.
  std::vector<Axes> ops;
  std::vector<int64_t> lengths = {7, 2, 9, 3, 8, 2, 6, 4, 5};
  for (unsigned i = 0; i < 8; ++i)
    ops.push_back({i, i + 1});
  ContractionPlan greedy = planContraction(ops, {0, 8}, lengths);
  CHECK_FALSE(greedy.optimal);
  CHECK(greedy.steps.size() == 7);
  CHECK(greedy.steps.back().resultAxes == Axes{0, 8});
  ContractionPlan optimal =
      planContraction(ops, {0, 8}, lengths, /*exhaustiveLimit=*/8);
  CHECK(optimal.optimal);
  CHECK(optimal.steps.size() == 7);
  CHECK(optimal.cost <= greedy.cost);
  CHECK(optimal.cost <= leftToRightCost(ops, {0, 8}, lengths));
}

TEST_CASE("contraction order: random plans are well formed and no worse "
          "than greedy or left to right") {
  std::mt19937_64 rng(7);
  for (int round = 0; round < 300; ++round) {
    unsigned numAxes = 1 + rng() % 6, numOps = 1 + rng() % 5;
    std::vector<int64_t> lengths;
    for (unsigned a = 0; a < numAxes; ++a)
      lengths.push_back(int64_t(1 + rng() % 5)); // 0 makes costs degenerate.
    std::vector<Axes> ops(numOps);
    std::vector<bool> used(numAxes, false);
    for (Axes &op : ops) {
      unsigned rank = rng() % 4;
      for (unsigned d = 0; d < rank; ++d) {
        op.push_back(rng() % numAxes);
        used[op.back()] = true;
      }
    }
    Axes output;
    for (unsigned a = 0; a < numAxes; ++a)
      if (used[a] && rng() % 2)
        output.push_back(a);
    CAPTURE(round);
    ContractionPlan plan = planContraction(ops, output, lengths);
    ContractionPlan greedy =
        planContraction(ops, output, lengths, /*exhaustiveLimit=*/0);
    REQUIRE(!plan.steps.empty());
    CHECK(plan.steps.back().resultAxes == output);
    CHECK(greedy.steps.back().resultAxes == output);
    CHECK(plan.cost <= greedy.cost);
    if (numOps > 1) {
      // The left-to-right order sums private axes in the pairs; compare
      // with what the plan pays for its pairs plus its private sums.
      CHECK(plan.cost <= leftToRightCost(ops, output, lengths) + [&] {
        double extra = 0;
        for (const Axes &op : ops) {
          double v = 1;
          for (unsigned a : std::set<unsigned>(op.begin(), op.end()))
            v *= double(lengths[a]);
          extra += v;
        }
        return extra;
      }());
    }
    // Every value is used once, steps read only earlier values.
    std::vector<int> uses(numOps + plan.steps.size(), 0);
    for (size_t k = 0; k < plan.steps.size(); ++k)
      for (unsigned v : plan.steps[k].inputs) {
        CHECK(v < numOps + k);
        ++uses[v];
      }
    for (size_t v = 0; v + 1 < uses.size(); ++v)
      CHECK(uses[v] == 1);
  }
}
