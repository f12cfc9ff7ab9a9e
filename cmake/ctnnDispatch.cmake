# ctnn_add_dispatched(<name> SOURCES <file>... [LIBRARIES <target>...] [OPTIONS <flag>...])
#
# A static library <name> holding <file>... compiled four times, once per ctnn::isa_level:
#   sse2         -march=x86-64                  -DCTNN_ISA_NAMESPACE=ctnn_isa_sse2
#   avx2         -march=x86-64-v3               -DCTNN_ISA_NAMESPACE=ctnn_isa_avx2
#   avx512       -march=x86-64-v4               -DCTNN_ISA_NAMESPACE=ctnn_isa_avx512
#   avx512_vnni  -march=x86-64-v4 -mavx512vnni  -DCTNN_ISA_NAMESPACE=ctnn_isa_avx512_vnni
# (-mtune=generic for all), for ctnn::dispatched (include/ctnn/core/dispatched.hpp) to call
# the one the running CPU supports best. The sources define their entry points in namespaces
# named CTNN_ISA_NAMESPACE; the program that links <name> may be built for any x86-64 (no
# -march), so that it runs everywhere.
#
# Why the objects are post-processed: every copy instantiates the same inline functions and
# templates (ctnn's, xtensor's, the standard library's), each compiled for its level, and a
# linker keeps one of each name for the whole program; an AVX-512 std::fill or GEMM panel could
# then run on an SSE2 CPU. Each level's objects are linked into one relocatable object (ld -r)
# whose symbols are all made local except those whose names contain ctnn_isa_<level> (the entry
# points), with the COMDAT groups that would merge them into the program's own copies removed
# (objcopy). -fno-gnu-unique keeps GCC's static data members of templates localizable. Not
# compatible with -flto in these sources (the objects must be machine code).
#
# LIBRARIES are linked to each copy (their compile options and include directories apply);
# OPTIONS are added to each copy's compile options. ctnn::ctnn is always linked.

function(ctnn_add_dispatched name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "" "SOURCES;LIBRARIES;OPTIONS")
  if(arg_UNPARSED_ARGUMENTS OR NOT arg_SOURCES)
    message(FATAL_ERROR "ctnn_add_dispatched(${name} SOURCES <file>... [LIBRARIES ...] [OPTIONS ...]): "
                        "got ${ARGN}")
  endif()
  if(NOT CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|amd64)$")
    message(FATAL_ERROR "ctnn_add_dispatched(${name}): x86-64 only (this build targets ${CMAKE_SYSTEM_PROCESSOR})")
  endif()
  if(NOT CMAKE_OBJCOPY OR NOT CMAKE_LINKER)
    message(FATAL_ERROR "ctnn_add_dispatched(${name}): needs a linker (ld -r) and objcopy, "
                        "found CMAKE_LINKER='${CMAKE_LINKER}' CMAKE_OBJCOPY='${CMAKE_OBJCOPY}'")
  endif()
  set(out_dir ${CMAKE_CURRENT_BINARY_DIR}/ctnn_dispatched/${name})
  set(objects "")
  foreach(level_flags sse2:-march=x86-64 avx2:-march=x86-64-v3 avx512:-march=x86-64-v4
                      avx512_vnni:-march=x86-64-v4,-mavx512vnni)
    string(REPLACE ":" ";" pair ${level_flags})
    list(GET pair 0 level)
    list(GET pair 1 flags)
    string(REPLACE "," ";" flags ${flags})
    set(copy ${name}_${level})
    add_library(${copy} OBJECT ${arg_SOURCES})
    target_link_libraries(${copy} PRIVATE ctnn::ctnn ${arg_LIBRARIES})
    target_compile_definitions(${copy} PRIVATE CTNN_ISA_NAMESPACE=ctnn_isa_${level})
    target_compile_options(${copy} PRIVATE ${arg_OPTIONS} ${flags} -mtune=generic
                                           $<$<CXX_COMPILER_ID:GNU>:-fno-gnu-unique>)
    set_target_properties(${copy} PROPERTIES INTERPROCEDURAL_OPTIMIZATION OFF POSITION_INDEPENDENT_CODE ON)
    set(object ${out_dir}/${level}.o)
    # The entry points: symbols whose mangled names hold the namespace (length-prefixed, as in
    # _ZN3app13ctnn_isa_avx28classify...).
    string(LENGTH ctnn_isa_${level} length)
    add_custom_command(
      OUTPUT ${object}
      COMMAND ${CMAKE_LINKER} -r -o ${object}.partial $<TARGET_OBJECTS:${copy}>
      COMMAND ${CMAKE_OBJCOPY} --wildcard --keep-global-symbol=*${length}ctnn_isa_${level}* --remove-section=.group
              ${object}.partial ${object}
      DEPENDS ${copy} $<TARGET_OBJECTS:${copy}>
      COMMENT "Isolating the ${level} copy of ${name}"
      COMMAND_EXPAND_LISTS VERBATIM)
    list(APPEND objects ${object})
  endforeach()
  set_source_files_properties(${objects} PROPERTIES EXTERNAL_OBJECT TRUE GENERATED TRUE)
  add_library(${name} STATIC ${objects})
  set_target_properties(${name} PROPERTIES LINKER_LANGUAGE CXX)
  # The copies' undefined references (the standard library, OpenMP's runtime) are the program's.
  target_link_libraries(${name} PUBLIC ctnn::ctnn)
endfunction()
