// Package preprocess prepares an upright, decoded page image (EXIF orientation
// already applied) for Tesseract: it finds the document on its background and
// perspective-corrects it, detects quarter turns, corrects small skew,
// converts to gray and rescales so that text lands at the size Tesseract's
// LSTM reads best; a photographed page whose text covers a small part of
// it (a card photocopied on A4) is cut down to that text. It also measures
// image quality for a readability gate.
//
// Everything is *found* on small working copies (long side ~1000 px) and then
// applied as a single projective transform to the full-resolution gray image,
// so a 12 MP photo is resampled exactly once.
package preprocess

import (
	"context"
	"errors"
	"image"
	"math"
)

// Quality describes how readable the document region is. All values are
// measured on the upright document region resampled to a fixed working size
// (long side workLong px) so they do not depend on the camera resolution.
type Quality struct {
	Sharpness  float64 // variance of the Laplacian on the document region at a fixed working scale
	Brightness float64 // mean luminance 0..255 of the document region
	Contrast   float64 // spread between dark text and paper (p95 - p5)
	Ink        float64 // share of the region darker than its surroundings, as binarised: print, not shadows
}

// Result is the OCR-ready image plus what was done to produce it.
type Result struct {
	Image   *image.Gray // ready for OCR
	Cropped bool        // a document region was found and cropped
	Turned  int         // quarter turns applied clockwise: 0 or 90 (upside down is left to the OCR stage)
	Skew    float64     // degrees corrected; positive = content was rotated clockwise in the input
	Scale   float64     // resize factor applied (output text size / input text size)
	Quality Quality
}

// ErrEmpty is returned for images with no pixels.
var ErrEmpty = errors.New("preprocess: empty image")

const (
	// workLong is the long side of the analysis image of the document.
	workLong = 1000
	// minSkew is the smallest skew worth a resampling: below 0.3° Tesseract's
	// own line finder copes and we save a warp of a clean scan.
	minSkew = 0.3
	// targetXHeight is the x-height (px) we resize to when text is outside
	// [minXHeight, maxXHeight]; Tesseract's LSTM reads x-height 20-30 px best.
	// The accepted band is wider than that because, measured on the 26
	// corpus photos, bringing every page into 20..30 found no more fields
	// (42/111 with and without) but cost +21 % Tesseract time (mostly
	// upscaling 1.3-1.7×); so we only resample clearly small or large text.
	// Bringing text above 26 px down to 24 kept every field of the corpus
	// and cut the median time per document from 1.04 s to 0.92 s. Bringing
	// text above 22 px down to 20 cut the OCR of 12 MP photos by 12 % and
	// kept every evaluated field, but the MRZ band, read from the smaller
	// page, then took the '<<' between surname and given names for an X or
	// a K on 3 of 130 identity documents, one of them with its check digits
	// holding: names are not covered by them.
	targetXHeight  = 24
	upscaleXHeight = 18
	minXHeight     = 16
	maxXHeight     = 26
	minScale       = 0.4
	maxScale       = 2.5
	maxOutPixels   = 24e6 // A4 at ~500 dpi
)

// Prepare runs the full preprocessing chain on img. It fails only on an
// empty image or a cancelled context.
func Prepare(ctx context.Context, img image.Image) (Result, error) {
	return prepare(ctx, img, allSteps)
}

// steps selects the corrections to apply; everything but Prepare exists so
// the exploratory measurements can switch single steps off.
type steps uint8

const (
	stepCrop steps = 1 << iota
	stepTurn
	stepSkew
	stepScale
	allSteps = stepCrop | stepTurn | stepSkew | stepScale
)

func prepare(ctx context.Context, img image.Image, do steps) (Result, error) {
	if img.Bounds().Empty() {
		return Result{}, ErrEmpty
	}
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}
	full := toGray(img)
	k := max(1, max(full.Rect.Dx(), full.Rect.Dy())/(workLong*5/4))
	small := boxDown(full, k)
	chroma := chromaDown(img, k)
	quad, cropped := findDocument(small, chroma)
	cropped = cropped && do&stepCrop != 0
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}
	p := plan(small, k, full.Rect, quad, cropped, do)
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}
	res := Result{Cropped: cropped, Turned: p.turned, Skew: p.skew, Scale: p.scale, Quality: p.quality}
	res.Image = render(full, p)
	flatten(res.Image)
	eraseLeaders(res.Image)
	return res, ctx.Err()
}

// Turn returns g turned clockwise by deg, a multiple of 90; the pipeline
// calls it when Tesseract's orientation detection finds the page upside
// down or sideways.
func Turn(g *image.Gray, deg int) *image.Gray {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	deg = ((deg % 360) + 360) % 360
	ow, oh := w, h
	if deg == 90 || deg == 270 {
		ow, oh = h, w
	}
	out := image.NewGray(image.Rect(0, 0, ow, oh))
	for y := 0; y < h; y++ {
		src := g.Pix[y*g.Stride : y*g.Stride+w]
		for x, v := range src {
			var ox, oy int
			switch deg {
			case 0:
				ox, oy = x, y
			case 90:
				ox, oy = h-1-y, x
			case 180:
				ox, oy = w-1-x, h-1-y
			case 270:
				ox, oy = y, w-1-x
			}
			out.Pix[oy*out.Stride+ox] = v
		}
	}
	return out
}

// docFrame describes the document in "doc units" (≈ full-resolution pixels
// along the page): toSrc maps doc coordinates to full-resolution source
// coordinates.
type docFrame struct {
	w, h  float64
	toSrc mat3
}

// transformPlan is everything render needs: output size and the single
// output→source mapping, plus the decisions for the Result.
type transformPlan struct {
	outW, outH int
	toSrc      mat3
	identity   bool
	turned     int
	skew       float64
	scale      float64
	quality    Quality
}

// plan analyses the document on a small copy and composes crop, turn, skew
// and scale into one output→source transform.
func plan(small *image.Gray, k int, full image.Rectangle, quad [4]point, cropped bool, do steps) transformPlan {
	doc := docFrame{w: float64(full.Dx()), h: float64(full.Dy()), toSrc: identity()}
	if cropped {
		doc = frameFromQuad(quad, float64(k))
	}
	an := analyse(small, k, doc, do)
	p := transformPlan{turned: an.o.turned, skew: an.o.skew, scale: an.scale, quality: an.quality}
	if !cropped && p.turned == 0 && p.skew == 0 && p.scale == 1 {
		p.identity = true
		return p
	}
	// output → upright (analysis units) → analysis → doc → source
	p.toSrc = doc.toSrc.mul(scaling(1 / an.sA)).mul(an.up.toDoc).mul(scaling(an.sA / p.scale))
	p.outW = int(math.Round(an.up.w / an.sA * p.scale))
	p.outH = int(math.Round(an.up.h / an.sA * p.scale))
	// Only a photographed page is cut down to its text. Cut down, card
	// scans lost small grey labels (3 of the 17 of two 300-document
	// corpora lost a field): Tesseract binarises a page with one
	// threshold, and the white of the A4 around a card weighs in it.
	if !cropped {
		return p
	}
	if box, ok := an.content(); ok {
		f := p.scale / an.sA // output px per upright analysis px
		p.toSrc = p.toSrc.mul(translation(float64(box.Min.X)*f, float64(box.Min.Y)*f))
		p.outW = int(math.Round(float64(box.Dx()) * f))
		p.outH = int(math.Round(float64(box.Dy()) * f))
	}
	return p
}

// analysis holds what was found on the document at working scale.
type analysis struct {
	sA      float64     // analysis px per doc unit (long side → workLong)
	o       orientation // turn and skew to correct (skew 0 if negligible)
	up      upright     // upright frame in analysis units
	img     *image.Gray // upright document at working scale
	glyphs  []comp      // text-like components of img
	textH   float64     // their typical height, 0 if too few to tell
	scale   float64     // resize factor for the output
	quality Quality     // measured before any rotation, so no fill counts
}

// maxContentShare is the share of the page its text may cover for the
// page to be cut down to it: a card or a receipt photocopied on A4. Then
// Tesseract and the warp have a quarter of the pixels to go through (0.42
// → 0.32 s for Tesseract on the photocopy of a passport page); a full
// page would gain a few per cent at best.
const maxContentShare = 0.6

// content returns the part of the upright frame (analysis px) to render:
// the box around the text with a margin of three text heights, and
// whether that is less than the whole frame. A page with little text is
// kept whole, as is one where the text covers most of it.
func (an analysis) content() (image.Rectangle, bool) {
	whole := image.Rect(0, 0, int(math.Round(an.up.w)), int(math.Round(an.up.h)))
	if an.textH == 0 {
		return whole, false
	}
	var box image.Rectangle
	for _, c := range an.glyphs {
		box = box.Union(image.Rect(c.minX, c.minY, c.maxX+1, c.maxY+1))
	}
	box = box.Inset(-int(math.Ceil(3 * an.textH))).Intersect(whole)
	if float64(box.Dx()*box.Dy()) > maxContentShare*float64(whole.Dx()*whole.Dy()) {
		return whole, false
	}
	return box, true
}

// analyse resamples the document region of small to workLong px, finds its
// orientation, then looks at the upright version for text size.
func analyse(small *image.Gray, k int, doc docFrame, do steps) analysis {
	an := analysis{sA: workLong / math.Max(doc.w, doc.h), scale: 1}
	// analysis → small: doc = a/sA, src = toSrc(doc), small = src/k
	aToSmall := scaling(1 / float64(k)).mul(doc.toSrc).mul(scaling(1 / an.sA))
	aw, ah := math.Round(doc.w*an.sA), math.Round(doc.h*an.sA)
	an.img = warp(small, aToSmall, int(aw), int(ah))
	dark := binarize(an.img)
	an.quality = measure(an.img, dark)
	ink, glyph := glyphs(dark)
	an.o = findOrientation(ink)
	if do&stepTurn == 0 && an.o.turned != 0 {
		an.o = orientation{} // the skew was measured on the turned page
	}
	if do&stepSkew == 0 || math.Abs(an.o.skew) <= minSkew {
		an.o.skew = 0
	}
	an.up = uprightFrame(aw, ah, an.o)
	if an.o.turned != 0 || an.o.skew != 0 {
		an.img = warp(small, aToSmall.mul(an.up.toDoc), int(math.Round(an.up.w)), int(math.Round(an.up.h)))
		ink, glyph = glyphs(binarize(an.img))
	}
	an.glyphs, an.textH = glyph, textHeight(glyph)
	if do&stepScale != 0 {
		an.scale = scaleFor(ink, an.textH, an.sA)
	}
	return an
}

// render applies the plan to the full-resolution gray image.
func render(full *image.Gray, p transformPlan) *image.Gray {
	if p.identity {
		return cloneGray(full)
	}
	src, m := full, p.toSrc
	// Bilinear sampling aliases when shrinking by 2× or more: pre-shrink
	// with a box filter by the integer part of the reduction.
	reduction := math.Sqrt(math.Abs(m.jacobianDet(float64(p.outW)/2, float64(p.outH)/2)))
	if f := int(reduction); f >= 2 {
		src = boxDown(full, f)
		m = scaling(1 / float64(f)).mul(m)
	}
	return warp(src, m, max(1, p.outW), max(1, p.outH))
}
