package vault

import (
	"fmt"
	"io/fs"
	"path"
	"strconv"
	"strings"
)

// A Migration is one versioned schema change of a store, from a file
// named like "0001_init.sql".
type Migration struct {
	Version int
	Name    string
	Script  string
}

// Migrations reads the *.sql files of dir in fsys, in version order.
func Migrations(fsys fs.FS, dir string) ([]Migration, error) {
	files, err := fs.Glob(fsys, dir+"/*.sql")
	if err != nil {
		return nil, fmt.Errorf("vault: migrations: %w", err)
	}
	var out []Migration
	for _, name := range files { // fs.Glob sorts them
		prefix, _, _ := strings.Cut(path.Base(name), "_")
		version, err := strconv.Atoi(prefix)
		if err != nil {
			return nil, fmt.Errorf("vault: migration %s: no version number", name)
		}
		script, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("vault: migration %s: %w", name, err)
		}
		out = append(out, Migration{Version: version, Name: name, Script: string(script)})
	}
	return out, nil
}
