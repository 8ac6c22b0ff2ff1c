/*
 * bench_parse - the baseline of `make bench`: parses JSON files and does
 * nothing else, so that cpreport's cost can be given as a multiple of it.
 *
 * Usage: tests/bench_parse FILE...
 *
 * It is cpreport itself (cpreport.c included, its main renamed) with the
 * same cJSON, the same arena behind cJSON_InitHooks and the same reader
 * (read_input), so the two differ only in what cpreport does beyond the
 * parse: its syntax pre-pass, loading, indicators and every output. As
 * cpreport does, it holds one file's text and tree at a time: each file is
 * read, parsed and freed before the next.
 *
 * Exit status: 0 when every file parsed, 2 otherwise.
 */
#define main cpreport_main
#include "../cpreport.c"
#undef main

int main(int argc, char **argv)
{
    cJSON_Hooks hooks = {json_malloc, json_free};
    cJSON_InitHooks(&hooks);
    int rc = 0;
    long items = 0;
    for (int i = 1; i < argc; i++) {
        size_t len;
        char *buf = read_input(argv[i], &len);
        if (!buf)
            return 2;
        const char *end = NULL;
        cJSON *root = cJSON_ParseWithLengthOpts(buf, len + 1, &end, 1);
        if (!root) {
            fprintf(stderr, "bench_parse: %s: invalid JSON\n", argv[i]);
            rc = 2;
        } else {
            /* Something of the tree is used, so no compiler can drop it. */
            items += cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(root, "schools"));
        }
        arena_free(&json_arena);
        free(buf);
    }
    printf("%ld schools\n", items);
    return rc;
}
