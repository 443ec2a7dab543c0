package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"time"

	"coffre"
	"coffre/intake"
	"coffre/policy"
)

// Config is what every command reads from flags and COFFRE_* variables.
// Flags win over variables, variables over defaults.
type Config struct {
	Workers    int         // OCR slots in parallel; COFFRE_WORKERS; default: the number of cores
	AsOf       coffre.Date // reference date for statuses; default: today
	PolicyFile string      // JSON overriding the default validity policy; COFFRE_POLICY_FILE
	Limits     intake.Limits
	// PageSegMode is Tesseract's page segmentation mode;
	// COFFRE_OCR_PSM; default 3 (see README, "Mesures").
	PageSegMode int
}

// flags registers the shared options on fs and returns a function that
// completes the Config once fs is parsed.
func (c *Config) flags(fs *flag.FlagSet) func() error {
	c.Limits = intake.DefaultLimits()
	fs.IntVar(&c.Workers, "workers", envInt("COFFRE_WORKERS", runtime.NumCPU()), "nombre de lectures OCR en parallèle")
	c.PageSegMode = envInt("COFFRE_OCR_PSM", 3)
	fs.StringVar(&c.PolicyFile, "policy", os.Getenv("COFFRE_POLICY_FILE"), "fichier JSON de règles de validité")
	asOf := fs.String("as-of", "", "date de référence AAAA-MM-JJ (par défaut : aujourd'hui)")
	return func() error {
		c.AsOf = coffre.DateOf(time.Now())
		if *asOf != "" {
			d, err := coffre.ParseDate(*asOf)
			if err != nil {
				return fmt.Errorf("--as-of %q : la date doit s'écrire AAAA-MM-JJ", *asOf)
			}
			c.AsOf = d
		}
		if c.Workers < 1 {
			return fmt.Errorf("--workers %d : il faut au moins 1", c.Workers)
		}
		return nil
	}
}

// policy returns the validity policy, from PolicyFile when set.
func (c *Config) policy() (policy.Policy, error) {
	if c.PolicyFile == "" {
		return policy.Default(), nil
	}
	return policy.Load(c.PolicyFile)
}

func envInt(name string, def int) int {
	n, err := strconv.Atoi(os.Getenv(name))
	if err != nil {
		return def
	}
	return n
}

// newFlags returns the flag set of a subcommand with the shared options
// registered into cfg, and the function that completes cfg once parsed.
func newFlags(name, synopsis string, cfg *Config, stderr io.Writer) (*flag.FlagSet, func() error) {
	fl := flag.NewFlagSet(name, flag.ContinueOnError)
	fl.SetOutput(stderr)
	fl.Usage = func() {
		fmt.Fprintf(stderr, "usage : coffre %s %s\n", name, synopsis)
		fl.PrintDefaults()
	}
	return fl, cfg.flags(fl)
}

// parseArgs parses args and checks the number of operands, reporting
// misuse on stderr.
func parseArgs(fl *flag.FlagSet, args []string, stderr io.Writer, complete func() error, operandsOK func(n int) bool) bool {
	if err := fl.Parse(args); err != nil {
		return false
	}
	if err := complete(); err != nil {
		fmt.Fprintln(stderr, "coffre :", err)
		return false
	}
	if !operandsOK(fl.NArg()) {
		fl.Usage()
		return false
	}
	return true
}
