/* report.h - what "mmr run" prints: for a person, or as one JSON object
 *
 * Both read the finished (or paused) run through the public views:
 * each replica's visible state, convergence, lost writes, metrics and the
 * expectations. The JSON shape is documented in docs/scenario-language.md.
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "scenario/runner.h"

G_BEGIN_DECLS

char     *mmr_report_text (MmrRunner *runner, gboolean use_color);
JsonNode *mmr_report_json (MmrRunner *runner);
/* Serialized, pretty when @pretty. */
char     *mmr_report_json_string (MmrRunner *runner, gboolean pretty);
/* Any JSON tree as text that is always valid JSON: json-glib's generator
 * with every control character inside a string escaped (json-glib 1.6
 * leaves U+001F raw). Every --json output goes through it. */
char     *mmr_report_json_to_data (JsonNode *root, gboolean pretty);

G_END_DECLS
