/* two-p-set.c - 2P-Set: add once, remove forever
 *
 * A two-phase set is a G-Set of added elements and a G-Set of removed ones
 * (tombstones); an element is visible when it was added and not removed
 * (Shapiro et al. 2011, "2P-Set"). Merging unions both sets, so a remove
 * wins over every add, concurrent or later: once removed, an element can
 * never come back. That is the lesson the type is here to teach, and its
 * cost: tombstones are kept forever.
 *
 * Since a remove requires the element to be visible (the 2P-Set's
 * precondition), "removed" implies "added", and the two sets collapse into
 * one map: element -> ADDED or REMOVED, merged by taking the larger state
 * in the order ADDED < REMOVED. That map is the lattice.
 *
 * Interface (through crdt.h): add ELEMENT, rem ELEMENT. The delta is
 * {e -> new state}, or empty when the operation changed nothing: adding
 * a present or removed element, removing one that is not visible.
 *
 * Encoding: n (element state:u8){n}, elements strictly ascending,
 * state 1 = added, 2 = removed.
 *
 * Taught in docs/crdts.md, "2P-Set".
 */
#include "crdt/crdt-class.h"

#include <string.h>

enum { ADDED = 1, REMOVED = 2 };

typedef struct {
  MmrCrdt parent;
  GHashTable *elements;   /* owned string -> GUINT_TO_POINTER (state) */
} TwoPSet;

static const char *const ops[] = { "add", "rem", NULL };

static guint
state_of (GHashTable *elements, const char *e)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (elements, e));
}

static void
twopset_init (MmrCrdt *crdt)
{
  ((TwoPSet *) crdt)->elements =
    g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

static void
twopset_clear (MmrCrdt *crdt)
{
  g_clear_pointer (&((TwoPSet *) crdt)->elements, g_hash_table_unref);
}

/* DOC: twopset-merge */
static void
join_into (GHashTable *into, GHashTable *from)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, from);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      guint ours = state_of (into, key);

      if (ours == 0)
        g_hash_table_insert (into, g_strdup (key), value);
      else if (GPOINTER_TO_UINT (value) > ours)
        g_hash_table_insert (into, g_strdup (key), value);
    }
}

static void
twopset_copy (MmrCrdt *dst, const MmrCrdt *src)
{
  join_into (((TwoPSet *) dst)->elements, ((const TwoPSet *) src)->elements);
}

static MmrCrdt *
twopset_apply (MmrCrdt *crdt, const char *op, const char *arg,
               const MmrCrdtStamp *stamp, GError **error)
{
  TwoPSet *self = (TwoPSet *) crdt;
  int which = mmr_crdt_find_op (ops, op);
  guint now, next;
  TwoPSet *delta;

  (void) stamp;
  if (which < 0)
    {
      mmr_crdt_set_bad_op_error (error, crdt->klass->name, ops, op);
      return NULL;
    }
  if (!mmr_crdt_check_element (op, arg, error))
    return NULL;
  delta = (TwoPSet *) mmr_crdt_new_delta_for (crdt);
  now = state_of (self->elements, arg);
  /* DOC: twopset-removed-forever */
  next = which == 0 ? (now == 0 ? ADDED : now)
                    : (now == ADDED ? REMOVED : now);
  if (next != now)
    {
      g_hash_table_insert (self->elements, g_strdup (arg),
                           GUINT_TO_POINTER (next));
      g_hash_table_insert (delta->elements, g_strdup (arg),
                           GUINT_TO_POINTER (next));
    }
  return &delta->parent;
}

static void
twopset_merge (MmrCrdt *into, const MmrCrdt *other)
{
  join_into (((TwoPSet *) into)->elements,
             ((const TwoPSet *) other)->elements);
}

static gboolean
twopset_equal (const MmrCrdt *a, const MmrCrdt *b)
{
  GHashTable *x = ((const TwoPSet *) a)->elements;
  GHashTable *y = ((const TwoPSet *) b)->elements;
  GHashTableIter iter;
  gpointer key, value;

  if (g_hash_table_size (x) != g_hash_table_size (y))
    return FALSE;
  g_hash_table_iter_init (&iter, x);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (state_of (y, key) != GPOINTER_TO_UINT (value))
      return FALSE;
  return TRUE;
}

static gboolean
twopset_is_empty (const MmrCrdt *crdt)
{
  return g_hash_table_size (((const TwoPSet *) crdt)->elements) == 0;
}

static void
twopset_encode (const MmrCrdt *crdt, GByteArray *out)
{
  GHashTable *elements = ((const TwoPSet *) crdt)->elements;
  guint n;
  g_autofree const char **keys = mmr_crdt_sorted_keys (elements, &n);

  mmr_codec_put_varint (out, n);
  for (guint i = 0; i < n; i++)
    {
      mmr_codec_put_string (out, keys[i]);
      mmr_codec_put_u8 (out, (guint8) state_of (elements, keys[i]));
    }
}

static gboolean
twopset_decode (MmrCrdt *crdt, MmrCodecReader *r, GError **error)
{
  TwoPSet *self = (TwoPSet *) crdt;
  guint n;
  const char *prev = NULL;

  if (!mmr_codec_get_count (r, &n, error))
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *e = NULL;
      guint8 state;

      if (!mmr_codec_get_string (r, &e, error))
        return FALSE;
      if (e[0] == '\0')
        return mmr_codec_fail (r, error, "empty element");
      if (prev != NULL && strcmp (prev, e) >= 0)
        return mmr_codec_fail (r, error, "elements not ascending");
      if (!mmr_codec_get_u8 (r, &state, error))
        return FALSE;
      if (state != ADDED && state != REMOVED)
        {
          r->pos--;
          return mmr_codec_fail (r, error, "unknown element state");
        }
      prev = e;
      g_hash_table_insert (self->elements, g_steal_pointer (&e),
                           GUINT_TO_POINTER (state));
    }
  return TRUE;
}

static void
twopset_read (const MmrCrdt *crdt, GPtrArray *out)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, ((const TwoPSet *) crdt)->elements);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (GPOINTER_TO_UINT (value) == ADDED)
      g_ptr_array_add (out, g_strdup (key));
}

/* The tombstones: a removed element's bytes are kept but never shown. */
static gsize
twopset_metadata_size (const MmrCrdt *crdt)
{
  GHashTableIter iter;
  gpointer key, value;
  gsize n = 0;

  g_hash_table_iter_init (&iter, ((const TwoPSet *) crdt)->elements);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (GPOINTER_TO_UINT (value) == REMOVED)
      n += strlen (key);
  return n;
}

static void
twopset_describe (const MmrCrdt *crdt, GString *out)
{
  GHashTable *elements = ((const TwoPSet *) crdt)->elements;
  guint n;
  g_autofree const char **keys = mmr_crdt_sorted_keys (elements, &n);

  g_string_append_c (out, '{');
  for (guint i = 0; i < n; i++)
    g_string_append_printf (out, "%s%s%s", i > 0 ? "," : "",
                            state_of (elements, keys[i]) == REMOVED ? "-" : "",
                            keys[i]);
  g_string_append_c (out, '}');
}

const MmrCrdtClass mmr_two_p_set_class = {
  .type = MMR_CRDT_TWO_P_SET,
  .name = "2pset",
  .ops = ops,
  .instance_size = sizeof (TwoPSet),
  .init = twopset_init,
  .clear = twopset_clear,
  .copy = twopset_copy,
  .apply = twopset_apply,
  .merge = twopset_merge,
  .equal = twopset_equal,
  .is_empty = twopset_is_empty,
  .encode = twopset_encode,
  .decode = twopset_decode,
  .read = twopset_read,
  .metadata_size = twopset_metadata_size,
  .describe = twopset_describe,
};
