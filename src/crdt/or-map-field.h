/* or-map-field.h - one field of an OR-Map, by field type (private)
 *
 * or-map.c is the map: fields keyed by (name, type), one causal context,
 * merge, encoding. This is what differs by field type: how an operation
 * "OP FIELD[:TYPE][=ARG]" is parsed and checked, what dotted value it
 * writes and which of the field's values it supersedes, and how a field
 * reads. The table is in or-map.c's header comment.
 */
#pragma once

#include "crdt/crdt-class.h"
#include "crdt/dot-fun.h"

G_BEGIN_DECLS

typedef struct {
  char *name;          /* owned */
  MmrCrdtType type;
  MmrDotFun values;
} MmrOrMapField;

/* The map's operations, in the order of mmr_or_map_field_ops. */
typedef enum {
  MMR_OR_MAP_INCR,
  MMR_OR_MAP_DECR,
  MMR_OR_MAP_ADD,
  MMR_OR_MAP_REM,
  MMR_OR_MAP_SET,
} MmrOrMapOpKind;

extern const char *const mmr_or_map_field_ops[];

/* A parsed operation. */
typedef struct {
  MmrOrMapOpKind kind;
  char *name;          /* owned */
  MmrCrdtType type;
  gboolean is_typed;   /* ":TYPE" was written */
  const char *arg;     /* after '=', borrowed; NULL without '=' */
  guint64 amount;      /* incr/decr, once checked */
} MmrOrMapOp;

/* Takes @name. */
MmrOrMapField *mmr_or_map_field_new   (char *name, MmrCrdtType type);
void           mmr_or_map_field_free  (gpointer field);
guint          mmr_or_map_field_hash  (gconstpointer field);
gboolean       mmr_or_map_field_equal (gconstpointer a, gconstpointer b);
/* qsort order of MmrOrMapField pointers: by name, then type. */
int            mmr_or_map_field_compare (const void *a, const void *b);

gboolean       mmr_or_map_field_is_valid_name (const char *name);
gboolean       mmr_or_map_field_type_is_allowed (MmrCrdtType type);
MmrDotFunParts mmr_or_map_field_parts (MmrCrdtType type);

/* Parses @arg for operation @kind into @op (whose name the caller
 * frees, also on failure). */
gboolean mmr_or_map_field_parse_op (MmrOrMapOpKind kind, const char *arg,
                                    MmrOrMapOp *op, GError **error);
/* Does the field's type have this operation, with a good argument? */
gboolean mmr_or_map_field_check_op (MmrOrMapOp *op, GError **error);
/* What @op at @replica writes into @v (all but its dot), and which of
 * @field's values it supersedes (@field may be NULL). FALSE with @error
 * if a count or timestamp would overflow. */
gboolean mmr_or_map_field_plan (const MmrOrMapField *field,
                                const MmrOrMapOp *op, guint8 replica,
                                const MmrCrdtStamp *stamp,
                                MmrDottedValue *v,
                                MmrDottedValuePredicate *supersedes,
                                gconstpointer *supersedes_data,
                                GError **error);

/* "likes=5", "tags={a,b}", "who:mvreg={x,y}"; the field has values. */
char    *mmr_or_map_field_render        (const MmrOrMapField *field);
gsize    mmr_or_map_field_metadata_size (const MmrOrMapField *field);
/* Values a field of this type can hold (decoders check it). */
gboolean mmr_or_map_field_check_values  (const MmrOrMapField *field);
void     mmr_or_map_field_describe      (const MmrOrMapField *field,
                                         GString *out);

G_END_DECLS
