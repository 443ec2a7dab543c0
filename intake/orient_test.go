package intake

import (
	"context"
	"fmt"
	"image"
	"testing"
)

// The reference transforms below work on a [][]uint8 grid with naive
// indexing, independently of orient's index arithmetic.

type grid [][]uint8

func rot90cw(g grid) grid {
	h, w := len(g), len(g[0])
	out := make(grid, w)
	for y := range out {
		out[y] = make([]uint8, h)
		for x := range out[y] {
			out[y][x] = g[h-1-x][y]
		}
	}
	return out
}

func flipH(g grid) grid {
	out := make(grid, len(g))
	for y, row := range g {
		out[y] = make([]uint8, len(row))
		for x := range row {
			out[y][x] = row[len(row)-1-x]
		}
	}
	return out
}

func flipV(g grid) grid {
	out := make(grid, len(g))
	for y := range g {
		out[y] = append([]uint8(nil), g[len(g)-1-y]...)
	}
	return out
}

// upright is what the EXIF specification says the viewer shows for each
// orientation (row 0 / column 0 placement), built from rotations and flips.
func upright(g grid, o int) grid {
	switch o {
	case 2:
		return flipH(g)
	case 3:
		return rot90cw(rot90cw(g))
	case 4:
		return flipV(g)
	case 5:
		return flipH(rot90cw(g)) // transpose
	case 6:
		return rot90cw(g)
	case 7:
		return flipV(rot90cw(g)) // transverse
	case 8:
		return rot90cw(rot90cw(rot90cw(g)))
	}
	return g
}

func gridOf(g *image.Gray) grid {
	out := make(grid, g.Rect.Dy())
	for y := range out {
		out[y] = append([]uint8(nil), g.Pix[y*g.Stride:y*g.Stride+g.Rect.Dx()]...)
	}
	return out
}

func TestOrientAllEight(t *testing.T) {
	src := image.NewGray(image.Rect(0, 0, 3, 2)) // asymmetric: 3 wide, 2 high
	for i := range src.Pix {
		src.Pix[i] = uint8(10 * (i + 1))
	}
	for o := 1; o <= 8; o++ {
		got := gridOf(orient(src, o))
		want := upright(gridOf(src), o)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("orientation %d: got %v, want %v", o, got, want)
		}
	}
}

// blocks returns a gray image of cols×rows flat 8×8 blocks with distinct
// levels: JPEG keeps flat aligned blocks nearly exact, so block centres can
// be compared after a lossy round trip.
func blocks(cols, rows int) *image.Gray {
	g := image.NewGray(image.Rect(0, 0, 8*cols, 8*rows))
	for y := range 8 * rows {
		for x := range 8 * cols {
			g.Pix[y*g.Stride+x] = uint8(10 + 20*((y/8)*cols+x/8))
		}
	}
	return g
}

// blockCentres samples the centre of each 8×8 block.
func blockCentres(g *image.Gray) grid {
	out := make(grid, g.Rect.Dy()/8)
	for r := range out {
		out[r] = make([]uint8, g.Rect.Dx()/8)
		for c := range out[r] {
			out[r][c] = g.Pix[(8*r+4)*g.Stride+8*c+4]
		}
	}
	return out
}

func TestOpenJPEGAppliesEXIFOrientation(t *testing.T) {
	src := blocks(4, 3)
	jpg := encodeJPEG(t, src, 100)
	for o := 1; o <= 8; o++ {
		t.Run(fmt.Sprint(o), func(t *testing.T) {
			doc := mustOpen(t, withEXIFOrientation(jpg, uint16(o)), DefaultLimits())
			got := blockCentres(doc.Pages[0].Image.(*image.Gray))
			want := upright(blockCentres(src), o)
			if len(got) != len(want) || len(got[0]) != len(want[0]) {
				t.Fatalf("got %dx%d blocks, want %dx%d", len(got[0]), len(got), len(want[0]), len(want))
			}
			for r := range want {
				for c := range want[r] {
					if d := int(got[r][c]) - int(want[r][c]); d < -6 || d > 6 {
						t.Fatalf("block (%d,%d) = %d, want %d\ngot  %v\nwant %v", c, r, got[r][c], want[r][c], got, want)
					}
				}
			}
		})
	}
}

func TestBadEXIFIsIgnored(t *testing.T) {
	jpg := encodeJPEG(t, blocks(2, 1), 90)
	bad := withEXIFOrientation(jpg, 6)
	copy(bad[2+4+6:], "XX") // break the TIFF byte-order mark inside EXIF
	doc, err := Open(context.Background(), bad, DefaultLimits())
	if err != nil {
		t.Fatalf("a JPEG with unreadable EXIF should still open: %v", err)
	}
	if b := doc.Pages[0].Image.Bounds(); b.Dx() != 16 || b.Dy() != 8 {
		t.Fatalf("size %v, want 16x8 (no rotation)", b)
	}
}
