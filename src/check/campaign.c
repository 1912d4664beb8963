/* campaign.c - one scenario, one seed, every invariant; and seed shards
 *
 * The concept: a check run drives the scenario runner step by step with an
 * MmrInvariants attached, tells it each command before it runs (client
 * contexts and CRDT types come from commands), and at the end hands it the
 * world's final state and the engine's lost-write report. Convergence is
 * owed only when the scenario ended in "heal" + "settle", that settle
 * reached quiescence, anti-entropy was on and every replica was up: then
 * the engine promises equal replicas (docs/conflicts.md).
 *
 * Interface (campaign.h): mmr_check_run_script / _text,
 * mmr_check_script_ends_settled, mmr_check_shard_seeds,
 * mmr_check_parse_shard.
 *
 * Invariants: a run stays within its run limits (a run that hits one is
 * reported apart and not judged); a scratch database directory is
 * removed however the run ends, SIGINT and SIGTERM included (it is
 * tracked by store/part-file.h while it exists).
 *
 * Taught in docs/checking.md ("Campaigns at scale").
 */
#include "check/campaign.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "scenario/runner.h"
#include "store/part-file.h"
#include "store/storage.h"

void
mmr_check_run_free (MmrCheckRun *run)
{
  if (run == NULL)
    return;
  g_ptr_array_unref (run->violations);
  g_free (run->limit_message);
  g_free (run);
}

const MmrViolation *
mmr_check_run_find (const MmrCheckRun *run, const char *invariant)
{
  for (guint i = 0; i < run->violations->len; i++)
    {
      const MmrViolation *v = run->violations->pdata[i];

      if (strcmp (v->invariant, invariant) == 0)
        return v;
    }
  return NULL;
}

gboolean
mmr_check_script_ends_settled (const MmrScript *script)
{
  int i = (int) script->commands->len - 1;
  const MmrCommand *c;

  while (i >= 0 && ((const MmrCommand *) script->commands->pdata[i])->kind
                     >= MMR_CMD_EXPECT_CONVERGED)
    i--;
  if (i < 1)
    return FALSE;
  c = script->commands->pdata[i];
  if (c->kind != MMR_CMD_SETTLE)
    return FALSE;
  c = script->commands->pdata[i - 1];
  return c->kind == MMR_CMD_HEAL && c->link_from < 0;
}

/* Exactly when "mmr run" makes a scratch database folder (a durability
 * line in the header), so that a shrunk file reproduces under "mmr run"
 * as it failed here. */
static gboolean
needs_databases (const MmrScript *script)
{
  return script->config.durability != MMR_DURABILITY_NONE;
}

/* The last settle ran to quiescence, anti-entropy is on, everyone is up. */
static gboolean
owes_convergence (const MmrScript *script, MmrRunner *runner)
{
  MmrWorld *w = mmr_runner_get_world (runner);
  GArray *unsettled = mmr_runner_get_unsettled (runner);

  if (!mmr_check_script_ends_settled (script)
      || mmr_world_get_config (w)->antientropy_interval_us <= 0)
    return FALSE;
  for (guint r = 0; r < mmr_world_n_replicas (w); r++)
    if (mmr_world_is_down (w, r))
      return FALSE;
  return unsettled == NULL || unsettled->len == 0;
}

static void
drive (MmrRunner *runner, MmrInvariants *inv, MmrCheckRun *run)
{
  const MmrCommand *last = NULL;
  const GError *error;

  for (;;)
    {
      const MmrCommand *c = mmr_runner_current_command (runner);

      if (c != last)
        {
          mmr_invariants_note_command (inv, c);
          last = c;
        }
      if (!mmr_runner_step (runner))
        break;
    }
  error = mmr_runner_get_error (runner);
  if (error != NULL)
    {
      run->hit_limit = TRUE;
      run->limit_message = g_strdup (error->message);
    }
}

static MmrCheckRun *
run_in (const MmrScript *script, guint64 seed, guint64 max_events,
        const char *data_dir, GError **error)
{
  MmrRunLimits limits = { max_events != 0 ? max_events : MMR_CHECK_MAX_EVENTS,
                          MMR_CHECK_MAX_TIME_US, MMR_CHECK_MAX_IN_FLIGHT };
  g_autoptr (MmrRunner) runner = mmr_runner_new_full (script, TRUE, seed,
                                                      data_dir, error);
  g_autoptr (MmrInvariants) inv = NULL;
  g_autoptr (GPtrArray) lost = NULL;
  MmrCheckRun *run;
  MmrWorld *w;

  if (runner == NULL)
    return NULL;
  mmr_runner_set_limits (runner, &limits);
  w = mmr_runner_get_world (runner);
  inv = mmr_invariants_new (w);
  run = g_new0 (MmrCheckRun, 1);
  run->seed = seed;
  drive (runner, inv, run);
  run->n_events = mmr_world_n_events (w);
  if (!run->hit_limit)
    {
      run->settled = owes_convergence (script, runner);
      lost = mmr_write_log_dup_lost (mmr_runner_get_write_log (runner));
      mmr_invariants_finish (inv, w, run->settled, lost);
    }
  run->violations = g_ptr_array_new_with_free_func (
      (GDestroyNotify) mmr_violation_free);
  {
    const GPtrArray *vs = mmr_invariants_get_violations (inv);

    for (guint i = 0; !run->hit_limit && i < vs->len; i++)
      {
        const MmrViolation *v = vs->pdata[i];
        MmrViolation *copy = g_new0 (MmrViolation, 1);

        copy->invariant = g_strdup (v->invariant);
        copy->seq = v->seq;
        copy->time_us = v->time_us;
        copy->message = g_strdup (v->message);
        g_ptr_array_add (run->violations, copy);
      }
  }
  /* The invariants observe the world: they go before it. */
  g_clear_pointer (&inv, mmr_invariants_free);
  return run;
}

/* The databases only simulate a disk, and a campaign makes thousands: in
 * memory-backed /dev/shm when there is one, so fsync costs nothing. */
static char *
make_scratch_dir (GError **error)
{
  if (g_file_test ("/dev/shm", G_FILE_TEST_IS_DIR)
      && g_access ("/dev/shm", W_OK) == 0)
    {
      char *dir = g_strdup ("/dev/shm/mmr-check-XXXXXX");

      if (g_mkdtemp (dir) != NULL)
        return dir;
      g_free (dir);
    }
  return g_dir_make_tmp ("mmr-check-XXXXXX", error);
}

/* The scratch folder and every file the replicas' databases may make in
 * it, for the SIGINT/SIGTERM cleanup (store/part-file.h); @track FALSE
 * forgets them again. */
static void
track_scratch (const char *dir, const MmrScript *script, gboolean track)
{
  static const char *const suffixes[] = { ".db", ".db-wal", ".db-shm",
                                          ".db-journal" };

  for (guint r = 0; r < script->config.n_replicas; r++)
    for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
      {
        g_autofree char *base = g_strconcat (script->config.names[r],
                                             suffixes[i], NULL);
        g_autofree char *f = g_build_filename (dir, base, NULL);

        if (track)
          mmr_part_file_track (f);
        else
          mmr_part_file_untrack (f);
      }
  if (track)
    mmr_part_file_track_dir (dir);
  else
    mmr_part_file_untrack (dir);
}

MmrCheckRun *
mmr_check_run_script (const MmrScript *script, guint64 seed,
                      guint64 max_events, GError **error)
{
  g_autofree char *dir = NULL;
  MmrCheckRun *run;

  if (needs_databases (script))
    {
      dir = make_scratch_dir (error);
      if (dir == NULL)
        return NULL;
      track_scratch (dir, script, TRUE);
    }
  run = run_in (script, seed, max_events, dir, error);
  if (dir != NULL)
    {
      mmr_storage_remove_scratch_dir (dir);
      track_scratch (dir, script, FALSE);
    }
  return run;
}

MmrCheckRun *
mmr_check_run_text (const char *filename, const char *text, guint64 seed,
                    guint64 max_events, GError **error)
{
  g_autoptr (MmrScript) script = mmr_script_parse (filename, text, error);

  if (script == NULL)
    return NULL;
  return mmr_check_run_script (script, seed, max_events, error);
}

/* ---- shards ---- */

/* DOC: shard-rule */
guint64
mmr_check_shard_seeds (guint64 from, guint64 count, guint index,
                       guint n_shards, guint64 *out, guint64 out_len)
{
  guint64 n = 0;

  g_return_val_if_fail (n_shards >= 1 && index >= 1 && index <= n_shards, 0);
  if (count < index)
    return 0;
  n = (count - index) / n_shards + 1;
  for (guint64 k = 0; out != NULL && k < n && k < out_len; k++)
    out[k] = from + (index - 1) + k * n_shards;
  return n;
}

gboolean
mmr_check_parse_shard (const char *text, guint *out_index, guint *out_n,
                       GError **error)
{
  const char *slash = text != NULL ? strchr (text, '/') : NULL;
  char *end = NULL;
  guint64 i, n;

  if (slash == NULL || !g_ascii_isdigit (text[0])
      || !g_ascii_isdigit (slash[1]))
    goto bad;
  errno = 0;
  i = g_ascii_strtoull (text, &end, 10);
  if (end != slash || errno != 0)
    goto bad;
  n = g_ascii_strtoull (slash + 1, &end, 10);
  if (*end != '\0' || errno != 0 || n < 1 || n > G_MAXUINT || i < 1 || i > n)
    goto bad;
  *out_index = (guint) i;
  *out_n = (guint) n;
  return TRUE;
bad:
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               "--shard expects I/N with 1 <= I <= N (e.g. 3/8), got '%s'",
               text != NULL ? text : "");
  return FALSE;
}
