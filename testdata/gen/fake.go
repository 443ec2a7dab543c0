package main

import (
	"fmt"
	"image/color"
	"math/rand/v2"
	"strings"
	"time"
	"unicode"

	"coffre"
)

var (
	surnames = []string{"MARTIN", "BERNARD", "DUBOIS", "THOMAS", "ROBERT", "RICHARD", "PETIT", "DURAND", "LEROY", "MOREAU",
		"SIMON", "LAURENT", "LEFÈVRE", "MICHEL", "GARCIA", "DAVID", "BERTRAND", "ROUX", "VINCENT", "FOURNIER", "MOREL",
		"GIRARD", "ANDRÉ", "MERCIER", "DUPONT", "LAMBERT", "BONNET", "FRANÇOIS", "MARTINEZ", "LEGRAND", "GARNIER",
		"FAURE", "ROUSSEAU", "BLANC", "GUÉRIN", "MULLER", "HENRY", "ROUSSEL", "NICOLAS", "PERRIN", "MATHIEU",
		"BEN SALAH", "N'DIAYE", "DA SILVA", "LE GOFF", "BOUCHARD-DESCHAMPS", "HADDAD", "TRAORÉ", "NGUYEN"}
	menNames = []string{"Jean", "Pierre", "Michel", "Philippe", "Alain", "Nicolas", "Christophe", "Laurent", "Julien",
		"Stéphane", "Sébastien", "Thomas", "Lucas", "Hugo", "Mohamed", "Karim", "Yannick", "François", "Jérôme", "Rémi",
		"Mamadou", "Gaël", "Loïc", "Benoît", "Théo"}
	womenNames = []string{"Marie", "Nathalie", "Isabelle", "Sylvie", "Catherine", "Françoise", "Sandrine", "Céline",
		"Aurélie", "Émilie", "Julie", "Camille", "Léa", "Chloé", "Fatima", "Amina", "Hélène", "Agnès", "Inès", "Zoé",
		"Maëlle", "Océane", "Aïcha", "Noémie", "Bérénice"}
	streets = []string{"rue de la République", "avenue Jean Jaurès", "rue Victor Hugo", "boulevard Gambetta",
		"place de l'Église", "rue des Écoles", "allée des Tilleuls", "chemin du Moulin", "rue Pasteur",
		"impasse des Lilas", "rue du Général de Gaulle", "avenue de la Libération", "rue Émile Zola",
		"résidence Les Pins, bât. B", "rue de l'Hôtel de Ville", "cours Lafayette", "rue Saint-Éloi"}
)

// city is a commune with its postcode, département name and number.
type city struct{ Name, CP, Dept, DeptNo, Prep string }

var cities = []city{
	{"BORDEAUX", "33000", "Gironde", "33", "de la"}, {"LYON", "69003", "Rhône", "69", "du"},
	{"MARSEILLE", "13005", "Bouches-du-Rhône", "13", "des"}, {"LILLE", "59000", "Nord", "59", "du"},
	{"RENNES", "35000", "Ille-et-Vilaine", "35", "d'"}, {"NANTES", "44000", "Loire-Atlantique", "44", "de la"},
	{"TOULOUSE", "31500", "Haute-Garonne", "31", "de la"}, {"SAINT-ÉTIENNE", "42000", "Loire", "42", "de la"},
	{"AMIENS", "80000", "Somme", "80", "de la"}, {"LIMOGES", "87000", "Haute-Vienne", "87", "de la"},
	{"NANTERRE", "92000", "Hauts-de-Seine", "92", "des"}, {"CRÉTEIL", "94000", "Val-de-Marne", "94", "du"},
	{"ÉVREUX", "27000", "Eure", "27", "de l'"}, {"BESANÇON", "25000", "Doubs", "25", "du"},
	{"PERPIGNAN", "66000", "Pyrénées-Orientales", "66", "des"}, {"VILLEURBANNE", "69100", "Rhône", "69", "du"},
	{"ROUBAIX", "59100", "Nord", "59", "du"}, {"CLERMONT-FERRAND", "63000", "Puy-de-Dôme", "63", "du"},
	{"AJACCIO", "20000", "Corse-du-Sud", "2A", "de la"}, {"MONTREUIL", "93100", "Seine-Saint-Denis", "93", "de la"},
}

// Person is a random holder of a document.
type Person struct {
	Surname string
	Given   []string
	Sex     string // "M" or "F"
	Birth   coffre.Date
	Street  string
	City    city
}

func pick[T any](r *rand.Rand, s []T) T { return s[r.IntN(len(s))] }

// randDate returns a day between a and b inclusive.
func randDate(r *rand.Rand, a, b coffre.Date) coffre.Date {
	days := int(b.Time().Sub(a.Time()).Hours() / 24)
	return a.AddDays(r.IntN(days + 1))
}

func ymd(y, m, d int) coffre.Date { return coffre.NewDate(y, time.Month(m), d) }

func newPerson(r *rand.Rand, born1, born2 int) Person {
	p := Person{Surname: pick(r, surnames), Sex: "M", City: pick(r, cities)}
	names := menNames
	if r.IntN(2) == 0 {
		p.Sex, names = "F", womenNames
	}
	for n := 1 + r.IntN(3); len(p.Given) < n; {
		g := pick(r, names)
		if !strings.Contains(strings.Join(p.Given, ","), g) {
			p.Given = append(p.Given, g)
		}
	}
	p.Birth = randDate(r, ymd(born1, 1, 1), ymd(born2, 12, 31))
	p.Street = fmt.Sprintf("%d %s", 1+r.IntN(140), pick(r, streets))
	return p
}

// Civ is "M." or "MME".
func (p Person) Civ() string {
	if p.Sex == "F" {
		return "MME"
	}
	return "M."
}

// FullUpper is "DUPONT JEAN" as on tax notices.
func (p Person) FullUpper() string { return p.Surname + " " + strings.ToUpper(p.Given[0]) }

// AddressLines returns the postal address block.
func (p Person) AddressLines() []string {
	return []string{strings.ToUpper(p.Street), p.City.CP + " " + p.City.Name}
}

// frInt formats n with spaces between thousands: 15 432.
func frInt(n int) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + frInt(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + " " + s[i:]
	}
	return s
}

// frMoney formats cents as 1 234,56.
func frMoney(cents int) string { return fmt.Sprintf("%s,%02d", frInt(cents/100), cents%100) }

// frNum formats a float with a decimal comma and no trailing zeros.
func frNum(f float64) string {
	s := strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.2f", f), "0"), ".")
	return strings.ReplaceAll(s, ".", ",")
}

// dateFmt prints d with a layout: "slash" 05/10/2026, "dot" 05.10.2026,
// "space" 05 10 2026, "long" 5 octobre 2026.
func dateFmt(d coffre.Date, layout string) string {
	switch layout {
	case "dot":
		return fmt.Sprintf("%02d.%02d.%04d", d.Day, d.Month, d.Year)
	case "space":
		return fmt.Sprintf("%02d %02d %04d", d.Day, d.Month, d.Year)
	case "long":
		return fmt.Sprintf("%d %s %d", d.Day, months[d.Month-1], d.Year)
	}
	return fmt.Sprintf("%02d/%02d/%04d", d.Day, d.Month, d.Year)
}

var months = []string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
	"octobre", "novembre", "décembre"}

func digits(r *rand.Rand, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + r.IntN(10))
	}
	return string(b)
}

func letters(r *rand.Rand, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('A' + r.IntN(26))
	}
	return string(b)
}

// ageOn is the age in whole years of someone born on b at date d.
func ageOn(b, d coffre.Date) int {
	a := d.Year - b.Year
	if d.Month < b.Month || (d.Month == b.Month && d.Day < b.Day) {
		a--
	}
	return a
}

func rgb(r, g, b uint8) color.RGBA { return color.RGBA{r, g, b, 255} }

// titleCase turns "SAINT-ÉTIENNE" into "Saint-Étienne".
func titleCase(s string) string {
	rs := []rune(strings.ToLower(s))
	for i := range rs {
		if i == 0 || rs[i-1] == ' ' || rs[i-1] == '-' || rs[i-1] == '\'' {
			rs[i] = unicode.ToUpper(rs[i])
		}
	}
	return string(rs)
}

// deptPhrase is "de la Gironde", "d'Ille-et-Vilaine".
func deptPhrase(c city) string {
	if strings.HasSuffix(c.Prep, "'") {
		return c.Prep + c.Dept
	}
	return c.Prep + " " + c.Dept
}
