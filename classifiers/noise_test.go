package classifiers

import (
	"math/rand/v2"
	"strings"
	"testing"

	"coffre"
)

// confusions are the substitutions Tesseract makes on phone photos.
var confusions = map[rune][]string{
	'o': {"0"}, 'O': {"0"}, '0': {"O", "o"}, 'l': {"1", "I", "|"}, 'i': {"l", "1"}, 'I': {"l", "1"},
	'1': {"l", "I"}, 's': {"5"}, 'S': {"5"}, '5': {"S"}, 'B': {"8"}, '8': {"B"}, 'm': {"rn"},
	'é': {"e", "ë", "c"}, 'è': {"e"}, 'ê': {"e"}, 'à': {"a"}, 'ô': {"o"}, 'ç': {"c"}, '<': {"K", "«", " "},
}

// noisy applies OCR-like damage at the given per-character rate: look-alike
// substitutions, split and glued words, dropped letters, case flips; and per
// line, swaps with the next line and inserted garbage lines.
func noisy(text string, r *rand.Rand, rate float64) string {
	lines := strings.Split(text, "\n")
	for i := range lines {
		lines[i] = noisyLine(lines[i], r, rate)
		if i+1 < len(lines) && r.Float64() < rate*3 {
			lines[i], lines[i+1] = lines[i+1], lines[i]
		}
	}
	for range int(rate * 100) {
		at := r.IntN(len(lines) + 1)
		lines = append(lines[:at], append([]string{"~ ;;" + string(rune('a'+r.IntN(26))) + "|' ,."}, lines[at:]...)...)
	}
	return strings.Join(lines, "\n")
}

func noisyLine(s string, r *rand.Rand, rate float64) string {
	var b strings.Builder
	for _, c := range s {
		if r.Float64() >= rate {
			b.WriteRune(c)
			continue
		}
		switch k := r.IntN(5); {
		case k <= 1 && len(confusions[c]) > 0:
			b.WriteString(confusions[c][r.IntN(len(confusions[c]))])
		case k == 2 && c == ' ': // glued words
		case k == 2:
			b.WriteRune(c)
			b.WriteByte(' ') // split word
		case k == 3:
			b.WriteString(strings.ToUpper(string(c)))
		default: // dropped character
		}
	}
	return b.String()
}

type outcome struct{ right, unknown, wrong int }

// runNoise classifies seeds noisy copies of every positive fixture.
func runNoise(t *testing.T, rate float64, seeds int, each func(f fixture, got Result)) outcome {
	var o outcome
	for _, f := range positives(t) {
		for seed := range seeds {
			r := rand.New(rand.NewPCG(uint64(seed), uint64(len(f.name))))
			got := Classify(noisy(f.text, r, rate), testAsOf)
			switch {
			case got.Type == f.want.Type && got.Subtype == f.want.Subtype:
				o.right++
			case got.Type == coffre.TypeUnknown:
				o.unknown++
			default:
				o.wrong++
				t.Errorf("%s seed %d rate %.2f: got %s/%s", f.name, seed, rate, got.Type, got.Subtype)
			}
			each(f, got)
		}
	}
	return o
}

// TestLightNoiseKeepsType: a few OCR errors per line must not change the
// classification of any fixture.
func TestLightNoiseKeepsType(t *testing.T) {
	o := runNoise(t, 0.02, 20, func(f fixture, got Result) {
		if got.Type != f.want.Type {
			t.Errorf("%s: light noise made it %s (scores %v)", f.name, got.Type, got.Scores)
		}
	})
	t.Logf("light noise: %+v", o)
}

// TestHeavyNoiseDegradesSafely: heavy damage may lose documents to unknown
// but must never turn them into another type, should still recognise most,
// and must lower the confidence of what it still accepts.
func TestHeavyNoiseDegradesSafely(t *testing.T) {
	var clean, damaged float64
	var n int
	o := runNoise(t, 0.08, 10, func(f fixture, got Result) {
		if got.Type == f.want.Type {
			damaged += got.Confidence
			clean += Classify(f.text, testAsOf).Confidence
			n++
		}
	})
	t.Logf("heavy noise: %+v", o)
	if total := o.right + o.unknown + o.wrong; float64(o.right) < 0.7*float64(total) {
		t.Errorf("heavy noise: only %d/%d recognised", o.right, total)
	}
	if n > 0 && damaged/float64(n) >= clean/float64(n) {
		t.Errorf("mean confidence under heavy noise %.3f, clean %.3f: want lower", damaged/float64(n), clean/float64(n))
	}
}

// TestNoisyLookalikesStayUnknown: damage must not make a look-alike pass.
func TestNoisyLookalikesStayUnknown(t *testing.T) {
	for _, f := range fixtures(t, "lookalikes") {
		for seed := range 20 {
			r := rand.New(rand.NewPCG(uint64(seed), 7))
			if got := Classify(noisy(f.text, r, 0.05), testAsOf); got.Type != coffre.TypeUnknown {
				t.Errorf("%s seed %d: got %s (scores %v)", f.name, seed, got.Type, got.Scores)
			}
		}
	}
}

func FuzzClassify(f *testing.F) {
	for _, fx := range append(positives(f), fixtures(f, "lookalikes")...) {
		f.Add(fx.text)
	}
	f.Add("IDFRA<<<<\n\f\nKKKKKKKKKKKKKKKKKKKKKKKKKKKKKK")
	f.Fuzz(func(t *testing.T, text string) {
		r := Classify(text, testAsOf)
		if r.Confidence < 0 || r.Confidence > 1 || r.Fields == nil {
			t.Errorf("bad result %+v", r)
		}
	})
}
