/* lab-parser-private.h - what the lab parser's files share
 *
 * lab-parser.c reads the file line by line and assembles the worlds,
 * lab-directives.c implements each directive; the lexer is the scenario
 * language's (src/scenario/lexer.h), so a lab file and the scenario
 * lines inside it read alike. They share one parse state. Nothing
 * outside src/lab/lab-parser.c and lab-directives.c includes this
 * header.
 */
#pragma once

#include <glib.h>

#include "lab/lab.h"
#include "scenario/lexer.h"

G_BEGIN_DECLS

typedef struct {
  MmrLexer L;              /* the lab file, its current line, first error */
  MmrLab *lab;
  char **lines;            /* the file's lines, '\r' dropped */
  guint n_lines;
  char *guide_text;        /* loaded on first use */
  guint guide_line;        /* the "guide" line, 0 if none */
  int *line_world;         /* per line: the world of a scenario line, or -1 */
  MmrLabStep *step;        /* the current step, NULL before the first */
  GString *text;           /* its instructions so far; owned */
  MmrLabQuestion *ask;     /* an ask waiting for its choices line */
  gboolean step_has_lines; /* the current step has scenario lines or asks */
  gboolean step_has_world; /* the current step has a "world" line */
  int world;               /* current world, -1 before the first */
  gboolean has_concepts, has_outline;
  guint lab_line;          /* the "lab" line */
} Parser;

/* Records the first error only, at the current line; a missing token is
 * reported where it should have been, one column after the last one. */
#define fail(P, col, ...) mmr_lexer_fail (&(P)->L, (col), __VA_ARGS__)
#define fail_missing(P, ...) mmr_lexer_fail_missing (&(P)->L, __VA_ARGS__)

/* lab-directives.c */
gboolean mmr_lab_directive_exists (const char *s);
/* The directive @s is probably a typo of, or NULL. */
const char *mmr_lab_directive_hint (const char *s);
gboolean mmr_lab_directive_fail_unknown (Parser *P, const MmrToken *t);
gboolean mmr_lab_directive_run (Parser *P, const MmrToken *first);
gboolean mmr_lab_directive_scenario_line (Parser *P, const MmrToken *first);
gboolean mmr_lab_directive_markdown_line (Parser *P, const char *raw);
void     mmr_lab_directive_close_step (Parser *P);

G_END_DECLS
