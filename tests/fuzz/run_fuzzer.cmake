# cmake -DFUZZER=... -DCORPUS=... -DWORK_DIR=... -DRUNS=... -DSEED=... -P run_fuzzer.cmake
# Tries RUNS inputs drawn with SEED (the same inputs on every machine),
# starting from the committed CORPUS, which is only read:
# inputs libFuzzer finds go to WORK_DIR/new (emptied first), a crashing input
# to WORK_DIR/crash-<sha1>, where it stays for reproduction.
file(REMOVE_RECURSE ${WORK_DIR}/new)
file(MAKE_DIRECTORY ${WORK_DIR}/new)
# -timeout: a few microseconds per input is normal; seconds means a hang.
# -malloc_limit_mb: inputs are a few KiB and every allocation is checked
# against the input's size first, so one of 64 MiB is already a bug.
execute_process(COMMAND ${FUZZER} -runs=${RUNS} -seed=${SEED} -timeout=10 -rss_limit_mb=2048
                        -malloc_limit_mb=64 -artifact_prefix=${WORK_DIR}/ -print_final_stats=1
                        ${WORK_DIR}/new ${CORPUS}
                RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "${FUZZER} failed (${status}); the input is in ${WORK_DIR}, "
                      "rerun it with: ${FUZZER} ${WORK_DIR}/<crash-or-timeout-file>")
endif()
