/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* A file with given bytes under /tmp, for the Kerberos file suites'
 * load functions (check_krb_conf.c, check_krb_keytab.c, check_krb_ccache.c). */
#ifndef SSPISHIM_TESTS_KRB_TMPFILE_H
#define SSPISHIM_TESTS_KRB_TMPFILE_H

#include <stdlib.h>
#include <unistd.h>

#include "testutil.h"

static char tmp_path[64];

static TESTUTIL_UNUSED void write_tmp(const void *data, size_t len)
{
    int fd;

    strcpy(tmp_path, "/tmp/check_krb-XXXXXX");
    fd = mkstemp(tmp_path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
    close(fd);
}

#endif
