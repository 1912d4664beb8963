/* or-set.c - OR-Set: an add-wins set with dots and no tombstones
 *
 * An observed-remove set lets an element be removed and added again, and
 * resolves a concurrent add and remove of the same element in favour of
 * the add. Every add is tagged with a fresh dot (replica, counter); a
 * remove deletes exactly the dots it observed, so an add it did not see
 * (a dot it does not know) survives.
 *
 * The first OR-Set kept every removed tag as a tombstone. This is the
 * optimized one (Bieniusa, Zawirski, Preguica, Shapiro, Baquero, Balegas,
 * Duarte, "An optimized conflict-free replicated set", 2012), in its
 * delta-state form (Almeida, Shoker, Baquero, "Delta state replicated data
 * types", 2018, the add-wins OR-Set over a causal context):
 *
 *   entries  element -> the set of dots of its live adds;
 *   ctx      every dot this state has seen (causal-context.c).
 *
 * A dot in ctx but in no entry was removed. Nothing else is remembered, so
 * the cost of removals is the causal context: one counter per replica once
 * delivery catches up, whatever the number of elements ever removed.
 *
 * Join (dot_set_join): an element keeps a dot that both sides hold, or
 * that one side holds and the other has not seen. A dot that one side
 * holds and the other has seen but dropped was removed there: it goes.
 *
 * Interface (through crdt.h): add ELEMENT, rem ELEMENT.
 *   add e at r: new dot d; the delta is ({e -> {d}}, ctx {d} + e's old
 *     dots): it replaces the adds r saw, so an element keeps one dot per
 *     concurrent add, not one per add ever made.
 *   rem e: the delta is ({e -> {}}, ctx e's dots); empty if e is absent.
 *
 * Invariants:
 *   - every dot in entries is in ctx; no dot is under two elements;
 *   - a full state has no element with an empty dot set;
 *   - a delta (crdt.h, mmr_crdt_is_delta) lists every element that a dot
 *     of its ctx ever belonged to, with an empty dot set if need be. That
 *     promise is what lets merging a delta visit only the delta's elements
 *     instead of all of a large state's (orset_merge).
 *
 * Encoding: n (element m dot{m}){n}, elements strictly ascending, dots
 * ascending, then the causal context.
 *
 * Taught in docs/crdts.md, "OR-Set".
 */
#include "crdt/crdt-class.h"

#include <stdlib.h>
#include <string.h>

#include "crdt/causal-context.h"
#include "crdt/small-map.h"

typedef struct {
  guint n;
  MmrDot dots[];    /* ascending */
} DotSet;

typedef struct {
  MmrCrdt parent;
  MmrSmallMap entries;   /* owned element -> owned DotSet */
  MmrCausalContext ctx;
} OrSet;

static const char *const ops[] = { "add", "rem", NULL };

static DotSet *
dot_set_new (guint n)
{
  DotSet *s = g_malloc (sizeof (DotSet) + n * sizeof (MmrDot));

  s->n = n;
  return s;
}

static DotSet *
dot_set_dup (const DotSet *s)
{
  return g_memdup2 (s, sizeof (DotSet) + s->n * sizeof (MmrDot));
}

static gboolean
dot_set_equal (const DotSet *a, const DotSet *b)
{
  if (a->n != b->n)
    return FALSE;
  for (guint i = 0; i < a->n; i++)
    if (!mmr_dot_equal (a->dots[i], b->dots[i]))
      return FALSE;
  return TRUE;
}

/* DOC: orset-join */
/* Writes the join of @a and @b (either may be NULL) to @out, which has
 * room for both; returns the number of dots. */
static guint
dot_set_join (const DotSet *a, const MmrCausalContext *ca,
              const DotSet *b, const MmrCausalContext *cb, MmrDot *out)
{
  guint na = a != NULL ? a->n : 0, nb = b != NULL ? b->n : 0;
  guint i = 0, j = 0, k = 0;

  while (i < na || j < nb)
    {
      int cmp = i == na ? 1 : j == nb ? -1
                : mmr_dot_compare (a->dots[i], b->dots[j]);

      if (cmp == 0)
        {
          out[k++] = a->dots[i++];   /* both hold it */
          j++;
        }
      else if (cmp < 0)
        {
          if (!mmr_causal_context_contains (cb, a->dots[i]))
            out[k++] = a->dots[i];   /* b has not seen it */
          i++;
        }
      else
        {
          if (!mmr_causal_context_contains (ca, b->dots[j]))
            out[k++] = b->dots[j];
          j++;
        }
    }
  return k;
}

/* The elements in encoding order, borrowed, in an array to g_free. */
static const char **
sorted_elements (const OrSet *self, guint *out_n)
{
  gpointer *keys = mmr_small_map_dup_keys ((MmrSmallMap *) &self->entries,
                                           out_n);

  qsort (keys, *out_n, sizeof *keys, mmr_crdt_strv_compare);
  return (const char **) keys;
}

static void
orset_init (MmrCrdt *crdt)
{
  OrSet *self = (OrSet *) crdt;

  mmr_small_map_init (&self->entries, g_str_hash, g_str_equal, g_free,
                      g_free);
  mmr_causal_context_init (&self->ctx);
}

static void
orset_clear (MmrCrdt *crdt)
{
  OrSet *self = (OrSet *) crdt;

  mmr_small_map_clear (&self->entries);
  mmr_causal_context_clear (&self->ctx);
}

static void
orset_copy (MmrCrdt *dst, const MmrCrdt *src)
{
  OrSet *d = (OrSet *) dst;
  const OrSet *s = (const OrSet *) src;
  MmrSmallMapIter iter;
  gpointer key, value;

  mmr_small_map_iter_init (&iter, (MmrSmallMap *) &s->entries);
  while (mmr_small_map_iter_next (&iter, &key, &value))
    mmr_small_map_insert (&d->entries, g_strdup (key), dot_set_dup (value));
  mmr_causal_context_copy (&d->ctx, &s->ctx);
}

static MmrCrdt *
add (OrSet *self, const char *e, GError **error)
{
  DotSet *old = mmr_small_map_lookup (&self->entries, e);
  OrSet *delta;
  DotSet *mine;
  MmrDot d;

  if (!mmr_causal_context_next_dot (&self->ctx, self->parent.replica,
                                    self->parent.dot_floor, &d))
    {
      g_set_error (error, MMR_CRDT_ERROR, MMR_CRDT_ERROR_OVERFLOW,
                   "replica %c has used every dot",
                   MMR_REPLICA_LETTER (self->parent.replica));
      return NULL;
    }
  delta = (OrSet *) mmr_crdt_new_delta_for (&self->parent);
  mmr_causal_context_add (&delta->ctx, d);
  for (guint i = 0; old != NULL && i < old->n; i++)
    mmr_causal_context_add (&delta->ctx, old->dots[i]);
  mine = dot_set_new (1);
  mine->dots[0] = d;
  mmr_small_map_insert (&delta->entries, g_strdup (e), mine);

  /* DOC: orset-add */
  mmr_causal_context_add (&self->ctx, d);
  if (old != NULL && old->n > 0)
    {
      old->dots[0] = d;    /* the new add replaces every add r saw */
      old->n = 1;
    }
  else
    mmr_small_map_insert (&self->entries, g_strdup (e), dot_set_dup (mine));
  return &delta->parent;
}

static MmrCrdt *
rem (OrSet *self, const char *e)
{
  DotSet *old = mmr_small_map_lookup (&self->entries, e);
  OrSet *delta = (OrSet *) mmr_crdt_new_delta_for (&self->parent);

  if (old == NULL)
    return &delta->parent;
  /* DOC: orset-rem */
  for (guint i = 0; i < old->n; i++)
    mmr_causal_context_add (&delta->ctx, old->dots[i]);
  mmr_small_map_insert (&delta->entries, g_strdup (e), dot_set_new (0));
  mmr_small_map_remove (&self->entries, e);   /* its dots stay in ctx */
  return &delta->parent;
}

static MmrCrdt *
orset_apply (MmrCrdt *crdt, const char *op, const char *arg,
             const MmrCrdtStamp *stamp, GError **error)
{
  int which = mmr_crdt_find_op (ops, op);

  (void) stamp;
  if (which < 0)
    {
      mmr_crdt_set_bad_op_error (error, crdt->klass->name, ops, op);
      return NULL;
    }
  if (!mmr_crdt_check_element (op, arg, error))
    return NULL;
  return which == 0 ? add ((OrSet *) crdt, arg, error)
                    : rem ((OrSet *) crdt, arg);
}

/* Joins @theirs (may be NULL: an element @b does not hold) into @a's
 * entry for @e, in place when the dots fit: a full merge of two large
 * states mostly finds nothing to change, and should allocate nothing. */
static void
join_entry (OrSet *a, const char *e, const DotSet *theirs,
            const MmrCausalContext *their_ctx, gboolean keep_empty)
{
  DotSet *ours = mmr_small_map_lookup (&a->entries, e);
  guint room = (ours != NULL ? ours->n : 0)
               + (theirs != NULL ? theirs->n : 0);
  MmrDot stack[16];
  g_autofree MmrDot *heap = room > G_N_ELEMENTS (stack)
                            ? g_new (MmrDot, room) : NULL;
  MmrDot *joined = heap != NULL ? heap : stack;
  guint n = dot_set_join (ours, &a->ctx, theirs, their_ctx, joined);
  DotSet *fresh;

  if (n == 0 && !keep_empty)
    {
      if (ours != NULL)
        mmr_small_map_remove (&a->entries, e);
      return;
    }
  if (ours != NULL && n <= ours->n)
    {
      memcpy (ours->dots, joined, n * sizeof (MmrDot));  /* shrinks or same */
      ours->n = n;
      return;
    }
  fresh = dot_set_new (n);
  memcpy (fresh->dots, joined, n * sizeof (MmrDot));
  mmr_small_map_insert (&a->entries, g_strdup (e), fresh);
}

/* DOC: orset-delta-merge */
static void
orset_merge (MmrCrdt *into, const MmrCrdt *other)
{
  OrSet *a = (OrSet *) into;
  const OrSet *b = (const OrSet *) other;
  gboolean result_is_delta = into->is_delta && other->is_delta;
  MmrSmallMapIter iter;
  gpointer key, value;

  /* Elements only @into holds: @other's context can have removed them
   * only if @other is a full state (a delta lists what it removed). */
  if (!other->is_delta)
    {
      mmr_small_map_iter_init (&iter, &a->entries);
      while (mmr_small_map_iter_next (&iter, &key, &value))
        {
          DotSet *ours = value;
          guint kept = 0;

          if (mmr_small_map_lookup (&b->entries, key) != NULL)
            continue;
          for (guint i = 0; i < ours->n; i++)
            if (!mmr_causal_context_contains (&b->ctx, ours->dots[i]))
              ours->dots[kept++] = ours->dots[i];
          ours->n = kept;
          if (kept == 0 && !result_is_delta)
            mmr_small_map_iter_remove (&iter);
        }
    }
  mmr_small_map_iter_init (&iter, (MmrSmallMap *) &b->entries);
  while (mmr_small_map_iter_next (&iter, &key, &value))
    join_entry (a, key, value, &b->ctx, result_is_delta);
  mmr_causal_context_join (&a->ctx, &b->ctx);
}

static gboolean
orset_equal (const MmrCrdt *x, const MmrCrdt *y)
{
  const OrSet *a = (const OrSet *) x;
  const OrSet *b = (const OrSet *) y;
  MmrSmallMapIter iter;
  gpointer key, value;
  guint na = 0, nb = 0;

  if (!mmr_causal_context_equal (&a->ctx, &b->ctx))
    return FALSE;
  /* Elements listed with no dots (in deltas) are not part of the state. */
  mmr_small_map_iter_init (&iter, (MmrSmallMap *) &a->entries);
  while (mmr_small_map_iter_next (&iter, &key, &value))
    {
      const DotSet *theirs = mmr_small_map_lookup (&b->entries, key);

      if (((DotSet *) value)->n == 0)
        continue;
      na++;
      if (theirs == NULL || !dot_set_equal (value, theirs))
        return FALSE;
    }
  mmr_small_map_iter_init (&iter, (MmrSmallMap *) &b->entries);
  while (mmr_small_map_iter_next (&iter, &key, &value))
    nb += ((DotSet *) value)->n != 0;
  return na == nb;
}

static gboolean
orset_is_empty (const MmrCrdt *crdt)
{
  /* Every dot is in ctx, so an empty ctx means no entry has dots. */
  return mmr_causal_context_is_empty (&((const OrSet *) crdt)->ctx);
}

static void
orset_encode (const MmrCrdt *crdt, GByteArray *out)
{
  const OrSet *self = (const OrSet *) crdt;
  guint n;
  g_autofree const char **keys = sorted_elements (self, &n);

  mmr_codec_put_varint (out, n);
  for (guint i = 0; i < n; i++)
    {
      const DotSet *s = mmr_small_map_lookup (&self->entries, keys[i]);

      mmr_codec_put_string (out, keys[i]);
      mmr_codec_put_varint (out, s->n);
      for (guint k = 0; k < s->n; k++)
        mmr_codec_put_dot (out, s->dots[k]);
    }
  mmr_causal_context_encode (&self->ctx, out);
}

static gboolean
decode_dot_set (MmrCodecReader *r, gboolean allow_empty, GArray *all_dots,
                DotSet **out, GError **error)
{
  guint n;
  g_autofree DotSet *s = NULL;

  if (!mmr_codec_get_count (r, &n, error))
    return FALSE;
  if (n == 0 && !allow_empty)
    return mmr_codec_fail (r, error, "element without dots in a full state");
  s = dot_set_new (n);
  for (guint k = 0; k < n; k++)
    {
      if (!mmr_codec_get_dot (r, &s->dots[k], error))
        return FALSE;
      if (k > 0 && mmr_dot_compare (s->dots[k - 1], s->dots[k]) >= 0)
        return mmr_codec_fail (r, error, "dots not ascending");
    }
  g_array_append_vals (all_dots, s->dots, n);
  *out = g_steal_pointer (&s);
  return TRUE;
}

static gint
compare_dots (gconstpointer a, gconstpointer b)
{
  return mmr_dot_compare (*(const MmrDot *) a, *(const MmrDot *) b);
}

/* Every dot under exactly one element, and in the causal context. */
static gboolean
check_dots (const OrSet *self, GArray *all_dots)
{
  g_array_sort (all_dots, compare_dots);
  for (guint i = 0; i < all_dots->len; i++)
    {
      MmrDot d = g_array_index (all_dots, MmrDot, i);

      if (i > 0 && mmr_dot_equal (g_array_index (all_dots, MmrDot, i - 1), d))
        return FALSE;
      if (!mmr_causal_context_contains (&self->ctx, d))
        return FALSE;
    }
  return TRUE;
}

static gboolean
orset_decode (MmrCrdt *crdt, MmrCodecReader *r, GError **error)
{
  OrSet *self = (OrSet *) crdt;
  g_autoptr (GArray) all_dots = g_array_new (FALSE, FALSE, sizeof (MmrDot));
  const char *prev = NULL;
  guint n;

  if (!mmr_codec_get_count (r, &n, error))
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *e = NULL;
      DotSet *s = NULL;

      if (!mmr_codec_get_string (r, &e, error))
        return FALSE;
      if (e[0] == '\0')
        return mmr_codec_fail (r, error, "empty element");
      if (prev != NULL && strcmp (prev, e) >= 0)
        return mmr_codec_fail (r, error, "elements not ascending");
      if (!decode_dot_set (r, crdt->is_delta, all_dots, &s, error))
        return FALSE;
      prev = e;   /* the table owns it; ascending order means no replace */
      mmr_small_map_insert (&self->entries, g_steal_pointer (&e), s);
    }
  if (!mmr_causal_context_decode (&self->ctx, r, error))
    return FALSE;
  if (!check_dots (self, all_dots))
    return mmr_codec_fail (r, error,
                           "a dot repeated or missing from the causal context");
  return TRUE;
}

static void
orset_read (const MmrCrdt *crdt, GPtrArray *out)
{
  MmrSmallMapIter iter;
  gpointer key, value;

  mmr_small_map_iter_init (&iter,
                           (MmrSmallMap *) &((const OrSet *) crdt)->entries);
  while (mmr_small_map_iter_next (&iter, &key, &value))
    if (((DotSet *) value)->n > 0)
      g_ptr_array_add (out, g_strdup (key));
}

static gsize
orset_metadata_size (const MmrCrdt *crdt)
{
  const OrSet *self = (const OrSet *) crdt;
  MmrSmallMapIter iter;
  gpointer value;
  gsize n = mmr_causal_context_metadata_size (&self->ctx);

  mmr_small_map_iter_init (&iter, (MmrSmallMap *) &self->entries);
  while (mmr_small_map_iter_next (&iter, NULL, &value))
    n += ((DotSet *) value)->n * MMR_META_DOT;
  return n;
}

static void
orset_describe (const MmrCrdt *crdt, GString *out)
{
  const OrSet *self = (const OrSet *) crdt;
  guint n;
  g_autofree const char **keys = sorted_elements (self, &n);

  g_string_append_c (out, '{');
  for (guint i = 0; i < n; i++)
    {
      const DotSet *s = mmr_small_map_lookup (&self->entries, keys[i]);

      g_string_append_printf (out, "%s%s:[", i > 0 ? " " : "", keys[i]);
      for (guint k = 0; k < s->n; k++)
        g_string_append_printf (out, "%s%c%u", k > 0 ? "," : "",
                                MMR_REPLICA_LETTER (s->dots[k].replica),
                                s->dots[k].counter);
      g_string_append_c (out, ']');
    }
  g_string_append (out, "} ");
  mmr_causal_context_describe (&self->ctx, out);
}

const MmrCrdtClass mmr_or_set_class = {
  .type = MMR_CRDT_ORSET,
  .name = "orset",
  .ops = ops,
  .instance_size = sizeof (OrSet),
  .init = orset_init,
  .clear = orset_clear,
  .copy = orset_copy,
  .apply = orset_apply,
  .merge = orset_merge,
  .equal = orset_equal,
  .is_empty = orset_is_empty,
  .encode = orset_encode,
  .decode = orset_decode,
  .read = orset_read,
  .metadata_size = orset_metadata_size,
  .describe = orset_describe,
};
