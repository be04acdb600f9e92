#include "src/demo.h"

#include <string.h>

#include "src/session.h"

extern const char demo_session_text[];

int demo_load(struct doc ***docs, size_t *n, struct ts_err *err)
{
	return session_parse(demo_session_text, strlen(demo_session_text), docs, n, err);
}
