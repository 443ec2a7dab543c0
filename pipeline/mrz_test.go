package pipeline

import (
	"context"
	"image"
	"slices"
	"testing"

	"coffre"
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
		{"IRFRASUO1080090<<<<ccecececece", true},        // fillers read as c and e
		{"Nom d'usage << ce nom est celui >>", false},
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
	card := []Line{
		{Text: "CARTE NATIONALE D'IDENTITÉ", Box: image.Rect(100, 80, 900, 120)},
		{Text: "Nom : ANDRÉ", Box: image.Rect(500, 300, 800, 340)},
		{Text: "IDFRAANDRE<<<<<<<<<<<<<<<<<<<<092153", Box: image.Rect(180, 1040, 1580, 1080)},
		{Text: "1409092172892THEO0<<FRANCOIS6405146M5", Box: image.Rect(180, 1100, 1570, 1150)},
	}
	for _, tc := range []struct {
		name    string
		page    image.Rectangle
		lines   []Line
		heights []int           // the line height may be any of these
		zone    image.Rectangle // the zone's glyphs, with a margin
		above   int             // where the visual zone ends, above the band
	}{
		{"an old card, both lines seen", image.Rect(0, 0, 1600, 1200), card, []int{40, 50}, image.Rect(180, 1040, 1580, 1150), 900},
		// The page's reading missed the zone's first line, one line pitch
		// above the others: its glyphs lie at y 1155–1175, and at the
		// band's very edge its 6s read as 0s.
		{"a residence permit scanned on A4, its first line missed", image.Rect(0, 0, 3769, 5260), []Line{
			{Text: "02112019  Patrecruns Dés MAUTS-DEune", Box: image.Rect(387, 909, 1067, 962)},
			{Text: "IRFRAMTé24661 DÉC RLE RER ÈS", Box: image.Rect(383, 1130, 1065, 1179)},
			{Text: "4704122M2311012TUN<<<<<<<<<<<2", Box: image.Rect(382, 1189, 1053, 1218)},
			{Text: "BERTRAND<<SEBASTIEN<<<<<<<<<<<", Box: image.Rect(381, 1231, 1054, 1257)},
		}, []int{26, 29}, image.Rect(382, 1140, 1054, 1257), 962},
	} {
		t.Run(tc.name, func(t *testing.T) {
			band, h, ok := mrzBand(tc.lines, tc.page)
			if !ok {
				t.Fatal("no band found")
			}
			if !slices.Contains(tc.heights, h) {
				t.Errorf("line height %d, want a line's (%v)", h, tc.heights)
			}
			if !tc.zone.In(band) {
				t.Errorf("band %v does not hold the zone %v", band, tc.zone)
			}
			if band.Min.Y < tc.above || !band.In(tc.page) {
				t.Errorf("band %v reaches the visual zone or leaves the page", band)
			}
		})
	}
	if _, _, ok := mrzBand(card[:2], image.Rect(0, 0, 1600, 1200)); ok {
		t.Error("a band was found on a page without MRZ lines")
	}
}

// fakeMRZ answers ReadMRZ with its readings in turn.
type fakeMRZ struct {
	readings []string
	scales   []float64
}

func (f *fakeMRZ) ReadMRZ(_ context.Context, _ *image.Gray, _ image.Rectangle, scale float64) (string, error) {
	f.scales = append(f.scales, scale)
	text := f.readings[0]
	if len(f.readings) > 1 {
		f.readings = f.readings[1:]
	}
	return text, nil
}

// The ICAO TD3 specimen's zone as a page's reading mangles it, as the MRZ
// pass reads it right, and with its composite check digit misread.
const (
	specimenMangled = "P«UTOERIKSSON««ANNA«MARIA««««««««««««««««\nL898902C36UTO74O8122F12O4159ZE184226B«««««1O"
	specimenGood    = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"
	specimenBad     = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<19"
)

func TestScanReadsMRZ(t *testing.T) {
	// The page's reading mangles the zone; the MRZ pass reads it right,
	// at the second try.
	page := "PASSEPORT\nNom: ERIKSSON Prénoms: ANNA MARIA\n" + specimenMangled
	good, bad := specimenGood, specimenBad
	for _, tc := range []struct {
		name      string
		readings  []string
		wantReads int
		verified  bool
	}{
		{"read right at once", []string{good}, 1, true},
		{"read right at the second size", []string{bad, good}, 2, true},
		{"never right", []string{bad}, len(mrzHeights), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fm := &fakeMRZ{readings: tc.readings}
			p := newTestPipeline(&fakeOCR{text: page, conf: 90})
			p.MRZReader = fm
			rec := p.Scan(context.Background(), "f", pagePNG(t), coffre.NewDate(2026, 1, 15))
			if len(fm.scales) != tc.wantReads {
				t.Errorf("MRZ read %d times, want %d", len(fm.scales), tc.wantReads)
			}
			if len(fm.scales) == 2 && fm.scales[1] <= fm.scales[0] {
				t.Errorf("second reading at scale %.2f, not larger than %.2f", fm.scales[1], fm.scales[0])
			}
			c, ok := rec.Check("mrz_check_digits")
			if !ok || c.OK != tc.verified {
				t.Fatalf("mrz_check_digits = %+v (made: %v), want ok=%v", c, ok, tc.verified)
			}
			if rec.Type != coffre.TypePieceIdentite || rec.Subtype != coffre.SubtypePasseport {
				t.Errorf("type %s/%s, want piece_identite/passeport", rec.Type, rec.Subtype)
			}
			if tc.verified && rec.Fields["document_number"] != "L898902C3" {
				t.Errorf("document_number = %v, want L898902C3", rec.Fields["document_number"])
			}
		})
	}
}

func TestScanUnprovenMRZMessage(t *testing.T) {
	page := "PASSEPORT\n" + specimenBad
	p := newTestPipeline(&fakeOCR{text: page, conf: 90})
	rec := p.Scan(context.Background(), "f", pagePNG(t), coffre.NewDate(2026, 1, 15))
	if c, ok := rec.Check("mrz_check_digits"); !ok || c.OK {
		t.Fatalf("mrz_check_digits = %+v (made: %v), want failed", c, ok)
	}
	if len(rec.Messages) == 0 || rec.Messages[0] != msgMRZ {
		t.Errorf("messages %q, want the MRZ message for the agent", rec.Messages)
	}
}

// TestScanMRZProvesPage: a page whose reading was too poor to pass the
// readability gate but whose zone's check digits hold is legible; one
// whose zone does not verify keeps the agent's message.
func TestScanMRZProvesPage(t *testing.T) {
	for _, tc := range []struct {
		name     string
		zone     string
		readable bool
	}{
		{"zone proven", specimenGood, true},
		{"zone unproven", specimenBad, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := newTestPipeline(&fakeOCR{text: specimenMangled, conf: 30, turnedConf: 10})
			p.MRZReader = &fakeMRZ{readings: []string{tc.zone}}
			rec := p.Scan(context.Background(), "f", pagePNG(t), coffre.NewDate(2026, 1, 15))
			c, ok := rec.Check(coffre.CheckReadable)
			if !ok || c.OK != tc.readable {
				t.Errorf("readable check %+v (made: %v), want ok=%v", c, ok, tc.readable)
			}
			if noText := slices.Contains(rec.Messages, msgNoText); noText == tc.readable {
				t.Errorf("messages %q: the unreadable message given %v, want %v", rec.Messages, noText, !tc.readable)
			}
		})
	}
}
