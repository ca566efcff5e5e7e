/*
 * schema_int.h - what the schema module's two files share: the table
 * (schema_table.c) that the lookups and checks (schema.c) read.
 */
#ifndef SCHEMA_INT_H
#define SCHEMA_INT_H

#include <stddef.h>

#include "schema.h"

extern const struct schema_type schema_types[];
extern const size_t schema_ntypes;

#endif
