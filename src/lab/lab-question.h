/* lab-question.h - a lab question's answers: read, generated, computed
 *
 * Every answer to a question - a choice listed in the lab file, a
 * student's answer, the answer the run gives - goes through one function
 * of its kind, which turns text into an MmrLabChoice with a canonical key.
 * Two answers are the same exactly when their keys are equal, so
 * "{milk, eggs}", "{eggs,milk}" and "{ eggs , milk }" are one answer.
 *
 * Answer syntax, by kind (docs/labs.md, "Questions"):
 *   value          absent | VALUE | {VALUE, VALUE, ...}
 *   winner         none | absent | VALUE
 *   lost-writes    none | VALUE | {VALUE, ...}     a lost delete is (deleted)
 *   relation       equal | dominates | dominated | concurrent
 *   vv             {A:2, B:1} | {}
 *   converged      yes | no
 *   *-count        a whole number
 * A VALUE is a word without blanks, { } | or ", or a "quoted" string. A
 * lone value may contain commas ("milk,flour", as in a scenario); inside
 * a set a comma separates values, so {"a,b", c} quotes it.
 */
#pragma once

#include <glib.h>

#include "lab/lab.h"
#include "sim/checker.h"
#include "sim/world.h"

G_BEGIN_DECLS

void mmr_lab_choice_free (MmrLabChoice *c);

/* Reads @text as an answer to @q, whose world has replicas @names
 * (@n_names of them). NULL when malformed: *out_problem says why (no
 * location) and *out_offset is the byte of @text it is about. */
MmrLabChoice *mmr_lab_question_read_answer (const MmrLabQuestion *q,
                                            const char *const *names,
                                            guint n_names, const char *text,
                                            char **out_problem,
                                            gsize *out_offset);

/* For a question listed without choices: relation and converged get their
 * fixed words; value, winner and lost-writes get every value @script puts
 * to the key, in script order, then absent (value), none and absent
 * (winner) or none (lost-writes). Counts and vv stay
 * open (any well-formed answer). Never looks at a run, so the choices
 * cannot give the answer away. */
void mmr_lab_question_generate_choices (MmrLabQuestion *q,
                                        const MmrScript *script);

/* Index of the choice with @key, or -1. */
int  mmr_lab_question_find_choice (const MmrLabQuestion *q, const char *key);

/* The answer the run gives now, and in *out_evidence what it was computed
 * from ("A cart vv {A:1}, B cart vv {B:1}"), for the report. */
MmrLabChoice *mmr_lab_question_compute (const MmrLabQuestion *q,
                                        const MmrWorld *world,
                                        const MmrWriteLog *log,
                                        char **out_evidence);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MmrLabChoice, mmr_lab_choice_free)

G_END_DECLS
