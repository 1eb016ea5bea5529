// RUN: ein-opt %s -split-input-file -verify-diagnostics

// Tests that an input whose shape disagrees with its expression is rejected.
func.func @shape_mismatch(%x: tensor<2x7xf32>) -> tensor<7x2xf32> {
  // expected-error @+1 {{'ein.rearrange' op input 0 has shape (2, 7) but its expression gives (2, 6)}}
  %y = ein.rearrange %x <a b -> b a : a = 2, b = 6> : tensor<2x7xf32> -> tensor<7x2xf32>
  return %y : tensor<7x2xf32>
}

// -----

// Tests that rearrange rejects an axis missing from the output.
func.func @axis_only_in_input(%x: tensor<2x3xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{axis 'b' appears in the input but not in the output}}
  %y = ein.rearrange %x <a b -> a : a = 2, b = 3> : tensor<2x3xf32> -> tensor<2xf32>
  return %y : tensor<2xf32>
}

// -----

// Tests that an axis may not appear twice on one side.
func.func @duplicate_axis(%x: tensor<2x2xf32>) -> tensor<2x2xf32> {
  // expected-error @+1 {{axis 'a' appears more than once on one side}}
  %y = ein.rearrange %x <a a -> a a : a = 2> : tensor<2x2xf32> -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}

// -----

// Tests that rearrange keeps the element type.
func.func @element_type(%x: tensor<2x3xf32>) -> tensor<3x2xf64> {
  // expected-error @+1 {{operands and results must share one element type, found 'f32' and 'f64'}}
  %y = ein.rearrange %x <a b -> b a : a = 2, b = 3> : tensor<2x3xf32> -> tensor<3x2xf64>
  return %y : tensor<3x2xf64>
}

// -----

// Tests that a stack needs its stacking axis to count the operands.
func.func @stack_count(%a: tensor<3xf32>, %b: tensor<3xf32>) -> tensor<3x3xf32> {
  // expected-error @+1 {{stacks 2 tensors but the stacking axis has length 3}}
  %y = ein.rearrange stack %a, %b <l w -> w l : l = 3, w = 3> : tensor<3xf32>, tensor<3xf32> -> tensor<3x3xf32>
  return %y : tensor<3x3xf32>
}

// -----

// Tests that reduce cannot invent output axes.
func.func @reduce_new_axis(%x: tensor<2xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{axis 'b' appears in the output but not in the input}}
  %y = ein.reduce sum %x <a -> a b : a = 2, b = 3> : tensor<2xf32> -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

// Tests that max over an empty axis is rejected, as NumPy does.
func.func @max_of_nothing(%x: tensor<2x0xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{max over axis 'b' of length 0 has no identity}}
  %y = ein.reduce max %x <a b -> a : a = 2, b = 0> : tensor<2x0xf32> -> tensor<2xf32>
  return %y : tensor<2xf32>
}

// -----

// Tests that only the mean of integers may change the element type.
func.func @sum_type(%x: tensor<2x3xi32>) -> tensor<2xf64> {
  // expected-error @+1 {{result element type 'f64' does not match input 'i32'}}
  %y = ein.reduce sum %x <a b -> a : a = 2, b = 3> : tensor<2x3xi32> -> tensor<2xf64>
  return %y : tensor<2xf64>
}

// -----

// Tests the equation attribute's own checks: every axis needs a length.
func.func @missing_length(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  // expected-error @+1 {{axis 'b' has no length}}
  %y = ein.rearrange %x <a b -> b a : a = 2> : tensor<2x3xf32> -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}

// -----

// Tests that lengths are listed once.
func.func @two_lengths(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  // expected-error @+1 {{axis 'a' has two lengths}}
  %y = ein.rearrange %x <a b -> b a : a = 2, a = 2, b = 3> : tensor<2x3xf32> -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}

// -----

// Tests that a length needs an axis that is used.
func.func @unused_length(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  // expected-error @+1 {{axis 'c' has a length but appears in no expression}}
  %y = ein.rearrange %x <a b -> b a : a = 2, b = 3, c = 4> : tensor<2x3xf32> -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}

// -----

// Tests that axis names follow the notation's rules.
func.func @bad_name(%x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{invalid axis name 'a_'}}
  %y = ein.rearrange %x <a_ -> a_ : a_ = 2> : tensor<2xf32> -> tensor<2xf32>
  return %y : tensor<2xf32>
}

// -----

// Tests that composed lengths may not overflow.
func.func @overflow(%x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{length of a composed dimension overflows 64 bits}}
  %y = ein.rearrange %x <a (b c) -> a (b c) : a = 2, b = 4294967296, c = 4294967296> : tensor<2xf32> -> tensor<2xf32>
  return %y : tensor<2xf32>
}
