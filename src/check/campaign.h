/* campaign.h - run scenarios under many seeds with every invariant on
 *
 * One check run = one scenario, one seed, an MmrInvariants watching, and
 * run limits on the work (a generated world that hits it is a generator bug,
 * reported apart from violations). A campaign is a range of seeds, split
 * into shards so that a course or a CI fans it out over machines.
 *
 * Taught in docs/checking.md.
 */
#pragma once

#include <glib.h>

#include "check/invariants.h"
#include "scenario/script.h"

G_BEGIN_DECLS

/* The run limits of one check run (scenario/runner.h): world events,
 * virtual time, messages in flight. A generated world needs far less. */
#define MMR_CHECK_MAX_EVENTS 2000000
#define MMR_CHECK_MAX_TIME_US (G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC)
#define MMR_CHECK_MAX_IN_FLIGHT 100000

typedef struct {
  guint64 seed;
  GPtrArray *violations;   /* MmrViolation*, owned, first of each kind */
  gboolean hit_limit;      /* stopped by a run limit: not judged */
  char *limit_message;     /* the runner's, naming the limit */
  guint64 n_events;
  gboolean settled;        /* ended in heal + settle: convergence owed */
} MmrCheckRun;

void mmr_check_run_free (MmrCheckRun *run);

/* Runs @script with @seed (replacing its own) to the end. A script that
 * asks for durability gets a scratch directory of databases, removed
 * afterwards. @max_events 0: MMR_CHECK_MAX_EVENTS. NULL with @error only
 * when the databases cannot be made. */
MmrCheckRun *mmr_check_run_script (const MmrScript *script, guint64 seed,
                                   guint64 max_events, GError **error);
/* The same from text: NULL with @error when it does not parse. */
MmrCheckRun *mmr_check_run_text (const char *filename, const char *text,
                                 guint64 seed, guint64 max_events,
                                 GError **error);
/* The first violation of @invariant in @run, or NULL. */
const MmrViolation *mmr_check_run_find (const MmrCheckRun *run,
                                        const char *invariant);

/* Does @script end in "heal" (every link) then "settle" (expect lines
 * aside)? Only then is convergence owed. */
gboolean mmr_check_script_ends_settled (const MmrScript *script);

/* The seeds of shard @index (1..@n_shards) of the range @from ..
 * @from + @count - 1: seed s belongs to shard ((s - from) mod n) + 1, so
 * the shards interleave and each gets seeds of every part of the range.
 * Returns how many there are; fills @out (may be NULL) with the first
 * @out_len of them. */
guint64 mmr_check_shard_seeds (guint64 from, guint64 count, guint index,
                               guint n_shards, guint64 *out, guint64 out_len);
/* Parses "I/N" with 1 <= I <= N; FALSE with a message in @error. */
gboolean mmr_check_parse_shard (const char *text, guint *out_index,
                                guint *out_n, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MmrCheckRun, mmr_check_run_free)

G_END_DECLS
