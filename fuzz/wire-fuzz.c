/* wire-fuzz.c - libFuzzer target for the wire decoder
 *
 * mmr_wire_decode() is where bytes from another replica enter this one,
 * so it must turn any byte string into a message or a GError: never read
 * past the buffer, never abort, never leak.  This target feeds it whatever
 * libFuzzer generates, under AddressSanitizer and UBSan, and checks the
 * decoder's own contract on the way:
 *   - exactly one of (message, error) comes back, the error in
 *     MMR_WIRE_ERROR;
 *   - what decodes re-encodes to the very same bytes (the decoder is the
 *     inverse of the canonical encoder, src/net/wire.c);
 *   - decoding into one message reused across all inputs (what a replica
 *     does, mmr_wire_decode_into) gives the same verdict and the same
 *     bytes, whatever that message held before.
 *
 * Not part of the default build; docs/wire-format.md ("Fuzzing") shows the
 * one clang command that builds it, and fuzz/build-fuzzers.sh builds it
 * with the other targets.
 */
#include <string.h>

#include "net/wire.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  g_autoptr (GBytes) bytes = g_bytes_new (data, size);
  g_autoptr (GError) error = NULL;
  g_autoptr (MmrMessage) msg = mmr_wire_decode (bytes, &error);
  g_autoptr (GBytes) again = NULL;

  static MmrMessage *reused;   /* lives as long as the fuzzer */
  g_autoptr (GError) reuse_error = NULL;
  gboolean reused_ok;

  if (reused == NULL)
    reused = mmr_message_new_decoded ();
  reused_ok = mmr_wire_decode_into (bytes, reused, &reuse_error);
  g_assert (reused_ok == (msg != NULL));
  if (msg == NULL)
    {
      g_assert (error != NULL && error->domain == MMR_WIRE_ERROR);
      g_assert (g_strcmp0 (error->message, reuse_error->message) == 0);
      g_assert (reused->registers->len == 0 && reused->need->len == 0);
      return 0;
    }
  g_assert (error == NULL);
  again = mmr_wire_encode (msg, NULL);
  g_assert (g_bytes_equal (bytes, again));
  g_clear_pointer (&again, g_bytes_unref);
  again = mmr_wire_encode (reused, NULL);
  g_assert (g_bytes_equal (bytes, again));
  return 0;
}
