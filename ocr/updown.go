package ocr

/*
#cgo LDFLAGS: -lleptonica
#include <stdlib.h>
#include <leptonica/allheaders.h>

// updown binarises an 8-bit grey image (w×h, rows stride bytes apart)
// whose light preprocessing has evened (paper near white, so one threshold
// holds), and measures whether its text is upright: conf > 0 upright, < 0 upside down; -1000 if it cannot tell.
static float updown(const unsigned char* pix, int w, int h, int stride) {
	float conf = -1000;
	PIX* gray = pixCreate(w, h, 8);
	if (gray == NULL) return conf;
	l_uint32* line = pixGetData(gray);
	l_int32 wpl = pixGetWpl(gray);
	for (int y = 0; y < h; y++, line += wpl, pix += stride) {
		for (int x = 0; x < w; x++) SET_DATA_BYTE(line, x, pix[x]);
	}
	PIX* bin = pixThresholdToBinary(gray, 160);
	if (bin != NULL && pixUpDownDetect(bin, &conf, 0, 0, 0) != 0) conf = -1000;
	pixDestroy(&bin);
	pixDestroy(&gray);
	return conf;
}

static void quiet(void) { setMsgSeverity(L_SEVERITY_NONE); }
*/
import "C"

import (
	"image"
	"unsafe"
)

// Leptonica, under Tesseract too, writes its errors to stderr ("Error in
// pixScanForForeground: invalid box"), mixed with coffre's structured
// logs; they reach us as return values where they matter.
func init() { C.quiet() }

// UpsideDown reports whether the text of img is upside down, and
// Leptonica's confidence in that verdict (above 5 it is reliable on A4
// pages; ID cards, with little running text, score lower). It counts
// ascenders against descenders in text lines (Latin text has far more of
// the former) and needs no OCR. ok is false when it cannot tell.
//
// It reads the page at the size preprocessing gave it, where the
// x-height is 16–26 px, the scale Leptonica's counts are made for. At half
// that size it was blind on photos: confidence 0 on most corpus photos of
// A4 pages, where at full size it is 10–21 and right. Leptonica's own
// background normalisation, redundant after preprocessing, took four
// fifths of its time.
func UpsideDown(img *image.Gray) (upsideDown bool, confidence float64, ok bool) {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	if w == 0 || h == 0 {
		return false, 0, false
	}
	conf := float64(C.updown((*C.uchar)(unsafe.Pointer(&img.Pix[img.PixOffset(img.Rect.Min.X, img.Rect.Min.Y)])), C.int(w), C.int(h), C.int(img.Stride)))
	if conf == -1000 {
		return false, 0, false
	}
	return conf < 0, max(conf, -conf), true
}
