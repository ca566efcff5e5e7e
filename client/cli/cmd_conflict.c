/*
 * cmd_conflict.c - conflicts and resolve.
 */
#include "cmd.h"

#include <stdlib.h>

#include "args.h"
#include "out.h"
#include "text.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* A value on one line, for the plain listing. */
static int
print_value(const char *label, const struct iro_value *v)
{
	char *s = NULL, *p;
	int rc;

	if ((rc = text_value(v, &s)) != 0)
		return rc;
	for (p = s; *p; p++)
		if (*p == '\n' || *p == '\t')
			*p = ' ';
	printf("  %s%s\n", label, s);
	free(s);
	return 0;
}

static int
print_conflicts(const struct iro_conflicts *cs)
{
	struct iro_conflict_info info;
	struct iro_conflict_value cv;
	char when[TEXT_TIME_LEN], label[256];
	size_t i, j, n = iro_conflicts_count(cs);
	int rc = 0;

	for (i = 0; i < n && rc == 0; i++) {
		if ((rc = iro_conflicts_at(cs, i, &info)) != 0)
			break;
		printf("%s%s (%s %s)\n", i ? "\n" : "", info.id, info.type,
		    info.field);
		rc = print_value("current: ", &info.current);
		for (j = 0; j < info.nvalues && rc == 0; j++) {
			if ((rc = iro_conflicts_value(cs, i, j, &cv)) != 0)
				break;
			text_iso_time(cv.at_ms, when);
			snprintf(label, sizeof label, "by %s on device %.8s at "
			    "%s%s: ", cv.by, cv.device, when, cv.refused_by_rule ?
			    " (refused: the note is final)" : "");
			rc = print_value(label, &cv.value);
		}
	}
	return rc;
}

int
cmd_conflicts(struct cli *c, int argc, char **argv)
{
	struct args_opt opts[] = { { "json", 0, NULL, 0 } };
	struct iro_conflicts *cs = NULL;
	struct iro *h;
	size_t npos;
	int rc;

	rc = args_parse(c, "conflicts", argc, argv, opts, N(opts), NULL, 0, 0,
	    &npos);
	if (rc != CLI_OK)
		return rc == ARGS_HELP ? CLI_OK : rc;
	if ((rc = cli_open(c, &h)) != CLI_OK)
		return rc;
	if ((rc = iro_conflicts_get(h, &cs)) != 0)
		return cli_fail(c, rc, "conflicts");
	rc = args_flag(opts, N(opts), "json") ? out_conflicts(stdout, cs) :
	    print_conflicts(cs);
	iro_conflicts_free(cs);
	if (rc == IRO_EIO)
		return cli_out_error(c);
	return rc == 0 ? CLI_OK : cli_fail(c, rc, "conflicts");
}

int
cmd_resolve(struct cli *c, int argc, char **argv)
{
	struct args_opt opts[] = { { "value", 1, NULL, 0 } };
	char *pos[1];
	struct iro *h;
	size_t npos;
	int rc;

	rc = args_parse(c, "resolve", argc, argv, opts, N(opts), pos, 1, 1,
	    &npos);
	if (rc != CLI_OK)
		return rc == ARGS_HELP ? CLI_OK : rc;
	if (!args_flag(opts, N(opts), "value")) {
		cli_error(c, "resolve: --value VALUE is required");
		return CLI_EUSAGE;
	}
	if ((rc = cli_open(c, &h)) != CLI_OK)
		return rc;
	rc = iro_resolve(h, pos[0], args_value(opts, N(opts), "value"));
	return rc == 0 ? CLI_OK : cli_fail(c, rc, "resolve");
}
