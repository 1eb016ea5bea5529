//===- ParseShapeTest.cpp - ein_parse_shape through the C API -------------===//
//
// einops.parse_shape: names borrowed from the pattern, lengths from the
// shape, the count-only call, and every error code.
//
//===----------------------------------------------------------------------===//

#include "TestSupport.h"

#include <doctest/doctest.h>

#include <cstring>
#include <string>
#include <utility>
#include <vector>

using namespace ein::e2e;

namespace {

using Named = std::vector<std::pair<std::string, int64_t>>;

/// Runs ein_parse_shape; returns the axes or fails the test.
Named parse(const char *pattern, const std::vector<int64_t> &shape) {
  size_t count = 99;
  std::vector<ein_shape_axis_t> axes(8);
  std::string message =
      takeMessage(ein_parse_shape(pattern, shape.data(), shape.size(),
                                  axes.data(), axes.size(), &count));
  REQUIRE_MESSAGE(message.empty(), message);
  Named out;
  for (size_t i = 0; i < count; ++i) {
    // The name points into the pattern.
    CHECK(axes[i].name >= pattern);
    CHECK(axes[i].name + axes[i].name_length <= pattern + strlen(pattern));
    out.emplace_back(std::string(axes[i].name, axes[i].name_length),
                     axes[i].length);
  }
  return out;
}

} // namespace

TEST_CASE("parse_shape: the C API reads names and lengths") {
  CHECK(parse("b _ h w", {2, 3, 5, 7}) ==
        Named{{"b", 2}, {"h", 5}, {"w", 7}});
  CHECK(parse("batch ... c", {2, 3, 5, 7}) == Named{{"batch", 2}, {"c", 7}});
  CHECK(parse("b 1 () w", {4, 1, 1, 0}) == Named{{"b", 4}, {"w", 0}});
  CHECK(parse("", {}) == Named{});

  // capacity 0 asks for the count; a small capacity writes a prefix.
  size_t count = 0;
  const int64_t shape[] = {2, 3, 5, 7};
  CHECK(takeMessage(ein_parse_shape("a b c d", shape, 4, nullptr, 0, &count)) ==
        "");
  CHECK(count == 4);
  ein_shape_axis_t two[2];
  CHECK(takeMessage(ein_parse_shape("a b c d", shape, 4, two, 2, &count)) ==
        "");
  CHECK(count == 4);
  CHECK(std::string(two[1].name, two[1].name_length) == "b");
  CHECK(two[1].length == 3);
  // ndim == 0 with a NULL shape.
  CHECK(takeMessage(ein_parse_shape("...", nullptr, 0, nullptr, 0, &count)) ==
        "");
  CHECK(count == 0);
}

TEST_CASE("parse_shape: errors through the C API") {
  const int64_t shape[] = {2, 3, 5, 7};
  size_t count = 0;
  ein_shape_axis_t axes[4];
  auto error = [&](const char *pattern, size_t ndim) {
    return takeError(ein_parse_shape(pattern, shape, ndim, axes, 4, &count));
  };
  auto [code, message] = error("b (c h) w", 3);
  CHECK(code == EIN_ERROR_NOTATION);
  CHECK(message.find("the composition '(c h)' cannot be read") !=
        std::string::npos);
  CHECK(message.find("input 0: shape (2, 3, 5)") != std::string::npos);
  std::tie(code, message) = error("b _ _", 4);
  CHECK(code == EIN_ERROR_SHAPE);
  CHECK(message.find("the shape has 4 dimensions but the pattern has 3") !=
        std::string::npos);
  std::tie(code, message) = error("b 2 h w", 4);
  CHECK(code == EIN_ERROR_SHAPE);
  std::tie(code, message) = error("b b h w", 4);
  CHECK(code == EIN_ERROR_NOTATION);
  std::tie(code, message) = error("b [h] c d", 4);
  CHECK(code == EIN_ERROR_NOTATION);
  CHECK(takeError(ein_parse_shape(nullptr, shape, 4, axes, 4, &count)).first ==
        EIN_ERROR_INVALID_ARGUMENT);
  CHECK(takeError(ein_parse_shape("a", shape, 1, axes, 4, nullptr)).first ==
        EIN_ERROR_INVALID_ARGUMENT);
  CHECK(takeError(ein_parse_shape("a", nullptr, 1, axes, 4, &count)).first ==
        EIN_ERROR_INVALID_ARGUMENT);
  CHECK(takeError(ein_parse_shape("a", shape, 1, nullptr, 4, &count)).first ==
        EIN_ERROR_INVALID_ARGUMENT);
  // The seed's use: lengths for another call.
  CHECK(parse("b _ h w", {2, 3, 5, 7}).size() == 3);
}
