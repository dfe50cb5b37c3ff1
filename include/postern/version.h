/*
 * postern/version.h: the library's version, for #if checks and for
 * reporting (GET /status, `postern --version`).
 */
#ifndef POSTERN_VERSION_H
#define POSTERN_VERSION_H

#define PST_VERSION_MAJOR 0
#define PST_VERSION_MINOR 2
#define PST_VERSION_PATCH 0
#define PST_VERSION_STRING "0.2.0"

#endif
