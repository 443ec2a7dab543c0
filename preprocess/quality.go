package preprocess

import "image"

// Readability thresholds, calibrated with explore_test.go (TestExploreQuality)
// on a synthetic 12 MP phone photo of a 10 pt A4 page (Go font, x-height
// ≈17 px in the photo), OCR by tesseract 5 fra/psm 6 after Prepare:
//
//	Gaussian blur σ (12 MP px)   0      1.5    2.5    4      6      8
//	Sharpness                    5365   1464   310    46     12     6
//	Contrast                     136    116    101    90     79     68
//	Sharpness/Contrast²          .29    .11    .030   .0057  .0019  .0013
//	character error rate %       0.1    0.0    0.2    37.7   77.6   81.0
//
//	brightness factor            1      0.6    0.4    0.3    0.2    0.12
//	Brightness                   211    127    84     63     42     34
//	Sharpness                    5365   1921   848    477    210    -
//	Sharpness/Contrast²          .29    .29    .29    .30    .29    -
//	character error rate %       0.1    0.1    0.1    0.1    0.1    100
//
// The Laplacian variance scales with contrast², so a dim but sharp photo has
// a low raw Sharpness; divided by Contrast² it does not move with exposure
// (0.29 throughout) while blur drops it 50×. Blurry therefore thresholds the
// ratio, between σ2.5 (readable, .030) and σ4 (not, .0057). On the corpus,
// ID cards have a lower ratio for the same sharpness (their portrait and
// colour bands inflate Contrast): readable card photos go down to .0091,
// blurred photos up to .0018, so the bar is at .005; a page that passes
// and still reads badly is caught by the pipeline's confident-text gate.
// Generated photos labelled readable went down to .0037 and unreadable ones
// up to .0036 on a 300-document corpus: between .003 (past σ4, where OCR
// surely fails) and .005 the reading, not the measure, decides. Dark sits
// between 42 (still read) and 34 (lost; at ×0.12 the page was not even
// found); real dark photos are noisier, hence no margin below 40.
const (
	blurryBelow    = 0.005 // Sharpness / Contrast², at workLong px
	tooBlurryBelow = 0.003
	darkBelow      = 40.0 // mean luminance
)

// Blurry reports whether the document is blurred enough that OCR may fail,
// independently of exposure.
func (q Quality) Blurry() bool { return q.blur() < blurryBelow }

// TooBlurry reports whether the document is too blurred for OCR to read.
func (q Quality) TooBlurry() bool { return q.blur() < tooBlurryBelow }

// blur is the Laplacian variance over contrast²: low when blurred, whatever
// the exposure.
func (q Quality) blur() float64 {
	c := max(q.Contrast, 1)
	return q.Sharpness / (c * c)
}

// blankBelow: on the committed corpus and two of 300 documents, blank
// pages have no ink at all when clean or photographed and up to 0.00033
// when scanned (the scanner's specks), the most blurred photo of text
// 0.0011, readable pages 0.0022 and more. Ink was the share darker than
// 60 % of the paper's brightest tenth before: a shadow across a blank
// photo counted (0.026 and 0.053), and 5 of 19 blank photos were told
// "Photo floue"; washed-out photos of text (0.00006) were told "Page
// blanche".
const blankBelow = 0.0005

// Blank reports whether the page carries no ink: a blank sheet, or the
// back of a document. It is no blur, and the agent needs another message.
// A photo too dark to read shows no ink either: ask Dark first.
func (q Quality) Blank() bool { return q.Ink < blankBelow }

// Dark reports whether the document is too dark for OCR.
func (q Quality) Dark() bool { return q.Brightness < darkBelow }

// measure computes Quality on the analysis image (document region at
// workLong px on its long side), dark being its binarisation, skipping a
// 2 px border where the warp's white fill and page edges would count as
// detail.
func measure(g *image.Gray, dark bitmap) Quality {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	if w < 5 || h < 5 {
		return Quality{}
	}
	var n, sum, sum2, lsum float64
	var hist [256]int
	p, st := g.Pix, g.Stride
	for y := 2; y < h-2; y++ {
		for x := 2; x < w-2; x++ {
			i := y*st + x
			v := int(p[i])
			hist[v]++
			l := float64(4*v - int(p[i-1]) - int(p[i+1]) - int(p[i-st]) - int(p[i+st]))
			sum += l
			sum2 += l * l
			lsum += float64(v)
			n++
		}
	}
	mean := sum / n
	// Ink is counted away from the edges, where a sliver of the table
	// left by the crop is darker than the paper beside it.
	ink, m := 0, max(2, min(w, h)/50)
	for y := m; y < h-m; y++ {
		for _, v := range dark.pix[y*w+m : y*w+w-m] {
			ink += int(v)
		}
	}
	return Quality{
		Sharpness:  sum2/n - mean*mean,
		Brightness: lsum / n,
		Contrast:   float64(percentile(hist, n, 0.95) - percentile(hist, n, 0.05)),
		Ink:        float64(ink) / float64((w-2*m)*(h-2*m)),
	}
}

func percentile(hist [256]int, n, q float64) int {
	target, acc := q*n, 0.0
	for v, c := range hist {
		acc += float64(c)
		if acc >= target {
			return v
		}
	}
	return 255
}
