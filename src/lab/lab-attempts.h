/* lab-attempts.h - how many different answers a student has had graded
 *
 * "mmr lab run LAB --answers FILE" keeps a count per question in
 * FILE.attempts, beside the answers: each graded run that answers a
 * question differently from the last graded run adds one attempt for it
 * (running again with the same answers adds nothing). The count goes into
 * --json ("attempts" per question and in the summary) for instructors who
 * collect it with the answers. It is plain text the student can read and
 * delete: a record, not a proctor (docs/labs.md, "Attempts").
 */
#pragma once

#include <glib.h>

#include "lab/lab-answers.h"
#include "lab/lab.h"

G_BEGIN_DECLS

typedef struct _MmrLabAttempts MmrLabAttempts;

/* The path of the attempts kept for answers file @answers_path. */
char           *mmr_lab_attempts_path (const char *answers_path);
/* Reads @path; a missing file is no attempts yet. A file that is not an
 * attempts file (no header line) is refused: MMR_LAB_ERROR_IO "PATH: ...",
 * since saving would overwrite something mmr did not write. */
MmrLabAttempts *mmr_lab_attempts_load (const char *path, GError **error);
void            mmr_lab_attempts_free (MmrLabAttempts *attempts);
/* Counts a graded run of @answers: +1 for each question answered
 * differently from the last run counted. */
void            mmr_lab_attempts_note (MmrLabAttempts *attempts,
                                       const MmrLab *lab,
                                       const MmrLabAnswers *answers);
/* Writes the counts back (replacing the file at once). */
gboolean        mmr_lab_attempts_save (const MmrLabAttempts *attempts,
                                       GError **error);
/* Attempts at question @id so far; 0 if never answered. */
guint           mmr_lab_attempts_get  (const MmrLabAttempts *attempts,
                                       const char *id);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MmrLabAttempts, mmr_lab_attempts_free)

G_END_DECLS
