/* crdt-spec.c - CRDT values against a sequential specification
 *
 * The concept: a CRDT promises that, once every replica has every
 * operation, its value is what a simple sequential story of the same
 * operations gives. The checker tells that story itself, from the OP
 * events (and, for removes, what the remover showed just before), never
 * through the engine's merges:
 *
 *   gcounter, pncounter  the sum of acknowledged increments minus
 *                        decrements;
 *   gset                 exactly the elements added;
 *   2pset                the adds minus every element removed where it
 *                        was visible just before the remove;
 *   orset (add wins)     an element shown was added; an element with an
 *                        add that no remove of it happened after (by the
 *                        events' vector clocks: to have seen an add, a
 *                        remove must happen after it) is shown;
 *   lwwreg               the value of the set with the largest stamp
 *                        (ts, logical, replica, value): the stamp from the
 *                        scenario's clock (docs/crdts.md), read at the OP;
 *   mvreg                every value shown was set; every set that no
 *                        other set happened after is shown;
 *   ormap                when nothing of the key was removed: each field
 *                        shown is what its operations make it (counter
 *                        fields the sum, set fields the union, register
 *                        fields the set with the largest stamp).
 *
 * Skipped after a crash that lost CRDT memory (durability other than
 * sync): acknowledged operations may then be gone legitimately.
 *
 * Interface: invariants.h (mmr_invariants_check_crdt); invariants-end.c
 * calls it once convergence holds.
 *
 * Taught in docs/checking.md ("CRDTs, specified").
 */
#include "check/invariants-private.h"

#include <string.h>

static int
str_ptr_cmp (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static gboolean
has_value (const GPtrArray *values, const char *v)
{
  for (guint i = 0; i < values->len; i++)
    if (strcmp (values->pdata[i], v) == 0)
      return TRUE;
  return FALSE;
}

static void
crdt_wrong (MmrInvariants *inv, const char *key, MmrCrdtType type,
            const GPtrArray *values, const char *why)
{
  g_autoptr (GString) shown = g_string_new ("{");

  for (guint i = 0; i < values->len; i++)
    g_string_append_printf (shown, "%s%s", i > 0 ? ", " : "",
                            (const char *) values->pdata[i]);
  g_string_append_c (shown, '}');
  check_violate (inv, MMR_INV_CRDT_SPEC, inv->last_seq, inv->last_time_us,
                 "%s '%s' shows %s; %s", mmr_crdt_type_to_string (type), key,
                 shown->str, why);
}

static gboolean
op_is (const CheckOp *op, const char *key, const char *name)
{
  return strcmp (op->key, key) == 0 && strcmp (op->op, name) == 0;
}

static void
check_counter (MmrInvariants *inv, const char *key, MmrCrdtType type,
               const GPtrArray *values)
{
  gint64 sum = 0;
  g_autofree char *expected = NULL, *why = NULL;

  for (guint i = 0; i < inv->ops->len; i++)
    {
      const CheckOp *op = inv->ops->pdata[i];
      gint64 n = op->arg != NULL ? g_ascii_strtoll (op->arg, NULL, 10) : 1;

      if (op_is (op, key, "incr"))
        sum += n;
      else if (op_is (op, key, "decr"))
        sum -= n;
    }
  expected = g_strdup_printf ("%" G_GINT64_FORMAT, sum);
  if (values->len == 1 && strcmp (values->pdata[0], expected) == 0)
    return;
  why = g_strdup_printf ("the acknowledged increments and decrements sum "
                         "to %s", expected);
  crdt_wrong (inv, key, type, values, why);
}

/* Element sets: @must holds what must be shown, @may what may be. */
static void
check_set (MmrInvariants *inv, const char *key, MmrCrdtType type,
           const GPtrArray *values, GHashTable *must, GHashTable *may)
{
  GHashTableIter it;
  gpointer e;

  for (guint i = 0; i < values->len; i++)
    if (!g_hash_table_contains (may, values->pdata[i]))
      {
        g_autofree char *why = g_strdup_printf (
            "'%s' was never added or set, or was removed for good",
            (const char *) values->pdata[i]);

        crdt_wrong (inv, key, type, values, why);
        return;
      }
  g_hash_table_iter_init (&it, must);
  while (g_hash_table_iter_next (&it, &e, NULL))
    if (!has_value (values, e))
      {
        g_autofree char *why = g_strdup_printf (
            "'%s' must be shown (an add or set no remove or later set had "
            "seen)", (const char *) e);

        crdt_wrong (inv, key, type, values, why);
        return;
      }
}

/* LWW order of two sets: (ts, logical, replica, value). */
static int
lww_cmp (const CheckOp *a, const char *va, const CheckOp *b, const char *vb)
{
  if (a->ts != b->ts)
    return a->ts < b->ts ? -1 : 1;
  if (a->ts_logical != b->ts_logical)
    return a->ts_logical < b->ts_logical ? -1 : 1;
  if (a->replica != b->replica)
    return a->replica < b->replica ? -1 : 1;
  return strcmp (va, vb);
}

/* The value the LWW-largest "set" of @key shows (for an OR-Map field,
 * @field's; NULL for a plain register); NULL when none was set. */
static const char *
lww_winner (const MmrInvariants *inv, const char *key, const char *field)
{
  const CheckOp *best = NULL;
  const char *best_v = NULL;
  gsize flen = field != NULL ? strlen (field) : 0;

  for (guint i = 0; i < inv->ops->len; i++)
    {
      const CheckOp *op = inv->ops->pdata[i];
      const char *v = op->arg;

      if (strcmp (op->key, key) != 0 || strcmp (op->op, "set") != 0
          || v == NULL)
        continue;
      if (field != NULL)
        {
          if (strncmp (v, field, flen) != 0 || v[flen] != '=')
            continue;
          v += flen + 1;
        }
      if (best == NULL || lww_cmp (op, v, best, best_v) > 0)
        {
          best = op;
          best_v = v;
        }
    }
  return best_v;
}

/* Did @a happen before @b? By the events' vector clocks. */
static gboolean
happened_before (const CheckOp *a, const CheckOp *b)
{
  return a != b && check_vv_leq (&a->clock, &b->clock);
}

static gboolean
seen_by_later (const MmrInvariants *inv, const CheckOp *a, const char *name,
               gboolean same_arg)
{
  for (guint j = 0; j < inv->ops->len; j++)
    {
      const CheckOp *b = inv->ops->pdata[j];

      if (op_is (b, a->key, name)
          && (!same_arg || g_strcmp0 (a->arg, b->arg) == 0)
          && happened_before (a, b))
        return TRUE;
    }
  return FALSE;
}

static void
expect_elements (MmrInvariants *inv, const char *key, MmrCrdtType type,
                 GHashTable *must, GHashTable *may)
{
  const char *adder = type == MMR_CRDT_LWW_REGISTER
                      || type == MMR_CRDT_MV_REGISTER ? "set" : "add";

  for (guint i = 0; i < inv->ops->len; i++)
    {
      const CheckOp *op = inv->ops->pdata[i];

      if (!op_is (op, key, adder) || op->arg == NULL)
        continue;
      g_hash_table_add (may, op->arg);
      if (type == MMR_CRDT_GSET
          || (type == MMR_CRDT_ORSET && !seen_by_later (inv, op, "rem", TRUE))
          || (type == MMR_CRDT_MV_REGISTER
              && !seen_by_later (inv, op, "set", FALSE)))
        g_hash_table_add (must, op->arg);
    }
  if (type != MMR_CRDT_TWO_P_SET)
    return;
  /* 2P-Set: present iff added and never removed where it was visible. */
  g_hash_table_remove_all (must);
  for (guint i = 0; i < inv->ops->len; i++)
    {
      const CheckOp *op = inv->ops->pdata[i];

      if (op_is (op, key, "rem") && op->present_before && op->arg != NULL)
        g_hash_table_remove (may, op->arg);
    }
  for (guint i = 0; i < inv->ops->len; i++)
    {
      const CheckOp *op = inv->ops->pdata[i];

      if (op_is (op, key, "add") && op->arg != NULL
          && g_hash_table_contains (may, op->arg))
        g_hash_table_add (must, op->arg);
    }
}

/* The value of an OR-Map "set" on @field, or NULL when @op is not one. */
static const char *
field_set_value (const CheckOp *op, const char *key, const char *field)
{
  gsize flen = strlen (field);

  if (strcmp (op->key, key) != 0 || strcmp (op->op, "set") != 0
      || op->arg == NULL || strncmp (op->arg, field, flen) != 0
      || op->arg[flen] != '=')
    return NULL;
  return op->arg + flen + 1;
}

/* An OR-Map lwwreg field (docs/crdts.md, "OR-Map"): a set supersedes every
 * value of the field it has observed, and the read shows the largest stamp
 * among what is left. So the shown value must come from a set S that wins,
 * by LWW order, against every set no later set happened after (the
 * causally maximal ones, which nothing can have superseded). A set that a
 * later one happened after may or may not have been observed by it (the
 * later replica may have heard of it only through a third one whose
 * deltas it never got), so it is neither required nor excluded. */
static gboolean
ormap_lww_ok (const MmrInvariants *inv, const char *key, const char *field,
              const char *shown)
{
  for (guint i = 0; i < inv->ops->len; i++)
    {
      const CheckOp *s = inv->ops->pdata[i];
      const char *sv = field_set_value (s, key, field);
      gboolean wins = TRUE;

      if (sv == NULL || strcmp (sv, shown) != 0)
        continue;
      for (guint j = 0; wins && j < inv->ops->len; j++)
        {
          const CheckOp *m = inv->ops->pdata[j];
          const char *mv = field_set_value (m, key, field);
          gboolean is_maximal = mv != NULL;

          for (guint k = 0; is_maximal && k < inv->ops->len; k++)
            if (field_set_value (inv->ops->pdata[k], key, field) != NULL
                && happened_before (m, inv->ops->pdata[k]))
              is_maximal = FALSE;
          if (is_maximal && m != s && lww_cmp (s, sv, m, mv) < 0)
            wins = FALSE;
        }
      if (wins)
        return TRUE;
    }
  return FALSE;
}

/* What the ops on @field of OR-Map @key make it show, by the same rules
 * as the standalone types: incr sums, add unions (shown "{a,b}"), set
 * shows one of the values set. NULL when an op removes anything (the
 * observed-remove of fields is not specified here). */
static gboolean
ormap_field_ok (const MmrInvariants *inv, const char *key, const char *field,
                const char *shown)
{
  gint64 sum = 0;
  gboolean is_counter = FALSE, is_set = FALSE;
  const char *winner = lww_winner (inv, key, field);
  g_autoptr (GPtrArray) added = g_ptr_array_new ();
  gsize flen = strlen (field);

  for (guint i = 0; i < inv->ops->len; i++)
    {
      const CheckOp *op = inv->ops->pdata[i];
      const char *arg = op->arg;

      if (strcmp (op->key, key) != 0 || arg == NULL
          || strncmp (arg, field, flen) != 0 || arg[flen] != '=')
        continue;
      arg += flen + 1;
      if (strcmp (op->op, "incr") == 0)
        {
          is_counter = TRUE;
          sum += g_ascii_strtoll (arg, NULL, 10);
        }
      else if (strcmp (op->op, "add") == 0)
        {
          is_set = TRUE;
          if (!has_value (added, arg))
            g_ptr_array_add (added, (gpointer) arg);
        }
    }
  if (is_counter)
    {
      g_autofree char *want = g_strdup_printf ("%" G_GINT64_FORMAT, sum);

      return strcmp (want, shown) == 0;
    }
  if (is_set)
    {
      GString *want = g_string_new ("{");
      gboolean ok;

      g_ptr_array_sort (added, str_ptr_cmp);
      for (guint i = 0; i < added->len; i++)
        g_string_append_printf (want, "%s%s", i > 0 ? "," : "",
                                (const char *) added->pdata[i]);
      g_string_append_c (want, '}');
      ok = strcmp (want->str, shown) == 0;
      g_string_free (want, TRUE);
      return ok;
    }
  return winner != NULL && ormap_lww_ok (inv, key, field, shown);
}

static void
check_ormap (MmrInvariants *inv, const char *key, const GPtrArray *values)
{
  for (guint i = 0; i < inv->ops->len; i++)
    {
      const CheckOp *op = inv->ops->pdata[i];

      if (strcmp (op->key, key) == 0 && strcmp (op->op, "rem") == 0)
        return;
    }
  for (guint i = 0; i < values->len; i++)
    {
      const char *fv = values->pdata[i];
      const char *eq = strchr (fv, '=');
      g_autofree char *field = eq != NULL ? g_strndup (fv, (gsize) (eq - fv))
                                          : g_strdup (fv);

      if (eq == NULL || !ormap_field_ok (inv, key, field, eq + 1))
        {
          g_autofree char *why = g_strdup_printf (
              "'%s' is not what the operations on field '%s' make it (sum "
              "of incr, union of add, a set that beats every causally "
              "last set)", fv, field);

          crdt_wrong (inv, key, MMR_CRDT_ORMAP, values, why);
          return;
        }
    }
}

void
mmr_invariants_check_crdt (MmrInvariants *inv, const char *key,
                           MmrCrdtType type, const GPtrArray *values)
{
  g_autoptr (GHashTable) must = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GHashTable) may = g_hash_table_new (g_str_hash, g_str_equal);

  if (inv->crdt_state_lost)
    return;
  switch (type)
    {
    case MMR_CRDT_GCOUNTER:
    case MMR_CRDT_PNCOUNTER:
      check_counter (inv, key, type, values);
      return;
    case MMR_CRDT_GSET:
    case MMR_CRDT_TWO_P_SET:
    case MMR_CRDT_ORSET:
    case MMR_CRDT_LWW_REGISTER:
    case MMR_CRDT_MV_REGISTER:
      expect_elements (inv, key, type, must, may);
      check_set (inv, key, type, values, must, may);
      if (type == MMR_CRDT_LWW_REGISTER)
        {
          const char *w = lww_winner (inv, key, NULL);
          g_autofree char *why = g_strdup_printf (
              "the set with the largest stamp wrote '%s'", w);

          if (w != NULL && (values->len != 1 || strcmp (values->pdata[0], w)))
            crdt_wrong (inv, key, type, values, why);
        }
      return;
    case MMR_CRDT_ORMAP:
      check_ormap (inv, key, values);
      return;
    default:
      return;
    }
}

