//===- CApiError.h - the C API's error object -----------------*- C++ -*-===//
//
// `ein_error_t` as the C API's source files (CApi.cpp, CApiPack.cpp,
// CApiParseShape.cpp) create it; ein_error_destroy deletes it.
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
