/* g-set.c - G-Set: a set that only grows
 *
 * Elements can be added, never removed; merge is set union. It is the
 * simplest CRDT there is, and the building block the other sets refine:
 * the 2P-Set adds a second G-Set of removed elements, the OR-Set tags
 * every add so that a remove can name exactly what it saw.
 *
 * Interface (through crdt.h): add ELEMENT. The delta of add e is {e}, or
 * empty when e was already there (a delta is the smallest state that
 * carries the change).
 *
 * Invariants: elements are non-empty strings without NUL bytes.
 *
 * Encoding: n element{n}, strictly ascending (strcmp).
 *
 * Taught in docs/crdts.md, "G-Set".
 */
#include "crdt/crdt-class.h"

#include <string.h>

typedef struct {
  MmrCrdt parent;
  GHashTable *elements;   /* set of owned strings */
} GSet;

static const char *const ops[] = { "add", NULL };

static void
gset_init (MmrCrdt *crdt)
{
  ((GSet *) crdt)->elements = g_hash_table_new_full (g_str_hash, g_str_equal,
                                                     g_free, NULL);
}

static void
gset_clear (MmrCrdt *crdt)
{
  g_clear_pointer (&((GSet *) crdt)->elements, g_hash_table_unref);
}

static void
add_all (GHashTable *into, GHashTable *from)
{
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, from);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (into, key))
      g_hash_table_add (into, g_strdup (key));
}

static void
gset_copy (MmrCrdt *dst, const MmrCrdt *src)
{
  add_all (((GSet *) dst)->elements, ((const GSet *) src)->elements);
}

static MmrCrdt *
gset_apply (MmrCrdt *crdt, const char *op, const char *arg,
            const MmrCrdtStamp *stamp, GError **error)
{
  GSet *self = (GSet *) crdt;
  GSet *delta;

  (void) stamp;
  if (mmr_crdt_find_op (ops, op) < 0)
    {
      mmr_crdt_set_bad_op_error (error, crdt->klass->name, ops, op);
      return NULL;
    }
  if (!mmr_crdt_check_element (op, arg, error))
    return NULL;
  delta = (GSet *) mmr_crdt_new_delta_for (crdt);
  if (!g_hash_table_contains (self->elements, arg))
    {
      g_hash_table_add (self->elements, g_strdup (arg));
      g_hash_table_add (delta->elements, g_strdup (arg));
    }
  return &delta->parent;
}

/* DOC: gset-merge */
static void
gset_merge (MmrCrdt *into, const MmrCrdt *other)
{
  add_all (((GSet *) into)->elements, ((const GSet *) other)->elements);
}

static gboolean
gset_equal (const MmrCrdt *a, const MmrCrdt *b)
{
  GHashTable *x = ((const GSet *) a)->elements;
  GHashTable *y = ((const GSet *) b)->elements;
  GHashTableIter iter;
  gpointer key;

  if (g_hash_table_size (x) != g_hash_table_size (y))
    return FALSE;
  g_hash_table_iter_init (&iter, x);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (y, key))
      return FALSE;
  return TRUE;
}

static gboolean
gset_is_empty (const MmrCrdt *crdt)
{
  return g_hash_table_size (((const GSet *) crdt)->elements) == 0;
}

static void
gset_encode (const MmrCrdt *crdt, GByteArray *out)
{
  guint n;
  g_autofree const char **keys =
    mmr_crdt_sorted_keys (((const GSet *) crdt)->elements, &n);

  mmr_codec_put_varint (out, n);
  for (guint i = 0; i < n; i++)
    mmr_codec_put_string (out, keys[i]);
}

static gboolean
gset_decode (MmrCrdt *crdt, MmrCodecReader *r, GError **error)
{
  GSet *self = (GSet *) crdt;
  guint n;
  const char *prev = NULL;

  if (!mmr_codec_get_count (r, &n, error))
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *e = NULL;

      if (!mmr_codec_get_string (r, &e, error))
        return FALSE;
      if (e[0] == '\0')
        return mmr_codec_fail (r, error, "empty element");
      if (prev != NULL && strcmp (prev, e) >= 0)
        return mmr_codec_fail (r, error, "elements not ascending");
      prev = e;
      g_hash_table_add (self->elements, g_steal_pointer (&e));
    }
  return TRUE;
}

static void
gset_read (const MmrCrdt *crdt, GPtrArray *out)
{
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, ((const GSet *) crdt)->elements);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (out, g_strdup (key));
}

static gsize
gset_metadata_size (const MmrCrdt *crdt)
{
  (void) crdt;
  return 0;   /* a G-Set keeps nothing but its elements */
}

static void
gset_describe (const MmrCrdt *crdt, GString *out)
{
  guint n;
  g_autofree const char **keys =
    mmr_crdt_sorted_keys (((const GSet *) crdt)->elements, &n);

  g_string_append_c (out, '{');
  for (guint i = 0; i < n; i++)
    g_string_append_printf (out, "%s%s", i > 0 ? "," : "", keys[i]);
  g_string_append_c (out, '}');
}

const MmrCrdtClass mmr_g_set_class = {
  .type = MMR_CRDT_GSET,
  .name = "gset",
  .ops = ops,
  .instance_size = sizeof (GSet),
  .init = gset_init,
  .clear = gset_clear,
  .copy = gset_copy,
  .apply = gset_apply,
  .merge = gset_merge,
  .equal = gset_equal,
  .is_empty = gset_is_empty,
  .encode = gset_encode,
  .decode = gset_decode,
  .read = gset_read,
  .metadata_size = gset_metadata_size,
  .describe = gset_describe,
};
