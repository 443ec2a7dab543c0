package intake

import (
	"errors"
	"fmt"
	"image"
	"slices"

	"coffre"

	"github.com/pdfcpu/pdfcpu/pkg/filter"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
)

// pageImage decodes the largest image of page p, or returns nil when the
// page has none. Dimensions come from the image dictionary (a stub), so
// the pixel budget is checked before any stream is inflated.
func pageImage(pc *model.Context, p int, lim Limits) (*image.Gray, error) {
	stubs, err := pdfcpu.ExtractPageImages(pc, p, true)
	best, ok := largestImage(stubs)
	if !ok {
		if err != nil {
			return nil, pdfImageError(err, p)
		}
		return nil, nil
	}
	if err := checkPixels(p, best.Width, best.Height, lim); err != nil {
		return nil, err
	}
	obj := pc.Optimize.ImageObjects[best.ObjNr]
	if obj == nil || obj.ImageDict == nil {
		return nil, corrupt(fmt.Errorf("page %d: image obj#%d missing", p, best.ObjNr))
	}
	if err := predecode(obj.ImageDict, best, p); err != nil {
		return nil, err
	}
	im, err := pdfcpu.ExtractImage(pc, obj.ImageDict, false, best.Name, best.ObjNr, false)
	if err != nil {
		return nil, pdfImageError(err, p)
	}
	if im.FileType == "jpx" || im.FileType == "jbig2" {
		return nil, pdfImageError(fmt.Errorf("%w: %s image", pdfcpu.ErrUnsupportedResource, im.FileType), p)
	}
	raw, err := readAllImage(im.Reader, p)
	if err != nil {
		return nil, err
	}
	return decodeImage(raw, p, lim)
}

// largestImage picks the page's main image: the one with most pixels,
// skipping thumbnails and stencil masks; on a tie the lower object number
// wins, which is usually the image rather than its soft mask.
func largestImage(stubs map[int]model.Image) (model.Image, bool) {
	var best model.Image
	found := false
	keys := make([]int, 0, len(stubs))
	for k := range stubs {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		im := stubs[k]
		if im.Thumb || im.IsImgMask {
			continue
		}
		if !found || int64(im.Width)*int64(im.Height) > int64(best.Width)*int64(best.Height) {
			best, found = im, true
		}
	}
	return best, found
}

// predecode inflates an image stream under a limit derived from its
// declared size, so that a deflate bomb behind honest-looking dimensions
// is refused; pdfcpu then reuses the decoded content. Streams ending in
// an image codec (DCT, JPX, JBIG2) are left alone: their raw bytes are
// the image file and go through the decoder's own header check.
func predecode(sd *types.StreamDict, st model.Image, p int) error {
	if len(sd.FilterPipeline) == 0 {
		return nil
	}
	for _, f := range sd.FilterPipeline {
		if f.Name == filter.DCT || f.Name == filter.JPX || f.Name == filter.JBIG2 {
			return nil
		}
	}
	comp, bpc := st.Comp, min(max(st.Bpc, 1), 16)
	if comp < 1 {
		comp = 4 // unknown colour space: assume the widest
	}
	rowBytes := (int64(st.Width)*int64(comp*bpc)+7)/8 + 1 // +1: PNG predictor byte
	limit := int64(st.Height)*rowBytes + 1<<16
	err := sd.DecodeWithLimit(limit)
	if errors.Is(err, filter.ErrDecodeLimitExceeded) {
		return tooLarge(msgTooLarge, fmt.Errorf("page %d: image obj#%d inflates past %d bytes: %w", p, st.ObjNr, limit, err))
	}
	if err != nil {
		return corrupt(fmt.Errorf("page %d: inflate image obj#%d: %w", p, st.ObjNr, err))
	}
	return nil
}

// pdfImageError classifies a pdfcpu image extraction failure: formats it
// cannot render (JPEG 2000, JBIG2) are unsupported, the rest is damage.
func pdfImageError(err error, p int) error {
	cause := fmt.Errorf("page %d: extract image: %w", p, err)
	if errors.Is(err, pdfcpu.ErrUnsupportedResource) || errors.Is(err, filter.ErrUnsupportedFilter) {
		return &coffre.Error{Code: coffre.EUNSUPPORTED, Message: msgPDFImage, Err: cause}
	}
	if errors.Is(err, filter.ErrDecodeLimitExceeded) {
		return tooLarge(msgTooLarge, cause)
	}
	return corrupt(cause)
}
