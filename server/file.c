/*
 * file.c - reading a whole input file with a size limit (file.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file.h"
#include "iro_error.h"
#include "why.h"

int
file_read(const char *path, size_t max, char **out, size_t *len,
    char *why, size_t whylen)
{
	char *buf = NULL;
	struct stat sb;
	size_t n = 0, size;
	ssize_t got;
	int fd, rc = 0;

	*out = NULL;
	*len = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return why_set(why, whylen, errno == ENOENT ? IRO_ENOTFOUND :
		    IRO_EIO, "cannot open '%s': %s", path, strerror(errno));
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		rc = why_set(why, whylen, IRO_EIO, "'%s' is not a file", path);
		goto out;
	}
	if (sb.st_size < 0 || (uint64_t)sb.st_size > max) {
		rc = why_set(why, whylen, IRO_ETOOBIG, "'%s' is over %zu bytes",
		    path, max);
		goto out;
	}
	size = (size_t)sb.st_size;
	/* One spare byte shows whether the file grew past its size, and
	 * holds the NUL. */
	if ((buf = malloc(size + 1)) == NULL) {
		rc = IRO_ENOMEM;
		goto out;
	}
	while (n <= size && (got = read(fd, buf + n, size + 1 - n)) != 0) {
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			rc = why_set(why, whylen, IRO_EIO, "cannot read '%s': "
			    "%s", path, strerror(errno));
			goto out;
		}
		n += (size_t)got;
	}
	if (n > size)
		rc = why_set(why, whylen, IRO_EIO, "'%s' changed while being "
		    "read", path);
out:
	close(fd);
	if (rc != 0) {
		free(buf);
		return rc;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}
