package main

import (
	"fmt"
	"strings"

	"golang.org/x/text/unicode/norm"

	"coffre"
)

// checkDigit is the ICAO 9303 check digit of s: weights 7,3,1, '<' = 0,
// digits as themselves, A = 10 … Z = 35.
func checkDigit(s string) byte {
	w := [3]int{7, 3, 1}
	sum := 0
	for i, c := range s {
		v := 0
		switch {
		case c >= '0' && c <= '9':
			v = int(c - '0')
		case c >= 'A' && c <= 'Z':
			v = int(c-'A') + 10
		}
		sum += v * w[i%3]
	}
	return byte('0' + sum%10)
}

// mrzName turns "Lefèvre-Dupont" into "LEFEVRE<DUPONT".
func mrzName(s string) string {
	var b strings.Builder
	for _, c := range norm.NFD.String(strings.ToUpper(s)) {
		switch {
		case c >= 'A' && c <= 'Z':
			b.WriteRune(c)
		case c == ' ' || c == '-' || c == '\'':
			b.WriteByte('<')
		}
	}
	return b.String()
}

func pad(s string, n int) string {
	if len(s) >= n {
		return s[:n]
	}
	return s + strings.Repeat("<", n-len(s))
}

func yymmdd(d coffre.Date) string { return fmt.Sprintf("%02d%02d%02d", d.Year%100, d.Month, d.Day) }

func withCD(s string) string { return s + string(checkDigit(s)) }

// namesField is SURNAME<<GIVEN<NAMES.
func namesField(p Person) string {
	g := make([]string, len(p.Given))
	for i, n := range p.Given {
		g[i] = mrzName(n)
	}
	return mrzName(p.Surname) + "<<" + strings.Join(g, "<")
}

// mrzTD1 is the 3×30 zone of ID-1 cards; code is "ID" or "IR".
func mrzTD1(code, number string, p Person, expiry coffre.Date, nat string) []string {
	l1 := pad(code+"FRA"+withCD(pad(number, 9)), 30)
	l2 := withCD(yymmdd(p.Birth)) + p.Sex + withCD(yymmdd(expiry)) + nat
	l2 = pad(l2, 29)
	comp := l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29]
	return []string{l1, l2 + string(checkDigit(comp)), pad(namesField(p), 30)}
}

// mrzTD3 is the 2×44 zone of passports.
func mrzTD3(number string, p Person, expiry coffre.Date) []string {
	l1 := pad("P<FRA"+namesField(p), 44)
	l2 := withCD(pad(number, 9)) + "FRA" + withCD(yymmdd(p.Birth)) + p.Sex + withCD(yymmdd(expiry))
	l2 += withCD(pad("", 14))
	comp := l2[0:10] + l2[13:20] + l2[21:43]
	return []string{l1, l2 + string(checkDigit(comp))}
}

// mrzOldCNI is the 2×36 zone of the laminated French card (1988–2021).
func mrzOldCNI(number, office string, p Person) []string {
	l1 := pad("IDFRA"+mrzName(p.Surname), 30) + office
	g := make([]string, len(p.Given))
	for i, n := range p.Given {
		g[i] = mrzName(n)
	}
	l2 := withCD(number) + pad(strings.Join(g, "<<"), 14) + withCD(yymmdd(p.Birth)) + p.Sex
	return []string{l1, l2 + string(checkDigit(l1+l2))}
}
