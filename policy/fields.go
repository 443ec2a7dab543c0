package policy

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"

	"coffre"
)

// errAbsent marks a field that is not there at all, as opposed to one
// that is there but unusable; rules treat some absences as normal.
var errAbsent = errors.New("absent")

// dateField reads a date field. Classifiers store coffre.Date; a record
// that went through JSON holds "YYYY-MM-DD" instead, so both are accepted.
// A zero Date, nil or "" counts as absent.
func dateField(f coffre.Fields, key string) (coffre.Date, error) {
	switch v := f[key].(type) {
	case nil:
		return coffre.Date{}, fmt.Errorf("%s: %w", key, errAbsent)
	case coffre.Date:
		if v.IsZero() {
			return v, fmt.Errorf("%s: %w", key, errAbsent)
		}
		return v, nil
	case time.Time:
		return coffre.DateOf(v), nil
	case string:
		if v == "" {
			return coffre.Date{}, fmt.Errorf("%s: %w", key, errAbsent)
		}
		d, err := coffre.ParseDate(v)
		if err != nil {
			return coffre.Date{}, fmt.Errorf("%s: %q is not a YYYY-MM-DD date", key, v)
		}
		return d, nil
	default:
		return coffre.Date{}, fmt.Errorf("%s: %T is not a date", key, v)
	}
}

// intField reads a whole-number field. JSON turns ints into float64, so an
// integral float64 is accepted; so are digits in a string.
func intField(f coffre.Fields, key string) (int, error) {
	switch v := f[key].(type) {
	case nil:
		return 0, fmt.Errorf("%s: %w", key, errAbsent)
	case int:
		return v, nil
	case int64:
		return int(v), nil
	case float64:
		if v != math.Trunc(v) || math.Abs(v) > math.MaxInt32 {
			return 0, fmt.Errorf("%s: %v is not a whole number", key, v)
		}
		return int(v), nil
	case string:
		n, err := strconv.Atoi(v)
		if err != nil {
			return 0, fmt.Errorf("%s: %q is not a whole number", key, v)
		}
		return n, nil
	default:
		return 0, fmt.Errorf("%s: %T is not a whole number", key, v)
	}
}

// boolField reads an optional flag; anything but true is false.
func boolField(f coffre.Fields, key string) bool {
	b, _ := f[key].(bool)
	return b
}

// stringField reads an optional string; anything but a string is "".
func stringField(f coffre.Fields, key string) string {
	s, _ := f[key].(string)
	return s
}
