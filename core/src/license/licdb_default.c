/* licdb_default.c - the database built into the library: licdb_blob.S,
 * generated from core/data/licdb.bin at build time, .incbin's it. */
#include <pthread.h>
#include <string.h>

#include "error.h"
#include "license/license_int.h"

extern const uint8_t pdg_licdb_blob[];
extern const uint8_t pdg_licdb_blob_end[];

static pthread_once_t default_once = PTHREAD_ONCE_INIT;
static pdg_license_db default_db;
static int default_rc;
static char default_msg[256];

static void default_init(void)
{
	size_t len = (size_t)(pdg_licdb_blob_end - pdg_licdb_blob);

	default_rc = lic_db_init(&default_db, pdg_licdb_blob, len);
	if (default_rc < 0) {
		size_t n = strlen(pdg_error_last());

		if (n >= sizeof(default_msg))
			n = sizeof(default_msg) - 1;
		memcpy(default_msg, pdg_error_last(), n);
		default_msg[n] = '\0';
	}
}

/* Free the built-in tables at exit so leak checkers see a clean heap. */
__attribute__((destructor)) static void default_fini(void)
{
	if (default_rc == 0 && default_db.hdr)
		lic_db_fini(&default_db);
}

int pdg_license_db_default(const pdg_license_db **out)
{
	*out = NULL;
	pthread_once(&default_once, default_init);
	if (default_rc < 0)
		return pdg_error_set(PDG_ERROR, "built-in %s", default_msg);
	*out = &default_db;
	return 0;
}
