/* lab-report.h - what "mmr lab run" prints: for a person, or as JSON
 *
 * A report lists every step with its checks and questions. A question
 * shows the run's answer only when it has been answered (right or wrong)
 * right, or when @reveal is set: running a lab without answers shows the
 * questions and their choices, not the solutions, and a wrong answer is
 * marked wrong without the right one, so the student runs the step and
 * reasons again (issue 15). The JSON shape is documented in docs/labs.md.
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "lab/lab-answers.h"
#include "lab/lab-attempts.h"
#include "lab/lab-runner.h"

G_BEGIN_DECLS

typedef struct {
  guint steps, steps_done;
  guint checks, checks_failed;   /* lab errors (answer not offered) count */
  guint questions, right, wrong, unanswered;
} MmrLabTally;

/* @answers may be NULL: every question is unanswered. */
void      mmr_lab_report_tally (const MmrLabRunner *runner,
                                const MmrLabAnswers *answers,
                                MmrLabTally *out);
/* Every step ran, every check held, every question was answered right. */
gboolean  mmr_lab_tally_passed (const MmrLabTally *tally);

char     *mmr_lab_report_text (const MmrLabRunner *runner,
                               const MmrLabAnswers *answers,
                               gboolean reveal, gboolean use_color);
/* One line for "mmr lab run --all": "ok    02  Title  (…)". */
char     *mmr_lab_report_line (const MmrLabRunner *runner,
                               const MmrLabAnswers *answers,
                               gboolean use_color);
JsonNode *mmr_lab_report_json (const MmrLabRunner *runner,
                               const MmrLabAnswers *answers,
                               gboolean reveal);
/* The same with each question's attempts (lab-attempts.h) and their
 * total in the summary; @attempts NULL: those members are null. */
JsonNode *mmr_lab_report_json_attempts (const MmrLabRunner *runner,
                                        const MmrLabAnswers *answers,
                                        gboolean reveal,
                                        const MmrLabAttempts *attempts);

G_END_DECLS
