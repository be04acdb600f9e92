/* demo.h — the bundled demo session, compiled into the binary.
 *
 * examples/demo-session.json is made from the real llama-server recordings
 * in tests/fixtures/ by `make demo` (print mode's --replay --json), and
 * compiled in, so a bare `tokscope` works anywhere, uninstalled and offline.
 * It leads with the classifier cases (a weak and a strong email/ticket
 * classifier: confident, ambiguous, escalated), then a grammar-constrained
 * classification, the emoji and Japanese byte-split cases and free text. */
#ifndef TOKSCOPE_DEMO_H
#define TOKSCOPE_DEMO_H

#include <stddef.h>

#include "src/doc.h"
#include "src/err.h"

/* Parses the embedded session; same ownership as session_parse. */
int demo_load(struct doc ***docs, size_t *n, struct ts_err *err);

#endif
