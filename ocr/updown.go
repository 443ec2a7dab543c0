package ocr

/*
#cgo LDFLAGS: -lleptonica
#include <stdlib.h>
#include <leptonica/allheaders.h>

// updown binarises an 8-bit grey image (with background normalisation, so that
// shadows do not turn paper black) and measures whether its text is
// upright: conf > 0 upright, < 0 upside down; -1000 if it cannot tell.
static float updown(const unsigned char* data, size_t n) {
	float conf = -1000;
	PIX* gray = pixReadMem(data, n);
	if (gray == NULL) return conf;
	PIX* bin = pixOtsuThreshOnBackgroundNorm(gray, NULL, 10, 15, 100, 50, 255, 2, 2, 0.1, NULL);
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
func UpsideDown(img *image.Gray) (upsideDown bool, confidence float64, ok bool) {
	// Half the resolution keeps the counts and costs a quarter of the
	// time on the large pages preprocessing outputs.
	for img.Rect.Dx()*img.Rect.Dy() > 4_000_000 {
		img = halve(img)
	}
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

// halve returns img at half its width and height, each pixel the mean of
// four.
func halve(img *image.Gray) *image.Gray {
	w, h := img.Rect.Dx()/2, img.Rect.Dy()/2
	out := image.NewGray(image.Rect(0, 0, w, h))
	for y := range h {
		r0 := img.Pix[2*y*img.Stride:]
		r1 := img.Pix[(2*y+1)*img.Stride:]
		row := out.Pix[y*out.Stride:]
		for x := range w {
			row[x] = uint8((int(r0[2*x]) + int(r0[2*x+1]) + int(r1[2*x]) + int(r1[2*x+1]) + 2) / 4)
		}
	}
	return out
}
