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

/*
 * cmd_run - run the command named by argv[0] with the rest of argv.
 * Outside batch every command is allowed; inside, enrol and batch are
 * not.  Returns an exit code.
 */
int cmd_run(struct cli *c, int argc, char **argv);

/* cmd_account.c */
int cmd_enrol(struct cli *c, int argc, char **argv);
int cmd_sync(struct cli *c, int argc, char **argv);
int cmd_status(struct cli *c, int argc, char **argv);

/* cmd_record.c */
int cmd_visit(struct cli *c, int argc, char **argv);
int cmd_note(struct cli *c, int argc, char **argv);
int cmd_show(struct cli *c, int argc, char **argv);
int cmd_set(struct cli *c, int argc, char **argv);
int cmd_unset(struct cli *c, int argc, char **argv);
int cmd_delete(struct cli *c, int argc, char **argv);

/* cmd_list.c */
int cmd_children(struct cli *c, int argc, char **argv);
int cmd_visits(struct cli *c, int argc, char **argv);
int cmd_notes(struct cli *c, int argc, char **argv);

/* cmd_conflict.c */
int cmd_conflicts(struct cli *c, int argc, char **argv);
int cmd_resolve(struct cli *c, int argc, char **argv);

/* cmd_batch.c */
int cmd_batch(struct cli *c, int argc, char **argv);

#endif
