#include "web/pages/qr.h"

#include <qrencode.h>
#include <stdio.h>

#include "strbuf.h"

#define QUIET_ZONE 4

json_t *qr_drawing(const char *text)
{
	QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (!q)
		return NULL;
	struct strbuf path = STRBUF_INIT;
	for (int y = 0; y < q->width; y++) {
		for (int x = 0; x < q->width;) {
			int run = 0;
			while (x + run < q->width && (q->data[y * q->width + x + run] & 1))
				run++;
			if (run)
				sb_printf(&path, "M%d %dh%dv1h-%dz", x + QUIET_ZONE, y + QUIET_ZONE, run, run);
			x += run ? run : 1;
		}
	}
	char box[48];
	snprintf(box, sizeof box, "0 0 %d %d", q->width + 2 * QUIET_ZONE, q->width + 2 * QUIET_ZONE);
	QRcode_free(q);
	json_t *d = json_pack("{s:s, s:s}", "view_box", box, "path", path.data ? path.data : "");
	sb_free(&path);
	return d;
}
