# Runs one libFuzzer target for SECONDS from a scratch corpus seeded with SEEDS (read-only).
# Usage: cmake -DFUZZER=... -DSEEDS=... -DWORK=... -DSECONDS=... -DMAX_LEN=... -DMALLOC_LIMIT_MB=...
#        -P run_fuzzer.cmake
# MAX_LEN (the largest input tried) and MALLOC_LIMIT_MB (one allocation above it is a finding)
# are chosen per target in CMakeLists.txt.
file(REMOVE_RECURSE ${WORK}/corpus)
file(MAKE_DIRECTORY ${WORK}/corpus ${WORK}/artifacts)
execute_process(
  COMMAND ${FUZZER} -max_total_time=${SECONDS} -timeout=10 -rss_limit_mb=2048 -max_len=${MAX_LEN}
          -malloc_limit_mb=${MALLOC_LIMIT_MB}
          -print_final_stats=1 -artifact_prefix=${WORK}/artifacts/ ${WORK}/corpus ${SEEDS}
  RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "libFuzzer found a problem (exit ${result}); the input is in ${WORK}/artifacts/")
endif()
