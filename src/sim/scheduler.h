/* scheduler.h - the world's event queue, ordered by (time, sequence)
 *
 * A binary min-heap of tasks. Ties in time are broken by the sequence
 * number handed out when the task was scheduled, so two tasks due at the
 * same microsecond always run in the order they were scheduled: no hash
 * order, pointer value or thread timing can change a run.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  MMR_TASK_DELIVER,     /* a = from, b = to: deliver the link's head */
  MMR_TASK_TICK,        /* a = replica: anti-entropy timer */
  MMR_TASK_FLUSH,       /* a = replica: async durability commits its batch */
} MmrTaskKind;

typedef struct {
  gint64 time_us;
  guint64 seq;
  MmrTaskKind kind;
  guint a;
  guint b;
} MmrTask;

typedef struct _MmrScheduler MmrScheduler;

MmrScheduler *mmr_scheduler_new      (void);
void          mmr_scheduler_free     (MmrScheduler *s);
/* Hands out the next sequence number (also used by channels). */
guint64       mmr_scheduler_next_seq (MmrScheduler *s);
void          mmr_scheduler_push     (MmrScheduler *s, const MmrTask *task);
gboolean      mmr_scheduler_pop      (MmrScheduler *s, MmrTask *out);
/* Pops the first task into @out and pushes @next in one step (one sift
 * instead of two): a link's next message taking its delivered head's
 * place. */
void          mmr_scheduler_pop_push (MmrScheduler *s, MmrTask *out,
                                      const MmrTask *next);
/* Withdraws the task with sequence @seq; FALSE if there is none. */
gboolean      mmr_scheduler_remove   (MmrScheduler *s, guint64 seq);
const MmrTask *mmr_scheduler_peek    (const MmrScheduler *s);
guint         mmr_scheduler_size     (const MmrScheduler *s);
/* A copy with the same tasks and the same next sequence number. */
MmrScheduler *mmr_scheduler_copy     (const MmrScheduler *s);

G_END_DECLS
