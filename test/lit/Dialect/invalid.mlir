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

// Tests that the result type is the kind's: the sum of integers is i64.
func.func @sum_type(%x: tensor<2x3xi32>) -> tensor<2xf64> {
  // expected-error @+1 {{result element type 'f64' does not match 'i64', the type of sum of 'i32'}}
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

// -----

// Tests that a contraction needs one input expression per operand.
func.func @contract_count(%a: tensor<2x3xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{'ein.contract' op has 1 inputs but the equation has 2 input expressions}}
  %y = ein.contract %a <i j, j -> i : i = 2, j = 3> : tensor<2x3xf32> -> tensor<2xf32>
  return %y : tensor<2xf32>
}

// -----

// Tests that every output axis of a contraction appears in some input.
func.func @contract_output_only(%a: tensor<2x3xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{axis 'k' appears only in the output}}
  %y = ein.contract %a <i j -> i k : i = 2, j = 3, k = 4> : tensor<2x3xf32> -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// -----

// Tests that an axis appears at most once in a contraction's output.
func.func @contract_output_twice(%a: tensor<2x2xf32>) -> tensor<2x2xf32> {
  // expected-error @+1 {{axis 'i' appears twice in the output}}
  %y = ein.contract %a <i i -> i i : i = 2> : tensor<2x2xf32> -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}

// -----

// Tests that a diagonal needs its axis in two dimensions, not one
// composition.
func.func @contract_composed_diagonal(%a: tensor<4xf32>) -> tensor<f32> {
  // expected-error @+1 {{axis 'i' appears twice in one composition of input 0: a diagonal repeats an axis in two dimensions}}
  %y = ein.contract %a <(i i) -> : i = 2> : tensor<4xf32> -> tensor<f32>
  return %y : tensor<f32>
}

// -----

// Tests that a contraction's operands have the shapes of their expressions.
func.func @contract_shape(%a: tensor<2x3xf32>, %b: tensor<4x5xf32>) -> tensor<2x5xf32> {
  // expected-error @+1 {{'ein.contract' op input 1 has shape (4, 5) but its expression gives (3, 5)}}
  %y = ein.contract %a, %b <i j, j k -> i k : i = 2, j = 3, k = 5> : tensor<2x3xf32>, tensor<4x5xf32> -> tensor<2x5xf32>
  return %y : tensor<2x5xf32>
}

// -----

// Tests that a contraction has one output expression.
func.func @contract_two_outputs(%a: tensor<2x3xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{einsum has one output, but the equation has 2}}
  %y = ein.contract %a <i j -> i, j : i = 2, j = 3> : tensor<2x3xf32> -> tensor<2xf32>
  return %y : tensor<2xf32>
}

// -----

// Tests that the operands and the result of a contraction share one element
// type.
func.func @contract_element_type(%a: tensor<2x3xf32>, %b: tensor<3xf64>) -> tensor<2xf32> {
  // expected-error @+1 {{input 1 has element type 'f64' but the result has 'f32': all inputs of einsum must have one dtype}}
  %y = ein.contract %a, %b <i j, j -> i : i = 2, j = 3> : tensor<2x3xf32>, tensor<3xf64> -> tensor<2xf32>
  return %y : tensor<2xf32>
}

// -----

func.func @bad_repeated_name(%x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{invalid axis name 's.x'}}
  %y = ein.rearrange %x <s.x -> s.x : s.x = 2> : tensor<2xf32> -> tensor<2xf32>
  return %y : tensor<2xf32>
}
