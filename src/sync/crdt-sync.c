/* crdt-sync.c - replicating CRDT keys: delta pushes, full-state repair
 *
 * A key declared with "type likes pncounter" holds a CRDT instead of a
 * register (src/crdt/). It has no conflicts to resolve: merge is a join.
 *
 *   local op      mmr_replica_crdt_op applies the operation and gets its
 *                 delta (Almeida et al. 2018), records it in the replica's
 *                 delta buffer and sends each peer the join of the deltas
 *                 that peer has not acknowledged - only the deltas since
 *                 its last ack (src/crdt/delta-buffer.c);
 *   receive       merging a delta group or a state is the same join;
 *                 duplicates and reordering change nothing; a delta group
 *                 is acknowledged with a CRDT_ACK naming its sequence
 *                 number, and each anti-entropy tick resends what is
 *                 still unacknowledged;
 *   anti-entropy  a lost delta is repaired by full states: the initiator
 *                 sends a CRDT_DIGEST (a hash of each key's full state),
 *                 the peer answers with its state for every key whose hash
 *                 differs or that the initiator lacks, and names the keys
 *                 it wants back; the initiator merges and sends those.
 *
 * Why the hash is enough: two replicas with equal states have equal
 * canonical encodings (mmr_crdt_encode), hence equal hashes; a different
 * hash makes both sides send their state, and the join of both is what
 * each ends with.
 *
 * Taught in docs/crdts.md and labs 08 and 09.
 */
#include "sync/crdt-sync.h"

#include <string.h>

static MmrCrdt *
ensure_crdt (MmrReplica *r, const char *key)
{
  MmrCrdt *c = g_hash_table_lookup (r->crdts, key);
  gpointer type;

  if (c != NULL)
    return c;
  type = g_hash_table_lookup (r->crdt_types, key);
  if (type == NULL)
    return NULL;
  c = mmr_crdt_new ((MmrCrdtType) (GPOINTER_TO_UINT (type) - 1), r->index);
  g_hash_table_insert (r->crdts, g_strdup (key), c);
  return c;
}

void
mmr_replica_declare_type (MmrReplica *r, const char *key, MmrCrdtType type)
{
  g_hash_table_replace (r->crdt_types, g_strdup (key),
                        GUINT_TO_POINTER ((guint) type + 1));
}

/* FNV-1a over the canonical encoding: deterministic across runs. */
guint64
mmr_crdt_sync_hash (const MmrCrdt *crdt)
{
  g_autoptr (GBytes) b = mmr_crdt_encode (crdt);
  gsize len;
  const guint8 *p = g_bytes_get_data (b, &len);
  guint64 h = 14695981039346656037ull;

  for (gsize i = 0; i < len; i++)
    h = (h ^ p[i]) * 1099511628211ull;
  return h;
}

static void
send_crdt_message (MmrReplica *r, guint to, MmrMessage *msg, const char *key)
{
  g_autoptr (GBytes) bytes = NULL;
  MmrSendNote note = { 0 };

  msg->lamport = mmr_lamport_tick (&r->lamport);
  msg->hlc = mmr_hlc_now (&r->hlc,
                          mmr_physical_clock_read (&r->physical,
                                                   r->env->now (r->env_data)));
  bytes = mmr_wire_encode (msg, NULL);
  note.type = msg->type;
  note.n_registers = msg->type == MMR_MSG_CRDT_DIGEST ? 0 : msg->crdts->len;
  note.key = key;
  r->env->send (r->env_data, r->index, to, bytes, &note);
}

static char *
describe_value (const MmrCrdt *c)
{
  g_autoptr (GPtrArray) v = mmr_crdt_read (c);

  g_ptr_array_add (v, NULL);
  return g_strjoinv (",", (char **) v->pdata);
}

#define MAX_BUFFERED_DELTAS 4096

void
mmr_crdt_sync_reset_deltas (MmrReplica *r)
{
  g_clear_pointer (&r->deltas, mmr_delta_buffer_free);
  r->deltas = mmr_delta_buffer_new (MAX_BUFFERED_DELTAS);
  for (guint p = 0; p < r->n_replicas; p++)
    if (p != r->index)
      mmr_delta_buffer_add_peer (r->deltas, p);
}

static void
add_full_states (MmrReplica *r, MmrMessage *msg)
{
  g_autoptr (GList) keys = g_hash_table_get_keys (r->crdts);

  keys = g_list_sort (keys, (GCompareFunc) strcmp);
  for (GList *l = keys; l != NULL; l = l->next)
    {
      g_autoptr (GBytes) enc = mmr_crdt_encode (g_hash_table_lookup (r->crdts,
                                                                     l->data));
      mmr_message_add_crdt (msg, l->data, enc, 0);
    }
}

/* DOC: crdt-delta-push */
void
mmr_crdt_sync_push_pending (MmrReplica *r, guint peer, const char *key)
{
  g_autoptr (MmrMessage) msg = mmr_message_new (MMR_MSG_CRDT);
  g_autoptr (GPtrArray) groups = NULL;
  guint64 upto = 0;

  if (r->deltas == NULL)
    return;
  if (!mmr_delta_buffer_collect (r->deltas, peer, &groups, &upto))
    add_full_states (r, msg);     /* the peer lost deltas we dropped */
  else
    for (guint i = 0; i < groups->len; i++)
      {
        MmrDeltaGroup *g = groups->pdata[i];
        g_autoptr (GBytes) enc = mmr_crdt_encode (g->delta);

        mmr_message_add_crdt (msg, g->key, enc, 0);
      }
  if (msg->crdts->len == 0)
    return;
  msg->exchange = (guint32) upto;
  send_crdt_message (r, peer, msg, key);
}

/* DOC: crdt-op */
gboolean
mmr_replica_crdt_op (MmrReplica *r, const char *key, const char *op,
                     const char *arg, GError **error)
{
  MmrCrdt *c = ensure_crdt (r, key);
  g_autoptr (MmrCrdt) delta = NULL;
  g_autofree char *detail = NULL;
  g_autofree char *value = NULL;
  MmrCrdtStamp stamp;
  MmrVersion v = { 0 };
  MmrEvent ev = { 0 };

  g_return_val_if_fail (c != NULL, FALSE);
  if (!mmr_replica_lease_crdt_dot (r, c, error))
    return FALSE;
  /* The scenario's clock, not always the HLC: a lwwreg key orders its
   * writes as strategy lww orders plain keys (docs/crdts.md). */
  mmr_replica_stamp (r, &v);
  stamp.ts = v.ts;
  stamp.logical = v.ts_logical;
  delta = mmr_crdt_apply_at (c, op, arg, &stamp, error);
  if (delta == NULL)
    return FALSE;
  detail = arg != NULL ? g_strdup_printf ("%s %s", op, arg) : g_strdup (op);
  value = describe_value (c);
  ev.kind = MMR_EV_OP;
  ev.replica = (int) r->index;
  ev.peer = -1;
  ev.key = key;
  ev.value = value;
  ev.hlc = r->hlc;
  ev.detail = detail;
  r->env->emit (r->env_data, &ev);
  mmr_replica_persist (r, key, TRUE);
  r->env->changed (r->env_data, r->index, key);
  if (mmr_crdt_is_empty (delta))
    return TRUE;
  mmr_delta_buffer_push (r->deltas, key, g_steal_pointer (&delta));
  /* DOC: crdt-push */
  for (guint peer = 0; peer < r->n_replicas; peer++)
    if (peer != r->index)
      mmr_crdt_sync_push_pending (r, peer, key);
  return TRUE;
}

/* Joins every state or delta of @msg; traces undecodable ones as drops. */
static void
merge_crdts (MmrReplica *r, guint from, const MmrMessage *msg)
{
  for (guint i = 0; i < msg->crdts->len; i++)
    {
      const MmrWireCrdt *wc = msg->crdts->pdata[i];
      MmrCrdt *mine = ensure_crdt (r, wc->name);
      g_autoptr (GError) error = NULL;
      g_autoptr (MmrCrdt) in = NULL;
      guint64 before;

      if (mine == NULL || wc->state == NULL)
        continue;   /* a key this replica was never told the type of */
      in = mmr_crdt_decode (wc->state, r->index, &error);
      if (in == NULL || mmr_crdt_type_of (in) != mmr_crdt_type_of (mine))
        {
          MmrEvent ev = { 0 };

          ev.kind = MMR_EV_DROP;
          ev.replica = (int) r->index;
          ev.peer = (int) from;
          ev.key = wc->name;
          ev.detail = error != NULL ? error->message : "CRDT type mismatch";
          r->env->emit (r->env_data, &ev);
          continue;
        }
      before = mmr_crdt_sync_hash (mine);
      mmr_crdt_merge (mine, in, NULL);
      if (mmr_crdt_sync_hash (mine) != before)
        {
          mmr_replica_persist (r, wc->name, FALSE);
          r->env->changed (r->env_data, r->index, wc->name);
        }
    }
}

static void
answer_digest (MmrReplica *r, guint from, const MmrMessage *digest)
{
  g_autoptr (MmrMessage) reply = mmr_message_new (MMR_MSG_CRDT_REPLY);
  g_autoptr (GHashTable) theirs = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GList) keys = g_hash_table_get_keys (r->crdts);

  reply->exchange = digest->exchange;
  for (guint i = 0; i < digest->crdts->len; i++)
    {
      const MmrWireCrdt *wc = digest->crdts->pdata[i];
      MmrCrdt *mine = g_hash_table_lookup (r->crdts, wc->name);

      g_hash_table_insert (theirs, wc->name, (gpointer) wc);
      if (mine == NULL || mmr_crdt_sync_hash (mine) != wc->hash)
        mmr_message_add_need (reply, wc->name);
    }
  keys = g_list_sort (keys, (GCompareFunc) strcmp);
  for (GList *l = keys; l != NULL; l = l->next)
    {
      MmrCrdt *mine = g_hash_table_lookup (r->crdts, l->data);
      const MmrWireCrdt *their = g_hash_table_lookup (theirs, l->data);

      if (their == NULL || their->hash != mmr_crdt_sync_hash (mine))
        {
          g_autoptr (GBytes) enc = mmr_crdt_encode (mine);

          mmr_message_add_crdt (reply, l->data, enc, 0);
        }
    }
  send_crdt_message (r, from, reply, NULL);
}

static void
finish (MmrReplica *r, guint from, const MmrMessage *reply)
{
  g_autoptr (MmrMessage) state = mmr_message_new (MMR_MSG_CRDT);

  merge_crdts (r, from, reply);
  mmr_replica_exchange_reply (r, from, reply->exchange, MMR_REPLY_CRDTS,
                              reply->crdts->len == 0 && reply->need->len == 0);
  for (guint i = 0; i < reply->need->len; i++)
    {
      MmrCrdt *mine = g_hash_table_lookup (r->crdts, reply->need->pdata[i]);

      if (mine != NULL)
        {
          g_autoptr (GBytes) enc = mmr_crdt_encode (mine);

          mmr_message_add_crdt (state, reply->need->pdata[i], enc, 0);
        }
    }
  if (state->crdts->len > 0)
    send_crdt_message (r, from, state, NULL);
}

void
mmr_replica_receive_crdt (MmrReplica *r, guint from, const MmrMessage *msg)
{
  switch (msg->type)
    {
    case MMR_MSG_CRDT:
      merge_crdts (r, from, msg);
      if (msg->exchange != 0)
        {
          /* A delta group: acknowledge its sequence number. */
          g_autoptr (MmrMessage) ack = mmr_message_new (MMR_MSG_CRDT_ACK);

          ack->exchange = msg->exchange;
          send_crdt_message (r, from, ack, NULL);
        }
      break;
    case MMR_MSG_CRDT_ACK:
      if (r->deltas != NULL)
        mmr_delta_buffer_ack (r->deltas, from, msg->exchange);
      break;
    case MMR_MSG_CRDT_DIGEST:
      answer_digest (r, from, msg);
      break;
    case MMR_MSG_CRDT_REPLY:
      finish (r, from, msg);
      break;
    default:
      g_assert_not_reached ();
    }
}

/* DOC: crdt-ae */
void
mmr_crdt_sync_begin (MmrReplica *r, guint peer, guint32 exchange)
{
  g_autoptr (MmrMessage) digest = mmr_message_new (MMR_MSG_CRDT_DIGEST);
  g_autoptr (GList) keys = g_hash_table_get_keys (r->crdts);

  digest->exchange = exchange;
  keys = g_list_sort (keys, (GCompareFunc) strcmp);
  for (GList *l = keys; l != NULL; l = l->next)
    mmr_message_add_crdt (digest, l->data, NULL,
                          mmr_crdt_sync_hash (g_hash_table_lookup (r->crdts,
                                                                   l->data)));
  send_crdt_message (r, peer, digest, NULL);
}
