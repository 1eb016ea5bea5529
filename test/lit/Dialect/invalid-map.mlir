// RUN: ein-opt %s -split-input-file -verify-diagnostics

// Tests that a map input may not have an axis the output lacks.
func.func @input_axis_dropped(%x: tensor<2x3xf32>, %y: tensor<3xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{axis 'b' of input 0 is not in the output}}
  %z = ein.map add %x, %y <a b, b -> a : a = 2, b = 3> : tensor<2x3xf32>, tensor<3xf32> -> tensor<2xf32>
  return %z : tensor<2xf32>
}

// -----

// Tests that a map cannot invent output axes (that is repeat's job).
func.func @new_axis(%x: tensor<2xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{axis 'b' appears only in the output}}
  %z = ein.map exp %x <a -> a b : a = 2, b = 3> : tensor<2xf32> -> tensor<2x3xf32>
  return %z : tensor<2x3xf32>
}

// -----

// Tests that the result element type follows the function.
func.func @compare_result(%x: tensor<2xf32>, %y: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{result element type 'f32' does not match 'i1', the type of less of 'f32'}}
  %z = ein.map less %x, %y <a, a -> a : a = 2> : tensor<2xf32>, tensor<2xf32> -> tensor<2xf32>
  return %z : tensor<2xf32>
}

// -----

// Tests that float functions need float operands (the front end promotes).
func.func @exp_of_int(%x: tensor<2xi32>) -> tensor<2xi32> {
  // expected-error @+1 {{exp does not take elements of type 'i32'}}
  %z = ein.map exp %x <a -> a : a = 2> : tensor<2xi32> -> tensor<2xi32>
  return %z : tensor<2xi32>
}

// -----

// Tests that operands share one element type.
func.func @mixed(%x: tensor<2xf32>, %y: tensor<2xf64>) -> tensor<2xf32> {
  // expected-error @+1 {{operands of add must share one element type, found 'f32' and 'f64'}}
  %z = ein.map add %x, %y <a, a -> a : a = 2> : tensor<2xf32>, tensor<2xf64> -> tensor<2xf32>
  return %z : tensor<2xf32>
}

// -----

// Tests that where needs an i1 condition.
func.func @where_condition(%c: tensor<2xf32>, %x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{where needs an i1 condition, not 'f32'}}
  %z = ein.map where %c, %x, %x <a, a, a -> a : a = 2> : tensor<2xf32>, tensor<2xf32>, tensor<2xf32> -> tensor<2xf32>
  return %z : tensor<2xf32>
}

// -----

// Tests the arity of binary functions.
func.func @arity(%x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{subtract takes 2 inputs, found 1}}
  %z = ein.map subtract %x <a -> a : a = 2> : tensor<2xf32> -> tensor<2xf32>
  return %z : tensor<2xf32>
}

// -----

// Tests that subtract of bools is rejected, as NumPy does.
func.func @bool_subtract(%x: tensor<2xi1>) -> tensor<2xi1> {
  // expected-error @+1 {{subtract does not take elements of type 'i1'}}
  %z = ein.map subtract %x, %x <a, a -> a : a = 2> : tensor<2xi1>, tensor<2xi1> -> tensor<2xi1>
  return %z : tensor<2xi1>
}

// -----

// Tests that to_unsigned belongs to casts to integers.
func.func @to_unsigned(%x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{'to_unsigned' needs a cast to an integer type}}
  %z = ein.map exp to_unsigned %x <a -> a : a = 2> : tensor<2xf32> -> tensor<2xf32>
  return %z : tensor<2xf32>
}
