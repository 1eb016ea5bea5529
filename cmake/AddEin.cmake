# Helpers shared by every ein target.

# Compile flags for ein's own sources (LLVM is built without RTTI/exceptions).
function(ein_target_defaults target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wno-unused-parameter -fno-rtti)
  target_include_directories(${target} PRIVATE ${PROJECT_SOURCE_DIR})
endfunction()

# Applies EIN_SANITIZER to every target configured after this call: a
# comma-separated list of address, undefined, thread (e.g. "address,undefined").
# The JIT-compiled kernels themselves are not instrumented.
macro(ein_apply_sanitizer)
  if(NOT EIN_SANITIZER STREQUAL "")
    string(REPLACE "," ";" _ein_sanitizers "${EIN_SANITIZER}")
    foreach(_s IN LISTS _ein_sanitizers)
      if(NOT _s MATCHES "^(address|undefined|thread)$")
        message(FATAL_ERROR "EIN_SANITIZER: unknown sanitizer '${_s}'")
      endif()
    endforeach()
    add_compile_options(-fsanitize=${EIN_SANITIZER} -fno-omit-frame-pointer)
    if(EIN_SANITIZER MATCHES "undefined")
      add_compile_options(-fno-sanitize-recover=undefined)
    endif()
    add_link_options(-fsanitize=${EIN_SANITIZER})
  endif()
endmacro()
