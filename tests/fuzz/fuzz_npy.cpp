// libFuzzer target for the .npy reader (docs/robustness.md). Every input must
// be either read as an array that agrees with its own shape and with the
// input's last bytes, or refused with ctgrad::io::Error. Any other exception
// escapes, and libFuzzer reports it as a crash, as it does ASan and UBSan
// findings and an allocation beyond -malloc_limit_mb.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <sstream>
#include <string>

#include "ctgrad/io/npy.hpp"

namespace {

template <ctgrad::io::NpyElement T>
void read_as(const std::string& bytes) {
  std::istringstream stream(bytes);
  try {
    const ctgrad::io::NpyArray<T> array = ctgrad::io::read_npy<T>(stream, "fuzz-input.npy");
    const auto count = ctgrad::io::npy_detail::element_count(array.shape);
    const std::span<const std::byte> values = std::as_bytes(std::span(array.values));
    if (!count || *count != array.values.size() || values.size() > bytes.size()) std::abort();
    if (!std::ranges::equal(values, std::as_bytes(std::span(bytes)).last(values.size()))) std::abort();
  } catch (const ctgrad::io::Error&) {
    // The expected refusal of a damaged or foreign file.
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  read_as<float>(bytes);
  read_as<std::uint8_t>(bytes);
  return 0;
}
