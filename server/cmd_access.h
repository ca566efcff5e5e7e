/*
 * cmd_access.h - the iro-server commands that change an account's state
 * (cmd_users.c) and the one that reads the audit log (cmd_audit.c).  They
 * follow cmd.h's conventions: the words after the command's name in, an
 * exit code (enum cmd_exit) out.
 */
#ifndef SERVER_CMD_ACCESS_H
#define SERVER_CMD_ACCESS_H

/* cmd_users.c: user disable|enable --data DIR USERNAME, and
 * user password --data DIR USERNAME (the new password on stdin). */
int cmd_user_disable(int argc, char **argv);
int cmd_user_enable(int argc, char **argv);
int cmd_user_password(int argc, char **argv);

/* cmd_audit.c: audit --data DIR [--child ID] [--user NAME]
 * [--since YYYY-MM-DD] [--json] */
int cmd_audit(int argc, char **argv);

#endif
