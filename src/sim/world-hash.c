/* world-hash.c - one 64-bit hash of a world's state, for mmr explore
 *
 * Interface (world.h): mmr_world_hash_state, and the terms it adds up:
 * mmr_world_hash_replica, mmr_world_hash_link, mmr_world_hash_conflict
 * (with mmr_world_has_conflict).
 * mmr explore expands each distinct state once, and two states are the
 * same when their hashes are: the hash covers what decides the rest of a
 * run (virtual time, each replica's clocks and registers, every queued
 * message, the conflicts seen) and leaves out what does not (counters,
 * metrics, observers).
 *
 * The hash is a sum of terms, one per part of the state (the time, each
 * replica, each link, each distinct conflict), each term keyed by the
 * part's place (replica A's store hashes differently from the same store
 * at B). A sum does not depend on the order of a hash table's iteration,
 * and it lets a caller that knows how one step changed one part compute
 * the new hash from the old without hashing the rest again: subtract the
 * old term, add the new (explore-memo.c does that).
 * Taught in docs/checking.md (explore).
 */
#include "sim/world-private.h"

#include <string.h>

static inline guint64
mix (guint64 h, guint64 v)
{
  h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
  h *= 0xff51afd7ed558ccdull;
  return h ^ (h >> 33);
}

/* Eight bytes a step: messages and version vectors are hashed for every
 * state the search reaches. */
static guint64
hash_bytes (guint64 h, const void *data, gsize len)
{
  const guint8 *p = data;
  guint64 f = 0xcbf29ce484222325ull ^ len;
  gsize i = 0;

  for (; i + 8 <= len; i += 8)
    {
      guint64 word;

      memcpy (&word, p + i, 8);
      f = (f ^ word) * 0x100000001b3ull;
      f ^= f >> 29;
    }
  for (; i < len; i++)
    f = (f ^ p[i]) * 0x100000001b3ull;
  return mix (h, f);
}

static guint64
hash_string (guint64 h, const char *s)
{
  return s != NULL ? hash_bytes (h, s, strlen (s)) : mix (h, 0x5a5a5a5a);
}

static guint64
hash_register (const char *name, const MmrRegister *reg)
{
  guint64 h = hash_string (0, name);

  h = hash_bytes (h, &reg->vv, sizeof reg->vv);
  for (guint i = 0; i < reg->n_siblings; i++)
    {
      const MmrVersion *v = &reg->siblings[i];

      h = mix (h, ((guint64) v->dot.replica << 32) | v->dot.counter);
      h = mix (h, (guint64) v->ts);
      h = mix (h, v->ts_logical);
      h = mix (h, (guint64) v->hlc.l);
      h = mix (h, v->hlc.c);
      h = hash_string (h, v->value);
    }
  return h;
}

static void
add_register_hash (gpointer name, gpointer reg, gpointer user_data)
{
  /* A sum does not depend on the store's iteration order. */
  *(guint64 *) user_data += hash_register (name, reg);
}

static guint64
hash_replica (const MmrReplica *r)
{
  guint64 stores = 0;
  guint64 h = mix (0, r->lamport);

  h = mix (h, (guint64) r->hlc.l);
  h = mix (h, r->hlc.c);
  h = mix (h, ((guint64) r->is_down << 1) | (guint64) r->is_recovering);
  h = mix (h, r->policy.strategy);
  mmr_store_foreach (r->store, add_register_hash, &stores);
  return mix (h, stores);
}

/* The queue of a link without its @skip-th message (G_MAXUINT: all). */
static guint64
hash_link (const MmrChannel *ch, guint skip)
{
  guint n = ch->n_queued - (skip < ch->n_queued ? 1 : 0);
  guint64 h = mix (0, ((guint64) ch->is_cut << 32) | n);
  guint index = 0;

  for (const MmrInFlight *m = ch->head; m != NULL; m = m->next, index++)
    {
      gsize len;
      const void *data;

      if (index == skip)
        continue;
      data = g_bytes_get_data (m->bytes, &len);
      h = hash_bytes (h, data, len);
      h = mix (h, (guint64) m->is_duplicate);
    }
  return h;
}

/* Keys that set the parts' terms apart. */
enum { KEY_TIME = 1, KEY_REPLICA = 0x100, KEY_LINK = 0x200 };

guint64
mmr_world_hash_replica (const MmrWorld *w, guint replica)
{
  return mix (KEY_REPLICA + replica, hash_replica (w->replicas[replica]));
}

guint64
mmr_world_hash_link (const MmrWorld *w, guint from, guint to, guint skip)
{
  return mix (KEY_LINK + from * MMR_MAX_REPLICAS + to,
              hash_link (w->links[from][to], skip));
}

guint64
mmr_world_hash_conflict (const char *id)
{
  return hash_string (0, id);
}

gboolean
mmr_world_has_conflict (const MmrWorld *w, const char *id)
{
  return g_hash_table_contains (w->conflict_ids, id);
}

/* DOC: world-hash-state */
guint64
mmr_world_hash_state (const MmrWorld *w)
{
  guint64 h = mix (KEY_TIME, (guint64) w->now_us);
  GHashTableIter it;
  gpointer id;

  for (guint i = 0; i < w->n; i++)
    h += mmr_world_hash_replica (w, i);
  for (guint i = 0; i < w->n; i++)
    for (guint j = 0; j < w->n; j++)
      if (i != j)
        h += mmr_world_hash_link (w, i, j, G_MAXUINT);
  g_hash_table_iter_init (&it, w->conflict_ids);
  while (g_hash_table_iter_next (&it, &id, NULL))
    h += mmr_world_hash_conflict (id);
  return h;
}
