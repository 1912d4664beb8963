/* duration.h - parsing and printing virtual-time durations
 *
 * Durations are written "250us", "10ms", "2s", "1.5s" or "1m"; a sign is
 * allowed where an offset is meant ("+5s", "-200ms").  Virtual time is
 * always kept in microseconds (gint64).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Parses @text whole. Returns FALSE (and leaves *out_us alone) when @text is
 * not a duration; @allow_sign permits a leading '+' or '-'. */
gboolean mmr_duration_parse  (const char *text, gboolean allow_sign,
                              gint64 *out_us);
/* "1.5s", "421.224ms", "250us": exact, in the largest unit that is at
 * least 1 (seconds, milliseconds or microseconds). */
char    *mmr_duration_format (gint64 us);

G_END_DECLS
