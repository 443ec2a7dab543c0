package main

import (
	"fmt"
	"os"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// Weight selects a font of the page's family (Reg, Bold) or a fixed face
// shared by all families (Mono, OCR for machine-readable zones).
type Weight int

// The weights a text element can use.
const (
	Reg Weight = iota
	Bold
	Mono
	OCR
)

const (
	dejavu = "/usr/share/fonts/truetype/dejavu/"
	libe   = "/usr/share/fonts/truetype/liberation2/"
)

// families maps a family name to its regular and bold files; "go:" names
// are the Go fonts compiled into golang.org/x/image.
var families = map[string][2]string{
	"DejaVuSans":          {dejavu + "DejaVuSans.ttf", dejavu + "DejaVuSans-Bold.ttf"},
	"DejaVuSansCondensed": {dejavu + "DejaVuSansCondensed.ttf", dejavu + "DejaVuSansCondensed-Bold.ttf"},
	"DejaVuSerif":         {dejavu + "DejaVuSerif.ttf", dejavu + "DejaVuSerif-Bold.ttf"},
	"LiberationSans":      {libe + "LiberationSans-Regular.ttf", libe + "LiberationSans-Bold.ttf"},
	"LiberationSerif":     {libe + "LiberationSerif-Regular.ttf", libe + "LiberationSerif-Bold.ttf"},
	"GoRegular":           {"go:regular", "go:bold"},
}

// familyNames lists the families in a fixed order for random choice.
var familyNames = []string{"DejaVuSans", "DejaVuSansCondensed", "DejaVuSerif", "LiberationSans", "LiberationSerif", "GoRegular"}

const (
	monoFile = libe + "LiberationMono-Regular.ttf"
	// OCR-B "Sharp": x/image cannot outline '<' and '8' of plain OCRB.otf.
	ocrFile = "/usr/share/fonts/opentype/ocr-b/OCRBS.otf"
)

// fontFile returns the file (or go: name) for a family and weight.
func fontFile(fam string, w Weight) string {
	switch w {
	case Mono:
		return monoFile
	case OCR:
		return ocrFile
	case Bold:
		return families[fam][1]
	}
	return families[fam][0]
}

var (
	fontData  = map[string][]byte{}
	fontParse = map[string]*opentype.Font{}
	faceCache = map[faceKey]font.Face{}
)

type faceKey struct {
	file      string
	size, dpi float64
}

// loadFont returns the bytes of a font file, reading it once.
func loadFont(file string) []byte {
	if b, ok := fontData[file]; ok {
		return b
	}
	var b []byte
	switch file {
	case "go:regular":
		b = goregular.TTF
	case "go:bold":
		b = gobold.TTF
	default:
		var err error
		if b, err = os.ReadFile(file); err != nil {
			panic(fmt.Sprintf("font %s: %v", file, err))
		}
	}
	fontData[file] = b
	return b
}

// face returns a cached face of file at size points and dpi.
func face(file string, size, dpi float64) font.Face {
	k := faceKey{file, size, dpi}
	if f, ok := faceCache[k]; ok {
		return f
	}
	ft, ok := fontParse[file]
	if !ok {
		var err error
		if ft, err = opentype.Parse(loadFont(file)); err != nil {
			panic(fmt.Sprintf("font %s: %v", file, err))
		}
		fontParse[file] = ft
	}
	f, err := opentype.NewFace(ft, &opentype.FaceOptions{Size: size, DPI: dpi, Hinting: font.HintingNone})
	if err != nil {
		panic(err)
	}
	faceCache[k] = f
	return f
}

// textWidth returns the width in millimetres of s set in file at size pt.
func textWidth(file string, size float64, s string) float64 {
	adv := font.MeasureString(face(file, size, 720), s)
	return fix(adv) / 10 * 25.4 / 72
}

func fix(v fixed.Int26_6) float64 { return float64(v) / 64 }
