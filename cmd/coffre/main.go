// Command coffre is the engine of a coffre-fort numérique for French social
// services: it reads photos and PDFs of justificatifs, classifies them,
// extracts their fields and says until when they are valid.
//
// Usage:
//
//	coffre scan [--as-of YYYY-MM-DD] [--json] [--workers N] FILE...
//	coffre eval [--as-of YYYY-MM-DD] [--workers N] DIR
//	coffre serve [--addr HOST:PORT] [--workers N]
//	coffre worker [--workers N]
//	coffre flag-expiries [--as-of YYYY-MM-DD]
//	coffre journal verify
//	coffre user add --org NAME --role ROLE --email EMAIL
//	coffre token create --org NAME --role ROLE
//	coffre mandate grant --person ID --org NAME --collected HOW
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"syscall"
)

// command is one subcommand: it returns the process's exit code.
type command struct {
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) int
	summary string
}

var commands = map[string]command{
	"scan":          {runScan, "lit des documents et affiche leur type, leurs champs et leur validité"},
	"eval":          {runEval, "mesure la précision du pipeline sur un corpus annoté"},
	"user":          {runUser, "ajoute un utilisateur (user add --org --role --email ; mot de passe dans COFFRE_PASSWORD)"},
	"mandate":       {runMandate, "enregistre le mandat qu'une personne donne à un CCAS (mandate grant)"},
	"token":         {runToken, "crée un jeton d'API (token create --org --role)"},
	"key":           {runKey, "change la clé maîtresse et rechiffre la clé de chaque document (key rotate --new-key-file)"},
	"journal":       {runJournal, "vérifie l'intégrité du journal des opérations (journal verify)"},
	"flag-expiries": {runFlag, "lève les alertes d'expiration du jour (la tâche quotidienne, à la demande)"},
	"serve":         {runServe, "sert l'API (et lit les documents reçus, sauf --workers 0)"},
	"worker":        {runWorker, "lit les documents reçus, avec Redis et PostgreSQL partagés"},
}

// Exit codes.
const (
	exitOK    = 0
	exitFail  = 1 // the work could not be done (e.g. Tesseract is missing)
	exitUsage = 2 // coffre was misused
)

func main() {
	ensureThreadLimit()
	ctx, stop := signalContext()
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// signalContext is done on Ctrl-C or SIGTERM: servers then finish what
// they are doing and stop.
func signalContext() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return exitUsage
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "coffre : commande inconnue %q\n", args[0])
		usage(stderr)
		return exitUsage
	}
	return cmd.run(ctx, args[1:], stdout, stderr)
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage : coffre COMMANDE [options]\n\ncommandes :")
	names := make([]string, 0, len(commands))
	for name := range commands {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		fmt.Fprintf(w, "  %-13s %s\n", name, commands[name].summary)
	}
	fmt.Fprintln(w, "\n« coffre COMMANDE -h » détaille les options d'une commande.")
}

// ensureThreadLimit restarts the process with OMP_THREAD_LIMIT=1 unless the
// variable is set. OpenMP reads it when libtesseract loads, before main, and
// one thread per OCR slot is 5x faster here than OpenMP's default.
func ensureThreadLimit() {
	if _, set := os.LookupEnv("OMP_THREAD_LIMIT"); set {
		return
	}
	exe, err := os.Executable()
	if err != nil {
		return // run slower rather than not at all
	}
	_ = syscall.Exec(exe, os.Args, append(os.Environ(), "OMP_THREAD_LIMIT=1"))
}
