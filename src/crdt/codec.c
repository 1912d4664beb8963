/* codec.c - varints, strings and dots for the CRDT encoding
 *
 * Interface: mmr_codec_put_* append; mmr_codec_get_* read and check.
 * Invariant: a reader's pos never exceeds len; every get either consumes
 * a whole, well-formed item or fails with a GError naming the byte offset.
 *
 * The format itself is described in crdt.c and docs/crdts.md, "Encoding".
 */
#include "crdt/codec.h"

#include <string.h>

#include "crdt/crdt.h"

void
mmr_codec_put_u8 (GByteArray *out, guint8 v)
{
  g_byte_array_append (out, &v, 1);
}

void
mmr_codec_put_varint (GByteArray *out, guint64 v)
{
  guint8 buf[10];
  guint n = 0;

  do
    {
      buf[n] = v & 0x7f;
      v >>= 7;
      if (v != 0)
        buf[n] |= 0x80;
      n++;
    }
  while (v != 0);
  g_byte_array_append (out, buf, n);
}

void
mmr_codec_put_zigzag (GByteArray *out, gint64 v)
{
  mmr_codec_put_varint (out, ((guint64) v << 1) ^ (guint64) (v >> 63));
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

gboolean
mmr_codec_get_varint (MmrCodecReader *r, guint64 *out, GError **error)
{
  guint64 v = 0;

  for (guint shift = 0; shift < 64; shift += 7)
    {
      guint8 b;

      if (r->pos >= r->len)
        return fail_truncated (r, error);
      b = r->data[r->pos];
      /* The tenth byte may only carry the top bit of a 64-bit value. */
      if (shift == 63 && b > 1)
        return mmr_codec_fail (r, error, "varint longer than 64 bits");
      /* A final zero byte after the first adds nothing: an overlong form. */
      if (shift > 0 && b == 0)
        return mmr_codec_fail (r, error, "overlong varint");
      r->pos++;
      v |= (guint64) (b & 0x7f) << shift;
      if ((b & 0x80) == 0)
        {
          *out = v;
          return TRUE;
        }
    }
  return mmr_codec_fail (r, error, "varint longer than 64 bits");
}

gboolean
mmr_codec_get_zigzag (MmrCodecReader *r, gint64 *out, GError **error)
{
  guint64 u;

  if (!mmr_codec_get_varint (r, &u, error))
    return FALSE;
  *out = (gint64) (u >> 1) ^ -(gint64) (u & 1);
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
