/* record.h - records with named fields, and how they map onto registers
 *
 * A key names a record; a record has named fields ("user.name" is field
 * "name" of record "user"); a plain key is a record with one unnamed field.
 *
 * Granularity decides what one register holds:
 *   field   one register per field, named "key.field" (or "key" for the
 *           unnamed field): concurrent writes to different fields never meet.
 *   record  one register per key whose value is the whole record, encoded
 *           as below: concurrent writes to different fields conflict.
 *
 * Record encoding (granularity record only): fields sorted by name, each
 * "name\x1Fvalue", joined by "\x1E".  A record whose only field is the
 * unnamed one is encoded as its bare value, so plain keys cost nothing.
 * Names and values never contain the two separators (the scenario parser
 * rejects control characters).
 *
 * Taught in docs/conflicts.md ("Granularity") and lab 06.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  MMR_GRANULARITY_RECORD,
  MMR_GRANULARITY_FIELD,
} MmrGranularity;

/* "user.name" -> key "user", field "name"; "cart" -> "cart", "". */
void   mmr_record_split_name  (const char *name, char **out_key,
                               char **out_field);
/* The register that holds @field of @key under @granularity. */
char  *mmr_record_register_name (MmrGranularity granularity,
                                 const char *key, const char *field);
/* Returns a new encoded record: @encoded (may be NULL: empty record) with
 * @field set to @value (or removed when @value is NULL). */
char  *mmr_record_set_field   (const char *encoded, const char *field,
                               const char *value);
/* Borrowed-free lookup: returns a newly allocated value or NULL. */
char  *mmr_record_dup_field   (const char *encoded, const char *field);
/* Field names present in @encoded, sorted; a new array of new strings. */
GPtrArray *mmr_record_dup_fields (const char *encoded);

G_END_DECLS
