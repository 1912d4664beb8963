/* arena.c - memory carved one piece after another, freed all at once
 *
 * A speed and memory trick behind the store (store.c), not part of what a
 * store is: the plain store (store-plain.c) mallocs each register and
 * gives the same run.
 *
 * A store never removes a register, so its registers need not be freed
 * one by one: they are carved one after another out of blocks, and the
 * blocks are freed with the store. A piece costs its size rounded to 8
 * bytes - no malloc header, no rounding to malloc's size classes, no
 * second allocation for the name that follows a register - and carving
 * is a pointer bump. Together with the register's inline sibling
 * (register.h) this is what keeps the benchmark at 202 bytes per key per
 * replica against a target of 256 (mmr bench, engine: the plain store,
 * with a malloc'd register and name per key, took 27 bytes more per key
 * at 200,000 keys; docs/benchmarks.md, "The plain store").
 *
 * Blocks double from 4 KiB, so that a small world (a lab, a test, one of
 * the thousands of worlds of a property test) stays small, up to 2 MiB,
 * the size of a huge page: blocks that large are huge pages
 * (huge-pages.c), and a freed arena keeps its 2 MiB blocks on the shelf
 * of spare pages for the next store.
 *
 * Interface (store-private.h): mmr_arena_new / _free, mmr_arena_alloc,
 * mmr_arena_reserve, mmr_arena_mapped_bytes, mmr_arena_round.
 *
 * Invariant: free_at .. free_at + free_bytes is the unused tail of the
 * newest block; every piece handed out lies in a block the arena owns.
 *
 * Taught in docs/benchmarks.md ("The hot path", registers in an arena).
 */
#include "store/store-private.h"

#include <string.h>

#define FIRST_BLOCK ((gsize) 4 << 10)

typedef struct {
  gpointer start;
  gsize bytes;
} HugeBlock;

struct _MmrArena {
  GPtrArray *blocks;       /* blocks below MMR_HUGE_PAGE, malloc'd, owned */
  GArray *huge_blocks;     /* HugeBlock: the others, mapped, owned */
  gsize mapped_bytes;      /* the sum of huge_blocks' sizes */
  gsize next_block;        /* size of the next block */
  guint8 *free_at;         /* the unused tail of the newest block */
  gsize free_bytes;
};

MmrArena *
mmr_arena_new (void)
{
  MmrArena *arena = g_new0 (MmrArena, 1);

  arena->blocks = g_ptr_array_new_with_free_func (g_free);
  arena->huge_blocks = g_array_new (FALSE, FALSE, sizeof (HugeBlock));
  arena->next_block = FIRST_BLOCK;
  return arena;
}

void
mmr_arena_free (MmrArena *arena)
{
  if (arena == NULL)
    return;
  g_ptr_array_unref (arena->blocks);
  for (guint i = 0; i < arena->huge_blocks->len; i++)
    {
      HugeBlock *b = &g_array_index (arena->huge_blocks, HugeBlock, i);

      if (b->bytes != MMR_HUGE_PAGE || !mmr_huge_pages_give_spare (b->start))
        mmr_huge_pages_unmap (b->start, b->bytes);
    }
  g_array_unref (arena->huge_blocks);
  g_free (arena);
}

/* Starts a new block of at least @bytes; the rest of the old one is
 * abandoned (at most one piece's worth: pieces are small). */
static void
add_block (MmrArena *arena, gsize bytes)
{
  if (bytes >= MMR_HUGE_PAGE)
    {
      HugeBlock b;

      bytes = (bytes + MMR_HUGE_PAGE - 1) & ~(MMR_HUGE_PAGE - 1);
      b.start = bytes == MMR_HUGE_PAGE ? mmr_huge_pages_take_spare () : NULL;
      if (b.start == NULL)
        b.start = mmr_huge_pages_map (bytes);
      b.bytes = bytes;
      g_array_append_val (arena->huge_blocks, b);
      arena->mapped_bytes += bytes;
      arena->free_at = b.start;
    }
  else
    {
      arena->free_at = g_malloc (bytes);
      g_ptr_array_add (arena->blocks, arena->free_at);
    }
  arena->free_bytes = bytes;
}

gpointer
mmr_arena_alloc (MmrArena *arena, gsize size)
{
  gpointer piece;

  size = mmr_arena_round (size);
  if (size > arena->free_bytes)
    {
      add_block (arena, MAX (size, arena->next_block));
      arena->next_block = MIN (2 * arena->next_block, MMR_HUGE_PAGE);
    }
  piece = arena->free_at;
  arena->free_at += size;
  arena->free_bytes -= size;
  /* A kept huge page holds a freed store's bytes. */
  memset (piece, 0, size);
  return piece;
}

void
mmr_arena_reserve (MmrArena *arena, gsize bytes)
{
  if (bytes > 0)
    add_block (arena, MAX (bytes, 64));
}

gsize
mmr_arena_mapped_bytes (const MmrArena *arena)
{
  return arena->mapped_bytes;
}
