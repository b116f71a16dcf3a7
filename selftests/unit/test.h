/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A tiny harness for the unit tests, in the manner of the kernel's selftests:
 * a test is a run of checks that log what went wrong and return whether they
 * held (so a test can stop early: if (!ASSERT_OK(err, "load")) return;), and
 * each test ends in exactly one result line that selftests/run.sh counts:
 *
 *	TEST: <name, padded to 66 columns>                             [ OK ]
 *
 * or [FAIL]. Unit tests never skip: what they need is installed, and a
 * bare [SKIP] fails the suite (selftests/tally.sh). Failed checks explain
 * themselves on stderr, on lines indented by four spaces, just before the
 * result line of their test.
 */
#ifndef TCCTL_SELFTESTS_TEST_H
#define TCCTL_SELFTESTS_TEST_H

#include <stdbool.h>
#include <stdarg.h>
#include <string.h>
#include <stdio.h>

struct test_state {
	int checks_failed; /* in the running test */
	int tests_failed;
	int tests_passed;
};

static struct test_state test_state __attribute__((unused));

static inline void test_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline void test_msg(const char *fmt, ...)
{
	va_list ap;

	fputs("    ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Records a failed check of the running test; returns ok. */
static inline bool test_check(bool ok, const char *file, int line)
{
	if (!ok) {
		test_state.checks_failed++;
		test_msg("at %s:%d", file, line);
	}
	return ok;
}

#define ASSERT_TRUE(cond, what)                                                                   \
	({                                                                                        \
		bool ___ok = (cond);                                                              \
		if (!___ok)                                                                       \
			test_msg("%s: not true: %s", (what), #cond);                              \
		test_check(___ok, __FILE__, __LINE__);                                            \
	})

/* For integers up to 64 bits, signed or not: shown both ways when they differ. */
#define ASSERT_EQ(got, want, what)                                                                \
	({                                                                                        \
		unsigned long long ___g = (unsigned long long)(got);                              \
		unsigned long long ___w = (unsigned long long)(want);                             \
		bool ___ok = ___g == ___w;                                                        \
		if (!___ok)                                                                       \
			test_msg("%s: got %lld (%#llx), want %lld (%#llx)", (what),               \
				 (long long)___g, ___g, (long long)___w, ___w);                   \
		test_check(___ok, __FILE__, __LINE__);                                            \
	})

/* err is 0 or -errno, as libbpf returns it */
#define ASSERT_OK(err, what)                                                                      \
	({                                                                                        \
		int ___e = (err);                                                                 \
		bool ___ok = ___e == 0;                                                           \
		if (!___ok)                                                                       \
			test_msg("%s: %d (%s)", (what), ___e, strerror(-___e));                   \
		test_check(___ok, __FILE__, __LINE__);                                            \
	})

#define ASSERT_MEMEQ(got, want, len, what)                                                        \
	({                                                                                        \
		bool ___ok = memcmp((got), (want), (len)) == 0;                                   \
		if (!___ok)                                                                       \
			test_msg("%s: the %zu bytes differ", (what), (size_t)(len));              \
		test_check(___ok, __FILE__, __LINE__);                                            \
	})

/* Prints the result line of the test that just ran and starts the next one afresh. */
static inline void test_report(const char *name)
{
	const char *result = " OK ";

	if (test_state.checks_failed) {
		result = "FAIL";
		test_state.tests_failed++;
	} else {
		test_state.tests_passed++;
	}
	fflush(stderr);
	printf("TEST: %-66s [%s]\n", name, result);
	fflush(stdout);
	test_state.checks_failed = 0;
}

/* main's exit status: 1 if any test failed */
static inline int test_exit_status(void)
{
	return test_state.tests_failed ? 1 : 0;
}

#endif /* TCCTL_SELFTESTS_TEST_H */
