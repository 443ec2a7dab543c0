package intake

import (
	"context"
	"encoding/binary"
	"image"
	"testing"

	"coffre"
)

// byteOrder both reads and appends (binary.LittleEndian and BigEndian do).
type byteOrder interface {
	binary.ByteOrder
	binary.AppendByteOrder
}

// tiffPage is one uncompressed 8-bit gray page of a hand-written TIFF.
type tiffPage struct{ w, h int }

// writeTIFF lays out header, then per page an IFD followed by its pixels;
// each IFD links to the next. Pixel value of page i is 40*(i+1), so the
// pages can be told apart after decoding.
func writeTIFF(bo byteOrder, pages []tiffPage) []byte {
	out := []byte("II")
	if bo == binary.BigEndian {
		out = []byte("MM")
	}
	out = bo.AppendUint16(out, 42)
	out = bo.AppendUint32(out, 8)
	for i, p := range pages {
		const entries = 9
		ifdStart := len(out)
		pixStart := ifdStart + 2 + entries*12 + 4
		out = bo.AppendUint16(out, entries)
		for _, e := range [][3]uint32{
			{256, 4, uint32(p.w)}, {257, 4, uint32(p.h)}, {258, 3, 8}, {259, 3, 1},
			{262, 3, 1}, {273, 4, uint32(pixStart)}, {277, 3, 1}, {278, 4, uint32(p.h)},
			{279, 4, uint32(p.w * p.h)},
		} {
			out = bo.AppendUint16(out, uint16(e[0]))
			out = bo.AppendUint16(out, uint16(e[1]))
			out = bo.AppendUint32(out, 1)
			if e[1] == 3 { // a SHORT sits in the first two bytes of the field
				out = bo.AppendUint16(out, uint16(e[2]))
				out = append(out, 0, 0)
			} else {
				out = bo.AppendUint32(out, e[2])
			}
		}
		next := uint32(0)
		if i < len(pages)-1 {
			next = uint32(pixStart + p.w*p.h)
		}
		out = bo.AppendUint32(out, next)
		for range p.w * p.h {
			out = append(out, byte(40*(i+1)))
		}
	}
	return out
}

func TestTIFFMultiPage(t *testing.T) {
	pages := []tiffPage{{20, 10}, {30, 15}, {7, 9}}
	for _, bo := range []byteOrder{binary.LittleEndian, binary.BigEndian} {
		t.Run(bo.String(), func(t *testing.T) {
			doc := mustOpen(t, writeTIFF(bo, pages), DefaultLimits())
			if doc.Mime != "image/tiff" || len(doc.Pages) != len(pages) {
				t.Fatalf("mime %s, %d pages; want image/tiff, %d", doc.Mime, len(doc.Pages), len(pages))
			}
			for i, p := range doc.Pages {
				g := p.Image.(*image.Gray)
				if g.Rect.Dx() != pages[i].w || g.Rect.Dy() != pages[i].h {
					t.Errorf("page %d is %v, want %dx%d", i+1, g.Rect, pages[i].w, pages[i].h)
				}
				if g.Pix[0] != byte(40*(i+1)) {
					t.Errorf("page %d pixel %d: decoded another page's IFD", i+1, g.Pix[0])
				}
			}
		})
	}
}

func TestTIFFBudgetsAndDamage(t *testing.T) {
	many := make([]tiffPage, 21)
	for i := range many {
		many[i] = tiffPage{2, 2}
	}
	loop := writeTIFF(binary.LittleEndian, []tiffPage{{4, 4}})
	binary.LittleEndian.PutUint32(loop[8+2+9*12:], 8) // IFD 1 points to itself
	huge := writeTIFF(binary.LittleEndian, []tiffPage{{4, 4}})
	binary.LittleEndian.PutUint32(huge[8+2+8:], 60000) // width
	binary.LittleEndian.PutUint32(huge[8+2+12+8:], 60000)
	for _, tc := range []struct {
		name string
		data []byte
		code string
	}{
		{"21 pages", writeTIFF(binary.LittleEndian, many), coffre.ETOOLARGE},
		{"IFD loop", loop, coffre.ECORRUPT},
		{"60000x60000 header", huge, coffre.ETOOLARGE},
		{"IFD past end", writeTIFF(binary.BigEndian, []tiffPage{{4, 4}})[:30], coffre.ECORRUPT},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Open(context.Background(), tc.data, DefaultLimits())
			wantCode(t, err, tc.code)
		})
	}
	// Three pages of 200 pixels each, under a 500-pixel document budget.
	three := writeTIFF(binary.LittleEndian, []tiffPage{{20, 10}, {20, 10}, {20, 10}})
	_, err := Open(context.Background(), three, Limits{MaxDocPixels: 500})
	wantCode(t, err, coffre.ETOOLARGE)
	if doc := mustOpen(t, three, Limits{MaxDocPixels: 600}); len(doc.Pages) != 3 {
		t.Errorf("at the document budget: %d pages, want 3", len(doc.Pages))
	}
}
