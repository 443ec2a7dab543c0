package ocr

/*
#cgo LDFLAGS: -ltesseract
#include <stdlib.h>
#include <tesseract/capi.h>

static TessBaseAPI* osd_new(void) {
	TessBaseAPI* api = TessBaseAPICreate();
	if (TessBaseAPIInit3(api, NULL, "osd") != 0) {
		TessBaseAPIDelete(api);
		return NULL;
	}
	TessBaseAPISetVariable(api, "user_defined_dpi", "300");
	return api;
}

static int osd_detect(TessBaseAPI* api, const unsigned char* pix, int w, int h, int stride, int* deg, float* conf) {
	const char* script = NULL;
	float script_conf = 0;
	TessBaseAPISetImage(api, pix, w, h, 1, stride);
	int ok = TessBaseAPIDetectOrientationScript(api, deg, conf, &script, &script_conf);
	TessBaseAPIClear(api);
	return ok;
}
*/
import "C"

import (
	"context"
	"errors"
	"image"
)

// ErrNoOrientation is returned when OSD finds too little text to decide.
var ErrNoOrientation = errors.New("ocr: orientation not detected")

// Orientation is OSD's verdict on a page.
type Orientation struct {
	// Degrees the page must be turned clockwise to be upright: 0, 90, 180
	// or 270.
	Rotate     int
	Confidence float64
}

// OSD detects page orientation with Tesseract's osd model. Like Pool it
// holds one engine per slot.
type OSD struct {
	apis chan *C.TessBaseAPI
}

// NewOSD returns n orientation detectors.
func NewOSD(n int) (*OSD, error) {
	o := &OSD{apis: make(chan *C.TessBaseAPI, max(n, 1))}
	for range cap(o.apis) {
		api := C.osd_new()
		if api == nil {
			o.Close()
			return nil, errors.New("ocr: cannot load Tesseract's osd model (is tesseract-ocr-osd installed?)")
		}
		o.apis <- api
	}
	return o, nil
}

// Close frees the detectors.
func (o *OSD) Close() {
	for range cap(o.apis) {
		select {
		case api := <-o.apis:
			C.TessBaseAPIEnd(api)
			C.TessBaseAPIDelete(api)
		default:
			return
		}
	}
}

// Detect returns how img must be turned to be upright.
func (o *OSD) Detect(ctx context.Context, img *image.Gray) (Orientation, error) {
	var api *C.TessBaseAPI
	select {
	case api = <-o.apis:
	case <-ctx.Done():
		return Orientation{}, ctx.Err()
	}
	defer func() { o.apis <- api }()
	w, h := img.Rect.Dx(), img.Rect.Dy()
	if w == 0 || h == 0 {
		return Orientation{}, ErrNoOrientation
	}
	pix := C.CBytes(img.Pix[:(h-1)*img.Stride+w])
	defer C.free(pix)
	var deg C.int
	var conf C.float
	if C.osd_detect(api, (*C.uchar)(pix), C.int(w), C.int(h), C.int(img.Stride), &deg, &conf) == 0 {
		return Orientation{}, ErrNoOrientation
	}
	// Tesseract reports how far the page is turned clockwise; undoing it
	// is the complement.
	return Orientation{Rotate: (360 - int(deg)) % 360, Confidence: float64(conf)}, nil
}
