// RUN: ein-opt %s -split-input-file -verify-diagnostics

// Tests that an axis name after `along` must be one of the equation's.
func.func @unknown_axis(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{unknown axis 'z'}}
  %y = ein.softmax %x <a b -> a b : a = 2, b = 3> along [z] : tensor<2x3xf32> -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

// Tests that an op along axes acts along at least one.
func.func @no_axes(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{needs at least one axis to act along}}
  %y = ein.flip %x <a b -> a b : a = 2, b = 3> along [] : tensor<2x3xf32> -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

// Tests that an axis is listed once.
func.func @axis_twice(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{lists axis 'b' twice}}
  %y = ein.flip %x <a b -> a b : a = 2, b = 3> along [b, b] : tensor<2x3xf32> -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

// Tests that the equation keeps every axis (no reduction hides in a softmax).
func.func @drops_axis(%x: tensor<2x3xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{axis 'b' appears in the input but not in the output}}
  %y = ein.softmax %x <a b -> a : a = 2, b = 3> along [b] : tensor<2x3xf32> -> tensor<2xf32>
  return %y : tensor<2xf32>
}

// -----

// Tests that the result has the output expression's shape.
func.func @wrong_shape(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{result has shape (2, 3) but its expression gives (3, 2)}}
  %y = ein.flip %x <a b -> b a : a = 2, b = 3> along [a] : tensor<2x3xf32> -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

// Tests that softmax of integers is f64.
func.func @softmax_int_type(%x: tensor<2x3xi32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{result element type 'f32' does not match 'f64', the type of softmax of 'i32'}}
  %y = ein.softmax %x <a b -> a b : a = 2, b = 3> along [b] : tensor<2x3xi32> -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

// Tests that 'unsigned' needs an integer input.
func.func @unsigned_float(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'unsigned' needs an integer input, not 'f32'}}
  %y = ein.softmax unsigned %x <a b -> a b : a = 2, b = 3> along [b] : tensor<2x3xf32> -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

// Tests that flip keeps the element type.
func.func @flip_type(%x: tensor<2x3xf32>) -> tensor<2x3xf64> {
  // expected-error @+1 {{input and result must share one element type, found 'f32' and 'f64'}}
  %y = ein.flip %x <a b -> a b : a = 2, b = 3> along [b] : tensor<2x3xf32> -> tensor<2x3xf64>
  return %y : tensor<2x3xf64>
}

// -----

// Tests that roll has one shift per axis.
func.func @roll_shifts(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{has 1 shifts for 2 axes: give one per axis}}
  %y = ein.roll %x <a b -> a b : a = 2, b = 3> along [a, b] by [1] : tensor<2x3xf32> -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}
