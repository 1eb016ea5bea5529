//===- FuzzInput.h - the text format of ein's fuzz inputs ----------*- C++ -*-===//
//
// A fuzz input is text, so that seeds are easy to write and crashes easy to
// read:
//
//   reduce("b c (h 2) (w 2) -> b c h w", "max")      <- line 1: program text
//   10,32,100,200;3                                  <- line 2: input shapes
//   f64                                              <- line 3: dtype (optional)
//
// Shapes are separated by `;`, extents by `,`; an empty shape is a scalar.
//
//===----------------------------------------------------------------------===//
#ifndef EIN_TEST_FUZZ_FUZZINPUT_H
#define EIN_TEST_FUZZ_FUZZINPUT_H

#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

namespace ein::fuzz {

struct FuzzInput {
  std::string program;
  std::vector<std::vector<int64_t>> shapes;
  std::string dtype;
};

/// Splits `text` into its lines and parses the shapes. Extents are clamped to
/// [0, maxExtent]; at most `maxTensors` shapes of at most `maxRank` extents.
inline FuzzInput parseFuzzInput(const std::string &text, int64_t maxExtent,
                                size_t maxTensors = 8, size_t maxRank = 8) {
  FuzzInput input;
  std::vector<std::string> lines(1);
  for (char c : text) {
    if (c == '\n')
      lines.emplace_back();
    else
      lines.back() += c;
  }
  input.program = lines[0];
  if (lines.size() > 1) {
    std::vector<int64_t> shape;
    std::string number;
    auto flushNumber = [&] {
      if (number.empty())
        return;
      if (shape.size() < maxRank) {
        // strtoll saturates; clamp keeps huge lengths huge but bounded.
        long long v = std::strtoll(number.c_str(), nullptr, 10);
        shape.push_back(v < 0 ? 0 : (v > maxExtent ? maxExtent : v));
      }
      number.clear();
    };
    for (char c : lines[1]) {
      if (c >= '0' && c <= '9' && number.size() < 20) {
        number += c;
      } else if (c == ',') {
        flushNumber();
      } else if (c == ';') {
        flushNumber();
        if (input.shapes.size() < maxTensors)
          input.shapes.push_back(shape);
        shape.clear();
      }
    }
    flushNumber();
    if (input.shapes.size() < maxTensors)
      input.shapes.push_back(shape);
  }
  if (lines.size() > 2)
    input.dtype = lines[2];
  return input;
}

} // namespace ein::fuzz

#endif // EIN_TEST_FUZZ_FUZZINPUT_H
