/* replica.c - local writes, pushes and merges of one master
 *
 * The path of one write (docs/architecture.md walks through it):
 *   mmr_replica_write     stamps the version with this replica's clocks,
 *                         applies it to the local register (acknowledged),
 *   push_register         encodes the register as one STATE message and
 *                         hands a copy to the link to every peer,
 *   mmr_replica_receive   on a peer: decodes, advances the Lamport clock and
 *                         HLC past the sender's, and
 *   mmr_replica_merge_register  joins the register, tracing any conflict.
 *
 * Invariant: a replica changes its store only in write and receive, and
 * reports every change through env->changed.
 */
#include "sync/replica.h"

#include <string.h>

#include "sync/anti-entropy.h"
#include "sync/crdt-sync.h"

MmrReplica *
mmr_replica_new (guint index, guint n_replicas, const char *const *names,
                 const MmrReplicaEnv *env, gpointer env_data)
{
  MmrReplica *r = g_new0 (MmrReplica, 1);

  r->index = index;
  r->n_replicas = n_replicas;
  r->names = names;
  r->name = names[index];
  r->store = mmr_store_new ();
  mmr_physical_clock_init (&r->physical);
  r->policy.strategy = MMR_STRATEGY_LWW;
  r->policy.names = names;
  r->ts_source = MMR_TS_HLC;
  r->granularity = MMR_GRANULARITY_FIELD;
  r->ae_next_peer = (index + 1) % n_replicas;
  r->env = env;
  r->env_data = env_data;
  r->crdt_types = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  r->crdts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                    (GDestroyNotify) mmr_crdt_free);
  mmr_crdt_sync_reset_deltas (r);
  r->rx = mmr_message_new_decoded ();
  r->superseded = g_array_new (FALSE, FALSE, sizeof (MmrDot));
  r->ts_floor = r->ts_lease = MMR_NO_CLOCK_LEASE;
  return r;
}

/* DOC: exchange-reply */
void
mmr_replica_exchange_reply (MmrReplica *r, guint peer, guint32 exchange,
                            guint kind, gboolean clean)
{
  guint slot = exchange % G_N_ELEMENTS (r->ae_track);

  (void) peer;   /* the sender of the message mmr_replica_receive holds */
  if (r->ae_track[slot].exchange != exchange
      || (r->ae_track[slot].awaiting & kind) == 0)
    return;
  r->ae_track[slot].awaiting &= ~kind;
  r->ae_track[slot].dirty |= !clean;
  if (r->ae_track[slot].awaiting == 0 && !r->ae_track[slot].dirty)
    r->clean_exchange = exchange;   /* mmr_replica_receive returns it */
}

void
mmr_replica_free (MmrReplica *r)
{
  if (r == NULL)
    return;
  if (r->db != NULL)
    {
      mmr_replica_flush (r);
      mmr_durable_store_close (r->db);
    }
  g_free (r->db_path);
  mmr_store_free (r->store);
  g_hash_table_unref (r->crdts);
  g_hash_table_unref (r->crdt_types);
  mmr_delta_buffer_free (r->deltas);
  mmr_message_free (r->rx);
  g_array_unref (r->superseded);
  g_free (r);
}

static gint64
physical_now (MmrReplica *r)
{
  return mmr_physical_clock_read (&r->physical, r->env->now (r->env_data));
}

/* DOC: stamp */
void
mmr_replica_stamp (MmrReplica *r, MmrVersion *v)
{
  gint64 pt = physical_now (r);
  guint64 lamport = mmr_lamport_tick (&r->lamport);

  v->hlc = mmr_hlc_now (&r->hlc, pt);
  switch (r->ts_source)
    {
    case MMR_TS_PHYSICAL:
      v->ts = pt;
      v->ts_logical = 0;
      break;
    case MMR_TS_LAMPORT:
      v->ts = (gint64) lamport;
      v->ts_logical = 0;
      break;
    case MMR_TS_HLC:
      v->ts = v->hlc.l;
      v->ts_logical = v->hlc.c;
      break;
    default:
      g_assert_not_reached ();
    }
}

/* @detail: why, when it is not a write or a merge (NULL otherwise). */
static void
emit_conflict (MmrReplica *r, const char *name, const MmrRegister *reg,
               const MmrMergeResult *res, int from, const char *detail)
{
  MmrEvent ev = { 0 };

  ev.detail = detail;
  ev.replica = (int) r->index;
  ev.peer = from;
  ev.key = name;
  ev.vv = reg->vv;
  ev.hlc = r->hlc;
  ev.rule = res->rule;
  ev.n_versions = res->met->len;
  ev.versions = (const MmrEventVersion *) (void *) res->met->data;
  /* A conflict is concurrent versions meeting. A write that had seen the
   * version it lost to is not concurrent with it: LWW rejected it for its
   * smaller timestamp (a skewed clock). Only the RESOLVE says so, and it
   * is counted apart (metrics.rejected_newer, docs/conflicts.md). */
  if (res->rule != MMR_RESOLVE_LWW_REJECTED)
    {
      ev.kind = MMR_EV_CONFLICT;
      r->env->emit (r->env_data, &ev);
    }

  ev.kind = MMR_EV_RESOLVE;
  ev.n_kept = res->kept->len;
  ev.kept = (const MmrDot *) (void *) res->kept->data;
  if (ev.n_kept == 1)
    for (guint i = 0; i < reg->n_siblings; i++)
      if (reg->siblings[i].dot.replica == ev.kept[0].replica
          && reg->siblings[i].dot.counter == ev.kept[0].counter)
        ev.value = reg->siblings[i].value;
  r->env->emit (r->env_data, &ev);
}

static void
push_register (MmrReplica *r, const char *name, const MmrRegister *reg,
               MmrDot dot, const char *value)
{
  guint64 lamport = mmr_lamport_tick (&r->lamport);
  MmrHlc hlc = mmr_hlc_now (&r->hlc, physical_now (r));
  guint32 metadata = 0;
  g_autoptr (GBytes) bytes = mmr_wire_encode_push (lamport, hlc, name, reg,
                                                   &metadata);
  MmrSendNote note = { MMR_MSG_STATE, 1, metadata, name, dot, value,
                       &reg->vv };

  /* DOC: push-to-peers */
  for (guint peer = 0; peer < r->n_replicas; peer++)
    if (peer != r->index)
      r->env->send (r->env_data, r->index, peer, bytes, &note);
}

/* A push carries the register, not the write: after LWW rejected the
 * write the message holds the version that beat it, and its SEND must
 * name that one (a trace reader follows the dot). With several siblings
 * the write is among them; with none visible (cannot happen after a
 * write) the SEND names no version. */
static void
push_carried (MmrReplica *r, const char *name, const MmrRegister *reg,
              MmrDot written)
{
  const MmrVersion *carried = NULL;
  MmrDot none = { 0, 0 };

  for (guint i = 0; i < reg->n_siblings; i++)
    if (mmr_dot_compare (reg->siblings[i].dot, written) == 0
        || (carried == NULL && reg->n_siblings == 1))
      carried = &reg->siblings[i];
  push_register (r, name, reg, carried != NULL ? carried->dot : none,
                 carried != NULL ? carried->value : NULL);
}

/* The record a record-granularity write builds on. With one live version
 * it is that version. With siblings the write replaces them all, so a
 * field that only another sibling holds would vanish without anyone
 * having chosen to drop it: the base keeps every field any live sibling
 * holds, and where siblings disagree on a field, the value of the one LWW
 * order ranks highest. The other value was visible to the writer, which
 * replaced it having seen it (it is listed as superseded, not lost).
 * Returns a new string, or NULL when no live version exists. */
/* DOC: record-base */
static char *
record_base (const MmrReplica *r, const MmrRegister *reg)
{
  g_autoptr (GPtrArray) live = g_ptr_array_new ();
  char *base = NULL;

  for (guint i = 0; reg != NULL && i < reg->n_siblings; i++)
    if (reg->siblings[i].value != NULL)
      g_ptr_array_add (live, &reg->siblings[i]);
  /* Highest LWW rank first: the first sibling to hold a field sets it. */
  for (guint i = 0; i < live->len; i++)
    for (guint j = i + 1; j < live->len; j++)
      if (mmr_version_lww_compare (live->pdata[j], live->pdata[i],
                                   r->names) > 0)
        {
          gpointer t = live->pdata[i];
          live->pdata[i] = live->pdata[j];
          live->pdata[j] = t;
        }
  if (live->len > 0)
    base = g_strdup (((const MmrVersion *) live->pdata[0])->value);
  for (guint i = 1; i < live->len; i++)
    {
      const char *value = ((const MmrVersion *) live->pdata[i])->value;
      g_autoptr (GPtrArray) fields = mmr_record_dup_fields (value);

      for (guint k = 0; k < fields->len; k++)
        {
          g_autofree char *have = mmr_record_dup_field (base,
                                                        fields->pdata[k]);
          g_autofree char *v = NULL;
          char *next;

          if (have != NULL)
            continue;
          v = mmr_record_dup_field (value, fields->pdata[k]);
          next = mmr_record_set_field (base, fields->pdata[k], v);
          g_free (base);
          base = next;
        }
    }
  return base;
}

/* @context: NULL for the replica's own write (it saw everything), else
 * the client's context (an empty vector for a client that read nothing). */
/* A write that cannot have a dot (its lease could not be saved) is not
 * acknowledged: refused, and the trace says why. */
static void
refuse_write (MmrReplica *r, const char *name, const char *value,
              const GError *error)
{
  MmrEvent ev = { 0 };

  ev.kind = MMR_EV_REFUSED;
  ev.replica = (int) r->index;
  ev.peer = -1;
  ev.key = name;
  ev.value = value;
  ev.detail = error->message;
  r->env->emit (r->env_data, &ev);
}

static void
write_register (MmrReplica *r, const char *name, const char *value,
                const MmrVersionVector *context)
{
  g_autoptr (GError) error = NULL;
  MmrRegister *reg;
  GArray *superseded = r->superseded;
  MmrMergeResult res;
  MmrVersion v = { 0 };
  MmrEvent ev = { 0 };
  MmrDot dot;

  /* DOC: issue-dot */
  if (!mmr_replica_next_counter (r, mmr_store_lookup (r->store, name),
                                 &v.dot.counter, &error))
    {
      refuse_write (r, name, value, error);
      return;
    }
  mmr_replica_stamp (r, &v);
  if (!mmr_replica_lease_timestamp (r, &v, &error))
    {
      refuse_write (r, name, value, error);
      return;
    }
  reg = mmr_store_ensure (r->store, name);
  g_array_set_size (superseded, 0);
  mmr_merge_result_init (&res);
  v.value = (char *) value;     /* borrowed: local_write copies it */
  mmr_register_local_write (reg, &r->policy, r->index, &v, context, &dot,
                            superseded, &res);
  ev.kind = value != NULL ? MMR_EV_WRITE : MMR_EV_DELETE;
  ev.replica = (int) r->index;
  ev.peer = -1;
  ev.key = name;
  ev.value = value;
  ev.dot = dot;
  ev.vv = reg->vv;
  ev.hlc = r->hlc;
  ev.n_superseded = superseded->len;
  ev.superseded = (const MmrDot *) (void *) superseded->data;
  r->env->emit (r->env_data, &ev);
  if (res.conflict)
    emit_conflict (r, name, reg, &res, -1, NULL);
  mmr_merge_result_clear (&res);
  mmr_replica_persist (r, name, TRUE);  /* sync: committed before the ack */
  r->env->changed (r->env_data, r->index, name);
  push_carried (r, name, reg, dot);
}

static int
sort_names_cb (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* Field granularity: deleting a whole record deletes every field of it
 * this replica knows of. A field it has not heard of yet survives.
 * Dots are counted per register, so one register's context says nothing
 * about another's: a client's delete supersedes, in each field register,
 * what the client's context for that register covers (@contexts: register
 * name -> MmrVersionVector*; a register missing there gets an empty
 * context, so the delete is concurrent with what the client never read).
 * @contexts NULL: the replica's own delete (@context NULL) or a client
 * delete whose one context belongs to register @key itself. */
static void
delete_record_fields (MmrReplica *r, const char *key,
                      const MmrVersionVector *context, GHashTable *contexts)
{
  g_autoptr (GPtrArray) names = mmr_store_dup_names (r->store);
  g_autofree char *prefix = g_strconcat (key, ".", NULL);
  g_autoptr (GPtrArray) targets = g_ptr_array_new_with_free_func (g_free);
  MmrVersionVector none;

  mmr_version_vector_init (&none);
  for (guint i = 0; i < names->len; i++)
    {
      const char *n = names->pdata[i];
      MmrRegister *reg = mmr_store_lookup (r->store, n);

      if ((strcmp (n, key) == 0 || g_str_has_prefix (n, prefix))
          && !mmr_register_is_absent (reg))
        g_ptr_array_add (targets, g_strdup (n));
    }
  if (targets->len == 0)
    g_ptr_array_add (targets, g_strdup (key));
  for (guint i = 0; i < targets->len; i++)
    {
      const char *n = targets->pdata[i];
      const MmrVersionVector *ctx = context;

      /* DOC: field-delete-context */
      if (contexts != NULL)
        ctx = g_hash_table_lookup (contexts, n);
      else if (context != NULL && strcmp (n, key) != 0)
        ctx = NULL;
      if (context != NULL || contexts != NULL)
        ctx = ctx != NULL ? ctx : &none;
      write_register (r, n, NULL, ctx);
    }
}

static void
write_any (MmrReplica *r, const char *key, const char *field,
           const char *value, const MmrVersionVector *context)
{
  g_autofree char *name = NULL;
  g_autofree char *record = NULL;
  g_autofree char *base = NULL;
  const char *f = field != NULL ? field : "";

  if (r->granularity == MMR_GRANULARITY_FIELD)
    {
      if (value == NULL && *f == '\0')
        delete_record_fields (r, key, context, NULL);
      else
        {
          name = mmr_record_register_name (r->granularity, key, f);
          write_register (r, name, value, context);
        }
      return;
    }
  name = mmr_record_register_name (r->granularity, key, f);
  if (value == NULL && *f == '\0')
    {
      write_register (r, name, NULL, context);
      return;
    }
  base = record_base (r, mmr_store_lookup (r->store, name));
  record = mmr_record_set_field (base, f, value);
  write_register (r, name, record, context);
}

/* DOC: local-put */
void
mmr_replica_write (MmrReplica *r, const char *key, const char *field,
                   const char *value)
{
  write_any (r, key, field, value, NULL);
}

/* DOC: client-put */
void
mmr_replica_client_write (MmrReplica *r, const char *key, const char *field,
                          const char *value, const MmrVersionVector *context)
{
  MmrVersionVector none;

  mmr_version_vector_init (&none);
  write_any (r, key, field, value, context != NULL ? context : &none);
}

/* DOC: client-delete-record */
void
mmr_replica_client_delete_record (MmrReplica *r, const char *key,
                                  GHashTable *contexts)
{
  const MmrVersionVector *ctx;
  MmrVersionVector none;

  mmr_version_vector_init (&none);
  if (r->granularity == MMR_GRANULARITY_FIELD)
    {
      GHashTable *empty = NULL;

      if (contexts == NULL)
        contexts = empty = g_hash_table_new (g_str_hash, g_str_equal);
      delete_record_fields (r, key, NULL, contexts);
      g_clear_pointer (&empty, g_hash_table_unref);
      return;
    }
  ctx = contexts != NULL ? g_hash_table_lookup (contexts, key) : NULL;
  write_any (r, key, "", NULL, ctx != NULL ? ctx : &none);
}

void
mmr_replica_read_fields (MmrReplica *r, const char *key,
                         GHashTable *out_contexts)
{
  g_autoptr (GPtrArray) names = mmr_store_dup_names (r->store);
  g_autofree char *prefix = g_strconcat (key, ".", NULL);

  g_ptr_array_sort (names, sort_names_cb);
  for (guint i = 0; i < names->len; i++)
    {
      const char *n = names->pdata[i];
      MmrVersionVector *vv;

      if (!g_str_has_prefix (n, prefix))
        continue;
      vv = g_new (MmrVersionVector, 1);
      mmr_replica_read (r, n, vv);
      g_hash_table_replace (out_contexts, g_strdup (n), vv);
    }
}

void
mmr_replica_read (MmrReplica *r, const char *name,
                  MmrVersionVector *out_context)
{
  MmrRegister *reg = mmr_store_lookup (r->store, name);
  MmrEvent ev = { 0 };

  mmr_version_vector_init (out_context);
  if (reg != NULL)
    *out_context = reg->vv;
  ev.kind = MMR_EV_READ;
  ev.replica = (int) r->index;
  ev.peer = -1;
  ev.key = name;
  ev.vv = *out_context;
  ev.hlc = r->hlc;
  ev.detail = "client read";
  r->env->emit (r->env_data, &ev);
}

static gboolean
merge_into (MmrReplica *r, const char *name, const MmrRegister *incoming,
            int from)
{
  MmrRegister *reg = mmr_store_ensure (r->store, name);
  MmrMergeResult res;
  gboolean changed;

  mmr_merge_result_init (&res);
  mmr_register_merge (reg, &r->policy, incoming, &res);
  if (res.conflict)
    emit_conflict (r, name, reg, &res, from, NULL);
  changed = res.changed;
  mmr_merge_result_clear (&res);
  if (changed)
    {
      mmr_replica_persist (r, name, FALSE);
      r->env->changed (r->env_data, r->index, name);
    }
  return changed;
}

/* DOC: resolve-at-switch */
void
mmr_replica_resolve_lww (MmrReplica *r, const char *detail)
{
  g_autoptr (GPtrArray) names = mmr_store_dup_names (r->store);

  g_return_if_fail (r->policy.strategy == MMR_STRATEGY_LWW);
  for (guint i = 0; i < names->len; i++)
    {
      const char *name = names->pdata[i];
      MmrRegister *reg = mmr_store_lookup (r->store, name);
      MmrMergeResult res;

      mmr_merge_result_init (&res);
      if (mmr_register_resolve_lww (reg, &r->policy, &res))
        {
          emit_conflict (r, name, reg, &res, -1, detail);
          mmr_replica_persist (r, name, FALSE);
          r->env->changed (r->env_data, r->index, name);
        }
      mmr_merge_result_clear (&res);
    }
}

/* DOC: merge-register */
gboolean
mmr_replica_merge_register (MmrReplica *r, const char *name,
                            const MmrRegister *incoming, int from)
{
  return merge_into (r, name, incoming, from);
}

/* Emitted before the message is applied, so that the CONFLICT and RESOLVE
 * events of its merges follow the DELIVER that caused them and carry the
 * receive in their vector clock (mmr_world_emit joins the sender's clock
 * into the DELIVER). A one-register STATE names its register and the vector it
 * will have after the merge: the join of both (mmr_register_merge). */
static void
emit_deliver (MmrReplica *r, guint from, guint64 msg_id, gsize n_bytes,
              const MmrMessage *msg)
{
  MmrEvent ev = { 0 };

  ev.kind = MMR_EV_DELIVER;
  ev.replica = (int) r->index;
  ev.peer = (int) from;
  ev.msg_id = msg_id;
  ev.bytes = (guint32) n_bytes;
  ev.hlc = r->hlc;
  ev.detail = mmr_msg_type_to_string (msg->type);
  if (msg->type == MMR_MSG_STATE && msg->registers->len == 1)
    {
      const MmrWireRegister *w = msg->registers->pdata[0];

      const MmrRegister *mine = mmr_store_lookup (r->store, w->name);

      ev.key = w->name;
      if (w->reg->n_siblings == 1)
        {
          ev.dot = w->reg->siblings[0].dot;
          ev.value = w->reg->siblings[0].value;
        }
      ev.vv = w->reg->vv;
      if (mine != NULL)
        mmr_version_vector_join (&ev.vv, &mine->vv);
    }
  r->env->emit (r->env_data, &ev);
}

static gboolean
merge_all (MmrReplica *r, const MmrMessage *msg, guint from)
{
  gboolean changed = FALSE;

  for (guint i = 0; i < msg->registers->len; i++)
    {
      const MmrWireRegister *w = msg->registers->pdata[i];

      changed |= merge_into (r, w->name, w->reg, (int) from);
    }
  return changed;
}

/* DOC: receive */
guint32
mmr_replica_receive (MmrReplica *r, guint from, GBytes *bytes, guint64 msg_id)
{
  g_autoptr (GError) error = NULL;
  MmrMessage *msg;

  /* A copy makes its buffer when it first receives (mmr_replica_copy). */
  if (r->rx == NULL)
    r->rx = mmr_message_new_decoded ();
  msg = r->rx;
  r->clean_exchange = 0;
  if (!mmr_wire_decode_into (bytes, msg, &error))
    {
      MmrEvent ev = { 0 };

      ev.kind = MMR_EV_DROP;
      ev.replica = (int) r->index;
      ev.peer = (int) from;
      ev.msg_id = msg_id;
      ev.bytes = (guint32) g_bytes_get_size (bytes);
      ev.detail = error->message;
      r->env->emit (r->env_data, &ev);
      return 0;
    }
  mmr_lamport_receive (&r->lamport, msg->lamport);
  mmr_hlc_receive (&r->hlc, msg->hlc, physical_now (r));
  emit_deliver (r, from, msg_id, g_bytes_get_size (bytes), msg);
  switch (msg->type)
    {
    case MMR_MSG_STATE:
      merge_all (r, msg, from);
      if (msg->exchange != 0)     /* a FULL exchange: ship ours back */
        mmr_antientropy_answer_full (r, from, msg);
      break;
    case MMR_MSG_DIGEST:
      mmr_antientropy_answer_digest (r, from, msg);
      break;
    case MMR_MSG_DIGEST_REPLY:
      if (r->ae_mode == MMR_AE_FULL && msg->need->len == 0)
        {
          gboolean same = mmr_antientropy_reply_matches (r, msg);

          merge_all (r, msg, from);
          mmr_replica_note_recovery_reply (r, from);
          mmr_replica_exchange_reply (r, from, msg->exchange,
                                      MMR_REPLY_REGISTERS, same);
          break;
        }
      merge_all (r, msg, from);
      mmr_antientropy_finish (r, from, msg);
      break;
    case MMR_MSG_MERKLE:
      mmr_antientropy_merkle (r, from, msg);
      break;
    case MMR_MSG_CRDT:
    case MMR_MSG_CRDT_DIGEST:
    case MMR_MSG_CRDT_REPLY:
    case MMR_MSG_CRDT_ACK:
      mmr_replica_receive_crdt (r, from, msg);
      break;
    default:
      g_assert_not_reached ();
    }
  return r->clean_exchange;
}

const MmrStore *
mmr_replica_get_store (const MmrReplica *r)
{
  return r->store;
}

gboolean
mmr_replica_is_down (const MmrReplica *r)
{
  return r->is_down;
}

/* DOC: replica-configure */
void
mmr_replica_configure (MmrReplica *r, const MmrReplicaSettings *s)
{
  r->policy.strategy = s->strategy;
  r->policy.causality = s->causality;
  r->policy.is_switched = s->is_switched;
  r->ae_mode = s->ae_mode;
  r->ts_source = s->ts_source;
  r->granularity = s->granularity;
}

void
mmr_replica_set_skew (MmrReplica *r, gint64 offset_us)
{
  mmr_physical_clock_set_skew (&r->physical, offset_us);
}

void
mmr_replica_set_drift (MmrReplica *r, gint64 now_us, gint32 drift_ppm)
{
  mmr_physical_clock_set_drift (&r->physical, now_us, drift_ppm);
}

void
mmr_replica_antientropy_tick (MmrReplica *r)
{
  mmr_antientropy_begin (r);
}

/* DOC: replica-copy */
gboolean
mmr_replica_can_copy (const MmrReplica *r)
{
  return r->db_path == NULL && g_hash_table_size (r->crdt_types) == 0;
}

MmrReplica *
mmr_replica_copy (const MmrReplica *r, const char *const *names,
                  const MmrReplicaEnv *env, gpointer env_data)
{
  MmrReplica *c;

  g_return_val_if_fail (mmr_replica_can_copy (r), NULL);
  c = g_new (MmrReplica, 1);
  *c = *r;
  c->names = names;
  c->name = names[r->index];
  c->policy.names = names;
  c->env = env;
  c->env_data = env_data;
  c->store = mmr_store_copy (r->store);
  c->crdt_types = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         NULL);
  c->crdts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                    (GDestroyNotify) mmr_crdt_free);
  c->deltas = NULL;
  mmr_crdt_sync_reset_deltas (c);
  c->rx = NULL;     /* made on the first receive: most copies get none */
  c->superseded = g_array_new (FALSE, FALSE, sizeof (MmrDot));
  return c;
}
