/* storage-codec.c - the small byte formats both SQLite file kinds use
 * inside blobs (see storage.h): length-prefixed strings, version vectors
 * and versions, their integers src/core/varint.c's varints.
 *
 * Interface: mmr_storage_put/get_varint, _put/get_string,
 * _vv_encode/_decode, _put/get_version.
 *
 * Invariants: every get checks each length against the end of its buffer
 * and returns FALSE rather than read past it; values are never trusted
 * (a zero or oversized counter, an index past MMR_MAX_REPLICAS, a
 * vector's entries out of order are all malformed).
 */
#include "store/storage.h"

#include <string.h>

#include "core/varint.h"

/* DOC: storage-vv-blob */
gsize
mmr_storage_vv_encode (const MmrVersionVector *vv, guint8 *out)
{
  gsize n = 0;

  for (guint i = 0; i < MMR_MAX_REPLICAS; i++)
    {
      if (vv->c[i] == 0)
        continue;
      out[n++] = (guint8) i;
      n += mmr_varint_encode (vv->c[i], out + n);
    }
  return n;
}

/* Indices, not pointers: SQLite gives an empty blob as NULL, and NULL + 0
 * is undefined in C (tests/sim/run-db-null-test.c). */
gboolean
mmr_storage_vv_decode (const guint8 *data, gsize len, MmrVersionVector *out)
{
  gsize i = 0;
  int last = -1;

  mmr_version_vector_init (out);
  while (i < len)
    {
      guint replica = data[i++];
      guint64 c;
      gsize used = 0;

      if (replica >= MMR_MAX_REPLICAS || (int) replica <= last
          || mmr_varint_decode (data + i, len - i, &c, &used) != MMR_VARINT_OK
          || c == 0 || c > G_MAXUINT32)
        return FALSE;
      i += used;
      last = (int) replica;
      out->c[replica] = (guint32) c;
    }
  return TRUE;
}

void
mmr_storage_put_varint (GByteArray *out, guint64 v)
{
  mmr_varint_append (out, v);
}

gboolean
mmr_storage_get_varint (const guint8 **p, const guint8 *end, guint64 *out)
{
  gsize used = 0;

  if (mmr_varint_decode (*p, (gsize) (end - *p), out, &used) != MMR_VARINT_OK)
    return FALSE;
  *p += used;
  return TRUE;
}

void
mmr_storage_put_string (GByteArray *out, const char *s)
{
  gsize n = strlen (s);

  mmr_storage_put_varint (out, n);
  g_byte_array_append (out, (const guint8 *) s, (guint) n);
}

gboolean
mmr_storage_get_string (const guint8 **p, const guint8 *end, char **out)
{
  guint64 n;

  if (!mmr_storage_get_varint (p, end, &n) || n > (guint64) (end - *p)
      || memchr (*p, '\0', n) != NULL)
    return FALSE;
  *out = g_strndup ((const char *) *p, n);
  *p += n;
  return TRUE;
}

/* DOC: storage-version-blob */
void
mmr_storage_put_version (GByteArray *out, MmrDot dot, gint64 ts,
                         guint32 ts_logical, MmrHlc hlc, const char *value)
{
  guint8 flags = value == NULL ? 1 : 0;

  g_byte_array_append (out, &dot.replica, 1);
  mmr_storage_put_varint (out, dot.counter);
  mmr_storage_put_varint (out, mmr_varint_zigzag_encode (ts));
  mmr_storage_put_varint (out, ts_logical);
  mmr_storage_put_varint (out, mmr_varint_zigzag_encode (hlc.l));
  mmr_storage_put_varint (out, hlc.c);
  g_byte_array_append (out, &flags, 1);
  if (value != NULL)
    mmr_storage_put_string (out, value);
}

gboolean
mmr_storage_get_version (const guint8 **p, const guint8 *end, MmrDot *dot,
                         gint64 *ts, guint32 *ts_logical, MmrHlc *hlc,
                         char **value)
{
  guint64 counter, t, logical, hlc_l, hlc_c;
  guint8 flags;

  *value = NULL;
  if (*p >= end)
    return FALSE;
  dot->replica = *(*p)++;
  if (dot->replica >= MMR_MAX_REPLICAS
      || !mmr_storage_get_varint (p, end, &counter)
      || !mmr_storage_get_varint (p, end, &t)
      || !mmr_storage_get_varint (p, end, &logical)
      || !mmr_storage_get_varint (p, end, &hlc_l)
      || !mmr_storage_get_varint (p, end, &hlc_c)
      || counter == 0 || counter > G_MAXUINT32 || logical > G_MAXUINT32
      || hlc_c > G_MAXUINT32 || *p >= end)
    return FALSE;
  dot->counter = (guint32) counter;
  *ts = mmr_varint_zigzag_decode (t);
  *ts_logical = (guint32) logical;
  hlc->l = mmr_varint_zigzag_decode (hlc_l);
  hlc->c = (guint32) hlc_c;
  flags = *(*p)++;
  if (flags > 1)
    return FALSE;
  return flags == 1 || mmr_storage_get_string (p, end, value);
}
