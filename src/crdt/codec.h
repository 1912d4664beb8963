/* codec.h - the byte-level pieces of the CRDT encoding (private)
 *
 * Writers append to a GByteArray; a reader walks a borrowed buffer and
 * checks every length against what is left before it reads, so truncated
 * or hostile bytes become an MMR_CRDT_ERROR_DECODE GError, never a read
 * past the end. Integers are unsigned LEB128 varints (signed ones zig-zag
 * first); the reader rejects overlong varints so that every value has one
 * encoding, which keeps the whole format canonical.
 */
#pragma once

#include <glib.h>

#include "core/version-vector.h"

G_BEGIN_DECLS

typedef struct {
  const guint8 *data;
  gsize len;
  gsize pos;
} MmrCodecReader;

void     mmr_codec_put_u8       (GByteArray *out, guint8 v);
void     mmr_codec_put_varint   (GByteArray *out, guint64 v);
void     mmr_codec_put_zigzag   (GByteArray *out, gint64 v);
/* varint length, then the bytes (no terminating NUL). */
void     mmr_codec_put_string   (GByteArray *out, const char *s);
void     mmr_codec_put_dot      (GByteArray *out, MmrDot dot);

void     mmr_codec_reader_init  (MmrCodecReader *r, const guint8 *data,
                                 gsize len);
gboolean mmr_codec_get_u8       (MmrCodecReader *r, guint8 *out,
                                 GError **error);
gboolean mmr_codec_get_varint   (MmrCodecReader *r, guint64 *out,
                                 GError **error);
gboolean mmr_codec_get_zigzag   (MmrCodecReader *r, gint64 *out,
                                 GError **error);
/* A varint no larger than @max. */
gboolean mmr_codec_get_bounded  (MmrCodecReader *r, guint64 max,
                                 guint64 *out, GError **error);
/* An item count: each item takes at least one byte, so a count larger
 * than what is left is malformed (and is never used to allocate). */
gboolean mmr_codec_get_count    (MmrCodecReader *r, guint *out,
                                 GError **error);
/* An owned, NUL-terminated copy; strings with NUL bytes are rejected. */
gboolean mmr_codec_get_string   (MmrCodecReader *r, char **out,
                                 GError **error);
/* replica < MMR_MAX_REPLICAS, 1 <= counter <= G_MAXUINT32 */
gboolean mmr_codec_get_dot      (MmrCodecReader *r, MmrDot *out,
                                 GError **error);
gboolean mmr_codec_expect_end   (MmrCodecReader *r, GError **error);
/* Sets MMR_CRDT_ERROR_DECODE "malformed at byte N: <why>"; returns FALSE. */
gboolean mmr_codec_fail         (MmrCodecReader *r, GError **error,
                                 const char *why);

G_END_DECLS
