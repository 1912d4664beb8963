/* or-map-field.c - what each field type of an OR-Map does
 *
 * Interface: see or-map-field.h. Every field is a dot fun; the field
 * types differ only in what an operation writes, what it supersedes, and
 * how the values read:
 *
 *   counters  one value per replica, its running totals (p, n); an
 *             operation supersedes the replica's own; read: sum p - n
 *   sets      one value per live add; add and rem supersede the values
 *             equal to the element; read: the distinct elements
 *   lwwreg    set supersedes all values; concurrent ones stay until then;
 *             read: the largest (ts, logical, replica, value)
 *   mvreg     set supersedes all values; read: the distinct values
 *
 * Taught in docs/crdts.md, "OR-Map".
 */
#include "crdt/or-map-field.h"

#include <string.h>

const char *const mmr_or_map_field_ops[] = {
  "incr", "decr", "add", "rem", "set", NULL
};

static const MmrCrdtType default_type[] = {
  [MMR_OR_MAP_INCR] = MMR_CRDT_PNCOUNTER,
  [MMR_OR_MAP_DECR] = MMR_CRDT_PNCOUNTER,
  [MMR_OR_MAP_ADD] = MMR_CRDT_ORSET,
  [MMR_OR_MAP_REM] = MMR_CRDT_ORSET,
  [MMR_OR_MAP_SET] = MMR_CRDT_LWW_REGISTER,
};

MmrOrMapField *
mmr_or_map_field_new (char *name, MmrCrdtType type)
{
  MmrOrMapField *f = g_new0 (MmrOrMapField, 1);

  f->name = name;
  f->type = type;
  mmr_dot_fun_init (&f->values);
  return f;
}

void
mmr_or_map_field_free (gpointer field)
{
  MmrOrMapField *f = field;

  g_free (f->name);
  mmr_dot_fun_clear (&f->values);
  g_free (f);
}

guint
mmr_or_map_field_hash (gconstpointer field)
{
  const MmrOrMapField *f = field;

  return g_str_hash (f->name) * 31u + (guint) f->type;
}

gboolean
mmr_or_map_field_equal (gconstpointer a, gconstpointer b)
{
  const MmrOrMapField *x = a, *y = b;

  return x->type == y->type && strcmp (x->name, y->name) == 0;
}

int
mmr_or_map_field_compare (const void *a, const void *b)
{
  const MmrOrMapField *x = *(const MmrOrMapField *const *) a;
  const MmrOrMapField *y = *(const MmrOrMapField *const *) b;
  int cmp = strcmp (x->name, y->name);

  return cmp != 0 ? cmp : (int) x->type - (int) y->type;
}

gboolean
mmr_or_map_field_is_valid_name (const char *name)
{
  if (name[0] == '\0')
    return FALSE;
  for (const guchar *p = (const guchar *) name; *p != '\0'; p++)
    if (*p <= ' ' || strchr ("=:,{}", *p) != NULL)
      return FALSE;
  return TRUE;
}

gboolean
mmr_or_map_field_type_is_allowed (MmrCrdtType type)
{
  return type < MMR_CRDT_N_TYPES && type != MMR_CRDT_TWO_P_SET
         && type != MMR_CRDT_ORMAP;
}

MmrDotFunParts
mmr_or_map_field_parts (MmrCrdtType type)
{
  switch (type)
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

/* Parsing "OP FIELD[:TYPE][=ARG]" */

static gboolean
parse_type (MmrOrMapOp *op, const char *type_name, GError **error)
{
  if (!mmr_crdt_type_from_string (type_name, &op->type, error))
    {
      g_prefix_error (error, "field '%s': ", op->name);
      return FALSE;
    }
  if (!mmr_or_map_field_type_is_allowed (op->type))
    {
      g_set_error (error, MMR_CRDT_ERROR, MMR_CRDT_ERROR_BAD_ARGUMENT,
                   "field '%s': an ormap field cannot be a%s %s (%s); use "
                   "gcounter, pncounter, gset, orset, lwwreg or mvreg",
                   op->name, op->type == MMR_CRDT_ORMAP ? "n" : "",
                   type_name,
                   op->type == MMR_CRDT_ORMAP
                   ? "nested maps are not supported"
                   : "removing the field would forget its tombstones");
      return FALSE;
    }
  op->is_typed = TRUE;
  return TRUE;
}

gboolean
mmr_or_map_field_parse_op (MmrOrMapOpKind kind, const char *arg,
                           MmrOrMapOp *op, GError **error)
{
  const char *eq, *colon, *name_end;

  memset (op, 0, sizeof *op);
  op->kind = kind;
  if (arg == NULL || arg[0] == '\0')
    {
      g_set_error (error, MMR_CRDT_ERROR, MMR_CRDT_ERROR_BAD_ARGUMENT,
                   "%s needs a field: FIELD[:TYPE][=ARG]",
                   mmr_or_map_field_ops[kind]);
      return FALSE;
    }
  eq = strchr (arg, '=');
  name_end = eq != NULL ? eq : arg + strlen (arg);
  colon = memchr (arg, ':', (gsize) (name_end - arg));
  op->arg = eq != NULL ? eq + 1 : NULL;
  op->name = g_strndup (arg,
                        (gsize) ((colon != NULL ? colon : name_end) - arg));
  if (!mmr_or_map_field_is_valid_name (op->name))
    {
      g_set_error (error, MMR_CRDT_ERROR, MMR_CRDT_ERROR_BAD_ARGUMENT,
                   "bad field name '%s': a name is not empty and has no "
                   "spaces, '=', ':', ',', '{' or '}'", op->name);
      return FALSE;
    }
  op->type = default_type[kind];
  if (colon != NULL)
    {
      g_autofree char *type_name =
        g_strndup (colon + 1, (gsize) (name_end - colon - 1));

      return parse_type (op, type_name, error);
    }
  return TRUE;
}

gboolean
mmr_or_map_field_check_op (MmrOrMapOp *op, GError **error)
{
  const char *name = mmr_or_map_field_ops[op->kind];
  const char *const *type_ops = mmr_crdt_type_get_ops (op->type);
  gboolean ok;

  if (mmr_crdt_find_op (type_ops, name) < 0)
    {
      mmr_crdt_set_bad_op_error (error, mmr_crdt_type_to_string (op->type),
                                 type_ops, name);
      ok = FALSE;
    }
  else if (op->kind == MMR_OR_MAP_INCR || op->kind == MMR_OR_MAP_DECR)
    ok = mmr_crdt_parse_amount (name, op->arg, &op->amount, error);
  else if (op->kind == MMR_OR_MAP_SET)
    ok = mmr_crdt_check_value (name, op->arg, error);
  else
    ok = mmr_crdt_check_element (name, op->arg, error);
  if (!ok)
    g_prefix_error (error, "field '%s': ", op->name);
  return ok;
}

/* Planning an operation */

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

/* DOC: ormap-counter-field */
/* The new value carries the replica's totals: what it superseded plus the
 * step. Sums are clamped at COUNT_MAX + 1 so they cannot wrap (more than
 * one own value happens only in a hand-made decoded state). */
static gboolean
plan_counter (const MmrDotFun *values, const MmrOrMapOp *op, guint8 replica,
              MmrDottedValue *v, GError **error)
{
  gboolean up = op->kind == MMR_OR_MAP_INCR;

  for (guint i = 0; values != NULL && i < values->n; i++)
    if (values->items[i].dot.replica == replica)
      {
        v->p = MIN (v->p + values->items[i].p, MMR_CRDT_COUNT_MAX + 1);
        v->n = MIN (v->n + values->items[i].n, MMR_CRDT_COUNT_MAX + 1);
      }
  if (v->p > MMR_CRDT_COUNT_MAX || v->n > MMR_CRDT_COUNT_MAX
      || op->amount > MMR_CRDT_COUNT_MAX - (up ? v->p : v->n))
    {
      g_set_error (error, MMR_CRDT_ERROR, MMR_CRDT_ERROR_OVERFLOW,
                   "field '%s': %s would take replica %c's count past %"
                   G_GINT64_FORMAT, op->name, mmr_or_map_field_ops[op->kind],
                   MMR_REPLICA_LETTER (replica), MMR_CRDT_COUNT_MAX);
      return FALSE;
    }
  *(up ? &v->p : &v->n) += op->amount;
  return TRUE;
}

/* The engine's stamp, or a Lamport one past every value seen. */
static gboolean
plan_stamp (const MmrDotFun *values, const MmrOrMapOp *op,
            const MmrCrdtStamp *stamp, MmrDottedValue *v, GError **error)
{
  v->ts = stamp != NULL ? stamp->ts : 1;
  v->logical = stamp != NULL ? stamp->logical : 0;
  for (guint i = 0; stamp == NULL && values != NULL && i < values->n; i++)
    {
      if (values->items[i].ts == G_MAXINT64)
        {
          g_set_error (error, MMR_CRDT_ERROR, MMR_CRDT_ERROR_OVERFLOW,
                       "field '%s': the Lamport timestamp is exhausted",
                       op->name);
          return FALSE;
        }
      v->ts = MAX (v->ts, values->items[i].ts + 1);
    }
  return TRUE;
}

gboolean
mmr_or_map_field_plan (const MmrOrMapField *field, const MmrOrMapOp *op,
                       guint8 replica, const MmrCrdtStamp *stamp,
                       MmrDottedValue *v, MmrDottedValuePredicate *supersedes,
                       gconstpointer *supersedes_data, GError **error)
{
  static guint8 replicas[MMR_MAX_REPLICAS] = {
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
  };
  const MmrDotFun *values = field != NULL ? &field->values : NULL;

  g_assert (replica < MMR_MAX_REPLICAS);
  if (op->type == MMR_CRDT_GCOUNTER || op->type == MMR_CRDT_PNCOUNTER)
    {
      *supersedes = is_own;
      *supersedes_data = &replicas[replica];
      return plan_counter (values, op, replica, v, error);
    }
  if (op->type == MMR_CRDT_LWW_REGISTER
      && !plan_stamp (values, op, stamp, v, error))
    return FALSE;
  /* Registers supersede everything seen; sets only the same element. */
  *supersedes = op->type == MMR_CRDT_LWW_REGISTER
                || op->type == MMR_CRDT_MV_REGISTER ? NULL : has_value;
  *supersedes_data = op->arg;
  v->value = (char *) op->arg;   /* borrowed: mmr_dot_fun_add copies */
  return TRUE;
}

/* Reading */

static char *
render_counter (const MmrOrMapField *f)
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
render_values (const MmrOrMapField *f)
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
lww_winner (const MmrOrMapField *f)
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

static gboolean
is_default_type (MmrCrdtType t)
{
  return t == default_type[MMR_OR_MAP_INCR] || t == default_type[MMR_OR_MAP_ADD]
         || t == default_type[MMR_OR_MAP_SET];
}

char *
mmr_or_map_field_render (const MmrOrMapField *f)
{
  g_autofree char *value = NULL;

  g_assert (f->values.n > 0);
  if (f->type == MMR_CRDT_GCOUNTER || f->type == MMR_CRDT_PNCOUNTER)
    value = render_counter (f);
  else if (f->type == MMR_CRDT_LWW_REGISTER)
    value = g_strdup (lww_winner (f)->value);
  else
    value = render_values (f);
  if (is_default_type (f->type))
    return g_strdup_printf ("%s=%s", f->name, value);
  return g_strdup_printf ("%s:%s=%s", f->name,
                          mmr_crdt_type_to_string (f->type), value);
}

gsize
mmr_or_map_field_metadata_size (const MmrOrMapField *f)
{
  gsize per = MMR_META_DOT;

  if (f->type == MMR_CRDT_LWW_REGISTER)
    per += MMR_META_STAMP;
  else if (f->type == MMR_CRDT_PNCOUNTER)
    per += 2 * MMR_META_COUNT;
  else if (f->type == MMR_CRDT_GCOUNTER)
    per += MMR_META_COUNT;
  return f->values.n * per;
}

gboolean
mmr_or_map_field_check_values (const MmrOrMapField *f)
{
  gboolean is_counter = f->type == MMR_CRDT_GCOUNTER
                        || f->type == MMR_CRDT_PNCOUNTER;
  gboolean is_set = f->type == MMR_CRDT_GSET || f->type == MMR_CRDT_ORSET;

  for (guint i = 0; i < f->values.n; i++)
    {
      const MmrDottedValue *v = &f->values.items[i];

      if ((is_set && v->value[0] == '\0')
          || (f->type == MMR_CRDT_GCOUNTER && v->n != 0)
          || (is_counter && v->p == 0 && v->n == 0))
        return FALSE;
    }
  return TRUE;
}

void
mmr_or_map_field_describe (const MmrOrMapField *f, GString *out)
{
  MmrDotFunParts parts = mmr_or_map_field_parts (f->type);

  g_string_append_printf (out, "%s:%s[", f->name,
                          mmr_crdt_type_to_string (f->type));
  for (guint k = 0; k < f->values.n; k++)
    {
      const MmrDottedValue *v = &f->values.items[k];

      g_string_append_printf (out, "%s%c%u", k > 0 ? "," : "",
                              MMR_REPLICA_LETTER (v->dot.replica),
                              v->dot.counter);
      if (parts & MMR_DOT_FUN_COUNTS)
        g_string_append_printf (out, "=+%" G_GUINT64_FORMAT
                                "-%" G_GUINT64_FORMAT, v->p, v->n);
      if (parts & MMR_DOT_FUN_STAMP)
        g_string_append_printf (out, "@%" G_GINT64_FORMAT ".%u", v->ts,
                                v->logical);
      if (v->value != NULL)
        g_string_append_printf (out, "=%s", v->value);
    }
  g_string_append_c (out, ']');
}
