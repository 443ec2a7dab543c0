package vault

import (
	"errors"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"coffre"
)

// Person is someone whose documents the vault keeps, as registered by an
// organisation.
type Person struct {
	ID        string
	OrgID     string // the organisation (a CCAS) that registered the person
	Name      string
	BirthDate coffre.Date // zero when unknown
	CreatedAt time.Time
}

// DefaultPersonsLimit is how many persons FindPersons returns when its
// limit is not positive.
const DefaultPersonsLimit = 20

// NewPerson prepares p for CreatePerson: a new id when it has none,
// CreatedAt now in UTC to the microsecond (what both stores keep); then
// checks it.
func NewPerson(p Person, now time.Time) (Person, error) {
	if p.ID == "" {
		p.ID = NewID()
	}
	p.CreatedAt = now.UTC().Truncate(time.Microsecond)
	switch {
	case p.OrgID == "":
		return Person{}, errors.New("person without an organisation")
	case NameKey(p.Name) == "":
		return Person{}, errors.New("person without a name")
	}
	return p, nil
}

// NameKey is what FindPersons compares: the name without accents, in
// lower case, its spaces collapsed, so that "elodie" finds "Élodie" and
// "LEFÈVRE" finds "Lefevre". The stores keep it in a column, computed
// here because neither SQLite nor PostgreSQL (without unaccent) folds
// accents the same way.
func NameKey(name string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(name) {
		switch {
		case unicode.Is(unicode.Mn, r): // the accents NFD split off
		case r == 'œ' || r == 'Œ': // ligatures have no decomposition
			b.WriteString("oe")
		case r == 'æ' || r == 'Æ':
			b.WriteString("ae")
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// NameLike returns the LIKE pattern (with ESCAPE '\') that finds the
// name keys containing text's: the key's own %, _ and \ are escaped, so
// that they match only themselves.
func NameLike(text string) string {
	escaped := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(NameKey(text))
	return "%" + escaped + "%"
}
