package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"coffre/vault"
)

// runJournal checks the journal's hash chain: `coffre journal verify`
// exits 0 when every entry is intact, 1 when one was changed, removed or
// reordered.
func runJournal(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "verify" {
		fmt.Fprintln(stderr, "usage : coffre journal verify")
		return exitUsage
	}
	_, sc, ok := parseServiceArgs("journal verify", "", args[1:], stderr, nil)
	if !ok {
		return exitUsage
	}
	st, err := openStore(ctx, sc)
	if err != nil {
		fmt.Fprintln(stderr, "coffre :", err)
		return exitFail
	}
	defer st.Close()
	n, err := st.(vault.Journal).Verify(ctx)
	switch {
	case errors.Is(err, vault.ErrTampered):
		fmt.Fprintf(stdout, "Journal altéré après %d entrée(s) intègre(s) : %v\n", n, err)
		return exitFail
	case err != nil:
		fmt.Fprintln(stderr, "coffre :", err)
		return exitFail
	}
	fmt.Fprintf(stdout, "Journal intègre : %d entrée(s) vérifiée(s).\n", n)
	return exitOK
}
