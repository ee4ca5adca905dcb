// The chunked array that holds the intervention log (sim/chunked_vector.hpp).
#include <catch2/catch.hpp>
#include <numeric>

#include "sim/chunked_vector.hpp"

TEST_CASE("a chunked vector keeps its elements in place across chunks", "[chunked]") {
  salesim::ChunkedVector<int, 3> v;  // chunks of 8
  for (int i = 0; i < 30; ++i) v.push_back(i);
  REQUIRE(v.size() == 30);
  int* fifth = &v[5];
  for (int i = 30; i < 100; ++i) v.push_back(i);
  CHECK(fifth == &v[5]);  // appending never moved it
  CHECK(v[63] == 63);
  CHECK(v.back() == 99);
  CHECK(std::accumulate(v.begin(), v.end(), 0) == 4950);
  const auto copy = v.to_vector();
  CHECK(copy.size() == 100);
  CHECK(copy[77] == 77);
  v.resize(10);
  CHECK(v.size() == 10);
  v.resize(20);
  CHECK(v[9] == 9);
  CHECK(v[15] == 0);  // grown elements are value-initialised
  v.clear();
  CHECK(v.empty());
  CHECK(v.begin() == v.end());
}
