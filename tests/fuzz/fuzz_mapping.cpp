// libFuzzer entry for the mapping target (tests/fuzz/targets.hpp; docs/reliability.md#fuzzers).
#include "tests/fuzz/targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  salesim::fuzz::mapping(data, size);
  return 0;
}
