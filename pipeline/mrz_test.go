package pipeline

import (
	"image"
	"testing"
)

func TestMRZLike(t *testing.T) {
	for _, tc := range []struct {
		text string
		want bool
	}{
		{"IDFRAANDRE<<<<<<<<<<<<<<<<<<<<092153", true},
		{"1409092172892THEO0<<FRANCOIS6405146M5", true},
		{"IRFRAEI80125907«««««««««««««««", true},
		{"DAKSILVA KKKKJEANKKKKKKKKKKKKKKKK", true},
		{"L898902C36UTO7408122F1204159ZE184226B", true}, // no filler survived
		{"CARTE SEJOUR TEMPORAIRE TRAVAILLEUR", false},
		{"RÉPUBLIQUE FRANÇAISE", false},
		{"Revenu fiscal de référence 17 827 €", false},
		{"NUMERO FISCAL 31 26 654 144 718", false},
	} {
		if got := mrzLike(tc.text); got != tc.want {
			t.Errorf("mrzLike(%q) = %v, want %v", tc.text, got, tc.want)
		}
	}
}

func TestMRZBand(t *testing.T) {
	page := image.Rect(0, 0, 1600, 1200)
	lines := []Line{
		{"CARTE NATIONALE D'IDENTITÉ", image.Rect(100, 80, 900, 120)},
		{"Nom : ANDRÉ", image.Rect(500, 300, 800, 340)},
		{"IDFRAANDRE<<<<<<<<<<<<<<<<<<<<092153", image.Rect(180, 1040, 1580, 1080)},
		{"1409092172892THEO0<<FRANCOIS6405146M5", image.Rect(180, 1100, 1570, 1150)},
	}
	band, h, ok := mrzBand(lines, page)
	if !ok {
		t.Fatal("no band found")
	}
	if h != 40 && h != 50 {
		t.Errorf("line height %d, want a line's (40 or 50)", h)
	}
	if want := image.Rect(180, 1040, 1580, 1150); !want.In(band) {
		t.Errorf("band %v does not hold the MRZ lines %v", band, want)
	}
	if band.Min.Y < 900 || !band.In(page) {
		t.Errorf("band %v reaches the visual zone or leaves the page", band)
	}
	if _, _, ok := mrzBand(lines[:2], page); ok {
		t.Error("a band was found on a page without MRZ lines")
	}
}
