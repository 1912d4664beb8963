/* mmr-session-interventions.c - what the user changes, and time travel
 * (a facet of MmrSession)
 *
 * Concept: an intervention (cut a link, partition, heal, skew or drift a
 * clock, change a link's model, switch strategy or clock) is applied to
 * the running world, which traces it like a scenario command, AND
 * recorded with the number of runner steps done when it happened. Time
 * travel builds a fresh runner with the same script and seed and replays
 * it, applying each intervention before the same runner step: the engine
 * is deterministic, so the replay reaches exactly the state the live run
 * had after any event.
 *
 * Interface (mmr-session.h): set_cut, toggle_link, partition, heal_all,
 * set_skew, set_drift, set_link_model, set_strategy, set_clock,
 * dup_runner_at.
 *
 * Invariants: interventions are kept in the order they happened, so
 * at_step never decreases along the array; a restart (not a replay) drops
 * them.
 *
 * Taught in docs/inspector.md.
 */
#include "mmr-session-private.h"

/* ---- interventions ---- */

static void
apply (MmrWorld *w, const Intervention *iv)
{
  switch (iv->kind)
    {
    case IV_CUT: mmr_world_set_cut (w, (guint) iv->a, (guint) iv->b, iv->flag); break;
    case IV_PARTITION: mmr_world_partition (w, iv->group_of); break;
    case IV_HEAL_ALL: mmr_world_heal_all (w); break;
    case IV_SKEW: mmr_world_set_skew (w, (guint) iv->a, iv->value); break;
    case IV_DRIFT: mmr_world_set_drift (w, (guint) iv->a, (gint32) iv->value); break;
    case IV_LINK_MODEL: mmr_world_set_link_model (w, iv->a, iv->b, &iv->model); break;
    case IV_STRATEGY: mmr_world_set_strategy (w, (MmrStrategy) iv->value); break;
    case IV_CLOCK: mmr_world_set_clock (w, (MmrClockSource) iv->value); break;
    default: g_assert_not_reached ();
    }
}

static void
intervene (MmrSession *self, Intervention *iv)
{
  if (self->runner == NULL)
    return;
  iv->at_step = self->n_steps;
  g_array_append_val (self->interventions, *iv);
  apply (mmr_session_get_world (self), iv);
  mmr_session_emit_state_changed (self);
}

static gboolean
valid_replica (MmrSession *self, guint r)
{
  return self->runner != NULL && r < mmr_world_n_replicas (mmr_session_get_world (self));
}

void
mmr_session_set_cut (MmrSession *self, guint from, guint to, gboolean is_cut)
{
  Intervention iv = { .kind = IV_CUT, .a = (int) from, .b = (int) to,
                      .flag = is_cut };

  g_return_if_fail (MMR_IS_SESSION (self));
  g_return_if_fail (self->runner == NULL
                    || (valid_replica (self, from) && valid_replica (self, to)
                        && from != to));
  intervene (self, &iv);
}

gboolean
mmr_session_toggle_link (MmrSession *self, guint a, guint b)
{
  MmrWorld *w = mmr_session_get_world (self);
  gboolean is_cut;

  g_return_val_if_fail (MMR_IS_SESSION (self), FALSE);
  g_return_val_if_fail (valid_replica (self, a) && valid_replica (self, b)
                        && a != b, FALSE);
  is_cut = !(mmr_world_get_channel (w, a, b)->is_cut
             || mmr_world_get_channel (w, b, a)->is_cut);
  mmr_session_set_cut (self, a, b, is_cut);
  mmr_session_set_cut (self, b, a, is_cut);
  return is_cut;
}

void
mmr_session_partition (MmrSession *self, const int *group_of)
{
  Intervention iv = { .kind = IV_PARTITION };

  g_return_if_fail (MMR_IS_SESSION (self));
  g_return_if_fail (group_of != NULL);
  if (self->runner == NULL)
    return;
  for (guint i = 0; i < mmr_world_n_replicas (mmr_session_get_world (self)); i++)
    iv.group_of[i] = group_of[i];
  intervene (self, &iv);
}

void
mmr_session_heal_all (MmrSession *self)
{
  Intervention iv = { .kind = IV_HEAL_ALL };

  g_return_if_fail (MMR_IS_SESSION (self));
  intervene (self, &iv);
}

void
mmr_session_set_skew (MmrSession *self, guint replica, gint64 offset_us)
{
  Intervention iv = { .kind = IV_SKEW, .a = (int) replica, .value = offset_us };

  g_return_if_fail (MMR_IS_SESSION (self));
  g_return_if_fail (self->runner == NULL || valid_replica (self, replica));
  intervene (self, &iv);
}

void
mmr_session_set_drift (MmrSession *self, guint replica, gint32 drift_ppm)
{
  Intervention iv = { .kind = IV_DRIFT, .a = (int) replica, .value = drift_ppm };

  g_return_if_fail (MMR_IS_SESSION (self));
  g_return_if_fail (self->runner == NULL || valid_replica (self, replica));
  intervene (self, &iv);
}

void
mmr_session_set_link_model (MmrSession *self, int from, int to,
                            const MmrLinkModel *model)
{
  Intervention iv = { .kind = IV_LINK_MODEL, .a = from, .b = to };

  g_return_if_fail (MMR_IS_SESSION (self));
  g_return_if_fail (model != NULL);
  iv.model = *model;
  intervene (self, &iv);
}

void
mmr_session_set_strategy (MmrSession *self, MmrStrategy strategy)
{
  Intervention iv = { .kind = IV_STRATEGY, .value = strategy };

  g_return_if_fail (MMR_IS_SESSION (self));
  intervene (self, &iv);
}

void
mmr_session_set_clock (MmrSession *self, MmrClockSource clock)
{
  Intervention iv = { .kind = IV_CLOCK, .value = clock };

  g_return_if_fail (MMR_IS_SESSION (self));
  intervene (self, &iv);
}

/* ---- time travel ---- */

/* DOC: session-replay */
MmrRunner *
mmr_session_dup_runner_at (MmrSession *self, guint64 n_events)
{
  MmrRunner *r;
  MmrWorld *w;
  guint64 steps = 0;
  guint next_iv = 0;

  g_return_val_if_fail (MMR_IS_SESSION (self), NULL);
  if (self->script == NULL)
    return NULL;
  r = mmr_session_make_runner (self);
  w = mmr_runner_get_world (r);
  while (mmr_world_n_events (w) < n_events)
    {
      if (next_iv < self->interventions->len)
        {
          const Intervention *iv = &g_array_index (self->interventions,
                                                   Intervention, next_iv);

          if (iv->at_step == steps)
            {
              apply (w, iv);
              next_iv++;
              continue;
            }
        }
      if (!mmr_runner_step (r))
        break;
      steps++;
    }
  return r;
}
