// libFuzzer target for the safetensors reader (docs/robustness.md). Every
// input must be either read as tensors that agree with their shapes and
// exactly fill the data buffer after the header, or refused with
// ctgrad::io::Error. Any other exception escapes, and libFuzzer reports it as
// a crash, as it does ASan and UBSan findings and an allocation beyond
// -malloc_limit_mb.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <sstream>
#include <string>

#include "ctgrad/io/safetensors.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  std::istringstream stream(bytes);
  try {
    const std::map<std::string, ctgrad::io::TensorData> tensors = ctgrad::io::read_safetensors(stream, "fuzz-input");
    // Accepted, so the first 8 bytes are a header length that fits in the input.
    std::uint64_t header_bytes = 0;
    for (std::size_t index = 0; index < 8; ++index) header_bytes |= std::uint64_t{data[index]} << (8 * index);
    std::uint64_t data_bytes = 0;
    for (const auto& [name, tensor] : tensors) {
      const auto count = ctgrad::io::safetensors_detail::element_count(tensor.shape);
      if (name == "__metadata__" || !count || *count != tensor.values.size()) std::abort();
      data_bytes += tensor.values.size() * sizeof(float);
    }
    if (8 + header_bytes + data_bytes != size) std::abort();
  } catch (const ctgrad::io::Error&) {
    // The expected refusal of a damaged or foreign file.
  }
  return 0;
}
