/* or-map.c - OR-Map: a record whose fields are CRDTs of their own
 *
 * A map from field names to small CRDTs, merged field by field: two
 * replicas that update different fields of one record concurrently both
 * keep their update, where a record-level LWW would drop one of them.
 * Fields are added by updating them and removed with observed-remove
 * semantics, like the elements of an OR-Set.
 *
 * Design (after the causal OR-Map of Almeida, Shoker, Baquero, "Delta
 * state replicated data types", 2018, section 7). The whole map shares one
 * causal context, and every field is a dot fun (dot-fun.c): a set of
 * values each tagged by the dot of the operation that wrote it. An
 * operation on a field takes a new dot, writes one dotted value, and
 * supersedes the dotted values it observed and replaces:
 *
 *   field type  operation     new dotted value        supersedes
 *   pncounter   incr/decr N   (p, n) = old + N        this replica's own
 *   gcounter    incr N        p = old + N             this replica's own
 *   orset/gset  add E         E                       the values equal to E
 *   orset       rem E         (none)                  the values equal to E
 *   lwwreg      set V         (ts, logical, V)        all of them
 *   mvreg       set V         V                       all of them
 *   (map)       rem FIELD     (none)                  all of the field's
 *
 * Merge is the same for every field type: the dot fun's causal join, then
 * the contexts' join. A field with no dotted values left is absent. Read
 * is per type: counters sum, sets list distinct values, lwwreg shows the
 * largest (ts, logical, replica, value), mvreg every distinct value.
 *
 * Remove semantics (DOC: ormap-remove). Removing a field is
 * observed-remove: it deletes the dotted values the remover had seen, and
 * only those. An update concurrent with the remove carries a dot the
 * remover never saw, so it survives and the field stays present: a
 * concurrent update to a removed field wins. What the surviving field
 * holds is what the remover did not see: the concurrent add, the
 * concurrent set. For counters it is the updating replica's whole running
 * total, because one dotted value per replica carries that total (the
 * alternative, one dot per increment, grows without bound); see
 * docs/crdts.md, "OR-Map", for the worked example.
 *
 * Operations (through crdt.h): OP FIELD[:TYPE][=ARG] with OP one of incr,
 * decr, add, rem, set. Without :TYPE the type follows from OP: incr/decr a
 * pncounter, add/rem an orset, set an lwwreg. A field's identity is its
 * name and type (as in Riak's maps), so "x" as a counter and "x:mvreg"
 * never clash, even when created concurrently. "rem FIELD" without "="
 * removes the field: every type of that name, or only FIELD:TYPE. Read
 * gives "name=value" for the default types and "name:type=value" for the
 * others, matching how they are written; sets and mvreg print as
 * "{a,b}". Field types 2pset and ormap are refused: removing a field would
 * forget a 2P-Set's tombstones, and nesting is left as an exercise.
 *
 * Invariants: those of the OR-Set (or-set.c), with fields for elements:
 * every dot in ctx; no dot in two places; no empty field in a full state;
 * a delta lists every field its ctx speaks of.
 *
 * Encoding: n (name type:u8 dotfun){n} ascending by (name, type), the dot
 * fun's parts by type, then the causal context.
 *
 * This file is the map; or-map-field.c is what differs by field type.
 *
 * Taught in docs/crdts.md, "OR-Map".
 */
#include "crdt/crdt-class.h"

#include <stdlib.h>
#include <string.h>

#include "crdt/or-map-field.h"
#include "crdt/small-map.h"

typedef MmrOrMapField Field;

typedef struct {
  MmrCrdt parent;
  MmrSmallMap fields;  /* owned Field -> itself, keyed by (name, type) */
  MmrCausalContext ctx;
} OrMap;

static Field *
lookup (const MmrSmallMap *fields, const char *name, MmrCrdtType type)
{
  Field probe = { (char *) name, type, { 0, NULL } };

  return mmr_small_map_lookup (fields, &probe);
}

static void
add_field (MmrSmallMap *fields, Field *f)
{
  mmr_small_map_insert (fields, f, f);
}

/* The fields in encoding order, borrowed, in an array to g_free. */
static Field **
sorted_fields (const MmrSmallMap *fields, guint *out_n)
{
  Field **v = (Field **) mmr_small_map_dup_keys ((MmrSmallMap *) fields,
                                                  out_n);

  qsort (v, *out_n, sizeof *v, mmr_or_map_field_compare);
  return v;
}

/* The state */

static void
ormap_init (MmrCrdt *crdt)
{
  OrMap *self = (OrMap *) crdt;

  mmr_small_map_init (&self->fields, mmr_or_map_field_hash,
                      mmr_or_map_field_equal, mmr_or_map_field_free, NULL);
  mmr_causal_context_init (&self->ctx);
}

static void
ormap_clear (MmrCrdt *crdt)
{
  OrMap *self = (OrMap *) crdt;

  mmr_small_map_clear (&self->fields);
  mmr_causal_context_clear (&self->ctx);
}

static void
ormap_copy (MmrCrdt *dst, const MmrCrdt *src)
{
  OrMap *d = (OrMap *) dst;
  const OrMap *s = (const OrMap *) src;
  MmrSmallMapIter iter;
  gpointer key;

  mmr_small_map_iter_init (&iter, (MmrSmallMap *) &s->fields);
  while (mmr_small_map_iter_next (&iter, &key, NULL))
    {
      const Field *f = key;
      Field *copy = mmr_or_map_field_new (g_strdup (f->name), f->type);

      mmr_dot_fun_copy (&copy->values, &f->values);
      add_field (&d->fields, copy);
    }
  mmr_causal_context_copy (&d->ctx, &s->ctx);
}

/* Operations */

/* DOC: ormap-rem */
/* Removes every field named @op->name (only its type if it was written)
 * and returns the delta that removes the same. */
static MmrCrdt *
remove_fields (OrMap *self, const MmrOrMapOp *op)
{
  OrMap *delta = (OrMap *) mmr_crdt_new_delta_for (&self->parent);

  for (guint t = 0; t < MMR_CRDT_N_TYPES; t++)
    {
      Field *f;

      if (op->is_typed && t != op->type)
        continue;
      f = lookup (&self->fields, op->name, (MmrCrdtType) t);
      if (f == NULL)
        continue;
      add_field (&delta->fields,
                 mmr_or_map_field_new (g_strdup (f->name), f->type));
      mmr_dot_fun_remove_if (&f->values, NULL, NULL, &delta->ctx);
      mmr_small_map_remove (&self->fields, f);   /* its dots stay in ctx */
    }
  return &delta->parent;
}

/* Adds @v (with its dot) to the field (@df's name and type) of @self. */
static void
write_value (OrMap *self, Field *f, const Field *df, const MmrDottedValue *v)
{
  if (f == NULL)
    {
      f = mmr_or_map_field_new (g_strdup (df->name), df->type);
      add_field (&self->fields, f);
    }
  mmr_dot_fun_add (&f->values, v);
  mmr_causal_context_add (&self->ctx, v->dot);
}

/* DOC: ormap-update */
/* Takes @op's name once it cannot fail. */
static MmrCrdt *
update_field (OrMap *self, MmrOrMapOp *op, const MmrCrdtStamp *stamp,
              GError **error)
{
  Field *f = lookup (&self->fields, op->name, op->type);
  gboolean writes = op->kind != MMR_OR_MAP_REM;
  guint8 r = self->parent.replica;
  MmrDottedValue v = { 0 };
  MmrDottedValuePredicate supersedes;
  gconstpointer data;
  OrMap *delta;
  Field *df;

  if (!mmr_or_map_field_plan (f, op, r, stamp, &v, &supersedes, &data, error))
    return NULL;
  if (writes && !mmr_causal_context_next_dot (&self->ctx, r,
                                                self->parent.dot_floor,
                                                &v.dot))
    {
      g_set_error (error, MMR_CRDT_ERROR, MMR_CRDT_ERROR_OVERFLOW,
                   "replica %c has used every dot", MMR_REPLICA_LETTER (r));
      return NULL;
    }
  delta = (OrMap *) mmr_crdt_new_delta_for (&self->parent);
  df = mmr_or_map_field_new (g_steal_pointer (&op->name), op->type);
  add_field (&delta->fields, df);
  if (f != NULL)
    mmr_dot_fun_remove_if (&f->values, supersedes, data, &delta->ctx);
  if (writes)
    {
      mmr_dot_fun_add (&df->values, &v);
      mmr_causal_context_add (&delta->ctx, v.dot);
      write_value (self, f, df, &v);
    }
  else if (f != NULL && f->values.n == 0)
    mmr_small_map_remove (&self->fields, f);
  return &delta->parent;
}

static MmrCrdt *
ormap_apply (MmrCrdt *crdt, const char *name, const char *arg,
             const MmrCrdtStamp *stamp, GError **error)
{
  int kind = mmr_crdt_find_op (mmr_or_map_field_ops, name);
  MmrOrMapOp op;
  MmrCrdt *delta = NULL;

  if (kind < 0)
    {
      mmr_crdt_set_bad_op_error (error, crdt->klass->name,
                                 mmr_or_map_field_ops, name);
      return NULL;
    }
  if (mmr_or_map_field_parse_op ((MmrOrMapOpKind) kind, arg, &op, error))
    {
      if (op.kind == MMR_OR_MAP_REM && op.arg == NULL)
        delta = remove_fields ((OrMap *) crdt, &op);
      else if (mmr_or_map_field_check_op (&op, error))
        delta = update_field ((OrMap *) crdt, &op, stamp, error);
    }
  g_free (op.name);
  return delta;
}

/* Merge */

/* Stores the join of @a's field @f (may be NULL) with @theirs. */
static void
join_field (OrMap *a, Field *f, const Field *theirs,
            const MmrCausalContext *their_ctx, gboolean keep_empty)
{
  static const MmrDotFun none = { 0, NULL };

  if (f == NULL)
    {
      /* Only a field of theirs can be missing from ours. */
      f = mmr_or_map_field_new (g_strdup (theirs->name), theirs->type);
      add_field (&a->fields, f);
    }
  mmr_dot_fun_join (&f->values, &a->ctx,
                    theirs != NULL ? &theirs->values : &none, their_ctx);
  if (f->values.n == 0 && !keep_empty)
    mmr_small_map_remove (&a->fields, f);
}

/* DOC: ormap-merge */
static void
ormap_merge (MmrCrdt *into, const MmrCrdt *other)
{
  OrMap *a = (OrMap *) into;
  const OrMap *b = (const OrMap *) other;
  gboolean result_is_delta = into->is_delta && other->is_delta;
  MmrSmallMapIter iter;
  gpointer key;

  /* As in or-set.c: only a full state can have removed what it does not
   * list. Collected first: joining may remove fields from the table. */
  if (!other->is_delta)
    {
      g_autoptr (GPtrArray) only_ours = g_ptr_array_new ();

      mmr_small_map_iter_init (&iter, &a->fields);
      while (mmr_small_map_iter_next (&iter, &key, NULL))
        if (mmr_small_map_lookup (&b->fields, key) == NULL)
          g_ptr_array_add (only_ours, key);
      for (guint i = 0; i < only_ours->len; i++)
        join_field (a, g_ptr_array_index (only_ours, i), NULL, &b->ctx,
                    result_is_delta);
    }
  mmr_small_map_iter_init (&iter, (MmrSmallMap *) &b->fields);
  while (mmr_small_map_iter_next (&iter, &key, NULL))
    join_field (a, mmr_small_map_lookup (&a->fields, key), key, &b->ctx,
                result_is_delta);
  mmr_causal_context_join (&a->ctx, &b->ctx);
}

static gboolean
ormap_equal (const MmrCrdt *x, const MmrCrdt *y)
{
  const OrMap *a = (const OrMap *) x;
  const OrMap *b = (const OrMap *) y;
  MmrSmallMapIter iter;
  gpointer key;
  guint na = 0, nb = 0;

  if (!mmr_causal_context_equal (&a->ctx, &b->ctx))
    return FALSE;
  mmr_small_map_iter_init (&iter, (MmrSmallMap *) &a->fields);
  while (mmr_small_map_iter_next (&iter, &key, NULL))
    {
      const Field *f = key;
      const Field *g = mmr_small_map_lookup (&b->fields, f);

      if (f->values.n == 0)
        continue;   /* listed in a delta, not part of the state */
      na++;
      if (g == NULL || !mmr_dot_fun_equal (&f->values, &g->values))
        return FALSE;
    }
  mmr_small_map_iter_init (&iter, (MmrSmallMap *) &b->fields);
  while (mmr_small_map_iter_next (&iter, &key, NULL))
    nb += ((const Field *) key)->values.n != 0;
  return na == nb;
}

static gboolean
ormap_is_empty (const MmrCrdt *crdt)
{
  /* Every dotted value's dot is in ctx. */
  return mmr_causal_context_is_empty (&((const OrMap *) crdt)->ctx);
}

/* Encoding */

static void
ormap_encode (const MmrCrdt *crdt, GByteArray *out)
{
  const OrMap *self = (const OrMap *) crdt;
  guint n;
  g_autofree Field **fields = sorted_fields (&self->fields, &n);

  mmr_codec_put_varint (out, n);
  for (guint i = 0; i < n; i++)
    {
      mmr_codec_put_string (out, fields[i]->name);
      mmr_codec_put_u8 (out, (guint8) fields[i]->type);
      mmr_dot_fun_encode (&fields[i]->values,
                          mmr_or_map_field_parts (fields[i]->type), out);
    }
  mmr_causal_context_encode (&self->ctx, out);
}

/* Decodes one field into @self; *@prev is the field decoded before it
 * (NULL for the first) and becomes this one. */
static gboolean
decode_field (OrMap *self, MmrCodecReader *r, Field **prev,
              GArray *all_dots, GError **error)
{
  g_autofree char *name = NULL;
  guint8 type;
  Field *f;

  if (!mmr_codec_get_string (r, &name, error))
    return FALSE;
  if (!mmr_or_map_field_is_valid_name (name))
    return mmr_codec_fail (r, error, "bad field name");
  if (!mmr_codec_get_u8 (r, &type, error))
    return FALSE;
  if (!mmr_or_map_field_type_is_allowed ((MmrCrdtType) type))
    {
      r->pos--;
      return mmr_codec_fail (r, error, "bad field type");
    }
  f = mmr_or_map_field_new (g_steal_pointer (&name), (MmrCrdtType) type);
  if (*prev != NULL && mmr_or_map_field_compare (prev, &f) >= 0)
    {
      mmr_or_map_field_free (f);
      return mmr_codec_fail (r, error, "fields not ascending");
    }
  add_field (&self->fields, f);
  *prev = f;
  if (!mmr_dot_fun_decode (&f->values, mmr_or_map_field_parts (f->type), r,
                           error))
    return FALSE;
  if (f->values.n == 0 && !self->parent.is_delta)
    return mmr_codec_fail (r, error, "field without values in a full state");
  if (!mmr_or_map_field_check_values (f))
    return mmr_codec_fail (r, error, "a value its field type cannot hold");
  for (guint i = 0; i < f->values.n; i++)
    g_array_append_val (all_dots, f->values.items[i].dot);
  return TRUE;
}

static gint
compare_dots (gconstpointer a, gconstpointer b)
{
  return mmr_dot_compare (*(const MmrDot *) a, *(const MmrDot *) b);
}

static gboolean
ormap_decode (MmrCrdt *crdt, MmrCodecReader *r, GError **error)
{
  OrMap *self = (OrMap *) crdt;
  g_autoptr (GArray) all_dots = g_array_new (FALSE, FALSE, sizeof (MmrDot));
  Field *prev = NULL;
  guint n;

  if (!mmr_codec_get_count (r, &n, error))
    return FALSE;
  for (guint i = 0; i < n; i++)
    if (!decode_field (self, r, &prev, all_dots, error))
      return FALSE;
  if (!mmr_causal_context_decode (&self->ctx, r, error))
    return FALSE;
  g_array_sort (all_dots, compare_dots);
  for (guint i = 0; i < all_dots->len; i++)
    {
      MmrDot d = g_array_index (all_dots, MmrDot, i);

      if ((i > 0 && mmr_dot_equal (g_array_index (all_dots, MmrDot, i - 1), d))
          || !mmr_causal_context_contains (&self->ctx, d))
        return mmr_codec_fail (r, error,
                               "a dot repeated or missing from the causal "
                               "context");
    }
  return TRUE;
}

/* Reading */

static void
ormap_read (const MmrCrdt *crdt, GPtrArray *out)
{
  MmrSmallMapIter iter;
  gpointer key;

  mmr_small_map_iter_init (&iter,
                           (MmrSmallMap *) &((const OrMap *) crdt)->fields);
  while (mmr_small_map_iter_next (&iter, &key, NULL))
    if (((const Field *) key)->values.n > 0)
      g_ptr_array_add (out, mmr_or_map_field_render (key));
}

static gsize
ormap_metadata_size (const MmrCrdt *crdt)
{
  const OrMap *self = (const OrMap *) crdt;
  gsize n = mmr_causal_context_metadata_size (&self->ctx);
  MmrSmallMapIter iter;
  gpointer key;

  mmr_small_map_iter_init (&iter, (MmrSmallMap *) &self->fields);
  while (mmr_small_map_iter_next (&iter, &key, NULL))
    n += mmr_or_map_field_metadata_size (key);
  return n;
}

static void
ormap_describe (const MmrCrdt *crdt, GString *out)
{
  const OrMap *self = (const OrMap *) crdt;
  guint n;
  g_autofree Field **fields = sorted_fields (&self->fields, &n);

  g_string_append_c (out, '{');
  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append_c (out, ' ');
      mmr_or_map_field_describe (fields[i], out);
    }
  g_string_append (out, "} ");
  mmr_causal_context_describe (&self->ctx, out);
}

const MmrCrdtClass mmr_or_map_class = {
  .type = MMR_CRDT_ORMAP,
  .name = "ormap",
  .ops = mmr_or_map_field_ops,
  .instance_size = sizeof (OrMap),
  .init = ormap_init,
  .clear = ormap_clear,
  .copy = ormap_copy,
  .apply = ormap_apply,
  .merge = ormap_merge,
  .equal = ormap_equal,
  .is_empty = ormap_is_empty,
  .encode = ormap_encode,
  .decode = ormap_decode,
  .read = ormap_read,
  .metadata_size = ormap_metadata_size,
  .describe = ormap_describe,
};
