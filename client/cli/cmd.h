/*
 * cmd.h - the `iro` commands.  Each takes the words after its name and
 * returns an exit code (enum cli_exit), having printed any message.
 *
 * As in git's builtins, the commands are spread over a few files by
 * subject and share the cmd_ prefix; cmd.c owns the dispatch table.
 */
#ifndef CMD_H
#define CMD_H

#include "cli.h"

/* Field names the commands fill from their options (common/schema.c). */
#define CMD_F_CHILD "child"
#define CMD_F_DATE "date"
#define CMD_F_SEEN_ALONE "seen_alone"
#define CMD_F_NOTE "note"
#define CMD_F_TEXT "text"
#define CMD_F_STATUS "status"
#define CMD_F_TYPE "type"
#define CMD_F_SUPERSEDES "supersedes"
#define CMD_F_REVIEW "review"
#define CMD_F_DISPUTE "dispute"

/*
 * cmd_run - run the command named by argv[0] with the rest of argv.
 * Outside batch every command is allowed; inside, enrol and batch are
 * not.  Returns an exit code.
 */
int cmd_run(struct cli *c, int argc, char **argv);

/* Shared by the commands (cmd.c). */

/* A subcommand's function. */
typedef int (*cmd_fn)(struct cli *c, int argc, char **argv);

/*
 * cmd_subcommand - run the subcommand of `group` named by argv[0] (from
 * names[]/fns[]); "help" or "--help" shows the group's help.  Returns an
 * exit code.
 */
int cmd_subcommand(struct cli *c, const char *group, int argc, char **argv,
    const char *const *names, const cmd_fn *fns, size_t n);

/*
 * cmd_find_child - the child's record id for what the user typed (a record id
 * or a council child id).  Returns CLI_OK or an exit code after printing
 * "CMD: no child 'KEY' ...".
 */
int cmd_find_child(struct cli *c, struct iro *h, const char *cmd,
    const char *key, char id[IRO_ID_HEX + 1]);

/*
 * cmd_ready - what a worklist command needs once its words are good:
 * today (cli_today) and the open replica.  Returns CLI_OK or an exit
 * code after printing why.
 */
int cmd_ready(struct cli *c, struct iro **h, char today[CLI_DATE_LEN]);

/*
 * cmd_record - the record `id`, which must be of `type`.  *out (caller
 * frees with iro_record_free) may be NULL when only the check matters.
 * Returns CLI_OK or an exit code after printing why.
 */
int cmd_record(struct cli *c, struct iro *h, const char *cmd,
    const char *id, const char *type, struct iro_record **out);

/*
 * cmd_create - iro_create, then print the new id on its own line unless
 * quiet.  id (optional) receives it.  Returns CLI_OK or an exit code
 * after printing the library's reason.
 */
int cmd_create(struct cli *c, struct iro *h, const char *cmd,
    const char *type, const struct iro_field_text *f, size_t n, int quiet,
    char id[IRO_ID_HEX + 1]);

/*
 * cmd_set_fields - iro_set each of f[0..n) on record `id` in order,
 * stopping at the first refused.  Returns CLI_OK or an exit code after
 * printing the library's reason.
 */
int cmd_set_fields(struct cli *c, struct iro *h, const char *cmd,
    const char *id, const struct iro_field_text *f, size_t n);

/* cmd_text - a string field of r, or NULL when unset or not a string. */
const char *cmd_text(const struct iro_record *r, const char *name);

/* cmd_account.c */
int cmd_enrol(struct cli *c, int argc, char **argv);
int cmd_sync(struct cli *c, int argc, char **argv);
int cmd_status(struct cli *c, int argc, char **argv);

/* cmd_record.c */
int cmd_visit(struct cli *c, int argc, char **argv);
int cmd_note(struct cli *c, int argc, char **argv);
int cmd_flag(struct cli *c, int argc, char **argv);
int cmd_show(struct cli *c, int argc, char **argv);
int cmd_set(struct cli *c, int argc, char **argv);
int cmd_unset(struct cli *c, int argc, char **argv);
int cmd_delete(struct cli *c, int argc, char **argv);

/* cmd_review.c */
int cmd_review(struct cli *c, int argc, char **argv);
int cmd_decision(struct cli *c, int argc, char **argv);

/* cmd_dispute.c */
int cmd_dispute(struct cli *c, int argc, char **argv);

/* cmd_casework.c */
int cmd_children(struct cli *c, int argc, char **argv);
int cmd_agenda(struct cli *c, int argc, char **argv);

/* cmd_child.c */
int cmd_child(struct cli *c, int argc, char **argv);

/* cmd_list.c */
int cmd_visits(struct cli *c, int argc, char **argv);
int cmd_notes(struct cli *c, int argc, char **argv);

/* cmd_conflict.c */
int cmd_conflicts(struct cli *c, int argc, char **argv);
int cmd_resolve(struct cli *c, int argc, char **argv);

/* cmd_history.c */
int cmd_history(struct cli *c, int argc, char **argv);

/* cmd_passphrase.c */
int cmd_passphrase(struct cli *c, int argc, char **argv);

/* cmd_batch.c */
int cmd_batch(struct cli *c, int argc, char **argv);

#endif
