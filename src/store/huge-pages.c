/* huge-pages.c - memory in 2 MiB pages, and a few kept for reuse
 *
 * A speed trick behind the store (store.c), not part of what a store is:
 * the plain store (store-plain.c) does without it and gives the same run.
 * What it buys, at a million keys on five replicas (mmr bench, engine):
 *
 * Fewer TLB misses. A large bucket array is probed at random, one TLB
 * miss per probe on 4 KiB pages - and a TLB miss costs most under
 * virtualisation; 2 MiB pages cover the array with a few hundred TLB
 * entries instead of hundreds of thousands.
 *
 * Fewer page faults. Memory is faulted in a huge page at a time, not
 * 4 KiB at a time: faulting in the gigabyte the benchmark's stores take,
 * 4 KiB at a time, was a fifth of the benchmark's time.
 *
 * Mapped here, not malloc'd: a huge page must start at a 2 MiB boundary,
 * and malloc's aligned allocation of 2 MiB reserves 4 MiB to find one.
 * Mapping 2 MiB more than needed and unmapping the unaligned head and
 * tail reserves exactly what is used. The pages come zeroed, and are
 * advised before their first touch (after it they are small already).
 * Whoever maps reports it (mmr_store_mapped_bytes): malloc's statistics,
 * which the benchmark's memory figure reads, cannot see these mappings.
 *
 * Kept pages. A freed store's arena pages go to a small shelf instead of
 * back to the kernel - as malloc keeps freed memory for the next malloc.
 * A page unmapped and mapped again is handed out zeroed by the kernel
 * page by page, which costs as much as the first time; a kept page is
 * resident already. The shelf is bounded, so that a process that once
 * held a huge world does not hold its memory forever, and shared by every
 * store, hence the lock.
 *
 * Interface (store-private.h): mmr_huge_pages_map / _unmap,
 * mmr_huge_pages_take_spare / _give_spare.
 *
 * Taught in docs/benchmarks.md ("The hot path", huge pages).
 */
#include "store/store-private.h"

#include <sys/mman.h>

#define MAX_SPARE_PAGES 512      /* 1 GiB */

gpointer
mmr_huge_pages_map (gsize bytes)
{
  gsize span = bytes + MMR_HUGE_PAGE;
  guint8 *p = mmap (NULL, span, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  guint8 *start;
  gsize head;

  if (p == MAP_FAILED)
    g_error ("store: out of memory mapping %" G_GSIZE_FORMAT " bytes",
             span);
  start = (guint8 *) (((guintptr) p + MMR_HUGE_PAGE - 1)
                      & ~(guintptr) (MMR_HUGE_PAGE - 1));
  head = (gsize) (start - p);
  if (head > 0)
    munmap (p, head);
  if (span - head - bytes > 0)
    munmap (start + bytes, span - head - bytes);
#ifdef MADV_HUGEPAGE
  madvise (start, bytes, MADV_HUGEPAGE);
#endif
  return start;
}

void
mmr_huge_pages_unmap (gpointer start, gsize bytes)
{
  munmap (start, bytes);
}

static GMutex spare_lock;
static gpointer spare_pages[MAX_SPARE_PAGES];
static guint n_spare_pages;

gpointer
mmr_huge_pages_take_spare (void)
{
  gpointer page = NULL;

  g_mutex_lock (&spare_lock);
  if (n_spare_pages > 0)
    page = spare_pages[--n_spare_pages];
  g_mutex_unlock (&spare_lock);
  return page;
}

gboolean
mmr_huge_pages_give_spare (gpointer page)
{
  gboolean kept = FALSE;

  g_mutex_lock (&spare_lock);
  if (n_spare_pages < MAX_SPARE_PAGES)
    {
      spare_pages[n_spare_pages++] = page;
      kept = TRUE;
    }
  g_mutex_unlock (&spare_lock);
  return kept;
}
