/* demo.h — the bundled demo session, compiled into the binary.
 *
 * examples/demo-session.json is made from the real llama-server recordings
 * in tests/fixtures/ by `make demo` (tests/demo_build.c: each recording
 * replayed as --replay does, the classifier answers given the label set
 * their system prompt names), and compiled in, so a bare `tokscope` works
 * anywhere, uninstalled and offline. It leads with the classifier cases (a
 * weak and a strong email/ticket classifier: confident, ambiguous and
 * escalated, a shared first token to clarify; the strong answers linked to
 * the weak ones as recorded escalations, cascade.h, so E shows the cascade
 * without a server), then a grammar-constrained classification, the emoji
 * and Japanese byte-split cases and free text. */
#ifndef TOKSCOPE_DEMO_H
#define TOKSCOPE_DEMO_H

#include <stddef.h>

#include "src/doc.h"
#include "src/err.h"

/* Parses the embedded session; same ownership as session_parse. */
int demo_load(struct doc ***docs, size_t *n, struct ts_err *err);

#endif
