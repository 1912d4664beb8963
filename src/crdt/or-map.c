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
 * Taught in docs/crdts.md, "OR-Map".
 */
#include "crdt/crdt-class.h"

#include <stdlib.h>
#include <string.h>

#include "crdt/dot-fun.h"
#include "crdt/small-map.h"

typedef struct {
  char *name;          /* owned */
  MmrCrdtType type;
  MmrDotFun values;
} Field;

typedef struct {
  MmrCrdt parent;
  MmrSmallMap fields;  /* owned Field -> itself, keyed by (name, type) */
  MmrCausalContext ctx;
} OrMap;

enum { OP_INCR, OP_DECR, OP_ADD, OP_REM, OP_SET };
static const char *const ops[] = { "incr", "decr", "add", "rem", "set", NULL };

static const MmrCrdtType default_type[] = {
  [OP_INCR] = MMR_CRDT_PNCOUNTER, [OP_DECR] = MMR_CRDT_PNCOUNTER,
  [OP_ADD] = MMR_CRDT_ORSET, [OP_REM] = MMR_CRDT_ORSET,
  [OP_SET] = MMR_CRDT_LWW_REGISTER,
};

static gboolean
is_field_type (MmrCrdtType t)
{
  return t != MMR_CRDT_TWO_P_SET && t != MMR_CRDT_ORMAP;
}

static gboolean
is_default_type (MmrCrdtType t)
{
  return t == MMR_CRDT_PNCOUNTER || t == MMR_CRDT_ORSET
         || t == MMR_CRDT_LWW_REGISTER;
}

static MmrDotFunParts
parts_of (MmrCrdtType t)
{
  switch (t)
    {
    case MMR_CRDT_GCOUNTER:
    case MMR_CRDT_PNCOUNTER:
      return MMR_DOT_FUN_COUNTS;
    case MMR_CRDT_LWW_REGISTER:
      return MMR_DOT_FUN_STAMP | MMR_DOT_FUN_VALUE;
    default:
      return MMR_DOT_FUN_VALUE;
    }
}

/* Fields */

static guint
field_hash (gconstpointer p)
{
  const Field *f = p;

  return g_str_hash (f->name) * 31u + (guint) f->type;
}

static gboolean
field_equal (gconstpointer a, gconstpointer b)
{
  const Field *x = a, *y = b;

  return x->type == y->type && strcmp (x->name, y->name) == 0;
}

/* Takes @name. */
static Field *
field_new_take (char *name, MmrCrdtType type)
{
  Field *f = g_new0 (Field, 1);

  f->name = name;
  f->type = type;
  mmr_dot_fun_init (&f->values);
  return f;
}

static Field *
field_new (const char *name, MmrCrdtType type)
{
  return field_new_take (g_strdup (name), type);
}

static void
field_free (gpointer p)
{
  Field *f = p;

  g_free (f->name);
  mmr_dot_fun_clear (&f->values);
  g_free (f);
}

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

/* The field (@name, @type) of @fields, added empty if need be. */
static Field *
ensure (MmrSmallMap *fields, const char *name, MmrCrdtType type)
{
  Field *f = lookup (fields, name, type);

  if (f == NULL)
    {
      f = field_new (name, type);
      add_field (fields, f);
    }
  return f;
}

static int
compare_fields (const void *a, const void *b)
{
  const Field *x = *(const Field *const *) a, *y = *(const Field *const *) b;
  int cmp = strcmp (x->name, y->name);

  return cmp != 0 ? cmp : (int) x->type - (int) y->type;
}

/* The fields in encoding order, borrowed, in an array to g_free. */
static Field **
sorted_fields (const MmrSmallMap *fields, guint *out_n)
{
  Field **v = (Field **) mmr_small_map_dup_keys ((MmrSmallMap *) fields,
                                                  out_n);

  qsort (v, *out_n, sizeof *v, compare_fields);
  return v;
}

/* The state */

static void
ormap_init (MmrCrdt *crdt)
{
  OrMap *self = (OrMap *) crdt;

  mmr_small_map_init (&self->fields, field_hash, field_equal, field_free,
                      NULL);
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
      Field *copy = field_new (f->name, f->type);

      mmr_dot_fun_copy (&copy->values, &f->values);
      add_field (&d->fields, copy);
    }
  mmr_causal_context_copy (&d->ctx, &s->ctx);
}

/* Parsing "OP FIELD[:TYPE][=ARG]" */

typedef struct {
  int op;
  char *name;             /* owned */
  MmrCrdtType type;
  gboolean is_typed;      /* ":TYPE" was written */
  const char *arg;        /* after '=', borrowed; NULL without '=' */
} FieldOp;

static gboolean
is_valid_name (const char *name)
{
  if (name[0] == '\0')
    return FALSE;
  for (const guchar *p = (const guchar *) name; *p != '\0'; p++)
    if (*p <= ' ' || strchr ("=:,{}", *p) != NULL)
      return FALSE;
  return TRUE;
}

static gboolean
parse_type (FieldOp *fop, const char *type_name, GError **error)
{
  if (!mmr_crdt_type_from_string (type_name, &fop->type, error))
    {
      g_prefix_error (error, "field '%s': ", fop->name);
      return FALSE;
    }
  if (!is_field_type (fop->type))
    {
      g_set_error (error, MMR_CRDT_ERROR, MMR_CRDT_ERROR_BAD_ARGUMENT,
                   "field '%s': an ormap field cannot be a%s %s (%s); use "
                   "gcounter, pncounter, gset, orset, lwwreg or mvreg",
                   fop->name, fop->type == MMR_CRDT_ORMAP ? "n" : "",
                   type_name,
                   fop->type == MMR_CRDT_ORMAP
                   ? "nested maps are not supported"
                   : "removing the field would forget its tombstones");
      return FALSE;
    }
  fop->is_typed = TRUE;
  return TRUE;
}

static gboolean
parse_field_op (int op, const char *arg, FieldOp *fop, GError **error)
{
  const char *eq, *colon, *name_end;

  memset (fop, 0, sizeof *fop);
  fop->op = op;
  if (arg == NULL || arg[0] == '\0')
    {
      g_set_error (error, MMR_CRDT_ERROR, MMR_CRDT_ERROR_BAD_ARGUMENT,
                   "%s needs a field: FIELD[:TYPE][=ARG]", ops[op]);
      return FALSE;
    }
  eq = strchr (arg, '=');
  name_end = eq != NULL ? eq : arg + strlen (arg);
  colon = memchr (arg, ':', (gsize) (name_end - arg));
  fop->arg = eq != NULL ? eq + 1 : NULL;
  fop->name = g_strndup (arg,
                         (gsize) ((colon != NULL ? colon : name_end) - arg));
  if (!is_valid_name (fop->name))
    {
      g_set_error (error, MMR_CRDT_ERROR, MMR_CRDT_ERROR_BAD_ARGUMENT,
                   "bad field name '%s': a name is not empty and has no "
                   "spaces, '=', ':', ',', '{' or '}'", fop->name);
      return FALSE;
    }
  fop->type = default_type[op];
  if (colon != NULL)
    {
      g_autofree char *type_name =
        g_strndup (colon + 1, (gsize) (name_end - colon - 1));

      return parse_type (fop, type_name, error);
    }
  return TRUE;
}

/* Is the operation one the field's type has, with a good argument? */
static gboolean
check_field_op (const FieldOp *fop, guint64 *amount, GError **error)
{
  const char *type_name = mmr_crdt_type_to_string (fop->type);
  const char *const *type_ops = mmr_crdt_type_get_ops (fop->type);
  gboolean ok;

  if (mmr_crdt_find_op (type_ops, ops[fop->op]) < 0)
    {
      mmr_crdt_set_bad_op_error (error, type_name, type_ops, ops[fop->op]);
      ok = FALSE;
    }
  else if (fop->op == OP_INCR || fop->op == OP_DECR)
    ok = mmr_crdt_parse_amount (ops[fop->op], fop->arg, amount, error);
  else if (fop->op == OP_SET)
    ok = mmr_crdt_check_value (ops[fop->op], fop->arg, error);
  else
    ok = mmr_crdt_check_element (ops[fop->op], fop->arg, error);
  if (!ok)
    g_prefix_error (error, "field '%s': ", fop->name);
  return ok;
}

/* Operations */

static gboolean
is_own (const MmrDottedValue *v, gconstpointer replica)
{
  return v->dot.replica == *(const guint8 *) replica;
}

static gboolean
has_value (const MmrDottedValue *v, gconstpointer value)
{
  return strcmp (v->value, value) == 0;
}

/* Removes every field named @fop->name (only its type if it was written)
 * and returns the delta that removes the same. */
static MmrCrdt *
remove_fields (OrMap *self, const FieldOp *fop)
{
  OrMap *delta = (OrMap *) mmr_crdt_new_delta_for (&self->parent);

  for (guint t = 0; t < MMR_CRDT_N_TYPES; t++)
    {
      Field *f;

      if (fop->is_typed && t != fop->type)
        continue;
      f = lookup (&self->fields, fop->name, (MmrCrdtType) t);
      if (f == NULL)
        continue;
      ensure (&delta->fields, f->name, f->type);
      mmr_dot_fun_remove_if (&f->values, NULL, NULL, &delta->ctx);
      mmr_small_map_remove (&self->fields, f);   /* its dots stay in ctx */
    }
  return &delta->parent;
}

/* What the operation will write, and which of @f's values it supersedes.
 * FALSE (with @error) if a count or timestamp would overflow. */
static gboolean
plan_update (const OrMap *self, const Field *f, const FieldOp *fop,
             guint64 amount, const MmrCrdtStamp *stamp, MmrDottedValue *v,
             MmrDottedValuePredicate *pred, gconstpointer *pred_data,
             GError **error)
{
  const MmrDotFun *values = f != NULL ? &f->values : NULL;
  guint n = values != NULL ? values->n : 0;

  switch (fop->type)
    {
    case MMR_CRDT_GCOUNTER:
    case MMR_CRDT_PNCOUNTER:
      *pred = is_own;
      *pred_data = &self->parent.replica;
      /* Clamped at COUNT_MAX + 1 so that the sum cannot wrap; more than
       * one own value happens only in a hand-made decoded state. */
      for (guint i = 0; i < n; i++)
        if (values->items[i].dot.replica == self->parent.replica)
          {
            v->p = MIN (v->p + values->items[i].p, MMR_CRDT_COUNT_MAX + 1);
            v->n = MIN (v->n + values->items[i].n, MMR_CRDT_COUNT_MAX + 1);
          }
      if (v->p > MMR_CRDT_COUNT_MAX || v->n > MMR_CRDT_COUNT_MAX
          || amount > MMR_CRDT_COUNT_MAX - (fop->op == OP_INCR ? v->p : v->n))
        {
          g_set_error (error, MMR_CRDT_ERROR, MMR_CRDT_ERROR_OVERFLOW,
                       "field '%s': %s would take replica %c's count past %"
                       G_GINT64_FORMAT, fop->name, ops[fop->op],
                       MMR_REPLICA_LETTER (self->parent.replica),
                       MMR_CRDT_COUNT_MAX);
          return FALSE;
        }
      *(fop->op == OP_INCR ? &v->p : &v->n) += amount;
      return TRUE;
    case MMR_CRDT_LWW_REGISTER:
      v->ts = stamp != NULL ? stamp->ts : 1;
      v->logical = stamp != NULL ? stamp->logical : 0;
      for (guint i = 0; i < n && stamp == NULL; i++)
        {
          if (values->items[i].ts == G_MAXINT64)
            {
              g_set_error (error, MMR_CRDT_ERROR, MMR_CRDT_ERROR_OVERFLOW,
                           "field '%s': the Lamport timestamp is exhausted",
                           fop->name);
              return FALSE;
            }
          v->ts = MAX (v->ts, values->items[i].ts + 1);
        }
      break;
    default:
      break;
    }
  /* Registers supersede everything seen; sets only the same element. */
  *pred = fop->type == MMR_CRDT_LWW_REGISTER
          || fop->type == MMR_CRDT_MV_REGISTER ? NULL : has_value;
  *pred_data = fop->arg;
  return TRUE;
}

/* DOC: ormap-update */
/* Takes @fop's name once it cannot fail. */
static MmrCrdt *
update_field (OrMap *self, FieldOp *fop, guint64 amount,
              const MmrCrdtStamp *stamp, GError **error)
{
  Field *f = lookup (&self->fields, fop->name, fop->type);
  gboolean writes = fop->op != OP_REM;
  MmrDottedValue v = { 0 };
  MmrDottedValuePredicate pred;
  gconstpointer pred_data;
  OrMap *delta;
  Field *df;

  if (!plan_update (self, f, fop, amount, stamp, &v, &pred, &pred_data,
                    error))
    return NULL;
  if (writes && !mmr_causal_context_next_dot (&self->ctx,
                                              self->parent.replica, &v.dot))
    {
      g_set_error (error, MMR_CRDT_ERROR, MMR_CRDT_ERROR_OVERFLOW,
                   "replica %c has used every dot",
                   MMR_REPLICA_LETTER (self->parent.replica));
      return NULL;
    }
  if (!(parts_of (fop->type) & MMR_DOT_FUN_VALUE))
    v.value = NULL;
  else
    v.value = (char *) fop->arg;   /* mmr_dot_fun_add copies it */
  delta = (OrMap *) mmr_crdt_new_delta_for (&self->parent);
  df = field_new_take (g_steal_pointer (&fop->name), fop->type);
  add_field (&delta->fields, df);
  if (f != NULL)
    mmr_dot_fun_remove_if (&f->values, pred, pred_data, &delta->ctx);
  if (writes)
    {
      mmr_dot_fun_add (&df->values, &v);
      mmr_causal_context_add (&delta->ctx, v.dot);
      if (f == NULL)
        {
          f = field_new (df->name, df->type);
          add_field (&self->fields, f);
        }
      mmr_dot_fun_add (&f->values, &v);
      mmr_causal_context_add (&self->ctx, v.dot);
    }
  if (f != NULL && f->values.n == 0)
    mmr_small_map_remove (&self->fields, f);
  return &delta->parent;
}

static MmrCrdt *
ormap_apply (MmrCrdt *crdt, const char *op, const char *arg,
             const MmrCrdtStamp *stamp, GError **error)
{
  int which = mmr_crdt_find_op (ops, op);
  FieldOp fop;
  guint64 amount = 0;
  MmrCrdt *delta = NULL;

  if (which < 0)
    {
      mmr_crdt_set_bad_op_error (error, crdt->klass->name, ops, op);
      return NULL;
    }
  if (parse_field_op (which, arg, &fop, error))
    {
      if (which == OP_REM && fop.arg == NULL)
        delta = remove_fields ((OrMap *) crdt, &fop);   /* DOC: ormap-rem */
      else if (check_field_op (&fop, &amount, error))
        delta = update_field ((OrMap *) crdt, &fop, amount, stamp, error);
    }
  g_free (fop.name);
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
      f = field_new (theirs->name, theirs->type);
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
  g_autoptr (GPtrArray) only_ours = g_ptr_array_new ();
  MmrSmallMapIter iter;
  gpointer key;

  /* As in or-set.c: only a full state can have removed what it does not
   * list. Collected first: joining may remove fields from the table. */
  if (!other->is_delta)
    {
      mmr_small_map_iter_init (&iter, (MmrSmallMap *) &a->fields);
      while (mmr_small_map_iter_next (&iter, &key, NULL))
        if (mmr_small_map_lookup (&b->fields, key) == NULL)
          g_ptr_array_add (only_ours, key);
    }
  for (guint i = 0; i < only_ours->len; i++)
    join_field (a, g_ptr_array_index (only_ours, i), NULL, &b->ctx,
                result_is_delta);
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
      mmr_dot_fun_encode (&fields[i]->values, parts_of (fields[i]->type),
                          out);
    }
  mmr_causal_context_encode (&self->ctx, out);
}

/* What a field's values must look like for its type. */
static gboolean
check_values (const Field *f)
{
  for (guint i = 0; i < f->values.n; i++)
    {
      const MmrDottedValue *v = &f->values.items[i];

      if ((f->type == MMR_CRDT_GSET || f->type == MMR_CRDT_ORSET)
          && v->value[0] == '\0')
        return FALSE;
      if (f->type == MMR_CRDT_GCOUNTER && v->n != 0)
        return FALSE;
      if ((f->type == MMR_CRDT_GCOUNTER || f->type == MMR_CRDT_PNCOUNTER)
          && v->p == 0 && v->n == 0)
        return FALSE;
    }
  return TRUE;
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
  if (!is_valid_name (name))
    return mmr_codec_fail (r, error, "bad field name");
  if (!mmr_codec_get_u8 (r, &type, error))
    return FALSE;
  if (type >= MMR_CRDT_N_TYPES || !is_field_type ((MmrCrdtType) type))
    {
      r->pos--;
      return mmr_codec_fail (r, error, "bad field type");
    }
  f = field_new (name, (MmrCrdtType) type);
  if (*prev != NULL && compare_fields (prev, &f) >= 0)
    {
      field_free (f);
      return mmr_codec_fail (r, error, "fields not ascending");
    }
  add_field (&self->fields, f);
  *prev = f;
  if (!mmr_dot_fun_decode (&f->values, parts_of (f->type), r, error))
    return FALSE;
  if (f->values.n == 0 && !self->parent.is_delta)
    return mmr_codec_fail (r, error, "field without values in a full state");
  if (!check_values (f))
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

static char *
render_counter (const Field *f)
{
  guint64 p = 0, n = 0;

  /* Saturate: many stale values of one replica could in principle add up
   * past 64 bits; a read must not wrap. */
  for (guint i = 0; i < f->values.n; i++)
    {
      p = f->values.items[i].p > G_MAXINT64 - p ? G_MAXINT64
          : p + f->values.items[i].p;
      n = f->values.items[i].n > G_MAXINT64 - n ? G_MAXINT64
          : n + f->values.items[i].n;
    }
  return g_strdup_printf ("%" G_GINT64_FORMAT, (gint64) p - (gint64) n);
}

static char *
render_values (const Field *f)
{
  g_autoptr (GPtrArray) seen = g_ptr_array_new ();
  GString *s = g_string_new ("{");

  for (guint i = 0; i < f->values.n; i++)
    {
      const char *v = f->values.items[i].value;
      gboolean dup = FALSE;

      for (guint k = 0; k < seen->len && !dup; k++)
        dup = strcmp (g_ptr_array_index (seen, k), v) == 0;
      if (!dup)
        g_ptr_array_add (seen, (gpointer) v);
    }
  g_ptr_array_sort (seen, mmr_crdt_strv_compare);
  for (guint k = 0; k < seen->len; k++)
    g_string_append_printf (s, "%s%s", k > 0 ? "," : "",
                            (const char *) g_ptr_array_index (seen, k));
  g_string_append_c (s, '}');
  return g_string_free (s, FALSE);
}

/* DOC: ormap-lww-read */
static const MmrDottedValue *
lww_winner (const Field *f)
{
  const MmrDottedValue *best = &f->values.items[0];

  for (guint i = 1; i < f->values.n; i++)
    {
      const MmrDottedValue *v = &f->values.items[i];
      int cmp = v->ts != best->ts ? (v->ts < best->ts ? -1 : 1)
                : v->logical != best->logical
                  ? (v->logical < best->logical ? -1 : 1)
                : v->dot.replica != best->dot.replica
                  ? (v->dot.replica < best->dot.replica ? -1 : 1)
                : strcmp (v->value, best->value);

      if (cmp > 0)
        best = v;
    }
  return best;
}

static char *
render_field (const Field *f)
{
  g_autofree char *value = NULL;

  switch (f->type)
    {
    case MMR_CRDT_GCOUNTER:
    case MMR_CRDT_PNCOUNTER:
      value = render_counter (f);
      break;
    case MMR_CRDT_LWW_REGISTER:
      value = g_strdup (lww_winner (f)->value);
      break;
    default:
      value = render_values (f);
      break;
    }
  if (is_default_type (f->type))
    return g_strdup_printf ("%s=%s", f->name, value);
  return g_strdup_printf ("%s:%s=%s", f->name,
                          mmr_crdt_type_to_string (f->type), value);
}

static void
ormap_read (const MmrCrdt *crdt, GPtrArray *out)
{
  MmrSmallMapIter iter;
  gpointer key;

  mmr_small_map_iter_init (&iter,
                           (MmrSmallMap *) &((const OrMap *) crdt)->fields);
  while (mmr_small_map_iter_next (&iter, &key, NULL))
    if (((const Field *) key)->values.n > 0)
      g_ptr_array_add (out, render_field (key));
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
    {
      const Field *f = key;
      gsize per = MMR_META_DOT;

      if (f->type == MMR_CRDT_LWW_REGISTER)
        per += MMR_META_STAMP;
      else if (f->type == MMR_CRDT_PNCOUNTER)
        per += 2 * MMR_META_COUNT;
      else if (f->type == MMR_CRDT_GCOUNTER)
        per += MMR_META_COUNT;
      n += f->values.n * per;
    }
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
      const Field *f = fields[i];

      g_string_append_printf (out, "%s%s:%s[", i > 0 ? " " : "", f->name,
                              mmr_crdt_type_to_string (f->type));
      for (guint k = 0; k < f->values.n; k++)
        {
          const MmrDottedValue *v = &f->values.items[k];

          g_string_append_printf (out, "%s%c%u", k > 0 ? "," : "",
                                  MMR_REPLICA_LETTER (v->dot.replica),
                                  v->dot.counter);
          if (parts_of (f->type) & MMR_DOT_FUN_COUNTS)
            g_string_append_printf (out, "=+%" G_GUINT64_FORMAT
                                    "-%" G_GUINT64_FORMAT, v->p, v->n);
          if (parts_of (f->type) & MMR_DOT_FUN_STAMP)
            g_string_append_printf (out, "@%" G_GINT64_FORMAT ".%u", v->ts,
                                    v->logical);
          if (v->value != NULL)
            g_string_append_printf (out, "=%s", v->value);
        }
      g_string_append_c (out, ']');
    }
  g_string_append (out, "} ");
  mmr_causal_context_describe (&self->ctx, out);
}

const MmrCrdtClass mmr_or_map_class = {
  .type = MMR_CRDT_ORMAP,
  .name = "ormap",
  .ops = ops,
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
