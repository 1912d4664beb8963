/* lab-runner.h - runs a lab: its steps, its checks, its questions
 *
 * The lab runner drives one scenario runner per world and stops where the
 * lab file says: at each question, after the scenario lines above it,
 * the question's answer is computed from the world as it is then; at the
 * end of each step the step is done. mmr_lab_runner_step does one unit -
 * one scenario command, one world event, one question - so the inspector
 * can animate a step; the CLI runs the same code to the end.
 *
 * Results are per step: every check (the scenario's expect lines, and any
 * settle that gave up before quiescence) with the file and line it came
 * from, and every question's computed answer. Grading a student's answers
 * is separate (lab-answers.h): the run does not depend on them.
 */
#pragma once

#include <glib.h>

#include "lab/lab.h"
#include "scenario/runner.h"

G_BEGIN_DECLS

typedef struct {
  char *file;          /* the lab file or a world's scenario */
  guint line;
  gboolean ok;
  char *text;          /* the line as written, or what a settle did */
  char *found;         /* what was found */
} MmrLabCheck;

typedef struct {
  const MmrLabQuestion *question;
  MmrLabChoice *answer;    /* the run's answer; NULL until reached */
  char *evidence;          /* what it was computed from */
  gboolean is_offered;     /* the answer is among the choices (else the
                            * lab is wrong: counted as a failed check) */
} MmrLabOutcome;

typedef struct {
  const MmrLabStep *step;
  GPtrArray *checks;       /* MmrLabCheck*, in the order they ran */
  GPtrArray *outcomes;     /* MmrLabOutcome*, one per question */
  gboolean is_done;
} MmrLabStepResult;

typedef struct _MmrLabRunner MmrLabRunner;

MmrLabRunner *mmr_lab_runner_new  (const MmrLab *lab);
void          mmr_lab_runner_free (MmrLabRunner *runner);

/* Every world's scenario runner gets these limits (copied; default:
 * mmr_run_limits_init_default). */
void     mmr_lab_runner_set_limits (MmrLabRunner *runner,
                                    const MmrRunLimits *limits);
/* Set when a world's run hit a limit (MMR_RUNNER_ERROR_LIMIT), as
 * "FILE:LINE: ..." naming the lab or world file line; the lab then stops:
 * mmr_lab_runner_step returns FALSE and its results are incomplete.
 * Borrowed; NULL otherwise. */
const GError *mmr_lab_runner_get_error (const MmrLabRunner *runner);

/* One unit of work; FALSE when the lab has finished. */
gboolean mmr_lab_runner_step     (MmrLabRunner *runner);
/* Runs to the end of the current step; FALSE when there was none. */
gboolean mmr_lab_runner_run_step (MmrLabRunner *runner);
void     mmr_lab_runner_run      (MmrLabRunner *runner);

const MmrLab *mmr_lab_runner_get_lab (const MmrLabRunner *runner);
/* Index of the step running or next to run; n_steps when finished. */
guint     mmr_lab_runner_get_step_index (const MmrLabRunner *runner);
/* The current world's scenario runner and world; NULL before the first
 * world starts. */
MmrRunner *mmr_lab_runner_get_scenario_runner (MmrLabRunner *runner);
MmrWorld  *mmr_lab_runner_get_world (MmrLabRunner *runner);
const MmrLabStepResult *mmr_lab_runner_get_result (const MmrLabRunner *runner,
                                                   guint step_index);
/* Checks that failed so far, lab errors (an answer not offered) included. */
guint     mmr_lab_runner_n_failed (const MmrLabRunner *runner);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MmrLabRunner, mmr_lab_runner_free)

G_END_DECLS
