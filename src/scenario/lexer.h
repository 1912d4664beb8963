/* lexer.h - the one lexer of every line-oriented file mmr reads
 *
 * Scenarios (.mmr), lab files (lab.mmrlab), a lab's answers and the
 * answers inside its "choices" lines share one set of lexical rules,
 * taught in docs/scenario-language.md ("How a line is read") and cited by
 * docs/labs.md ("The lab file"):
 *   - a file is UTF-8; a byte order mark that begins it is dropped;
 *   - a line ends at '\n' (a '\r' before it is dropped) and holds no
 *     control character but tabs, and no byte order mark;
 *   - '#' starts a comment at the start of a line or after a blank,
 *     outside quotes;
 *   - tokens are separated by blanks (space, tab); inside a value set
 *     ("{eggs, milk}") ',', '{' and '}' end a word and are tokens;
 *   - "quoted" text has \" and \\ as its only escapes, no tab, and is
 *     followed by a blank, the end of the line or (in a set) ',' '{' '}'.
 *
 * An MmrLexer holds one file's current line and reports the first error
 * only, as "FILE:LINE:COL: message" in its owner's error domain; COL
 * counts characters from 1. Readers that are not line by line (an answer
 * in a string) use mmr_lexer_scan_quoted() and mmr_lexer_cut_comment()
 * directly.
 *
 * Layer: src/scenario, the lowest layer both the scenario parser and
 * src/lab use.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  const char *raw;      /* where it starts in the line */
  gsize raw_len;        /* in bytes, quotes included */
  char *text;           /* unescaped, owned */
  guint col;
  gboolean is_quoted;
} MmrToken;

void mmr_token_clear (MmrToken *t);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (MmrToken, mmr_token_clear)

typedef struct {
  const char *filename;    /* for messages; borrowed */
  GQuark domain;           /* errors are (domain, code) */
  int code;
  const char *file_kind;   /* "a scenario": "...; a scenario is UTF-8 text" */
  const char *quoted_noun; /* "value": "this quoted value has no ..." */
  GError *error;           /* the first error, owned until taken */
  guint line_no;
  char *line;              /* the current line, owned */
  const char *p;           /* the position in line */
  guint end_col;           /* the column just after the last token */
} MmrLexer;

void     mmr_lexer_init  (MmrLexer *L, const char *filename, GQuark domain,
                          int code, const char *file_kind,
                          const char *quoted_noun);
/* Frees the line; the error, if not taken, too. */
void     mmr_lexer_clear (MmrLexer *L);

/* Records "FILE:LINE:COL: message" unless an error is already recorded
 * (what follows the first error is noise). Always returns FALSE. */
gboolean mmr_lexer_fail    (MmrLexer *L, guint col, const char *fmt, ...)
  G_GNUC_PRINTF (3, 4);
gboolean mmr_lexer_fail_at (MmrLexer *L, guint line, guint col,
                            const char *fmt, ...) G_GNUC_PRINTF (4, 5);
/* A missing token is reported where it should have been: one column
 * after the last token read. */
#define mmr_lexer_fail_missing(L, ...) \
  mmr_lexer_fail ((L), (L)->end_col + 1, __VA_ARGS__)

guint mmr_lexer_col_at (const MmrLexer *L, const char *ptr);
/* The column of byte @offset of an unquoted token (its text is its raw
 * spelling): the 'D' of 'A->D'. */
guint mmr_lexer_sub_col (const MmrToken *t, gsize offset);

gboolean mmr_lexer_is_blank (char c);
gboolean mmr_lexer_is_set_punct (char c);
/* The length in bytes of the UTF-8 character at @p, to quote it whole. */
int      mmr_lexer_char_len (const char *p);
void     mmr_lexer_skip_blanks (MmrLexer *L);

/* Makes @start[0..len) line @line_no: '\r' dropped, UTF-8 without
 * control characters (tabs aside) or U+FEFF checked. The comment is not
 * cut (a lab's Markdown lines keep theirs): mmr_lexer_cut_comment(). */
gboolean mmr_lexer_load_line (MmrLexer *L, guint line_no, const char *start,
                              gsize len);
/* Ends @line at its comment, in place. */
void     mmr_lexer_cut_comment (char *line);

/* The next token: 1, 0 at the end of the line, -1 after an error.
 * @in_set: inside "{...}", where ',', '{' and '}' are tokens. */
int      mmr_lexer_next (MmrLexer *L, gboolean in_set, MmrToken *t);
/* The next token, any kind; at the end of the line, fails with the
 * message @fmt where the token should have been. */
gboolean mmr_lexer_needv (MmrLexer *L, MmrToken *t, const char *fmt,
                          va_list ap) G_GNUC_PRINTF (3, 0);
/* Nothing more on the line: "unexpected 'X' after the end of the @what". */
gboolean mmr_lexer_expect_end (MmrLexer *L, const char *what);

/* Reads the quoted text opening at @open (on its '"'): on success the
 * unescaped text and *out_end just after the closing quote; on failure
 * NULL, *out_problem (owned) and *out_at, the byte it is about. */
char    *mmr_lexer_scan_quoted (const char *open, const char *quoted_noun,
                                const char **out_end, char **out_problem,
                                const char **out_at);

/* @s is one of @words. */
gboolean    mmr_lexer_is_one_of (const char *s, const char *const *words,
                                 gsize n_words);
/* The word of @words that @typo most likely meant, or NULL: at most two
 * edits, and fewer than half the typo's length. */
const char *mmr_lexer_closest_word (const char *typo,
                                    const char *const *words, gsize n_words);

/* A file's bytes, NUL bytes included (*out_len), with the system's reason
 * alone on failure: "PATH: cannot read: REASON" as (@domain, @io_code). */
char       *mmr_lexer_read_file (const char *path, gsize *out_len,
                                 GQuark domain, int io_code, GError **error);
/* @text after its UTF-8 byte order mark, if it has one. */
const char *mmr_lexer_skip_bom (const char *text);

G_END_DECLS
