/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Constants in an object's .rodata ("const volatile" globals): set before
 * load, so that the verifier sees them as constants, and read back from a
 * running program. Variables are found by name through BTF, so their order
 * in the section is the compiler's business.
 */
#ifndef TCCTL_RODATA_H
#define TCCTL_RODATA_H

#include <stddef.h>
#include <stdint.h>

struct bpf_object;

/* before bpf_object__load(); -ENOENT if the object has no such variable */
int rodata_set(struct bpf_object *obj, const char *var, const void *value, size_t size);
/* from the program the kernel runs as prog_id */
int rodata_get(uint32_t prog_id, const char *var, void *value, size_t size);

#endif /* TCCTL_RODATA_H */
