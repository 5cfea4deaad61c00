/* data_scan_decode.c - decode a compressed stream with libarchive's raw
 * format, as the dataset-origin plugin does (input.c), and discard it:
 * bench/data-scan times it beside `zstd -dc > /dev/null`, to show what
 * the choice of libarchive over libzstd costs.  Built by the bench with
 * cc THIS -larchive.  Prints the decoded byte count. */
#include <stdio.h>
#include <stdlib.h>

#include <archive.h>
#include <archive_entry.h>

int main(int argc, char **argv)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	static char buf[64 << 10];
	long long total = 0;
	la_ssize_t n;

	if (argc != 2 || !a)
		return 2;
	archive_read_support_filter_gzip(a);
	archive_read_support_filter_zstd(a);
	archive_read_support_filter_xz(a);
	archive_read_support_format_raw(a);
	if (archive_read_open_filename(a, argv[1], 1 << 20) != ARCHIVE_OK ||
	    archive_read_next_header(a, &e) != ARCHIVE_OK) {
		fprintf(stderr, "%s\n", archive_error_string(a));
		return 1;
	}
	while ((n = archive_read_data(a, buf, sizeof(buf))) > 0)
		total += n;
	archive_read_free(a);
	if (n < 0)
		return 1;
	printf("%lld\n", total);
	return 0;
}
