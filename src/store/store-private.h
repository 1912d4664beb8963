/* store-private.h - what the fast store (store.c) is built on
 *
 * Private to src/store (tests/layering enforces it): the three speed
 * tricks behind store.h, each in its own file, which a student reading
 * store.c for the concept can skip:
 *   store-table.c  the index, name -> register: open addressing, one
 *                  probe per apply;
 *   arena.c        where registers live: carved from blocks, freed all
 *                  at once;
 *   huge-pages.c   the large arrays of both in 2 MiB pages.
 * The plain store (store-plain.c, -Dstore=plain) uses none of them.
 */
#pragma once

#include <glib.h>

#include "store/register.h"

G_BEGIN_DECLS

/* ---- store-table.c: the index ---- */

typedef struct _MmrStoreTable MmrStoreTable;

/* The table finds a register's name right after the register: store.c
 * carves each register and its name as one piece, so that a bucket holds
 * a hash and a pointer (16 bytes) and not also the name's address. */
static inline const char *
mmr_store_table_name_of (const MmrRegister *reg)
{
  return (const char *) (reg + 1);
}

MmrStoreTable *mmr_store_table_new  (void);
/* Frees the buckets, not the registers (they are the store's). */
void           mmr_store_table_free (MmrStoreTable *table);
/* The register named @name, whose mmr_store_hash is @hash, or NULL. */
MmrRegister   *mmr_store_table_lookup (const MmrStoreTable *table,
                                       const char *name, guint32 hash);
/* Find or make room in one probe: the slot holding @name's register, or,
 * when there is none, an empty slot (*slot == NULL) filed under @name,
 * which the caller must fill with a register named @name before any other
 * call on the table. */
MmrRegister  **mmr_store_table_claim (MmrStoreTable *table,
                                      const char *name, guint32 hash);
guint          mmr_store_table_size (const MmrStoreTable *table);
/* Asks the CPU to start loading the bucket of @hash; changes nothing. */
void           mmr_store_table_prefetch (const MmrStoreTable *table,
                                         guint32 hash);
/* Calls @func (name, register, @user_data) for each register, in bucket
 * order - an order that depends on insertion history. */
void           mmr_store_table_foreach (const MmrStoreTable *table,
                                        GHFunc func, gpointer user_data);
/* A table of the same size with copy_reg (register, @user_data) in the
 * bucket of each register of @table, so that it iterates in the same
 * order (mmr explore runs copies of a world and must see what the
 * original would). */
MmrStoreTable *mmr_store_table_copy (const MmrStoreTable *table,
                                     MmrRegister *(*copy_reg) (
                                         const MmrRegister *reg,
                                         gpointer user_data),
                                     gpointer user_data);
/* Bytes of bucket array held in huge pages, which malloc does not see. */
gsize          mmr_store_table_mapped_bytes (const MmrStoreTable *table);

/* ---- arena.c: where registers live ---- */

/* Every piece is aligned to this: enough for pointers and 64-bit
 * integers, all a register holds (store.c checks it at compile time). */
#define MMR_ARENA_ALIGN ((gsize) 8)

typedef struct _MmrArena MmrArena;

MmrArena *mmr_arena_new   (void);
/* Frees every piece at once; what the pieces point to is the caller's. */
void      mmr_arena_free  (MmrArena *arena);
/* @size zeroed bytes, aligned to MMR_ARENA_ALIGN, valid until
 * mmr_arena_free. There is no freeing one piece. */
gpointer  mmr_arena_alloc (MmrArena *arena, gsize size);
/* Makes the next block exactly @bytes (the sum of mmr_arena_round of
 * the pieces to come), for a caller that knows all it will allocate - a
 * copy of a store; blocks after it start small again. */
void      mmr_arena_reserve (MmrArena *arena, gsize bytes);
/* Bytes held in huge pages (huge-pages.c), which malloc does not see. */
gsize     mmr_arena_mapped_bytes (const MmrArena *arena);

/* What a piece of @size bytes takes in the arena. */
static inline gsize
mmr_arena_round (gsize size)
{
  return (size + MMR_ARENA_ALIGN - 1) & ~(MMR_ARENA_ALIGN - 1);
}

/* ---- huge-pages.c: large arrays in 2 MiB pages ---- */

/* The size of a transparent huge page on x86-64 and arm64 Linux. */
#define MMR_HUGE_PAGE ((gsize) 2 << 20)

/* @bytes of zeroed memory starting at a 2 MiB boundary, advised to be
 * backed by huge pages. Never NULL: running out of address space is not
 * a case the simulator recovers from. */
gpointer mmr_huge_pages_map   (gsize bytes);
void     mmr_huge_pages_unmap (gpointer start, gsize bytes);

/* One huge page kept from a freed arena, or NULL when none is kept. Its
 * bytes are stale, not zeroed: whoever takes it clears what it uses. */
gpointer mmr_huge_pages_take_spare (void);
/* Keeps @page (MMR_HUGE_PAGE bytes from mmr_huge_pages_map) for the next
 * mmr_huge_pages_take_spare; FALSE when enough are kept already, and the
 * caller must unmap it. */
gboolean mmr_huge_pages_give_spare (gpointer page);

G_END_DECLS
