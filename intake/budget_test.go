package intake

import (
	"context"
	"encoding/binary"
	"testing"

	"coffre"
)

// TestBudget: the files of one document share its pages and pixels
// budgets, whatever their formats; the file that passes them is refused.
func TestBudget(t *testing.T) {
	photo := encodePNG(t, gradient(20, 10))                                           // 1 page, 200 pixels
	tiff3 := writeTIFF(binary.LittleEndian, []tiffPage{{20, 10}, {20, 10}, {20, 10}}) // 3 pages, 600 pixels
	pdf3 := manyPages(3, 3)
	for _, tc := range []struct {
		name    string
		lim     Limits
		files   [][]byte
		refused int // index of the file refused, -1 for none
	}{
		{"pages: photos", Limits{MaxPages: 2}, [][]byte{photo, photo, photo}, 2},
		{"pages: photo then TIFF", Limits{MaxPages: 3}, [][]byte{photo, tiff3}, 1},
		{"pages: photo then PDF", Limits{MaxPages: 3}, [][]byte{photo, pdf3}, 1},
		{"pages: at the budget", Limits{MaxPages: 4}, [][]byte{photo, tiff3}, -1},
		{"pixels: photos", Limits{MaxDocPixels: 500}, [][]byte{photo, photo, photo}, 2},
		{"pixels: photo then TIFF", Limits{MaxDocPixels: 700}, [][]byte{photo, tiff3}, 1},
		{"pixels: at the budget", Limits{MaxDocPixels: 800}, [][]byte{photo, tiff3}, -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := NewBudget(tc.lim)
			for i, f := range tc.files {
				_, err := b.Open(context.Background(), f)
				if i != tc.refused {
					if err != nil {
						t.Fatalf("file %d: %v", i, err)
					}
					continue
				}
				wantCode(t, err, coffre.ETOOLARGE)
				return
			}
			if tc.refused >= 0 {
				t.Errorf("no file refused, want file %d", tc.refused)
			}
		})
	}
}
