/* checker.h - convergence and lost-write checkers
 *
 * Checkers only observe: they read the world through views and the event
 * stream, never change it.
 *
 * Convergence: every replica's visible state is equal; otherwise the exact
 * differences, one line per key ("cart: A=milk B={eggs, milk} C=absent").
 *
 * Lost writes: an acknowledged write is lost when no replica shows it any
 * more and no write that replaced it had seen it. "Seen" means the
 * replacing write's context covered the version: a replica's own write
 * sees everything visible at that replica at that moment, a client write
 * sees what the context of its last read covers, and a client write
 * without a context sees nothing. The WRITE event lists exactly those
 * versions as superseded, and that list is all the checker uses. What
 * remains are the writes discarded without anyone seeing them (an LWW
 * comparison, siblings resolved by a switch to lww): silent losses, made
 * visible.
 *
 * Taught in docs/conflicts.md ("Lost writes") and lab 03.
 */
#pragma once

#include <glib.h>

#include "sim/world.h"

G_BEGIN_DECLS

/* char* lines, owned; empty when converged. */
GPtrArray *mmr_check_convergence (const MmrWorld *world);

typedef struct {
  guint replica;
  char *key;          /* register name */
  char *value;        /* as a person reads it; NULL for a delete */
  MmrDot dot;
  gint64 time_us;     /* when it was acknowledged */
  guint64 seq;        /* its WRITE/DELETE event */
} MmrLostWrite;

void mmr_lost_write_free (MmrLostWrite *lw);

typedef struct _MmrWriteLog MmrWriteLog;

/* Subscribes to @world's events; free before the world. */
MmrWriteLog *mmr_write_log_new      (MmrWorld *world);
void         mmr_write_log_free     (MmrWriteLog *log);
guint64      mmr_write_log_n_writes (const MmrWriteLog *log);
/* MmrLostWrite*, owned, in the order the writes were made. */
GPtrArray   *mmr_write_log_dup_lost (const MmrWriteLog *log);
/* A copy of @log subscribed to @world (a copy of the log's world, for mmr
 * explore): the same writes and superseded dots. */
MmrWriteLog *mmr_write_log_copy     (const MmrWriteLog *log, MmrWorld *world);
/* A hash of what decides the lost writes besides the stores: the writes
 * made and the dots they superseded (order-independent). */
guint64      mmr_write_log_hash     (const MmrWriteLog *log);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MmrWriteLog, mmr_write_log_free)

G_END_DECLS
