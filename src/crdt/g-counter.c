/* g-counter.c - G-Counter: a counter that only grows
 *
 * Each replica counts its own increments in its own slot; the value is
 * the sum of the slots. Two replicas never write the same slot, so merging
 * takes the larger of each pair of slots: the one that has seen more of
 * that replica's increments. Taking the max (not the sum) is what makes a
 * duplicated or re-delivered state harmless.
 *
 * Interface (through crdt.h): incr [N].  Delta of incr at replica r: a
 * G-Counter with only slot r set, to r's new total (not to N: a slot that
 * carried N would be a different lattice, and max would lose increments).
 *
 * Invariants: every slot is <= MMR_CRDT_COUNT_MAX, so the sum of sixteen
 * fits a gint64; slots only grow.
 *
 * Encoding: the counts vector, n (replica:u8 count){n}, ascending.
 *
 * Taught in docs/crdts.md, "G-Counter".
 */
#include "crdt/crdt-class.h"

#include <string.h>

typedef struct {
  MmrCrdt parent;
  guint64 p[MMR_MAX_REPLICAS];
} GCounter;

static const char *const ops[] = { "incr", NULL };

static void
gcounter_init (MmrCrdt *crdt)
{
  (void) crdt;   /* g_malloc0 already made every slot zero */
}

static void
gcounter_clear (MmrCrdt *crdt)
{
  (void) crdt;
}

static void
gcounter_copy (MmrCrdt *dst, const MmrCrdt *src)
{
  memcpy (((GCounter *) dst)->p, ((const GCounter *) src)->p,
          sizeof ((GCounter *) dst)->p);
}

static MmrCrdt *
gcounter_apply (MmrCrdt *crdt, const char *op, const char *arg,
                 const MmrCrdtStamp *stamp, GError **error)
{
  GCounter *self = (GCounter *) crdt;
  guint r = crdt->replica;
  guint64 n;
  GCounter *delta;

  (void) stamp;
  if (mmr_crdt_find_op (ops, op) < 0)
    {
      mmr_crdt_set_bad_op_error (error, crdt->klass->name, ops, op);
      return NULL;
    }
  if (!mmr_crdt_parse_amount (op, arg, &n, error))
    return NULL;
  if (n > MMR_CRDT_COUNT_MAX - self->p[r])
    {
      g_set_error (error, MMR_CRDT_ERROR, MMR_CRDT_ERROR_OVERFLOW,
                   "incr would take replica %c's count past %" G_GINT64_FORMAT,
                   MMR_REPLICA_LETTER (r), MMR_CRDT_COUNT_MAX);
      return NULL;
    }
  self->p[r] += n;   /* DOC: gcounter-incr */
  delta = (GCounter *) mmr_crdt_new_delta_for (crdt);
  delta->p[r] = self->p[r];
  return &delta->parent;
}

/* DOC: gcounter-merge */
static void
gcounter_merge (MmrCrdt *into, const MmrCrdt *other)
{
  GCounter *a = (GCounter *) into;
  const GCounter *b = (const GCounter *) other;

  for (guint i = 0; i < MMR_MAX_REPLICAS; i++)
    a->p[i] = MAX (a->p[i], b->p[i]);
}

static gboolean
gcounter_equal (const MmrCrdt *a, const MmrCrdt *b)
{
  return memcmp (((const GCounter *) a)->p, ((const GCounter *) b)->p,
                 sizeof ((GCounter *) a)->p) == 0;
}

guint
mmr_g_counter_vector_n_entries (const guint64 *counts)
{
  guint n = 0;

  for (guint i = 0; i < MMR_MAX_REPLICAS; i++)
    n += counts[i] != 0;
  return n;
}

static gboolean
gcounter_is_empty (const MmrCrdt *crdt)
{
  return mmr_g_counter_vector_n_entries (((const GCounter *) crdt)->p) == 0;
}

void
mmr_g_counter_vector_encode (const guint64 *counts, GByteArray *out)
{
  mmr_codec_put_varint (out, mmr_g_counter_vector_n_entries (counts));
  for (guint i = 0; i < MMR_MAX_REPLICAS; i++)
    if (counts[i] != 0)
      {
        mmr_codec_put_u8 (out, (guint8) i);
        mmr_codec_put_varint (out, counts[i]);
      }
}

gboolean
mmr_g_counter_vector_decode (guint64 *counts, MmrCodecReader *r,
                             GError **error)
{
  guint n;
  int last = -1;

  if (!mmr_codec_get_count (r, &n, error))
    return FALSE;
  if (n > MMR_MAX_REPLICAS)
    return mmr_codec_fail (r, error, "too many counter entries");
  for (guint i = 0; i < n; i++)
    {
      guint8 replica;
      guint64 count;

      if (!mmr_codec_get_u8 (r, &replica, error))
        return FALSE;
      if (replica >= MMR_MAX_REPLICAS || (int) replica <= last)
        {
          r->pos--;
          return mmr_codec_fail (r, error, "counter replicas not ascending");
        }
      last = replica;
      if (!mmr_codec_get_bounded (r, MMR_CRDT_COUNT_MAX, &count, error))
        return FALSE;
      if (count == 0)
        return mmr_codec_fail (r, error, "zero counter entry");
      counts[replica] = count;
    }
  return TRUE;
}

void
mmr_g_counter_vector_describe (const guint64 *counts, GString *out)
{
  gboolean first = TRUE;

  g_string_append_c (out, '{');
  for (guint i = 0; i < MMR_MAX_REPLICAS; i++)
    if (counts[i] != 0)
      {
        g_string_append_printf (out, "%s%c:%" G_GUINT64_FORMAT,
                                first ? "" : ", ", MMR_REPLICA_LETTER (i),
                                counts[i]);
        first = FALSE;
      }
  g_string_append_c (out, '}');
}

static void
gcounter_encode (const MmrCrdt *crdt, GByteArray *out)
{
  mmr_g_counter_vector_encode (((const GCounter *) crdt)->p, out);
}

static gboolean
gcounter_decode (MmrCrdt *crdt, MmrCodecReader *r, GError **error)
{
  return mmr_g_counter_vector_decode (((GCounter *) crdt)->p, r, error);
}

static void
gcounter_read (const MmrCrdt *crdt, GPtrArray *out)
{
  const GCounter *self = (const GCounter *) crdt;
  guint64 sum = 0;

  for (guint i = 0; i < MMR_MAX_REPLICAS; i++)
    sum += self->p[i];
  g_ptr_array_add (out, g_strdup_printf ("%" G_GUINT64_FORMAT, sum));
}

static gsize
gcounter_metadata_size (const MmrCrdt *crdt)
{
  return mmr_g_counter_vector_n_entries (((const GCounter *) crdt)->p)
         * (MMR_META_REPLICA + MMR_META_COUNT);
}

static void
gcounter_describe (const MmrCrdt *crdt, GString *out)
{
  mmr_g_counter_vector_describe (((const GCounter *) crdt)->p, out);
}

const MmrCrdtClass mmr_g_counter_class = {
  .type = MMR_CRDT_GCOUNTER,
  .name = "gcounter",
  .ops = ops,
  .instance_size = sizeof (GCounter),
  .init = gcounter_init,
  .clear = gcounter_clear,
  .copy = gcounter_copy,
  .apply = gcounter_apply,
  .merge = gcounter_merge,
  .equal = gcounter_equal,
  .is_empty = gcounter_is_empty,
  .encode = gcounter_encode,
  .decode = gcounter_decode,
  .read = gcounter_read,
  .metadata_size = gcounter_metadata_size,
  .describe = gcounter_describe,
};
