package classifiers

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"coffre"
)

// digitLike maps letters that OCR reads in place of digits back to digits.
var digitLike = strings.NewReplacer("o", "0", "l", "1", "i", "1", "|", "1", "s", "5", "b", "8", "z", "2")

// fixDigits repairs numbers in folded text: a token that holds a digit and
// otherwise only digit look-alikes ("2O24", "l5") is read as digits. Tokens
// with other letters ("a345678", "1er") are left alone.
func fixDigits(s string) string {
	toks := strings.Split(s, " ")
	for i, t := range toks {
		if strings.ContainsAny(t, "0123456789") && strings.Trim(t, "0123456789olis|bz.,/:;-€()") == "" {
			toks[i] = digitLike.Replace(t)
		}
	}
	return strings.Join(toks, " ")
}

var (
	euroRe     = regexp.MustCompile(`\b(\d{1,3}(?:[ .]\d{3})+|\d+)(?:,\d{1,2})?\s*(?:€|eur\b|euros?\b|e\b)`)
	bareEuroRe = regexp.MustCompile(`^[\s:=|.\-]*(\d{1,3}(?:[ .]\d{3})+|\d+)(?:,\d{1,2})?[\s|.:]*$`)
	decimalRe  = regexp.MustCompile(`(?:^|[^\d,.])(\d{1,2}(?:[,.]\d{1,2})?)(?:[^\d,.]|$)`)
	digitRunRe = regexp.MustCompile(`\d(?:\d| \d)*`)
)

// parseEuros reads whole euros: an amount marked "€"/"euros", or a line
// that is nothing but a number (a table cell). Cents are dropped.
func parseEuros(s string) (int, bool) {
	s = fixDigits(s)
	m := euroRe.FindStringSubmatch(s)
	if m == nil {
		m = bareEuroRe.FindStringSubmatch(s)
	}
	if m == nil {
		return 0, false
	}
	n, err := strconv.Atoi(strings.NewReplacer(" ", "", ".", "").Replace(m[1]))
	if err != nil { // out of range: Atoi's clamped value is no amount
		return 0, false
	}
	return n, true
}

// parseDecimal reads a small decimal number written the French way ("1,5").
func parseDecimal(s string) (float64, bool) {
	m := decimalRe.FindStringSubmatch(fixDigits(s))
	if m == nil {
		return 0, false
	}
	f, err := strconv.ParseFloat(strings.ReplaceAll(m[1], ",", "."), 64)
	return f, err == nil
}

// digitsParser returns a parser for the first run of between lo and hi
// digits, spaces inside the run removed (identifiers printed in groups).
func digitsParser(lo, hi int) func(string) (string, bool) {
	return func(s string) (string, bool) {
		for _, m := range digitRunRe.FindAllString(fixDigits(s), -1) {
			if d := strings.ReplaceAll(m, " ", ""); len(d) >= lo && len(d) <= hi {
				return d, true
			}
		}
		return "", false
	}
}

var (
	numDateRe  = regexp.MustCompile(`\b(\d{1,2}) ?[./\- ] ?(\d{1,2}) ?[./\- ] ?((?:19|20)\d{2})\b`)
	packDateRe = regexp.MustCompile(`\b(\d{2})(\d{2})((?:19|20)\d{2})\b`)
	wordDateRe = regexp.MustCompile(`\b(\d{1,2}|1er) ?([a-z]{3,9})\.?(?: ?/ ?[a-z]{3,9}\.?)? ?((?:19|20)\d{2})\b`)
)

// months maps the first letters of French and English month names.
var months = map[string]time.Month{
	"jan": 1, "fev": 2, "feb": 2, "mar": 3, "avr": 4, "apr": 4, "mai": 5, "may": 5,
	"juin": 6, "jun": 6, "juil": 7, "jul": 7, "aou": 8, "aug": 8, "sep": 9,
	"oct": 10, "nov": 11, "dec": 12,
}

func monthOf(w string) time.Month {
	for _, n := range []int{4, 3} {
		if len(w) >= n {
			if m, ok := months[w[:n]]; ok {
				return m
			}
		}
	}
	return 0
}

// parseDate returns the first valid date in s, written 11/02/2030,
// 11.02.2030, 11 02 2030, 11022030 or "5 octobre 2026".
func parseDate(s string) (coffre.Date, bool) {
	s = fixDigits(s)
	best, at := coffre.Date{}, len(s)+1
	for _, re := range []*regexp.Regexp{numDateRe, packDateRe, wordDateRe} {
		for _, m := range re.FindAllStringSubmatchIndex(s, -1) {
			if m[0] >= at {
				break
			}
			if d, ok := dateOf(s[m[2]:m[3]], s[m[4]:m[5]], s[m[6]:m[7]]); ok {
				best, at = d, m[0]
				break
			}
		}
	}
	return best, at <= len(s)
}

// dateOf builds a date from day, month (number or name) and year strings,
// refusing impossible ones (31/02) rather than normalising them.
func dateOf(day, month, year string) (coffre.Date, bool) {
	d, _ := strconv.Atoi(strings.TrimSuffix(day, "er"))
	y, _ := strconv.Atoi(year)
	m, err := strconv.Atoi(month)
	if err != nil {
		m = int(monthOf(month))
	}
	if m < 1 || m > 12 || d < 1 || d > 31 {
		return coffre.Date{}, false
	}
	date := coffre.NewDate(y, time.Month(m), d)
	return date, date.Day == d
}
