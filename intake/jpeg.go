package intake

/*
#cgo LDFLAGS: -ljpeg
#include <stdio.h>
#include <setjmp.h>
#include <jpeglib.h>

// quietErr makes libjpeg's errors return to jpegLuma, and counts its
// warnings instead of printing them.
struct quietErr {
	struct jpeg_error_mgr pub;
	jmp_buf jmp;
};

static void quietExit(j_common_ptr c) { longjmp(((struct quietErr*)c->err)->jmp, 1); }

static void quietEmit(j_common_ptr c, int level) {
	if (level < 0) c->err->num_warnings++;
}

// jpegLuma decodes the luminance of a JPEG of w×h pixels into out (rows
// packed). It returns 0 on success; -1 on any error or warning, or when
// the JPEG is not YCbCr or gray.
static int jpegLuma(const unsigned char* data, unsigned long n, int w, int h, unsigned char* out) {
	struct jpeg_decompress_struct cinfo;
	struct quietErr err;
	cinfo.err = jpeg_std_error(&err.pub);
	err.pub.error_exit = quietExit;
	err.pub.emit_message = quietEmit;
	if (setjmp(err.jmp)) {
		jpeg_destroy_decompress(&cinfo);
		return -1;
	}
	jpeg_create_decompress(&cinfo);
	jpeg_mem_src(&cinfo, data, n);
	jpeg_read_header(&cinfo, TRUE);
	if (cinfo.jpeg_color_space != JCS_YCbCr && cinfo.jpeg_color_space != JCS_GRAYSCALE) {
		jpeg_destroy_decompress(&cinfo);
		return -1;
	}
	cinfo.out_color_space = JCS_GRAYSCALE;
	jpeg_start_decompress(&cinfo);
	if (cinfo.output_width != (JDIMENSION)w || cinfo.output_height != (JDIMENSION)h || cinfo.output_components != 1) {
		jpeg_destroy_decompress(&cinfo);
		return -1;
	}
	JSAMPROW rows[16];
	while (cinfo.output_scanline < cinfo.output_height) {
		int k = 0;
		for (; k < 16 && cinfo.output_scanline + k < cinfo.output_height; k++) {
			rows[k] = out + (size_t)(cinfo.output_scanline + k) * w;
		}
		jpeg_read_scanlines(&cinfo, rows, k);
	}
	jpeg_finish_decompress(&cinfo);
	int warned = err.pub.num_warnings > 0;
	jpeg_destroy_decompress(&cinfo);
	return warned ? -1 : 0;
}
*/
import "C"

import (
	"bytes"
	"image"
	"image/jpeg"
	"unsafe"
)

// decodeJPEG decodes a JPEG to gray with libjpeg-turbo, reading only the
// luminance: Go's decoder also decodes the two chroma planes, which a
// gray page throws away, and has no SIMD; it took three times as long on
// a 12 MP photo. A JPEG libjpeg reads only with a warning (a truncated
// file, a bad marker), or that is not YCbCr or gray (CMYK), goes to Go's
// decoder, which then gives the error, or the image, it always gave.
func decodeJPEG(data []byte) (image.Image, error) {
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return jpeg.Decode(bytes.NewReader(data))
	}
	g := image.NewGray(image.Rect(0, 0, cfg.Width, cfg.Height))
	if len(g.Pix) > 0 && C.jpegLuma((*C.uchar)(unsafe.Pointer(&data[0])), C.ulong(len(data)),
		C.int(cfg.Width), C.int(cfg.Height), (*C.uchar)(unsafe.Pointer(&g.Pix[0]))) == 0 {
		return g, nil
	}
	return jpeg.Decode(bytes.NewReader(data))
}
