/* dir-lock.h - one run at a time in a folder: an flock on DIR/.mmr-lock
 *
 * "mmr run --data DIR" deletes and recreates the replica databases in
 * DIR, so a second run there would pull the first one's live databases
 * from under it. The first run takes an exclusive flock(2) on
 * DIR/.mmr-lock and writes who it is into the file ("mmr lock: pid 4242:
 * mmr run s.mmr --data DIR"); a second run finds the lock taken and
 * stops, naming the holder.
 *
 * The kernel drops an flock when its holder dies, however it dies
 * (SIGKILL included), so a lock file left behind by a dead process never
 * blocks anyone: only a live holder does. The lock file is removed on
 * release; the lock is taken on the file that is at the path once we
 * hold it (checked by inode), so a holder that removes it while another
 * process opens it cannot give two processes the lock.
 *
 * Taught in docs/storage.md ("Outputs").
 */
#pragma once

#include <glib.h>

#include "store/output-guard.h"

G_BEGIN_DECLS

#define MMR_DIR_LOCK_ERROR (mmr_dir_lock_error_quark ())
GQuark mmr_dir_lock_error_quark (void);

typedef enum {
  MMR_DIR_LOCK_ERROR_BUSY,   /* a live process holds it */
  MMR_DIR_LOCK_ERROR_IO,     /* cannot create or lock the file */
} MmrDirLockError;

#define MMR_DIR_LOCK_FILE ".mmr-lock"

/* How a lock file of ours starts (for store/output-guard.h). */
extern const MmrOutputFormat mmr_dir_lock_format;

typedef struct _MmrDirLock MmrDirLock;

/* Takes the lock of @dir (which must exist) for @holder, a description
 * such as "mmr run s.mmr --data d". BUSY names the holder. */
MmrDirLock *mmr_dir_lock_acquire (const char *dir, const char *holder,
                                  GError **error);
/* The lock file's path. */
const char *mmr_dir_lock_get_path (const MmrDirLock *lock);
/* Removes the lock file and drops the lock. */
void        mmr_dir_lock_release (MmrDirLock *lock);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MmrDirLock, mmr_dir_lock_release)

G_END_DECLS
