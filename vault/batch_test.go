package vault

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
)

// TestBatcher: writes submitted while a batch commits wait for it, then
// commit together in the next batch; each gets its own error; a closed
// Batcher refuses writes.
func TestBatcher(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		gate := make(chan struct{})
		var sizes []int
		b := NewBatcher(func(batch []Write[string]) ([]error, error) {
			if len(sizes) == 0 {
				<-gate // the first batch commits slowly
			}
			sizes = append(sizes, len(batch))
			errs := make([]error, len(batch))
			for i, w := range batch {
				errs[i] = w.Apply("tx")
			}
			return errs, nil
		})
		write := func(i int) func(context.Context, string) error {
			return func(context.Context, string) error {
				if i == 5 {
					return fmt.Errorf("write %d failed", i)
				}
				return nil
			}
		}
		errs := make([]error, 11)
		var wg sync.WaitGroup
		wg.Go(func() { errs[0] = b.Do(t.Context(), write(0)) })
		synctest.Wait() // the first batch is committing
		for i := 1; i <= 10; i++ {
			wg.Go(func() { errs[i] = b.Do(t.Context(), write(i)) })
		}
		synctest.Wait() // the ten wait for it
		close(gate)
		wg.Wait()
		if !slices.Equal(sizes, []int{1, 10}) {
			t.Errorf("batches of %v, want [1 10]", sizes)
		}
		for i, err := range errs {
			if (err != nil) != (i == 5) {
				t.Errorf("write %d: %v", i, err)
			}
		}
		b.Close()
		if err := b.Do(t.Context(), write(0)); !errors.Is(err, ErrClosed) {
			t.Errorf("Do after Close: %v, want ErrClosed", err)
		}
	})
}
