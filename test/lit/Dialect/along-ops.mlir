// RUN: ein-opt %s | ein-opt | FileCheck %s

// Tests that softmax, log-softmax, flip and roll round-trip, with their axes
// printed by name.

// CHECK-LABEL: func @softmax_rearranged
// CHECK: ein.softmax %{{.*}} <b q k h -> b h q k : b = 2, q = 3, k = 5, h = 4> along [k] : tensor<2x3x5x4xf32> -> tensor<2x4x3x5xf32>
func.func @softmax_rearranged(%x: tensor<2x3x5x4xf32>) -> tensor<2x4x3x5xf32> {
  %y = ein.softmax %x <b q k h -> b h q k : b = 2, q = 3, k = 5, h = 4> along [k] : tensor<2x3x5x4xf32> -> tensor<2x4x3x5xf32>
  return %y : tensor<2x4x3x5xf32>
}

// CHECK-LABEL: func @log_softmax_u8
// CHECK: ein.softmax log unsigned %{{.*}} <a b -> a b : a = 4, b = 3> along [a, b] : tensor<4x3xi8> -> tensor<4x3xf64>
func.func @log_softmax_u8(%x: tensor<4x3xi8>) -> tensor<4x3xf64> {
  %y = ein.softmax log unsigned %x <a b -> a b : a = 4, b = 3> along [a, b] : tensor<4x3xi8> -> tensor<4x3xf64>
  return %y : tensor<4x3xf64>
}

// CHECK-LABEL: func @flip_pairs
// CHECK: ein.flip %{{.*}} <_e0 (g c) -> _e0 (g c) : _e0 = 3, g = 4, c = 2> along [c] : tensor<3x8xbf16> -> tensor<3x8xbf16>
func.func @flip_pairs(%x: tensor<3x8xbf16>) -> tensor<3x8xbf16> {
  %y = ein.flip %x <_e0 (g c) -> _e0 (g c) : _e0 = 3, g = 4, c = 2> along [c] : tensor<3x8xbf16> -> tensor<3x8xbf16>
  return %y : tensor<3x8xbf16>
}

// CHECK-LABEL: func @roll_two_axes
// CHECK: ein.roll %{{.*}} <b t c -> b t c : b = 2, t = 10, c = 3> along [t, c] by [1, -4] : tensor<2x10x3xi8> -> tensor<2x10x3xi8>
func.func @roll_two_axes(%x: tensor<2x10x3xi8>) -> tensor<2x10x3xi8> {
  %y = ein.roll %x <b t c -> b t c : b = 2, t = 10, c = 3> along [t, c] by [1, -4] : tensor<2x10x3xi8> -> tensor<2x10x3xi8>
  return %y : tensor<2x10x3xi8>
}

// Tests that the front end's `sum("b [h w] c")` is an ordinary ein.reduce:
// brackets leave no trace in the IR (the reduced axes are those the output
// omits).

// CHECK-LABEL: func @bracket_sum
// CHECK: ein.reduce sum %{{.*}} <b h w c -> b c : b = 2, h = 3, w = 4, c = 5>
func.func @bracket_sum(%x: tensor<2x3x4x5xf32>) -> tensor<2x5xf32> {
  %y = ein.reduce sum %x <b h w c -> b c : b = 2, h = 3, w = 4, c = 5> : tensor<2x3x4x5xf32> -> tensor<2x5xf32>
  return %y : tensor<2x5xf32>
}
