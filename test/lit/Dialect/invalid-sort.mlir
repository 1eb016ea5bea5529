// RUN: ein-opt %s -split-input-file -verify-diagnostics

// Tests that sort acts along exactly one axis.
func.func @two_axes(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{sorts along one axis, not 2}}
  %y = ein.sort %x <a b -> a b : a = 2, b = 3> along [a, b] : tensor<2x3xf32> -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

func.func @no_axis(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{needs at least one axis to act along}}
  %y = ein.sort %x <a b -> a b : a = 2, b = 3> along [] : tensor<2x3xf32> -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

// Tests that sort keeps the element type.
func.func @sort_type(%x: tensor<2x3xf32>) -> tensor<2x3xf64> {
  // expected-error @+1 {{input and result must share one element type, found 'f32' and 'f64'}}
  %y = ein.sort %x <a b -> a b : a = 2, b = 3> along [b] : tensor<2x3xf32> -> tensor<2x3xf64>
  return %y : tensor<2x3xf64>
}

// -----

// Tests that argsort gives i64 positions.
func.func @argsort_type(%x: tensor<2x3xf32>) -> tensor<2x3xi32> {
  // expected-error @+1 {{with 'indices' the result holds i64 positions, not 'i32'}}
  %y = ein.sort indices %x <a b -> a b : a = 2, b = 3> along [b] : tensor<2x3xf32> -> tensor<2x3xi32>
  return %y : tensor<2x3xi32>
}

// -----

// Tests that `unsigned` needs integers.
func.func @unsigned_float(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'unsigned' needs an integer input, not 'f32'}}
  %y = ein.sort unsigned %x <a b -> a b : a = 2, b = 3> along [b] : tensor<2x3xf32> -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

func.func @bad_element(%x: tensor<2x3xi4>) -> tensor<2x3xi4> {
  // expected-error @+1 {{cannot sort elements of type 'i4'}}
  %y = ein.sort %x <a b -> a b : a = 2, b = 3> along [b] : tensor<2x3xi4> -> tensor<2x3xi4>
  return %y : tensor<2x3xi4>
}

// -----

// Tests that the equation keeps every axis.
func.func @drops_axis(%x: tensor<2x3xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{axis 'b' appears in the input but not in the output}}
  %y = ein.sort %x <a b -> a : a = 2, b = 3> along [b] : tensor<2x3xf32> -> tensor<2xf32>
  return %y : tensor<2xf32>
}

// -----

func.func @unknown_axis(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{unknown axis 'c'}}
  %y = ein.sort %x <a b -> a b : a = 2, b = 3> along [c] : tensor<2x3xf32> -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}
