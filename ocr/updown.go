package ocr

/*
#cgo LDFLAGS: -lleptonica
#include <stdlib.h>
#include <leptonica/allheaders.h>

// updown binarises an 8-bit grey image whose light preprocessing has evened
// (paper near white, so one threshold holds) and measures whether its text
// is upright: conf > 0 upright, < 0 upside down; -1000 if it cannot tell.
static float updown(const unsigned char* data, size_t n) {
	float conf = -1000;
	PIX* gray = pixReadMem(data, n);
	if (gray == NULL) return conf;
	PIX* bin = pixThresholdToBinary(gray, 160);
	if (bin != NULL && pixUpDownDetect(bin, &conf, 0, 0, 0) != 0) conf = -1000;
	pixDestroy(&bin);
	pixDestroy(&gray);
	return conf;
}
*/
import "C"

import (
	"image"
	"unsafe"
)

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
	data, err := encode(img)
	if err != nil {
		return false, 0, false
	}
	conf := float64(C.updown((*C.uchar)(unsafe.Pointer(&data[0])), C.size_t(len(data))))
	if conf == -1000 {
		return false, 0, false
	}
	return conf < 0, max(conf, -conf), true
}
