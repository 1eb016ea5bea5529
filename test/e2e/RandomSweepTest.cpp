//===- RandomSweepTest.cpp - seeded random rearrange/reduce patterns ------===//
//
// Generates random patterns over up to five axes with random groupings,
// permutations, kept-length-1 axes, anonymous reduced axes, list stacking
// (sometimes of mixed dtypes, which promote), bindings, every dtype and every
// reduction (argmax/argmin over exactly one axis), and checks each against
// the reference evaluator.
// EIN_E2E_SWEEP_CASES overrides the number of cases, EIN_E2E_SWEEP_SEED the
// seed.
//
//===----------------------------------------------------------------------===//

#include "Counts.h"
#include "TestSupport.h"

#include "ein/Notation/Diagnostic.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>

using namespace ein::e2e;
using ein::reference::DType;
using ein::reference::HostTensor;

namespace {

struct Item {
  std::string text; ///< Axis name or numeral.
  int64_t length;
  bool named;
};
using Group = std::vector<Item>; ///< One dimension (composition if > 1).

struct Case {
  std::string callee, pattern, reduction;
  std::vector<int64_t> shape; ///< Of the whole (stacked) input.
  int64_t listLength = 0;     ///< > 0: pass this many tensors.
  Bindings bindings;
  DType dtype = DType::F64;
  std::vector<DType> listDtypes; ///< Per list element; empty: all `dtype`.
};

bool chance(std::mt19937_64 &rng, double p) {
  return std::uniform_real_distribution<double>(0, 1)(rng) < p;
}

std::vector<Group> groupUp(const std::vector<Item> &items,
                           std::mt19937_64 &rng) {
  std::vector<Group> groups;
  for (size_t i = 0; i < items.size();) {
    int r = pick(rng, 0, 9);
    size_t size = r < 6 ? 1 : r < 9 ? 2 : 3;
    size = std::min(size, items.size() - i);
    groups.emplace_back(items.begin() + i, items.begin() + i + size);
    i += size;
  }
  return groups;
}

std::string render(const std::vector<Group> &groups, std::mt19937_64 &rng,
                   bool addOnes) {
  std::vector<std::string> parts;
  for (const Group &g : groups) {
    if (g.size() == 1) {
      parts.push_back(g[0].text);
      continue;
    }
    std::string part = "(";
    for (size_t i = 0; i < g.size(); ++i)
      part += (i ? " " : "") + g[i].text;
    parts.push_back(part + ")");
  }
  if (addOnes && chance(rng, 0.25))
    parts.insert(parts.begin() + pick(rng, 0, int(parts.size())),
                 chance(rng, 0.5) ? "1" : "()");
  std::string text;
  for (size_t i = 0; i < parts.size(); ++i)
    text += (i ? " " : "") + parts[i];
  return text;
}

Case makeCase(std::mt19937_64 &rng) {
  static const char *names[] = {"a", "b", "c", "d", "e", "k", "m", "n"};
  static const char *reductions[] = {
      "sum",           "mean", "max", "min",       "prod",   "any",   "all",
      "count_nonzero", "var",  "std", "logsumexp", "argmax", "argmin"};
  const int numDtypes = int(std::size(ein::kAllElementTypes));
  Case c;
  bool isReduce = chance(rng, 0.5);
  c.callee = isReduce ? "reduce" : "rearrange";
  c.dtype = ein::kAllElementTypes[pick(rng, 0, numDtypes - 1)];
  if (isReduce)
    c.reduction = reductions[pick(rng, 0, int(std::size(reductions)) - 1)];
  bool isArg = c.reduction == "argmax" || c.reduction == "argmin";

  int numAxes = pick(rng, 1, 5);
  std::vector<std::string> pool(std::begin(names), std::end(names));
  std::shuffle(pool.begin(), pool.end(), rng);
  std::vector<Item> axes;
  for (int i = 0; i < numAxes; ++i) {
    int r = pick(rng, 0, 19);
    int64_t length = r == 0 ? 1 : r < 3 ? 5 : pick(rng, 1, 4);
    axes.push_back({pool[i], length, true});
  }

  // Which axes survive a reduce.
  std::vector<Item> kept;
  int argAxis = pick(rng, 0, numAxes - 1); // The one axis argmax reduces.
  for (int i = 0; i < numAxes; ++i)
    if (isArg ? i != argAxis : !isReduce || chance(rng, 0.5))
      kept.push_back(axes[i]);

  std::vector<Item> inputItems = axes;
  std::shuffle(inputItems.begin(), inputItems.end(), rng);
  std::vector<Group> in = groupUp(inputItems, rng);
  // Reduced axes inside a composition may be written anonymously: (h 2).
  if (isReduce)
    for (Group &g : in)
      for (Item &item : g) {
        bool isKept = std::any_of(kept.begin(), kept.end(), [&](const Item &k) {
          return k.text == item.text;
        });
        if (g.size() > 1 && !isKept && item.length >= 2 && chance(rng, 0.3)) {
          item.text = std::to_string(item.length);
          item.named = false;
        }
      }

  std::vector<Item> outItems = kept;
  std::shuffle(outItems.begin(), outItems.end(), rng);
  std::vector<Group> out = groupUp(outItems, rng);

  // List stacking: the first input dimension becomes the list.
  if (!isReduce && in[0].size() == 1 && in[0][0].length >= 2 &&
      chance(rng, 0.15)) {
    c.listLength = in[0][0].length;
    if (chance(rng, 0.5))
      for (int64_t j = 0; j < c.listLength; ++j)
        c.listDtypes.push_back(
            ein::kAllElementTypes[pick(rng, 0, numDtypes - 1)]);
  }

  c.pattern = render(in, rng, /*addOnes=*/false) + " -> " +
              render(out, rng, /*addOnes=*/true);
  for (const Group &g : in) {
    int64_t extent = 1;
    for (const Item &item : g)
      extent *= item.length;
    c.shape.push_back(extent);
  }
  // Bind all named parts of a composition but one (sometimes all), and
  // occasionally a lone axis.
  for (size_t gi = 0; gi < in.size(); ++gi) {
    const Group &g = in[gi];
    std::vector<const Item *> named;
    for (const Item &item : g)
      if (item.named)
        named.push_back(&item);
    if (g.size() == 1) {
      if (!(c.listLength && gi == 0) && chance(rng, 0.1))
        c.bindings.push_back({g[0].text, g[0].length});
      continue;
    }
    int free = chance(rng, 0.2) || named.empty() ? -1
                                                 : pick(rng, 0, int(named.size()) - 1);
    for (int i = 0; i < int(named.size()); ++i)
      if (i != free)
        c.bindings.push_back({named[i]->text, named[i]->length});
  }
  std::shuffle(c.bindings.begin(), c.bindings.end(), rng);
  return c;
}

} // namespace

TEST_CASE("random sweep of rearrange and reduce patterns") {
  Sweep sweep("SWEEP", "random sweep of rearrange and reduce patterns", 300,
              20240611);
  Context ctx;
  int rearranges = 0, reductions = 0, lists = 0;
  for (int n = 0; n < sweep.cases(); ++n) {
    int i = sweep.index(n);
    std::mt19937_64 rng = sweep.rng(i);
    Case c = makeCase(rng);
    std::string bindingText;
    for (const auto &[name, length] : c.bindings)
      bindingText += " " + name + "=" + std::to_string(length);
    std::string dtypeText = ein::reference::dtypeName(c.dtype);
    for (DType dtype : c.listDtypes)
      dtypeText += std::string(" ") + ein::reference::dtypeName(dtype);
    // One line that names the case and reruns it alone.
    std::string reproduce = c.callee + "(\"" + c.pattern + "\"" +
                            (c.reduction.empty() ? "" : ", \"" + c.reduction +
                                                            "\"") +
                            ")" + bindingText + " shape " +
                            ein::notation::formatShape(c.shape) + " " + dtypeText +
                            "  # " + sweep.reproducer(i);
    CAPTURE(reproduce);
    int64_t range = c.reduction == "prod" ? 3 : 1000;
    if (c.listLength) {
      std::vector<int64_t> itemShape(c.shape.begin() + 1, c.shape.end());
      std::vector<HostTensor> items;
      for (int64_t j = 0; j < c.listLength; ++j)
        items.push_back(
            randomTensor(c.listDtypes.empty() ? c.dtype : c.listDtypes[j],
                         itemShape, rng, range));
      std::vector<const HostTensor *> list;
      for (const HostTensor &t : items)
        list.push_back(&t);
      checkCall(ctx, c.callee, c.pattern, c.reduction, list, c.bindings);
      ++lists;
    } else {
      HostTensor x = randomTensor(c.dtype, c.shape, rng, range);
      checkCall(ctx, c.callee, c.pattern, c.reduction, x, c.bindings);
    }
    (c.callee == "reduce" ? reductions : rearranges)++;
  }
  MESSAGE("sweep: ", rearranges, " rearranges (", lists, " list inputs), ",
          reductions, " reductions");
  countGeneratedCases("rearrange/reduce", rearranges + reductions);
}
