/* mmr-session.c - the inspector's model: one scenario being watched
 *
 * Concept: the widgets never drive the engine; they ask the session, which
 * owns the parsed script, the runner (and so the world) and a copy of
 * every event, and they redraw on its signals (see mmr-session.h).
 *
 * Interface: load (file, text), restart, seed, step / run to conflict /
 * run to end / play at a speed, the diverging count. The event log
 * (mmr-session-log.c) and interventions with time travel
 * (mmr-session-interventions.c) are the other facets of the same object.
 *
 * Invariants:
 *   - the event log holds exactly the world's events, in order: index i is
 *     the event with seq i, so mmr_session_get_n_events equals
 *     mmr_world_n_events;
 *   - the runner is advanced only through runner_step(), which counts its
 *     calls; an intervention is recorded with that count, and a replay
 *     (restart is not a replay: it drops them) applies it before the same
 *     runner step, so time travel reproduces the live run exactly;
 *   - the display time never runs ahead of an unexecuted event: while
 *     playing, the runner steps only when what it will do happens at or
 *     before the display time, so messages can be drawn in flight.
 *
 * A runner returned by mmr_session_dup_runner_at borrows its script; the
 * session keeps every script it loaded alive until it is finalized, so such
 * a runner stays valid after another file is opened.
 *
 * Taught in docs/inspector.md.
 */
#include "mmr-session-private.h"

#include <string.h>
#include <glib/gstdio.h>

#include "sim/convergence-watch.h"
#include "store/storage.h"

#define DEFAULT_SPEED 0.02       /* virtual seconds per wall second */
#define TICK_MS 16
#define TICK_BUDGET_US 10000     /* wall time one tick may spend stepping */

G_DEFINE_FINAL_TYPE (MmrSession, mmr_session, G_TYPE_OBJECT)

enum { PROP_0, PROP_PLAYING, PROP_SPEED, PROP_SEED, PROP_FILENAME, N_PROPS };
enum { SIG_RESET, SIG_EVENT_ADDED, SIG_STATE_CHANGED, N_SIGNALS };

static GParamSpec *props[N_PROPS];
static guint signals[N_SIGNALS];


static int
strcmp_ptr (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}


void
mmr_session_emit_state_changed (MmrSession *self)
{
  g_signal_emit (self, signals[SIG_STATE_CHANGED], 0);
}

void
mmr_session_emit_event_added (MmrSession *self, guint index)
{
  g_signal_emit (self, signals[SIG_EVENT_ADDED], 0, index);
}

/* ---- runner ---- */

static MmrWorld *
world_of (MmrSession *self)
{
  return self->runner != NULL ? mmr_runner_get_world (self->runner) : NULL;
}

/* A scenario that declares a durability gets its replicas' databases in
 * a fresh temporary folder per world (the live one and every time-travel
 * replay), as "mmr run" does; removed when the session goes. */
static MmrRunner *
make_runner_unlimited (MmrSession *self)
{
  g_autofree char *dir = NULL;
  MmrRunner *r;

  if (self->script->config.durability == MMR_DURABILITY_NONE)
    return mmr_runner_new (self->script, TRUE, self->seed);
  dir = mmr_storage_make_scratch_dir (
      "mmr-inspector-XXXXXX", (const char *const *) self->script->config.names,
      self->script->config.n_replicas, NULL);
  r = dir != NULL ? mmr_runner_new_full (self->script, TRUE, self->seed, dir,
                                         NULL)
                  : NULL;
  if (dir != NULL)
    g_ptr_array_add (self->data_dirs, g_steal_pointer (&dir));
  return r != NULL ? r : mmr_runner_new (self->script, TRUE, self->seed);
}

/* Every runner, the live one and each time-travel replay, has the
 * session's run limits, so a replay stops where the live run did. */
MmrRunner *
mmr_session_make_runner (MmrSession *self)
{
  MmrRunner *r = make_runner_unlimited (self);

  mmr_runner_set_limits (r, &self->limits);
  return r;
}

static void
remove_data_dir (gpointer data)
{
  mmr_storage_remove_scratch_dir (data);
  g_free (data);
}

static void
new_runner (MmrSession *self)
{
  if (self->runner != NULL)
    {
      /* The old world's observer must not write into the fresh log. */
      mmr_runner_free (self->runner);
      self->runner = NULL;
    }
  mmr_session_log_clear (self);
  g_array_set_size (self->interventions, 0);
  self->n_steps = 0;
  self->run_cmd = NULL;
  self->run_end_us = 0;
  self->display_us = 0;
  self->runner = mmr_session_make_runner (self);
  mmr_world_add_observer (mmr_runner_get_world (self->runner),
                          mmr_session_log_event_cb, self);
}

static void
emit_reset (MmrSession *self)
{
  g_signal_emit (self, signals[SIG_RESET], 0);
  g_signal_emit (self, signals[SIG_STATE_CHANGED], 0);
}

/* One mmr_runner_step, counted (see the invariants). */
static gboolean
runner_step (MmrSession *self)
{
  const MmrCommand *c = mmr_runner_current_command (self->runner);
  gboolean starts_run = c != NULL && c != self->run_cmd
                        && (c->kind == MMR_CMD_RUN || c->kind == MMR_CMD_SETTLE);

  if (!mmr_runner_step (self->runner))
    return FALSE;
  self->n_steps++;
  if (starts_run)
    {
      self->run_cmd = c;
      self->run_end_us = mmr_world_now (world_of (self))
                         + (c->kind == MMR_CMD_RUN ? c->us : G_MAXINT64 / 4);
    }
  return TRUE;
}

static void
catch_up_display (MmrSession *self)
{
  self->display_us = MAX (self->display_us, mmr_world_now (world_of (self)));
}

static gboolean
step_event_quiet (MmrSession *self)
{
  guint before = self->n_events;

  while (self->n_events == before)
    if (!runner_step (self))
      return FALSE;
  return TRUE;
}

/* ---- loading ---- */

static char *
find_scenario_in_dir (const char *dir, GError **error)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, error);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  if (d == NULL)
    return NULL;
  while ((name = g_dir_read_name (d)) != NULL)
    if (g_str_has_suffix (name, ".mmr"))
      g_ptr_array_add (names, g_strdup (name));
  if (names->len == 0)
    {
      g_set_error (error, MMR_SCRIPT_ERROR, MMR_SCRIPT_ERROR_IO,
                   "%s: no .mmr scenario in this folder", dir);
      return NULL;
    }
  g_ptr_array_sort (names, strcmp_ptr);
  for (guint i = 0; i < names->len; i++)
    if (strcmp (names->pdata[i], "scenario.mmr") == 0)
      return g_build_filename (dir, "scenario.mmr", NULL);
  return g_build_filename (dir, (const char *) names->pdata[0], NULL);
}

static void
take_script (MmrSession *self, MmrScript *script, const char *name)
{
  mmr_session_set_playing (self, FALSE);
  g_ptr_array_add (self->old_scripts, script);
  self->script = script;
  g_free (self->filename);
  self->filename = g_strdup (name);
  self->seed = script->config.seed;
  new_runner (self);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_FILENAME]);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_SEED]);
  emit_reset (self);
}

gboolean
mmr_session_load_file (MmrSession *self, const char *path, GError **error)
{
  g_autofree char *file = NULL;
  MmrScript *script;

  g_return_val_if_fail (MMR_IS_SESSION (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      file = find_scenario_in_dir (path, error);
      if (file == NULL)
        return FALSE;
    }
  else
    file = g_strdup (path);
  script = mmr_script_load (file, error);
  if (script == NULL)
    return FALSE;
  take_script (self, script, file);
  return TRUE;
}

gboolean
mmr_session_load_text (MmrSession *self, const char *name, const char *text,
                       GError **error)
{
  MmrScript *script;

  g_return_val_if_fail (MMR_IS_SESSION (self), FALSE);
  g_return_val_if_fail (name != NULL && text != NULL, FALSE);
  script = mmr_script_parse (name, text, error);
  if (script == NULL)
    return FALSE;
  take_script (self, script, name);
  return TRUE;
}

void
mmr_session_restart (MmrSession *self)
{
  g_return_if_fail (MMR_IS_SESSION (self));
  if (self->script == NULL)
    return;
  mmr_session_set_playing (self, FALSE);
  new_runner (self);
  emit_reset (self);
}

void
mmr_session_set_seed (MmrSession *self, guint64 seed)
{
  g_return_if_fail (MMR_IS_SESSION (self));
  if (self->seed != seed)
    {
      self->seed = seed;
      g_object_notify_by_pspec (G_OBJECT (self), props[PROP_SEED]);
    }
  mmr_session_restart (self);
}

guint64 mmr_session_get_seed (MmrSession *self) { return self->seed; }
const char *mmr_session_get_filename (MmrSession *self) { return self->filename; }
MmrRunner *mmr_session_get_runner (MmrSession *self) { return self->runner; }

void
mmr_session_set_limits (MmrSession *self, const MmrRunLimits *limits)
{
  g_return_if_fail (MMR_IS_SESSION (self));
  g_return_if_fail (limits != NULL);
  self->limits = *limits;
  if (self->runner != NULL)
    mmr_runner_set_limits (self->runner, limits);
}

const MmrRunLimits *
mmr_session_get_limits (MmrSession *self)
{
  g_return_val_if_fail (MMR_IS_SESSION (self), NULL);
  return &self->limits;
}

const GError *
mmr_session_get_error (MmrSession *self)
{
  g_return_val_if_fail (MMR_IS_SESSION (self), NULL);
  return self->runner != NULL ? mmr_runner_get_error (self->runner) : NULL;
}
MmrWorld *mmr_session_get_world (MmrSession *self) { return world_of (self); }
const MmrScript *mmr_session_get_script (MmrSession *self) { return self->script; }

/* ---- running ---- */

gboolean
mmr_session_step_event (MmrSession *self)
{
  gboolean ok;

  g_return_val_if_fail (MMR_IS_SESSION (self), FALSE);
  if (self->runner == NULL)
    return FALSE;
  ok = step_event_quiet (self);
  catch_up_display (self);
  g_signal_emit (self, signals[SIG_STATE_CHANGED], 0);
  return ok;
}

gboolean
mmr_session_run_to_conflict (MmrSession *self)
{
  guint before;
  gboolean found = FALSE;

  g_return_val_if_fail (MMR_IS_SESSION (self), FALSE);
  if (self->runner == NULL)
    return FALSE;
  before = self->n_conflicts;
  while (!found && step_event_quiet (self))
    found = self->n_conflicts > before;
  catch_up_display (self);
  g_signal_emit (self, signals[SIG_STATE_CHANGED], 0);
  return found;
}

void
mmr_session_run_to_event (MmrSession *self, guint64 n_events)
{
  g_return_if_fail (MMR_IS_SESSION (self));
  if (self->runner == NULL)
    return;
  while (self->n_events < n_events && runner_step (self))
    ;
  catch_up_display (self);
  g_signal_emit (self, signals[SIG_STATE_CHANGED], 0);
}

void
mmr_session_run_to_end (MmrSession *self)
{
  mmr_session_run_to_event (self, G_MAXUINT64);
}

gboolean
mmr_session_is_done (MmrSession *self)
{
  g_return_val_if_fail (MMR_IS_SESSION (self), TRUE);
  return self->runner == NULL || mmr_runner_is_done (self->runner);
}

/* Would the next runner step happen at or before @limit_us of virtual
 * time? Commands take no time; inside a run or settle the step goes to
 * the next scheduled event or the run's end, whichever is first. */
static gboolean
next_step_due (MmrSession *self, gint64 limit_us)
{
  const MmrCommand *c = mmr_runner_current_command (self->runner);
  MmrWorld *world = world_of (self);
  gint64 next = mmr_world_next_time (world);

  if (c == NULL)
    return TRUE;        /* finishing takes no time */
  if ((c->kind != MMR_CMD_RUN && c->kind != MMR_CMD_SETTLE) || c != self->run_cmd)
    return TRUE;
  if (c->kind == MMR_CMD_SETTLE && mmr_world_is_quiescent (world))
    return TRUE;
  return MIN (next, self->run_end_us) <= limit_us;
}

static void
play_tick (MmrSession *self, double wall_s)
{
  /* As fast as possible: step at least as long as the views took to
   * follow the last batch, so slow views mean bigger batches, not a
   * slower run. */
  gint64 budget = self->speed > 0 ? TICK_BUDGET_US
                                  : CLAMP (self->last_emit_us, TICK_BUDGET_US,
                                           20 * TICK_BUDGET_US);
  gint64 deadline = g_get_monotonic_time () + budget;

  if (self->speed > 0)
    self->display_us += (gint64) (wall_s * self->speed * G_USEC_PER_SEC);
  while (g_get_monotonic_time () < deadline)
    {
      if (self->speed > 0 && !next_step_due (self, self->display_us))
        break;
      if (!runner_step (self))
        break;
    }
  catch_up_display (self);
}

static gboolean
tick_cb (gpointer user_data)
{
  MmrSession *self = user_data;
  gint64 wall = g_get_monotonic_time ();
  double wall_s = MIN ((wall - self->last_wall_us) / 1e6, 0.1);
  gboolean done;

  self->last_wall_us = wall;
  play_tick (self, wall_s);
  done = mmr_runner_is_done (self->runner);
  if (done)
    {
      self->tick_id = 0;
      mmr_session_set_playing (self, FALSE);
    }
  wall = g_get_monotonic_time ();
  g_signal_emit (self, signals[SIG_STATE_CHANGED], 0);
  self->last_emit_us = g_get_monotonic_time () - wall;
  return done ? G_SOURCE_REMOVE : G_SOURCE_CONTINUE;
}

void
mmr_session_set_playing (MmrSession *self, gboolean playing)
{
  g_return_if_fail (MMR_IS_SESSION (self));
  playing = playing && self->runner != NULL
            && !mmr_runner_is_done (self->runner);
  if (self->playing == playing)
    return;
  self->playing = playing;
  if (playing)
    {
      self->last_wall_us = g_get_monotonic_time ();
      /* Below GTK's redraw and input priorities: when a tick and what it
       * triggers take longer than a frame, the window still repaints and
       * answers (pause must always work). */
      self->tick_id = g_timeout_add_full (G_PRIORITY_DEFAULT_IDLE, TICK_MS,
                                          tick_cb, self, NULL);
    }
  else
    g_clear_handle_id (&self->tick_id, g_source_remove);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_PLAYING]);
}

gboolean mmr_session_get_playing (MmrSession *self) { return self->playing; }

void
mmr_session_set_speed (MmrSession *self, double speed)
{
  g_return_if_fail (MMR_IS_SESSION (self));
  speed = MAX (speed, 0.0);
  if (self->speed == speed)
    return;
  self->speed = speed;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_SPEED]);
}

double mmr_session_get_speed (MmrSession *self) { return self->speed; }


gint64
mmr_session_get_display_time (MmrSession *self)
{
  g_return_val_if_fail (MMR_IS_SESSION (self), 0);
  if (self->runner == NULL)
    return 0;
  return MAX (self->display_us, mmr_world_now (world_of (self)));
}

/* ---- convergence ---- */

/* The runner's convergence watch is the engine's one checker
 * (sim/convergence-watch.c), kept up to date at every register change:
 * the count costs nothing here, and reads what the report and "expect
 * converged" read (merge functions, records, CRDT keys). */
guint
mmr_session_count_diverging (MmrSession *self)
{
  g_return_val_if_fail (MMR_IS_SESSION (self), 0);
  if (self->runner == NULL)
    return 0;
  return mmr_convergence_watch_n_diverging (
      mmr_runner_get_convergence_watch (self->runner));
}

/* ---- GObject ---- */

static void
mmr_session_finalize (GObject *object)
{
  MmrSession *self = MMR_SESSION (object);

  g_clear_handle_id (&self->tick_id, g_source_remove);
  g_clear_pointer (&self->runner, mmr_runner_free);
  g_ptr_array_unref (self->data_dirs);   /* after the runner closed them */
  mmr_session_log_finalize (self);
  g_array_unref (self->interventions);
  g_ptr_array_unref (self->old_scripts);
  g_free (self->filename);
  G_OBJECT_CLASS (mmr_session_parent_class)->finalize (object);
}

static void
mmr_session_get_property (GObject *object, guint prop_id, GValue *value,
                          GParamSpec *pspec)
{
  MmrSession *self = MMR_SESSION (object);

  switch (prop_id)
    {
    case PROP_PLAYING: g_value_set_boolean (value, self->playing); break;
    case PROP_SPEED: g_value_set_double (value, self->speed); break;
    case PROP_SEED: g_value_set_uint64 (value, self->seed); break;
    case PROP_FILENAME: g_value_set_string (value, self->filename); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mmr_session_set_property (GObject *object, guint prop_id,
                          const GValue *value, GParamSpec *pspec)
{
  MmrSession *self = MMR_SESSION (object);

  switch (prop_id)
    {
    case PROP_PLAYING: mmr_session_set_playing (self, g_value_get_boolean (value)); break;
    case PROP_SPEED: mmr_session_set_speed (self, g_value_get_double (value)); break;
    case PROP_SEED: mmr_session_set_seed (self, g_value_get_uint64 (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mmr_session_class_init (MmrSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY
                   | G_PARAM_STATIC_STRINGS;

  object_class->finalize = mmr_session_finalize;
  object_class->get_property = mmr_session_get_property;
  object_class->set_property = mmr_session_set_property;

  props[PROP_PLAYING] = g_param_spec_boolean ("playing", NULL, NULL, FALSE, rw);
  props[PROP_SPEED] = g_param_spec_double ("speed", NULL, NULL, 0, G_MAXDOUBLE,
                                           DEFAULT_SPEED, rw);
  props[PROP_SEED] = g_param_spec_uint64 ("seed", NULL, NULL, 0, G_MAXUINT64,
                                          0, rw);
  props[PROP_FILENAME] = g_param_spec_string ("filename", NULL, NULL, NULL,
                                              G_PARAM_READABLE
                                              | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);

  signals[SIG_RESET] = g_signal_new ("reset", G_TYPE_FROM_CLASS (klass),
                                     G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                     G_TYPE_NONE, 0);
  signals[SIG_EVENT_ADDED] = g_signal_new ("event-added",
                                           G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                           NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
  signals[SIG_STATE_CHANGED] = g_signal_new ("state-changed",
                                             G_TYPE_FROM_CLASS (klass),
                                             G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                             NULL, G_TYPE_NONE, 0);
}

static void
mmr_session_init (MmrSession *self)
{
  mmr_run_limits_init_default (&self->limits);
  self->data_dirs = g_ptr_array_new_with_free_func (remove_data_dir);
  self->old_scripts = g_ptr_array_new_with_free_func (
      (GDestroyNotify) mmr_script_free);
  mmr_session_log_init (self);
  self->interventions = g_array_new (FALSE, FALSE, sizeof (Intervention));
  self->speed = DEFAULT_SPEED;
}

MmrSession *
mmr_session_new (void)
{
  return g_object_new (MMR_TYPE_SESSION, NULL);
}

void
mmr_session_watch_connect (MmrSessionWatch *watch, MmrSession *session,
                           GCallback reset_cb, GCallback state_changed_cb,
                           gpointer user_data)
{
  g_return_if_fail (watch->session == NULL);
  if (session == NULL)
    return;
  watch->session = g_object_ref (session);
  watch->reset_id = g_signal_connect (session, "reset", reset_cb, user_data);
  watch->state_changed_id = g_signal_connect (session, "state-changed",
                                              state_changed_cb, user_data);
}

void
mmr_session_watch_clear (MmrSessionWatch *watch)
{
  if (watch->session == NULL)
    return;
  g_clear_signal_handler (&watch->reset_id, watch->session);
  g_clear_signal_handler (&watch->state_changed_id, watch->session);
  g_clear_object (&watch->session);
}
