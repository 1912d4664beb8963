/* delta-buffer.c - per-peer acknowledgement of deltas
 *
 * Interface: new, add_peer, push, collect, ack (see delta-buffer.h).
 *
 * Invariants:
 *   - the queue holds deltas with consecutive sequence numbers
 *     first_seq .. seq; first_seq - 1 is the last one dropped;
 *   - a delta is dropped when every tracked peer has acknowledged it, or
 *     when the queue is longer than max_deltas (oldest first);
 *   - a peer whose ack is below first_seq - 1 lost deltas it needs and
 *     must receive full states.
 *
 * Taught in docs/crdts.md, "Delta-state replication".
 */
#include "crdt/delta-buffer.h"

#include <string.h>

typedef struct {
  guint64 seq;
  char *key;
  MmrCrdt *delta;
} Entry;

struct _MmrDeltaBuffer {
  GQueue entries;                    /* Entry*, oldest first */
  guint64 seq;                       /* last sequence number given */
  guint64 first_seq;                 /* sequence of the oldest entry held */
  guint max_deltas;
  guint32 peers;                     /* bit i: peer i is tracked */
  guint64 acked[MMR_MAX_REPLICAS];
};

static void
entry_free (Entry *e)
{
  g_free (e->key);
  mmr_crdt_free (e->delta);
  g_free (e);
}

MmrDeltaBuffer *
mmr_delta_buffer_new (guint max_deltas)
{
  MmrDeltaBuffer *buf = g_new0 (MmrDeltaBuffer, 1);

  g_queue_init (&buf->entries);
  buf->first_seq = 1;
  buf->max_deltas = max_deltas;
  return buf;
}

void
mmr_delta_buffer_free (MmrDeltaBuffer *buf)
{
  if (buf == NULL)
    return;
  g_queue_clear_full (&buf->entries, (GDestroyNotify) entry_free);
  g_free (buf);
}

void
mmr_delta_buffer_add_peer (MmrDeltaBuffer *buf, guint peer)
{
  g_return_if_fail (peer < MMR_MAX_REPLICAS);
  buf->peers |= 1u << peer;
  buf->acked[peer] = 0;
}

static void
drop_oldest (MmrDeltaBuffer *buf)
{
  entry_free (g_queue_pop_head (&buf->entries));
  buf->first_seq++;
}

/* DOC: delta-buffer-gc */
static void
collect_garbage (MmrDeltaBuffer *buf)
{
  guint64 min = buf->seq;

  for (guint i = 0; i < MMR_MAX_REPLICAS; i++)
    if (buf->peers & (1u << i))
      min = MIN (min, buf->acked[i]);
  while (!g_queue_is_empty (&buf->entries)
         && ((Entry *) g_queue_peek_head (&buf->entries))->seq <= min)
    drop_oldest (buf);
  while (buf->max_deltas > 0 && buf->entries.length > buf->max_deltas)
    drop_oldest (buf);
}

guint64
mmr_delta_buffer_push (MmrDeltaBuffer *buf, const char *key, MmrCrdt *delta)
{
  Entry *e;

  g_return_val_if_fail (key != NULL && delta != NULL, 0);
  if (mmr_crdt_is_empty (delta))
    {
      mmr_crdt_free (delta);
      return buf->seq;
    }
  e = g_new (Entry, 1);
  e->seq = ++buf->seq;
  e->key = g_strdup (key);
  e->delta = delta;
  g_queue_push_tail (&buf->entries, e);
  collect_garbage (buf);
  return e->seq;
}

static void
group_free (gpointer p)
{
  MmrDeltaGroup *g = p;

  g_free (g->key);
  mmr_crdt_free (g->delta);
  g_free (g);
}

static int
compare_groups (gconstpointer a, gconstpointer b)
{
  const MmrDeltaGroup *x = *(MmrDeltaGroup *const *) a;
  const MmrDeltaGroup *y = *(MmrDeltaGroup *const *) b;

  return strcmp (x->key, y->key);
}

/* DOC: delta-buffer-collect */
gboolean
mmr_delta_buffer_collect (MmrDeltaBuffer *buf, guint peer,
                          GPtrArray **out_groups, guint64 *out_upto)
{
  g_autoptr (GHashTable) by_key = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *groups;

  g_return_val_if_fail (peer < MMR_MAX_REPLICAS, FALSE);
  *out_upto = buf->seq;
  *out_groups = NULL;
  if (buf->acked[peer] + 1 < buf->first_seq)
    return FALSE;   /* the deltas it lacks are gone */
  groups = g_ptr_array_new_with_free_func (group_free);
  for (GList *l = buf->entries.head; l != NULL; l = l->next)
    {
      Entry *e = l->data;
      MmrDeltaGroup *g;

      if (e->seq <= buf->acked[peer])
        continue;
      g = g_hash_table_lookup (by_key, e->key);
      if (g == NULL)
        {
          g = g_new (MmrDeltaGroup, 1);
          g->key = g_strdup (e->key);
          g->delta = mmr_crdt_copy (e->delta);
          g_hash_table_insert (by_key, g->key, g);
          g_ptr_array_add (groups, g);
        }
      else if (!mmr_crdt_merge (g->delta, e->delta, NULL))
        g_assert_not_reached ();   /* one key holds one type */
    }
  g_ptr_array_sort (groups, compare_groups);
  *out_groups = groups;
  return TRUE;
}

void
mmr_delta_buffer_ack (MmrDeltaBuffer *buf, guint peer, guint64 upto)
{
  g_return_if_fail (peer < MMR_MAX_REPLICAS);
  buf->acked[peer] = MAX (buf->acked[peer], MIN (upto, buf->seq));
  collect_garbage (buf);
}

guint
mmr_delta_buffer_get_length (const MmrDeltaBuffer *buf)
{
  return buf->entries.length;
}
