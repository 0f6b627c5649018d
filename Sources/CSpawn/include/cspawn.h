#ifndef GED_CSPAWN_H
#define GED_CSPAWN_H
#include <spawn.h>

/* posix_spawn_file_actions_addchdir_np is a GNU extension that Swift's Glibc
   module does not export; this wrapper makes it callable. */
int ged_spawn_file_actions_addchdir(posix_spawn_file_actions_t *actions, const char *path);

/* Closes every descriptor from `lowest` up in the child (glibc 2.34+), so a
   job inherits nothing of the worker's but what it is given. */
int ged_spawn_file_actions_addclosefrom(posix_spawn_file_actions_t *actions, int lowest);

#endif
