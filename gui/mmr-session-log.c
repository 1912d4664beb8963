/* mmr-session-log.c - the session's event log (a facet of MmrSession)
 *
 * Concept: the views draw history, so the session keeps its own copy of
 * every event the world emits, plus what drawing needs and the trace
 * does not say directly: the other end of each message (SEND to its first
 * DELIVER or DROP), the longest latency seen, a compact time-sorted brief
 * of every event for fast scans, and the cut matrix after every change of
 * link state.
 *
 * Interface (mmr-session.h): get_n_events, get_event, get_partner,
 * get_briefs, find_time, get_max_latency, get_n_cut_changes,
 * get_cut_change; for the other facets (mmr-session-private.h) init,
 * clear, finalize and the world observer event_cb.
 *
 * Invariants:
 *   - index i is the event with seq i: the log holds exactly the world's
 *     events, in order;
 *   - storage is chunked (CHUNK_SIZE events a chunk, never moved), so a
 *     pointer from mmr_session_get_event stays valid until the next
 *     "reset"; strings live in one GStringChunk cleared with the log.
 *
 * Taught in docs/inspector.md.
 */
#include "mmr-session-private.h"

#include <string.h>

#define CHUNK_SHIFT 12
#define CHUNK_SIZE (1u << CHUNK_SHIFT)

/* ---- writing ---- */

static MmrSessionEvent *
slot (MmrSession *self, guint index)
{
  MmrSessionEvent *chunk = g_ptr_array_index (self->chunks,
                                              index >> CHUNK_SHIFT);

  return &chunk[index & (CHUNK_SIZE - 1)];
}

static void
event_clear (MmrSessionEvent *se)
{
  g_free (se->versions);
  g_free (se->kept);
  g_free (se->superseded);
}

void
mmr_session_log_clear (MmrSession *self)
{
  for (guint i = 0; i < self->n_events; i++)
    event_clear (slot (self, i));
  g_ptr_array_set_size (self->chunks, 0);
  self->n_events = 0;
  g_array_set_size (self->partners, 0);
  g_array_set_size (self->briefs, 0);
  g_hash_table_remove_all (self->send_of_msg);
  g_string_chunk_clear (self->strings);
  g_array_set_size (self->cuts, 0);
  self->max_latency_us = 0;
  self->n_conflicts = 0;
}

static const char *
keep_string (MmrSession *self, const char *s)
{
  return s == NULL ? NULL : g_string_chunk_insert_const (self->strings, s);
}

static void
copy_versions (MmrSession *self, MmrSessionEvent *se, const MmrEvent *ev)
{
  if (ev->n_versions > 0)
    {
      se->versions = g_new (MmrEventVersion, ev->n_versions);
      for (guint i = 0; i < ev->n_versions; i++)
        {
          se->versions[i] = ev->versions[i];
          se->versions[i].value = keep_string (self, ev->versions[i].value);
        }
    }
  if (ev->n_kept > 0)
    se->kept = g_memdup2 (ev->kept, ev->n_kept * sizeof (MmrDot));
  if (ev->n_superseded > 0)
    se->superseded = g_memdup2 (ev->superseded,
                                ev->n_superseded * sizeof (MmrDot));
  se->ev.versions = se->versions;
  se->ev.kept = se->kept;
  se->ev.superseded = se->superseded;
}

static void
link_partner (MmrSession *self, guint index, const MmrEvent *ev)
{
  guint partner = NO_EVENT;
  gpointer found;

  if (ev->kind == MMR_EV_SEND)
    g_hash_table_insert (self->send_of_msg, g_memdup2 (&ev->msg_id, 8),
                         GUINT_TO_POINTER (index + 1));
  else if ((ev->kind == MMR_EV_DELIVER || ev->kind == MMR_EV_DROP
            || ev->kind == MMR_EV_DUPLICATE)
           && (found = g_hash_table_lookup (self->send_of_msg, &ev->msg_id)))
    {
      guint send = GPOINTER_TO_UINT (found) - 1;
      guint *send_partner = &g_array_index (self->partners, guint, send);

      partner = send;
      if (*send_partner == NO_EVENT && ev->kind != MMR_EV_DUPLICATE)
        *send_partner = index;
      self->max_latency_us = MAX (self->max_latency_us,
                                  ev->time_us - slot (self, send)->ev.time_us);
    }
  g_array_append_val (self->partners, partner);
}

static void
note_cuts (MmrSession *self, guint index, const MmrEvent *ev)
{
  MmrWorld *world = mmr_runner_get_world (self->runner);
  guint n = mmr_world_n_replicas (world);
  MmrSessionCuts c = { .time_us = ev->time_us, .event_index = index };

  for (guint i = 0; i < n; i++)
    for (guint j = 0; j < n; j++)
      if (i != j && mmr_world_get_channel (world, i, j)->is_cut)
        c.cut_to[i] |= (guint16) (1u << j);
  g_array_append_val (self->cuts, c);
}

void
mmr_session_log_event_cb (const MmrEvent *ev, gpointer user_data)
{
  MmrSession *self = user_data;
  guint index = self->n_events;
  MmrSessionEvent *se;

  g_assert (ev->seq == index);
  if ((index & (CHUNK_SIZE - 1)) == 0)
    g_ptr_array_add (self->chunks, g_new0 (MmrSessionEvent, CHUNK_SIZE));
  se = slot (self, index);
  memset (se, 0, sizeof *se);
  se->ev = *ev;
  se->key = (char *) keep_string (self, ev->key);
  se->value = (char *) keep_string (self, ev->value);
  se->detail = (char *) keep_string (self, ev->detail);
  se->ev.key = se->key;
  se->ev.value = se->value;
  se->ev.detail = se->detail;
  copy_versions (self, se, ev);
  self->n_events++;
  g_array_append_val (self->briefs, ((MmrSessionBrief) {
                                        .time_us = ev->time_us,
                                        .kind = (guint8) ev->kind,
                                        .replica = (gint8) ev->replica,
                                        .peer = (gint8) ev->peer }));

  link_partner (self, index, ev);
  if (ev->kind == MMR_EV_PARTITION || ev->kind == MMR_EV_HEAL)
    note_cuts (self, index, ev);
  if (ev->kind == MMR_EV_CONFLICT)
    self->n_conflicts++;
  mmr_session_emit_event_added (self, index);
}

/* ---- reading ---- */

guint mmr_session_get_n_events (MmrSession *self) { return self->n_events; }

const MmrSessionEvent *
mmr_session_get_event (MmrSession *self, guint index)
{
  g_return_val_if_fail (MMR_IS_SESSION (self), NULL);
  g_return_val_if_fail (index < self->n_events, NULL);
  return slot (self, index);
}

guint
mmr_session_get_partner (MmrSession *self, guint index)
{
  g_return_val_if_fail (index < self->n_events, NO_EVENT);
  return g_array_index (self->partners, guint, index);
}

const MmrSessionBrief *
mmr_session_get_briefs (MmrSession *self)
{
  g_return_val_if_fail (MMR_IS_SESSION (self), NULL);
  return (const MmrSessionBrief *) self->briefs->data;
}

guint
mmr_session_find_time (MmrSession *self, gint64 time_us)
{
  const MmrSessionBrief *b = (const MmrSessionBrief *) self->briefs->data;
  guint lo = 0, hi = self->n_events;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (b[mid].time_us < time_us)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

gint64 mmr_session_get_max_latency (MmrSession *self) { return self->max_latency_us; }
guint mmr_session_get_n_cut_changes (MmrSession *self) { return self->cuts->len; }

const MmrSessionCuts *
mmr_session_get_cut_change (MmrSession *self, guint i)
{
  g_return_val_if_fail (i < self->cuts->len, NULL);
  return &g_array_index (self->cuts, MmrSessionCuts, i);
}

/* ---- storage ---- */

void
mmr_session_log_init (MmrSession *self)
{
  self->chunks = g_ptr_array_new_with_free_func (g_free);
  self->partners = g_array_new (FALSE, FALSE, sizeof (guint));
  self->briefs = g_array_new (FALSE, FALSE, sizeof (MmrSessionBrief));
  self->send_of_msg = g_hash_table_new_full (g_int64_hash, g_int64_equal,
                                             g_free, NULL);
  self->strings = g_string_chunk_new (16384);
  self->cuts = g_array_new (FALSE, FALSE, sizeof (MmrSessionCuts));
}

void
mmr_session_log_finalize (MmrSession *self)
{
  mmr_session_log_clear (self);
  g_ptr_array_unref (self->chunks);
  g_array_unref (self->partners);
  g_array_unref (self->briefs);
  g_hash_table_unref (self->send_of_msg);
  g_string_chunk_free (self->strings);
  g_array_unref (self->cuts);
}
