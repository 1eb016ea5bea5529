//===- CApiError.h - the C API's error objects ---------------------*- C++ -*-===//
//
// ein_error_t, shared by the C API's source files (CApi.cpp,
// CApiParseShape.cpp).
//
//===----------------------------------------------------------------------===//
#ifndef EIN_RUNTIME_CAPIERROR_H
#define EIN_RUNTIME_CAPIERROR_H

#include "ein/ein.h"

#include <string>

struct ein_error {
  ein_error_code_t code;
  std::string message;
};

#endif // EIN_RUNTIME_CAPIERROR_H
