/* mmr-session.c - the inspector's model: one scenario being watched
 *
 * Concept: the widgets never drive the engine; they ask the session, which
 * owns the parsed script, the runner (and so the world) and a copy of
 * every event, and they redraw on its signals (see mmr-session.h).
 *
 * Interface: load (file, text), restart, seed, step / run to conflict /
 * run to end / play at a speed, the event log with message partners and
 * link-state history, interventions, time travel (dup_runner_at).
 *
 * Invariants:
 *   - the event log holds exactly the world's events, in order: index i is
 *     the event with seq i, so mmr_session_get_n_events equals
 *     mmr_world_n_events;
 *   - the runner is advanced only through runner_step(), which counts its
 *     calls; an intervention is recorded with that count, and a replay
 *     (restart is not a replay: it drops them) applies it before the same
 *     runner step, so time travel reproduces the live run exactly;
 *   - event storage is chunked, so a pointer from mmr_session_get_event
 *     stays valid until the next "reset";
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
#include "mmr-session.h"

#include <string.h>
#include <glib/gstdio.h>

#include "store/record.h"
#include "store/storage.h"

#define CHUNK_SHIFT 12
#define CHUNK_SIZE (1u << CHUNK_SHIFT)
#define NO_EVENT G_MAXUINT
#define DEFAULT_SPEED 0.02       /* virtual seconds per wall second */
#define TICK_MS 16
#define TICK_BUDGET_US 10000     /* wall time one tick may spend stepping */

typedef enum {
  IV_CUT,
  IV_PARTITION,
  IV_HEAL_ALL,
  IV_SKEW,
  IV_DRIFT,
  IV_LINK_MODEL,
  IV_STRATEGY,
  IV_CLOCK,
} IvKind;

typedef struct {
  guint64 at_step;               /* runner steps done when it happened */
  IvKind kind;
  int a, b;
  gboolean flag;
  gint64 value;
  int group_of[MMR_MAX_REPLICAS];
  MmrLinkModel model;
} Intervention;

struct _MmrSession {
  GObject parent_instance;

  MmrScript *script;             /* owned (also in old_scripts) */
  GPtrArray *old_scripts;        /* every script loaded, freed at finalize */
  GPtrArray *data_dirs;          /* temporary replica-database folders */
  MmrRunner *runner;             /* owned */
  char *filename;
  guint64 seed;
  MmrRunLimits limits;           /* for every runner made */

  /* the event log */
  GPtrArray *chunks;             /* MmrSessionEvent[CHUNK_SIZE] */
  guint n_events;
  GArray *partners;              /* guint per event */
  GArray *briefs;                /* MmrSessionBrief per event */

  /* divergence, kept up to date register by register */
  GHashTable *dirty;             /* register names changed since counted */
  GHashTable *divergence;        /* register name -> differing entries */
  guint n_diverging;             /* sum of divergence */
  GHashTable *send_of_msg;       /* msg_id -> SEND index */
  GStringChunk *strings;         /* keys, values, details */
  GArray *cuts;                  /* MmrSessionCuts */
  gint64 max_latency_us;
  guint n_conflicts;

  /* replay */
  GArray *interventions;         /* Intervention */
  guint64 n_steps;
  const MmrCommand *run_cmd;     /* the run/settle being executed */
  gint64 run_end_us;

  /* playing */
  gboolean playing;
  double speed;
  guint tick_id;
  gint64 last_wall_us;
  gint64 last_emit_us;           /* how long the views took last tick */
  gint64 display_us;
};

G_DEFINE_FINAL_TYPE (MmrSession, mmr_session, G_TYPE_OBJECT)

enum { PROP_0, PROP_PLAYING, PROP_SPEED, PROP_SEED, PROP_FILENAME, N_PROPS };
enum { SIG_RESET, SIG_EVENT_ADDED, SIG_STATE_CHANGED, N_SIGNALS };

static GParamSpec *props[N_PROPS];
static guint signals[N_SIGNALS];

static void on_register_changed (MmrWorld *world, guint replica,
                                 const char *name, gpointer user_data);

static int
strcmp_ptr (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* ---- the event log ---- */

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

static void
clear_log (MmrSession *self)
{
  for (guint i = 0; i < self->n_events; i++)
    event_clear (slot (self, i));
  g_ptr_array_set_size (self->chunks, 0);
  self->n_events = 0;
  g_array_set_size (self->partners, 0);
  g_array_set_size (self->briefs, 0);
  g_hash_table_remove_all (self->dirty);
  g_hash_table_remove_all (self->divergence);
  self->n_diverging = 0;
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

static void
on_world_event (const MmrEvent *ev, gpointer user_data)
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
static MmrRunner *
make_runner (MmrSession *self)
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
  clear_log (self);
  g_array_set_size (self->interventions, 0);
  self->n_steps = 0;
  self->run_cmd = NULL;
  self->run_end_us = 0;
  self->display_us = 0;
  self->runner = make_runner (self);
  mmr_world_add_observer (mmr_runner_get_world (self->runner),
                          on_world_event, self);
  mmr_world_add_change_observer (mmr_runner_get_world (self->runner),
                                 on_register_changed, self);
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

/* ---- the log, read side ---- */

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

gint64
mmr_session_get_display_time (MmrSession *self)
{
  g_return_val_if_fail (MMR_IS_SESSION (self), 0);
  if (self->runner == NULL)
    return 0;
  return MAX (self->display_us, mmr_world_now (world_of (self)));
}

gint64 mmr_session_get_max_latency (MmrSession *self) { return self->max_latency_us; }
guint mmr_session_get_n_cut_changes (MmrSession *self) { return self->cuts->len; }

const MmrSessionCuts *
mmr_session_get_cut_change (MmrSession *self, guint i)
{
  g_return_val_if_fail (i < self->cuts->len, NULL);
  return &g_array_index (self->cuts, MmrSessionCuts, i);
}

/* ---- convergence ---- */

/* What readers see of one register at one replica, entry by entry, by
 * the rules of sim/view.c (absent registers show nothing; with
 * granularity record each field is an entry): a sorted list of
 * "entry\x1Fvalue\x1Fvalue..." strings, so two replicas agree on the
 * register exactly when their lists are equal. */
static GPtrArray *
register_reading (MmrGranularity granularity, const MmrRegister *reg)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GHashTable) fields = NULL;
  GHashTableIter iter;
  gpointer field, values;

  if (reg == NULL || mmr_register_is_absent (reg))
    return out;
  fields = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                  (GDestroyNotify) g_ptr_array_unref);
  for (guint i = 0; i < reg->n_siblings; i++)
    {
      const char *v = reg->siblings[i].value;
      g_autoptr (GPtrArray) fs = NULL;

      if (v == NULL)
        continue;
      fs = granularity == MMR_GRANULARITY_RECORD ? mmr_record_dup_fields (v)
                                                 : NULL;
      for (guint f = 0; f < (fs != NULL ? fs->len : 1); f++)
        {
          const char *name = fs != NULL ? fs->pdata[f] : "";
          GPtrArray *vals = g_hash_table_lookup (fields, name);

          if (vals == NULL)
            {
              vals = g_ptr_array_new_with_free_func (g_free);
              g_hash_table_insert (fields, g_strdup (name), vals);
            }
          g_ptr_array_add (vals, fs != NULL ? mmr_record_dup_field (v, name)
                                            : g_strdup (v));
        }
    }
  g_hash_table_iter_init (&iter, fields);
  while (g_hash_table_iter_next (&iter, &field, &values))
    {
      GPtrArray *vals = values;
      GString *line = g_string_new (field);

      g_ptr_array_sort (vals, strcmp_ptr);
      for (guint k = 0; k < vals->len; k++)
        if (k == 0 || strcmp (vals->pdata[k], vals->pdata[k - 1]) != 0)
          g_string_append_printf (line, "\x1F%s", (const char *) vals->pdata[k]);
      g_ptr_array_add (out, g_string_free (line, FALSE));
    }
  g_ptr_array_sort (out, strcmp_ptr);
  return out;
}

/* Entries of register @name that read differently at some replica. */
static guint
register_divergence (MmrWorld *world, const char *name)
{
  guint n = mmr_world_n_replicas (world), count = 0;
  MmrGranularity g = mmr_world_get_config (world)->granularity;
  g_autoptr (GHashTable) shown = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *readings[MMR_MAX_REPLICAS];
  GHashTableIter iter;
  gpointer line, hits;

  /* An entry line seen at every replica is agreed on; any other entry
   * (missing somewhere, or with other values) is a difference. Lines are
   * "entry + values", so one differing entry yields two lines that
   * differ: count the entry names among them. */
  for (guint r = 0; r < n; r++)
    {
      readings[r] = register_reading (
          g, mmr_store_lookup ((MmrStore *) mmr_world_get_store (world, r),
                               name));
      for (guint k = 0; k < readings[r]->len; k++)
        {
          gpointer old = g_hash_table_lookup (shown, readings[r]->pdata[k]);

          g_hash_table_insert (shown, readings[r]->pdata[k],
                               GUINT_TO_POINTER (GPOINTER_TO_UINT (old) + 1));
        }
    }
  {
    g_autoptr (GHashTable) differing = g_hash_table_new_full (
        g_str_hash, g_str_equal, g_free, NULL);

    g_hash_table_iter_init (&iter, shown);
    while (g_hash_table_iter_next (&iter, &line, &hits))
      if (GPOINTER_TO_UINT (hits) != n)
        g_hash_table_add (differing,
                          g_strndup (line, strcspn (line, "\x1F")));
    count = g_hash_table_size (differing);
  }
  for (guint r = 0; r < n; r++)
    g_ptr_array_unref (readings[r]);
  return count;
}

static void
on_register_changed (MmrWorld *world, guint replica, const char *name,
                     gpointer user_data)
{
  MmrSession *self = user_data;

  (void) world;
  (void) replica;
  g_hash_table_add (self->dirty, g_strdup (name));
}

guint
mmr_session_count_diverging (MmrSession *self)
{
  GHashTableIter iter;
  gpointer name;

  g_return_val_if_fail (MMR_IS_SESSION (self), 0);
  if (self->runner == NULL)
    return 0;
  g_hash_table_iter_init (&iter, self->dirty);
  while (g_hash_table_iter_next (&iter, &name, NULL))
    {
      guint now = register_divergence (world_of (self), name);
      guint was = GPOINTER_TO_UINT (g_hash_table_lookup (self->divergence, name));

      self->n_diverging = self->n_diverging - was + now;
      if (now > 0)
        g_hash_table_insert (self->divergence, g_strdup (name),
                             GUINT_TO_POINTER (now));
      else
        g_hash_table_remove (self->divergence, name);
      g_hash_table_iter_remove (&iter);
    }
  return self->n_diverging;
}

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
  apply (world_of (self), iv);
  g_signal_emit (self, signals[SIG_STATE_CHANGED], 0);
}

static gboolean
valid_replica (MmrSession *self, guint r)
{
  return self->runner != NULL && r < mmr_world_n_replicas (world_of (self));
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
  MmrWorld *w = world_of (self);
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
  for (guint i = 0; i < mmr_world_n_replicas (world_of (self)); i++)
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
  r = make_runner (self);
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

/* ---- GObject ---- */

static void
mmr_session_finalize (GObject *object)
{
  MmrSession *self = MMR_SESSION (object);

  g_clear_handle_id (&self->tick_id, g_source_remove);
  g_clear_pointer (&self->runner, mmr_runner_free);
  g_ptr_array_unref (self->data_dirs);   /* after the runner closed them */
  clear_log (self);
  g_ptr_array_unref (self->chunks);
  g_array_unref (self->partners);
  g_array_unref (self->briefs);
  g_hash_table_unref (self->dirty);
  g_hash_table_unref (self->divergence);
  g_hash_table_unref (self->send_of_msg);
  g_string_chunk_free (self->strings);
  g_array_unref (self->cuts);
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
  self->chunks = g_ptr_array_new_with_free_func (g_free);
  self->partners = g_array_new (FALSE, FALSE, sizeof (guint));
  self->briefs = g_array_new (FALSE, FALSE, sizeof (MmrSessionBrief));
  self->dirty = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->divergence = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            NULL);
  self->send_of_msg = g_hash_table_new_full (g_int64_hash, g_int64_equal,
                                             g_free, NULL);
  self->strings = g_string_chunk_new (16384);
  self->cuts = g_array_new (FALSE, FALSE, sizeof (MmrSessionCuts));
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
