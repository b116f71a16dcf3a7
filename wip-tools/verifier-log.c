#include <stdio.h>
#include <bpf/libbpf.h>
static char log[1<<22];
static int pr(enum libbpf_print_level l, const char *f, va_list a){ if (l==LIBBPF_DEBUG) return 0; return vfprintf(stderr,f,a);}
int main(int c, char **v){
	libbpf_set_print(pr);
	struct bpf_object *o = bpf_object__open_file(v[1], NULL);
	struct bpf_program *p;
	bpf_object__for_each_program(p, o) {
		bpf_program__set_log_buf(p, log, sizeof log);
		bpf_program__set_log_level(p, 1);
	}
	struct bpf_map *m; bpf_object__for_each_map(m,o) bpf_map__set_pin_path(m, NULL);
	int r = bpf_object__load(o);
	fputs(log, stdout);
	printf("load: %d\n", r);
	return r != 0;
}
