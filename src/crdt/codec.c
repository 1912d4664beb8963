/* codec.c - varints, strings and dots for the CRDT encoding
 *
 * Interface: mmr_codec_put_* append; mmr_codec_get_* read and check.
 * The integers are src/core/varint.c's; this file adds the reader, its
 * errors and the CRDT's compound items (strings, dots).
 * Invariant: a reader's pos never exceeds len; every get either consumes
 * a whole, well-formed item or fails with a GError naming the byte offset.
 *
 * The format itself is described in crdt.c and docs/crdts.md, "Encoding".
 */
#include "crdt/codec.h"

#include <string.h>

#include "core/varint.h"
#include "crdt/crdt.h"

void
mmr_codec_put_u8 (GByteArray *out, guint8 v)
{
  g_byte_array_append (out, &v, 1);
}

void
mmr_codec_put_varint (GByteArray *out, guint64 v)
{
  mmr_varint_append (out, v);
}

void
mmr_codec_put_zigzag (GByteArray *out, gint64 v)
{
  mmr_varint_append (out, mmr_varint_zigzag_encode (v));
}

void
mmr_codec_put_string (GByteArray *out, const char *s)
{
  gsize len = strlen (s);

  mmr_codec_put_varint (out, len);
  g_byte_array_append (out, (const guint8 *) s, len);
}

void
mmr_codec_put_dot (GByteArray *out, MmrDot dot)
{
  mmr_codec_put_u8 (out, dot.replica);
  mmr_codec_put_varint (out, dot.counter);
}

void
mmr_codec_reader_init (MmrCodecReader *r, const guint8 *data, gsize len)
{
  r->data = data;
  r->len = len;
  r->pos = 0;
}

gboolean
mmr_codec_fail (MmrCodecReader *r, GError **error, const char *why)
{
  g_set_error (error, MMR_CRDT_ERROR, MMR_CRDT_ERROR_DECODE,
               "malformed at byte %" G_GSIZE_FORMAT ": %s", r->pos, why);
  return FALSE;
}

static gboolean
fail_truncated (MmrCodecReader *r, GError **error)
{
  g_set_error (error, MMR_CRDT_ERROR, MMR_CRDT_ERROR_DECODE,
               "truncated at byte %" G_GSIZE_FORMAT, r->pos);
  return FALSE;
}

gboolean
mmr_codec_get_u8 (MmrCodecReader *r, guint8 *out, GError **error)
{
  if (r->pos >= r->len)
    return fail_truncated (r, error);
  *out = r->data[r->pos++];
  return TRUE;
}

/* The error names the offending byte: the end of the buffer when it is
 * truncated, the tenth byte when the value passes 64 bits, the redundant
 * zero byte of an overlong form. */
gboolean
mmr_codec_get_varint (MmrCodecReader *r, guint64 *out, GError **error)
{
  gsize used = 0;
  MmrVarintStatus status = mmr_varint_decode (r->data + r->pos,
                                              r->len - r->pos, out, &used);

  r->pos += used;
  switch (status)
    {
    case MMR_VARINT_OK:
      return TRUE;
    case MMR_VARINT_TRUNCATED:
      return fail_truncated (r, error);
    case MMR_VARINT_OVERLONG:
      return mmr_codec_fail (r, error, "overlong varint");
    case MMR_VARINT_OVERFLOW:
    case MMR_VARINT_TOO_LONG:
    default:
      return mmr_codec_fail (r, error, "varint longer than 64 bits");
    }
}

gboolean
mmr_codec_get_zigzag (MmrCodecReader *r, gint64 *out, GError **error)
{
  guint64 u;

  if (!mmr_codec_get_varint (r, &u, error))
    return FALSE;
  *out = mmr_varint_zigzag_decode (u);
  return TRUE;
}

gboolean
mmr_codec_get_bounded (MmrCodecReader *r, guint64 max, guint64 *out,
                       GError **error)
{
  gsize at = r->pos;

  if (!mmr_codec_get_varint (r, out, error))
    return FALSE;
  if (*out > max)
    {
      r->pos = at;
      return mmr_codec_fail (r, error, "number out of range");
    }
  return TRUE;
}

gboolean
mmr_codec_get_count (MmrCodecReader *r, guint *out, GError **error)
{
  guint64 n;

  if (!mmr_codec_get_bounded (r, r->len - r->pos, &n, error))
    return FALSE;
  *out = (guint) n;
  return TRUE;
}

gboolean
mmr_codec_get_string (MmrCodecReader *r, char **out, GError **error)
{
  guint64 len;
  const guint8 *start;

  if (!mmr_codec_get_varint (r, &len, error))
    return FALSE;
  if (len > r->len - r->pos)
    return fail_truncated (r, error);
  start = r->data + r->pos;
  if (memchr (start, 0, len) != NULL)
    return mmr_codec_fail (r, error, "NUL byte in a string");
  r->pos += len;
  *out = g_strndup ((const char *) start, len);
  return TRUE;
}

gboolean
mmr_codec_get_dot (MmrCodecReader *r, MmrDot *out, GError **error)
{
  guint8 replica;
  guint64 counter;

  if (!mmr_codec_get_u8 (r, &replica, error))
    return FALSE;
  if (replica >= MMR_MAX_REPLICAS)
    {
      r->pos--;
      return mmr_codec_fail (r, error, "replica index out of range");
    }
  if (!mmr_codec_get_bounded (r, G_MAXUINT32, &counter, error))
    return FALSE;
  if (counter == 0)
    {
      r->pos--;
      return mmr_codec_fail (r, error, "dot counter 0");
    }
  out->replica = replica;
  out->counter = (guint32) counter;
  return TRUE;
}

gboolean
mmr_codec_expect_end (MmrCodecReader *r, GError **error)
{
  if (r->pos != r->len)
    return mmr_codec_fail (r, error, "trailing bytes");
  return TRUE;
}
