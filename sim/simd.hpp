// Loops compiled twice: for the baseline x86-64 and for AVX-512 (F, DQ, VL, BW), which GCC turns into
// 8-wide vector code. The AVX-512 form runs where the CPU has it (found once, at start-up). Both forms
// do the same IEEE operations in the same order, so they give the same bits; tests turn the AVX-512
// form off to check that (tests/test_rng.cpp, tests/test_account_scans.cpp, tests/test_engine.cpp). docs/performance.md
#pragma once

#if defined(__x86_64__) && defined(__GNUC__)
#define SALESIM_SIMD_V4 1
#define SALESIM_V4_TARGET __attribute__((target("avx512f,avx512dq,avx512vl,avx512bw")))
#else
#define SALESIM_SIMD_V4 0
#define SALESIM_V4_TARGET
#endif

namespace salesim::simd {

// The AVX-512 forms run here: the CPU has them, SALESIM_NO_AVX512 is not set in the environment
// (any value but "0" or empty turns them off, to compare with a machine without them), and
// allow_v4 has not turned them off.
bool v4();
void allow_v4(bool allow);  // false: every such loop runs its baseline form (for tests)
// Which form runs and why, for a front end to print: "the AVX-512 form", "the baseline form (this
// CPU has no AVX-512)", "... (SALESIM_NO_AVX512 is set)" or "... (turned off)".
const char* form();

}  // namespace salesim::simd
