/* lab-answers.h - a student's answers to a lab's questions, and grading
 *
 * An answers file has one line per question:
 *
 *   # lab 02, my answers
 *   1.1 = {A:1}
 *   2.1 = concurrent
 *
 * "STEP.N" names the N-th question of step STEP; the answer is written as
 * the lab lists its choices (docs/labs.md, "Answers"). The file is checked
 * against the lab before anything runs: an unknown question, a question
 * answered twice or an answer that is not one of the choices is an error
 * "FILE:LINE:COL: message". Grading compares canonical keys, so spacing
 * and the order inside a set do not matter.
 */
#pragma once

#include <glib.h>

#include "lab/lab.h"

G_BEGIN_DECLS

typedef enum {
  MMR_LAB_UNANSWERED,
  MMR_LAB_RIGHT,
  MMR_LAB_WRONG,
} MmrLabGrade;

typedef struct _MmrLabAnswers MmrLabAnswers;

MmrLabAnswers *mmr_lab_answers_new   (const MmrLab *lab);
MmrLabAnswers *mmr_lab_answers_parse (const MmrLab *lab, const char *filename,
                                      const char *text, GError **error);
MmrLabAnswers *mmr_lab_answers_load  (const MmrLab *lab, const char *path,
                                      GError **error);
void           mmr_lab_answers_free  (MmrLabAnswers *answers);

/* Answers question @id with @text (what a student picked in the
 * inspector). FALSE, with a message naming the question, when @id is
 * unknown or @text is not one of its choices. Replaces an earlier answer. */
gboolean mmr_lab_answers_set (MmrLabAnswers *answers, const char *id,
                              const char *text, GError **error);
/* The answer to @id, or NULL; borrowed. */
const MmrLabChoice *mmr_lab_answers_lookup (const MmrLabAnswers *answers,
                                            const char *id);
guint    mmr_lab_answers_size (const MmrLabAnswers *answers);

MmrLabGrade mmr_lab_answers_grade (const MmrLabAnswers *answers,
                                   const char *id, const char *run_key);
const char *mmr_lab_grade_to_string (MmrLabGrade grade);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MmrLabAnswers, mmr_lab_answers_free)

G_END_DECLS
