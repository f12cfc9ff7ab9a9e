# Builds TARGET in BUILD_DIR (or, given COMPILER, checks SOURCE's syntax with that compiler and
# the include directory INCLUDE), requires the build to fail, and requires the first compiler
# error line to match EXPECTED: one mistake must give one ctnn sentence, and nothing more.
if(DEFINED COMPILER)
  set(TARGET ${SOURCE})
  execute_process(COMMAND ${COMPILER} -std=c++20 -fsyntax-only -DXTENSOR_USE_XSIMD -I${INCLUDE} ${SOURCE}
                  RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE err)
else()
  execute_process(COMMAND ${CMAKE_COMMAND} --build ${BUILD_DIR} --target ${TARGET}
                  RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE err)
endif()
set(log "${out}${err}")
if(result EQUAL 0)
  message(FATAL_ERROR "${TARGET} compiled, but it must not:\n${log}")
endif()
string(REGEX MATCH "[^\n]*error:[^\n]*" first_error "${log}")
if(NOT first_error MATCHES "${EXPECTED}")
  message(FATAL_ERROR "first error of ${TARGET} is\n  ${first_error}\nexpected it to match\n  ${EXPECTED}\nfull log:\n${log}")
endif()
# One mistake, one error: no cascade of further diagnostics.
string(REGEX MATCHALL ": error: " errors "${log}")
list(LENGTH errors error_count)
if(NOT error_count EQUAL 1)
  message(FATAL_ERROR "${TARGET} gave ${error_count} errors; expected exactly one:\n${log}")
endif()
message(STATUS "first error: ${first_error}")
