package ocr

import (
	"context"
	"image"
	"os"
	"strings"
	"testing"
)

// ocrB is Debian's OCR-B (fonts-ocr-b, installed by make deps); the
// "Sharp" cut, whose '<' and '8' x/image can outline.
const ocrB = "/usr/share/fonts/opentype/ocr-b/OCRBS.otf"

func TestReadMRZ(t *testing.T) {
	font, err := os.ReadFile(ocrB)
	if err != nil {
		t.Fatalf("OCR-B font: %v (make deps installs fonts-ocr-b)", err)
	}
	// The ICAO 9303 part 5 specimen (TD1).
	lines := []string{
		"I<UTOD231458907<<<<<<<<<<<<<<<",
		"7408122F1204159UTO<<<<<<<<<<<6",
		"ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
	}
	img := renderLinesIn(t, font, lines)
	p, err := NewPool(1, "fra", 3)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	band := image.Rect(20, 30, img.Rect.Dx()-20, img.Rect.Dy()-10)
	got, err := p.ReadMRZ(context.Background(), img, band, 32.0/24)
	if err != nil {
		t.Fatal(err)
	}
	// OCR-B's O and 0 differ by a hair: the check digits repair those,
	// so a few slips are allowed here, not chevrons read as letters.
	read := strings.Split(strings.TrimSpace(got), "\n")
	if len(read) != len(lines) {
		t.Fatalf("ReadMRZ gave %d lines, want %d:\n%s", len(read), len(lines), got)
	}
	slips := 0
	for i := range lines {
		slips += editDistance(read[i], lines[i])
	}
	if slips > 4 {
		t.Errorf("ReadMRZ made %d slips in 90 characters, want ≤ 4:\n%s", slips, got)
	}
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}
