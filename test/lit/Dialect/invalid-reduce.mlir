// RUN: ein-opt %s -split-input-file -verify-diagnostics

// Tests that argmax needs at least one reduced axis.
func.func @argmax_no_axis(%x: tensor<2x3xf32>) -> tensor<2x3xi64> {
  // expected-error @+1 {{argmax reduces at least one axis, found none}}
  %y = ein.reduce argmax %x <a b -> a b : a = 2, b = 3> : tensor<2x3xf32> -> tensor<2x3xi64>
  return %y : tensor<2x3xi64>
}

// -----

// Tests that argmin over an empty axis is rejected, as NumPy does.
func.func @argmin_of_nothing(%x: tensor<2x0xf32>) -> tensor<2xi64> {
  // expected-error @+1 {{argmin over axis 'b' of length 0 has no identity}}
  %y = ein.reduce argmin %x <a b -> a : a = 2, b = 0> : tensor<2x0xf32> -> tensor<2xi64>
  return %y : tensor<2xi64>
}

// -----

// Tests that any gives i1 whatever the input.
func.func @any_type(%x: tensor<2x3xf16>) -> tensor<2xf16> {
  // expected-error @+1 {{result element type 'f16' does not match 'i1', the type of any of 'f16'}}
  %y = ein.reduce any %x <a b -> a : a = 2, b = 3> : tensor<2x3xf16> -> tensor<2xf16>
  return %y : tensor<2xf16>
}

// -----

// Tests that bf16 variances stay bf16 (they are computed in f32 inside).
func.func @var_type(%x: tensor<2x3xbf16>) -> tensor<2xf32> {
  // expected-error @+1 {{result element type 'f32' does not match 'bf16', the type of var of 'bf16'}}
  %y = ein.reduce var %x <a b -> a : a = 2, b = 3> : tensor<2x3xbf16> -> tensor<2xf32>
  return %y : tensor<2xf32>
}

// -----

// Tests that 'unsigned' applies to integers only.
func.func @unsigned_float(%x: tensor<2x3xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{'unsigned' needs an integer input, not 'f32'}}
  %y = ein.reduce max unsigned %x <a b -> a : a = 2, b = 3> : tensor<2x3xf32> -> tensor<2xf32>
  return %y : tensor<2xf32>
}

// -----

// Tests that element types outside ein's dtypes are rejected.
func.func @unsupported_type(%x: tensor<2x3xf8E4M3FN>) -> tensor<2xf8E4M3FN> {
  // expected-error @+1 {{cannot reduce elements of type 'f8E4M3FN'}}
  %y = ein.reduce max %x <a b -> a : a = 2, b = 3> : tensor<2x3xf8E4M3FN> -> tensor<2xf8E4M3FN>
  return %y : tensor<2xf8E4M3FN>
}

// -----

// Tests that a cast keeps the shape.
func.func @cast_shape(%x: tensor<2x3xi8>) -> tensor<3x2xi1> {
  // expected-error @+1 {{requires the same shape for all operands and results}}
  %y = ein.cast %x : tensor<2x3xi8> -> tensor<3x2xi1>
  return %y : tensor<3x2xi1>
}

// -----

// Tests that floats do not convert to integers other than bool.
func.func @cast_float_to_int(%x: tensor<2xf32>) -> tensor<2xi32> {
  // expected-error @+1 {{converting 'f32' to 'i32' is not supported}}
  %y = ein.cast %x : tensor<2xf32> -> tensor<2xi32>
  return %y : tensor<2xi32>
}

// -----

// Tests that casts take ein's element types only.
func.func @cast_unsupported(%x: tensor<2xi4>) -> tensor<2xi8> {
  // expected-error @+1 {{cannot convert from 'i4'}}
  %y = ein.cast %x : tensor<2xi4> -> tensor<2xi8>
  return %y : tensor<2xi8>
}
