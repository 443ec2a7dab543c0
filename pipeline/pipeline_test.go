package pipeline

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"coffre"
	"coffre/classifiers"
	"coffre/intake"
	"coffre/policy"
)

// fakeOCR reads a fixed text, or a second one once the page was turned.
// As an Orienter it answers upsideDown with confidence orientConf.
type fakeOCR struct {
	text, turnedText string
	conf, turnedConf float64
	upsideDown       bool
	orientConf       float64
	calls            int
	markerTopLeft    bool // the first page it read had pagePNG's marker at the top left
}

func (f *fakeOCR) UpsideDown(*image.Gray) (bool, float64, bool) {
	return f.upsideDown, f.orientConf, true
}

func (f *fakeOCR) Recognize(_ context.Context, img *image.Gray) (Text, error) {
	f.calls++
	w, h := img.Rect.Dx(), img.Rect.Dy()
	if f.calls == 1 {
		f.markerTopLeft = meanIn(img, image.Rect(0, 0, w/4, h/12)) < meanIn(img, image.Rect(w*3/4, h*11/12, w, h))
	}
	text, conf := f.text, f.conf
	if f.calls > 1 {
		text, conf = f.turnedText, f.turnedConf
	}
	var lines []Line
	split := strings.Split(text, "\n")
	for i, l := range split {
		y := h * i / len(split) // spread over the page, as on a real one
		lines = append(lines, Line{Text: l, Box: image.Rect(10, y, w-10, y+20), ConfidentChars: letters(l, conf)})
	}
	return Text{Text: text, MeanConfidence: conf, ConfidentChars: letters(text, conf), Lines: lines}, nil
}

func meanIn(img *image.Gray, r image.Rectangle) int {
	sum, n := 0, 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			sum += int(img.GrayAt(x, y).Y)
			n++
		}
	}
	return sum / max(n, 1)
}

func letters(s string, conf float64) int {
	if conf < ConfidentWordConf {
		return 0
	}
	n := 0
	for _, c := range s {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			n++
		}
	}
	return n
}

const avisText = `DIRECTION GÉNÉRALE DES FINANCES PUBLIQUES
AVIS D'IMPÔT 2025
IMPÔT SUR LES REVENUS DE L'ANNÉE 2024
Numéro fiscal : 12 34 567 890 123
Référence de l'avis : 25 12 A345678 90
Revenu fiscal de référence : 15 432 €
Nombre de parts : 1,5
Date de mise en recouvrement : 31/07/2025
impots.gouv.fr`

// pagePNG is a sharp page of text-like strokes, so that preprocessing
// judges it readable.
func pagePNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, 1240, 1754))
	for i := range img.Pix {
		img.Pix[i] = 245
	}
	for y := 20; y < 120; y++ { // a marker, to tell which way up OCR saw the page
		for x := 60; x < 300; x++ {
			img.SetGray(x, y, color.Gray{0})
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for line := 150; line < 1600; line += 60 {
		for x := 100; x < 1100; x += 14 + rng.IntN(10) {
			h := 18 + rng.IntN(10)
			for y := line; y < line+h; y++ {
				for dx := range 4 {
					img.SetGray(x+dx, y, color.Gray{20})
				}
			}
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// photoPNG is pagePNG on a dark table, as a phone photographs it: the
// pipeline treats it as handheld and checks its orientation.
func photoPNG(t *testing.T) []byte {
	t.Helper()
	page, err := png.Decode(bytes.NewReader(pagePNG(t)))
	if err != nil {
		t.Fatal(err)
	}
	r := page.Bounds()
	img := image.NewGray(image.Rect(0, 0, r.Dx()+400, r.Dy()+400))
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range img.Pix {
		img.Pix[i] = uint8(50 + rng.IntN(30))
	}
	draw.Draw(img, r.Add(image.Pt(200, 200)), page, r.Min, draw.Src)
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func newTestPipeline(ocr *fakeOCR) *Pipeline {
	return &Pipeline{Recognizer: ocr, Orienter: ocr, Policy: policy.Default(), Limits: intake.DefaultLimits()}
}

func TestScan(t *testing.T) {
	asOf := coffre.NewDate(2026, 1, 15)
	tests := []struct {
		name       string
		ocr        fakeOCR
		data       func(*testing.T) []byte
		wantType   coffre.DocType
		wantStatus coffre.Status
		readable   bool
		wantError  bool
		wantCalls  int
	}{
		{"avis read upright", fakeOCR{text: avisText, conf: 91}, pagePNG, coffre.TypeAvisImposition, coffre.StatusValid, true, false, 1},
		// a poor reading, a probe of the middle third turned, then the whole page turned
		{"upside down, read turned", fakeOCR{text: "ʇxǝʇ ǝlqısıllı", conf: 30, turnedText: avisText, turnedConf: 90}, pagePNG, coffre.TypeAvisImposition, coffre.StatusValid, true, false, 3},
		{"photo found upside down before OCR", fakeOCR{text: avisText, conf: 91, upsideDown: true, orientConf: 20}, photoPNG, coffre.TypeAvisImposition, coffre.StatusValid, true, false, 1},
		{"photo surely upright, poor reading kept", fakeOCR{text: avisText, conf: 65, orientConf: 20}, photoPNG, coffre.TypeAvisImposition, coffre.StatusValid, true, false, 1},
		{"poor reading, turned is worse", fakeOCR{text: avisText, conf: 65, turnedText: "ʇxǝʇ", turnedConf: 20}, pagePNG, coffre.TypeAvisImposition, coffre.StatusValid, true, false, 2},
		{"poor reading, the probe reads less", fakeOCR{text: avisText, conf: 65, turnedText: "AVIS 2025", turnedConf: 90}, pagePNG, coffre.TypeAvisImposition, coffre.StatusValid, true, false, 2},
		// the page and the probe, then both again sharpened
		{"too little confident text, either way up", fakeOCR{text: "l1 .. ,", conf: 20}, pagePNG, coffre.TypeUnknown, coffre.StatusUndetermined, false, false, 4},
		{"empty file", fakeOCR{}, func(*testing.T) []byte { return nil }, coffre.TypeUnknown, coffre.StatusUndetermined, false, true, 0},
		{"not a document", fakeOCR{}, func(*testing.T) []byte { return []byte("bonjour, ceci est du texte") }, coffre.TypeUnknown, coffre.StatusUndetermined, false, true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ocr := tt.ocr
			rec := newTestPipeline(&ocr).Scan(context.Background(), "f", tt.data(t), asOf)
			if (rec.Error != "") != tt.wantError {
				t.Fatalf("error = %q, want error: %v", rec.Error, tt.wantError)
			}
			if rec.Type != tt.wantType || rec.Status != tt.wantStatus {
				t.Errorf("type, status = %s, %s; want %s, %s", rec.Type, rec.Status, tt.wantType, tt.wantStatus)
			}
			if ocr.calls != tt.wantCalls {
				t.Errorf("OCR ran %d times, want %d", ocr.calls, tt.wantCalls)
			}
			if tt.wantCalls > 0 && ocr.markerTopLeft == tt.ocr.upsideDown {
				t.Errorf("first OCR saw the marker at the top left: %v; the page was found upside down: %v", ocr.markerTopLeft, tt.ocr.upsideDown)
			}
			if tt.wantError {
				return
			}
			c, ok := rec.Check(coffre.CheckReadable)
			if !ok || c.OK != tt.readable {
				t.Errorf("readable check = %+v (made: %v), want ok=%v", c, ok, tt.readable)
			}
			if !tt.readable && !slices.Contains(rec.Messages, msgNoText) {
				t.Errorf("messages = %q, want the retake message", rec.Messages)
			}
		})
	}
}

func TestScanAvisExpiry(t *testing.T) {
	rec := newTestPipeline(&fakeOCR{text: avisText, conf: 91}).Scan(context.Background(), "f", pagePNG(t), coffre.NewDate(2026, 9, 1))
	if want := coffre.NewDate(2026, 9, 14); rec.ExpiresOn != want {
		t.Errorf("expires_on = %s, want %s", rec.ExpiresOn, want)
	}
	if rec.Status != coffre.StatusExpiringSoon {
		t.Errorf("status = %s, want expiring_soon", rec.Status)
	}
	for _, stage := range []string{"decode", "preprocess", "ocr", "mrz", "classify", "policy"} {
		if _, ok := rec.TimingsMS[stage]; !ok {
			t.Errorf("no timing for stage %s", stage)
		}
	}
}

func TestScanCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ocr := &fakeOCR{text: avisText, conf: 91}
	rec := newTestPipeline(ocr).Scan(ctx, "f", pagePNG(t), coffre.NewDate(2026, 1, 1))
	if rec.Error == "" || ocr.calls != 0 {
		t.Errorf("cancelled scan: error %q after %d OCR calls; want an error and no OCR", rec.Error, ocr.calls)
	}
}

func TestScanLookalikeMessage(t *testing.T) {
	text := `DIRECTION GÉNÉRALE DES FINANCES PUBLIQUES
AVIS D'IMPÔT 2025 TAXES FONCIÈRES
Numéro fiscal : 12 34 567 890 123
Référence de l'avis : 25 12 A345678 90
Propriétés bâties - Adresse du bien : 3 rue des Lilas
Revenu cadastral 1 204 - Base d'imposition 602
Commune, intercommunalité, taxe spéciale d'équipement
Montant à payer 812 €`
	rec := newTestPipeline(&fakeOCR{text: text, conf: 90}).Scan(context.Background(), "f", pagePNG(t), coffre.NewDate(2026, 1, 1))
	if rec.Type != coffre.TypeUnknown || len(rec.Messages) != 1 || !strings.Contains(rec.Messages[0], "taxe foncière") {
		t.Errorf("type %s, messages %q; want unknown and a message naming the taxe foncière", rec.Type, rec.Messages)
	}
}

func TestScanBlankPage(t *testing.T) {
	img := image.NewGray(image.Rect(0, 0, 1240, 1754))
	for i := range img.Pix {
		img.Pix[i] = 245
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	ocr := &fakeOCR{text: avisText, conf: 91}
	rec := newTestPipeline(ocr).Scan(context.Background(), "f", buf.Bytes(), coffre.NewDate(2026, 1, 1))
	if ocr.calls != 0 || !slices.Equal(rec.Messages, []string{msgBlank}) || rec.Status != coffre.StatusUndetermined {
		t.Errorf("blank page: %d OCR calls, messages %q, status %s; want no OCR, the blank-page message, undetermined", ocr.calls, rec.Messages, rec.Status)
	}
}

// A flat scan is not given to the Orienter (it would say "upside down"
// here); its poor reading gets the second one instead.
func TestScanFlatPageNotOriented(t *testing.T) {
	ocr := &fakeOCR{text: "ʇxǝʇ", conf: 30, turnedText: avisText, turnedConf: 90, upsideDown: true, orientConf: 20}
	rec := newTestPipeline(ocr).Scan(context.Background(), "f", pagePNG(t), coffre.NewDate(2026, 1, 1))
	if !ocr.markerTopLeft || ocr.calls != 3 || rec.Type != coffre.TypeAvisImposition {
		t.Errorf("first OCR upright: %v, %d OCR calls, type %s; want upright first, 3 calls (page, probe, page turned), the avis", ocr.markerTopLeft, ocr.calls, rec.Type)
	}
}

func TestScanFiles(t *testing.T) {
	asOf := coffre.NewDate(2026, 1, 15)
	ocr := &fakeOCR{text: avisText, conf: 91, turnedText: avisText, turnedConf: 91}
	rec := newTestPipeline(ocr).ScanFiles(context.Background(), "recto-verso", [][]byte{pagePNG(t), pagePNG(t)}, asOf)
	if rec.Error != "" || rec.Pages != 2 || rec.Type != coffre.TypeAvisImposition {
		t.Fatalf("record = pages %d, type %s, error %q; want 2 pages of an avis", rec.Pages, rec.Type, rec.Error)
	}
	if !strings.Contains(rec.Text, "\f") {
		t.Errorf("text of two pages has no page break")
	}
	rec = newTestPipeline(&fakeOCR{text: avisText, conf: 91}).ScanFiles(context.Background(), "f", [][]byte{pagePNG(t), nil}, asOf)
	if rec.Error == "" || rec.Status != coffre.StatusUndetermined {
		t.Errorf("an empty second file: error %q, status %s; want an error", rec.Error, rec.Status)
	}
}

// scriptedOCR answers its readings in turn and records the height of
// each image it was given; as an Orienter it is never sure.
type scriptedOCR struct {
	reads   []Text
	heights []int
}

func (s *scriptedOCR) UpsideDown(*image.Gray) (bool, float64, bool) { return false, 1, true }

func (s *scriptedOCR) Recognize(_ context.Context, img *image.Gray) (Text, error) {
	s.heights = append(s.heights, img.Rect.Dy())
	t := s.reads[0]
	s.reads = s.reads[1:]
	return t, nil
}

// TestReadUprightUnsure follows a photo the Orienter cannot place: the
// probe (the middle third, turned) comes first, and the page is read as
// few times as the readings allow.
func TestReadUprightUnsure(t *testing.T) {
	const h = 900
	good := Text{MeanConfidence: 90, ConfidentChars: 300, Lines: []Line{{Box: image.Rect(0, 400, 500, 420), ConfidentChars: 60}}}
	poor := Text{MeanConfidence: 40, ConfidentChars: 50, Lines: []Line{{Box: image.Rect(0, 400, 500, 420), ConfidentChars: 10}}}
	for _, tt := range []struct {
		name        string
		reads       []Text
		wantHeights []int // of the images read, in order: h/3 is the probe
		wantTurned  bool
	}{
		{"probe reads well: upside down, read once turned",
			[]Text{{MeanConfidence: 85, ConfidentChars: 120}, good}, []int{h / 3, h}, true},
		{"probe reads garbage, page reads well",
			[]Text{{MeanConfidence: 30, ConfidentChars: 8}, good}, []int{h / 3, h}, false},
		{"a few confident characters are not enough",
			[]Text{{MeanConfidence: 90, ConfidentChars: 6}, good}, []int{h / 3, h}, false},
		{"both poor, the probe beats the page there: read turned",
			[]Text{{MeanConfidence: 45, ConfidentChars: 40}, poor, good}, []int{h / 3, h, h}, true},
		{"both poor, the page beats the probe there: kept",
			[]Text{{MeanConfidence: 45, ConfidentChars: 5}, poor}, []int{h / 3, h}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			img := image.NewGray(image.Rect(0, 0, 600, h))
			img.Pix[0] = 1 // a marker at the top left
			ocr := &scriptedOCR{reads: tt.reads}
			p := &Pipeline{Recognizer: ocr, Orienter: ocr}
			pg := &page{img: img, handheld: true}
			if _, err := p.readUpright(context.Background(), pg); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(ocr.heights, tt.wantHeights) {
				t.Errorf("read images of heights %v, want %v", ocr.heights, tt.wantHeights)
			}
			if turned := pg.img.Pix[0] != 1; turned != tt.wantTurned {
				t.Errorf("page turned: %v, want %v", turned, tt.wantTurned)
			}
			if len(ocr.reads) != 0 {
				t.Errorf("%d readings left unasked", len(ocr.reads))
			}
		})
	}
}

// TestRecognizeBlurry: a page blurred enough to doubt, not enough to skip,
// is read; a poor reading then gets the blur message, a good one passes.
func TestRecognizeBlurry(t *testing.T) {
	for _, tt := range []struct {
		name    string
		blurry  bool
		conf    float64
		wantMsg string
	}{
		{"blurred, reads well", true, 90, ""},
		{"blurred, reads badly", true, 30, msgBlurry},
		{"sharp, reads badly", false, 30, msgNoText},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ocr := &fakeOCR{text: avisText, conf: tt.conf, turnedText: "ʇxǝʇ", turnedConf: 10}
			p := newTestPipeline(ocr)
			r := &run{pages: []page{{img: image.NewGray(image.Rect(0, 0, 600, 900)), blurry: tt.blurry}}}
			if err := p.recognize(context.Background(), r); err != nil {
				t.Fatal(err)
			}
			if got := r.pages[0].unreadable; got != tt.wantMsg {
				t.Errorf("message %q, want %q", got, tt.wantMsg)
			}
		})
	}
}

// TestLookalikeLabels: the agent is told what every recognised look-alike
// is; a new one without its French name would be refused in silence.
func TestLookalikeLabels(t *testing.T) {
	for _, kind := range classifiers.Lookalikes() {
		if lookalikeLabels[string(kind)] == "" {
			t.Errorf("look-alike %s has no label for the agent", kind)
		}
	}
}

// TestRecognizeSharpened: a page that gives almost no text is read again
// sharpened, and the better reading is kept, with the image its lines'
// boxes are on.
func TestRecognizeSharpened(t *testing.T) {
	few := Text{MeanConfidence: 75, ConfidentChars: 12}
	fewer := Text{MeanConfidence: 75, ConfidentChars: 5}
	many := Text{MeanConfidence: 80, ConfidentChars: 90, Text: "CARTE DE RESIDENT"}
	for _, tt := range []struct {
		name      string
		reads     []Text
		wantReads int
		wantMsg   string
		wantSharp bool
	}{
		{"reads well: read once", []Text{many}, 1, "", false},
		{"sharpened reads better: kept", []Text{few, many}, 2, "", true},
		{"sharpened reads worse: the first reading stays", []Text{few, fewer}, 2, msgNoText, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			img := image.NewGray(image.Rect(0, 0, 60, 40))
			for i := range img.Pix {
				img.Pix[i] = uint8(100 + 100*(i%60/30)) // a soft edge, which sharpening steepens
			}
			orig := slices.Clone(img.Pix)
			ocr := &scriptedOCR{reads: tt.reads}
			p := &Pipeline{Recognizer: ocr}
			r := &run{pages: []page{{img: img}}}
			if err := p.recognize(context.Background(), r); err != nil {
				t.Fatal(err)
			}
			pg := r.pages[0]
			if n := len(ocr.heights); n != tt.wantReads {
				t.Errorf("%d readings, want %d", n, tt.wantReads)
			}
			if pg.unreadable != tt.wantMsg {
				t.Errorf("message %q, want %q", pg.unreadable, tt.wantMsg)
			}
			if sharp := !slices.Equal(pg.img.Pix, orig); sharp != tt.wantSharp {
				t.Errorf("page image sharpened: %v, want %v", sharp, tt.wantSharp)
			}
			if tt.wantSharp && pg.text != many.Text {
				t.Errorf("text %q, want the sharpened reading's", pg.text)
			}
		})
	}
}
