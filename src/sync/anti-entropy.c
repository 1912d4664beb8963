/* anti-entropy.c - periodic digest exchange (outline §13, §14)
 *
 * Pushes are fire-and-forget: a lost message, a cut link or a replica that
 * was partitioned away leaves a hole. Anti-entropy closes it. Every
 * interval each replica starts one exchange with its next peer in
 * round-robin order:
 *
 *   initiator R                         peer P
 *   DIGEST: every register's name
 *           and version vector   --->
 *                                       compares each with its own;
 *                               <---    DIGEST_REPLY: the registers R lacks
 *                                       (P's vv not <= R's) and the names P
 *                                       lacks (R's vv not <= P's)
 *   merges them; sends a STATE
 *   with the registers P asked for --->
 *
 * Equal version vectors mean equal registers: a register's state is a
 * function of the set of writes it has seen (register.c), and its vector
 * is exactly that set. So an exchange whose reply is empty proves the two
 * replicas hold the same state; the world uses these "clean" exchanges to
 * decide that a run has settled.
 *
 * A digest costs one name and one vector per register, whatever changed:
 * fine for teaching, wasteful for large key spaces. Merkle trees
 * (docs/anti-entropy.md) are the standard answer.
 */
#include "sync/anti-entropy.h"

static void
send_message (MmrReplica *r, guint to, MmrMessage *msg)
{
  g_autoptr (GBytes) bytes = NULL;
  guint32 metadata = 0;
  MmrDot none = { 0, 0 };

  msg->lamport = mmr_lamport_tick (&r->lamport);
  msg->hlc = mmr_hlc_now (&r->hlc,
                          mmr_physical_clock_read (&r->physical,
                                                   r->env->now (r->env_data)));
  bytes = mmr_wire_encode (msg, &metadata);
  r->env->send (r->env_data, r->index, to, bytes, msg->type,
                msg->type == MMR_MSG_DIGEST ? 0 : msg->registers->len,
                metadata, NULL, none, NULL);
}

/* DOC: ae-begin */
void
mmr_antientropy_begin (MmrReplica *r)
{
  g_autoptr (MmrMessage) digest = mmr_message_new (MMR_MSG_DIGEST);
  g_autoptr (GPtrArray) names = mmr_store_dup_names (r->store);
  guint peer = r->ae_next_peer;
  MmrEvent ev = { 0 };

  r->ae_next_peer = (peer + 1) % r->n_replicas;
  if (r->ae_next_peer == r->index)
    r->ae_next_peer = (r->ae_next_peer + 1) % r->n_replicas;
  digest->exchange = ++r->ae_exchange;
  {
    guint slot = digest->exchange % G_N_ELEMENTS (r->ae_track);

    r->ae_track[slot].exchange = digest->exchange;
    r->ae_track[slot].dirty = FALSE;
    r->ae_track[slot].awaiting = MMR_REPLY_REGISTERS;
    if (g_hash_table_size (r->crdt_types) > 0)
      r->ae_track[slot].awaiting |= MMR_REPLY_CRDTS;
  }
  for (guint i = 0; i < names->len; i++)
    {
      MmrRegister *summary = mmr_register_new ();

      summary->vv = mmr_store_lookup (r->store, names->pdata[i])->vv;
      mmr_message_add_register (digest, names->pdata[i], summary);
    }
  ev.kind = MMR_EV_ANTIENTROPY;
  ev.replica = (int) r->index;
  ev.peer = (int) peer;
  ev.hlc = r->hlc;
  ev.detail = "digest";
  ev.exchange = digest->exchange;
  r->env->emit (r->env_data, &ev);
  send_message (r, peer, digest);
  if (g_hash_table_size (r->crdt_types) > 0)
    {
      mmr_crdt_sync_push_pending (r, peer, NULL);   /* resend unacked deltas */
      mmr_crdt_sync_begin (r, peer, digest->exchange);
    }
}

/* DOC: ae-answer */
void
mmr_antientropy_answer_digest (MmrReplica *r, guint from,
                               const MmrMessage *digest)
{
  g_autoptr (MmrMessage) reply = mmr_message_new (MMR_MSG_DIGEST_REPLY);
  g_autoptr (GPtrArray) names = mmr_store_dup_names (r->store);
  g_autoptr (GHashTable) theirs = g_hash_table_new (g_str_hash, g_str_equal);

  reply->exchange = digest->exchange;
  for (guint i = 0; i < digest->registers->len; i++)
    {
      const MmrWireRegister *w = digest->registers->pdata[i];
      MmrRegister *mine = mmr_store_lookup (r->store, w->name);

      g_hash_table_insert (theirs, w->name, w->reg);
      if (mine == NULL || !mmr_version_vector_leq (&w->reg->vv, &mine->vv))
        mmr_message_add_need (reply, w->name);
    }
  for (guint i = 0; i < names->len; i++)
    {
      const char *name = names->pdata[i];
      MmrRegister *mine = mmr_store_lookup (r->store, name);
      MmrRegister *their = g_hash_table_lookup (theirs, name);

      if (their == NULL || !mmr_version_vector_leq (&mine->vv, &their->vv))
        mmr_message_add_register (reply, name, mmr_register_copy (mine));
    }
  send_message (r, from, reply);
}

/* DOC: ae-finish */
void
mmr_antientropy_finish (MmrReplica *r, guint from, const MmrMessage *reply)
{
  g_autoptr (MmrMessage) state = NULL;

  mmr_replica_note_recovery_reply (r, from);
  mmr_replica_exchange_reply (r, from, reply->exchange, MMR_REPLY_REGISTERS,
                              reply->registers->len == 0
                              && reply->need->len == 0);
  if (reply->need->len == 0)
    return;
  state = mmr_message_new (MMR_MSG_STATE);
  state->exchange = reply->exchange;
  for (guint i = 0; i < reply->need->len; i++)
    {
      MmrRegister *mine = mmr_store_lookup (r->store, reply->need->pdata[i]);

      if (mine != NULL)
        mmr_message_add_register (state, reply->need->pdata[i],
                                  mmr_register_copy (mine));
    }
  if (state->registers->len > 0)
    send_message (r, from, state);
}
