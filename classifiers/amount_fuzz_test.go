package classifiers

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"coffre"
)

// ocrSeeds adds to f the lines of the classifiers' OCR fixtures that
// hold a digit: real amounts and dates as Tesseract reads them.
func ocrSeeds(f *testing.F) {
	files, _ := filepath.Glob("testdata/*/*.txt")
	n := 0
	for _, name := range files {
		fh, err := os.Open(name)
		if err != nil {
			continue
		}
		s := bufio.NewScanner(fh)
		for s.Scan() && n < 400 {
			if line := s.Text(); strings.ContainsAny(line, "0123456789") {
				f.Add(line)
				n++
			}
		}
		fh.Close()
	}
}

// frenchAmount writes n the French way: "12 345 678".
func frenchAmount(n int) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// FuzzParseEuros: parseEuros never panics nor returns a negative amount,
// and finds in any line the amounts written in it the ways an avis or an
// attestation prints them.
func FuzzParseEuros(f *testing.F) {
	for _, s := range []string{": 15 432 €", "15.432 euros", "28 9o4 €", "612,50 €", "  63 118  ", "de septembre 2026 : 612 €",
		"allocataire n° 1234567", "date d'edition : 28/02/2026", "99999999999999999999999 €", "-12 €", "1 2 3 4 5 6 7 8 9 €", ""} {
		f.Add(s)
	}
	ocrSeeds(f)
	f.Fuzz(func(t *testing.T, s string) {
		for _, in := range []string{s, fold(s)} {
			// When ok is false n means nothing (an overflowing run of
			// digits gives math.MaxInt64, false): only ok amounts count.
			if n, ok := parseEuros(in); ok && n < 0 {
				t.Fatalf("parseEuros(%q) = %d", in, n)
			}
		}
		// Round trip: an amount derived from the input, printed as
		// documents print it, is read back exactly.
		n := 0
		for _, c := range []byte(s) {
			n = (n*31 + int(c)) % 1_000_000_000
		}
		for _, printed := range []string{frenchAmount(n) + " €", fmt.Sprintf("%d euros", n), fmt.Sprintf(": %s,%02d €", frenchAmount(n), n%100), frenchAmount(n)} {
			if got, ok := parseEuros(fold(printed)); !ok || got != n {
				t.Fatalf("parseEuros(%q) = %d, %v; want %d", fold(printed), got, ok, n)
			}
		}
	})
}

// FuzzParseDate: the classifiers' date reader never panics, returns
// only real days of 1900–2099 (the years it looks for), and reads back a
// date it returned when printed the ways documents print it.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"11 02 2030", "11.02.2030", "11/02/2030", ": 11-02-2030", "11022030", "1l/O2/2O30", "11 février 2030",
		"11 FEV. / FEB 2030", "le 1er juillet 2026", "31/02/2030", "2030", "12 rue des lilas", "29/02/2024", "29/02/2023", "00/00/2000", ""} {
		f.Add(s)
	}
	ocrSeeds(f)
	f.Fuzz(func(t *testing.T, s string) {
		for _, in := range []string{s, fold(s)} {
			d, ok := parseDate(in)
			if !ok {
				if !d.IsZero() {
					t.Fatalf("parseDate(%q) = %v, false", in, d)
				}
				continue
			}
			if d.Year < 1900 || d.Year > 2099 || coffre.DateOf(d.Time()) != d {
				t.Fatalf("parseDate(%q) = %+v: not a real day of 1900-2099", in, d)
			}
			names := []string{"", "janvier", "fevrier", "mars", "avril", "mai", "juin", "juillet", "aout", "septembre", "octobre", "novembre", "decembre"}
			for _, printed := range []string{
				fmt.Sprintf("%02d/%02d/%04d", d.Day, d.Month, d.Year),
				fmt.Sprintf("%02d.%02d.%04d", d.Day, d.Month, d.Year),
				fmt.Sprintf("%02d%02d%04d", d.Day, d.Month, d.Year),
				fmt.Sprintf("%d %s %d", d.Day, names[d.Month], d.Year),
			} {
				if back, ok := parseDate(printed); !ok || back != d {
					t.Fatalf("parseDate(%q) = %v, %v; want %v (read from %q)", printed, back, ok, d, in)
				}
			}
		}
	})
}
