/* parser-private.h - what the scenario parser's files share
 *
 * The parser is five files, one concept each, around one parse state:
 *   parser.c           lines: dispatch on the first word, the entry points
 *   parser-values.c    values: words, numbers, durations, replicas, links,
 *                      keys, value sets
 *   parser-settings.c  the header and the settings
 *   parser-actions.c   writes, clients, faults, time, manual delivery
 *   parser-checks.c    expectations
 * and the lexer (lexer.c), which it shares with the lab files. Nothing
 * outside these files includes this header.
 *
 * Taught in docs/scenario-language.md ("Code: src/scenario/parser.c").
 */
#pragma once

#include <glib.h>

#include "scenario/lexer.h"
#include "scenario/script.h"

G_BEGIN_DECLS

typedef struct {
  MmrLexer L;              /* the file, its current line, the first error */
  MmrScript *script;
  gboolean in_header;      /* no action seen yet */
  guint replicas_line;
  guint seed_line;
  guint granularity_line;
  guint first_action_line;
  MmrClockSource clock;    /* after the header: the clock at this line */
  GHashTable *clients;     /* client name -> replica index + 1 */
  GHashTable *types;       /* key -> MmrCrdtType + 1 (declared CRDT keys) */
} Parser;

/* Every error names the file, line and column (lexer.c keeps the first). */
#define fail(P, col, ...) mmr_lexer_fail (&(P)->L, (col), __VA_ARGS__)
#define fail_missing(P, ...) mmr_lexer_fail_missing (&(P)->L, __VA_ARGS__)

/* parser.c: tokens and commands */
gboolean mmr_parse_need_token (Parser *P, MmrToken *t, gboolean is_value,
                               const char *fmt, ...) G_GNUC_PRINTF (4, 5);
#define need_word(P, t, ...) mmr_parse_need_token ((P), (t), FALSE, __VA_ARGS__)
#define need_value(P, t, ...) mmr_parse_need_token ((P), (t), TRUE, __VA_ARGS__)
#define expect_end(P) mmr_lexer_expect_end (&(P)->L, "command")
gboolean mmr_parse_is_reserved (const char *s);
MmrCommand *mmr_parse_command_new (Parser *P, MmrCommandKind kind,
                                   const MmrToken *first);
void     mmr_parse_add_command (Parser *P, MmrCommand *c);
void     mmr_parse_command_free (MmrCommand *c);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MmrCommand, mmr_parse_command_free)

/* parser-values.c */
int      mmr_parse_choice (Parser *P, const MmrToken *t,
                           const char *const *words, gsize n_words,
                           const char *expected);
gboolean mmr_parse_all_digits (const char *s);
gboolean mmr_parse_unsigned (const char *s, guint64 max, guint64 *out);
gboolean mmr_parse_count (Parser *P, const MmrToken *t, gint64 *out);
gboolean mmr_parse_duration_at (Parser *P, const char *text, guint col,
                                gint64 *out_us);
gboolean mmr_parse_positive_duration (Parser *P, const MmrToken *t,
                                      const char *what, gint64 *out_us);
gboolean mmr_parse_probability (Parser *P, const MmrToken *t, double *out);
gboolean mmr_parse_ppm (const char *s, gint64 *out, gboolean *out_of_range);
gboolean mmr_parse_is_name (const char *s);
int      mmr_parse_find_replica (const Parser *P, const char *name);
gboolean mmr_parse_fail_unknown_replica (Parser *P, const char *name,
                                         guint col);
int      mmr_parse_need_replica (Parser *P, const MmrToken *t);
gboolean mmr_parse_link (Parser *P, const MmrToken *t, int *out_from,
                         int *out_to, gboolean *out_both);
gboolean mmr_parse_key (Parser *P, const MmrToken *t, char **out_key,
                        char **out_field);
gboolean mmr_parse_values (Parser *P, MmrCommand *c);

/* parser-settings.c */
void     mmr_parse_begin_action (Parser *P);
gboolean mmr_parse_cmd_replicas (Parser *P, const MmrToken *cmd);
gboolean mmr_parse_cmd_seed (Parser *P, const MmrToken *cmd);
gboolean mmr_parse_cmd_granularity (Parser *P, const MmrToken *cmd);
gboolean mmr_parse_cmd_delivery (Parser *P, const MmrToken *cmd);
gboolean mmr_parse_cmd_strategy (Parser *P, const MmrToken *cmd);
gboolean mmr_parse_cmd_durability (Parser *P, const MmrToken *cmd);
gboolean mmr_parse_cmd_causality (Parser *P, const MmrToken *cmd);
gboolean mmr_parse_cmd_clock (Parser *P, const MmrToken *cmd);
gboolean mmr_parse_cmd_antientropy (Parser *P, const MmrToken *cmd);
gboolean mmr_parse_cmd_latency (Parser *P, const MmrToken *cmd);
gboolean mmr_parse_cmd_loss (Parser *P, const MmrToken *cmd);
gboolean mmr_parse_cmd_duplicate (Parser *P, const MmrToken *cmd);
gboolean mmr_parse_cmd_reorder (Parser *P, const MmrToken *cmd);

/* parser-actions.c */
gboolean mmr_parse_is_replica_action (const char *s);
gboolean mmr_parse_cmd_replica (Parser *P, const MmrToken *cmd, int replica);
gboolean mmr_parse_cmd_client_action (Parser *P, const MmrToken *cmd,
                                      int replica);
gboolean mmr_parse_cmd_client (Parser *P, const MmrToken *cmd);
gboolean mmr_parse_cmd_type (Parser *P, const MmrToken *cmd);
gboolean mmr_parse_cmd_partition (Parser *P, const MmrToken *cmd);
gboolean mmr_parse_cmd_cut (Parser *P, const MmrToken *cmd);
gboolean mmr_parse_cmd_heal (Parser *P, const MmrToken *cmd);
gboolean mmr_parse_cmd_crash (Parser *P, const MmrToken *cmd);
gboolean mmr_parse_cmd_skew (Parser *P, const MmrToken *cmd);
gboolean mmr_parse_cmd_drift (Parser *P, const MmrToken *cmd);
gboolean mmr_parse_cmd_run (Parser *P, const MmrToken *cmd);
gboolean mmr_parse_cmd_settle (Parser *P, const MmrToken *cmd);
gboolean mmr_parse_cmd_deliver (Parser *P, const MmrToken *cmd);

/* parser-checks.c */
gboolean mmr_parse_is_check_word (const char *s);
gboolean mmr_parse_cmd_expect (Parser *P, const MmrToken *cmd);

G_END_DECLS
