/* explore-memo.c - deliveries remembered, so a repeated state costs no copy
 *
 * Why this file exists. Most states the search reaches it has seen
 * already (in mmr bench's search, three of every four): two deliveries
 * to different replicas lead to the same state in either order. Finding
 * that out the plain way costs a copy of the whole runner, the delivery
 * and a hash of everything, and then the copy is thrown away. This file
 * finds it out without the copy. It is a speed device only: the search
 * reaches the same states, counts the same and finds the same violations
 * with it or without it.
 *
 * Why it is sound. A delivery changes a state in three places: the
 * receiving replica, the link the message leaves, and the set of
 * conflicts seen. The state hash is a sum of one term per part
 * (world-hash.c), so the hash after the delivery is the hash before,
 * minus the old terms of the parts that changed, plus their new terms.
 * The link's new term is computed from the state at hand (its queue
 * without the message); a conflict adds its term when the state has not
 * seen it yet. Only the receiving replica's new term needs the delivery
 * itself - and what a replica becomes depends on its own state, the
 * message, the time and the settings the script made up to the current
 * command, not on the other replicas or links. So a delivery, once
 * computed, is remembered under (command, time, sender, receiver, the
 * receiver's term, the message): its receiver's new term and the conflict
 * ids it raised. A later delivery with the same inputs, from any state,
 * is predicted from that.
 *
 * Checks that keep it honest. A delivery is remembered only when the sum
 * predicted from its own state equals the hash computed after it: one
 * that changed another part too (sent a message, say) is remembered as
 * not predictable. And for every prediction the search goes on to
 * compute anyway (a new state) the receiver's computed term is asserted
 * equal to the remembered one. A
 * restarted replica's recovery depends on state the hash leaves out, so
 * a script that crashes or restarts replicas gets no memo.
 *
 * Interface (explore-memo.h): mmr_explore_memo_new/free; _predict before
 * a delivery; _watch and _learn around a delivery the search computes.
 * Taught in docs/checking.md ("Exploring").
 */
#include "explore/explore-memo.h"

#include <string.h>

#include "core/event.h"

/* What decides a delivery's effect on its receiver. */
typedef struct {
  guint line;               /* the command the state is at */
  guint8 from, to;
  gboolean is_duplicate;
  gint64 now_us;
  guint64 receiver;         /* the receiver's term before */
  guint64 message;          /* the message's bytes */
} Key;

typedef struct {
  Key key;
  gboolean is_predictable;
  guint64 receiver;         /* the receiver's term after */
  GPtrArray *conflicts;     /* char*, owned: the conflict ids raised */
} Entry;

/* The delivery between _predict and _learn. */
typedef struct {
  Key key;
  guint64 rest;             /* the hash before, without the changed terms */
  guint64 conflicts_before; /* the world's distinct conflicts before */
  MmrExploreHashes before;  /* the state's hashes */
  gboolean is_known;        /* the memo has an entry for the key */
  gboolean is_predicted;
  guint64 predicted;
  guint64 receiver;         /* predicted: the receiver's term after */
  guint observer;
  MmrRunner *child;
  GPtrArray *raised;        /* char*, owned: conflict ids, distinct */
} Pending;

struct _MmrExploreMemo {
  GHashTable *entries;      /* Entry* (its key first) -> itself */
  Pending pending;
};

static guint
key_hash (gconstpointer p)
{
  const Key *k = p;
  guint64 h = k->receiver ^ (k->message * 0x9e3779b97f4a7c15ull);

  h ^= ((guint64) k->line << 24) ^ ((guint64) k->from << 16)
       ^ ((guint64) k->to << 8) ^ (guint64) k->is_duplicate
       ^ ((guint64) k->now_us * 0xff51afd7ed558ccdull);
  return (guint) (h ^ (h >> 32));
}

static gboolean
key_equal (gconstpointer a, gconstpointer b)
{
  const Key *x = a, *y = b;

  return x->line == y->line && x->from == y->from && x->to == y->to
         && x->is_duplicate == y->is_duplicate && x->now_us == y->now_us
         && x->receiver == y->receiver && x->message == y->message;
}

static void
entry_free (Entry *e)
{
  if (e->conflicts != NULL)
    g_ptr_array_unref (e->conflicts);
  g_free (e);
}

MmrExploreMemo *
mmr_explore_memo_new (const MmrScript *script)
{
  MmrExploreMemo *memo;

  for (guint i = 0; i < script->commands->len; i++)
    {
      const MmrCommand *c = script->commands->pdata[i];

      if (c->kind == MMR_CMD_CRASH || c->kind == MMR_CMD_RESTART)
        return NULL;
    }
  memo = g_new0 (MmrExploreMemo, 1);
  memo->entries = g_hash_table_new_full (key_hash, key_equal,
                                         (GDestroyNotify) entry_free, NULL);
  memo->pending.raised = g_ptr_array_new_with_free_func (g_free);
  return memo;
}

void
mmr_explore_memo_free (MmrExploreMemo *memo)
{
  if (memo == NULL)
    return;
  g_hash_table_unref (memo->entries);
  g_ptr_array_unref (memo->pending.raised);
  g_free (memo);
}

static guint64
message_hash (const MmrInFlight *m)
{
  gsize len;
  const guint8 *p = g_bytes_get_data (m->bytes, &len);
  guint64 h = 0xcbf29ce484222325ull ^ len;

  for (gsize i = 0; i < len; i++)
    h = (h ^ p[i]) * 0x100000001b3ull;
  return h ^ (h >> 29);
}

static guint64
replica_term (const MmrWorld *w, MmrExploreHashes *hashes, guint i)
{
  if (!(hashes->known & (1u << i)))
    {
      hashes->replica[i] = mmr_world_hash_replica (w, i);
      hashes->known |= 1u << i;
    }
  return hashes->replica[i];
}

/* What @e's conflicts add to a state that is @w. */
static guint64
conflicts_term (const MmrWorld *w, const GPtrArray *conflicts)
{
  guint64 sum = 0;

  for (guint i = 0; conflicts != NULL && i < conflicts->len; i++)
    if (!mmr_world_has_conflict (w, conflicts->pdata[i]))
      sum += mmr_world_hash_conflict (conflicts->pdata[i]);
  return sum;
}

gboolean
mmr_explore_memo_predict (MmrExploreMemo *memo, const MmrRunner *r,
                          MmrExploreHashes *hashes, guint from, guint to,
                          guint index, guint64 *out_hash)
{
  MmrWorld *w = mmr_runner_get_world ((MmrRunner *) r);
  const MmrInFlight *m = mmr_world_get_channel (w, from, to)->head;
  Pending *p = &memo->pending;
  const Entry *e;

  for (guint i = 0; i < index; i++)
    m = m->next;
  p->key.line = mmr_runner_current_command (r)->line;
  p->key.from = (guint8) from;
  p->key.to = (guint8) to;
  p->key.is_duplicate = m->is_duplicate;
  p->key.now_us = mmr_world_now (w);
  p->key.receiver = replica_term (w, hashes, to);
  p->key.message = message_hash (m);
  p->rest = hashes->hash - p->key.receiver
            - mmr_world_hash_link (w, from, to, G_MAXUINT)
            + mmr_world_hash_link (w, from, to, index);
  p->conflicts_before = mmr_world_get_metrics (w)->conflicts
                        + mmr_world_get_metrics (w)->rejected_newer;
  p->child = NULL;
  e = g_hash_table_lookup (memo->entries, &p->key);
  p->is_known = e != NULL;
  p->is_predicted = e != NULL && e->is_predictable;
  p->before = *hashes;
  if (!p->is_predicted)
    return FALSE;
  p->receiver = e->receiver;
  p->predicted = p->rest + e->receiver + conflicts_term (w, e->conflicts);
  *out_hash = p->predicted;
  return TRUE;
}

static void
on_event (const MmrEvent *ev, gpointer user_data)
{
  Pending *p = user_data;
  char *id;

  /* The ids the world keeps (world.c, conflict_key): conflicts, and
   * rejected newer writes under their prefix. */
  if (ev->kind == MMR_EV_CONFLICT)
    id = mmr_event_conflict_id (ev);
  else if (ev->kind == MMR_EV_RESOLVE && ev->rule == MMR_RESOLVE_LWW_REJECTED)
    {
      g_autofree char *versions = mmr_event_conflict_id (ev);

      id = g_strconcat ("rejected|", versions, NULL);
    }
  else
    return;
  for (guint i = 0; i < p->raised->len; i++)
    if (g_str_equal (p->raised->pdata[i], id))
      {
        g_free (id);
        return;
      }
  g_ptr_array_add (p->raised, id);
}

void
mmr_explore_memo_watch (MmrExploreMemo *memo, MmrRunner *child)
{
  Pending *p = &memo->pending;

  /* A delivery the memo knows is only checked (or, not predictable,
   * left alone). */
  if (p->is_known)
    return;
  g_ptr_array_set_size (p->raised, 0);
  p->child = child;
  p->observer = mmr_world_add_observer (mmr_runner_get_world (child),
                                        on_event, p);
}

/* The conflicts term the delivery added: known when every conflict it
 * raised was new, or none was; otherwise (some were seen before) FALSE. */
static gboolean
raised_term (const Pending *p, const MmrWorld *w, guint64 *out)
{
  guint64 n_new = mmr_world_get_metrics (w)->conflicts
                   + mmr_world_get_metrics (w)->rejected_newer
                   - p->conflicts_before;

  *out = 0;
  if (n_new == 0)
    return TRUE;
  if (n_new != p->raised->len)
    return FALSE;
  for (guint i = 0; i < p->raised->len; i++)
    *out += mmr_world_hash_conflict (p->raised->pdata[i]);
  return TRUE;
}

/* The hashes of the state after a delivery that changed, of the replicas,
 * only the receiver: the others' terms are those before. */
static void
hashes_after (const Pending *p, guint64 hash, guint64 receiver,
              MmrExploreHashes *out)
{
  *out = p->before;
  out->hash = hash;
  out->replica[p->key.to] = receiver;
  out->known |= 1u << p->key.to;
}

void
mmr_explore_memo_learn (MmrExploreMemo *memo, MmrRunner *child,
                        MmrExploreHashes *out)
{
  Pending *p = &memo->pending;
  MmrWorld *w = mmr_runner_get_world (child);
  Entry *e;
  guint64 hash, receiver, raised;

  if (p->is_predicted)
    {
      /* The link's and the conflicts' terms follow from the state before;
       * the receiver's is what the memo stands for: checked. */
      /* DOC: explore-memo-check */
      receiver = mmr_world_hash_replica (w, p->key.to);
      g_assert_cmphex (receiver, ==, p->receiver);
      hashes_after (p, p->predicted, receiver, out);
      return;
    }
  memset (out, 0, sizeof *out);
  out->hash = hash = mmr_runner_hash_state (child);
  if (p->is_known)
    return;
  g_assert (p->child == child);
  mmr_world_remove_observer (w, p->observer);
  p->child = NULL;
  if (!raised_term (p, w, &raised))
    return;   /* not remembered: a later delivery may teach it */
  receiver = mmr_world_hash_replica (w, p->key.to);
  e = g_new0 (Entry, 1);
  e->key = p->key;
  e->is_predictable = p->rest + receiver + raised == hash;
  e->receiver = receiver;
  if (e->is_predictable && p->raised->len > 0)
    {
      e->conflicts = g_ptr_array_new_full (p->raised->len, g_free);
      for (guint i = 0; i < p->raised->len; i++)
        g_ptr_array_add (e->conflicts, g_strdup (p->raised->pdata[i]));
    }
  if (e->is_predictable)
    hashes_after (p, hash, receiver, out);
  g_hash_table_replace (memo->entries, e, e);
}
