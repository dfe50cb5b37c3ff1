/*
 * main.c: the `postern` command.
 *
 *   postern gen [-o DIR] [-I DIR]... [-r] [-q] FILE.thrift
 *   postern --help | --version
 *
 * Exit status: 0 done, 1 the IDL (or writing the output) failed, 2 the
 * command line was wrong.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gen.h"
#include "idl/idl.h"
#include "postern/version.h"

enum { EXIT_IDL = 1, EXIT_USAGE = 2 };

static const char usage_text[] =
    "usage: postern gen [-o DIR] [-I DIR]... [-r] [-q] FILE.thrift\n"
    "       postern --help | --version\n";

static const char help_text[] =
    "postern: Thrift IDL to C for the postern RPC library.\n"
    "\n"
    "usage: postern gen [-o DIR] [-I DIR]... [-r] [-q] FILE.thrift\n"
    "       postern --help | --version\n"
    "\n"
    "gen writes NAME.h and NAME.c for FILE.thrift (NAME is the file name\n"
    "without .thrift). C names start with the prefix from `namespace c PREFIX`\n"
    "(dots become underscores), or else with NAME.\n"
    "\n"
    "  -o, --out DIR       write the files into DIR (created if missing;\n"
    "                      default: the current directory)\n"
    "  -I, --include DIR   look for included IDL files in DIR too, after the\n"
    "                      including file's own directory (repeatable)\n"
    "  -r, --recursive     also generate code for every included file\n"
    "                      (each NAME.h includes its includes' NAME.h)\n"
    "  -q, --quiet         do not print warnings\n"
    "  -h, --help          show this help\n"
    "      --version       show the version\n"
    "\n"
    "Errors are printed as FILE:LINE:COLUMN: message.\n"
    "Exit status: 0 success, 1 IDL or output error, 2 usage error.\n";

static int usage_error(const char *fmt, const char *arg)
{
    fputs("postern: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs("\n", stderr);
    fputs(usage_text, stderr);
    fputs("Try 'postern --help' for more.\n", stderr);
    return EXIT_USAGE;
}

typedef struct options {
    const char *out_dir;
    const char **include_dirs;
    int ninclude_dirs;
    bool recursive;
    bool quiet;
    const char *file;
} options;

/* The value of an option that takes one: "-oDIR", "-o DIR", "--out=DIR",
 * "--out DIR". NULL when missing. */
static const char *option_value(int argc, char **argv, int *i, const char *shortopt,
                                const char *longopt)
{
    const char *a = argv[*i];
    size_t ls = strlen(shortopt), ll = strlen(longopt);
    if (strncmp(a, longopt, ll) == 0 && a[ll] == '=')
        return a + ll + 1;
    if (strcmp(a, longopt) == 0 || strcmp(a, shortopt) == 0)
        return *i + 1 < argc ? argv[++*i] : NULL;
    if (strncmp(a, shortopt, ls) == 0 && a[ls])
        return a + ls;
    return NULL;
}

static bool is_option(const char *a, const char *shortopt, const char *longopt)
{
    size_t ls = strlen(shortopt), ll = strlen(longopt);
    return strcmp(a, shortopt) == 0 || strcmp(a, longopt) == 0 ||
           (strncmp(a, longopt, ll) == 0 && a[ll] == '=') ||
           (strncmp(a, shortopt, ls) == 0 && a[ls] && a[1] != '-');
}

static int parse_gen_args(int argc, char **argv, options *o)
{
    o->include_dirs = calloc((size_t)argc, sizeof *o->include_dirs);
    if (!o->include_dirs) {
        fputs("postern: out of memory\n", stderr);
        return EXIT_IDL;
    }
    bool only_files = false;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        if (only_files || a[0] != '-' || strcmp(a, "-") == 0) {
            if (o->file)
                return usage_error("gen takes one IDL file, got '%s' as well", a);
            o->file = a;
        } else if (strcmp(a, "--") == 0) {
            only_files = true;
        } else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(help_text, stdout);
            exit(0);
        } else if (strcmp(a, "-r") == 0 || strcmp(a, "--recursive") == 0) {
            o->recursive = true;
        } else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
            o->quiet = true;
        } else if (is_option(a, "-o", "--out")) {
            const char *v = option_value(argc, argv, &i, "-o", "--out");
            if (!v || !*v)
                return usage_error("option '%s' needs a directory", a);
            o->out_dir = v;
        } else if (is_option(a, "-I", "--include")) {
            const char *v = option_value(argc, argv, &i, "-I", "--include");
            if (!v || !*v)
                return usage_error("option '%s' needs a directory", a);
            o->include_dirs[o->ninclude_dirs++] = v;
        } else {
            return usage_error("unknown option '%s'", a);
        }
    }
    if (!o->file)
        return usage_error("gen needs an IDL file%s", "");
    return 0;
}

/* mkdir -p */
static int make_dirs(const char *dir)
{
    char *copy = strdup(dir);
    if (!copy)
        return -ENOMEM;
    for (char *p = copy + 1;; p++) {
        if (*p == '/' || *p == '\0') {
            char c = *p;
            *p = '\0';
            if (mkdir(copy, 0777) != 0 && errno != EEXIST) {
                int e = errno;
                free(copy);
                return -e;
            }
            if (!c)
                break;
            *p = c;
        }
    }
    free(copy);
    struct stat st;
    if (stat(dir, &st) != 0)
        return -errno;
    return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
}

/* Write parts[0..n) through a temporary file and rename, so a failed run
 * never leaves half a file behind. */
static int write_file(const char *path, const pst__sbuf *const *parts, int nparts)
{
    size_t n = strlen(path) + 32;
    char *tmp = malloc(n);
    if (!tmp) {
        fputs("postern: out of memory\n", stderr);
        return -1;
    }
    snprintf(tmp, n, "%s.tmp%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "wb");
    if (!f) {
        fprintf(stderr, "postern: cannot write '%s': %s\n", tmp, strerror(errno));
        free(tmp);
        return -1;
    }
    bool ok = true;
    for (int i = 0; i < nparts; i++)
        if (parts[i]->len)
            ok = fwrite(parts[i]->data, 1, parts[i]->len, f) == parts[i]->len && ok;
    ok = (fclose(f) == 0) && ok;
    if (!ok || rename(tmp, path) != 0) {
        fprintf(stderr, "postern: cannot write '%s': %s\n", path, strerror(errno));
        remove(tmp);
        free(tmp);
        return -1;
    }
    free(tmp);
    return 0;
}

/* Generated headers sit on include paths; one named like a system header
 * would hide it from every #include <NAME.h> in that build. */
static bool system_header_name(const char *base)
{
    static const char *const names[] = {
        "aio", "alloca", "arpa", "assert", "byteswap", "complex", "cpio", "ctype",
        "dirent", "dlfcn", "elf", "endian", "err", "errno", "error", "fcntl", "features",
        "fenv", "float", "fnmatch", "ftw", "getopt", "glob", "grp", "iconv", "inttypes",
        "iso646", "langinfo", "libgen", "limits", "link", "locale", "malloc", "math",
        "memory", "monetary", "mqueue", "netdb", "nl_types", "poll", "pthread", "pwd",
        "regex", "sched", "search", "semaphore", "setjmp", "signal", "spawn", "stdalign",
        "stdarg", "stdatomic", "stdbool", "stddef", "stdint", "stdio", "stdlib",
        "stdnoreturn", "string", "strings", "syscall", "syslog", "tar", "termios",
        "tgmath", "threads", "time", "uchar", "ucontext", "unistd", "utime", "utmp",
        "values", "wchar", "wctype", "wordexp",
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(base, names[i]) == 0)
            return true;
    return false;
}

static char *out_path(const char *dir, const char *base, const char *ext)
{
    size_t n = strlen(dir) + strlen(base) + strlen(ext) + 3;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", base, ext);
    return p;
}

static int generate(const options *o)
{
    pst_idl_options io = { 0 };
    io.warnings = !o->quiet;
    pst_idl_session *s = pst__idl_session_new(&io);
    if (!s) {
        fputs("postern: out of memory\n", stderr);
        return EXIT_IDL;
    }
    for (int i = 0; i < o->ninclude_dirs; i++)
        pst__idl_session_add_include_dir(s, o->include_dirs[i]);
    pst_idl_program *root = pst__idl_load_file(s, o->file);
    pst__idl_print_diags(s, stderr);
    if (!root) {
        pst__idl_session_free(s);
        return EXIT_IDL;
    }

    unsigned n;
    pst_idl_program *const *all = pst__idl_programs(s, &n);
    int rc = 0;
    /* every program sharing this build must differ in file and prefix */
    for (unsigned i = 0; i < n && rc == 0; i++) {
        for (unsigned j = 0; j < i; j++) {
            if (strcmp(all[i]->name, all[j]->name) == 0 && o->recursive) {
                fprintf(stderr, "postern: '%s' and '%s' would both generate %s.h/.c\n",
                        all[j]->path, all[i]->path, all[i]->name);
                rc = EXIT_IDL;
                break;
            }
            if (strcmp(all[i]->c_prefix, all[j]->c_prefix) == 0) {
                fprintf(stderr, "postern: '%s' and '%s' both use the C prefix '%s'; give one "
                                "a different 'namespace c'\n",
                        all[j]->path, all[i]->path, all[i]->c_prefix);
                rc = EXIT_IDL;
                break;
            }
        }
    }
    const char *dir = o->out_dir ? o->out_dir : ".";
    if (rc == 0 && o->out_dir) {
        int e = make_dirs(o->out_dir);
        if (e) {
            fprintf(stderr, "postern: cannot create directory '%s': %s\n", o->out_dir,
                    strerror(-e));
            rc = EXIT_IDL;
        }
    }
    for (unsigned i = 0; i < n && rc == 0; i++) {
        if (!o->recursive && all[i] != root)
            continue;
        if (!o->quiet && system_header_name(all[i]->name))
            fprintf(stderr, "%s: warning: the generated %s.h has the name of a system header; "
                            "on an include path it hides <%s.h> (rename the IDL file)\n",
                    all[i]->path, all[i]->name, all[i]->name);
        pst__gen g;
        pst__gen_init(&g, all[i]);
        if (pst__gen_program(&g) != 0) {
            fprintf(stderr, "%s: %s\n", all[i]->path, g.error);
            rc = EXIT_IDL;
        } else {
            char *hp = out_path(dir, g.base, ".h"), *cp = out_path(dir, g.base, ".c");
            const pst__sbuf *header[] = { &g.h };
            const pst__sbuf *source[] = { &g.c, &g.types_out, &g.body };
            if (!hp || !cp || write_file(hp, header, 1) != 0 || write_file(cp, source, 3) != 0)
                rc = EXIT_IDL;
            free(hp);
            free(cp);
        }
        pst__gen_free(&g);
    }
    pst__idl_session_free(s);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return usage_error("no command given (try 'gen')%s", "");
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        fputs(help_text, stdout);
        return 0;
    }
    if (strcmp(cmd, "--version") == 0) {
        printf("postern %s\n", PST_VERSION_STRING);
        return 0;
    }
    if (strcmp(cmd, "gen") != 0)
        return usage_error(cmd[0] == '-' ? "unknown option '%s'" : "unknown command '%s'", cmd);
    options o = { 0 };
    int rc = parse_gen_args(argc, argv, &o);
    if (rc == 0)
        rc = generate(&o);
    free(o.include_dirs);
    return rc;
}
