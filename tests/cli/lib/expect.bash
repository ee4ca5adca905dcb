# Shared by the command-line tests (tests/cli/*.sh): counters, ok/bad and expect.
# Sourced, not run: tests/CMakeLists.txt only turns tests/cli/*.sh into tests.
fails=0; passes=0
ok()   { passes=$((passes+1)); }
bad()  { echo "FAIL: $*"; fails=$((fails+1)); }

# expect CODE PATTERN command...: the exit code, and PATTERN somewhere in stdout+stderr
expect() {
  local code=$1 pattern=$2; shift 2
  local out rc
  out=$("$@" 2>&1); rc=$?
  if [ "$rc" != "$code" ]; then bad "exit $rc (wanted $code): $*"; echo "$out" | head -8; return; fi
  if ! grep -qF -- "$pattern" <<<"$out"; then bad "no '$pattern' in output of: $*"; echo "$out" | head -8; return; fi
  ok
}

# The closing line ctest-style runners read; the script's exit status.
finish() { echo "$passes passed, $fails failed"; [ "$fails" = 0 ]; }
