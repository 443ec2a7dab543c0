// Command gen writes a synthetic corpus of French justificatifs (avis
// d'imposition, attestations CAF, pièces d'identité) and look-alikes, each
// with a ground-truth JSON file. See README.md.
package main

import (
	"flag"
	"fmt"
	"log"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
)

func main() {
	out := flag.String("out", "testdata/corpus", "output directory")
	seed := flag.Uint64("seed", 1, "random seed; the corpus is a function of it")
	n := flag.Int("n", 0, "generate a larger corpus of N documents instead of the small plan")
	draft := flag.Bool("draft", false, "only clean PNG and digital PDF renderings")
	flag.Parse()
	plan := smallPlan()
	if *n > 0 {
		plan = largePlan(*n, rand.New(rand.NewPCG(*seed, 0xC0FFEE)))
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		log.Fatal(err)
	}
	var total int64
	count := 0
	for i, it := range plan {
		if *draft && (it.Rend == "photo" || it.Rend == "scan") {
			continue
		}
		r := rand.New(rand.NewPCG(*seed, uint64(i)+1))
		id := fmt.Sprintf("%s-%03d-%s", shortKind(it.Kind), i+1, it.Rend)
		size, err := writeItem(*out, id, it, r)
		if err != nil {
			log.Fatalf("%s: %v", id, err)
		}
		total += size
		count++
	}
	fmt.Printf("%d documents, %.1f MB in %s\n", count, float64(total)/1e6, *out)
}

// shortKind is the file-name prefix of a kind.
func shortKind(kind string) string {
	k, _, _ := strings.Cut(kind, ":")
	return strings.ReplaceAll(k, "_", "-")
}

// writeItem builds, renders and writes one document and its truth.
func writeItem(dir, id string, it Item, r *rand.Rand) (int64, error) {
	it.Seed = int64(r.Uint64() >> 1)
	sp := Build(it.Kind, r)
	data, ext, pages, err := Render(&sp, it)
	if err != nil {
		return 0, err
	}
	file := id + "." + ext
	t := Truth{File: file, Type: sp.Type, Subtype: sp.Subtype, Rendering: it.Rend, Lookalike: sp.Lookalike,
		Readable: !it.Unreadable(), Pages: pages, Fields: sp.Fields, IssuedOn: sp.IssuedOn, ExpiresOn: sp.ExpiresOn,
		Layout: sp.Layout, Font: sp.Font}
	if err := os.WriteFile(filepath.Join(dir, file), data, 0o644); err != nil {
		return 0, err
	}
	js, err := marshalTruth(t)
	if err != nil {
		return 0, err
	}
	return int64(len(data) + len(js)), os.WriteFile(filepath.Join(dir, id+".json"), js, 0o644)
}
