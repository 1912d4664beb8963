/* world-settle.c - quiescence: when has a run settled?
 *
 * Quiescence ("settle"): no message that carries registers is in flight,
 * and every pair of replicas joined by working links both ways has
 * completed a clean anti-entropy exchange since the last change anywhere.
 * A clean exchange proves the pair equal (anti-entropy.c), so at quiescence
 * every connected group has converged. Digests may still be on the wire:
 * with anti-entropy running there always are some, and between equal
 * replicas they change nothing. With anti-entropy off, quiescent simply
 * means nothing is in flight.
 *
 * Interface: mmr_world_is_quiescent, mmr_world_settle (world.h); the
 * replicas report changes and clean exchanges through their environment
 * (mmr_world_env_changed) and the loop notes the clean exchanges a
 * delivery completed (mmr_world_note_clean_exchange).
 * Invariant: clean[i][j] == clean[j][i], and n_clean == 0 when no pair is
 * marked.
 *
 * Taught in docs/architecture.md (step 9, settle).
 */
#include "sim/world-private.h"

#include <string.h>

void
mmr_world_reset_clean (MmrWorld *w)
{
  if (w->n_clean == 0)
    return;
  memset (w->clean, 0, sizeof w->clean);
  w->n_clean = 0;
}

void
mmr_world_env_changed (gpointer data, guint replica, const char *name)
{
  MmrWorld *w = data;

  w->metrics.last_change_us = w->now_us;
  w->change_epoch++;
  mmr_world_reset_clean (w);
  for (guint i = 0; i < w->change_observers->len; i++)
    {
      Observer *o = &g_array_index (w->change_observers, Observer, i);

      ((MmrChangeFunc) (void (*) (void)) o->func) (w, replica, name,
                                                   o->user_data);
    }
}

/* An empty reply describes the peer's state when it answered. It proves
 * the pair equal now only if nothing changed anywhere since the exchange
 * began. */
void
mmr_world_note_clean_exchange (MmrWorld *w, guint replica, guint peer,
                               guint32 exchange)
{
  guint slot = exchange % AE_SLOTS;

  if (w->ae_start[replica][slot].exchange != exchange
      || w->ae_start[replica][slot].epoch != w->change_epoch)
    return;
  w->clean[replica][peer] = TRUE;
  w->clean[peer][replica] = TRUE;
  w->n_clean++;
}

/* A pair is "joined" when both links work and both replicas are up. */
static gboolean
joined (const MmrWorld *w, guint i, guint j)
{
  return !w->links[i][j]->is_cut && !w->links[j][i]->is_cut
         && !w->replicas[i]->is_down && !w->replicas[j]->is_down;
}

/* DOC: quiescence
 * Every joined pair has had a clean exchange since the last change, so
 * joined replicas hold equal states. A message in flight between them
 * carries a state its sender had, a subset of what both hold now: it can
 * change nothing. Only a message carrying registers on a link whose pair
 * is not joined (a one-way cut) could still bring news. */
gboolean
mmr_world_is_quiescent (const MmrWorld *w)
{
  if (w->config.antientropy_interval_us <= 0)
    return w->n_in_flight == 0;
  /* A restarted replica still catching up will change. */
  for (guint i = 0; i < w->n; i++)
    {
      const MmrReplica *r = w->replicas[i];

      if (r->is_recovering && r->recover_waiting != 0
          && w->now_us < r->recover_deadline_us)
        return FALSE;
    }
  for (guint i = 0; i < w->n; i++)
    for (guint j = 0; j < w->n; j++)
      {
        if (i == j)
          continue;
        if (joined (w, i, j) ? !w->clean[i][j] : w->n_payload_link[i][j] > 0)
          return FALSE;
      }
  return TRUE;
}

/* DOC: settle */
gboolean
mmr_world_settle (MmrWorld *w, gint64 limit_us)
{
  gint64 deadline = w->now_us + limit_us;

  while (!mmr_world_is_quiescent (w))
    {
      if (mmr_world_next_time (w) > deadline)
        return FALSE;
      mmr_world_step (w);
    }
  return TRUE;
}
