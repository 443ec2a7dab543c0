package intake

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"

	"github.com/gen2brain/heic"
	"github.com/rwcarlsen/goexif/exif"
	"golang.org/x/image/tiff"
	"golang.org/x/image/webp"
)

// codec reads a raster format's header and pixels.
type codec struct {
	config func(io.Reader) (image.Config, error)
	decode func([]byte) (image.Image, error)
}

// bytesDecoder adapts a decoder of the standard form to codec.decode.
func bytesDecoder(decode func(io.Reader) (image.Image, error)) func([]byte) (image.Image, error) {
	return func(data []byte) (image.Image, error) { return decode(bytes.NewReader(data)) }
}

// codecs are the single-image formats, keyed by detected MIME type. TIFF
// is here for the one-page TIFFs pdfcpu renders from PDF streams; uploads
// of TIFF go through openTIFF for their other pages.
var codecs = map[string]codec{
	"image/jpeg":          {jpeg.DecodeConfig, decodeJPEG},
	"image/png":           {png.DecodeConfig, bytesDecoder(png.Decode)},
	"image/webp":          {webp.DecodeConfig, bytesDecoder(webp.Decode)},
	"image/tiff":          {tiff.DecodeConfig, bytesDecoder(tiff.Decode)},
	"image/heic":          {heic.DecodeConfig, bytesDecoder(heic.Decode)},
	"image/heif":          {heic.DecodeConfig, bytesDecoder(heic.Decode)},
	"image/heic-sequence": {heic.DecodeConfig, bytesDecoder(heic.Decode)},
	"image/heif-sequence": {heic.DecodeConfig, bytesDecoder(heic.Decode)},
}

// openRaster decodes a one-image upload (a photo).
func openRaster(ctx context.Context, data []byte, lim Limits) ([]Page, error) {
	if err := checkCtx(ctx, 0); err != nil {
		return nil, err
	}
	g, err := decodeImage(data, 1, lim)
	if err != nil {
		return nil, err
	}
	// Only JPEG needs EXIF applied: libheif already applies HEIF's
	// irot/imir transformations, and PNG/WebP/TIFF from phones are rare
	// enough that their orientation is left to the picture as stored.
	if detect(data) == "image/jpeg" {
		g = orient(g, jpegOrientation(data))
	}
	return []Page{{Image: g}}, nil
}

// decodeImage decodes a single image of page (1-based) to gray, checking
// its header against the pixel budget first.
func decodeImage(data []byte, page int, lim Limits) (*image.Gray, error) {
	mime := detect(data)
	c, ok := codecs[mime]
	if !ok {
		return nil, corrupt(fmt.Errorf("page %d: image of type %s cannot be decoded", page, mime))
	}
	return decodeWith(c, data, page, lim)
}

// decodeWith is decodeImage for a known codec.
func decodeWith(c codec, data []byte, page int, lim Limits) (*image.Gray, error) {
	cfg, err := c.config(bytes.NewReader(data))
	if err != nil {
		return nil, corrupt(fmt.Errorf("read header of page %d: %w", page, err))
	}
	if err := checkPixels(page, cfg.Width, cfg.Height, lim); err != nil {
		return nil, err
	}
	img, err := c.decode(data)
	if err != nil {
		return nil, corrupt(fmt.Errorf("decode page %d: %w", page, err))
	}
	// A header may lie about the size the decoder then allocates (HEIC
	// grids, for one): check what was actually decoded too.
	b := img.Bounds()
	if err := checkPixels(page, b.Dx(), b.Dy(), lim); err != nil {
		return nil, err
	}
	return toGray(img), nil
}

// jpegOrientation returns the EXIF orientation (1–8) of a JPEG, or 1 when
// it has none or it cannot be read: a bad EXIF block must not cost the
// agent a photo that decodes.
func jpegOrientation(data []byte) (o int) {
	defer func() {
		if recover() != nil {
			o = 1
		}
	}()
	x, err := exif.Decode(bytes.NewReader(data))
	if err != nil {
		return 1
	}
	tag, err := x.Get(exif.Orientation)
	if err != nil {
		return 1
	}
	v, err := tag.Int(0)
	if err != nil || v < 1 || v > 8 {
		return 1
	}
	return v
}
