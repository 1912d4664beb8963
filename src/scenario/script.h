/* script.h - a parsed scenario (.mmr file)
 *
 * The parser turns a scenario's text into an MmrScript: the world's initial
 * configuration (from the header lines: replicas, seed, strategy, clock,
 * granularity, and any link settings before the first action) and the
 * list of commands to run, each with the line and column it came from.
 * A script is checked whole before anything runs: names exist, numbers are
 * in range, durations are durations. The grammar is documented in
 * docs/scenario-language.md.
 */
#pragma once

#include <glib.h>

#include "sim/world.h"

G_BEGIN_DECLS

#define MMR_SCRIPT_ERROR (mmr_script_error_quark ())
GQuark mmr_script_error_quark (void);

typedef enum {
  MMR_SCRIPT_ERROR_SYNTAX,   /* message is "FILE:LINE:COL: ..." */
  MMR_SCRIPT_ERROR_IO,
} MmrScriptError;

typedef enum {
  /* settings that may also change mid-run */
  MMR_CMD_STRATEGY,      /* strategy lww|siblings          -> strategy */
  MMR_CMD_CLOCK,         /* clock physical|lamport|hlc     -> clock */
  MMR_CMD_LATENCY,       /* latency [A->B] 10ms | 5ms..50ms -> link_*, us, us_max */
  MMR_CMD_LOSS,          /* loss [A->B] 0.1                -> link_*, prob */
  MMR_CMD_DUPLICATE,     /* duplicate [A->B] 0.05          -> link_*, prob */
  MMR_CMD_REORDER,       /* reorder [A->B] on|off          -> link_*, flag */
  MMR_CMD_ANTIENTROPY,   /* antientropy 100ms | off        -> us (0 = off) */
  MMR_CMD_CAUSALITY,     /* causality vv|dvv|history       -> causality */
  MMR_CMD_DURABILITY,    /* durability none|sync|async     -> count (MmrDurability) */
  MMR_CMD_AE_MODE,       /* antientropy digest|merkle|full -> count (MmrAntiEntropyMode) */
  /* actions */
  MMR_CMD_PUT,           /* A put key[.field] value        -> replica, key, field, value */
  MMR_CMD_DEL,           /* A del key[.field]              -> replica, key, field */
  MMR_CMD_PARTITION,     /* partition A B | C              -> group_of */
  MMR_CMD_CUT,           /* cut A->B  (cut A<->B: both)    -> link_from, link_to, flag=both */
  MMR_CMD_HEAL,          /* heal | heal A->B | heal A<->B  -> link_* (-1: all), flag=both */
  MMR_CMD_SKEW,          /* skew B +5s                     -> replica, us */
  MMR_CMD_DRIFT,         /* drift B 200ppm                 -> replica, count (ppm) */
  MMR_CMD_RUN,           /* run 100ms                      -> us */
  MMR_CMD_SETTLE,        /* settle [limit]                 -> us (0 = default) */
  MMR_CMD_CRASH,         /* crash B                        -> replica */
  MMR_CMD_RESTART,       /* restart B                      -> replica */
  MMR_CMD_CLIENT,        /* client alice at A              -> client, replica */
  MMR_CMD_CLIENT_GET,    /* alice get cart                 -> client, replica, key, field */
  MMR_CMD_CLIENT_PUT,    /* alice put cart milk            -> client, replica, key, field, value */
  MMR_CMD_CLIENT_DEL,    /* alice del cart                 -> client, replica, key, field */
  MMR_CMD_TYPE,          /* type likes pncounter           -> key, value (type name) */
  MMR_CMD_OP,            /* A incr likes 3                 -> replica, key, op, value (arg or NULL) */
  MMR_CMD_DELIVER,       /* deliver A->B [N] [copy]        -> link_from, link_to, count (N-1), flag=copy */
  MMR_CMD_DROP,          /* drop A->B [N]                  -> link_from, link_to, count (N-1) */
  /* checks */
  MMR_CMD_EXPECT_CONVERGED,   /* expect converged / expect diverged -> flag */
  MMR_CMD_EXPECT_VALUE,       /* expect A key = v | = {v, w}  -> replica, key, field, values */
  MMR_CMD_EXPECT_ABSENT,      /* expect A key absent          -> replica, key, field */
  MMR_CMD_EXPECT_LOST,        /* expect lost N                -> count */
  MMR_CMD_EXPECT_CONFLICTS,   /* expect conflicts N           -> count */
  MMR_CMD_EXPECT_SIBLINGS,    /* expect siblings A cart N     -> replica, key, field, count */
  MMR_CMD_N_KINDS
} MmrCommandKind;

typedef struct {
  MmrCommandKind kind;
  guint line;              /* 1-based */
  guint col;               /* 1-based, of the command's first token */
  int replica;             /* -1 when unused */
  int link_from;           /* -1: every link */
  int link_to;
  char *key;
  char *field;             /* "" for a plain key */
  char *value;
  GPtrArray *values;       /* EXPECT_VALUE: sorted, de-duplicated char* */
  gint64 us;
  gint64 us_max;
  double prob;
  gint64 count;
  gboolean flag;
  int group_of[MMR_MAX_REPLICAS];
  MmrStrategy strategy;    /* STRATEGY; for merge, value is the function */
  MmrClockSource clock;
  MmrCausality causality;
  char *client;            /* CLIENT*: the client's name */
  char *op;                /* OP: "incr", "add", ... */
  char *text;              /* the command's source line, trimmed */
} MmrCommand;

typedef struct {
  char *filename;
  char *source;            /* whole text, for the recorder and the inspector */
  MmrWorldConfig config;   /* initial configuration, names owned here */
  gboolean has_seed;       /* a "seed" line was present */
  GPtrArray *commands;     /* MmrCommand*, owned */
} MmrScript;

MmrScript *mmr_script_parse (const char *filename, const char *text,
                             GError **error);
MmrScript *mmr_script_load  (const char *path, GError **error);
void       mmr_script_free  (MmrScript *script);
const char *mmr_command_kind_to_string (MmrCommandKind kind);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MmrScript, mmr_script_free)

G_END_DECLS
