#pragma once
// Replaces the global operator new and delete of the test executable that
// includes it (include it in one source file only) with versions that count
// allocations: a test reads allocation_count around code that must not
// allocate.
#include <atomic>
#include <cstddef>
#include <cstdlib>
#include <new>

namespace ctgrad::testing {
inline std::atomic<std::size_t> allocation_count{0};
inline void* counted_allocation(std::size_t size, std::size_t alignment) {
  ++allocation_count;
  const std::size_t rounded = (std::max<std::size_t>(size, 1) + alignment - 1) / alignment * alignment;
  if (void* memory = std::aligned_alloc(alignment, rounded)) return memory;
  throw std::bad_alloc();
}
}  // namespace ctgrad::testing

void* operator new(std::size_t size) {
  return ctgrad::testing::counted_allocation(size, alignof(std::max_align_t));
}
void* operator new(std::size_t size, std::align_val_t alignment) {
  return ctgrad::testing::counted_allocation(size, static_cast<std::size_t>(alignment));
}
void operator delete(void* memory) noexcept { std::free(memory); }
void operator delete(void* memory, std::size_t) noexcept { std::free(memory); }
void operator delete(void* memory, std::align_val_t) noexcept { std::free(memory); }
void operator delete(void* memory, std::size_t, std::align_val_t) noexcept { std::free(memory); }
// The standard's nothrow forms call the ones above; AddressSanitizer's own do
// not, so under ASan memory from new(std::nothrow) (Catch, std::stable_sort's
// buffer) would come from ASan's allocator and reach std::free. Replaced too.
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  try {
    return operator new(size);
  } catch (const std::bad_alloc&) {
    return nullptr;
  }
}
void* operator new(std::size_t size, std::align_val_t alignment, const std::nothrow_t&) noexcept {
  try {
    return operator new(size, alignment);
  } catch (const std::bad_alloc&) {
    return nullptr;
  }
}
