// libFuzzer entry for the csv target (tests/fuzz/targets.hpp; docs/reliability.md#fuzzers).
#include "tests/fuzz/targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  salesim::fuzz::csv(data, size);
  return 0;
}
