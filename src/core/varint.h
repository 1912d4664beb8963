/* varint.h - unsigned LEB128 varints and zig-zag, the one integer codec
 *
 * Every byte format in the engine (the wire, the CRDT encoding, the SQLite
 * blobs, a recorded run) writes its integers with these functions, so the
 * three formats agree on what a number looks like and on which byte strings
 * are not numbers at all. See varint.c for the format and why.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The longest varint of a 64-bit value: ceil (64 / 7). */
#define MMR_VARINT_MAX_BYTES 10

/* What mmr_varint_decode found. Every value but OK is malformed input. */
typedef enum {
  MMR_VARINT_OK,
  MMR_VARINT_TRUNCATED,  /* the buffer ends before the last byte */
  MMR_VARINT_OVERLONG,   /* a redundant final zero byte: not minimal */
  MMR_VARINT_OVERFLOW,   /* the tenth byte carries bits past 64 */
  MMR_VARINT_TOO_LONG,   /* the tenth byte still says "more follows" */
} MmrVarintStatus;

/* Writes the minimal encoding of @v at @out and returns its length (1 to
 * 10; at most 5 for a 32-bit value). Writes only those bytes, so @out
 * needs room for the value's length, MMR_VARINT_MAX_BYTES at the most. */
guint           mmr_varint_encode         (guint64 v, guint8 *out);
/* Appends the encoding of @v to @out. */
void            mmr_varint_append         (GByteArray *out, guint64 v);
/* Reads one varint from the @len bytes at @data. On MMR_VARINT_OK, *@out
 * is the value and *@used the bytes it took; on any other status *@out is
 * untouched and *@used is the offset of the offending byte (@len when
 * truncated), so a caller can name the byte in its error. Never reads
 * past @len; rejects every byte string mmr_varint_encode does not write. */
MmrVarintStatus mmr_varint_decode         (const guint8 *data, gsize len,
                                           guint64 *out, gsize *used);
/* 0, -1, 1, -2, 2 ... <-> 0, 1, 2, 3, 4 ...; exact inverses. */
guint64         mmr_varint_zigzag_encode  (gint64 v);
gint64          mmr_varint_zigzag_decode  (guint64 u);

G_END_DECLS
