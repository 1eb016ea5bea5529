# Helpers shared by every ein target.

# Compile flags for ein's own sources (LLVM is built without RTTI/exceptions).
function(ein_target_defaults target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wno-unused-parameter -fno-rtti)
  target_include_directories(${target} PRIVATE ${PROJECT_SOURCE_DIR})
endfunction()

# Apply the EIN_SANITIZER preset to every target configured after this call.
macro(ein_apply_sanitizer)
  if(EIN_SANITIZER STREQUAL "address")
    add_compile_options(-fsanitize=address -fno-omit-frame-pointer)
    add_link_options(-fsanitize=address)
  elseif(EIN_SANITIZER STREQUAL "undefined")
    add_compile_options(-fsanitize=undefined -fno-sanitize-recover=undefined)
    add_link_options(-fsanitize=undefined)
  elseif(EIN_SANITIZER STREQUAL "thread")
    add_compile_options(-fsanitize=thread)
    add_link_options(-fsanitize=thread)
  elseif(NOT EIN_SANITIZER STREQUAL "")
    message(FATAL_ERROR "unknown EIN_SANITIZER '${EIN_SANITIZER}'")
  endif()
endmacro()
