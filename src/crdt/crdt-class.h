/* crdt-class.h - what each CRDT type supplies to crdt.c (private)
 *
 * Like Redis's dictType, one table of functions per type sets the
 * behaviour once; crdt.c dispatches through it and does everything that is
 * the same for all types (allocation, the owning replica, the delta flag,
 * the encoding header, error messages). A type's state struct starts with
 * an MmrCrdt, so a pointer to one is a pointer to the other.
 *
 * Contracts for a type's functions:
 *   init      zero fields are already zero; set up containers
 *   clear     free what the state owns (not the struct itself)
 *   copy      @dst is freshly initialised, same type
 *   apply     change the state, return the delta, or NULL + error with the
 *             state unchanged; @stamp may be NULL
 *   merge     @into and @other are the same type and not the same object;
 *             crdt.c updates the delta flag afterwards
 *   encode    append the payload (after the common header)
 *   decode    fill a freshly initialised state; reject non-canonical input
 *   read      append owned strings (crdt.c sorts them)
 */
#pragma once

#include "crdt/codec.h"
#include "crdt/crdt.h"

G_BEGIN_DECLS

struct _MmrCrdt {
  const struct _MmrCrdtClass *klass;
  guint8 replica;
  gboolean is_delta;
  guint32 dot_floor;    /* local operations issue dots above it */
};

typedef struct _MmrCrdtClass {
  MmrCrdtType type;
  const char *name;
  const char *const *ops;    /* NULL-terminated */
  gsize instance_size;

  void      (*init)          (MmrCrdt *crdt);
  void      (*clear)         (MmrCrdt *crdt);
  void      (*copy)          (MmrCrdt *dst, const MmrCrdt *src);
  MmrCrdt  *(*apply)         (MmrCrdt *crdt, const char *op, const char *arg,
                              const MmrCrdtStamp *stamp, GError **error);
  void      (*merge)         (MmrCrdt *into, const MmrCrdt *other);
  gboolean  (*equal)         (const MmrCrdt *a, const MmrCrdt *b);
  gboolean  (*is_empty)      (const MmrCrdt *crdt);
  void      (*encode)        (const MmrCrdt *crdt, GByteArray *out);
  gboolean  (*decode)        (MmrCrdt *crdt, MmrCodecReader *r,
                              GError **error);
  void      (*read)          (const MmrCrdt *crdt, GPtrArray *out);
  gsize     (*metadata_size) (const MmrCrdt *crdt);
  void      (*describe)      (const MmrCrdt *crdt, GString *out);
} MmrCrdtClass;

extern const MmrCrdtClass mmr_g_counter_class;
extern const MmrCrdtClass mmr_pn_counter_class;
extern const MmrCrdtClass mmr_g_set_class;
extern const MmrCrdtClass mmr_two_p_set_class;
extern const MmrCrdtClass mmr_or_set_class;
extern const MmrCrdtClass mmr_lww_register_class;
extern const MmrCrdtClass mmr_mv_register_class;
extern const MmrCrdtClass mmr_or_map_class;

/* Fixed widths for mmr_crdt_metadata_size (see crdt.h). */
#define MMR_META_REPLICA 1
#define MMR_META_DOT 5        /* replica + 32-bit counter */
#define MMR_META_COUNT 8
#define MMR_META_STAMP 12     /* 64-bit ts + 32-bit logical */

/* A new empty state of @crdt's type owned by the same replica, flagged as
 * a delta: what apply functions return. */
MmrCrdt  *mmr_crdt_new_delta_for   (const MmrCrdt *crdt);

/* "orset has no operation 'incr'; expected add or rem" */
void      mmr_crdt_set_bad_op_error (GError **error, const char *type_name,
                                     const char *const *ops, const char *op);
/* Index of @op in @ops, or -1. */
int       mmr_crdt_find_op          (const char *const *ops, const char *op);

/* Parses a counter step: NULL or "" is 1, otherwise a whole number from 1
 * to MMR_CRDT_COUNT_MAX in decimal. */
gboolean  mmr_crdt_parse_amount     (const char *op, const char *arg,
                                     guint64 *out, GError **error);
/* Sets and registers: an element must be non-empty. */
gboolean  mmr_crdt_check_element    (const char *op, const char *arg,
                                     GError **error);
/* Registers: NULL is an error, "" is a value. */
gboolean  mmr_crdt_check_value      (const char *op, const char *arg,
                                     GError **error);

/* A vector of per-replica counts, shared by gcounter and pncounter
 * (g-counter.c): encoded as n (replica:u8 count){n}, zeros omitted. */
void      mmr_g_counter_vector_encode   (const guint64 *counts,
                                         GByteArray *out);
gboolean  mmr_g_counter_vector_decode   (guint64 *counts, MmrCodecReader *r,
                                         GError **error);
void      mmr_g_counter_vector_describe (const guint64 *counts,
                                         GString *out);
guint     mmr_g_counter_vector_n_entries (const guint64 *counts);

/* The keys of @table (strings) sorted by strcmp, borrowed, in an array
 * to g_free; what canonical encodings iterate. */
const char **mmr_crdt_sorted_keys   (GHashTable *table, guint *out_n);

/* Replica index as a letter, as the docs draw them: 0 -> 'A'. */
#define MMR_REPLICA_LETTER(i) ((char) ('A' + (i)))

/* Orders two "char *" slots by strcmp: for g_ptr_array_sort and qsort. */
int       mmr_crdt_strv_compare     (gconstpointer a, gconstpointer b);

G_END_DECLS
