/* invariants-end.c - the checks of a run's final state
 *
 * The concept: once a run has ended, what must be true of what the
 * replicas hold, computed from the definitions alone.
 *
 *   convergence         after heal + settle, every replica holds the same
 *                       registers: the same version vector and the same
 *                       versions (dot, value, tombstone); and the same CRDT
 *                       states (their canonical bytes). A register a replica
 *                       never heard of counts as an empty one.
 *   lost-writes-report  our own list of lost writes equals the engine's.
 *                       A write is lost when it was acknowledged (a WRITE
 *                       or DELETE event), no replica holds its version at
 *                       the end, and no write replaced it having seen it:
 *                       the replacing write was made where the version was
 *                       visible just before, by the replica itself or by a
 *                       client whose context covered its dot (our own
 *                       bookkeeping in invariants.c, from register
 *                       changes; never the WRITE event's superseded list).
 *   no-lost-write       that list is empty when the strategy was never lww
 *                       during the run, not counting writes a replica
 *                       acknowledged without durability sync and then
 *                       lost in a crash (the documented async loss).
 *
 * crdt-spec lives in crdt-spec.c.
 *
 * Interface: invariants.h (mmr_invariants_finish and the
 * mmr_invariants_check_* it calls, public so tests can doctor the state).
 *
 * Taught in docs/checking.md.
 */
#include "check/invariants-private.h"

#include <string.h>

/* ---- convergence ---- */

static void
collect_name_cb (gpointer key, gpointer value, gpointer user_data)
{
  (void) value;
  g_hash_table_add (user_data, key);
}

static int
str_ptr_cmp (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static const MmrVersion *
find_version (const MmrRegister *reg, MmrDot dot)
{
  for (guint i = 0; reg != NULL && i < reg->n_siblings; i++)
    if (reg->siblings[i].dot.replica == dot.replica
        && reg->siblings[i].dot.counter == dot.counter)
      return &reg->siblings[i];
  return NULL;
}

/* Same vv, same versions (as sets: order is the engine's business). */
static gboolean
registers_equal (const MmrRegister *a, const MmrRegister *b)
{
  MmrVersionVector zero;
  guint na = a != NULL ? a->n_siblings : 0;
  guint nb = b != NULL ? b->n_siblings : 0;

  mmr_version_vector_init (&zero);
  if (memcmp (a != NULL ? &a->vv : &zero, b != NULL ? &b->vv : &zero,
              sizeof zero) != 0 || na != nb)
    return FALSE;
  for (guint i = 0; i < na; i++)
    {
      const MmrVersion *w = find_version (b, a->siblings[i].dot);

      if (w == NULL || g_strcmp0 (w->value, a->siblings[i].value) != 0)
        return FALSE;
    }
  return TRUE;
}

static char *
describe_register (const MmrRegister *reg, const MmrWorld *world)
{
  GString *s = g_string_new ("{");
  MmrVersionVector zero;
  g_autofree char *vv = NULL;

  mmr_version_vector_init (&zero);
  for (guint i = 0; reg != NULL && i < reg->n_siblings; i++)
    {
      g_autofree char *d = check_dot_print (reg->siblings[i].dot, world);

      g_string_append_printf (s, "%s%s=%s", i > 0 ? ", " : "", d,
                              reg->siblings[i].value != NULL
                              ? reg->siblings[i].value : "(tombstone)");
    }
  vv = check_vv_print (reg != NULL ? &reg->vv : &zero, world);
  g_string_append_printf (s, "} vv %s", vv);
  return g_string_free (s, FALSE);
}

void
mmr_invariants_check_registers (MmrInvariants *inv, guint n_replicas,
                                const char *const *names,
                                const MmrStore *const *stores)
{
  g_autoptr (GHashTable) all = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GPtrArray) sorted = g_ptr_array_new ();
  GHashTableIter it;
  gpointer name_p;

  for (guint r = 0; r < n_replicas; r++)
    mmr_store_foreach (stores[r], collect_name_cb, all);
  g_hash_table_iter_init (&it, all);
  while (g_hash_table_iter_next (&it, &name_p, NULL))
    g_ptr_array_add (sorted, name_p);
  g_ptr_array_sort (sorted, str_ptr_cmp);
  for (guint k = 0; k < sorted->len; k++)
    {
      const char *name = sorted->pdata[k];
      const MmrRegister *first = mmr_store_lookup ((MmrStore *) stores[0],
                                                   name);

      for (guint r = 1; r < n_replicas; r++)
        {
          const MmrRegister *other = mmr_store_lookup ((MmrStore *) stores[r],
                                                       name);
          g_autofree char *a = NULL, *b = NULL;

          if (registers_equal (first, other))
            continue;
          a = describe_register (first, inv->world);
          b = describe_register (other, inv->world);
          check_violate (inv, MMR_INV_CONVERGENCE, inv->last_seq,
                         inv->last_time_us,
                         "after heal + settle '%s' differs: %s has %s, %s "
                         "has %s", name, names[0], a, names[r], b);
          return;
        }
    }
}

static void
check_crdts_converged (MmrInvariants *inv, const MmrWorld *world)
{
  guint n = mmr_world_n_replicas (world);

  for (guint r = 0; r < n; r++)
    {
      g_autoptr (GPtrArray) keys = mmr_world_dup_crdt_keys (world, r);

      for (guint i = 0; i < keys->len; i++)
        for (guint q = 0; q < n; q++)
          {
            const MmrCrdt *a = mmr_world_get_crdt (world, r, keys->pdata[i]);
            const MmrCrdt *b = mmr_world_get_crdt (world, q, keys->pdata[i]);
            g_autoptr (GBytes) ea = NULL, eb = NULL;
            g_autofree char *sa = NULL, *sb = NULL;

            if (b != NULL)
              {
                ea = mmr_crdt_encode (a);
                eb = mmr_crdt_encode (b);
                if (g_bytes_equal (ea, eb))
                  continue;
              }
            sa = mmr_crdt_to_string (a);
            sb = b != NULL ? mmr_crdt_to_string (b) : g_strdup ("nothing");
            check_violate (inv, MMR_INV_CONVERGENCE, inv->last_seq,
                           inv->last_time_us,
                           "after heal + settle CRDT '%s' differs: %s has %s, "
                           "%s has %s", (const char *) keys->pdata[i],
                           mmr_world_replica_name (world, r), sa,
                           mmr_world_replica_name (world, q), sb);
            return;
          }
    }
}

/* ---- lost writes ---- */

static void
collect_visible_cb (gpointer key, gpointer value, gpointer user_data)
{
  const MmrRegister *reg = value;

  for (guint i = 0; i < reg->n_siblings; i++)
    g_hash_table_add (user_data, check_dot_id (key, reg->siblings[i].dot));
}

/* Our lost writes: CheckWrite*, borrowed, in order. */
static GPtrArray *
recompute_lost (MmrInvariants *inv, guint n_replicas,
                const MmrStore *const *stores)
{
  g_autoptr (GHashTable) visible = g_hash_table_new_full (
      g_str_hash, g_str_equal, g_free, NULL);
  GPtrArray *lost = g_ptr_array_new ();

  for (guint r = 0; r < n_replicas; r++)
    mmr_store_foreach (stores[r], collect_visible_cb, visible);
  for (guint i = 0; i < inv->writes->len; i++)
    {
      CheckWrite *w = inv->writes->pdata[i];
      g_autofree char *id = check_dot_id (w->key, w->dot);

      if (!g_hash_table_contains (visible, id)
          && !g_hash_table_contains (inv->replaced_seen, id))
        g_ptr_array_add (lost, w);
    }
  return lost;
}

static char *
describe_write (const MmrInvariants *inv, const CheckWrite *w)
{
  g_autofree char *r = check_replica_name (inv->world, w->replica);
  g_autofree char *d = check_dot_print (w->dot, inv->world);

  return g_strdup_printf ("%s %s '%s'%s%s (dot %s, event %" G_GUINT64_FORMAT
                          ")", r, w->value != NULL ? "put" : "del", w->key,
                          w->value != NULL ? " = " : "",
                          w->value != NULL ? w->value : "", d, w->seq);
}

static const CheckWrite *
find_reported_missing (const GPtrArray *mine, const GPtrArray *reported)
{
  for (guint i = 0; i < mine->len; i++)
    {
      const CheckWrite *w = mine->pdata[i];
      gboolean found = FALSE;

      for (guint j = 0; j < reported->len && !found; j++)
        {
          const MmrLostWrite *lw = reported->pdata[j];

          found = strcmp (lw->key, w->key) == 0
                  && lw->dot.replica == w->dot.replica
                  && lw->dot.counter == w->dot.counter;
        }
      if (!found)
        return w;
    }
  return NULL;
}

static void
compare_reports (MmrInvariants *inv, const GPtrArray *mine,
                 const GPtrArray *reported)
{
  const CheckWrite *missing = find_reported_missing (mine, reported);

  if (missing != NULL)
    {
      g_autofree char *d = describe_write (inv, missing);

      check_violate (inv, MMR_INV_LOST_WRITES_REPORT, missing->seq,
                     missing->time_us,
                     "%s is lost (visible nowhere, never replaced by a write "
                     "that had seen it) but the engine does not report it", d);
      return;
    }
  for (guint j = 0; j < reported->len; j++)
    {
      const MmrLostWrite *lw = reported->pdata[j];
      gboolean found = FALSE;

      for (guint i = 0; i < mine->len && !found; i++)
        {
          const CheckWrite *w = mine->pdata[i];

          found = strcmp (lw->key, w->key) == 0
                  && lw->dot.replica == w->dot.replica
                  && lw->dot.counter == w->dot.counter;
        }
      if (!found)
        {
          g_autofree char *d = check_dot_print (lw->dot, inv->world);

          check_violate (inv, MMR_INV_LOST_WRITES_REPORT, lw->seq, lw->time_us,
                         "the engine reports '%s' dot %s (event %"
                         G_GUINT64_FORMAT ") lost, but it is visible or was "
                         "replaced by a write that had seen it", lw->key, d,
                         lw->seq);
          return;
        }
    }
}

void
mmr_invariants_check_lost (MmrInvariants *inv, guint n_replicas,
                           const MmrStore *const *stores,
                           const GPtrArray *reported_lost,
                           gboolean strategy_was_lww)
{
  g_autoptr (GPtrArray) mine = recompute_lost (inv, n_replicas, stores);

  if (reported_lost != NULL)
    compare_reports (inv, mine, reported_lost);
  if (strategy_was_lww)
    return;
  for (guint i = 0; i < mine->len; i++)
    {
      const CheckWrite *w = mine->pdata[i];
      g_autofree char *d = NULL;

      if (w->crashed_after && !w->durable)
        continue;
      d = describe_write (inv, w);
      check_violate (inv, MMR_INV_NO_LOST_WRITE, w->seq, w->time_us,
                     "%s was acknowledged and is lost, with a strategy that "
                     "keeps every concurrent write", d);
      return;
    }
}

/* ---- the end of a run ---- */

void
mmr_invariants_finish (MmrInvariants *inv, const MmrWorld *world,
                       gboolean settled, const GPtrArray *reported_lost)
{
  guint n = mmr_world_n_replicas (world);
  const MmrStore *stores[MMR_MAX_REPLICAS];

  for (guint r = 0; r < n; r++)
    stores[r] = mmr_world_get_store (world, r);
  if (settled)
    {
      mmr_invariants_check_registers (inv, n, mmr_world_replica_names (world),
                                      stores);
      check_crdts_converged (inv, world);
    }
  mmr_invariants_check_lost (inv, n, stores, reported_lost, inv->ever_lww);
  if (!settled || mmr_invariants_find (inv, MMR_INV_CONVERGENCE) != NULL)
    return;
  {
    g_autoptr (GPtrArray) keys = mmr_world_dup_crdt_keys (world, 0);

    for (guint i = 0; i < keys->len; i++)
      {
        const MmrCrdt *c = mmr_world_get_crdt (world, 0, keys->pdata[i]);
        g_autoptr (GPtrArray) values = mmr_crdt_read (c);

        mmr_invariants_check_crdt (inv, keys->pdata[i], mmr_crdt_type_of (c),
                                   values);
      }
  }
}
