/* lab.h - a parsed course lab (labs/NN-topic/lab.mmrlab)
 *
 * A lab is a folder: guide.md (the text a student reads), one or more
 * scenarios (.mmr) and lab.mmrlab, which lists the steps. Each step has
 * instructions (Markdown lines, or sections of guide.md), scenario lines
 * that run in a world persisting from step to step, and checks: the
 * scenario's own "expect" lines, and questions whose right answer is
 * computed from the run when the question is reached - never stored.
 *
 * A world starts from a scenario file ("world FILE.mmr"): its header makes
 * the world, its commands run first. The steps' scenario lines follow it
 * as if appended to that file, so one MmrScript per world holds them all;
 * a lab line L is line n_world_lines + L of that script. The format is
 * documented in docs/labs.md.
 */
#pragma once

#include <glib.h>

#include "scenario/script.h"

G_BEGIN_DECLS

#define MMR_LAB_ERROR (mmr_lab_error_quark ())
GQuark mmr_lab_error_quark (void);

typedef enum {
  MMR_LAB_ERROR_SYNTAX,   /* message is "FILE:LINE:COL: ..." */
  MMR_LAB_ERROR_IO,       /* message is "FILE: cannot read: REASON" */
} MmrLabError;

/* What a question asks about the run; the right answer is computed. */
typedef enum {
  MMR_LAB_ASK_VALUE,           /* value R KEY: R's visible value, or absent */
  MMR_LAB_ASK_WINNER,          /* winner KEY: the value every replica shows */
  MMR_LAB_ASK_RELATION,        /* relation R S KEY: R's vv against S's */
  MMR_LAB_ASK_VV,              /* vv R KEY: R's version vector of KEY */
  MMR_LAB_ASK_CONVERGED,       /* converged: yes or no */
  MMR_LAB_ASK_LOST_COUNT,      /* lost-count: writes discarded unseen */
  MMR_LAB_ASK_CONFLICT_COUNT,  /* conflict-count: conflicts detected */
  MMR_LAB_ASK_SIBLING_COUNT,   /* sibling-count R KEY: live versions R keeps */
  MMR_LAB_ASK_VERSION_COUNT,   /* version-count R KEY: tombstones included */
  MMR_LAB_ASK_LOST_WRITES,     /* lost-writes KEY: the values lost */
  MMR_LAB_ASK_N_KINDS
} MmrLabAskKind;

/* One answer: @key is canonical (two texts with the same key are the same
 * answer: "{milk, eggs}" and "{eggs,milk}"); @label is how it is shown. */
typedef struct {
  char *key;
  char *label;
} MmrLabChoice;

typedef struct {
  char *id;                /* "STEP.N", e.g. "2.1" */
  guint step;              /* 1-based */
  guint number;            /* 1-based, within the step */
  guint line;              /* in the lab file */
  guint col;
  char *prompt;
  MmrLabAskKind kind;
  int replica;             /* -1 when unused */
  int replica2;            /* relation only */
  char *key;               /* "cart" or "user.name"; NULL when unused */
  GPtrArray *choices;      /* MmrLabChoice*; empty: any well-formed answer */
  gboolean is_generated;   /* the choices were not listed but generated */
  guint world;             /* index into MmrLab.worlds */
} MmrLabQuestion;

typedef struct {
  char *path;              /* the scenario file, as named in the lab */
  guint line;              /* the "world" line in the lab file */
  guint n_world_lines;     /* lab line L is script line n_world_lines + L */
  MmrScript *script;       /* the file's text followed by its steps' lines */
} MmrLabWorld;

typedef struct {
  guint number;            /* 1-based */
  char *title;
  guint line;              /* the "step" line */
  guint last_line;         /* its last line in the lab file */
  char *text;              /* Markdown instructions */
  int world;               /* -1: no world yet (a text-only step) */
  gboolean starts_world;   /* a new world begins with this step */
  GPtrArray *questions;    /* MmrLabQuestion*, owned, in file order */
} MmrLabStep;

typedef struct {
  char *dir;               /* the lab folder */
  char *path;              /* dir/lab.mmrlab */
  char *number;            /* "02", from the folder's name; "" if none */
  char *title;
  GPtrArray *concepts;     /* char* */
  GArray *outline;         /* guint: sections of the topic outline */
  char *guide;             /* path of the guide, relative to dir */
  GPtrArray *implement;    /* char*: implementation exercises, relative */
  GPtrArray *worlds;       /* MmrLabWorld*, owned */
  GPtrArray *steps;        /* MmrLabStep*, owned */
} MmrLab;

#define MMR_LAB_FILE "lab.mmrlab"

/* Loads DIR/lab.mmrlab and the files it names (world scenarios, guide).
 * Errors: MMR_LAB_ERROR_SYNTAX "FILE:LINE:COL: message" pointing into the
 * lab file, a world scenario or the guide; MMR_LAB_ERROR_IO. */
MmrLab *mmr_lab_load (const char *dir, GError **error);
/* The same with the lab file's text given (for tests); the other files
 * are still read from @dir. */
MmrLab *mmr_lab_parse (const char *dir, const char *text, GError **error);
/* The same with a length: a NUL byte in @text is an error at its place,
 * not the end of the text (what mmr_lab_load and the fuzzer use). */
MmrLab *mmr_lab_parse_len (const char *dir, const char *text, gsize len,
                           GError **error);
void    mmr_lab_free  (MmrLab *lab);

/* What every reader of a lab's files (lab file, guide, answers) shares.
 * mmr_lab_read_text: the whole file, or MMR_LAB_ERROR_IO "FILE: cannot
 * read: REASON", or MMR_LAB_ERROR_SYNTAX "FILE:LINE:COL: control
 * character U+0000 is not allowed" (mmr_lab_check_text's verdict).
 * mmr_lab_path_is_inside: @path, symlinks followed, is inside @dir (both
 * must exist). Each file may begin with a byte order mark
 * (mmr_lexer_skip_bom, src/scenario/lexer.h). */
char    *mmr_lab_read_text      (const char *path, GError **error);
gboolean mmr_lab_check_text     (const char *path, const char *text,
                                 gsize len, GError **error);
gboolean mmr_lab_path_is_inside (const char *dir, const char *path);

guint   mmr_lab_n_questions   (const MmrLab *lab);
/* NULL when the lab has no question @id ("2.1"). */
const MmrLabQuestion *mmr_lab_find_question (const MmrLab *lab,
                                             const char *id);
const char *mmr_lab_ask_kind_to_string (MmrLabAskKind kind);
/* The replica names of @q's world. */
const char *const *mmr_lab_question_names (const MmrLab *lab,
                                           const MmrLabQuestion *q);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MmrLab, mmr_lab_free)

G_END_DECLS
