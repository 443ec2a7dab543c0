package intake

import (
	"bytes"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"testing"
)

// TestDecodeJPEG checks libjpeg's luminance against Go's decoder on the
// corpus photos and on hostile JPEGs, which must fail as Go's decoder
// fails.
func TestDecodeJPEG(t *testing.T) {
	files, err := filepath.Glob("../testdata/corpus/*-photo*.jpg")
	if err != nil || len(files) == 0 {
		t.Fatalf("no corpus photos: %v", err)
	}
	for _, file := range files[:min(6, len(files))] {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		got, err := decodeJPEG(data)
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		want, err := jpeg.Decode(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		g, ok := got.(*image.Gray)
		if !ok || g.Bounds() != want.Bounds() {
			t.Fatalf("%s: got %T %v, want gray %v", file, got, got.Bounds(), want.Bounds())
		}
		// The two IDCTs round differently: a level here and there.
		y := want.(*image.YCbCr)
		var sum, worst int
		for r := 0; r < g.Rect.Dy(); r++ {
			for c := 0; c < g.Rect.Dx(); c++ {
				d := int(g.Pix[r*g.Stride+c]) - int(y.Y[r*y.YStride+c])
				sum += max(d, -d)
				worst = max(worst, d, -d)
			}
		}
		if mean := float64(sum) / float64(len(g.Pix)); mean > 0.05 || worst > 2 {
			t.Errorf("%s: luminance differs from Go's by %.2f on average, %d at worst", file, mean, worst)
		}
	}
}

// TestDecodeJPEGDamaged checks that what libjpeg reads only with a
// warning is left to Go's decoder, which refuses it or reads it as it
// always did.
func TestDecodeJPEGDamaged(t *testing.T) {
	data, err := os.ReadFile("../testdata/corpus/avis-004-photo.jpg")
	if err != nil {
		t.Fatal(err)
	}
	var gray bytes.Buffer
	if err := jpeg.Encode(&gray, toGray(gradient(64, 48)), nil); err != nil {
		t.Fatal(err)
	}
	badMarker := bytes.Clone(data)
	badMarker[len(badMarker)/2] = 0xff
	badMarker[len(badMarker)/2+1] = 0xd9 // an end of image, halfway
	for name, data := range map[string][]byte{
		"truncated":   data[:len(data)/2],
		"no end":      data[:len(data)-2],
		"early end":   badMarker,
		"header only": data[:600],
		"gray":        gray.Bytes(),
	} {
		t.Run(name, func(t *testing.T) {
			want, wantErr := jpeg.Decode(bytes.NewReader(data))
			got, err := decodeJPEG(data)
			if (err != nil) != (wantErr != nil) {
				t.Fatalf("error %v, Go's decoder: %v", err, wantErr)
			}
			if err == nil && toGray(got).Bounds() != want.Bounds() {
				t.Errorf("bounds %v, Go's decoder: %v", got.Bounds(), want.Bounds())
			}
		})
	}
}
