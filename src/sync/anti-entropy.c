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
 * function of the set of writes it has seen (register.h), and its vector
 * is exactly that set. So an exchange whose reply is empty proves the two
 * replicas hold the same state; the world uses these "clean" exchanges to
 * decide that a run has settled. That stops being true once the world
 * switches between lww and siblings/merge with registers in existence;
 * from then on the world makes every replica exchange in full mode, which
 * compares whole registers (docs/conflicts.md).
 *
 * A digest costs one name and one vector per register, whatever changed:
 * fine for teaching, wasteful for large key spaces. Two other modes
 * ("antientropy merkle", "antientropy full") trade differently:
 *
 *   merkle  the initiator asks for the peer's Merkle tree hashes (Merkle
 *           1987; Dynamo and Cassandra, sync/merkle.c) level by level,
 *           descending only into differing nodes; at the leaves it sends
 *           its names and vectors of the differing buckets only, and the
 *           exchange finishes like a digest restricted to them. Equal
 *           roots end the exchange clean after one hash.
 *   full    the initiator ships every register; the peer merges and
 *           ships all of its own back: the simplest, and the most bytes.
 */
#include "sync/anti-entropy.h"

#include "sync/merkle.h"

static void
send_message (MmrReplica *r, guint to, MmrMessage *msg)
{
  g_autoptr (GBytes) bytes = NULL;
  MmrSendNote note = { 0 };

  msg->lamport = mmr_lamport_tick (&r->lamport);
  msg->hlc = mmr_hlc_now (&r->hlc,
                          mmr_physical_clock_read (&r->physical,
                                                   r->env->now (r->env_data)));
  bytes = mmr_wire_encode (msg, &note.metadata_bytes);
  note.type = msg->type;
  note.n_registers = msg->type == MMR_MSG_DIGEST ? 0 : msg->registers->len;
  r->env->send (r->env_data, r->index, to, bytes, &note);
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
  if (r->ae_mode != MMR_AE_DIGEST)
    digest->type = r->ae_mode == MMR_AE_FULL ? MMR_MSG_STATE : MMR_MSG_MERKLE;
  {
    guint slot = digest->exchange % G_N_ELEMENTS (r->ae_track);

    r->ae_track[slot].exchange = digest->exchange;
    r->ae_track[slot].dirty = FALSE;
    r->ae_track[slot].awaiting = MMR_REPLY_REGISTERS;
    if (g_hash_table_size (r->crdt_types) > 0)
      r->ae_track[slot].awaiting |= MMR_REPLY_CRDTS;
  }
  if (r->ae_mode == MMR_AE_MERKLE)
    {
      g_autoptr (MmrMerkle) tree = mmr_merkle_new_from_store (
          r->store, MMR_MERKLE_AE_DEPTH);
      MmrMerkleNode root = { 1, mmr_merkle_root (tree) };

      digest->step = MMR_MERKLE_ASK;
      g_array_append_val (digest->nodes, root);
    }
  else
    for (guint i = 0; i < names->len; i++)
      {
        MmrRegister *reg = mmr_store_lookup (r->store, names->pdata[i]);
        MmrRegister *summary;

        if (r->ae_mode == MMR_AE_FULL)
          summary = mmr_register_copy (reg);
        else
          {
            summary = mmr_register_new ();
            summary->vv = reg->vv;
          }
        mmr_message_add_register (digest, names->pdata[i], summary);
      }
  ev.kind = MMR_EV_ANTIENTROPY;
  ev.replica = (int) r->index;
  ev.peer = (int) peer;
  ev.hlc = r->hlc;
  ev.detail = r->ae_mode == MMR_AE_DIGEST ? "digest"
              : r->ae_mode == MMR_AE_MERKLE ? "merkle" : "full";
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
  /* exchange 0: this STATE answers a need; a STATE with an exchange id is
   * a FULL exchange's opening. */
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

/* ---- full ---- */

void
mmr_antientropy_answer_full (MmrReplica *r, guint from,
                             const MmrMessage *state)
{
  g_autoptr (MmrMessage) reply = mmr_message_new (MMR_MSG_DIGEST_REPLY);
  g_autoptr (GPtrArray) names = mmr_store_dup_names (r->store);

  reply->exchange = state->exchange;
  for (guint i = 0; i < names->len; i++)
    mmr_message_add_register (reply, names->pdata[i],
                              mmr_register_copy (
                                  mmr_store_lookup (r->store,
                                                    names->pdata[i])));
  send_message (r, from, reply);
}

gboolean
mmr_antientropy_reply_matches (MmrReplica *r, const MmrMessage *reply)
{
  if (reply->registers->len != mmr_store_size (r->store))
    return FALSE;
  for (guint i = 0; i < reply->registers->len; i++)
    {
      const MmrWireRegister *w = reply->registers->pdata[i];
      MmrRegister *mine = mmr_store_lookup (r->store, w->name);

      if (mine == NULL
          || mmr_version_vector_compare (&mine->vv, &w->reg->vv)
             != MMR_VV_EQUAL
          || !mmr_register_same_dots (mine, w->reg))
        return FALSE;
    }
  return TRUE;
}

/* ---- merkle ---- */

static gint
compare_u32 (gconstpointer a, gconstpointer b)
{
  guint32 x = *(const guint32 *) a, y = *(const guint32 *) b;

  return x < y ? -1 : x > y;
}

/* Levels of hashes one answer carries below each node asked for: the walk
 * takes two round trips at depth 10 instead of ten, which matters on a
 * lossy link where every round trip may fail. */
#define MERKLE_SPAN 5

/* DOC: merkle-walk */
static void
merkle_reply_hashes (MmrReplica *r, guint from, const MmrMessage *ask,
                     const MmrMerkle *tree)
{
  g_autoptr (MmrMessage) out = mmr_message_new (MMR_MSG_MERKLE);
  guint32 n_nodes = 2u << MMR_MERKLE_AE_DEPTH;

  out->exchange = ask->exchange;
  out->step = MMR_MERKLE_HASHES;
  for (guint i = 0; i < ask->nodes->len; i++)
    {
      const MmrMerkleNode *asked = &g_array_index (ask->nodes, MmrMerkleNode, i);
      guint32 first = asked->node;
      guint32 width = 1;

      if (first == 0 || first >= n_nodes)
        continue;   /* not a node of our tree: ignore, never crash */
      if (mmr_merkle_node_hash (tree, first) == asked->hash)
        {
          /* Equal subtree: say so with the one hash. An idle pair's whole
           * exchange is two hashes. */
          g_array_append_val (out->nodes, *asked);
          continue;
        }
      /* The node and its descendants, MERKLE_SPAN levels deep. */
      for (guint level = 0; level <= MERKLE_SPAN && first < n_nodes; level++)
        {
          for (guint32 k = 0; k < width; k++)
            {
              MmrMerkleNode n = { first + k,
                                  mmr_merkle_node_hash (tree, first + k) };

              g_array_append_val (out->nodes, n);
            }
          first *= 2;
          width *= 2;
        }
    }
  send_message (r, from, out);
}

static void
merkle_descend (MmrReplica *r, guint from, const MmrMessage *hashes,
                const MmrMerkle *tree)
{
  g_autoptr (MmrMessage) out = mmr_message_new (MMR_MSG_MERKLE);
  g_autoptr (GArray) buckets = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_autoptr (GHashTable) theirs = g_hash_table_new (NULL, NULL);
  g_autoptr (GArray) todo = g_array_new (FALSE, FALSE, sizeof (guint32));
  guint32 first_leaf = 1u << MMR_MERKLE_AE_DEPTH;
  gboolean asked_root = FALSE;

  out->exchange = hashes->exchange;
  out->step = MMR_MERKLE_ASK;
  for (guint i = 0; i < hashes->nodes->len; i++)
    {
      const MmrMerkleNode *n = &g_array_index (hashes->nodes, MmrMerkleNode, i);

      if (n->node == 0 || n->node >= 2 * first_leaf)
        continue;
      g_hash_table_insert (theirs, GUINT_TO_POINTER (n->node),
                           (gpointer) n);
    }
  /* Start at the nodes whose parent was not sent: the ones we asked for. */
  for (guint i = 0; i < hashes->nodes->len; i++)
    {
      guint32 node = g_array_index (hashes->nodes, MmrMerkleNode, i).node;

      if (node != 0 && node < 2 * first_leaf
          && !g_hash_table_contains (theirs, GUINT_TO_POINTER (node / 2)))
        {
          g_array_append_val (todo, node);
          asked_root |= node == 1;
        }
    }
  while (todo->len > 0)
    {
      guint32 node = g_array_index (todo, guint32, todo->len - 1);
      const MmrMerkleNode *their = g_hash_table_lookup (theirs,
                                                         GUINT_TO_POINTER (node));

      g_array_set_size (todo, todo->len - 1);
      if (mmr_merkle_node_hash (tree, node) == their->hash)
        continue;                             /* this subtree is equal */
      if (node >= first_leaf)
        {
          guint32 b = node - first_leaf;

          g_array_append_val (buckets, b);
        }
      else if (g_hash_table_contains (theirs, GUINT_TO_POINTER (2 * node)))
        {
          guint32 left = 2 * node, right = 2 * node + 1;

          g_array_append_val (todo, left);
          g_array_append_val (todo, right);
        }
      else
        {
          MmrMerkleNode ask = { node, mmr_merkle_node_hash (tree, node) };

          g_array_append_val (out->nodes, ask);
        }
    }
  if (out->nodes->len > 0)
    {
      send_message (r, from, out);
      if (buckets->len == 0)
        return;
      g_array_set_size (out->nodes, 0);
    }
  if (buckets->len == 0)
    {
      /* Equal roots: the pair is equal. Equal subtrees under a differing
       * parent: something changed during the walk; not clean. */
      mmr_replica_note_recovery_reply (r, from);
      mmr_replica_exchange_reply (r, from, hashes->exchange,
                                  MMR_REPLY_REGISTERS, asked_root);
      return;
    }
  /* Leaves differ: a digest of just those buckets, both directions. */
  out->step = MMR_MERKLE_BUCKETS;
  {
    g_autoptr (GPtrArray) names = NULL;

    g_array_sort (buckets, (GCompareFunc) (void (*) (void)) compare_u32);
    names = mmr_merkle_dup_bucket_names (r->store, MMR_MERKLE_AE_DEPTH,
                                         buckets);
    for (guint i = 0; i < buckets->len; i++)
      {
        MmrMerkleNode b = { g_array_index (buckets, guint32, i), 0 };

        g_array_append_val (out->nodes, b);
      }
    for (guint i = 0; i < names->len; i++)
      {
        MmrRegister *summary = mmr_register_new ();

        summary->vv = mmr_store_lookup (r->store, names->pdata[i])->vv;
        mmr_message_add_register (out, names->pdata[i], summary);
      }
  }
  send_message (r, from, out);
}

/* The peer's names in the differing buckets, answered like a digest. */
static void
merkle_answer_buckets (MmrReplica *r, guint from, const MmrMessage *msg)
{
  g_autoptr (GArray) buckets = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_autoptr (GPtrArray) all = mmr_store_dup_names (r->store);
  g_autoptr (MmrMessage) reply = mmr_message_new (MMR_MSG_DIGEST_REPLY);
  g_autoptr (GHashTable) theirs = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < msg->nodes->len; i++)
    {
      guint32 b = g_array_index (msg->nodes, MmrMerkleNode, i).node;

      if (b < (1u << MMR_MERKLE_AE_DEPTH))
        g_array_append_val (buckets, b);
    }
  reply->exchange = msg->exchange;
  for (guint i = 0; i < msg->registers->len; i++)
    {
      const MmrWireRegister *w = msg->registers->pdata[i];
      MmrRegister *mine = mmr_store_lookup (r->store, w->name);

      g_hash_table_insert (theirs, w->name, w->reg);
      if (mine == NULL || !mmr_version_vector_leq (&w->reg->vv, &mine->vv))
        mmr_message_add_need (reply, w->name);
    }
  for (guint i = 0; i < all->len; i++)
    {
      const char *name = all->pdata[i];
      guint32 b = mmr_merkle_bucket_of (MMR_MERKLE_AE_DEPTH, name);
      gboolean in = FALSE;
      MmrRegister *mine, *their;

      for (guint k = 0; k < buckets->len && !in; k++)
        in = g_array_index (buckets, guint32, k) == b;
      if (!in)
        continue;
      mine = mmr_store_lookup (r->store, name);
      their = g_hash_table_lookup (theirs, name);
      if (their == NULL || !mmr_version_vector_leq (&mine->vv, &their->vv))
        mmr_message_add_register (reply, name, mmr_register_copy (mine));
    }
  send_message (r, from, reply);
}

void
mmr_antientropy_merkle (MmrReplica *r, guint from, const MmrMessage *msg)
{
  g_autoptr (MmrMerkle) tree = NULL;

  if (msg->step == MMR_MERKLE_BUCKETS)
    {
      merkle_answer_buckets (r, from, msg);
      return;
    }
  tree = mmr_merkle_new_from_store (r->store, MMR_MERKLE_AE_DEPTH);
  if (msg->step == MMR_MERKLE_ASK)
    merkle_reply_hashes (r, from, msg, tree);
  else
    merkle_descend (r, from, msg, tree);
}
