/* varint.c - unsigned LEB128 varints and zig-zag
 *
 * Nearly every number the engine writes down is small: replica indices,
 * write counters, HLC counters, string lengths, item counts. A varint
 * (unsigned LEB128) spends one byte on anything below 128 instead of four
 * or eight: seven bits per byte, low bits first, the high bit set on every
 * byte but the last. So 1 is 01, 300 is ac 02, and a 64-bit value takes at
 * most ten bytes, the tenth carrying only the top bit.
 *
 * Signed numbers (physical times, which clock skew can push below zero)
 * are zig-zag mapped first: 0, -1, 1, -2, 2 ... become 0, 1, 2, 3, 4 ...,
 * so that -1 costs one byte rather than the ten of its two's complement.
 *
 * Interface:
 *   mmr_varint_encode / _append          a value -> its bytes
 *   mmr_varint_decode                    bytes -> a value, or why not
 *   mmr_varint_zigzag_encode / _decode   signed <-> unsigned
 *
 * Invariants:
 *   - one encoding per value: the encoder writes the shortest form, and
 *     the decoder rejects every other (a redundant zero byte at the end,
 *     bits past 64, an eleventh byte), so a format built on varints can be
 *     canonical: equal values give equal bytes, and decoding is the exact
 *     inverse of encoding;
 *   - the decoder never reads past the buffer it is given.
 *
 * Users: src/net/wire*.c (the wire format), src/crdt/codec.c (the CRDT
 * encoding), src/store/storage-codec.c (SQLite blobs, recorded runs).
 * Taught in docs/wire-format.md, "Why varints and zig-zag".
 */
#include "core/varint.h"

/* DOC: varint-encode */
guint
mmr_varint_encode (guint64 v, guint8 *out)
{
  guint n = 0;

  while (v >= 0x80)
    {
      out[n++] = (guint8) (v | 0x80);
      v >>= 7;
    }
  out[n++] = (guint8) v;
  return n;
}

void
mmr_varint_append (GByteArray *out, guint64 v)
{
  guint8 buf[MMR_VARINT_MAX_BYTES];

  g_byte_array_append (out, buf, mmr_varint_encode (v, buf));
}

/* DOC: varint-decode */
MmrVarintStatus
mmr_varint_decode (const guint8 *data, gsize len, guint64 *out, gsize *used)
{
  gsize avail = MIN (len, MMR_VARINT_MAX_BYTES);
  guint64 v = 0;

  for (gsize i = 0; i < avail; i++)
    {
      guint8 b = data[i];

      *used = i;
      if (i == MMR_VARINT_MAX_BYTES - 1 && (b & 0x80))
        return MMR_VARINT_TOO_LONG;
      /* The tenth byte holds bit 63 only. */
      if (i == MMR_VARINT_MAX_BYTES - 1 && b > 1)
        return MMR_VARINT_OVERFLOW;
      v |= (guint64) (b & 0x7f) << (7 * i);
      if (b & 0x80)
        continue;
      /* A last byte of zero adds nothing: the shorter form exists. */
      if (b == 0 && i > 0)
        return MMR_VARINT_OVERLONG;
      *used = i + 1;
      *out = v;
      return MMR_VARINT_OK;
    }
  /* Only a short buffer ends the loop: the tenth byte always returns. */
  *used = len;
  return MMR_VARINT_TRUNCATED;
}

/* DOC: varint-zigzag */
guint64
mmr_varint_zigzag_encode (gint64 v)
{
  return ((guint64) v << 1) ^ (v < 0 ? G_MAXUINT64 : 0);
}

gint64
mmr_varint_zigzag_decode (guint64 u)
{
  gint64 half = (gint64) (u >> 1);

  return (u & 1) ? -half - 1 : half;
}
