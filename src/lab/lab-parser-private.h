/* lab-parser-private.h - what the lab parser's files share
 *
 * lab-parser.c reads the file line by line and assembles the worlds,
 * lab-lexer.c turns a line into tokens and reports errors, and
 * lab-directives.c implements each directive. They share one parse state.
 * Nothing outside src/lab/lab-parser.c, lab-lexer.c and lab-directives.c
 * includes this header.
 */
#pragma once

#include <glib.h>

#include "lab/lab.h"

G_BEGIN_DECLS

typedef struct {
  char *text;              /* unescaped, owned */
  guint col;
  gboolean is_quoted;
} Token;

void mmr_lab_lexer_token_clear (Token *t);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Token, mmr_lab_lexer_token_clear)

typedef struct {
  const char *path;        /* the lab file, for messages */
  MmrLab *lab;
  GError *error;
  char **lines;            /* the file's lines, '\r' dropped */
  guint n_lines;
  guint line_no;
  char *line;              /* the current line up to its comment */
  const char *p;
  guint end_col;
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

/* lab-lexer.c */
gboolean mmr_lab_lexer_fail_at (Parser *P, guint line, guint col,
                                const char *fmt, ...) G_GNUC_PRINTF (4, 5);
/* Records the first error only, at the current line; a missing token is
 * reported where it should have been, one column after the last one. */
#define fail(P, col, ...) \
  mmr_lab_lexer_fail_at ((P), (P)->line_no, (col), __VA_ARGS__)
#define fail_missing(P, ...) fail ((P), (P)->end_col + 1, __VA_ARGS__)

guint    mmr_lab_lexer_col_at (const Parser *P, const char *ptr);
int      mmr_lab_lexer_next_token (Parser *P, Token *t);
gboolean mmr_lab_lexer_need_token (Parser *P, Token *t, gboolean quoted,
                                   const char *fmt, ...) G_GNUC_PRINTF (4, 5);
gboolean mmr_lab_lexer_expect_end (Parser *P);
/* The next token: a plain word, or "quoted text" (titles, prompts). */
#define need_word(P, t, ...) \
  mmr_lab_lexer_need_token ((P), (t), FALSE, __VA_ARGS__)
#define need_quoted(P, t, ...) \
  mmr_lab_lexer_need_token ((P), (t), TRUE, __VA_ARGS__)
#define expect_end(P) mmr_lab_lexer_expect_end (P)
char    *mmr_lab_lexer_rest_of_line (Parser *P, guint *out_col);
const char *mmr_lab_lexer_closest_word (const char *typo,
                                        const char *const *words,
                                        gsize n_words);
gboolean mmr_lab_lexer_is_directive (const char *s);
/* The directive @s is probably a typo of, or NULL. */
const char *mmr_lab_lexer_directive_hint (const char *s);
gboolean mmr_lab_lexer_fail_unknown_directive (Parser *P, const Token *t);
void     mmr_lab_lexer_cut_comment (char *line);
gboolean mmr_lab_lexer_check_line (Parser *P, const char *raw);

/* lab-directives.c */
gboolean mmr_lab_directive_run (Parser *P, const Token *first);
gboolean mmr_lab_directive_scenario_line (Parser *P, const Token *first);
gboolean mmr_lab_directive_markdown_line (Parser *P, const char *raw);
void     mmr_lab_directive_close_step (Parser *P);

G_END_DECLS
