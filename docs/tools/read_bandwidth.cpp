// What one core reads from memory per second: a sum over a 1 GiB array, best of 5 passes. The
// reference for "how close is the hot loop to memory bandwidth" in docs/performance.md.
//   g++ -O2 -o /tmp/read_bandwidth docs/tools/read_bandwidth.cpp && /tmp/read_bandwidth
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <vector>

int main() {
  const size_t n = (size_t(1) << 30) / sizeof(uint64_t);
  std::vector<uint64_t> a(n);
  for (size_t i = 0; i < n; ++i) a[i] = i;
  double best = 1e300;
  uint64_t sink = 0;
  for (int pass = 0; pass < 5; ++pass) {
    const auto t0 = std::chrono::steady_clock::now();
    uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (size_t i = 0; i < n; i += 4) {
      s0 += a[i];
      s1 += a[i + 1];
      s2 += a[i + 2];
      s3 += a[i + 3];
    }
    sink += s0 + s1 + s2 + s3;
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (s < best) best = s;
  }
  std::printf("read %.1f GB/s (1 GiB, best of 5; checksum %llu)\n", double(n * sizeof(uint64_t)) / best / 1e9,
              static_cast<unsigned long long>(sink % 1000));
  return 0;
}
