/* A QR code (libqrencode) as the geometry of an inline SVG drawing. */
#ifndef AXON_QR_H
#define AXON_QR_H
#include <jansson.h>

/* {"view_box", "path"}: one path of unit squares (runs of dark modules per
 * row) inside the quiet zone of four modules; NULL if text does not fit. */
json_t *qr_drawing(const char *text);

#endif
