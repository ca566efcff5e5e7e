/*
 * cmd_history.c - `iro history`: who changed what in one record, and
 * when, from the replica's change log (offline).
 */
#include "cmd.h"

#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "out.h"
#include "text.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* The value on one line: newlines and tabs read as spaces. */
static int
flat_value(const struct iro_value *v, char **out)
{
	char *p;
	int rc = text_value(v, out);

	for (p = *out; rc == 0 && *p != '\0'; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	return rc;
}

/*
 * One line a change:
 * "AT  FIELD  VALUE  by USER on DEVICE8[  pending|  refused: REASON]
 *  [  (current)][  (superseded)]".
 */
static int
print_history(const struct iro_history *hs)
{
	struct iro_history_entry e;
	char when[TEXT_TIME_LEN], *val = NULL, *why = NULL;
	size_t i, n = iro_history_count(hs);
	int rc = 0;

	for (i = 0; i < n && rc == 0; i++) {
		if ((rc = iro_history_at(hs, i, &e)) != 0 ||
		    (rc = flat_value(&e.value, &val)) != 0)
			break;
		text_iso_time(e.at_ms, when);
		printf("%s  %s  %s  by %s on %.8s", when, e.field, val, e.by,
		    e.device);
		if (strcmp(e.state, "pending") == 0) {
			printf("  pending");
		} else if (e.refusal != NULL) {
			struct iro_value r = { .type = IRO_V_STR,
			    .s = e.refusal };

			if ((rc = flat_value(&r, &why)) == 0)
				printf("  refused%s%s", why[0] ? ": " : "", why);
			free(why);
			why = NULL;
		}
		printf("%s%s\n", e.current ? "  (current)" : "",
		    e.superseded ? "  (superseded)" : "");
		free(val);
		val = NULL;
	}
	return rc;
}

int
cmd_history(struct cli *c, int argc, char **argv)
{
	struct args_opt opts[] = {
		{ "field", 1, NULL, 0 }, { "json", 0, NULL, 0 }
	};
	struct iro_history *hs = NULL;
	char *pos[1];
	struct iro *h;
	size_t npos;
	int rc = args_parse(c, "history", argc, argv, opts, N(opts), pos, 1,
	    1, &npos);

	if (rc != CLI_OK)
		return rc == ARGS_HELP ? CLI_OK : rc;
	if ((rc = cli_open(c, &h)) != CLI_OK)
		return rc;
	rc = iro_history_get(h, pos[0], args_value(opts, N(opts), "field"),
	    &hs);
	if (rc != 0)
		return cli_fail(c, rc, "history");
	rc = args_flag(opts, N(opts), "json") ? out_history(stdout, hs) :
	    print_history(hs);
	iro_history_free(hs);
	if (rc == IRO_EIO || (rc == 0 && ferror(stdout)))
		return cli_out_error(c);
	return rc == 0 ? CLI_OK : cli_fail(c, rc, "history");
}
