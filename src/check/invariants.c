/* invariants.c - the laws every event of a run must obey, checked as it goes
 *
 * The concept: a checker that only observes. It is written from the
 * definitions in the docs (docs/checking.md lists them), with its own
 * small code for everything it decides - its own version-vector order,
 * its own record of which write each dot names, its own count of each
 * replica's events - and never calls the engine function that computes
 * the answer, so that a bug in the engine is not also in the checker.
 *
 * Interface (invariants.h): mmr_invariants_new subscribes to a world's
 * events (mmr_invariants_observe) and register changes
 * (mmr_invariants_register_changed); the runner's driver reports each
 * command (mmr_invariants_note_command); invariants-end.c does the checks
 * of the final state.
 *
 * Laws checked here, on each event:
 *   unique-dot      every WRITE/DELETE dot (key, replica, counter) names one
 *                   write; every stored version carries the value its dot
 *                   was issued with.
 *   vector-clock    an event's clock counts its replica's events exactly
 *                   (own entry = number of events there so far), never
 *                   goes back, never claims more events of another replica
 *                   than happened, and a DELIVER's clock dominates its SEND's.
 *   version-vector  a register's vv at a replica never goes back (a crash
 *                   starts a new life: the baseline is what restart
 *                   reloaded); every visible version's dot is covered by
 *                   vv and no two share a dot; a local write's dot is
 *                   (R, vv[R]) and above vv[R] before it.
 *   hlc             per replica, from one restart to the next crash, the
 *                   HLC never goes back; its l is never above the largest
 *                   physical clock reading made anywhere so far
 *                   (docs/clocks.md: "l is always one of the physical
 *                   readings in e's causal past"), plus one clock lease
 *                   per restart so far (a restarted replica starts its
 *                   HLC at its lease, docs/storage.md).
 *   conflict        a CONFLICT event names versions of which at least two
 *                   were written concurrently (neither writer had seen the
 *                   other's dot); a RESOLVE with rule lww-rejected-newer
 *                   discarded a version whose writer had seen the kept one.
 *                   So "conflict" means concurrent versions, and a causally
 *                   newer write LWW rejects is not counted as one.
 *
 * Taught in docs/checking.md.
 */
#include "check/invariants-private.h"

#include <stdarg.h>
#include <string.h>

/* ---- helpers shared with invariants-end.c ---- */

void
mmr_violation_free (MmrViolation *v)
{
  if (v == NULL)
    return;
  g_free (v->invariant);
  g_free (v->message);
  g_free (v);
}

void
check_violate (MmrInvariants *inv, const char *invariant, guint64 seq,
               gint64 time_us, const char *format, ...)
{
  MmrViolation *v;
  va_list ap;

  if (mmr_invariants_find (inv, invariant) != NULL)
    return;
  v = g_new0 (MmrViolation, 1);
  v->invariant = g_strdup (invariant);
  v->seq = seq;
  v->time_us = time_us;
  va_start (ap, format);
  v->message = g_strdup_vprintf (format, ap);
  va_end (ap);
  g_ptr_array_add (inv->violations, v);
}

char *
check_dot_id (const char *key, MmrDot dot)
{
  return g_strdup_printf ("%s|%u:%u", key, dot.replica, dot.counter);
}

/* a <= b pointwise: b has seen everything a has. */
gboolean
check_vv_leq (const MmrVersionVector *a, const MmrVersionVector *b)
{
  for (guint i = 0; i < MMR_MAX_REPLICAS; i++)
    if (a->c[i] > b->c[i])
      return FALSE;
  return TRUE;
}

char *
check_replica_name (const MmrWorld *world, guint replica)
{
  if (world != NULL && replica < mmr_world_n_replicas (world))
    return g_strdup (mmr_world_replica_name (world, replica));
  return g_strdup_printf ("#%u", replica);
}

char *
check_vv_print (const MmrVersionVector *vv, const MmrWorld *world)
{
  GString *s = g_string_new ("{");
  gboolean first = TRUE;

  for (guint i = 0; i < MMR_MAX_REPLICAS; i++)
    if (vv->c[i] != 0)
      {
        g_autofree char *n = check_replica_name (world, i);

        g_string_append_printf (s, "%s%s:%u", first ? "" : ", ", n, vv->c[i]);
        first = FALSE;
      }
  g_string_append_c (s, '}');
  return g_string_free (s, FALSE);
}

char *
check_dot_print (MmrDot dot, const MmrWorld *world)
{
  g_autofree char *n = check_replica_name (world, dot.replica);

  return g_strdup_printf ("%s:%u", n, dot.counter);
}

static void
check_write_free (CheckWrite *w)
{
  g_free (w->key);
  g_free (w->value);
  g_free (w);
}

static void
check_op_free (CheckOp *op)
{
  g_free (op->key);
  g_free (op->op);
  g_free (op->arg);
  g_free (op);
}

static void
check_snap_free (CheckSnap *s)
{
  g_array_unref (s->dots);
  g_free (s);
}

static GHashTable *
new_snap_table (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                (GDestroyNotify) check_snap_free);
}

static GHashTable *
new_crdt_table (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                (GDestroyNotify) g_ptr_array_unref);
}

/* ---- unique-dot ---- */

static const char *
show (const char *value)
{
  return value != NULL ? value : "(delete)";
}

static void
record_write (MmrInvariants *inv, const MmrEvent *ev)
{
  g_autofree char *id = check_dot_id (ev->key, ev->dot);
  CheckWrite *old = g_hash_table_lookup (inv->writes_by_dot, id);
  CheckWrite *w;

  if (old != NULL)
    {
      if (g_strcmp0 (old->value, ev->value) != 0)
        {
          g_autofree char *d = check_dot_print (ev->dot, inv->world);

          check_violate (inv, MMR_INV_UNIQUE_DOT, ev->seq, ev->time_us,
                         "dot %s of '%s' names two writes: %s (event %"
                         G_GUINT64_FORMAT ") and %s (event %"
                         G_GUINT64_FORMAT ")", d, ev->key, show (old->value),
                         old->seq, show (ev->value), ev->seq);
        }
      return;
    }
  w = g_new0 (CheckWrite, 1);
  w->replica = (guint) ev->replica;
  w->key = g_strdup (ev->key);
  w->value = g_strdup (ev->value);
  w->dot = ev->dot;
  w->seq = ev->seq;
  w->time_us = ev->time_us;
  w->durable = inv->durability == MMR_DURABILITY_SYNC;
  g_ptr_array_add (inv->writes, w);
  g_hash_table_insert (inv->writes_by_dot, g_steal_pointer (&id), w);
}

/* Every stored version must carry the value its dot was issued with. */
static void
check_versions_named (MmrInvariants *inv, guint replica, const char *name,
                      const MmrRegister *reg)
{
  for (guint i = 0; i < reg->n_siblings; i++)
    {
      const MmrVersion *v = &reg->siblings[i];
      g_autofree char *id = check_dot_id (name, v->dot);
      CheckWrite *w = g_hash_table_lookup (inv->writes_by_dot, id);
      g_autofree char *d = check_dot_print (v->dot, inv->world);
      g_autofree char *r = check_replica_name (inv->world, replica);

      if (w == NULL)
        check_violate (inv, MMR_INV_UNIQUE_DOT, inv->last_seq,
                       inv->last_time_us,
                       "%s holds a version of '%s' with dot %s that no "
                       "write issued", r, name, d);
      else if (g_strcmp0 (w->value, v->value) != 0)
        check_violate (inv, MMR_INV_UNIQUE_DOT, inv->last_seq,
                       inv->last_time_us,
                       "%s holds '%s' = %s under dot %s, but that dot was "
                       "issued for %s (event %" G_GUINT64_FORMAT ")", r, name,
                       show (v->value), d, show (w->value), w->seq);
    }
}

/* ---- version-vector ---- */

static CheckSnap *
snap_of (const MmrRegister *reg)
{
  CheckSnap *s = g_new0 (CheckSnap, 1);

  s->vv = reg->vv;
  s->dots = g_array_sized_new (FALSE, FALSE, sizeof (MmrDot),
                               reg->n_siblings);
  for (guint i = 0; i < reg->n_siblings; i++)
    g_array_append_val (s->dots, reg->siblings[i].dot);
  return s;
}

static void
check_register_shape (MmrInvariants *inv, guint replica, const char *name,
                      const MmrRegister *reg)
{
  g_autofree char *r = check_replica_name (inv->world, replica);

  for (guint i = 0; i < reg->n_siblings; i++)
    {
      MmrDot d = reg->siblings[i].dot;

      if (reg->vv.c[d.replica] < d.counter)
        {
          g_autofree char *ds = check_dot_print (d, inv->world);
          g_autofree char *vs = check_vv_print (&reg->vv, inv->world);

          check_violate (inv, MMR_INV_VERSION_VECTOR, inv->last_seq,
                         inv->last_time_us,
                         "%s '%s': version %s is not covered by its vv %s",
                         r, name, ds, vs);
        }
      for (guint j = 0; j < i; j++)
        if (reg->siblings[j].dot.replica == d.replica
            && reg->siblings[j].dot.counter == d.counter)
          {
            g_autofree char *ds = check_dot_print (d, inv->world);

            check_violate (inv, MMR_INV_VERSION_VECTOR, inv->last_seq,
                           inv->last_time_us,
                           "%s '%s': two visible versions share dot %s", r,
                           name, ds);
          }
    }
}

/* The register's visible dots just before this change, for the write
 * announced just before it: which of them did the write replace, and had
 * the writer seen them? A replica's own write has seen everything visible
 * there; a client's write has seen what its context covers. */
static void
settle_pending_write (MmrInvariants *inv, const MmrRegister *reg)
{
  for (guint i = 0; i < inv->pending_before->len; i++)
    {
      MmrDot d = g_array_index (inv->pending_before, MmrDot, i);
      gboolean still = FALSE;

      for (guint j = 0; j < reg->n_siblings && !still; j++)
        still = reg->siblings[j].dot.replica == d.replica
                && reg->siblings[j].dot.counter == d.counter;
      if (still)
        continue;
      if (inv->pending_has_context
          && inv->pending_context.c[d.replica] < d.counter)
        continue;
      g_hash_table_add (inv->replaced_seen,
                        check_dot_id (inv->pending_key, d));
    }
  inv->has_pending = FALSE;
}

void
mmr_invariants_register_changed (MmrInvariants *inv, guint replica,
                                 const char *name, const MmrRegister *reg)
{
  CheckSnap *old;

  g_return_if_fail (replica < MMR_MAX_REPLICAS);
  old = g_hash_table_lookup (inv->snaps[replica], name);
  if (old != NULL && !check_vv_leq (&old->vv, &reg->vv))
    {
      g_autofree char *r = check_replica_name (inv->world, replica);
      g_autofree char *a = check_vv_print (&old->vv, inv->world);
      g_autofree char *b = check_vv_print (&reg->vv, inv->world);

      check_violate (inv, MMR_INV_VERSION_VECTOR, inv->last_seq,
                     inv->last_time_us,
                     "%s '%s': vv went back from %s to %s", r, name, a, b);
    }
  check_register_shape (inv, replica, name, reg);
  check_versions_named (inv, replica, name, reg);
  if (inv->has_pending && inv->pending_replica == replica
      && strcmp (inv->pending_key, name) == 0)
    settle_pending_write (inv, reg);
  g_hash_table_replace (inv->snaps[replica], g_strdup (name), snap_of (reg));
}

/* What this write had seen (for the conflict invariant): a replica's own
 * write saw everything its register held (the vv after it); a client's
 * write saw what its context covers (and itself: write_saw). */
static void
note_write_saw (MmrInvariants *inv, const MmrEvent *ev)
{
  g_autofree char *id = check_dot_id (ev->key, ev->dot);
  CheckWrite *w = g_hash_table_lookup (inv->writes_by_dot, id);

  if (w == NULL || w->seq != ev->seq)
    return;
  /* A context is a dotted version vector's: it names what was read, and
   * the write's own dot says nothing about the replica's earlier dots. */
  w->vv = inv->pending_has_context ? inv->pending_context : ev->vv;
}

/* A local write: its dot is (R, n) with n = vv[R] after it > vv[R]
 * before it (usually one more; a restart may skip counters it reserved
 * before the crash, docs/storage.md). Also remembers what was visible, for settle_pending. */
static void
check_local_write (MmrInvariants *inv, const MmrEvent *ev)
{
  guint r = (guint) ev->replica;
  CheckSnap *before = g_hash_table_lookup (inv->snaps[r], ev->key);
  guint32 prev = before != NULL ? before->vv.c[r] : 0;
  g_autofree char *rn = check_replica_name (inv->world, r);
  g_autofree char *d = check_dot_print (ev->dot, inv->world);

  if (ev->dot.replica != r || ev->dot.counter != ev->vv.c[r]
      || (inv->world != NULL && ev->dot.counter <= prev))
    check_violate (inv, MMR_INV_VERSION_VECTOR, ev->seq, ev->time_us,
                   "%s's write to '%s' got dot %s; expected %s:N with N = "
                   "vv[%s] after it > vv[%s] before it (was %u, is %u)", rn,
                   ev->key, d, rn, rn, rn, prev, ev->vv.c[r]);
  inv->has_pending = TRUE;
  inv->pending_replica = r;
  g_free (inv->pending_key);
  inv->pending_key = g_strdup (ev->key);
  g_array_set_size (inv->pending_before, 0);
  if (before != NULL)
    g_array_append_vals (inv->pending_before, before->dots->data,
                         before->dots->len);
  inv->pending_has_context = FALSE;
  if (inv->command != NULL && (inv->command->kind == MMR_CMD_CLIENT_PUT
                               || inv->command->kind == MMR_CMD_CLIENT_DEL))
    {
      g_autofree char *ck = g_strconcat (inv->command->client, "\n", ev->key,
                                         NULL);
      const MmrVersionVector *ctx = g_hash_table_lookup (inv->client_contexts,
                                                         ck);

      inv->pending_has_context = TRUE;
      mmr_version_vector_init (&inv->pending_context);
      if (ctx != NULL)
        inv->pending_context = *ctx;
    }
  note_write_saw (inv, ev);
}

/* ---- vector-clock ---- */

static void
check_vector_clock (MmrInvariants *inv, const MmrEvent *ev)
{
  guint r = (guint) ev->replica;
  g_autofree char *rn = check_replica_name (inv->world, r);

  inv->n_at[r]++;
  if (ev->clock.c[r] != inv->n_at[r])
    check_violate (inv, MMR_INV_VECTOR_CLOCK, ev->seq, ev->time_us,
                   "event %" G_GUINT64_FORMAT " is %s's event number %"
                   G_GUINT64_FORMAT " but its clock says %u", ev->seq, rn,
                   inv->n_at[r], ev->clock.c[r]);
  if (!check_vv_leq (&inv->last_clock[r], &ev->clock))
    check_violate (inv, MMR_INV_VECTOR_CLOCK, ev->seq, ev->time_us,
                   "%s's clock went back at event %" G_GUINT64_FORMAT, rn,
                   ev->seq);
  for (guint q = 0; q < MMR_MAX_REPLICAS; q++)
    if (q != r && ev->clock.c[q] > inv->n_at[q])
      check_violate (inv, MMR_INV_VECTOR_CLOCK, ev->seq, ev->time_us,
                     "event %" G_GUINT64_FORMAT " at %s has seen %u events "
                     "of replica %u, which has had %" G_GUINT64_FORMAT,
                     ev->seq, rn, ev->clock.c[q], q, inv->n_at[q]);
  inv->last_clock[r] = ev->clock;
  if (ev->kind == MMR_EV_SEND)
    g_hash_table_insert (inv->send_clocks, g_memdup2 (&ev->msg_id,
                                                      sizeof ev->msg_id),
                         g_memdup2 (&ev->clock, sizeof ev->clock));
  else if (ev->kind == MMR_EV_DELIVER)
    {
      const MmrVersionVector *sent = g_hash_table_lookup (inv->send_clocks,
                                                          &ev->msg_id);

      if (sent != NULL && !check_vv_leq (sent, &ev->clock))
        check_violate (inv, MMR_INV_VECTOR_CLOCK, ev->seq, ev->time_us,
                       "the DELIVER of message %" G_GUINT64_FORMAT " at %s "
                       "does not dominate its SEND's clock", ev->msg_id, rn);
    }
}

/* ---- hlc ---- */

static void
sample_physical (MmrInvariants *inv)
{
  if (inv->world == NULL)
    return;
  for (guint r = 0; r < mmr_world_n_replicas (inv->world); r++)
    {
      gint64 pt = mmr_physical_clock_read (
          mmr_world_get_physical_clock (inv->world, r),
          mmr_world_now (inv->world));

      inv->max_physical_us = MAX (inv->max_physical_us, pt);
    }
}

static void
check_hlc (MmrInvariants *inv, const MmrEvent *ev)
{
  guint r = (guint) ev->replica;
  g_autofree char *rn = check_replica_name (inv->world, r);
  const MmrHlc *last = &inv->last_hlc[r];

  /* Kinds that carry no HLC leave it zero (event.h): nothing to check. */
  if (ev->hlc.l == 0 && ev->hlc.c == 0)
    return;
  if (inv->has_hlc[r]
      && (ev->hlc.l < last->l || (ev->hlc.l == last->l && ev->hlc.c < last->c)))
    check_violate (inv, MMR_INV_HLC, ev->seq, ev->time_us,
                   "%s's HLC went back from %" G_GINT64_FORMAT ".%u to %"
                   G_GINT64_FORMAT ".%u", rn, last->l, last->c, ev->hlc.l,
                   ev->hlc.c);
  if (inv->world != NULL
      && ev->hlc.l > inv->max_physical_us
                     + (gint64) inv->n_restarts * MMR_CHECK_CLOCK_LEASE_US)
    check_violate (inv, MMR_INV_HLC, ev->seq, ev->time_us,
                   "%s's HLC l = %" G_GINT64_FORMAT " is ahead of every "
                   "physical clock reading so far (at most %" G_GINT64_FORMAT
                   ") by more than %u clock leases of %d us (one per "
                   "restart)", rn, ev->hlc.l, inv->max_physical_us,
                   inv->n_restarts, MMR_CHECK_CLOCK_LEASE_US);
  inv->has_hlc[r] = TRUE;
  inv->last_hlc[r] = ev->hlc;
}

/* ---- crash and restart ---- */

static void
snapshot_register_cb (gpointer key, gpointer value, gpointer user_data)
{
  GHashTable *snaps = user_data;

  g_hash_table_replace (snaps, g_strdup (key), snap_of (value));
}

static void
snapshot_crdts (MmrInvariants *inv, guint r)
{
  g_autoptr (GPtrArray) keys = mmr_world_dup_crdt_keys (inv->world, r);

  g_hash_table_remove_all (inv->crdt_before[r]);
  for (guint i = 0; i < keys->len; i++)
    g_hash_table_replace (inv->crdt_before[r], g_strdup (keys->pdata[i]),
                          mmr_crdt_read (mmr_world_get_crdt (inv->world, r,
                                                             keys->pdata[i])));
}

/* Durability sync: every write the replica acknowledged survives the crash
 * (no-lost-write): after the restart its vv covers each one's dot. */
static void
check_restart (MmrInvariants *inv, const MmrEvent *ev)
{
  guint r = (guint) ev->replica;
  const MmrStore *store = mmr_world_get_store (inv->world, r);

  g_hash_table_remove_all (inv->snaps[r]);
  mmr_store_foreach (store, snapshot_register_cb, inv->snaps[r]);
  snapshot_crdts (inv, r);
  for (guint i = 0; i < inv->writes->len; i++)
    {
      const CheckWrite *w = inv->writes->pdata[i];
      CheckSnap *s;

      if (w->replica != r || !w->durable)
        continue;
      s = g_hash_table_lookup (inv->snaps[r], w->key);
      if (s == NULL || s->vv.c[r] < w->dot.counter)
        {
          g_autofree char *rn = check_replica_name (inv->world, r);
          g_autofree char *d = check_dot_print (w->dot, inv->world);

          check_violate (inv, MMR_INV_NO_LOST_WRITE, ev->seq, ev->time_us,
                         "%s restarted without its acknowledged write '%s' = "
                         "%s (dot %s, event %" G_GUINT64_FORMAT
                         ", durability sync)", rn, w->key, show (w->value), d,
                         w->seq);
        }
    }
}

/* ---- the event observer ---- */

static void
note_strategy (MmrInvariants *inv)
{
  const MmrWorldConfig *cfg;

  if (inv->world == NULL)
    return;
  cfg = mmr_world_get_config (inv->world);
  inv->ever_lww |= cfg->strategy == MMR_STRATEGY_LWW;
  inv->durability = cfg->durability;
}

/* The stamp an LWW write of a CRDT gets: the writing replica's clock
 * chosen by the scenario's "clock" (physical: its skewed reading; lamport:
 * the counter; hlc: (l, c)), read at the OP event, where the replica has
 * just ticked it for this write. Without a world, the event's HLC. */
static void
check_lww_stamp (MmrInvariants *inv, const MmrEvent *ev, CheckOp *op)
{
  gint64 pt;
  guint64 lamport;
  MmrHlc hlc;

  op->ts = ev->hlc.l;
  op->ts_logical = ev->hlc.c;
  if (inv->world == NULL)
    return;
  mmr_world_get_clocks (inv->world, op->replica, &pt, &lamport, &hlc);
  switch (mmr_world_get_config (inv->world)->clock)
    {
    case MMR_CLOCK_PHYSICAL:
      op->ts = pt;
      op->ts_logical = 0;
      break;
    case MMR_CLOCK_LAMPORT:
      op->ts = (gint64) lamport;
      op->ts_logical = 0;
      break;
    default:
      break;
    }
}

static void
note_op (MmrInvariants *inv, const MmrEvent *ev)
{
  CheckOp *op = g_new0 (CheckOp, 1);
  const char *space = ev->detail != NULL ? strchr (ev->detail, ' ') : NULL;
  GPtrArray *before;

  op->replica = (guint) ev->replica;
  op->key = g_strdup (ev->key);
  op->op = space != NULL ? g_strndup (ev->detail, (gsize) (space - ev->detail))
                         : g_strdup (ev->detail != NULL ? ev->detail : "");
  op->arg = space != NULL ? g_strdup (space + 1) : NULL;
  op->clock = ev->clock;
  op->seq = ev->seq;
  check_lww_stamp (inv, ev, op);
  before = g_hash_table_lookup (inv->crdt_before[op->replica], ev->key);
  for (guint i = 0; before != NULL && op->arg != NULL && i < before->len; i++)
    op->present_before |= strcmp (before->pdata[i], op->arg) == 0;
  g_ptr_array_add (inv->ops, op);
}

/* A new life: the replica's HLC and registers start again from what its
 * restart reloads. (The world traces a crash as a world event naming the
 * replica as its peer.) */
static void
note_crash (MmrInvariants *inv, int replica)
{
  if (replica < 0 || replica >= MMR_MAX_REPLICAS)
    return;
  inv->has_hlc[replica] = FALSE;
  inv->n_restarts++;   /* its restart (whose first events precede the
                        * RESTART event) may lift its HLC one lease */
  g_hash_table_remove_all (inv->snaps[replica]);
  g_hash_table_remove_all (inv->crdt_before[replica]);
  inv->crdt_state_lost |= inv->durability != MMR_DURABILITY_SYNC;
  for (guint i = 0; i < inv->writes->len; i++)
    {
      CheckWrite *w = inv->writes->pdata[i];

      w->crashed_after |= w->replica == (guint) replica;
    }
}

/* The write behind version @i of a CONFLICT/RESOLVE, or NULL if unknown. */
static const CheckWrite *
version_write (MmrInvariants *inv, const MmrEvent *ev, guint i)
{
  g_autofree char *id = check_dot_id (ev->key, ev->versions[i].dot);

  return g_hash_table_lookup (inv->writes_by_dot, id);
}

/* Had @w's writer seen @dot (its own, or one its vector covers)? Our own
 * coverage test, not the engine's. */
static gboolean
write_saw (const CheckWrite *w, MmrDot dot)
{
  if (dot.replica == w->dot.replica && dot.counter == w->dot.counter)
    return TRUE;
  return dot.replica < MMR_MAX_REPLICAS && w->vv.c[dot.replica] >= dot.counter;
}

/* DOC: conflict-invariant */
static void
check_conflict (MmrInvariants *inv, const MmrEvent *ev)
{
  gboolean judged = FALSE;

  if (ev->kind == MMR_EV_CONFLICT)
    {
      for (guint i = 0; i < ev->n_versions; i++)
        for (guint j = i + 1; j < ev->n_versions; j++)
          {
            const CheckWrite *a = version_write (inv, ev, i);
            const CheckWrite *b = version_write (inv, ev, j);

            if (a == NULL || b == NULL)
              return;               /* a write we never saw: no judgement */
            judged = TRUE;
            if (!write_saw (a, b->dot) && !write_saw (b, a->dot))
              return;               /* a concurrent pair: a conflict */
          }
      if (judged)
        check_violate (inv, MMR_INV_CONFLICT, ev->seq, ev->time_us,
                       "a conflict on '%s' between versions none of which "
                       "is concurrent with another (each writer had seen "
                       "the other's version)", ev->key);
    }
  else if (ev->kind == MMR_EV_RESOLVE && ev->rule == MMR_RESOLVE_LWW_REJECTED)
    {
      for (guint i = 0; i < ev->n_versions; i++)
        for (guint k = 0; k < ev->n_kept; k++)
          {
            const CheckWrite *w = version_write (inv, ev, i);

            if (w == NULL)
              return;
            if ((w->dot.replica != ev->kept[k].replica
                 || w->dot.counter != ev->kept[k].counter)
                && write_saw (w, ev->kept[k]))
              return;               /* a newer write, rejected */
          }
      check_violate (inv, MMR_INV_CONFLICT, ev->seq, ev->time_us,
                     "'%s' resolved as lww-rejected-newer, but no discarded "
                     "version's writer had seen the kept one", ev->key);
    }
}

void
mmr_invariants_observe (MmrInvariants *inv, const MmrEvent *ev)
{
  inv->last_seq = ev->seq;
  inv->last_time_us = ev->time_us;
  inv->n_events++;
  note_strategy (inv);
  sample_physical (inv);
  if (ev->kind == MMR_EV_CRASH)
    note_crash (inv, ev->replica >= 0 ? ev->replica : ev->peer);
  if (ev->replica < 0 || ev->replica >= MMR_MAX_REPLICAS)
    return;
  check_vector_clock (inv, ev);
  check_hlc (inv, ev);
  switch (ev->kind)
    {
    case MMR_EV_WRITE:
    case MMR_EV_DELETE:
      record_write (inv, ev);
      check_local_write (inv, ev);
      break;
    case MMR_EV_READ:
      if (inv->command != NULL && inv->command->kind == MMR_CMD_CLIENT_GET)
        g_hash_table_replace (inv->client_contexts,
                              g_strconcat (inv->command->client, "\n",
                                           ev->key, NULL),
                              g_memdup2 (&ev->vv, sizeof ev->vv));
      break;
    case MMR_EV_OP:
      note_op (inv, ev);
      break;
    case MMR_EV_CONFLICT:
    case MMR_EV_RESOLVE:
      check_conflict (inv, ev);
      break;
    case MMR_EV_RESTART:
      if (inv->world != NULL)
        check_restart (inv, ev);
      break;
    default:
      break;
    }
}

void
mmr_invariants_note_command (MmrInvariants *inv, const MmrCommand *c)
{
  inv->command = c;
  if (c != NULL && c->kind == MMR_CMD_TYPE)
    {
      MmrCrdtType type;

      if (mmr_crdt_type_from_string (c->value, &type, NULL))
        g_hash_table_replace (inv->crdt_types, g_strdup (c->key),
                              GINT_TO_POINTER (type + 1));
    }
}

/* ---- wiring ---- */

static void
on_event_cb (const MmrEvent *ev, gpointer user_data)
{
  mmr_invariants_observe (user_data, ev);
}

static void
on_change_cb (MmrWorld *world, guint replica, const char *name,
              gpointer user_data)
{
  MmrInvariants *inv = user_data;
  const MmrCrdt *crdt = mmr_world_get_crdt (world, replica, name);

  if (crdt != NULL)
    {
      g_hash_table_replace (inv->crdt_before[replica], g_strdup (name),
                            mmr_crdt_read (crdt));
      return;
    }
  {
    /* mmr_store_lookup only reads, but is declared on a mutable store. */
    const MmrRegister *reg = mmr_store_lookup (
        (MmrStore *) mmr_world_get_store (world, replica), name);

    if (reg != NULL)
      mmr_invariants_register_changed (inv, replica, name, reg);
  }
}

MmrInvariants *
mmr_invariants_new (MmrWorld *world)
{
  MmrInvariants *inv = g_new0 (MmrInvariants, 1);

  inv->world = world;
  inv->violations = g_ptr_array_new_with_free_func (
      (GDestroyNotify) mmr_violation_free);
  inv->writes_by_dot = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                              NULL);
  inv->writes = g_ptr_array_new_with_free_func (
      (GDestroyNotify) check_write_free);
  inv->replaced_seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                              NULL);
  inv->pending_before = g_array_new (FALSE, FALSE, sizeof (MmrDot));
  inv->send_clocks = g_hash_table_new_full (g_int64_hash, g_int64_equal,
                                            g_free, g_free);
  inv->client_contexts = g_hash_table_new_full (g_str_hash, g_str_equal,
                                                g_free, g_free);
  inv->crdt_types = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                           NULL);
  inv->ops = g_ptr_array_new_with_free_func ((GDestroyNotify) check_op_free);
  inv->max_physical_us = G_MININT64;
  for (guint r = 0; r < MMR_MAX_REPLICAS; r++)
    {
      inv->snaps[r] = new_snap_table ();
      inv->crdt_before[r] = new_crdt_table ();
    }
  if (world != NULL)
    {
      note_strategy (inv);
      sample_physical (inv);
      inv->event_observer = mmr_world_add_observer (world, on_event_cb, inv);
      inv->change_observer = mmr_world_add_change_observer (world,
                                                            on_change_cb, inv);
    }
  return inv;
}

void
mmr_invariants_free (MmrInvariants *inv)
{
  if (inv == NULL)
    return;
  if (inv->world != NULL)
    {
      mmr_world_remove_observer (inv->world, inv->event_observer);
      mmr_world_remove_change_observer (inv->world, inv->change_observer);
    }
  for (guint r = 0; r < MMR_MAX_REPLICAS; r++)
    {
      g_hash_table_unref (inv->snaps[r]);
      g_hash_table_unref (inv->crdt_before[r]);
    }
  g_ptr_array_unref (inv->violations);
  g_hash_table_unref (inv->writes_by_dot);
  g_ptr_array_unref (inv->writes);
  g_hash_table_unref (inv->replaced_seen);
  g_array_unref (inv->pending_before);
  g_free (inv->pending_key);
  g_hash_table_unref (inv->send_clocks);
  g_hash_table_unref (inv->client_contexts);
  g_hash_table_unref (inv->crdt_types);
  g_ptr_array_unref (inv->ops);
  g_free (inv);
}

const GPtrArray *
mmr_invariants_get_violations (const MmrInvariants *inv)
{
  return inv->violations;
}

const MmrViolation *
mmr_invariants_find (const MmrInvariants *inv, const char *invariant)
{
  for (guint i = 0; i < inv->violations->len; i++)
    {
      const MmrViolation *v = inv->violations->pdata[i];

      if (strcmp (v->invariant, invariant) == 0)
        return v;
    }
  return NULL;
}
