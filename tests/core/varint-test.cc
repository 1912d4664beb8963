/* varint-test.cc - tests for src/core/varint.c
 *
 * The wire, the CRDT encoding and the SQLite blobs all write their numbers
 * with this codec, so its bytes are pinned here exactly, and so is every
 * way a byte string can fail to be a varint: a decoder that accepted a
 * second spelling of a value would make those formats non-canonical.
 */
#include <glib.h>

extern "C" {
#include "core/varint.h"
}

#include <gtest/gtest.h>

#include <vector>

namespace {

std::vector<guint8>
encode (guint64 v)
{
  guint8 buf[MMR_VARINT_MAX_BYTES + 4];

  memset (buf, 0xee, sizeof buf);
  guint n = mmr_varint_encode (v, buf);
  /* Nothing past the returned length is written. */
  for (guint i = n; i < sizeof buf; i++)
    EXPECT_EQ (buf[i], 0xee) << "byte " << i << " of " << v;
  return std::vector<guint8> (buf, buf + n);
}

struct Decoded
{
  MmrVarintStatus status;
  guint64 value;
  gsize used;
};

Decoded
decode (std::vector<guint8> bytes)
{
  Decoded d = { MMR_VARINT_OK, 0xdeadbeef, 99 };

  /* A heap copy of exactly the given size: ASan catches any read past it. */
  guint8 *copy = (guint8 *) g_memdup2 (bytes.data (), bytes.size ());
  d.status = mmr_varint_decode (copy, bytes.size (), &d.value, &d.used);
  g_free (copy);
  return d;
}

} /* namespace */

TEST (MmrVarint, EncodesDocumentedBytes)
{
  EXPECT_EQ (encode (0), (std::vector<guint8>{ 0x00 }));
  EXPECT_EQ (encode (1), (std::vector<guint8>{ 0x01 }));
  EXPECT_EQ (encode (127), (std::vector<guint8>{ 0x7f }));
  EXPECT_EQ (encode (128), (std::vector<guint8>{ 0x80, 0x01 }));
  EXPECT_EQ (encode (300), (std::vector<guint8>{ 0xac, 0x02 }));
  EXPECT_EQ (encode (16383), (std::vector<guint8>{ 0xff, 0x7f }));
  EXPECT_EQ (encode (16384), (std::vector<guint8>{ 0x80, 0x80, 0x01 }));
  /* 1.5 s in microseconds zig-zagged: the HLC time of docs/wire-format.md's
   * worked example. */
  EXPECT_EQ (encode (3000000), (std::vector<guint8>{ 0xc0, 0x8d, 0xb7, 0x01 }));
  EXPECT_EQ (encode (G_MAXUINT32),
             (std::vector<guint8>{ 0xff, 0xff, 0xff, 0xff, 0x0f }));
  EXPECT_EQ (encode (G_MAXUINT64),
             (std::vector<guint8>{ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                   0xff, 0xff, 0x01 }));
}

TEST (MmrVarint, AppendAddsTheSameBytes)
{
  g_autoptr (GByteArray) out = g_byte_array_new ();

  mmr_varint_append (out, 5);
  mmr_varint_append (out, 300);
  ASSERT_EQ (out->len, 3u);
  EXPECT_EQ (out->data[0], 0x05);
  EXPECT_EQ (out->data[1], 0xac);
  EXPECT_EQ (out->data[2], 0x02);
}

TEST (MmrVarint, DecodesWhatItEncodesAndStopsAtTheLastByte)
{
  const guint64 values[] = { 0, 1, 127, 128, 300, 16384, G_MAXUINT32,
                             (guint64) G_MAXUINT32 + 1, G_MAXUINT64 - 1,
                             G_MAXUINT64 };

  for (guint64 v : values)
    {
      std::vector<guint8> bytes = encode (v);
      gsize n = bytes.size ();

      bytes.push_back (0x7f);  /* the next item: must not be consumed */
      Decoded d = decode (bytes);
      EXPECT_EQ (d.status, MMR_VARINT_OK) << v;
      EXPECT_EQ (d.value, v);
      EXPECT_EQ (d.used, n) << v;
    }
}

TEST (MmrVarint, TruncatedInputNamesTheEnd)
{
  Decoded d = decode ({});
  EXPECT_EQ (d.status, MMR_VARINT_TRUNCATED);
  EXPECT_EQ (d.used, 0u);
  EXPECT_EQ (d.value, 0xdeadbeefu);  /* untouched on failure */

  d = decode ({ 0x80 });
  EXPECT_EQ (d.status, MMR_VARINT_TRUNCATED);
  EXPECT_EQ (d.used, 1u);

  d = decode ({ 0xac, 0x82, 0x80 });
  EXPECT_EQ (d.status, MMR_VARINT_TRUNCATED);
  EXPECT_EQ (d.used, 3u);

  d = decode ({ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff });
  EXPECT_EQ (d.status, MMR_VARINT_TRUNCATED);
  EXPECT_EQ (d.used, 9u);
}

TEST (MmrVarint, OverlongFormsAreRejectedAtTheRedundantByte)
{
  /* 0 spelled in two bytes, 1 in three, 300 with a trailing zero. */
  Decoded d = decode ({ 0x80, 0x00 });
  EXPECT_EQ (d.status, MMR_VARINT_OVERLONG);
  EXPECT_EQ (d.used, 1u);
  EXPECT_EQ (d.value, 0xdeadbeefu);

  d = decode ({ 0x81, 0x80, 0x00 });
  EXPECT_EQ (d.status, MMR_VARINT_OVERLONG);
  EXPECT_EQ (d.used, 2u);

  d = decode ({ 0xac, 0x82, 0x00, 0x05 });
  EXPECT_EQ (d.status, MMR_VARINT_OVERLONG);
  EXPECT_EQ (d.used, 2u);

  /* Ten bytes whose last is zero: still a shorter form exists. */
  d = decode ({ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00 });
  EXPECT_EQ (d.status, MMR_VARINT_OVERLONG);
  EXPECT_EQ (d.used, 9u);
}

TEST (MmrVarint, BitsPastSixtyFourAndAnEleventhByteAreRejected)
{
  /* The tenth byte may only be 0x01 (bit 63). */
  Decoded d = decode ({ 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
                        0x02 });
  EXPECT_EQ (d.status, MMR_VARINT_OVERFLOW);
  EXPECT_EQ (d.used, 9u);
  EXPECT_EQ (d.value, 0xdeadbeefu);

  d = decode ({ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f });
  EXPECT_EQ (d.status, MMR_VARINT_OVERFLOW);
  EXPECT_EQ (d.used, 9u);

  /* "More follows" on the tenth byte: the value would need an eleventh. */
  d = decode ({ 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x81,
                0x00 });
  EXPECT_EQ (d.status, MMR_VARINT_TOO_LONG);
  EXPECT_EQ (d.used, 9u);

  /* ...even when the buffer ends right there. */
  d = decode ({ 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80 });
  EXPECT_EQ (d.status, MMR_VARINT_TOO_LONG);
  EXPECT_EQ (d.used, 9u);
}

TEST (MmrVarint, ZigzagMapsSmallMagnitudesToSmallNumbers)
{
  EXPECT_EQ (mmr_varint_zigzag_encode (0), 0u);
  EXPECT_EQ (mmr_varint_zigzag_encode (-1), 1u);
  EXPECT_EQ (mmr_varint_zigzag_encode (1), 2u);
  EXPECT_EQ (mmr_varint_zigzag_encode (-2), 3u);
  EXPECT_EQ (mmr_varint_zigzag_encode (1500000), 3000000u);
  EXPECT_EQ (mmr_varint_zigzag_encode (G_MAXINT64), G_MAXUINT64 - 1);
  EXPECT_EQ (mmr_varint_zigzag_encode (G_MININT64), G_MAXUINT64);

  const gint64 values[] = { 0, -1, 1, -2, 63, -64, 1500000, -1500000,
                            G_MAXINT64, G_MININT64 };
  for (gint64 v : values)
    EXPECT_EQ (mmr_varint_zigzag_decode (mmr_varint_zigzag_encode (v)), v);
  /* -1 is one byte, not the ten of its two's complement. */
  EXPECT_EQ (encode (mmr_varint_zigzag_encode (-1)),
             (std::vector<guint8>{ 0x01 }));
}
