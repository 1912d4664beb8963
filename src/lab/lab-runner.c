/* lab-runner.c - running a lab step by step (see lab-runner.h)
 *
 * Two streams are merged by line number: the scenario commands of the
 * current world (each knows its line in the assembled script) and the
 * lab's stops - each question, then the end of the step. Before a stop at
 * line L every command above L has run, a run or settle included, so a
 * question placed after "settle" sees the settled world.
 *
 * A step that starts a world (a "world" line) drops the previous world
 * and builds a new one from the world's script; the scenario file's own
 * commands then run first, as part of that step. A world whose script
 * asks for durability gets its replica databases in a fresh temporary
 * folder, removed with the world: a lab never touches the student's
 * files.
 *
 * A world's run obeys the run limits (scenario/runner.h): one that hits
 * a limit stops the whole lab, with the limit's message pointing at the
 * lab or world file line that ran into it (mmr_lab_runner_get_error).
 *
 * Interface: mmr_lab_runner_new/free(), _set_limits(), _step(),
 * _run_step(), _run(), _get_error(), the getters. Invariant:
 * results[i]->is_done for every i < step index.
 * Taught in docs/labs.md ("How a lab runs").
 */
#include "lab/lab-runner.h"

#include <string.h>
#include <glib/gstdio.h>

#include "lab/lab-question.h"
#include "store/storage.h"

struct _MmrLabRunner {
  const MmrLab *lab;
  GPtrArray *results;      /* MmrLabStepResult*, one per step */
  guint s;                 /* the step running or next */
  gboolean is_started;     /* step s has begun */
  guint q;                 /* its next question */
  int world;               /* -1 before the first world */
  MmrRunner *scenario;
  char *data_dir;          /* the world's replica databases, if durable */
  guint n_seen;            /* expectations of scenario already collected */
  guint n_unsettled_seen;
  guint n_failed;
  MmrRunLimits limits;     /* for every world's runner */
  GError *error;           /* a run limit stopped the lab; NULL otherwise */
};

static void
check_free (MmrLabCheck *c)
{
  g_free (c->file);
  g_free (c->text);
  g_free (c->found);
  g_free (c);
}

static void
outcome_free (MmrLabOutcome *o)
{
  mmr_lab_choice_free (o->answer);
  g_free (o->evidence);
  g_free (o);
}

static void
result_free (MmrLabStepResult *r)
{
  g_ptr_array_unref (r->checks);
  g_ptr_array_unref (r->outcomes);
  g_free (r);
}

MmrLabRunner *
mmr_lab_runner_new (const MmrLab *lab)
{
  MmrLabRunner *r = g_new0 (MmrLabRunner, 1);

  g_return_val_if_fail (lab != NULL, NULL);

  r->lab = lab;
  r->world = -1;
  mmr_run_limits_init_default (&r->limits);
  r->results = g_ptr_array_new_with_free_func ((GDestroyNotify) result_free);
  for (guint i = 0; i < lab->steps->len; i++)
    {
      const MmrLabStep *step = lab->steps->pdata[i];
      MmrLabStepResult *res = g_new0 (MmrLabStepResult, 1);

      res->step = step;
      res->checks = g_ptr_array_new_with_free_func (
          (GDestroyNotify) check_free);
      res->outcomes = g_ptr_array_new_with_free_func (
          (GDestroyNotify) outcome_free);
      for (guint k = 0; k < step->questions->len; k++)
        {
          MmrLabOutcome *o = g_new0 (MmrLabOutcome, 1);

          o->question = step->questions->pdata[k];
          g_ptr_array_add (res->outcomes, o);
        }
      g_ptr_array_add (r->results, res);
    }
  return r;
}

/* Removes the world's databases (one level: DIR/NAME.db and friends). */
static void
drop_world (MmrLabRunner *r)
{
  g_clear_pointer (&r->scenario, mmr_runner_free);
  if (r->data_dir == NULL)
    return;
  mmr_storage_remove_scratch_dir (r->data_dir);
  g_clear_pointer (&r->data_dir, g_free);
}

void
mmr_lab_runner_free (MmrLabRunner *r)
{
  if (r == NULL)
    return;
  drop_world (r);
  g_ptr_array_unref (r->results);
  g_clear_error (&r->error);
  g_free (r);
}

void
mmr_lab_runner_set_limits (MmrLabRunner *r, const MmrRunLimits *limits)
{
  g_return_if_fail (limits != NULL);
  r->limits = *limits;
  if (r->scenario != NULL)
    mmr_runner_set_limits (r->scenario, limits);
}

const GError *mmr_lab_runner_get_error (const MmrLabRunner *r) { return r->error; }

const MmrLab *mmr_lab_runner_get_lab (const MmrLabRunner *r) { return r->lab; }
guint mmr_lab_runner_get_step_index (const MmrLabRunner *r) { return r->s; }
guint mmr_lab_runner_n_failed (const MmrLabRunner *r) { return r->n_failed; }

MmrRunner *
mmr_lab_runner_get_scenario_runner (MmrLabRunner *r)
{
  return r->scenario;
}

MmrWorld *
mmr_lab_runner_get_world (MmrLabRunner *r)
{
  return r->scenario != NULL ? mmr_runner_get_world (r->scenario) : NULL;
}

const MmrLabStepResult *
mmr_lab_runner_get_result (const MmrLabRunner *r, guint i)
{
  g_return_val_if_fail (i < r->results->len, NULL);
  return r->results->pdata[i];
}

static const MmrLabWorld *
current_world (const MmrLabRunner *r)
{
  return r->lab->worlds->pdata[r->world];
}

/* ---------------------------------------------------------------- checks */

static void
add_check (MmrLabRunner *r, guint script_line, gboolean ok, const char *text,
           const char *found)
{
  const MmrLabWorld *w = current_world (r);
  MmrLabStepResult *res = r->results->pdata[r->s];
  MmrLabCheck *c = g_new0 (MmrLabCheck, 1);
  gboolean in_world_file = script_line <= w->n_world_lines;

  c->file = g_strdup (in_world_file ? w->path : MMR_LAB_FILE);
  c->line = in_world_file ? script_line : script_line - w->n_world_lines;
  c->ok = ok;
  c->text = g_strdup (text);
  c->found = g_strdup (found);
  if (!ok)
    r->n_failed++;
  g_ptr_array_add (res->checks, c);
}

static const char *
command_text_at (const MmrScript *script, guint line)
{
  for (guint i = 0; i < script->commands->len; i++)
    {
      const MmrCommand *c = script->commands->pdata[i];

      if (c->line == line)
        return c->text;
    }
  return "settle";
}

/* What the scenario runner found since the last call. */
static void
collect_checks (MmrLabRunner *r)
{
  GPtrArray *ex = mmr_runner_get_expectations (r->scenario);
  GArray *uns = mmr_runner_get_unsettled (r->scenario);

  for (; r->n_seen < ex->len; r->n_seen++)
    {
      const MmrExpectation *e = ex->pdata[r->n_seen];

      add_check (r, e->line, e->ok, e->text, e->message);
    }
  /* A settle that gives up leaves the world half-way: whatever the lab
   * asks next would be answered from a state the guide does not mean. */
  for (; r->n_unsettled_seen < uns->len; r->n_unsettled_seen++)
    {
      guint line = g_array_index (uns, guint, r->n_unsettled_seen);

      add_check (r, line, FALSE,
                 command_text_at (current_world (r)->script, line),
                 "gave up before the world was quiescent");
    }
}

/* ----------------------------------------------------------------- steps */

static gboolean
wants_durability (const MmrScript *script)
{
  if (script->config.durability != MMR_DURABILITY_NONE)
    return TRUE;
  for (guint i = 0; i < script->commands->len; i++)
    if (((MmrCommand *) script->commands->pdata[i])->kind
        == MMR_CMD_DURABILITY)
      return TRUE;
  return FALSE;
}

/* A world without durability needs no files and cannot fail to start. */
static void
start_world (MmrLabRunner *r, int world)
{
  const MmrScript *script;
  g_autoptr (GError) error = NULL;

  drop_world (r);
  r->world = world;
  r->n_seen = r->n_unsettled_seen = 0;
  script = current_world (r)->script;
  if (wants_durability (script))
    r->data_dir = mmr_storage_make_scratch_dir (
        "mmr-lab-XXXXXX", (const char *const *) script->config.names,
        script->config.n_replicas, &error);
  if (error == NULL)
    r->scenario = mmr_runner_new_full (script, FALSE, 0, r->data_dir,
                                       &error);
  if (r->scenario != NULL)
    mmr_runner_set_limits (r->scenario, &r->limits);
  if (r->scenario == NULL)
    {
      g_autofree char *text = g_strdup_printf ("world %s",
                                               current_world (r)->path);

      add_check (r, current_world (r)->line + current_world (r)->n_world_lines,
                 FALSE, text, error->message);
    }
}

static void
begin_step (MmrLabRunner *r)
{
  const MmrLabStep *step = r->lab->steps->pdata[r->s];

  if (step->starts_world)
    start_world (r, step->world);
  r->is_started = TRUE;
  r->q = 0;
}

static void
answer_question (MmrLabRunner *r, MmrLabOutcome *o)
{
  const MmrLabQuestion *q = o->question;

  o->answer = mmr_lab_question_compute (
      q, mmr_runner_get_world (r->scenario),
      mmr_runner_get_write_log (r->scenario), &o->evidence);
  o->is_offered = q->choices->len == 0
                  || mmr_lab_question_find_choice (q, o->answer->key) >= 0;
  if (!o->is_offered)
    r->n_failed++;
}

static void
end_step (MmrLabRunner *r)
{
  MmrLabStepResult *res = r->results->pdata[r->s];

  res->is_done = TRUE;
  r->s++;
  r->is_started = FALSE;
}

/* The scenario runner stopped at a limit while running the command at
 * script line @line: the same message, at the lab's or the world file's
 * line instead of the assembled script's. */
static void
stop_at_limit (MmrLabRunner *r, guint line)
{
  const MmrLabWorld *w = current_world (r);
  const GError *e = mmr_runner_get_error (r->scenario);
  g_autofree char *prefix = g_strdup_printf ("%s:%u: ", w->script->filename,
                                             line);
  g_autofree char *world_path = g_build_filename (r->lab->dir, w->path,
                                                  NULL);
  gboolean in_world_file = line <= w->n_world_lines;

  if (!g_str_has_prefix (e->message, prefix))
    {
      g_warn_if_reached ();
      r->error = g_error_copy (e);
      return;
    }
  r->error = g_error_new (e->domain, e->code, "%s:%u: %s",
                          in_world_file ? world_path : r->lab->path,
                          in_world_file ? line : line - w->n_world_lines,
                          e->message + strlen (prefix));
}

/* DOC: lab-stops */
gboolean
mmr_lab_runner_step (MmrLabRunner *r)
{
  const MmrLabStep *step;
  MmrLabStepResult *res;
  const MmrCommand *c;
  guint stop;

  if (r->s >= r->lab->steps->len || r->error != NULL)
    return FALSE;
  if (!r->is_started)
    {
      begin_step (r);
      return TRUE;
    }
  step = r->lab->steps->pdata[r->s];
  res = r->results->pdata[r->s];
  if (r->scenario == NULL)
    {
      end_step (r);
      return TRUE;
    }
  stop = current_world (r)->n_world_lines
         + (r->q < step->questions->len
            ? ((MmrLabQuestion *) step->questions->pdata[r->q])->line
            : step->last_line);
  c = mmr_runner_current_command (r->scenario);
  if (c != NULL && c->line <= stop)
    {
      guint line = c->line;

      mmr_runner_step (r->scenario);
      collect_checks (r);
      if (mmr_runner_get_error (r->scenario) != NULL)
        {
          stop_at_limit (r, line);
          return FALSE;
        }
    }
  else if (r->q < step->questions->len)
    answer_question (r, res->outcomes->pdata[r->q++]);
  else
    end_step (r);
  return TRUE;
}

gboolean
mmr_lab_runner_run_step (MmrLabRunner *r)
{
  guint s = r->s;

  if (s >= r->lab->steps->len)
    return FALSE;
  while (r->s == s && mmr_lab_runner_step (r))
    ;
  return TRUE;
}

void
mmr_lab_runner_run (MmrLabRunner *r)
{
  while (mmr_lab_runner_step (r))
    ;
}
