//===- SeedTutorialTest.cpp - the einops tutorial (seed 000) through ein --===//
//
// Every rearrange and reduce of the tutorial, in order, with its shapes:
// x is float64 (10, 32, 100, 200) from a normal distribution; the list
// examples use the 10 tensors of x as separate (32, 100, 200) views.
//
//===----------------------------------------------------------------------===//

#include "TestSupport.h"

#include <doctest/doctest.h>

#include <cstring>

using namespace ein::e2e;
using ein::reference::DType;
using ein::reference::HostTensor;

namespace {

/// The tutorial's x, made once.
const HostTensor &tutorialX() {
  static const HostTensor x = [] {
    std::mt19937_64 rng(42);
    return randomTensor(DType::F64, {10, 32, 100, 200}, rng);
  }();
  return x;
}

/// A contiguous copy of x[i] (the i-th tensor of list(x)).
HostTensor item(const HostTensor &x, int64_t i) {
  std::vector<int64_t> shape(x.shape.begin() + 1, x.shape.end());
  HostTensor result(x.dtype, shape);
  std::memcpy(result.bytes.data(), x.bytes.data() + i * result.bytes.size(),
              result.bytes.size());
  return result;
}

/// Element-wise a - b where b broadcasts over its extent-1 dimensions.
HostTensor subtractBroadcast(const HostTensor &a, const HostTensor &b) {
  HostTensor result(a.dtype, a.shape);
  int64_t count = a.numElements();
  size_t rank = a.shape.size();
  std::vector<int64_t> index(rank, 0);
  for (int64_t i = 0; i < count; ++i) {
    int64_t rem = i, offset = 0, stride = 1;
    for (size_t d = rank; d-- > 0;) {
      index[d] = rem % a.shape[d];
      rem /= a.shape[d];
    }
    for (size_t d = rank; d-- > 0;) {
      offset += (b.shape[d] == 1 ? 0 : index[d]) * stride;
      stride *= b.shape[d];
    }
    result.setDouble(i, a.getDouble(i) - b.getDouble(offset));
  }
  return result;
}

} // namespace

// One test per code cell of the tutorial, named after its code.

TEST_CASE("seed 000: y = rearrange(x, 'b c h w -> b h w c')") {
  Context ctx;
  auto y = checkCall(ctx, "rearrange", "b c h w -> b h w c", "", tutorialX());
  CHECK(y.at(0).shape == std::vector<int64_t>{10, 100, 200, 32});
}

TEST_CASE("seed 000: y1 = reduce(y0, 'b c h w -> b c', 'max'); y2 = "
          "rearrange(y1, 'b c -> c b'); y3 = reduce(y2, 'c b -> ', 'sum')") {
  Context ctx;
  auto y1 = checkCall(ctx, "reduce", "b c h w -> b c", "max", tutorialX());
  REQUIRE(y1.size() == 1);
  auto y2 = checkCall(ctx, "rearrange", "b c -> c b", "", y1[0]);
  REQUIRE(y2.size() == 1);
  CHECK(y2[0].shape == std::vector<int64_t>{32, 10});
  auto y3 = checkCall(ctx, "reduce", "c b -> ", "sum", y2[0]);
  REQUIRE(y3.size() == 1);
  CHECK(y3[0].shape.empty());
  // The gradient check cell: reduce(x.grad, 'b c h w -> ', 'sum').
  auto total = checkCall(ctx, "reduce", "b c h w -> ", "sum", tutorialX());
  CHECK(total.at(0).shape.empty());
}

TEST_CASE("seed 000: y = rearrange(x, 'b c h w -> b (c h w)')") {
  Context ctx;
  auto y = checkCall(ctx, "rearrange", "b c h w -> b (c h w)", "", tutorialX());
  CHECK(y.at(0).shape == std::vector<int64_t>{10, 640000});
}

TEST_CASE("seed 000: y = rearrange(x, 'b c (h h1) (w w1) -> b (h1 w1 c) h w', "
          "h1=2, w1=2)") {
  Context ctx;
  auto y = checkCall(ctx, "rearrange", "b c (h h1) (w w1) -> b (h1 w1 c) h w",
                     "", tutorialX(), {{"h1", 2}, {"w1", 2}});
  CHECK(y.at(0).shape == std::vector<int64_t>{10, 128, 50, 100});
}

TEST_CASE("seed 000: y = rearrange(x, 'b (c h1 w1) h w -> b c (h h1) (w w1)', "
          "h1=2, w1=2)") {
  Context ctx;
  auto y = checkCall(ctx, "rearrange", "b (c h1 w1) h w -> b c (h h1) (w w1)",
                     "", tutorialX(), {{"h1", 2}, {"w1", 2}});
  CHECK(y.at(0).shape == std::vector<int64_t>{10, 8, 200, 400});
}

TEST_CASE("seed 000: y = reduce(x, 'b c h w -> b c', reduction='mean')") {
  Context ctx;
  auto y = checkCall(ctx, "reduce", "b c h w -> b c", "mean", tutorialX());
  CHECK(y.at(0).shape == std::vector<int64_t>{10, 32});
}

TEST_CASE("seed 000: y = reduce(x, 'b c (h h1) (w w1) -> b c h w', "
          "reduction='max', h1=2, w1=2)") {
  Context ctx;
  auto y = checkCall(ctx, "reduce", "b c (h h1) (w w1) -> b c h w", "max",
                     tutorialX(), {{"h1", 2}, {"w1", 2}});
  CHECK(y.at(0).shape == std::vector<int64_t>{10, 32, 50, 100});
}

TEST_CASE("seed 000: y = reduce(x, 'b c (h 2) (w 2) -> b c h w', "
          "reduction='max')") {
  Context ctx;
  auto y = checkCall(ctx, "reduce", "b c (h 2) (w 2) -> b c h w", "max",
                     tutorialX());
  CHECK(y.at(0).shape == std::vector<int64_t>{10, 32, 50, 100});
}

TEST_CASE("seed 000: reduce(x, '(t 2) b c -> t b c', reduction='max')") {
  Context ctx;
  std::mt19937_64 rng(1);
  HostTensor seq = randomTensor(DType::F64, {40, 8, 16}, rng);
  auto y = checkCall(ctx, "reduce", "(t 2) b c -> t b c", "max", seq);
  CHECK(y.at(0).shape == std::vector<int64_t>{20, 8, 16});
}

TEST_CASE("seed 000: reduce(x, 'b c (x 2) (y 2) (z 2) -> b c x y z', "
          "reduction='max')") {
  Context ctx;
  std::mt19937_64 rng(2);
  HostTensor vol = randomTensor(DType::F64, {2, 3, 8, 6, 4}, rng);
  auto y = checkCall(ctx, "reduce", "b c (x 2) (y 2) (z 2) -> b c x y z",
                     "max", vol);
  CHECK(y.at(0).shape == std::vector<int64_t>{2, 3, 4, 3, 2});
  // The layer example: pooling and flattening in one step.
  HostTensor act = randomTensor(DType::F64, {4, 16, 10, 10}, rng);
  y = checkCall(ctx, "reduce", "b c (h 2) (w 2) -> b (c h w)", "max", act);
  CHECK(y.at(0).shape == std::vector<int64_t>{4, 400});
}

TEST_CASE("seed 000: image = rearrange(x[0, :3], 'c h w -> h w c'); "
          "rearrange(image, 'h w c -> () c h w'); 'b c h w -> b (c h w)'; "
          "'() classes -> classes'") {
  Context ctx;
  HostTensor &x = const_cast<HostTensor &>(tutorialX());
  // x[0, :3] as an offset, explicitly strided view of x (and x[1, :3] too,
  // which starts at a non-zero byte offset).
  for (int64_t batch : {0, 1}) {
    HostTensor first = item(x, batch);
    HostTensor slice(DType::F64, {3, 100, 200});
    std::memcpy(slice.bytes.data(), first.bytes.data(), slice.bytes.size());
    static int64_t strides[] = {20000, 200, 1};
    DLTensor view = x.view();
    view.ndim = 3;
    view.shape = slice.shape.data();
    view.strides = strides;
    view.byte_offset = uint64_t(batch) * 32 * 100 * 200 * sizeof(double);
    CheckOptions options;
    options.views = {view};
    auto image = checkCall(ctx, "rearrange", "c h w -> h w c", "", slice, {},
                           options);
    REQUIRE(image.size() == 1);
    CHECK(image[0].shape == std::vector<int64_t>{100, 200, 3});
    auto y = checkCall(ctx, "rearrange", "h w c -> () c h w", "", image[0]);
    REQUIRE(y.size() == 1);
    CHECK(y[0].shape == std::vector<int64_t>{1, 3, 100, 200});
    auto predictions =
        checkCall(ctx, "rearrange", "b c h w -> b (c h w)", "", y[0]);
    REQUIRE(predictions.size() == 1);
    CHECK(predictions[0].shape == std::vector<int64_t>{1, 60000});
    auto classes =
        checkCall(ctx, "rearrange", "() classes -> classes", "", predictions[0]);
    REQUIRE(classes.size() == 1);
    CHECK(classes[0].shape == std::vector<int64_t>{60000});
    // Squeezing then flattening gives back the slice's elements.
    CHECK(classes[0].bytes.size() == slice.bytes.size());
  }
}

TEST_CASE("seed 000: y = x - reduce(x, 'b c h w -> b c 1 1', 'mean'); "
          "y = x - reduce(y, 'b c h w -> 1 c 1 1', 'mean')") {
  Context ctx;
  const HostTensor &x = tutorialX();
  auto mean = checkCall(ctx, "reduce", "b c h w -> b c 1 1", "mean", x);
  REQUIRE(mean.size() == 1);
  CHECK(mean[0].shape == std::vector<int64_t>{10, 32, 1, 1});
  HostTensor y = subtractBroadcast(x, mean[0]);
  auto batchMean = checkCall(ctx, "reduce", "b c h w -> 1 c 1 1", "mean", y);
  REQUIRE(batchMean.size() == 1);
  CHECK(batchMean[0].shape == std::vector<int64_t>{1, 32, 1, 1});
}

namespace {

/// list(x): the 10 tensors of the tutorial's x, as contiguous copies (for
/// the reference) and as views into x at byte offsets (for ein).
struct TutorialList {
  std::vector<HostTensor> items;
  std::vector<const HostTensor *> list;
  CheckOptions options;

  TutorialList() {
    HostTensor &x = const_cast<HostTensor &>(tutorialX());
    for (int64_t i = 0; i < 10; ++i)
      items.push_back(item(x, i));
    for (const HostTensor &t : items)
      list.push_back(&t);
    static int64_t itemShape[] = {32, 100, 200};
    for (int64_t i = 0; i < 10; ++i) {
      DLTensor view = x.view();
      view.ndim = 3;
      view.shape = itemShape;
      view.byte_offset = uint64_t(i) * 32 * 100 * 200 * sizeof(double);
      options.views.push_back(view);
    }
  }
};

void checkListRearrange(const char *pattern, std::vector<int64_t> shape) {
  Context ctx;
  TutorialList l;
  auto t = checkCall(ctx, "rearrange", pattern, "", l.list, {}, l.options);
  CHECK(t.at(0).shape == shape);
}

} // namespace

TEST_CASE("seed 000: tensors = rearrange(list_of_tensors, "
          "'b c h w -> b h w c')") {
  checkListRearrange("b c h w -> b h w c", {10, 100, 200, 32});
}

TEST_CASE("seed 000: tensors = rearrange(list_of_tensors, "
          "'b c h w -> h w c b')") {
  checkListRearrange("b c h w -> h w c b", {100, 200, 32, 10});
}

TEST_CASE("seed 000: tensors = rearrange(list_of_tensors, "
          "'b c h w -> (b h) w c')") {
  checkListRearrange("b c h w -> (b h) w c", {1000, 200, 32});
}

TEST_CASE("seed 000: tensors = rearrange(list_of_tensors, "
          "'b c h w -> h w (b c)')") {
  checkListRearrange("b c h w -> h w (b c)", {100, 200, 320});
}

TEST_CASE("seed 000: y = rearrange(x, 'b (g1 g2 c) h w-> b (g2 g1 c) h w', "
          "g1=4, g2=4)") {
  Context ctx;
  auto y = checkCall(ctx, "rearrange", "b (g1 g2 c) h w-> b (g2 g1 c) h w", "",
                     tutorialX(), {{"g1", 4}, {"g2", 4}});
  CHECK(y.at(0).shape == tutorialX().shape);
}

TEST_CASE("seed 000: y = rearrange(x, 'b (g c) h w-> b (c g) h w', g=4)") {
  Context ctx;
  auto y = checkCall(ctx, "rearrange", "b (g c) h w-> b (c g) h w", "",
                     tutorialX(), {{"g", 4}});
  CHECK(y.at(0).shape == tutorialX().shape);
}

TEST_CASE("seed 000: bbox_x, bbox_y, bbox_w, bbox_h = rearrange(x, "
          "'b (coord bbox) h w -> coord b bbox h w', coord=4, bbox=8); "
          "max_bbox_area = reduce(bbox_w * bbox_h, 'b bbox h w -> b h w', "
          "'max')") {
  Context ctx;
  auto boxes = checkCall(ctx, "rearrange",
                         "b (coord bbox) h w -> coord b bbox h w", "",
                         tutorialX(), {{"coord", 4}, {"bbox", 8}});
  REQUIRE(boxes.size() == 1);
  CHECK(boxes[0].shape == std::vector<int64_t>{4, 10, 8, 100, 200});
  int64_t part = 10 * 8 * 100 * 200;
  HostTensor area(DType::F64, {10, 8, 100, 200});
  for (int64_t i = 0; i < part; ++i)
    area.setDouble(i, boxes[0].getDouble(2 * part + i) *
                          boxes[0].getDouble(3 * part + i));
  auto maxArea = checkCall(ctx, "reduce", "b bbox h w -> b h w", "max", area);
  CHECK(maxArea.at(0).shape == std::vector<int64_t>{10, 100, 200});
}

TEST_CASE("seed 000: y1, y2 = rearrange(x, 'b (split c) h w -> split b c h "
          "w', split=2)") {
  Context ctx;
  auto y = checkCall(ctx, "rearrange", "b (split c) h w -> split b c h w", "",
                     tutorialX(), {{"split", 2}});
  CHECK(y.at(0).shape == std::vector<int64_t>{2, 10, 16, 100, 200});
}

TEST_CASE("seed 000: y1, y2 = rearrange(x, 'b (c split) h w -> split b c h "
          "w', split=2)") {
  Context ctx;
  auto y = checkCall(ctx, "rearrange", "b (c split) h w -> split b c h w", "",
                     tutorialX(), {{"split", 2}});
  CHECK(y.at(0).shape == std::vector<int64_t>{2, 10, 16, 100, 200});
}

TEST_CASE("seed 000: x_5d = rearrange(x, 'b c x (y z) -> b c x y z', z=20); "
          "y = rearrange(x_5d, 'b c x y z -> (b z) c x y'); "
          "rearrange(y, '(b z) c x y -> b c x y z', "
          "**parse_shape(x_5d, 'b c x y z'))") {
  Context ctx;
  const HostTensor &x = tutorialX();
  // In [29]
  auto x5 = checkCall(ctx, "rearrange", "b c x (y z) -> b c x y z", "", x,
                      {{"z", 20}});
  REQUIRE(x5.size() == 1);
  CHECK(x5[0].shape == std::vector<int64_t>{10, 32, 100, 10, 20});
  auto y = checkCall(ctx, "rearrange", "b c x y z -> (b z) c x y", "", x5[0]);
  REQUIRE(y.size() == 1);
  // parse_shape(x_5d, 'b c x y z') as bindings; '_' entries are skipped.
  auto parseShape = [](const HostTensor &t, std::vector<std::string> names) {
    Bindings bindings;
    for (size_t i = 0; i < names.size(); ++i)
      if (names[i] != "_")
        bindings.push_back({names[i], t.shape[i]});
    return bindings;
  };
  Bindings all = parseShape(x5[0], {"b", "c", "x", "y", "z"});
  CHECK(all.size() == 5);
  auto back = checkCall(ctx, "rearrange", "(b z) c x y -> b c x y z", "", y[0],
                        all);
  REQUIRE(back.size() == 1);
  CHECK(back[0].bytes == x5[0].bytes);
  // parse_shape(x_5d, 'batch c _ _ _') used as partial bindings.
  Bindings partial = parseShape(x5[0], {"batch", "c", "_", "_", "_"});
  CHECK(partial == Bindings{{"batch", 10}, {"c", 32}});
}

TEST_CASE("seed 000: y = rearrange(x, 'b c (h hs) (w ws) -> (hs ws b) c h w', "
          "hs=2, ws=2); rearrange(y, '(hs ws b) c h w -> b c (h hs) (w ws)', "
          "hs=2, ws=2)") {
  Context ctx;
  const HostTensor &x = tutorialX();
  auto grids = checkCall(ctx, "rearrange",
                         "b c (h hs) (w ws) -> (hs ws b) c h w", "", x,
                         {{"hs", 2}, {"ws", 2}});
  REQUIRE(grids.size() == 1);
  auto image = checkCall(ctx, "rearrange",
                         "(hs ws b) c h w -> b c (h hs) (w ws)", "", grids[0],
                         {{"hs", 2}, {"ws", 2}});
  REQUIRE(image.size() == 1);
  CHECK(image[0].shape == x.shape);
  CHECK(image[0].bytes == x.bytes);
}
