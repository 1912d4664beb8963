/* world-hash.c - one 64-bit hash of a world's state, for mmr explore
 *
 * Interface: mmr_world_hash_state (world.h). mmr explore expands each
 * distinct state once, and two states are the same when their hashes are:
 * the hash covers what decides the rest of a run (virtual time, each
 * replica's clocks and registers, every queued message, the conflicts seen)
 * and leaves out what does not (counters, metrics, observers). Sums where
 * the order of a hash table's iteration would otherwise leak in.
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

static guint64
hash_link (guint64 h, const MmrChannel *ch)
{
  h = mix (h, ((guint64) ch->is_cut << 32) | ch->n_queued);
  for (const MmrInFlight *m = ch->head; m != NULL; m = m->next)
    {
      gsize len;
      const void *data = g_bytes_get_data (m->bytes, &len);

      h = hash_bytes (h, data, len);
      h = mix (h, (guint64) m->is_duplicate);
    }
  return h;
}

/* DOC: world-hash-state */
guint64
mmr_world_hash_state (const MmrWorld *w)
{
  guint64 h = mix (0, (guint64) w->now_us);
  guint64 conflicts = 0;
  GHashTableIter it;
  gpointer id;

  for (guint i = 0; i < w->n; i++)
    h = mix (h, hash_replica (w->replicas[i]));
  for (guint i = 0; i < w->n; i++)
    for (guint j = 0; j < w->n; j++)
      if (i != j)
        h = hash_link (h, w->links[i][j]);
  g_hash_table_iter_init (&it, w->conflict_ids);
  while (g_hash_table_iter_next (&it, &id, NULL))
    conflicts += hash_string (0, id);
  return mix (h, conflicts);
}
