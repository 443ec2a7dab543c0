package degrade

import (
	"bytes"
	"io"
	"sync"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
)

// pdfcpu otherwise creates a configuration directory under $HOME, which
// test runs and CI sandboxes must not touch.
var disableConfig = sync.OnceFunc(api.DisableConfigDir)

// jpegPDF wraps the JPEGs one per A4 page. pdfcpu embeds a JPEG as a
// DCTDecode stream unchanged, so the PDF holds exactly the scanner's bytes,
// as real scan-to-PDF firmware does. sc:1 makes the image fill the page
// (the default relative scale is one half).
func jpegPDF(jpegs [][]byte) ([]byte, error) {
	disableConfig()
	imp, err := pdfcpu.ParseImportDetails("form:A4, pos:c, sc:1", types.POINTS)
	if err != nil {
		return nil, err
	}
	readers := make([]io.Reader, len(jpegs))
	for i, j := range jpegs {
		readers[i] = bytes.NewReader(j)
	}
	var buf bytes.Buffer
	if err := api.ImportImages(nil, &buf, readers, imp, nil); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
