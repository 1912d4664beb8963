/* probe.c - does this clang have libFuzzer? fuzz/meson.build links this
 * at configure time; without the fuzzer runtime the fuzz tests skip. */
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  (void) data;
  (void) size;
  return 0;
}
